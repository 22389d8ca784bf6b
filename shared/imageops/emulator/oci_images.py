"""OCI image records: validation of request bodies, creation from instances and objects, the
lazily computed lifecycle, rendering to the wire shape, and ListImages filtering/pagination."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from imageops.emulator.core import Emulator, iso_ms, random_token
from imageops.emulator.oci_seed import PV_LAUNCH_OPTIONS, ocid, region_key

LAUNCH_MODES = ("NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM")
SOURCE_TYPES = ("objectStorageTuple", "objectStorageUri")
SOURCE_IMAGE_TYPES = ("QCOW2", "VMDK")
LIFECYCLE_STATES = ("PROVISIONING", "IMPORTING", "AVAILABLE", "EXPORTING", "DISABLED", "DELETED")
VOLUME_TYPES = ("ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME")
LAUNCH_OPTION_ENUMS = {
    "bootVolumeType": VOLUME_TYPES,
    "remoteDataVolumeType": VOLUME_TYPES,
    "firmware": ("BIOS", "UEFI_64"),
    "networkType": ("E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"),
}
MODE_OPTIONS = {
    "NATIVE": {
        "bootVolumeType": "ISCSI",
        "firmware": "UEFI_64",
        "networkType": "VFIO",
        "remoteDataVolumeType": "ISCSI",
    },
    "EMULATED": {
        "bootVolumeType": "SCSI",
        "firmware": "BIOS",
        "networkType": "E1000",
        "remoteDataVolumeType": "SCSI",
    },
    "PARAVIRTUALIZED": {k: v for k, v in PV_LAUNCH_OPTIONS.items() if isinstance(v, str)},
    "VDPA": {
        "bootVolumeType": "PARAVIRTUALIZED",
        "firmware": "UEFI_64",
        "networkType": "VDPA",
        "remoteDataVolumeType": "PARAVIRTUALIZED",
    },
}
PROVISION_SECONDS = 60.0
IMPORT_SECONDS = 300.0
# ListImages pages: 100 items unless `limit` asks for more, at most 1000 (the Core Services API
# reference of ListImages: limit minimum 1, maximum 1000, default 100).
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.")


def _invalid(message: str) -> ApiError:
    return ApiError(400, "InvalidParameter", message)


def _missing(name: str) -> ApiError:
    return ApiError(400, "MissingParameter", f"{name} is required")


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested deeper than the parser goes
        raise _invalid("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object")
    return body


# ---------------------------------------------------------------------------------------- validation
def _string(body: Mapping[str, Any], name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _missing(name)
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 255:
        raise _invalid(f"{name} must be a string of 1 to 255 characters")
    return value


def _tags(body: Mapping[str, Any]) -> None:
    free = body.get("freeformTags")
    if free is not None and (
        not isinstance(free, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in free.items())
    ):
        raise _invalid("freeformTags must be an object of string values")
    defined = body.get("definedTags")
    if defined is not None and (
        not isinstance(defined, dict) or not all(isinstance(v, dict) for v in defined.values())
    ):
        raise _invalid("definedTags must be an object of namespaces, each an object of keys")


def _launch_options(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid("launchOptions must be an object")
    for key, allowed in LAUNCH_OPTION_ENUMS.items():
        if key in value and value[key] is not None and value[key] not in allowed:
            raise _invalid(f"launchOptions.{key} must be one of {', '.join(allowed)}")
    return {k: v for k, v in value.items() if v is not None}


def reserved_name(name: str | None, reserved: set[str]) -> None:
    if name is not None and name in reserved:
        raise _invalid(f"The display name {name!r} is the name of a platform image")


def validate_create(body: Mapping[str, Any]) -> None:
    _string(body, "compartmentId", required=True)
    _string(body, "displayName")
    _string(body, "instanceId")
    _tags(body)
    mode = body.get("launchMode")
    if mode is not None and mode not in LAUNCH_MODES:
        raise _invalid(f"launchMode must be one of {', '.join(LAUNCH_MODES)}")
    _launch_options(body.get("launchOptions"))
    instance, source = body.get("instanceId"), body.get("imageSourceDetails")
    if instance and source is not None:
        raise _invalid("Specify either instanceId or imageSourceDetails, not both")
    if not instance and source is None:
        raise ApiError(400, "MissingParameter", "Either instanceId or imageSourceDetails is required")
    if source is None:
        return
    if body.get("shouldIncludeDataVolumes"):
        raise _invalid("shouldIncludeDataVolumes is only valid with instanceId")
    if not isinstance(source, dict):
        raise _invalid("imageSourceDetails must be an object")
    kind = source.get("sourceType")
    if kind is None:
        raise _missing("imageSourceDetails.sourceType")
    if kind not in SOURCE_TYPES:
        raise _invalid(f"imageSourceDetails.sourceType must be one of {', '.join(SOURCE_TYPES)}")
    image_type = source.get("sourceImageType")
    if image_type is not None and image_type not in SOURCE_IMAGE_TYPES:
        raise _invalid(f"imageSourceDetails.sourceImageType must be one of {', '.join(SOURCE_IMAGE_TYPES)}")
    names = ("namespaceName", "bucketName", "objectName") if kind == "objectStorageTuple" else ("sourceUri",)
    for name in names:
        value = source.get(name)
        if value is None or value == "":
            raise _missing(f"imageSourceDetails.{name}")
        if not isinstance(value, str):
            raise _invalid(f"imageSourceDetails.{name} must be a string")
    _string(source, "operatingSystem")
    _string(source, "operatingSystemVersion")


def validate_update(body: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("displayName", "operatingSystem", "operatingSystemVersion"):
        value = _string(body, name)
        if value is not None:
            changes[name] = value
    _tags(body)
    for name in ("freeformTags", "definedTags"):
        if body.get(name) is not None:
            changes[name] = body[name]
    return changes


# ------------------------------------------------------------------------------------------ creation
def _new_record(
    emu: Emulator, tenancy: str, body: Mapping[str, Any], pending: str, seconds: float, region: str
) -> dict[str, Any]:
    now = emu.now()
    name = body.get("displayName") or "image" + iso_ms(now)[:19].replace("-", "").replace(":", "")
    return {
        "id": ocid("image", region),
        "_tenancy": tenancy,
        "_region": region,
        "_created": now,
        "_ready_at": now + emu.scaled(seconds),
        "_pending_state": pending,
        "_deleted_at": None,
        "_work_request": f"ocid1.coreservicesworkrequest.oc1.{region_key(region)}.ab{random_token(58)}",
        "compartmentId": body["compartmentId"],
        "displayName": name,
        "createImageAllowed": True,
        "freeformTags": dict(body.get("freeformTags") or {}),
        "definedTags": dict(body.get("definedTags") or {}),
        "listingType": "NONE",
    }


def _options_for(
    mode: str, inherited_mode: str, inherited: dict[str, Any], body: Mapping[str, Any]
) -> dict[str, Any]:
    if mode == inherited_mode or mode == "CUSTOM":
        options = dict(inherited)
    else:
        options = {
            **MODE_OPTIONS[mode],
            "isPvEncryptionInTransitEnabled": False,
            "isConsistentVolumeNamingEnabled": inherited.get("isConsistentVolumeNamingEnabled", False),
        }
    options.update(_launch_options(body.get("launchOptions")))
    return options


def from_instance(
    emu: Emulator,
    tenancy: str,
    body: Mapping[str, Any],
    inst: Mapping[str, Any],
    source: Mapping[str, Any],
    region: str,
) -> dict[str, Any]:
    if source and source.get("createImageAllowed") is False:
        raise _invalid("Images cannot be created from instances launched from this image")
    img = _new_record(emu, tenancy, body, "PROVISIONING", PROVISION_SECONDS, region)
    mode = body.get("launchMode") or inst["launchMode"]
    size = int(inst.get("_bootVolumeSizeInMBs", 47694))
    img.update(
        {
            "agentFeatures": source.get("agentFeatures"),
            "baseImageId": inst["imageId"],
            "launchMode": mode,
            "launchOptions": _options_for(mode, inst["launchMode"], inst["launchOptions"], body),
            "operatingSystem": source.get("operatingSystem", "Custom"),
            "operatingSystemVersion": source.get("operatingSystemVersion", "Custom"),
            "_size_mb": size,
            "_billable_gb": max(1, math.ceil(size / 1024 / 10)),
        }
    )
    if body.get("shouldIncludeDataVolumes") and inst.get("_dataVolumes"):
        img["_volumes"] = [dict(v) for v in inst["_dataVolumes"]]
    return img


def from_object(
    emu: Emulator,
    tenancy: str,
    body: Mapping[str, Any],
    details: Mapping[str, Any],
    obj: Mapping[str, Any],
    region: str,
) -> dict[str, Any]:
    img = _new_record(emu, tenancy, body, "IMPORTING", IMPORT_SECONDS, region)
    meta = obj.get("metadata", {})
    image_type = details.get("sourceImageType") or "QCOW2"
    default_mode = "EMULATED" if image_type == "VMDK" else "PARAVIRTUALIZED"
    # An image exported in OCI format carries its launch mode (ExportImage writes it as metadata).
    mode = body.get("launchMode") or meta.get("launch-mode") or default_mode
    base = {
        **MODE_OPTIONS[default_mode],
        "firmware": "BIOS",
        "isPvEncryptionInTransitEnabled": False,
        "isConsistentVolumeNamingEnabled": False,
    }
    content = base64.b64decode(obj["content_b64"])
    if not content.startswith(IMAGE_MAGIC):
        # the import runs, then fails: its work request ends FAILED and the image is gone
        img["_import_error"] = ("InvalidImageFile", f"The object is not a {image_type} image")
    content_mb = math.ceil(len(content) / 1048576)
    size = int(meta.get("virtual-size-mb") or content_mb)
    img.update(
        {
            "agentFeatures": None,
            "baseImageId": None,
            "launchMode": mode,
            "launchOptions": _options_for(mode, default_mode, base, body),
            "operatingSystem": details.get("operatingSystem") or meta.get("operating-system") or "Custom",
            "operatingSystemVersion": (
                details.get("operatingSystemVersion") or meta.get("operating-system-version") or "Custom"
            ),
            "_size_mb": size,
            "_billable_gb": max(1, math.ceil(content_mb / 1024)),
        }
    )
    return img


# ------------------------------------------------------------------------------------------- reading
IMAGE_MAGIC = (b"QFI\xfb", b"KDMV", b"# Disk DescriptorFile")
"""How a QCOW2 file and a VMDK (sparse, or its descriptor) begin."""


def lifecycle_state(img: Mapping[str, Any], now: float) -> str:
    if img.get("_deleted_at") or (img.get("_import_error") and now >= img["_ready_at"]):
        return "DELETED"
    if now < img["_ready_at"]:
        return img["_pending_state"]
    if now < img.get("_exporting_until", 0.0):
        return "EXPORTING"
    return "AVAILABLE"


def render(img: Mapping[str, Any], now: float) -> dict[str, Any]:
    """The image exactly as the service returns it (camelCase, keys sorted)."""
    state = lifecycle_state(img, now)
    ready = state in ("AVAILABLE", "DELETED", "EXPORTING")
    body = {k: v for k, v in img.items() if not k.startswith("_")}
    body.update(
        {
            "lifecycleState": state,
            "timeCreated": iso_ms(img["_created"]),
            "sizeInMBs": img.get("_size_mb") if ready else None,
            "billableSizeInGBs": img.get("_billable_gb") if ready else None,
        }
    )
    if img.get("_volumes"):
        body["imageVolumeDetails"] = {"dataVolumes": img["_volumes"]}
    return dict(sorted(body.items()))


def etag(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]


def _encode_page(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _decode_page(token: str) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise _invalid("The page token is not valid") from None
    if not isinstance(key, list) or len(key) != 2 or not all(isinstance(part, str) for part in key):
        raise _invalid("The page token is not valid")
    return key


def list_page(
    records: Mapping[str, Mapping[str, Any]],
    compartment: str,
    query: Mapping[str, str],
    now: float,
    listed: Callable[[float], bool] = lambda created: True,
) -> tuple[list[dict[str, Any]], str | None]:
    """Filter, sort and cut one page; return it and the next page token (or None). ``listed`` says
    whether an image created at a time shows in listings yet (the emulator's list lag)."""
    try:
        limit = int(query.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise _invalid("limit must be an integer") from None
    if limit < 1:
        raise _invalid("limit must be at least 1")
    limit = min(limit, MAX_LIMIT)
    sort_by = query.get("sortBy", "TIMECREATED")
    if sort_by not in ("TIMECREATED", "DISPLAYNAME"):
        raise _invalid("sortBy must be TIMECREATED or DISPLAYNAME")
    sort_order = query.get("sortOrder", "DESC" if sort_by == "TIMECREATED" else "ASC")
    if sort_order not in ("ASC", "DESC"):
        raise _invalid("sortOrder must be ASC or DESC")
    wanted_state = query.get("lifecycleState")
    if wanted_state is not None and wanted_state not in LIFECYCLE_STATES:
        raise _invalid(f"lifecycleState must be one of {', '.join(LIFECYCLE_STATES)}")
    shape = query.get("shape")

    items = []
    for img in records.values():
        if img.get("compartmentId") not in (compartment, None) or not listed(img["_created"]):
            continue
        body = render(img, now)
        if wanted_state is None and body["lifecycleState"] == "DELETED":
            continue
        if wanted_state is not None and body["lifecycleState"] != wanted_state:
            continue
        if any(
            query.get(f) is not None and body.get(f) != query.get(f)
            for f in ("displayName", "operatingSystem", "operatingSystemVersion")
        ):
            continue
        if shape is not None and not shape.startswith(("VM.", "BM.")):
            continue
        key = [body["timeCreated"] if sort_by == "TIMECREATED" else body["displayName"], body["id"]]
        items.append((key, body))
    descending = sort_order == "DESC"
    items.sort(key=lambda kv: kv[0], reverse=descending)
    if query.get("page"):
        after = _decode_page(query["page"])
        items = [kv for kv in items if (kv[0] < after if descending else kv[0] > after)]
    page = items[:limit]
    next_page = _encode_page(page[-1][0]) if len(items) > limit else None
    return [body for _, body in page], next_page
