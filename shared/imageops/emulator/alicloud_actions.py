"""The ECS actions of the emulator, one function each: ``(api, account, params) -> response fields``.

Resources are visible only to their account and region; a deleted image is gone for every call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from imageops.emulator import alicloud_images as images
from imageops.emulator.alicloud_images import EcsError, indexed, render, tags_from
from imageops.emulator.alicloud_seed import REGIONS, resource_id

if TYPE_CHECKING:
    from imageops.emulator.alicloud import EcsApi

Params = dict[str, str]
ARCHITECTURES = ("i386", "x86_64", "arm64")
BOOT_MODES = ("BIOS", "UEFI", "UEFI-Preferred")
NVME = ("supported", "unsupported")
MAX_PAGE_SIZE = 100


def _missing(name: str) -> EcsError:
    return EcsError(
        400,
        "MissingParameter",
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
    )


def _region(params: Params, name: str = "RegionId") -> str:
    region = params.get(name)
    if not region:
        raise _missing(name)
    if region not in REGIONS:
        raise EcsError(404, "InvalidRegionId.NotFound", f"The specified {name} does not exist.")
    return region


def _enum(params: Params, name: str, values: tuple[str, ...]) -> str | None:
    value = params.get(name)
    if value is not None and value not in values:
        raise EcsError(
            400, f"InvalidParameter.{name.split('.')[-1]}", f"The specified parameter {name} is not valid."
        )
    return value


def _integer(value: str | None, name: str, default: int) -> int:
    """A numeric parameter (``DiskDeviceMapping.N.Size``...): a 400 naming it when it is not a number."""
    if not value:
        return default
    try:
        return int(value)
    except ValueError:  # also more digits than int() takes
        raise EcsError(
            400, f"InvalidParameter.{name.split('.')[-1]}", f"The specified parameter {name} is not valid."
        ) from None


def _page(params: Params) -> tuple[int, int]:
    try:
        number, size = int(params.get("PageNumber", "1")), int(params.get("PageSize", "10"))
    except ValueError:
        raise EcsError(400, "InvalidParameter", "PageNumber and PageSize must be integers.") from None
    if number < 1:
        raise EcsError(400, "InvalidPageNumber.Malformed", "The specified PageNumber is not valid.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise EcsError(400, "InvalidPageSize.Malformed", "The specified PageSize is not valid (1-100).")
    return number, size


def _paged(found: list[Any], number: int, size: int, region: str, outer: str, inner: str) -> dict[str, Any]:
    """One page of a Describe* answer in ECS's shape: ``{Outer: {Inner: [...]}, TotalCount...}``."""
    page = found[(number - 1) * size : number * size]
    return {
        outer: {inner: page},
        "TotalCount": len(found),
        "PageNumber": number,
        "PageSize": size,
        "RegionId": region,
    }


def _image(api: EcsApi, account: str, region: str, image_id: str | None) -> dict[str, Any]:
    if not image_id:
        raise _missing("ImageId")
    img = api.state["images"].get(image_id)
    if img is None or img["_account"] != account or img["RegionId"] != region or img.get("_deleted"):
        raise EcsError(404, "InvalidImageId.NotFound", "The specified ImageId does not exist.")
    return img


def _live_named(api: EcsApi, account: str, region: str, name: str | None) -> None:
    if name is None:
        return
    for img in api.state["images"].values():
        if (img["_account"], img["RegionId"], img.get("ImageName")) == (
            account,
            region,
            name,
        ) and not img.get("_deleted"):
            raise EcsError(
                400, "InvalidImageName.Duplicated", "The specified Image name has already been used."
            )


def _resource_group(api: EcsApi, account: str, params: Params) -> str | None:
    rg = params.get("ResourceGroupId")
    if rg is None:
        return None
    record = api.state["resource_groups"].get(rg)
    if record is None or record["account"] != account:
        raise EcsError(404, "InvalidResourceGroup.NotFound", "The specified resource group does not exist.")
    return rg


