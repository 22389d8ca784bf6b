"""moto's EC2, in process, with the fixes that make it answer as AWS does for AMIs.

:class:`MotoEc2` sends each EC2 request to moto's WSGI app for EC2 (``create_backend_app("ec2")``,
what ``moto_server`` serves), with the signer's account in ``x-moto-account-id``. A few actions go
through a hook first or after, working on moto's own backend objects (moto runs in this process).
Each hook names what moto gets wrong, measured on moto 5.2.5; the upstream tracker is
https://github.com/getmoto/moto/issues:

* CreateImage with a ``snapshot`` TagSpecification raises NotImplementedError in moto
  (``moto/ec2/models/amis.py``, ``create_image``: ``elif resource_type == "snapshot": raise
  NotImplementedError()``; upstream: "CreateImage: TagSpecifications for snapshots not implemented",
  getmoto/moto, the TODO in that function). The shim takes the snapshot tags out of the request and
  puts them on the AMI's snapshot afterwards, as AWS does.
* AMI names are unique per account and region on AWS (``InvalidAMIName.Duplicate``); moto makes a
  second AMI of the same name. The shim refuses the name, as AWS does, for CreateImage, RegisterImage
  and CopyImage.
* RegisterImage ignores ``BlockDeviceMapping``, ``Architecture``, ``VirtualizationType``,
  ``RootDeviceName``, ``EnaSupport``, ``SriovNetSupport``, ``BootMode``, ``TpmSupport``,
  ``ImdsSupport``, ``KernelId``, ``RamdiskId``, ``ImageLocation`` and ``TagSpecification`` in moto,
  and invents a snapshot of its own; the shim checks the given snapshots exist (``InvalidSnapshot.
  NotFound``), keeps what was given, drops moto's invented snapshot, and marks the given snapshots in
  use while the AMI is registered (DeleteSnapshot: ``InvalidSnapshot.InUse``).
* CopyImage ignores ``ClientToken`` (a resend makes a second AMI), ``Encrypted``/``KmsKeyId`` and
  ``TagSpecification``, and reports no ``SourceImageId``; the shim answers a replayed token with the
  AMI it made (``IdempotentParameterMismatch`` for other parameters), and keeps the rest.
* CopyImage looks for the source AMI in the caller's own account only (``moto/ec2/models/amis.py``,
  ``copy_image``: ``ec2_backends[self.account_id][source_region]``), so another account's AMI that
  granted the caller launch permission (its account id, or the group ``all``) is "not found"; on AWS
  it is copied into the caller's account. The shim lends moto the shared AMI for that one call.
* ModifyImageAttribute ignores ``Description.Value``; the shim sets the description.
* DeregisterImage ignores ``DeleteAssociatedSnapshots`` (and answers no ``deleteSnapshotResultSet``);
  the shim deletes the AMI's snapshots that no other AMI uses in the same call, as AWS does, and
  reports each (``success`` or ``skipped``).
* EnableImageDeprecation and DisableImageDeprecation are not implemented in moto; the shim keeps the
  deprecation time (rounded to the minute, as AWS does) and DescribeImages reports it.
* moto makes every AMI ``available`` at once; on AWS it is ``pending`` while its snapshots are taken
  (or copied). The shim reports a new AMI ``pending`` for :data:`PENDING_SECONDS` of the service's
  time (scaled by the emulator's time scale), then ``available``.
* moto reports ``rootDeviceType`` ``standard`` for every AMI and no ``platformDetails`` or
  ``usageOperation``; the shim reports what AWS does for an EBS-backed Linux AMI (``ebs``,
  ``Linux/UNIX``, ``RunInstances``) and the ``imageLocation`` ``<account>/<name>``.

* moto keeps its state in memory, so a restart of the emulator would lose every AMI; the emulator
  promises that its state file keeps images across a restart (even a kill -9). After each EC2 call
  that is not a read, the shim saves the backend it changed (the account and region's moto
  ``EC2Backend``, pickled) and its own bookkeeping (pending AMIs, copy tokens, listing times) to the
  state file's ``aws`` section, and puts each backend back when moto is first used after a restart.
  It also keeps an index of every AMI ever made (``aws.images``: name, owner, region) where a
  deregistered one stays as a tombstone (``_deleted``), as the other clouds' sections do.

Not served (moto has no ImportImage): importing a disk image from S3; ``image_location`` registers an
instance-store AMI from a manifest path without reading it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import pickle
import re
import time
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from imageops.emulator.aws import XMLNS, Ec2Error

_log = logging.getLogger(__name__)

PENDING_SECONDS = {"CreateImage": 60.0, "RegisterImage": 10.0, "CopyImage": 120.0, "ImageLocation": 300.0}
"""How long a new AMI stays ``pending``, in the real service's seconds (``ImageLocation``: a
RegisterImage of an instance-store AMI, whose manifest and parts are read first)."""
_IMAGE_ID = re.compile(r"<imageId>(ami-[0-9a-f]+)</imageId>")
_FORWARDED = ("authorization", "content-type", "host", "x-amz-date", "x-amz-security-token")
_REGISTER_ATTRIBUTES = {
    "Architecture": "architecture",
    "VirtualizationType": "virtualization_type",
    "RootDeviceName": "root_device_name",
    "SriovNetSupport": "sriov_net_support",
    "BootMode": "boot_mode",
    "TpmSupport": "tpm_support",
    "ImdsSupport": "imds_support",
    "KernelId": "kernel_id",
    "RamdiskId": "ramdisk_id",
    "ImageLocation": "image_location",
}


def _indexed(params: dict[str, str], prefix: str) -> dict[int, dict[str, str]]:
    """``Prefix.N.Rest=value`` parameters grouped by N: {N: {"Rest": value}}."""
    groups: dict[int, dict[str, str]] = {}
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(.+)$")
    for key, value in params.items():
        match = pattern.match(key)
        if match:
            groups.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return groups


def tag_specifications(params: dict[str, str]) -> dict[str, dict[str, str]]:
    """ResourceType -> tags of the ``TagSpecification.N`` parameters."""
    found: dict[str, dict[str, str]] = {}
    for spec in _indexed(params, "TagSpecification").values():
        tags = found.setdefault(spec.get("ResourceType", ""), {})
        for tag in _indexed(spec, "Tag").values():
            tags[tag.get("Key", "")] = tag.get("Value", "")
    return found


def _without(params: dict[str, str], prefix: str) -> dict[str, str]:
    return {k: v for k, v in params.items() if not k.startswith(prefix)}


def _bool(value: str | None) -> bool | None:
    return None if value is None else value.lower() == "true"


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def deprecation(value: str) -> str:
    """AWS rounds a deprecation time to the minute and reports it with milliseconds."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    rounded = moment.replace(second=0, microsecond=0)
    if moment.second >= 30:
        rounded = datetime.fromtimestamp(rounded.timestamp() + 60, tz=rounded.tzinfo)
    return rounded.strftime("%Y-%m-%dT%H:%M:00.000Z")


