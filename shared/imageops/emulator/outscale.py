"""The OUTSCALE part of the emulator: ``POST /api/v1/{Action}`` JSON for OMIs (CreateImage in its
four modes, ReadImages, UpdateImage, DeleteImage), tags, ReadVms, ReadSnapshots and ReadAccounts,
with OSC4/AWS4 signatures verified on every call; plus the pre-signed manifest files (``GET
/oos/...``) that CreateImage's ``FileLocation`` accepts.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from imageops.emulator import outscale_images as omi
from imageops.emulator.core import CallInfo, Emulator, call_info
from imageops.emulator.outscale_auth import Caller, SignatureError, access_key_of, verify
from imageops.emulator.outscale_images import ApiError, invalid, missing
from imageops.emulator.outscale_seed import REGION, REGIONS, manifest_url, manifest_xml, seed_world

API = "/api/v1"
_LATEST = "/api/latest"
Handler = Callable[[Request], Awaitable[Response]]
Action = Callable[[str, dict[str, Any]], dict[str, Any]]
# The Region the request being handled was signed for (handlers run one at a time, between awaits).
_REGION: ContextVar[str] = ContextVar("outscale_region", default=REGION)
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/(?P<region>[^/,\s]+)/")


def _scope_region(headers: dict[str, str]) -> str:
    """The Region the request claims in its credential scope (the signature check confirms it)."""
    match = _SCOPE.search(headers.get("authorization", ""))
    return match.group("region") if match else REGION


def region_of(record: dict[str, Any]) -> str:
    """The Region of an OMI, VM or snapshot (records from before Regions were kept: the default)."""
    return str(record.get("_region") or REGION)


def request_id(info: CallInfo) -> str:
    # OUTSCALE request ids are UUIDs; derive one per call from the core's random id.
    if "osc" not in info.extra:
        info.extra["osc"] = str(uuid.UUID(hex=info.request_id[-32:].rjust(32, "0")))
    return info.extra["osc"]


def error_response(exc: ApiError, info: CallInfo) -> Response:
    return JSONResponse(exc.body(request_id(info)), exc.status)


class OutscaleApi:
    """Action handlers over the ``outscale`` section of the emulator state."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.state: dict[str, Any] = emu.store.section("outscale")

    # plumbing ---------------------------------------------------------------------------------
    def _secret_for(self, access_key: str) -> tuple[str, str] | None:
        record = self.state["keys"].get(access_key)
        return (record["secret"], record["account"]) if record else None

    def endpoint(self, action: str, fn: Action) -> Handler:
        async def handle(request: Request) -> Response:
            info = call_info(request)
            try:
                raw = await request.body()
                headers = {k.lower(): v for k, v in request.headers.items()}
                region = _scope_region(headers)
                _REGION.set(region)
                try:
                    if region not in REGIONS:
                        raise SignatureError(f"no Region {region!r}")
                    caller = self._verify_any_path(request, headers, raw, region)
                except SignatureError:
                    raise ApiError("1", "AccessDenied", "Authentication failed.", 401) from None
                info.account = caller.account
                body = omi.parse_body(raw, action)
                result = {} if body.get("DryRun") is True else fn(caller.account, body)
                return JSONResponse({**result, "ResponseContext": {"RequestId": request_id(info)}})
            except ApiError as exc:
                return error_response(exc, info)

        return handle

    def _verify_any_path(self, request: Request, headers: dict[str, str], raw: bytes, region: str) -> Caller:
        """The signature over the path as sent, or over it with repeated slashes taken as one: osc-cli
        (OUTSCALE's own CLI, which works against the real API) posts to ``//api/latest/{Action}`` but
        signs ``/api/latest/{Action}``, so the real service checks the normalised path too."""
        sent = _sent_path(request)
        paths = dict.fromkeys([sent, _merge_slashes(sent)])
        failure: SignatureError | None = None
        for path in paths:
            try:
                return verify(
                    method=request.method,
                    path=path,
                    query=request.url.query,
                    headers=headers,
                    body=raw,
                    region=region,
                    now=self.emu.now(),
                    secret_for=self._secret_for,
                )
            except SignatureError as exc:
                failure = failure or exc
        assert failure is not None
        raise failure

    def now(self) -> float:
        return self.emu.now()

    def rendered(self, img: dict[str, Any]) -> dict[str, Any]:
        return omi.render(img, self.now())

    def live(self, image_id: str, region: str | None = None) -> dict[str, Any] | None:
        """A deleted OMI is kept as a tombstone (to audit the state file) but no call sees it; nor
        does a call to another Region (``region``: default, the request's)."""
        img = self.state["images"].get(image_id)
        if img is None or img.get("_deleted_at") or region_of(img) != (region or _REGION.get()):
            return None
        return img

    def visible(self, account: str, img: dict[str, Any]) -> bool:
        if img.get("_deleted_at") or region_of(img) != _REGION.get():
            return False
        perms = img["PermissionsToLaunch"]
        return img["AccountId"] == account or perms["GlobalPermission"] or account in perms["AccountIds"]

    def own_image(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        image_id = body.get("ImageId")
        if not image_id:
            raise missing("ImageId")
        img = self.live(image_id)
        if img is None or img["AccountId"] != account:
            raise omi.no_such_image(image_id)
        return img

    def alias(self, account: str) -> str:
        return self.state["accounts"][account]["alias"]

    # images -----------------------------------------------------------------------------------
    def create_image(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        omi.validate_create(body)
        name = body.get("ImageName")
        if name and any(
            i["AccountId"] == account
            and i["ImageName"] == name
            and not i.get("_deleted_at")
            and region_of(i) == _REGION.get()
            for i in self.state["images"].values()
        ):
            raise ApiError(
                "9015", "ResourceConflict", f"An OMI named '{name}' already exists in this account."
            )
        source = omi.source_of(body)
        fields = getattr(self, f"_from_{source}")(account, body)
        img = omi.new_image(
            account=account,
            alias=self.alias(account),
            body=body,
            now=self.now(),
            build_seconds=self.emu.scaled(omi.BUILD_SECONDS[source]),
            **fields,
        )
        if body.get("ProductCodes") is not None:
            img["ProductCodes"] = list(body["ProductCodes"])
        if body.get("BootModes") is not None:
            img["BootModes"] = list(body["BootModes"])
        img["_region"] = _REGION.get()
        self.state["images"][img["ImageId"]] = img
        self.emu.save()
        return {"Image": self.rendered(img)}

    def _from_vm(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        vm = self.state["vms"].get(body["VmId"])
        if (
            vm is None
            or vm["_account"] != account
            or vm["State"] == "terminated"
            or region_of(vm) != _REGION.get()
        ):
            raise ApiError("5063", "InvalidResource", f"The VmId '{body['VmId']}' doesn't exist.")
        if vm["State"] not in ("running", "stopped"):
            raise ApiError("6006", "InvalidState", f"The VM is {vm['State']}.")
        source = self.state["images"].get(vm["ImageId"], {})
        return {
            "mappings": [
                {
                    "DeviceName": "/dev/sda1",
                    "Bsu": {
                        "DeleteOnVmDeletion": True,
                        "SnapshotId": omi.new_id("snap"),
                        "VolumeSize": vm["_volume_size"],
                        "VolumeType": "standard",
                    },
                }
            ],
            "architecture": vm["Architecture"],
            "boot_modes": [vm["BootMode"]],
            "file_location": f"{account}/{body.get('ImageName') or ''}",
            "product_codes": list(source.get("ProductCodes", ["0001"])),
        }

    def _from_copy(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        if body["SourceRegionName"] not in REGIONS:
            raise ApiError(
                "5043", "InvalidResource", f"The Region '{body['SourceRegionName']}' doesn't exist."
            )
        source = self.live(body["SourceImageId"], body["SourceRegionName"])
        perms = (source or {}).get("PermissionsToLaunch") or {}
        if source is None or not (
            source["AccountId"] == account
            or perms.get("GlobalPermission")
            or account in perms.get("AccountIds", [])
        ):
            raise omi.no_such_image(body["SourceImageId"])
        if omi.state_of(source, self.now()) != "available":
            raise ApiError("6001", "InvalidState", "The source OMI is not available.")
        return {
            "mappings": [
                {**m, "Bsu": {**m["Bsu"], "SnapshotId": omi.new_id("snap")}} if "Bsu" in m else dict(m)
                for m in source["BlockDeviceMappings"]
            ],
            "architecture": source["Architecture"],
            "boot_modes": list(source["BootModes"]),
            "file_location": f"{account}/{body.get('ImageName') or ''}",
            "product_codes": list(source["ProductCodes"]),
        }

    def _from_snapshots(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        mappings = []
        for given in body["BlockDeviceMappings"]:
            mapping = {k: v for k, v in given.items() if k != "Bsu"}
            if "Bsu" in given:
                bsu = {"DeleteOnVmDeletion": True, "VolumeType": "standard", **given["Bsu"]}
                snap_id = bsu.get("SnapshotId")
                if snap_id is not None:
                    snap = self.state["snapshots"].get(snap_id)
                    if snap is None or snap["AccountId"] != account or region_of(snap) != _REGION.get():
                        raise ApiError(
                            "5054", "InvalidResource", f"The SnapshotId '{snap_id}' doesn't exist."
                        )
                    bsu.setdefault("VolumeSize", snap["VolumeSize"])
                    if bsu["VolumeSize"] < snap["VolumeSize"]:
                        raise invalid("4047", "VolumeSize must be at least the size of the snapshot.")
                mapping["Bsu"] = bsu
            mappings.append(mapping)
        return {
            "mappings": mappings,
            "architecture": body.get("Architecture", "x86_64"),
            "boot_modes": ["legacy"],
            "file_location": f"{account}/{body.get('ImageName') or ''}",
            "product_codes": ["0001"],
        }

    def _from_manifest(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        url = urlsplit(body["FileLocation"])
        record = self.state["manifests"].get(url.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.scheme not in ("http", "https") or record is None:
            raise ApiError("5031", "InvalidResource", "The manifest file doesn't exist.")
        if query.get("Signature") != record["signature"] or query.get("Expires") != str(record["expires"]):
            raise invalid("4040", "The pre-signed URL of the manifest file is invalid or has expired.")
        return {
            "mappings": [
                {
                    "DeviceName": "/dev/sda1",
                    "Bsu": {
                        "DeleteOnVmDeletion": True,
                        "SnapshotId": omi.new_id("snap"),
                        "VolumeSize": 10,
                        "VolumeType": "standard",
                    },
                }
            ],
            "architecture": "x86_64",
            "boot_modes": ["legacy"],
            "file_location": body["FileLocation"],
            "product_codes": ["0001"],
            "fail": "The manifest file could not be parsed: no image part found."
            if record["broken"]
            else None,
        }

    def read_images(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        filters = body.get("Filters")
        by_id = isinstance(filters, dict) and bool(filters.get("ImageIds"))
        images = [
            self.rendered(i)
            for i in self.state["images"].values()
            # the listing lags behind new OMIs (--list-lag); a read by id does not
            if self.visible(account, i) and (by_id or self.emu.listed(i.get("_created", 0.0)))
        ]
        images.sort(key=lambda i: (i["CreationDate"], i["ImageId"]))
        items, token = omi.page(omi.match_images(images, body.get("Filters")), body)
        return {"Images": items, **({"NextPageToken": token} if token else {})}

    def update_image(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        img = self.own_image(account, body)
        if omi.state_of(img, self.now()) == "pending":
            raise ApiError("6001", "InvalidState", "The OMI is pending; it cannot be modified yet.")
        perms = body.get("PermissionsToLaunch")
        if perms is not None:
            if not isinstance(perms, dict) or set(perms) - {"Additions", "Removals"} or len(perms) != 1:
                raise invalid("4046", "Specify either Additions or Removals in PermissionsToLaunch.")
            ((kind, change),) = perms.items()
            if not isinstance(change, dict):
                raise invalid("4046", f"PermissionsToLaunch.{kind} must be an object.")
            ids = change.get("AccountIds") or []
            if not isinstance(ids, list):
                raise invalid("4047", "AccountIds must be OUTSCALE account IDs (12 digits).")
            if not all(isinstance(i, str) and len(i) == 12 and i.isdigit() for i in ids):
                raise invalid("4047", "AccountIds must be OUTSCALE account IDs (12 digits).")
            current = img["PermissionsToLaunch"]
            if kind == "Additions":
                current["AccountIds"] = sorted(set(current["AccountIds"]) | set(ids))
                current["GlobalPermission"] = (
                    current["GlobalPermission"] or change.get("GlobalPermission") is True
                )
            else:
                current["AccountIds"] = sorted(set(current["AccountIds"]) - set(ids))
                if change.get("GlobalPermission") is True:
                    current["GlobalPermission"] = False
        if body.get("Description") is not None:
            img["Description"] = omi._typed(body, "Description", str)
        if body.get("ProductCodes") is not None:
            img["ProductCodes"] = list(omi._strings(body, "ProductCodes") or [])
        self.emu.save()
        return {"Image": self.rendered(img)}

    def delete_image(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        img = self.own_image(account, body)
        if omi.state_of(img, self.now()) == "pending":
            raise ApiError("6001", "InvalidState", "The OMI is pending; it cannot be deleted yet.")
        img["_deleted_at"] = self.now()
        self.emu.save()
        return {}

    # tags ---------------------------------------------------------------------------------------
    def _tagged(
        self, account: str, body: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        ids, tags = body.get("ResourceIds"), body.get("Tags")
        if not ids:
            raise missing("ResourceIds")
        if tags is None:
            raise missing("Tags")
        resources = []
        for rid in ids:
            record = self.live(rid) or self.state["snapshots"].get(rid) or self.state["vms"].get(rid)
            owner = (record or {}).get("AccountId") or (record or {}).get("_account")
            if record is None or owner != account or region_of(record) != _REGION.get():
                raise ApiError("5044", "InvalidResource", f"The resource '{rid}' doesn't exist.")
            resources.append(record)
        for tag in tags:
            if (
                not isinstance(tag, dict)
                or not isinstance(tag.get("Key"), str)
                or not 1 <= len(tag["Key"]) <= 255
            ):
                raise invalid("4069", "Tag keys must be 1 to 255 characters.")
            if not isinstance(tag.get("Value", ""), str) or len(tag.get("Value", "")) > 255:
                raise invalid("4071", "Tag values must be at most 255 characters.")
        return resources, tags

    def create_tags(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        resources, tags = self._tagged(account, body)
        for record in resources:
            current = {t["Key"]: t["Value"] for t in record["Tags"]}
            current.update({t["Key"]: t.get("Value", "") for t in tags})
            record["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(current.items())]
        self.emu.save()
        return {}

    def delete_tags(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        resources, tags = self._tagged(account, body)
        for record in resources:
            record["Tags"] = [
                t
                for t in record["Tags"]
                if not any(d["Key"] == t["Key"] and d.get("Value") in (None, "", t["Value"]) for d in tags)
            ]
        self.emu.save()
        return {}

    # VMs, snapshots, accounts -------------------------------------------------------------------------
    def read_vms(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        filters = omi.list_filters(body, ("VmIds", "VmStateNames", "ImageIds", "TagKeys"))
        vms = [
            {k: v for k, v in vm.items() if not k.startswith("_")}
            for vm in self.state["vms"].values()
            if vm["_account"] == account and region_of(vm) == _REGION.get()
        ]
        for name, field in (("VmIds", "VmId"), ("VmStateNames", "State"), ("ImageIds", "ImageId")):
            if filters.get(name) is not None:
                vms = [vm for vm in vms if vm[field] in filters[name]]
        if filters.get("TagKeys") is not None:
            vms = [vm for vm in vms if any(t["Key"] in filters["TagKeys"] for t in vm["Tags"])]
        items, token = omi.page(vms, body)
        return {"Vms": items, **({"NextPageToken": token} if token else {})}

    def read_snapshots(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        filters = omi.list_filters(body, ("SnapshotIds", "States", "AccountIds"))
        snaps = [
            dict(s)
            for s in self.state["snapshots"].values()
            if s["AccountId"] == account and region_of(s) == _REGION.get()
        ]
        for name, field in (("SnapshotIds", "SnapshotId"), ("States", "State"), ("AccountIds", "AccountId")):
            if filters.get(name) is not None:
                snaps = [s for s in snaps if s[field] in filters[name]]
        items, token = omi.page(snaps, body)
        return {"Snapshots": items, **({"NextPageToken": token} if token else {})}

    def read_accounts(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        record = self.state["accounts"][account]
        return {
            "Accounts": [
                {
                    "AccountId": account,
                    "Email": record["email"],
                    "CompanyName": "imageops",
                    "Country": "France",
                    "OutscaleLoginAllowed": False,
                }
            ]
        }

    # manifests ------------------------------------------------------------------------------------
    async def get_manifest(self, request: Request) -> Response:
        record = self.state["manifests"].get(request.url.path)
        query = request.query_params
        if record is None or query.get("Signature") != record["signature"]:
            body = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
            return Response(body, 403, media_type="application/xml")
        return Response(manifest_xml(request.url.path), 200, media_type="application/xml")


ACTIONS = (
    "CreateImage",
    "ReadImages",
    "UpdateImage",
    "DeleteImage",
    "CreateTags",
    "DeleteTags",
    "ReadVms",
    "ReadSnapshots",
    "ReadAccounts",
)


def _snake(action: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in action).lstrip("_")


class OutscalePlugin:
    """The OUTSCALE cloud of the emulator (see :class:`imageops.emulator.core.CloudPlugin`)."""

    name = "outscale"
    proxy_hosts = (r"api\.[a-z0-9-]+\.outscale\.(com|hk)",)
    """The real hostnames proxy mode answers (see :mod:`imageops.emulator.proxy`)."""

    def route_path(self, emulator: Emulator, host: str, path: str) -> str:
        """The API answers under ``/api/v1/`` and ``/api/latest/``, with repeated slashes taken as
        one (osc-cli posts to ``{endpoint}//api/latest/{Action}``)."""
        collapsed = _merge_slashes(path)
        if collapsed.startswith(_LATEST + "/"):
            collapsed = API + collapsed[len(_LATEST) :]
        return collapsed

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}

    def seed(self, emulator: Emulator) -> None:
        state = emulator.store.section("outscale")
        if not state.get("demo"):
            seed_world(emulator, state)
        self.keys = state["keys"]

    def routes(self, emulator: Emulator) -> list[Route]:
        api = OutscaleApi(emulator)
        routes = [
            Route(
                f"{API}/{action}",
                api.endpoint(action, getattr(api, _snake(action))),
                methods=["POST"],
                name=action,
            )
            for action in ACTIONS
        ]
        routes.append(
            Route("/oos/{bucket}/{key:path}", api.get_manifest, methods=["GET"], name="GetManifest")
        )
        return routes

    def fault_response(self, emulator: Emulator, kind: str, info: CallInfo) -> Response:
        if kind == "throttle":  # OUTSCALE answers throttling with 503 and error code 6
            return error_response(ApiError("6", "AccessDenied", "Request rate exceeded.", 503), info)
        if kind == "unavailable":
            return error_response(
                ApiError("2001", "ServiceUnavailable", "The service is unavailable.", 503), info
            )
        return error_response(ApiError("2000", "InternalError", "An internal error occurred.", 500), info)

    def route_error(self, emulator: Emulator, status: int, info: CallInfo) -> Response:
        if status == 405:
            return error_response(ApiError("2", "AccessDenied", "The HTTP method is not allowed.", 405), info)
        return error_response(ApiError("0", "DefaultError", "The action does not exist.", 404), info)

    def account_hint(self, headers: Any) -> str | None:
        access_key = access_key_of(headers.get("authorization", ""))
        return self.keys.get(access_key, {}).get("account") if access_key else None

    def env(self, emulator: Emulator, endpoint: str) -> dict[str, str]:
        state = emulator.store.section("outscale")
        env = {
            "IMAGEOPS_OUTSCALE_ENDPOINT": f"{endpoint}{API}",
            "IMAGEOPS_OUTSCALE_REGION": REGION,
            "IMAGEOPS_OUTSCALE_REGIONS": ",".join(REGIONS),
            "IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID": state["public_image"],
        }
        for profile, prefix in (("DEFAULT", "IMAGEOPS_OUTSCALE_"), ("OTHER", "IMAGEOPS_OUTSCALE_OTHER_")):
            demo = state["demo"][profile]
            env.update(
                {
                    f"{prefix}ACCESS_KEY": demo["access_key"],
                    f"{prefix}SECRET_KEY": state["keys"][demo["access_key"]]["secret"],
                    f"{prefix}ACCOUNT_ID": demo["account"],
                    f"{prefix}VM_ID": demo["vm"],
                    f"{prefix}SNAPSHOT_ID": demo["snapshot"],
                    f"{prefix}MANIFEST_URL": manifest_url(endpoint, state, demo["manifest"]),
                    f"{prefix}BROKEN_MANIFEST_URL": manifest_url(endpoint, state, demo["broken_manifest"]),
                }
            )
        return env


def plugin() -> OutscalePlugin:
    return OutscalePlugin()


def _sent_path(request: Request) -> str:
    """The path as the client sent (and signed) it, before :meth:`OutscalePlugin.route_path`."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if raw else request.url.path


def _merge_slashes(path: str) -> str:
    return re.sub(r"/{2,}", "/", path)