def _snapshot(api: EcsApi, account: str, region: str, snapshot_id: str) -> dict[str, Any]:
    snap = api.state["snapshots"].get(snapshot_id)
    if snap is None or snap["_account"] != account or snap["RegionId"] != region or snap.get("_deleted"):
        raise EcsError(404, "InvalidSnapshotId.NotFound", "The specified SnapshotId does not exist.")
    return snap


def _common(
    api: EcsApi, account: str, region: str, params: Params, name_field: str = "ImageName"
) -> dict[str, Any]:
    name = params.get(name_field)
    images.check_name(name)
    images.check_name(params.get("ImageFamily"), "ImageFamily")
    images.check_description(params.get("Description"))
    _live_named(api, account, region, name)
    record: dict[str, Any] = {
        "ImageId": resource_id("m", region),
        "RegionId": region,
        "_account": account,
        "_created": api.emu.now(),
        "Tags": tags_from(params),
        "ResourceGroupId": _resource_group(api, account, params),
    }
    for field in (
        "ImageName",
        "Description",
        "ImageFamily",
        "ImageVersion",
        "Platform",
        "DetectionStrategy",
        "LicenseType",
    ):
        if params.get(field) is not None:
            record[field] = params[field]
    for field, values in (("Architecture", ARCHITECTURES), ("BootMode", BOOT_MODES)):
        if _enum(params, field, values):
            record[field] = params[field]
    if _enum(params, "Features.NvmeSupport", NVME):
        record["NvmeSupport"] = params["Features.NvmeSupport"]
    return {k: v for k, v in record.items() if v is not None}


def _auto_snapshot(api: EcsApi, account: str, region: str, size: int, kind: str) -> str:
    snap_id = resource_id("s", region)
    api.state["snapshots"][snap_id] = {
        "SnapshotId": snap_id,
        "SnapshotName": f"auto_image_{kind}",
        "Status": "accomplished",
        "Progress": "100%",
        "SourceDiskType": kind.capitalize(),
        "SourceDiskSize": str(size),
        "SourceDiskId": resource_id("d", region),
        "Usage": "image",
        "RegionId": region,
        "CreationTime": images.utc(api.emu.now()),
        "_account": account,
        "_created": api.emu.now(),
        "_auto": True,
    }
    return snap_id