def ok(action: str, request_id: str = "imageops-emulator") -> tuple[int, str]:
    return 200, (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{XMLNS}">'
        f"<requestId>{request_id}</requestId><return>true</return></{action}Response>"
    )


class MotoEc2:
    """moto's EC2 app and backends, with the hooks of the module doc."""

    def __init__(
        self,
        data_dir: Path,
        time_scale: float = 0.01,
        *,
        now: Callable[[], float] = time.time,
        listed: Callable[[float], bool] = lambda created: True,
        state: dict[str, Any] | None = None,
        save: Callable[[], None] = lambda: None,
    ) -> None:
        amis = Path(data_dir) / "moto-amis.json"
        amis.parent.mkdir(parents=True, exist_ok=True)
        amis.write_text("[]")
        # moto reads it when moto.ec2 is imported: no built-in public AMIs (thousands of objects,
        # each with a snapshot, in every region a request names)
        os.environ.setdefault("MOTO_AMIS_PATH", str(amis))
        from moto.ec2.models import ec2_backends
        from moto.moto_server.werkzeug_app import create_backend_app
        from werkzeug.test import Client

        self.client = Client(create_backend_app("ec2"))
        self.backends = ec2_backends
        self.tokens: dict[tuple[str, str, str], tuple[str, str]] = {}
        self.time_scale = time_scale
        self.pending: dict[tuple[str, str, str], float] = {}
        self.now = now
        self.listed = listed
        """Whether an AMI made at a time shows in listings yet (the emulator's ``--list-lag``)."""
        self.created: dict[str, float] = {}
        self.state = state if state is not None else {}
        """The state file's ``aws`` section: moto's backends and the AMI index are kept in it."""
        self.save = save
        self._restore()

    def backend(self, account: str, region: str) -> Any:
        return self.backends[account][region]

    def seed(self, account: str, region: str, instance_id: str, snapshot_id: str) -> None:
        """A running instance and a completed 8 GiB snapshot with these ids."""
        backend = self.backend(account, region)
        if any(i.id == instance_id for r in backend.reservations.values() for i in r.instances):
            return
        scope = f"AWS4-HMAC-SHA256 Credential=AKIAIMAGEOPSSEED/20260101/{region}/ec2/aws4_request"
        run = {"Action": "RunInstances", "ImageId": "ami-0000000000000000a", "MinCount": "1", "MaxCount": "1"}
        status, content = self.forward(account, {"authorization": scope}, {**run, "InstanceType": "t3.micro"})
        made = re.search(r"<instanceId>(i-[0-9a-f]+)</instanceId>", content)
        if status != 200 or made is None:
            raise RuntimeError(f"moto did not run the demo instance: HTTP {status} {content[:300]}")
        backend.get_instance(made.group(1)).id = instance_id
        volume = backend.create_volume(size=8, zone_name=f"{region}a")
        snapshot = backend.create_snapshot(volume.id, "imageops demo root volume", owner_id=account)
        backend.snapshots.pop(snapshot.id)
        snapshot.id = snapshot_id
        backend.snapshots[snapshot_id] = snapshot

    # ---------------------------------------------------------------------------------- dispatch
    def handle(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, str]:
        action = params.get("Action", "")
        self._promote()
        hook: Callable[..., tuple[int, str]] | None = getattr(self, "_" + _snake(action), None)
        if hook is not None:
            try:
                return hook(account, region, params, headers)
            finally:
                self._persist(action, account, region)
        status, content = self.forward(account, headers, body)
        if action == "DescribeImages" and status == 200 and "ImageId.1" not in params:
            content = self._unlisted_hidden(content)
        self._persist(action, account, region)
        return status, content

    # ------------------------------------------------------------------------------- persistence
    def _persist(self, action: str, account: str, region: str) -> None:
        """After a call that may have changed ``account``'s backend in ``region``: that backend,
        the shim's bookkeeping and the AMI index (tombstones for the deregistered) to the state file."""
        if action.startswith(("Describe", "Get")):
            return
        backend = self.backend(account, region)
        moto = self.state.setdefault("moto", {})
        blob = zlib.compress(pickle.dumps(backend, protocol=pickle.HIGHEST_PROTOCOL))
        moto.setdefault("backends", {})[f"{account}/{region}"] = base64.b64encode(blob).decode("ascii")
        moto["pending"] = [[*key, ready_at] for key, ready_at in self.pending.items()]
        moto["tokens"] = [[*key, *made] for key, made in self.tokens.items()]
        moto["created"] = dict(self.created)
        index = self.state.setdefault("images", {})
        for image_id, ami in backend.amis.items():
            if ami.owner_id == account:
                index[image_id] = {"ImageName": ami.name, "OwnerId": account, "Region": region}
        for image_id, record in index.items():
            if (
                record["OwnerId"] == account
                and record["Region"] == region
                and image_id not in backend.amis
                and not record.get("_deleted")
            ):
                record["_deleted"] = time.time()
        self.save()

    def _restore(self) -> None:
        """moto's backends and the shim's bookkeeping as :meth:`_persist` saved them (the state file
        is the emulator's own, written by :meth:`_persist`)."""
        moto = self.state.get("moto") or {}
        for key, blob in (moto.get("backends") or {}).items():
            account, _, region = key.partition("/")
            try:
                self.backends[account][region] = pickle.loads(zlib.decompress(base64.b64decode(blob)))
            except Exception as exc:  # e.g. saved by another moto version: that backend starts empty
                _log.warning("AWS state of %s not restored from the state file: %r", key, exc)
        self.pending = {(a, r, i): float(t) for a, r, i, t in moto.get("pending") or []}
        self.tokens = {(a, r, t): (i, f) for a, r, t, i, f in moto.get("tokens") or []}
        self.created = {k: float(v) for k, v in (moto.get("created") or {}).items()}

    def _unlisted_hidden(self, content: str) -> str:
        """A DescribeImages answer without the AMIs the listing does not show yet (``--list-lag``);
        a describe by ``ImageId`` sees them at once, as on AWS."""
        hidden = {image_id for image_id, made in self.created.items() if not self.listed(made)}
        if not hidden:
            return content
        root = ElementTree.fromstring(content)
        namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
        prefix = f"{{{namespace}}}" if namespace else ""
        ElementTree.register_namespace("", namespace)
        found = root.find(f"{prefix}imagesSet")
        for item in list(found if found is not None else []):
            if item.findtext(f"{prefix}imageId") in hidden:
                found.remove(item)  # type: ignore[union-attr]
        return ElementTree.tostring(root, encoding="unicode")

    def forward(self, account: str, headers: dict[str, str], body: bytes | dict[str, str]) -> tuple[int, str]:
        data = urlencode(body).encode() if isinstance(body, dict) else body
        sent = {k: v for k, v in headers.items() if k in _FORWARDED}
        sent["x-moto-account-id"] = account
        response = self.client.post("/", data=data, headers=sent)
        return response.status_code, response.get_data(as_text=True)

    # ------------------------------------------------------------------------------------ helpers
    def _pend(self, account: str, region: str, ami: Any, action: str) -> None:
        self.created[ami.id] = self.now()
        ami.state = "pending"
        self.pending[(account, region, ami.id)] = time.time() + PENDING_SECONDS[action] * self.time_scale

    def _promote(self) -> None:
        now = time.time()
        for key, ready_at in list(self.pending.items()):
            if ready_at <= now:
                account, region, image_id = key
                ami = self.backend(account, region).amis.get(image_id)
                if ami is not None and ami.state == "pending":
                    ami.state = "available"
                del self.pending[key]

    def _owned(self, account: str, region: str, image_id: str | None) -> Any:
        ami = self.backend(account, region).amis.get(image_id or "")
        if ami is None or ami.owner_id != account:
            raise Ec2Error("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
        return ami

    def _unique_name(self, account: str, region: str, name: str | None) -> None:
        for ami in self.backend(account, region).amis.values():
            if name and ami.name == name and ami.owner_id == account:
                raise Ec2Error(
                    "InvalidAMIName.Duplicate", f"AMI name {name} is already in use by AMI {ami.id}"
                )

    @staticmethod
    def _complete(ami: Any, account: str) -> None:
        ami.root_device_type = "ebs" if ami.root_device_type == "standard" else ami.root_device_type
        ami.platform_details = "Windows" if ami.platform == "windows" else "Linux/UNIX"
        ami.usage_operation = "RunInstances:0002" if ami.platform == "windows" else "RunInstances"
        ami.hypervisor = ami.hypervisor or "xen"
        if not ami.image_location:
            ami.image_location = f"{account}/{ami.name}"

    def _made(self, account: str, region: str, status: int, content: str) -> Any:
        match = _IMAGE_ID.search(content) if status == 200 else None
        return self.backend(account, region).amis[match.group(1)] if match else None

    # -------------------------------------------------------------------------------------- hooks
    def _create_image(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        self._unique_name(account, region, params.get("Name"))
        tags = tag_specifications(params)
        sent = _without(params, "TagSpecification.")
        for index, (kind, values) in enumerate((k, v) for k, v in tags.items() if k != "snapshot"):
            sent[f"TagSpecification.{index + 1}.ResourceType"] = kind
            for n, (key, value) in enumerate(values.items(), 1):
                sent[f"TagSpecification.{index + 1}.Tag.{n}.Key"] = key
                sent[f"TagSpecification.{index + 1}.Tag.{n}.Value"] = value
        status, content = self.forward(account, headers, sent)
        ami = self._made(account, region, status, content)
        if ami is not None:
            self._complete(ami, account)
            for key, value in tags.get("snapshot", {}).items():
                ami.ebs_snapshot.add_tag(key, value)
            self._pend(account, region, ami, "CreateImage")
        return status, content

    def _register_image(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        self._unique_name(account, region, params.get("Name"))
        backend = self.backend(account, region)
        mappings: list[dict[str, Any]] = []
        for mapping in _indexed(params, "BlockDeviceMapping").values():
            device = mapping.get("DeviceName")
            if mapping.get("VirtualName"):
                mappings.append({"DeviceName": device, "VirtualName": mapping["VirtualName"]})
                continue
            snapshot_id = mapping.get("Ebs.SnapshotId")
            snapshot = backend.snapshots.get(snapshot_id) if snapshot_id else None
            if snapshot_id and snapshot is None:
                raise Ec2Error("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.")
            size = _int(mapping.get("Ebs.VolumeSize")) or (int(snapshot.volume.size) if snapshot else None)
            ebs: dict[str, Any] = {
                "SnapshotId": snapshot_id,
                "VolumeSize": size,
                "VolumeType": mapping.get("Ebs.VolumeType") or "standard",
                "DeleteOnTermination": _bool(mapping.get("Ebs.DeleteOnTermination")) is not False,
                "Encrypted": bool(snapshot.encrypted)
                if snapshot
                else bool(_bool(mapping.get("Ebs.Encrypted"))),
            }
            for key in ("Iops", "Throughput"):
                if mapping.get(f"Ebs.{key}"):
                    ebs[key] = int(mapping[f"Ebs.{key}"])
            if mapping.get("Ebs.OutpostArn"):
                ebs["OutpostArn"] = mapping["Ebs.OutpostArn"]
            mappings.append({"DeviceName": device, "Ebs": {k: v for k, v in ebs.items() if v is not None}})
        root = params.get("RootDeviceName")
        if (
            root
            and mappings
            and not any(m["DeviceName"] == root for m in mappings)
            and not params.get("ImageLocation")
        ):
            raise Ec2Error("InvalidBlockDeviceMapping", f"The root device name {root} is not mapped")
        status, content = self.forward(account, headers, _without(params, "TagSpecification."))
        ami = self._made(account, region, status, content)
        if ami is None:
            return status, content
        for param, attribute in _REGISTER_ATTRIBUTES.items():
            if params.get(param):
                setattr(ami, attribute, params[param])
        if params.get("EnaSupport") is not None:
            ami.ena_support = _bool(params["EnaSupport"])
        if not params.get("VirtualizationType"):
            ami.virtualization_type = "paravirtual"  # RegisterImage's default on AWS
        if not params.get("Architecture"):
            ami.architecture = "x86_64"
        if params.get("ImageLocation") and not mappings:
            ami.root_device_type = "instance-store"
        invented = ami.ebs_snapshot
        backend.snapshots.pop(invented.id, None)
        ami.BlockDeviceMappings = mappings
        for made in mappings:
            snapshot_id = (made.get("Ebs") or {}).get("SnapshotId")
            if snapshot_id:
                backend.snapshots[snapshot_id].from_ami = ami.id  # in use while registered
        for key, value in tag_specifications(params).get("image", {}).items():
            ami.add_tag(key, value)
        self._complete(ami, account)
        self._pend(account, region, ami, "ImageLocation" if params.get("ImageLocation") else "RegisterImage")
        return status, content

    def _copy_image(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        token = params.get("ClientToken")
        fingerprint = json.dumps({k: v for k, v in params.items() if k != "ClientToken"}, sort_keys=True)
        if token and (account, region, token) in self.tokens:
            image_id, seen = self.tokens[(account, region, token)]
            if seen != fingerprint:
                raise Ec2Error(
                    "IdempotentParameterMismatch",
                    "The client token you have provided is associated with a resource that is already "
                    "deleted "
                    "or has different parameters",
                )
            return 200, (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<CopyImageResponse xmlns="{XMLNS}">'
                f"<requestId>imageops-emulator</requestId><imageId>{image_id}</imageId></CopyImageResponse>"
            )
        self._unique_name(account, region, params.get("Name"))
        source_backend = self.backend(account, params.get("SourceRegion") or region)
        source_id = params.get("SourceImageId", "")
        shared = None if source_id in source_backend.amis else self._shared_with(account, params, region)
        if shared is not None:  # moto looks in the caller's account only: lend it the shared AMI
            source_backend.amis[source_id] = shared
        try:
            status, content = self.forward(account, headers, _without(params, "TagSpecification."))
        finally:
            if shared is not None:
                source_backend.amis.pop(source_id, None)
        ami = self._made(account, region, status, content)
        if ami is None:
            return status, content
        source = shared or source_backend.amis.get(source_id)
        ami.source_image_id = params.get("SourceImageId")
        ami.source_image_region = params.get("SourceRegion")
        encrypted = _bool(params.get("Encrypted"))
        volume = dict(ami.block_device_mappings[0]["Ebs"])
        if source is not None:
            ami.root_device_name = source.root_device_name
            ami.ena_support = getattr(source, "ena_support", None)
            ami.boot_mode = source.boot_mode
            source_ebs = [
                m for m in getattr(source, "BlockDeviceMappings", None) or source.block_device_mappings
            ]
            root = next((m for m in source_ebs if m.get("DeviceName") == source.root_device_name), None)
            if root and root.get("Ebs"):
                volume.update({k: v for k, v in root["Ebs"].items() if k != "SnapshotId"})
        if encrypted:
            volume["Encrypted"] = True
            volume["KmsKeyId"] = params.get("KmsKeyId") or f"arn:aws:kms:{region}:{account}:alias/aws/ebs"
        ami.BlockDeviceMappings = [{"DeviceName": ami.root_device_name, "Ebs": volume}]
        tags = tag_specifications(params)
        for key, value in tags.get("image", {}).items():
            ami.add_tag(key, value)
        for key, value in tags.get("snapshot", {}).items():
            ami.ebs_snapshot.add_tag(key, value)
        self._complete(ami, account)
        self._pend(account, region, ami, "CopyImage")
        if token:
            self.tokens[(account, region, token)] = (ami.id, fingerprint)
        return status, content

    def _shared_with(self, account: str, params: dict[str, str], region: str) -> Any:
        """Another account's AMI in the source region that this account may launch (its id, a
        launch permission, or the group ``all``), as CopyImage finds it on AWS; None otherwise."""
        source_region = params.get("SourceRegion") or region
        source_id = params.get("SourceImageId", "")
        for owner, regions in self.backends.items():
            if owner == account or source_region not in regions:
                continue
            ami = regions[source_region].amis.get(source_id)
            granted = ami.launch_permissions if ami is not None else []
            if any(p.get("UserId") == account or p.get("Group") == "all" for p in granted):
                return ami
        return None

    def _modify_image_attribute(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        description = params.get("Description.Value")
        if description is None and params.get("Attribute") == "description":
            description = params.get("Value")
        if description is None:
            return self.forward(account, headers, params)
        ami = self._owned(account, region, params.get("ImageId"))
        ami.description = description
        rest = {k: v for k, v in params.items() if k not in ("Description.Value", "Attribute", "Value")}
        if any(
            k.startswith(("LaunchPermission", "UserId", "UserGroup", "Organization", "OperationType"))
            for k in rest
        ):
            return self.forward(account, headers, rest)
        return ok("ModifyImageAttribute")

    def _deregister_image(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        if str(params.get("DeleteAssociatedSnapshots", "")).lower() != "true":
            return self.forward(account, headers, params)
        backend = self.backend(account, region)
        ami = self._owned(account, region, params.get("ImageId"))
        snapshots = _snapshots_of(ami)
        rest = {k: v for k, v in params.items() if k != "DeleteAssociatedSnapshots"}
        status, content = self.forward(account, headers, rest)
        if status != 200:
            return status, content
        results = []
        for snapshot_id in snapshots:
            used = any(snapshot_id in _snapshots_of(other) for other in backend.amis.values())
            if not used:
                backend.snapshots.pop(snapshot_id, None)
            code = "skipped" if used else "success"
            results.append(
                f"<item><snapshotId>{snapshot_id}</snapshotId><returnCode>{code}</returnCode></item>"
            )
        return 200, (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<DeregisterImageResponse xmlns="{XMLNS}">'
            "<requestId>imageops-emulator</requestId><return>true</return>"
            f"<deleteSnapshotResultSet>{''.join(results)}</deleteSnapshotResultSet></DeregisterImageResponse>"
        )

    def _enable_image_deprecation(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        ami = self._owned(account, region, params.get("ImageId"))
        try:
            ami.deprecation_time = deprecation(params.get("DeprecateAt", ""))
        except ValueError:
            raise Ec2Error("InvalidParameterValue", "DeprecateAt must be a valid date and time") from None
        return ok("EnableImageDeprecation")

    def _disable_image_deprecation(
        self, account: str, region: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        ami = self._owned(account, region, params.get("ImageId"))
        ami.deprecation_time = None
        return ok("DisableImageDeprecation")


def _snapshots_of(ami: Any) -> list[str]:
    """The EBS snapshot ids of a moto AMI (the shim's mappings when it set them)."""
    mappings = getattr(ami, "BlockDeviceMappings", None) or ami.block_device_mappings
    return [m["Ebs"]["SnapshotId"] for m in mappings if (m.get("Ebs") or {}).get("SnapshotId")]


def _snake(action: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in action).lstrip("_")
