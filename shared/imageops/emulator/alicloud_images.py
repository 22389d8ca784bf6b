"""ECS image records: the lazily computed lifecycle (Waiting -> Creating -> Available, or
CreateFailed), rendering to the DescribeImages shape, filtering and the import/copy tasks.

Durations are those of the real service (create ~1 min, import ~5 min, copy ~3 min), scaled by the
emulator's time scale; ``Progress`` and ``RemainTime`` follow the same clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from imageops.emulator.core import Emulator

DURATIONS = {"create": (0.0, 60.0), "import": (30.0, 300.0), "copy": (20.0, 180.0)}
IMAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.:_-]{1,127}$")
STATUSES = ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")


class EcsError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message


def utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_name(value: str | None, field: str = "ImageName") -> None:
    bad = value is not None and (
        not IMAGE_NAME.match(value)
        or value.lower().startswith(("acs:", "aliyun"))
        or "http://" in value
        or "https://" in value
    )
    if bad:
        raise EcsError(400, f"Invalid{field}.Malformed", f"Specified {field} is not valid.")


def check_description(value: str | None) -> None:
    if value is not None and (not 2 <= len(value) <= 256 or value.startswith(("http://", "https://"))):
        raise EcsError(400, "InvalidDescription.Malformed", "Specified description is not valid.")


def progress(emu: Emulator, img: Mapping[str, Any]) -> tuple[str, int, int]:
    """(Status, percent done, remaining real-service seconds) of ``img`` now."""
    wait, duration = DURATIONS[img["_kind"]]
    elapsed = emu.now() - img["_created"]
    scale = emu.time_scale or 1.0
    remaining = max(0.0, emu.scaled(wait + duration) - elapsed) / scale
    if elapsed < emu.scaled(wait):
        return "Waiting", 0, int(remaining)
    if elapsed < emu.scaled(wait + duration):
        done = (elapsed - emu.scaled(wait)) / max(emu.scaled(duration), 1e-9)
        return "Creating", min(99, int(done * 100)), int(remaining)
    if img.get("_fail"):
        return "CreateFailed", 100, 0
    return img.get("_status_override") or "Available", 100, 0


def render(emu: Emulator, img: Mapping[str, Any]) -> dict[str, Any]:
    status, percent, remain = progress(emu, img)
    disks = []
    for disk in img["_disks"]:
        entry = {
            "Device": disk.get("Device", ""),
            "Type": disk.get("Type", "system"),
            "Size": str(disk.get("Size", "")),
            "SnapshotId": disk.get("SnapshotId", "") if status == "Available" else "",
            "Format": disk.get("Format", ""),
            "ImportOSSBucket": disk.get("ImportOSSBucket", ""),
            "ImportOSSObject": disk.get("ImportOSSObject", ""),
            "Progress": f"{percent}%",
            "RemainTime": remain,
            "Encrypted": "off",
        }
        disks.append(entry)
    return {
        "ImageId": img["ImageId"],
        "ImageName": img.get("ImageName", ""),
        "Description": img.get("Description", ""),
        "ImageFamily": img.get("ImageFamily", ""),
        "ImageVersion": img.get("ImageVersion", ""),
        "Architecture": img.get("Architecture", "x86_64"),
        "Platform": img.get("Platform", "Others Linux"),
        "OSType": img.get("OSType", "linux"),
        "OSName": img.get("OSName", img.get("Platform", "Others Linux")),
        "OSNameEn": img.get("OSName", img.get("Platform", "Others Linux")),
        "Status": status,
        "Progress": f"{percent}%",
        "Size": max((int(d.get("Size") or 0) for d in img["_disks"] if d.get("Type") == "system"), default=0),
        "ImageOwnerAlias": owner_alias(img),
        "ImageOwnerId": int(img["_account"]) if img["_account"] else 0,
        "IsSelfShared": "",
        "IsCopied": img["_kind"] == "copy",
        "IsSubscribed": False,
        "IsSupportCloudinit": True,
        "IsSupportIoOptimized": True,
        "Usage": "none",
        "CreationTime": utc(img["_created"]),
        "ResourceGroupId": img.get("ResourceGroupId", ""),
        "BootMode": img.get("BootMode", "BIOS"),
        "LicenseType": img.get("LicenseType", "Auto"),
        "LoginAsNonRootSupported": False,
        "Features": {"NvmeSupport": img.get("NvmeSupport", "unsupported"), "ImdsSupport": "v1"},
        "DetectionOptions": {
            "Status": "Finished" if img.get("DetectionStrategy") else "",
            "Items": {"Item": []},
        },
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in img.get("Tags", {}).items()]},
        "DiskDeviceMappings": {"DiskDeviceMapping": disks},
        "ProductCode": "",
        "SupplierName": "",
        "IsPublic": False,
    }


def tags_from(params: Mapping[str, str], prefix: str = "Tag") -> dict[str, str]:
    """``Tag.N.Key``/``Tag.N.Value`` pairs (N from 1) as a dict."""
    tags = {}
    for n in range(1, 21):
        key = params.get(f"{prefix}.{n}.Key")
        if key is not None:
            tags[key] = params.get(f"{prefix}.{n}.Value", "")
    if f"{prefix}.21.Key" in params:
        raise EcsError(400, "InvalidTagCount", "The number of tags exceeds the limit of 20.")
    for key, value in tags.items():
        if not key or key.lower().startswith(("aliyun", "acs:")) or len(key) > 128 or len(value) > 128:
            raise EcsError(400, "InvalidTagKey.Malformed", "Specified tag key is not valid.")
    return tags


def indexed(params: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    """``Prefix.N.Field`` parameters as one dict per N, in N order."""
    groups: dict[int, dict[str, str]] = {}
    pattern = re.compile(rf"^{re.escape(prefix)}\.(\d+)\.(\w+)$")
    for name, value in params.items():
        match = pattern.match(name)
        if match:
            groups.setdefault(int(match[1]), {})[match[2]] = value
    return [groups[n] for n in sorted(groups)]


OWNER_ALIASES = ("system", "self", "others", "marketplace")


def owner_alias(img: Mapping[str, Any]) -> str:
    """``system`` for ECS's public images (no account owns them), ``self`` for custom ones."""
    return "system" if img["_account"] is None else "self"


