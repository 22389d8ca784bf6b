"""The AWS AMI driver: :class:`imageops.driver.ImageDriver` over :class:`Ec2Api`.

States: ``pending`` is pending, ``available`` (and ``disabled``: it exists) available, ``failed``,
``error`` and ``invalid`` failed (the reconciler replaces it), ``deregistered`` deleted; an AMI that
DescribeImages no longer returns is deleted. An unknown word is pending.

Reads: ``get`` is one DescribeImages by ImageId, ``find`` one DescribeImages for ``Owner=self`` and the
``name`` filter. Launch permissions are not in DescribeImages: only a spec that manages them costs a
DescribeImageAttribute, through :meth:`AwsDriver.pending_changes`.

Creates: AMI names are unique per account and region. CopyImage carries a deterministic
``ClientToken`` (the spec's retry token), so a resent copy is answered with the AMI it made.
CreateImage and RegisterImage have no token: an attempt whose answer was lost is never resent blindly
- the driver looks the name up, adopts the AMI if the request had made it, and only otherwise sends it
again; ``InvalidAMIName.Duplicate`` means an earlier attempt made it, and it is adopted too. A create
interrupted for good is adopted by name on the next run, like any existing AMI.

Deletes: DeregisterImage with ``DeleteAssociatedSnapshots`` (``delete_snapshots``, default true) for
an AMI whose snapshots were made for it - created from an instance or copied (Terraform's
``manage_ebs_snapshots``): EC2 deletes them in the same call, so a run killed mid-delete leaves no
snapshot behind. A snapshot the answer does not report deleted is deleted with DeleteSnapshot. The
snapshots an AMI was registered from are the user's and are kept.
"""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from imageops.aws.api import Ec2Api, items
from imageops.aws.spec import AwsImageSpec, normalise_time
from imageops.create_once import NameAdoptingDriver
from imageops.driver import PollPolicy
from imageops.errors import (
    AmbiguousImageError,
    CloudError,
    ConflictError,
    NotFoundError,
)
from imageops.model import Image, ImageState
from imageops.reconcile import NOTHING_PENDING, Change, Pending
from imageops.redact import get_logger
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

__all__ = ["AwsDriver", "image_from_xml", "normalise_state", "permission_changes"]

log = get_logger("imageops.aws.driver")

_STATES = {
    "pending": ImageState.PENDING,
    "available": ImageState.AVAILABLE,
    "disabled": ImageState.AVAILABLE,
    "failed": ImageState.FAILED,
    "error": ImageState.FAILED,
    "invalid": ImageState.FAILED,
    "deregistered": ImageState.DELETED,
    "transient": ImageState.PENDING,
}
SNAPSHOT_DELETE_ATTEMPTS = 6
DUPLICATE_NAME = "InvalidAMIName.Duplicate"
_EBS = {
    "snapshot_id": "SnapshotId",
    "volume_size": "VolumeSize",
    "volume_type": "VolumeType",
    "iops": "Iops",
    "throughput": "Throughput",
    "encrypted": "Encrypted",
    "delete_on_termination": "DeleteOnTermination",
    "outpost_arn": "OutpostArn",
}
_REGISTER = {
    "name": "Name",
    "description": "Description",
    "image_location": "ImageLocation",
    "root_device_name": "RootDeviceName",
    "architecture": "Architecture",
    "virtualization_type": "VirtualizationType",
    "ena_support": "EnaSupport",
    "sriov_net_support": "SriovNetSupport",
    "boot_mode": "BootMode",
    "tpm_support": "TpmSupport",
    "imds_support": "ImdsSupport",
    "uefi_data": "UefiData",
    "kernel_id": "KernelId",
    "ramdisk_id": "RamdiskId",
}
_PERMISSIONS = {
    "account_ids": "UserId",
    "groups": "Group",
    "organization_arns": "OrganizationArn",
    "organizational_unit_arns": "OrganizationalUnitArn",
}
_PERMISSION_XML = {
    "userId": "account_ids",
    "group": "groups",
    "organizationArn": "organization_arns",
    "organizationalUnitArn": "organizational_unit_arns",
}


