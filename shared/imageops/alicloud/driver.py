"""The ECS image driver: :class:`imageops.driver.ImageDriver` over :class:`EcsApi`.

States: Creating and Waiting are *pending*, Available (and Deprecated, still usable) *available*,
CreateFailed and UnAvailable *failed* (the reconciler replaces a failed image). ECS lists a deleted
image nowhere, so a vanished image is *deleted*.

Regions: an image lives in ``spec.region`` (else the connection's region); the driver remembers the
region of every image it created or found, so ``get``/``update``/``delete`` by id go to the right one.
Reads: ``get`` is one DescribeImages by ImageId, ``find`` one DescribeImages by ImageName (ECS's name
filter is fuzzy: names are compared exactly here), more only when the answer spans pages.

CreateImage, ImportImage and CopyImage carry ``ClientToken = spec.retry_token(attempt)``: ECS answers
a repeated token with the image the first call made, so a create whose answer was lost, or a re-run
after an interrupted create or copy, adopts that image. A token whose image has since been deleted
moves on to the next attempt's token, and past the last one to a fresh token
(:meth:`PollingDriver.creation_tokens`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from imageops.alicloud.api import EcsApi, flatten
from imageops.alicloud.spec import AlicloudImageSpec
from imageops.driver import PollingDriver, PollPolicy
from imageops.errors import AmbiguousImageError, ConflictError, NotFoundError
from imageops.model import Image, ImageState
from imageops.redact import get_logger
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

__all__ = ["AlicloudDriver", "image_from_json", "normalise_state"]

log = get_logger("imageops.alicloud.driver")

_STATES: dict[str, ImageState] = {
    "Creating": ImageState.PENDING,
    "Waiting": ImageState.PENDING,
    "Available": ImageState.AVAILABLE,
    "Deprecated": ImageState.AVAILABLE,
    "CreateFailed": ImageState.FAILED,
    "UnAvailable": ImageState.FAILED,
}
_MODIFIABLE = {
    "image_name": "ImageName",
    "description": "Description",
    "image_family": "ImageFamily",
    "boot_mode": "BootMode",
    "license_type": "LicenseType",
}
_DISK_FIELDS = {
    "device": "Device", "disk_type": "Type", "size": "Size", "snapshot_id": "SnapshotId", "format": "Format",
    "import_oss_bucket": "ImportOSSBucket", "import_oss_object": "ImportOSSObject", "progress": "Progress",
    "remain_time": "RemainTime",
}  # fmt: skip


def normalise_state(raw_state: str) -> ImageState:
    """ECS image Status -> neutral state; an unknown word is pending (wait, never destroy)."""
    return _STATES.get(raw_state, ImageState.PENDING)


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _disk(data: dict[str, Any]) -> dict[str, Any]:
    disk = {name: data.get(wire) for name, wire in _DISK_FIELDS.items()}
    for number in ("size", "remain_time"):
        value = disk[number]
        if value is not None and value != "":
            disk[number] = int(value)
    return disk


def image_from_json(data: dict[str, Any], region: str | None) -> Image:
    """One DescribeImages item as an :class:`Image`; ``attributes`` are the seed's names."""
    tags = {t["TagKey"]: t.get("TagValue", "") for t in (data.get("Tags") or {}).get("Tag") or []}
    disks = [_disk(d) for d in (data.get("DiskDeviceMappings") or {}).get("DiskDeviceMapping") or []]
    raw = str(data.get("Status") or "")
    attributes = {
        "id": data.get("ImageId"),
        "image_name": data.get("ImageName") or None,
        "name": data.get("ImageName") or None,
        "description": data.get("Description") or None,
        "architecture": data.get("Architecture") or None,
        "platform": data.get("Platform") or None,
        "image_family": data.get("ImageFamily") or None,
        "image_version": data.get("ImageVersion") or None,
        "boot_mode": data.get("BootMode") or None,
        "license_type": data.get("LicenseType") or None,
        "features": {"nvme_support": (data.get("Features") or {}).get("NvmeSupport")},
        "resource_group_id": data.get("ResourceGroupId") or None,
        "disk_device_mapping": disks,
        "tags": tags,
        "status": raw,
        "create_time": data.get("CreationTime"),
        "region": region,
        "os_type": data.get("OSType"),
        "os_name": data.get("OSName"),
        "progress": data.get("Progress"),
        "size": data.get("Size"),
        "is_copied": data.get("IsCopied"),
    }
    size = data.get("Size")
    return Image(
        cloud="alicloud", id=str(data.get("ImageId")), name=data.get("ImageName") or None,
        state=normalise_state(raw), raw_state=raw, region=region, tags=tags,
        created=_parse_time(data.get("CreationTime")), size_mb=int(size) * 1024 if size else None,
        attributes=attributes,
    )  # fmt: skip


