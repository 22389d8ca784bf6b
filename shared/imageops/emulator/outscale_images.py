"""OUTSCALE OMI records: request validation, the lazily computed lifecycle, rendering to the wire
shape, ReadImages filters and pagination, and the API's error bodies."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from imageops.emulator.core import iso_ms

#: How long the real service takes to build an OMI from each source, before time scaling.
BUILD_SECONDS = {"vm": 120.0, "copy": 60.0, "snapshots": 30.0, "manifest": 300.0}
DEFAULT_PAGE = 100
MAX_PAGE = 1000
MAX_IOPS = 13000
IOPS_PER_GIB = 300
_IMAGE_NAME = re.compile(r"^[A-Za-z0-9_ ()/.\-]{3,128}$")
_DEVICE_NAME = re.compile(r"^/dev/(sda1|(sd|xvd)[b-z][a-z]?)$")
_VIRTUAL_DEVICE = re.compile(r"^ephemeral\d+$")
REQUEST_FIELDS = {
    "CreateImage": {
        "Architecture",
        "BlockDeviceMappings",
        "BootModes",
        "Description",
        "DryRun",
        "FileLocation",
        "ImageName",
        "NoReboot",
        "ProductCodes",
        "RootDeviceName",
        "SourceImageId",
        "SourceRegionName",
        "TpmMandatory",
        "VmId",
    },
    "ReadImages": {"DryRun", "Filters", "NextPageToken", "ResultsPerPage"},
    "UpdateImage": {"Description", "DryRun", "ImageId", "PermissionsToLaunch", "ProductCodes"},
    "DeleteImage": {"DryRun", "ImageId"},
    "CreateTags": {"DryRun", "ResourceIds", "Tags"},
    "DeleteTags": {"DryRun", "ResourceIds", "Tags"},
    "ReadVms": {"DryRun", "Filters", "NextPageToken", "ResultsPerPage"},
    "ReadSnapshots": {"DryRun", "Filters", "NextPageToken", "ResultsPerPage"},
    "ReadAccounts": {"DryRun"},
}
#: The JSON type of the top-level request fields that are not strings (every other one is a string),
#: checked for every action as the API checks its OpenAPI schema: "strings" is a list of strings.
FIELD_TYPES: dict[str, Any] = {
    "DryRun": bool,
    "NoReboot": bool,
    "TpmMandatory": bool,
    "ResultsPerPage": int,
    "Filters": dict,
    "PermissionsToLaunch": dict,
    "BlockDeviceMappings": list,
    "Tags": list,
    "ResourceIds": "strings",
    "ProductCodes": "strings",
    "BootModes": "strings",
}
# The OpenAPI document declares only 200, 400, 401 and 500 for the OMI calls: conflicts and state
# errors are 400s told apart by their Type and Code.
STATUS_BY_TYPE = {"AccessDenied": 401}


class ApiError(Exception):
    """An OUTSCALE error: numeric ``code`` (see osc-sdk-python's gateway_errors.yaml) and ``type``."""

    def __init__(self, code: str, type_: str, details: str = "", status: int | None = None):
        super().__init__(f"{code} {type_}: {details}")
        self.code, self.type, self.details = code, type_, details
        self.status = status or STATUS_BY_TYPE.get(type_, 400)

    def body(self, request_id: str) -> dict[str, Any]:
        return {
            "Errors": [{"Code": self.code, "Type": self.type, "Details": self.details}],
            "ResponseContext": {"RequestId": request_id},
        }


def invalid(code: str, details: str) -> ApiError:
    return ApiError(code, "InvalidParameterValue", details)


def missing(name: str) -> ApiError:
    return ApiError("7000", "MissingParameter", f"Parameter '{name}' is required.")


def no_such_image(image_id: str) -> ApiError:
    return ApiError("5023", "InvalidResource", f"The ImageId '{image_id}' doesn't exist.")


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def parse_body(raw: bytes, action: str) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested deeper than the parser goes
        raise invalid("4045", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid("4045", "The request body must be a JSON object.")
    unknown = sorted(set(body) - REQUEST_FIELDS[action])
    if unknown:
        raise ApiError(
            "3001", "InvalidParameter", f"Parameter '{unknown[0]}' is not a valid parameter for {action}."
        )
    for name in body:
        kind = FIELD_TYPES.get(name, str)
        _strings(body, name) if kind == "strings" else _typed(body, name, kind)
    return body


def list_filters(body: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, list[str]]:
    """The ``Filters`` of a Read call that this emulator applies (each a list of strings); others are
    accepted and ignored."""
    filters = body.get("Filters")
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise invalid("4023", "Filters must be an object.")
    return {name: _strings(filters, name) or [] for name in names if filters.get(name) is not None}


def _typed(body: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        raise invalid("4108", f"Parameter '{name}' has the wrong type.")
    return value


def _strings(body: Mapping[str, Any], name: str) -> list[str] | None:
    value = _typed(body, name, list)
    if value is not None and not all(isinstance(v, str) for v in value):
        raise invalid("4108", f"Parameter '{name}' must be a list of strings.")
    return value


# ------------------------------------------------------------------------------------- CreateImage
def source_of(body: Mapping[str, Any]) -> str:
    """Which of the four CreateImage modes the body asks for; exactly one is allowed."""
    modes = [
        mode
        for mode, field in (
            ("vm", "VmId"),
            ("copy", "SourceImageId"),
            ("snapshots", "BlockDeviceMappings"),
            ("manifest", "FileLocation"),
        )
        if body.get(field) is not None
    ]
    if len(modes) != 1:
        raise invalid(
            "4046",
            "Specify exactly one of VmId, SourceImageId, BlockDeviceMappings or FileLocation.",
        )
    return modes[0]


def validate_create(body: Mapping[str, Any]) -> None:
    for name in (
        "ImageName",
        "Description",
        "VmId",
        "SourceImageId",
        "SourceRegionName",
        "FileLocation",
        "RootDeviceName",
        "Architecture",
    ):
        _typed(body, name, str)
    for name in ("NoReboot", "TpmMandatory", "DryRun"):
        _typed(body, name, bool)
    _strings(body, "ProductCodes")
    image_name = body.get("ImageName")
    if image_name is not None and not _IMAGE_NAME.match(image_name):
        raise invalid(
            "4026",
            f"Invalid image name '{image_name}': 3-128 characters among a-z A-Z 0-9 _ ( ) / . - and space.",
        )
    if body.get("Architecture") not in (None, "i386", "x86_64"):
        raise invalid("4047", "Architecture must be i386 or x86_64.")
    for mode in _strings(body, "BootModes") or []:
        if mode not in ("uefi", "legacy"):
            raise invalid("4047", f"Invalid boot mode '{mode}'.")
    source = source_of(body)
    if source == "copy" and body.get("SourceRegionName") is None:
        raise missing("SourceRegionName")
    if source == "snapshots":
        if body.get("RootDeviceName") is None:
            raise missing("RootDeviceName")
        validate_mappings(_typed(body, "BlockDeviceMappings", list), body["RootDeviceName"])


def validate_mappings(mappings: list[Any], root: str) -> None:
    if not mappings:
        raise invalid("4011", "BlockDeviceMappings must hold at least one mapping.")
    names = []
    for mapping in mappings:
        if not isinstance(mapping, dict) or set(mapping) - {"Bsu", "DeviceName", "VirtualDeviceName"}:
            raise invalid("4011", "Invalid block device mapping.")
        device, virtual = mapping.get("DeviceName"), mapping.get("VirtualDeviceName")
        if device is not None and (not isinstance(device, str) or not _DEVICE_NAME.match(device)):
            raise invalid("4019", f"Invalid device name '{device}'.")
        if virtual is not None and (not isinstance(virtual, str) or not _VIRTUAL_DEVICE.match(virtual)):
            raise invalid("4019", f"Invalid virtual device name '{virtual}'.")
        names.append(device)
        bsu = mapping.get("Bsu")
        if bsu is not None:
            _validate_bsu(bsu)
    if root != "/dev/sda1" or root not in names:
        raise invalid("4019", f"The root device name '{root}' must be /dev/sda1 and be one of the mappings.")


def _validate_bsu(bsu: Any) -> None:
    if not isinstance(bsu, dict) or set(bsu) - {
        "DeleteOnVmDeletion",
        "Iops",
        "SnapshotId",
        "VolumeSize",
        "VolumeType",
    }:
        raise invalid("4011", "Invalid Bsu block.")
    kind = bsu.get("VolumeType", "standard")
    if kind not in ("standard", "io1", "gp2"):
        raise invalid("4047", f"Invalid volume type '{kind}'.")
    _typed(bsu, "SnapshotId", str)
    _typed(bsu, "DeleteOnVmDeletion", bool)
    iops, size = _typed(bsu, "Iops", int), _typed(bsu, "VolumeSize", int)
    if kind == "io1" and iops is None:
        raise missing("Iops")
    if iops is not None:
        if kind != "io1":
            raise invalid("4029", "Iops can only be specified for io1 volumes.")
        if iops > MAX_IOPS or (size is not None and iops > IOPS_PER_GIB * size):
            raise invalid("4029", f"Iops must be at most {MAX_IOPS} and {IOPS_PER_GIB} per GiB.")


def new_image(
    *,
    account: str,
    alias: str,
    body: Mapping[str, Any],
    now: float,
    build_seconds: float,
    mappings: list[dict[str, Any]],
    architecture: str,
    boot_modes: list[str],
    file_location: str,
    product_codes: list[str],
    fail: str | None = None,
) -> dict[str, Any]:
    return {
        "ImageId": new_id("ami"),
        "AccountId": account,
        "AccountAlias": alias,
        "Architecture": architecture,
        "BlockDeviceMappings": mappings,
        "BootModes": boot_modes,
        "CreationDate": iso_ms(now),
        "Description": body.get("Description", ""),
        "FileLocation": file_location,
        "ImageName": body.get("ImageName") or "",
        "ImageType": "machine",
        "PermissionsToLaunch": {"GlobalPermission": False, "AccountIds": []},
        "ProductCodes": product_codes,
        "RootDeviceName": body.get("RootDeviceName") or "/dev/sda1",
        "RootDeviceType": "bsu",
        "SecureBoot": False,
        "Tags": [],
        "TpmMandatory": bool(body.get("TpmMandatory", False)),
        "_ready_at": now + build_seconds,
        "_fail": fail,
        "_created": now,
    }


def state_of(img: Mapping[str, Any], now: float) -> str:
    if now < img["_ready_at"]:
        return "pending"
    return "failed" if img.get("_fail") else "available"


def render(img: Mapping[str, Any], now: float) -> dict[str, Any]:
    body = {k: v for k, v in img.items() if not k.startswith("_")}
    body["State"] = state_of(img, now)
    if body["State"] == "failed":
        body["StateComment"] = {"StateCode": "Client.InvalidManifest", "StateMessage": img["_fail"]}
    else:
        body["StateComment"] = {}
    return body


# ---------------------------------------------------------------------------------------- filters
def _tag_filters(filters: Mapping[str, Any]) -> list[Callable[[Mapping[str, Any]], bool]]:
    tests: list[Callable[[Mapping[str, Any]], bool]] = []
    if filters.get("TagKeys") is not None:
        keys = set(_strings(filters, "TagKeys") or [])
        tests.append(lambda r: any(t["Key"] in keys for t in r.get("Tags", [])))
    if filters.get("TagValues") is not None:
        values = set(_strings(filters, "TagValues") or [])
        tests.append(lambda r: any(t["Value"] in values for t in r.get("Tags", [])))
    if filters.get("Tags") is not None:
        pairs = {tuple(s.split("=", 1)) if "=" in s else (s, "") for s in _strings(filters, "Tags") or []}
        tests.append(lambda r: any((t["Key"], t["Value"]) in pairs for t in r.get("Tags", [])))
    return tests


def _field_in(field: str, wanted: set[str]) -> Callable[[Mapping[str, Any]], bool]:
    """A test: the image's ``field`` is one of ``wanted``."""
    return lambda r: r.get(field) in wanted


def _shares_any(field: str, sub: str | None, wanted: set[str]) -> Callable[[Mapping[str, Any]], bool]:
    """A test: the list at ``field`` (or ``field.sub``) holds at least one of ``wanted``."""
    return lambda r: bool(wanted & set(r[field][sub] if sub else r[field]))


#: ReadImages list filters: filter name -> the image field it matches.
IMAGE_LIST_FILTERS = {
    "ImageIds": "ImageId",
    "ImageNames": "ImageName",
    "AccountIds": "AccountId",
    "States": "State",
    "AccountAliases": "AccountAlias",
    "Architectures": "Architecture",
    "Descriptions": "Description",
    "FileLocations": "FileLocation",
    "ImageTypes": "ImageType",
    "RootDeviceNames": "RootDeviceName",
    "RootDeviceTypes": "RootDeviceType",
}


def match_images(images: list[dict[str, Any]], filters: Any) -> list[dict[str, Any]]:
    """Apply ReadImages ``Filters`` to rendered images."""
    if filters is None:
        return images
    if not isinstance(filters, dict):
        raise invalid("4023", "Filters must be an object.")
    known = set(IMAGE_LIST_FILTERS) | {
        "TagKeys",
        "TagValues",
        "Tags",
        "PermissionsToLaunchGlobalPermission",
        "PermissionsToLaunchAccountIds",
        "ProductCodes",
        "BootModes",
    }
    unknown = sorted(set(filters) - known)
    if unknown:
        raise ApiError(
            "3001", "InvalidParameter", f"Filter '{unknown[0]}' is not a valid filter for ReadImages."
        )
    tests = _tag_filters(filters)
    for name, field in IMAGE_LIST_FILTERS.items():
        if filters.get(name) is not None:
            wanted = set(_strings(filters, name) or [])
            tests.append(_field_in(field, wanted))
    if filters.get("PermissionsToLaunchGlobalPermission") is not None:
        flag = bool(filters["PermissionsToLaunchGlobalPermission"])
        tests.append(lambda r: r["PermissionsToLaunch"]["GlobalPermission"] is flag)
    for name, field, sub in (
        ("PermissionsToLaunchAccountIds", "PermissionsToLaunch", "AccountIds"),
        ("ProductCodes", "ProductCodes", None),
        ("BootModes", "BootModes", None),
    ):
        if filters.get(name) is not None:
            wanted = set(_strings(filters, name) or [])
            tests.append(_shares_any(field, sub, wanted))
    return [r for r in images if all(test(r) for test in tests)]


def page(items: list[dict[str, Any]], body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """One page of ``items`` and the ``NextPageToken`` of the next (base64 of the offset)."""
    size = _typed(body, "ResultsPerPage", int)
    if size is None:
        size = DEFAULT_PAGE
    if not 1 <= size <= MAX_PAGE:
        raise invalid("4047", f"ResultsPerPage must be between 1 and {MAX_PAGE}.")
    start = 0
    token = _typed(body, "NextPageToken", str)
    if token:
        try:
            start = int(base64.b64decode(token, validate=True).decode().removeprefix("offset:"))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise invalid("4047", "Invalid NextPageToken.") from None
    end = start + size
    next_token = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(items) else None
    return items[start:end], next_token