def _disks_from_create(api: EcsApi, account: str, region: str, params: Params) -> list[dict[str, Any]]:
    mappings = indexed(params, "DiskDeviceMapping")
    sources = [bool(params.get("InstanceId")), bool(params.get("SnapshotId")), bool(mappings)]
    if sum(sources) == 0:
        raise _missing("InstanceId")
    if sum(sources) > 1:
        raise EcsError(
            400, "InvalidParameter.Conflict", "InstanceId, SnapshotId and DiskDeviceMapping are exclusive."
        )
    if params.get("InstanceId"):
        inst = api.state["instances"].get(params["InstanceId"])
        if inst is None or inst["_account"] != account or inst["RegionId"] != region:
            raise EcsError(404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")
        if inst["Status"] not in ("Running", "Stopped"):
            raise EcsError(
                403,
                "IncorrectInstanceStatus",
                "The current status of the resource does not support this operation.",
            )
        snap_id = _auto_snapshot(api, account, region, inst["_disk_size"], "system")
        return [{"Device": "/dev/xvda", "Type": "system", "Size": inst["_disk_size"], "SnapshotId": snap_id}]
    if params.get("SnapshotId"):
        snap = _snapshot(api, account, region, params["SnapshotId"])
        return [
            {
                "Device": "/dev/xvda",
                "Type": "system",
                "Size": int(snap["SourceDiskSize"]),
                "SnapshotId": snap["SnapshotId"],
            }
        ]
    disks = []
    for n, mapping in enumerate(mappings):
        kind = mapping.get("DiskType") or ("system" if n == 0 else "data")
        size = _integer(mapping.get("Size"), f"DiskDeviceMapping.{n + 1}.Size", 0)
        if mapping.get("SnapshotId"):
            snap = _snapshot(api, account, region, mapping["SnapshotId"])
            if size and size < int(snap["SourceDiskSize"]):
                raise EcsError(
                    400,
                    "InvalidSize.ValueNotSupported",
                    "The size must not be smaller than the snapshot's size.",
                )
            size = size or int(snap["SourceDiskSize"])
        disks.append(
            {
                "Device": mapping.get("Device") or f"/dev/xvd{chr(ord('a') + n)}",
                "Type": kind,
                "Size": size or 20,
                "SnapshotId": mapping.get("SnapshotId", ""),
            }
        )
    if sum(d["Type"] == "system" for d in disks) > 1 or sum(d["Type"] == "data" for d in disks) > 16:
        raise EcsError(
            400, "InvalidParameter.DiskDeviceMapping", "At most one system disk and 16 data disks."
        )
    return disks


def create_image(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)

    def run() -> dict[str, Any]:
        disks = _disks_from_create(api, account, region, params)
        record = _common(api, account, region, params)
        if params.get("InstanceId"):
            inst = api.state["instances"][params["InstanceId"]]
            record.setdefault("Platform", inst["_platform"])
        record.update({"_kind": "create", "_disks": disks})
        api.state["images"][record["ImageId"]] = record
        return {"ImageId": record["ImageId"]}

    return api.idempotent(account, "CreateImage", params, run)


def _task(api: EcsApi, region: str, account: str, action: str, image_id: str) -> str:
    task_id = "t-" + resource_id("x", region)[2:]
    api.state["tasks"][task_id] = {
        "TaskId": task_id,
        "TaskAction": action,
        "RegionId": region,
        "ImageId": image_id,
        "_account": account,
        "_created": api.emu.now(),
    }
    return task_id


def import_image(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)

    def run() -> dict[str, Any]:
        mappings = indexed(params, "DiskDeviceMapping")
        if not mappings:
            raise _missing("DiskDeviceMapping.1.OSSBucket")
        _enum(params, "LicenseType", ("Auto", "Aliyun", "BYOL"))
        _enum(params, "OSType", ("linux", "windows"))
        record = _common(api, account, region, params)
        fail = False
        disks = []
        for n, mapping in enumerate(mappings):
            bucket = api.state["buckets"].get(mapping.get("OSSBucket", ""))
            if bucket is None or bucket["account"] != account:
                raise EcsError(404, "InvalidOSSBucket.NotFound", "The specified OSS bucket does not exist.")
            obj = bucket["objects"].get(mapping.get("OSSObject", ""))
            if obj is None:
                raise EcsError(404, "InvalidOSSObject.NotFound", "The specified OSS object does not exist.")
            fmt = mapping.get("Format") or obj["format"]
            fail = fail or bool(obj.get("corrupt")) or fmt != obj["format"]
            size = _integer(mapping.get("DiskImageSize"), f"DiskDeviceMapping.{n + 1}.DiskImageSize", 40)
            disks.append(
                {
                    "Device": mapping.get("Device") or f"/dev/xvd{chr(ord('a') + n)}",
                    "Type": "system" if n == 0 else "data",
                    "Size": size,
                    "Format": fmt,
                    "ImportOSSBucket": mapping["OSSBucket"],
                    "ImportOSSObject": mapping["OSSObject"],
                    "SnapshotId": resource_id("s", region),
                }
            )
        record.update(
            {"_kind": "import", "_disks": disks, "_fail": fail, "OSType": params.get("OSType", "linux")}
        )
        api.state["images"][record["ImageId"]] = record
        task = _task(api, region, account, "ImportImage", record["ImageId"])
        return {"ImageId": record["ImageId"], "TaskId": task, "RegionId": region}

    return api.idempotent(account, "ImportImage", params, run)


def copy_image(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    destination = _region(params, "DestinationRegionId")

    def run() -> dict[str, Any]:
        source = _image(api, account, region, params.get("ImageId"))
        if images.progress(api.emu, source)[0] != "Available":
            raise EcsError(
                403,
                "IncorrectImageStatus",
                "The current status of the image does not support this operation.",
            )
        copy_params = {
            **params,
            "ImageName": params.get("DestinationImageName"),
            "Description": params.get("DestinationDescription"),
        }
        record = _common(api, account, destination, {k: v for k, v in copy_params.items() if v is not None})
        inherited = (
            "Architecture",
            "Platform",
            "OSType",
            "BootMode",
            "NvmeSupport",
            "ImageFamily",
            "ImageVersion",
            "LicenseType",
        )
        record.update({k: source[k] for k in inherited if k in source and k not in record})
        disks = [{**d, "SnapshotId": resource_id("s", destination)} for d in source["_disks"]]
        record.update(
            {"_kind": "copy", "_disks": disks, "_source": source["ImageId"], "_source_region": region}
        )
        api.state["images"][record["ImageId"]] = record
        _task(api, destination, account, "CopyImage", record["ImageId"])
        return {"ImageId": record["ImageId"]}

    return api.idempotent(account, "CopyImage", params, run)


def describe_images(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    number, size = _page(params)
    by_id = bool(params.get("ImageId"))  # the listing lags behind new images (--list-lag); by id not
    images.wanted_statuses(params)  # a bad filter is refused even when nothing would match it
    images.owner_filter(params)
    found = [
        img
        for img in api.state["images"].values()
        if img["_account"] in (account, None)
        and img["RegionId"] == region
        and not img.get("_deleted")
        and (by_id or api.emu.listed(img["_created"]))
        and images.matches(api.emu, img, params)
    ]
    # Newest first, by the CreationTime ECS shows; only the page asked for is rendered (an account
    # with 10,000 images would otherwise render them all for each page).
    found.sort(key=lambda img: (images.utc(img["_created"]), img["ImageId"]), reverse=True)
    answer = _paged(found, number, size, region, "Images", "Image")
    answer["Images"]["Image"] = [render(api.emu, img) for img in answer["Images"]["Image"]]
    return answer


def modify_image_attribute(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    img = _image(api, account, region, params.get("ImageId"))
    status = images.progress(api.emu, img)[0]
    if status not in ("Available", "Deprecated"):
        raise EcsError(
            403, "IncorrectImageStatus", "The current status of the image does not support this operation."
        )
    images.check_name(params.get("ImageName"))
    images.check_name(params.get("ImageFamily"), "ImageFamily")
    images.check_description(params.get("Description"))
    if params.get("ImageName") not in (None, img.get("ImageName")):
        _live_named(api, account, region, params["ImageName"])
    _enum(params, "BootMode", BOOT_MODES)
    _enum(params, "LicenseType", ("Auto", "Aliyun", "BYOL"))
    _enum(params, "Features.NvmeSupport", NVME)
    _enum(params, "Status", ("Available", "Deprecated"))
    for field in ("ImageName", "Description", "ImageFamily", "BootMode", "LicenseType"):
        if params.get(field) is not None:
            img[field] = params[field]
    if params.get("Features.NvmeSupport"):
        img["NvmeSupport"] = params["Features.NvmeSupport"]
    if params.get("Status"):
        img["_status_override"] = params["Status"]
    return {}


def _image_ids(params: Params) -> list[str]:
    if params.get("ResourceType", "image").lower() != "image":
        raise EcsError(
            400, "InvalidResourceType.NotSupported", "The specified ResourceType is not supported."
        )
    ids = [
        params[k]
        for k in sorted(
            params,
            key=lambda k: int(k.split(".")[1]) if k.count(".") == 1 and k.split(".")[1].isdigit() else 0,
        )
        if k.startswith("ResourceId.")
    ]
    if not ids:
        raise _missing("ResourceId.1")
    return ids


def tag_resources(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    tags = tags_from(params)
    if not tags:
        raise _missing("Tag.1.Key")
    targets = [_image(api, account, region, i) for i in _image_ids(params)]
    for img in targets:
        merged = {**img.get("Tags", {}), **tags}
        if len(merged) > 20:
            raise EcsError(400, "InvalidTagCount", "The number of tags exceeds the limit of 20.")
        img["Tags"] = merged
    return {}


def untag_resources(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    keys = [v for k, v in params.items() if k.startswith("TagKey.")]
    every = params.get("All", "false").lower() == "true"
    for img in [_image(api, account, region, i) for i in _image_ids(params)]:
        img["Tags"] = {} if every else {k: v for k, v in img.get("Tags", {}).items() if k not in keys}
    return {}


def join_resource_group(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    if not params.get("ResourceGroupId"):
        raise _missing("ResourceGroupId")
    rg = _resource_group(api, account, params)
    if params.get("ResourceType", "").lower() != "image":
        raise EcsError(
            400, "InvalidResourceType.NotSupported", "The specified ResourceType is not supported."
        )
    _image(api, account, region, params.get("ResourceId"))["ResourceGroupId"] = rg
    return {}


def delete_image(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    img = _image(api, account, region, params.get("ImageId"))
    if images.progress(api.emu, img)[0] in ("Waiting", "Creating"):
        raise EcsError(
            403, "IncorrectImageStatus", "The current status of the image does not support this operation."
        )
    img["_deleted"] = api.emu.now()
    return {}


def delete_snapshot(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    snap_id = params.get("SnapshotId") or ""
    snap = api.state["snapshots"].get(snap_id)
    if snap is None or snap["_account"] != account or snap.get("_deleted"):
        raise EcsError(404, "InvalidSnapshotId.NotFound", "The specified SnapshotId does not exist.")
    in_use = any(
        snap_id in [d.get("SnapshotId") for d in i["_disks"]] and not i.get("_deleted")
        for i in api.state["images"].values()
    )
    if in_use:
        raise EcsError(403, "IncorrectSnapshotStatus", "The snapshot is used by an image.")
    snap["_deleted"] = api.emu.now()
    return {}


def _json_ids(params: Params, name: str) -> list[str] | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        ids = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise EcsError(400, f"Invalid{name}.Malformed", f"The specified {name} is not valid.") from None
    if not isinstance(ids, list):
        raise EcsError(400, f"Invalid{name}.Malformed", f"The specified {name} is not valid.")
    return [str(i) for i in ids]


def _listing(
    api: EcsApi, account: str, params: Params, section: str, ids_param: str, outer: str, inner: str
) -> dict[str, Any]:
    region = _region(params)
    number, size = _page(params)
    ids = _json_ids(params, ids_param)
    found = [
        {k: v for k, v in r.items() if not k.startswith("_")}
        for r in api.state[section].values()
        if r["_account"] == account
        and r["RegionId"] == region
        and not r.get("_deleted")
        and (ids is None or r[f"{inner}Id"] in ids)
    ]
    return _paged(found, number, size, region, outer, inner)


def describe_instances(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    return _listing(api, account, params, "instances", "InstanceIds", "Instances", "Instance")


def describe_snapshots(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    return _listing(api, account, params, "snapshots", "SnapshotIds", "Snapshots", "Snapshot")


def describe_tasks(api: EcsApi, account: str, params: Params) -> dict[str, Any]:
    region = _region(params)
    number, size = _page(params)
    ids = [i for i in params.get("TaskIds", "").split(",") if i]
    found = []
    for task in api.state["tasks"].values():
        if task["_account"] != account or task["RegionId"] != region or (ids and task["TaskId"] not in ids):
            continue
        if params.get("TaskAction") and task["TaskAction"] != params["TaskAction"]:
            continue
        view = images.task_view(api.emu, task, api.state["images"].get(task["ImageId"]))
        if params.get("TaskStatus") and view["TaskStatus"] != params["TaskStatus"]:
            continue
        found.append(view)
    return _paged(found, number, size, region, "TaskSet", "Task")


HANDLERS: dict[str, Callable[[EcsApi, str, Params], dict[str, Any]]] = {
    "CreateImage": create_image,
    "ImportImage": import_image,
    "CopyImage": copy_image,
    "DescribeImages": describe_images,
    "ModifyImageAttribute": modify_image_attribute,
    "TagResources": tag_resources,
    "UntagResources": untag_resources,
    "JoinResourceGroup": join_resource_group,
    "DeleteImage": delete_image,
    "DeleteSnapshot": delete_snapshot,
    "DescribeTasks": describe_tasks,
    "DescribeInstances": describe_instances,
    "DescribeSnapshots": describe_snapshots,
}