def _common_params(spec: AlicloudImageSpec) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Description": spec.description, "Architecture": spec.architecture, "Platform": spec.platform,
        "BootMode": spec.boot_mode, "DetectionStrategy": spec.detection_strategy,
        "ResourceGroupId": spec.resource_group_id, "LicenseType": spec.license_type,
        "Features.NvmeSupport": spec.features.nvme_support if spec.features else None,
    }  # fmt: skip
    params.update(flatten("Tag", [{"Key": k, "Value": v} for k, v in (spec.tags or {}).items()]))
    return params


def request_for(spec: AlicloudImageSpec, region: str) -> tuple[str, dict[str, Any]]:
    """The create action for the spec's source, and its parameters (without ClientToken)."""
    if spec.copy_from is not None:
        source = spec.copy_from
        params = {
            "RegionId": source.source_region_id, "ImageId": source.source_image_id,
            "DestinationRegionId": region, "DestinationImageName": spec.image_name,
            "DestinationDescription": spec.description, "ResourceGroupId": spec.resource_group_id,
            "Encrypted": source.encrypted, "KMSKeyId": source.kms_key_id,
        }  # fmt: skip
        params.update(flatten("Tag", [{"Key": k, "Value": v} for k, v in (spec.tags or {}).items()]))
        return "CopyImage", params
    params = {"RegionId": region, "ImageName": spec.image_name, **_common_params(spec)}
    if spec.import_from is not None:
        oss = spec.import_from
        params["OSType"] = oss.os_type
        params.update(flatten("DiskDeviceMapping", [{
            "OSSBucket": oss.oss_bucket, "OSSObject": oss.oss_object, "Format": oss.format,
            "DiskImageSize": oss.disk_image_size, "Device": oss.device,
        }]))  # fmt: skip
        return "ImportImage", params
    params.update({"ImageFamily": spec.image_family, "ImageVersion": spec.image_version})
    if spec.instance_id is not None:
        params["InstanceId"] = spec.instance_id
    elif spec.snapshot_id is not None:
        params["SnapshotId"] = spec.snapshot_id
    else:
        disks = [
            {"SnapshotId": d.snapshot_id, "Size": d.size, "DiskType": d.disk_type, "Device": d.device}
            for d in spec.disk_device_mapping or []
        ]
        params.update(flatten("DiskDeviceMapping", disks))
    return "CreateImage", params