def normalise_state(raw_state: str) -> ImageState:
    return _STATES.get(raw_state, ImageState.PENDING)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _parse_time(value: Any) -> datetime | None:
    try:
        return (
            datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) and value else None
        )
    except ValueError:
        return None


def _value(attribute: Any) -> Any:
    """EC2's ``<enaSupport>true</enaSupport>`` or ``<sriovNetSupport><value>simple</value>...``."""
    return attribute.get("value") if isinstance(attribute, dict) else attribute


def _partition(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def image_from_xml(data: dict[str, Any], region: str | None = None) -> Image:
    """One ``imagesSet`` item -> the neutral :class:`Image`; ``attributes`` has every attribute of
    Terraform's ``aws_ami``."""
    raw_state = str(data.get("imageState") or "unknown")
    tags = {
        str(t.get("key")): str(t.get("value") or "") for t in items(data.get("tagSet")) if isinstance(t, dict)
    }
    ebs: list[dict[str, Any]] = []
    ephemeral: list[dict[str, Any]] = []
    for mapping in items(data.get("blockDeviceMapping")):
        if not isinstance(mapping, dict):
            continue
        device = mapping.get("deviceName")
        volume = mapping.get("ebs")
        if isinstance(volume, dict):
            ebs.append(
                {
                    "device_name": device,
                    "snapshot_id": _str(volume.get("snapshotId")),
                    "volume_size": _int(volume.get("volumeSize")),
                    "volume_type": _str(volume.get("volumeType")),
                    "iops": _int(volume.get("iops")),
                    "throughput": _int(volume.get("throughput")),
                    "encrypted": _bool(volume.get("encrypted")),
                    "delete_on_termination": _bool(volume.get("deleteOnTermination")),
                    "outpost_arn": _str(volume.get("outpostArn")),
                }
            )
        elif _str(mapping.get("virtualName")):
            ephemeral.append({"device_name": device, "virtual_name": mapping.get("virtualName")})
    image_id = str(data.get("imageId"))
    root = _str(data.get("rootDeviceName"))
    root_snapshot = next((d["snapshot_id"] for d in ebs if d["device_name"] == root), None)
    reason_data = data.get("stateReason")
    reason: dict[str, Any] = reason_data if isinstance(reason_data, dict) else {}
    source_instance = _str(data.get("sourceInstanceId"))
    source_image = _str(data.get("sourceImageId"))
    attributes: dict[str, Any] = {
        "arn": f"arn:{_partition(region)}:ec2:{region or ''}::image/{image_id}",
        "id": image_id,
        "image_id": image_id,
        "name": _str(data.get("name")),
        "description": _str(data.get("description")),
        "architecture": _str(data.get("architecture")),
        "boot_mode": _str(data.get("bootMode")),
        "creation_date": _str(data.get("creationDate")),
        "deprecation_time": _str(data.get("deprecationTime")),
        "ebs_block_devices": ebs,
        "ephemeral_block_devices": ephemeral,
        "ena_support": _bool(data.get("enaSupport")),
        "hypervisor": _str(data.get("hypervisor")),
        "image_location": _str(data.get("imageLocation")),
        "image_owner_alias": _str(data.get("imageOwnerAlias")),
        "image_type": _str(data.get("imageType")),
        "imds_support": _str(_value(data.get("imdsSupport"))),
        "kernel_id": _str(data.get("kernelId")),
        "manage_ebs_snapshots": bool(source_instance or source_image),
        "owner_id": _str(data.get("imageOwnerId")),
        "platform": _str(data.get("platform")),
        "platform_details": _str(data.get("platformDetails")),
        "public": bool(_bool(data.get("isPublic"))),
        "ramdisk_id": _str(data.get("ramdiskId")),
        "root_device_name": root,
        "root_device_type": _str(data.get("rootDeviceType")),
        "root_snapshot_id": root_snapshot,
        "source_image_id": source_image,
        "source_image_region": _str(data.get("sourceImageRegion")),
        "source_instance_id": source_instance,
        "sriov_net_support": _str(_value(data.get("sriovNetSupport"))),
        "state": raw_state,
        "state_reason": {"code": _str(reason.get("code")), "message": _str(reason.get("message"))},
        "tags": tags,
        "tags_all": dict(tags),
        "tpm_support": _str(data.get("tpmSupport")),
        "usage_operation": _str(data.get("usageOperation")),
        "virtualization_type": _str(data.get("virtualizationType")),
    }
    sizes = [d["volume_size"] for d in ebs if isinstance(d["volume_size"], int)]
    return Image(
        cloud="aws",
        id=image_id,
        name=attributes["name"],
        state=normalise_state(raw_state),
        raw_state=raw_state,
        region=region,
        tags=tags,
        created=_parse_time(data.get("creationDate")),
        size_mb=sum(sizes) * 1024 if sizes else None,
        attributes=attributes,
    )


def _tag_specs(tags: dict[str, str] | None, *kinds: str) -> list[dict[str, Any]]:
    if not tags:
        return []
    return [
        {"ResourceType": kind, "Tag": [{"Key": k, "Value": v} for k, v in tags.items()]} for kind in kinds
    ]


def create_params(spec: AwsImageSpec) -> dict[str, Any]:
    """The CreateImage, RegisterImage or CopyImage parameters for ``spec`` (without a client token)."""
    if spec.source == "instance":
        return {
            "InstanceId": spec.source_instance_id,
            "Name": spec.name,
            "Description": spec.description or None,
            "NoReboot": spec.snapshot_without_reboot,
            "TagSpecification": _tag_specs(spec.tags, "image", "snapshot"),
        }
    if spec.source == "copy":
        return {
            "SourceImageId": spec.source_ami_id,
            "SourceRegion": spec.source_ami_region,
            "Name": spec.name,
            "Description": spec.description or None,
            "Encrypted": spec.encrypted,
            "KmsKeyId": spec.kms_key_id,
            "DestinationOutpostArn": spec.destination_outpost_arn,
            "TagSpecification": _tag_specs(spec.tags, "image", "snapshot"),
        }
    given = spec.given()
    params: dict[str, Any] = {ec2: given[name] for name, ec2 in _REGISTER.items() if name in given}
    if params.get("Description") == "":
        del params["Description"]
    mappings: list[dict[str, Any]] = []
    for device in spec.ebs_block_devices or []:
        volume = {_EBS[k]: v for k, v in device.given().items() if k in _EBS}
        mappings.append({"DeviceName": device.device_name, "Ebs": volume})
    for eph in spec.ephemeral_block_devices or []:
        mappings.append({"DeviceName": eph.device_name, "VirtualName": eph.virtual_name})
    if mappings:
        params["BlockDeviceMapping"] = mappings
    params["TagSpecification"] = _tag_specs(spec.tags, "image")
    return params


def permission_changes(observed: dict[str, list[str]], wanted: dict[str, list[str]]) -> dict[str, Any]:
    """ModifyImageAttribute ``LaunchPermission`` (``Add``/``Remove`` lists) from observed to wanted;
    only the lists given in ``wanted`` are touched. Empty when nothing changes."""
    add: list[dict[str, str]] = []
    remove: list[dict[str, str]] = []
    for name, key in _PERMISSIONS.items():
        if name not in wanted:
            continue
        have, want = set(observed.get(name) or []), set(wanted[name] or [])
        add += [{key: value} for value in sorted(want - have)]
        remove += [{key: value} for value in sorted(have - want)]
    change: dict[str, Any] = {}
    if add:
        change["Add"] = add
    if remove:
        change["Remove"] = remove
    return change


class AwsDriver(NameAdoptingDriver):
    """AWS AMIs through the neutral driver protocol."""

    cloud = "aws"
    spec_type: type[ImageSpec] = AwsImageSpec

    def __init__(
        self,
        api: Ec2Api,
        *,
        region: str,
        poll: PollPolicy | None = None,
        max_token_attempts: int = 10,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(api, poll=poll, max_token_attempts=max_token_attempts, sleep=sleep)
        self.region = region

    def _spec(self, spec: ImageSpec) -> AwsImageSpec:
        checked: AwsImageSpec = self.checked_spec(spec)
        return checked

    def _image(self, data: dict[str, Any]) -> Image:
        return image_from_xml(data, self.region)

    # reads -------------------------------------------------------------------------------------------
    def get(self, image_id: str) -> Image | None:
        try:
            found = self.api.describe_images({"ImageId": [image_id]})
        except NotFoundError:
            return None
        match = [i for i in found if isinstance(i, dict) and i.get("imageId") == image_id]
        if not match or match[0].get("imageState") == "deregistered":
            return None
        return self._image(match[0])

    def _named(self, name: str) -> list[dict[str, Any]]:
        found = self.api.describe_images({"Owner": ["self"], "Filter": [{"Name": "name", "Value": [name]}]})
        return [
            i
            for i in found
            if isinstance(i, dict) and i.get("name") == name and i.get("imageState") != "deregistered"
        ]

    def find(self, spec: ImageSpec) -> Image | None:
        spec = self._spec(spec)
        if spec.name is None:
            return None
        matches = self._named(spec.name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("imageId")) for m in matches])
        return self._image(matches[0]) if matches else None

    def list(self, spec: ImageSpec, *, states: list[str] | None = None) -> list[Image]:
        """This account's AMIs in the region (named ``name`` when the spec has one)."""
        spec = self._spec(spec)
        filters: list[dict[str, Any]] = []
        if spec.name is not None:
            filters.append({"Name": "name", "Value": [spec.name]})
        if states:
            filters.append({"Name": "state", "Value": list(states)})
        found = self.api.describe_images({"Owner": ["self"], "Filter": filters})
        return [
            self._image(i) for i in found if isinstance(i, dict) and i.get("imageState") != "deregistered"
        ]

    def launch_permissions(self, image_id: str) -> dict[str, builtins.list[str]]:
        """The AMI's launch permissions (one DescribeImageAttribute), by the spec's list names."""
        seen: dict[str, builtins.list[str]] = {name: [] for name in _PERMISSIONS}
        for permission in self.api.launch_permissions(image_id):
            for key, name in _PERMISSION_XML.items():
                if _str(permission.get(key)):
                    seen[name].append(permission[key])
        return {name: sorted(set(values)) for name, values in seen.items()}

    def pending_changes(self, desired: ImageSpec, observed: Image | None) -> Pending:
        """The launch permissions, when the spec manages them and the AMI exists (one
        DescribeImageAttribute): EC2 does not report them with the image."""
        spec = self._spec(desired)
        if spec.launch_permissions is None or observed is None:
            return NOTHING_PENDING
        wanted = spec.launch_permissions.given()
        live = self.launch_permissions(observed.id)
        before = {name: live[name] for name in wanted}
        if before == wanted:
            return NOTHING_PENDING
        return Pending((Change("launch_permissions", before, wanted, replace=False),))

    # writes ------------------------------------------------------------------------------------------
    def create(self, spec: ImageSpec, *, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Image:
        """CreateImage, RegisterImage or CopyImage (adopting an AMI a lost attempt made), then the
        launch permissions and the deprecation time; one DescribeImages for the result."""
        spec = self._spec(spec)
        params = create_params(spec)
        image_id = self._copy(spec, params) if spec.source == "copy" else self._create_once(spec, params)
        if spec.launch_permissions is not None:
            change = permission_changes({}, spec.launch_permissions.given())
            if change:
                self.api.modify_image_attribute(image_id, {"LaunchPermission": change})
        if spec.deprecation_time:
            self.api.enable_deprecation(image_id, spec.deprecation_time)
        image = self.get(image_id)
        if image is None:
            raise CloudError(
                f"AMI {image_id} was made but is not found", code="NotFound", operation="DescribeImages"
            )
        return image

    def _copy(self, spec: AwsImageSpec, params: dict[str, Any]) -> str:
        for attempt, token in enumerate(self.creation_tokens(spec.retry_token)):
            try:
                image_id = self.api.copy_image({**params, "ClientToken": token})
            except ConflictError as exc:
                if exc.code != DUPLICATE_NAME:
                    raise
                adopted = self.until_listed(lambda: self._adopt(spec))
                if adopted is None:
                    raise
                log.info("CopyImage: AMI %s already holds the name; adopting it", adopted)
                return adopted
            if self.get(image_id) is not None:
                return image_id
            log.info(
                "CopyImage replayed client token %d with deregistered AMI %s; next token", attempt, image_id
            )
        raise ConflictError(
            "even a fresh client token was answered with a deregistered AMI",
            code="ClientTokenExhausted",
            operation="CopyImage",
        )

    def _create_once(self, spec: AwsImageSpec, params: dict[str, Any]) -> str:
        """CreateImage or RegisterImage, resent only when a lookup by name shows the lost attempt
        made nothing."""
        send = self.api.create_image if spec.source == "instance" else self.api.register_image
        return self.create_once(
            lambda: send(params),
            lambda: self._adopt(spec),
            operation="CreateImage" if spec.source == "instance" else "RegisterImage",
            noun="AMI",
            name_taken=DUPLICATE_NAME,
            log=log,
        )

    def _adopt(self, spec: AwsImageSpec) -> str | None:
        assert spec.name is not None
        matches = self._named(spec.name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("imageId")) for m in matches])
        return str(matches[0]["imageId"]) if matches else None

    def update(
        self, image: Image, spec: ImageSpec, values: dict[str, Any], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Image:
        """ModifyImageAttribute, tag and deprecation calls for what changed (no wait)."""
        self._spec(spec)
        updatable = {"description", "tags", "deprecation_time", "launch_permissions", "delete_snapshots"}
        unknown = set(values) - updatable
        if unknown:
            raise ValueError(f"not updatable in place on AWS: {', '.join(sorted(unknown))}")
        wrote = False
        if "description" in values:
            self.api.modify_image_attribute(image.id, {"Description": {"Value": values["description"] or ""}})
            wrote = True
        if "tags" in values:
            want = dict(values["tags"] or {})
            gone = [k for k in image.tags if k not in want]
            new = {k: v for k, v in sorted(want.items()) if image.tags.get(k) != v}
            if gone:
                self.api.delete_tags([image.id], gone)
            if new:
                self.api.create_tags([image.id], new)
            wrote = wrote or bool(gone or new)
        if "deprecation_time" in values:
            when = values["deprecation_time"]
            if when:
                self.api.enable_deprecation(image.id, normalise_time(when) or when)
            else:
                self.api.disable_deprecation(image.id)
            wrote = True
        if values.get("launch_permissions") is not None:
            change = permission_changes(self.launch_permissions(image.id), values["launch_permissions"])
            if change:
                self.api.modify_image_attribute(image.id, {"LaunchPermission": change})
                wrote = True
        return (self.get(image.id) or image) if wrote else image

    def delete(self, image_id: str, *, delete_snapshots: bool = True) -> None:
        """DeregisterImage, deleting the snapshots made for the AMI in the same call (see the module
        doc); an AMI or snapshot already gone is a success."""
        image = self.get(image_id)
        if image is None:
            return
        snapshots = (
            [d["snapshot_id"] for d in image.attributes["ebs_block_devices"] if d.get("snapshot_id")]
            if delete_snapshots and image.attributes.get("manage_ebs_snapshots")
            else []
        )
        results: dict[str, str] = {}
        with contextlib.suppress(NotFoundError):
            results = self.api.deregister_image(image_id, delete_snapshots=bool(snapshots))
        for snapshot_id in snapshots:
            if results.get(snapshot_id) not in ("success", "skipped"):  # skipped: another AMI uses it
                self._delete_snapshot(snapshot_id)

    def _delete_snapshot(self, snapshot_id: str) -> None:
        delays = self.poll.delays()
        for attempt in range(1, SNAPSHOT_DELETE_ATTEMPTS + 1):
            try:
                self.api.delete_snapshot(snapshot_id)
                return
            except NotFoundError:
                return
            except ConflictError:  # still in use for a moment after DeregisterImage
                if attempt == SNAPSHOT_DELETE_ATTEMPTS:
                    raise
                delay = next(delays)
                log.info("snapshot %s still in use; deleting it again in %.2fs", snapshot_id, delay)
                (self._sleep or _sleep)(delay)


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)