def wanted_statuses(params: Mapping[str, str]) -> frozenset[str]:
    """DescribeImages ``Status``: comma-separated statuses, ``ALL`` alone for every one, ``Available``
    when absent, as the ECS API reference describes it; any other value is refused, naming it."""
    values = [s for s in (params.get("Status") or "Available").split(",") if s]
    if values == ["ALL"]:
        return frozenset(STATUSES)
    if "ALL" in values:
        raise EcsError(
            400,
            "InvalidParameter",
            "The specified parameter Status=ALL cannot be combined with other values.",
        )
    unknown = [s for s in values if s not in STATUSES]
    if unknown:
        raise EcsError(
            400, "InvalidParameter", f"The specified parameter Status value {unknown[0]!r} is not valid."
        )
    return frozenset(values)


def owner_filter(params: Mapping[str, str]) -> frozenset[str]:
    """DescribeImages ``ImageOwnerAlias``: one source, or (empty) ``system``, ``self`` and ``others``."""
    alias = params.get("ImageOwnerAlias") or ""
    if alias and alias not in OWNER_ALIASES:
        raise EcsError(
            400, "InvalidParameter", f"The specified parameter ImageOwnerAlias {alias!r} is not valid."
        )
    return frozenset({alias} if alias else {"system", "self", "others"})


def matches(emu: Emulator, img: Mapping[str, Any], params: Mapping[str, str]) -> bool:
    """DescribeImages filters. Without ``Status`` only Available images are listed, as in ECS."""
    if progress(emu, img)[0] not in wanted_statuses(params):
        return False
    if owner_alias(img) not in owner_filter(params):
        return False
    if params.get("ImageId") and img["ImageId"] not in params["ImageId"].split(","):
        return False
    # ImageName is a fuzzy (substring) filter in ECS: callers must compare names themselves.
    if params.get("ImageName") and params["ImageName"] not in img.get("ImageName", ""):
        return False
    if params.get("ResourceGroupId") and img.get("ResourceGroupId") != params["ResourceGroupId"]:
        return False
    if params.get("Architecture") and img.get("Architecture") != params["Architecture"]:
        return False
    tags = img.get("Tags", {})
    for tag in indexed(params, "Tag"):
        if "Key" in tag and (tag["Key"] not in tags or ("Value" in tag and tags[tag["Key"]] != tag["Value"])):
            return False
    return True


def task_view(emu: Emulator, task: Mapping[str, Any], img: Mapping[str, Any] | None) -> dict[str, Any]:
    status = "Finished"
    if img is not None:
        state = progress(emu, img)[0]
        status = {"Waiting": "Waiting", "Creating": "Processing", "CreateFailed": "Failed"}.get(
            state, "Finished"
        )
    return {
        "TaskId": task["TaskId"],
        "TaskAction": task["TaskAction"],
        "TaskStatus": status,
        "SupportCancel": "false",
        "CreationTime": utc(task["_created"]),
        "ResourceId": task["ImageId"],
        "FinishedTime": utc(emu.now()) if status in ("Finished", "Failed") else "",
    }