class AlicloudDriver(PollingDriver):
    """ECS custom images in one account; ``region`` is where images without ``spec.region`` live."""

    cloud = "alicloud"
    spec_type = AlicloudImageSpec

    def __init__(
        self,
        api: EcsApi,
        *,
        region: str,
        poll: PollPolicy | None = None,
        max_token_attempts: int = 3,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(api, poll=poll, max_token_attempts=max_token_attempts, sleep=sleep)
        self.region = region
        self._regions: dict[str, str] = {}

    def _spec(self, spec: ImageSpec) -> AlicloudImageSpec:
        checked: AlicloudImageSpec = self.checked_spec(spec)
        return checked

    def region_of(self, image_id: str) -> str:
        return self._regions.get(image_id, self.region)

    def _image(self, data: dict[str, Any], region: str) -> Image:
        self._regions[str(data.get("ImageId"))] = region
        return image_from_json(data, region)

    def get(self, image_id: str) -> Image | None:
        region = self.region_of(image_id)
        for item in self.api.iter_images(region, ImageId=image_id):
            if item.get("ImageId") == image_id:
                return self._image(item, region)
        return None

    def _named(self, region: str, name: str | None) -> list[dict[str, Any]]:
        filters = {"ImageName": name} if name is not None else {}
        return [
            i for i in self.api.iter_images(region, **filters) if name is None or i.get("ImageName") == name
        ]

    def find(self, spec: ImageSpec) -> Image | None:
        spec = self._spec(spec)
        if spec.lookup_key() is None:
            return None
        region = spec.region or self.region
        matches = self._named(region, spec.image_name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("ImageId")) for m in matches])
        return self._image(matches[0], region) if matches else None

    def list(self, spec: ImageSpec, **filters: Any) -> list[Image]:
        """The account's images in the spec's region (named ``image_name`` when the spec has one)."""
        spec = self._spec(spec)
        region = spec.region or self.region
        items = self._named(region, spec.image_name)
        if filters.get("status"):
            items = [i for i in items if i.get("Status") == filters["status"]]
        return [self._image(i, region) for i in items]

    def create(self, spec: ImageSpec, *, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Image:
        """CreateImage, ImportImage or CopyImage with a ClientToken; no wait here (``timeout`` is the
        protocol's: the reconciler's wait after the call is bounded by it)."""
        spec = self._spec(spec)
        region = spec.region or self.region
        action, params = request_for(spec, region)
        for attempt, token in enumerate(self.creation_tokens(spec.retry_token)):
            answer = self.api.call(action, {**params, "ClientToken": token})
            image_id = str(answer["ImageId"])
            self._regions[image_id] = region
            image = self.get(image_id)
            if image is not None:
                return image
            log.info(
                "%s replayed ClientToken %d with deleted image %s; trying the next token",
                action,
                attempt,
                image_id,
            )
        raise ConflictError(
            "even a fresh ClientToken was answered with a deleted image",
            code="ClientTokenExhausted", operation=action,
        )  # fmt: skip

    def update(
        self, image: Image, spec: ImageSpec, values: dict[str, Any], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Image:
        """ModifyImageAttribute, JoinResourceGroup and Tag/UntagResources for what changed.

        ``instance_id``, ``snapshot_id``, ``detection_strategy``, ``force`` and
        ``delete_auto_snapshot`` are not ForceNew in the seed but ECS cannot change them on an
        image: the new value is recorded (by the caller's state) without a call, as Terraform does.
        Nothing here waits (``timeout`` is the protocol's).
        """
        self._spec(spec)
        region = image.region or self.region_of(image.id)
        wrote = False
        modify = {wire: values[name] for name, wire in _MODIFIABLE.items() if values.get(name) is not None}
        if modify:
            self.api.modify_image_attribute(region, image.id, **modify)
            wrote = True
        if values.get("resource_group_id"):
            self.api.join_resource_group(region, image.id, values["resource_group_id"])
            wrote = True
        if "tags" in values:
            wanted = values["tags"] or {}
            gone = [k for k in image.tags if k not in wanted]
            changed = {k: v for k, v in wanted.items() if image.tags.get(k) != v}
            if gone:
                self.api.untag_resources(region, image.id, gone)
            if changed:
                self.api.tag_resources(region, image.id, changed)
            wrote = wrote or bool(gone or changed)
        if not wrote:
            return image
        return self.get(image.id) or image

    def delete(
        self, image_id: str, *, force: bool | None = None, delete_auto_snapshot: bool | None = None
    ) -> None:
        """DeleteImage (``Force``); an image already gone is a success. With ``delete_auto_snapshot``
        the snapshots the image was made of are deleted afterwards, as Terraform does."""
        region = self.region_of(image_id)
        snapshots: list[str] = []
        if delete_auto_snapshot:
            image = self.get(image_id)
            disks = image.attributes.get("disk_device_mapping", []) if image else []
            snapshots = [d["snapshot_id"] for d in disks if d.get("snapshot_id")]
        try:
            self.api.delete_image(region, image_id, force=force)
        except NotFoundError:
            return
        for snapshot in snapshots:
            try:
                self.api.delete_snapshot(snapshot, force=True)
            except NotFoundError:
                continue
