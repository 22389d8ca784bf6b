"""Desired state of an Alibaba Cloud ECS custom image (Terraform ``alicloud_image``).

One resource covers what Terraform splits into ``alicloud_image``, ``alicloud_image_import`` and
``alicloud_image_copy``: exactly one source mode out of ``instance_id``, ``snapshot_id``,
``disk_device_mapping`` (CreateImage), ``import_from`` (ImportImage from OSS) and ``copy_from``
(CopyImage from another region).

Update modes follow the seed's ForceNew marks: ``architecture``, ``platform``, ``image_version``,
``disk_device_mapping`` and ``features`` (whose only argument ``nvme_support`` is ForceNew) force a
new image. Every other seed argument is in place: name, description, family, boot mode, license
type (ModifyImageAttribute), resource group (JoinResourceGroup), tags (Tag/UntagResources), and the
delete-time switches ``force``/``delete_auto_snapshot``. The seed does not mark ``instance_id``,
``snapshot_id`` or ``detection_strategy`` ForceNew either: as in Terraform, changing them records the
new value without rebuilding the image. ``import_from``, ``copy_from`` and ``region`` are ours
(Terraform's import/copy resources make every argument ForceNew) and force a new image.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, field_validator

from imageops.model import Image
from imageops.spec import ImageSpec, in_place, replace, tag_values_as_strings

_NAME_CHARS = re.compile(r"^[A-Za-z][A-Za-z0-9.:_-]*$")
_REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)+$")
_DEVICE = re.compile(r"^/dev/x?vd[a-z]$")


def _check_name(value: str) -> str:
    """ECS's rule for image and image family names."""
    if not 2 <= len(value) <= 128:
        raise ValueError("must be 2 to 128 characters")
    if value.lower().startswith(("acs:", "aliyun")):
        raise ValueError("must not start with acs: or aliyun")
    if "http://" in value or "https://" in value:
        raise ValueError("must not contain http:// or https://")
    if not value[0].isalpha():
        raise ValueError("must start with a letter")
    if not _NAME_CHARS.match(value):
        raise ValueError(
            "may contain only letters, digits, periods (.), colons (:), underscores (_) and hyphens (-)"
        )
    return value


def _check_description(value: str) -> str:
    if not 2 <= len(value) <= 256:
        raise ValueError("must be 2 to 256 characters")
    if value.startswith(("http://", "https://")):
        raise ValueError("must not start with http:// or https://")
    return value


def _prefixed(prefix: str, what: str) -> Any:
    def check(value: str) -> str:
        if not value.startswith(prefix) or len(value) <= len(prefix) or len(value) > 64:
            raise ValueError(f"must be {what} ID ({prefix}...)")
        return value

    return AfterValidator(check)


def _check_region(value: str) -> str:
    if not _REGION.match(value) or len(value) > 64:
        raise ValueError("must be a region ID such as cn-hangzhou")
    return value


def _check_device(value: str) -> str:
    if not _DEVICE.match(value):
        raise ValueError("must be /dev/vda to /dev/vdz, or /dev/xvda to /dev/xvdz for basic disks")
    return value


ImageName = Annotated[str, AfterValidator(_check_name)]
Description = Annotated[str, AfterValidator(_check_description)]
InstanceId = Annotated[str, _prefixed("i-", "an instance")]
SnapshotId = Annotated[str, _prefixed("s-", "a snapshot")]
ImageId = Annotated[str, _prefixed("m-", "an image")]
ResourceGroupId = Annotated[str, _prefixed("rg-", "a resource group")]
RegionId = Annotated[str, AfterValidator(_check_region)]
Device = Annotated[str, AfterValidator(_check_device)]

Architecture = Literal["i386", "x86_64", "arm64"]
BootMode = Literal["BIOS", "UEFI", "UEFI-Preferred"]
Platform = Literal[
    "Aliyun", "Anolis", "CentOS", "Ubuntu", "CoreOS", "SUSE", "Debian", "OpenSUSE", "FreeBSD",
    "RedHat", "Kylin", "UOS", "Fedora", "Fedora CoreOS", "CentOS Stream", "AlmaLinux",
    "Rocky Linux", "Gentoo", "Customized Linux", "Others Linux", "Windows Server 2022",
    "Windows Server 2019", "Windows Server 2016", "Windows Server 2012", "Windows Server 2008",
    "Windows Server 2003",
]  # fmt: skip
MAX_DATA_DISKS = 16
MAX_TAGS = 20


def _check_tags(tags: dict[str, str] | None) -> dict[str, str] | None:
    """ECS tag rules: up to 20 tags; keys 1-128, values up to 128, no acs:/aliyun key, no URLs."""
    if tags is None:
        return None
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise ValueError(f"tag key {key!r} must be 1 to 128 characters")
        if key.lower().startswith(("aliyun", "acs:")):
            raise ValueError(f"tag key {key!r} must not start with aliyun or acs:")
        if len(value) > 128:
            raise ValueError(f"value of tag {key!r} must be at most 128 characters")
        for text in (key, value):
            if "http://" in text or "https://" in text:
                raise ValueError(f"tag {key!r} must not contain http:// or https://")
    return tags


class DiskDeviceMapping(ImageSpec):
    """One disk of the image built from snapshots (CreateImage ``DiskDeviceMapping.N``)."""

    device: Device | None = replace(
        description="Device name of the disk: /dev/vda../dev/vdz, or /dev/xvda../dev/xvdz for basic disks.",
        doc=(
            "The device name of the disk in the image. C(/dev/vda) to C(/dev/vdz) for disks other than "
            "basic disks, C(/dev/xvda) to C(/dev/xvdz) for basic disks."
        ),
    )
    disk_type: Literal["system", "data"] | None = replace(
        description="system (at most one) or data (at most 16); default: the snapshot's disk type.",
        doc=(
            "C(system) to create the system disk of the image (at most one), C(data) for a data disk (at "
            "most 16). Default - the type of the snapshot's disk."
        ),
    )
    size: int | None = replace(
        description="Disk size in GiB: 5-2000 for basic disks, 20-32768 for others; at least the "
        "snapshot's size.",
        ge=5,
        le=32768,
        doc=(
            "The size of the disk in GiB. Without a snapshot 5 to 2000 for basic disks and 20 to 32768 for "
            "others; with a snapshot at least the snapshot's size (the default)."
        ),
    )
    snapshot_id: SnapshotId | None = replace(
        description="ID of the snapshot to build this disk from.",
        doc="The ID of the snapshot to create this disk from.",
    )


class Features(ImageSpec):
    """Image features (CreateImage ``Features``)."""

    nvme_support: Literal["supported", "unsupported"] | None = replace(
        description="Whether the image (and instances created from it) support NVMe.",
        doc=(
            "C(supported) - the image, and instances created from it, support NVMe.",
            "C(unsupported) - they do not.",
        ),
    )


class ImportFrom(ImageSpec):
    """Import the image from an OSS object (ImportImage; Terraform ``alicloud_image_import``)."""

    oss_bucket: str = replace(
        ...,
        description="OSS bucket holding the image file.",
        min_length=3,
        max_length=63,
        doc="The OSS bucket holding the image file.",
    )
    oss_object: str = replace(
        ...,
        description="OSS object name of the image file.",
        min_length=1,
        max_length=1023,
        doc="The OSS object (file name) of the image file.",
    )
    format: Literal["RAW", "VHD", "QCOW2", "VMDK"] | None = replace(
        description="Image file format: RAW, VHD, QCOW2 or VMDK (default: detected).",
        doc="The format of the image file. Default - detected by ECS.",
    )
    disk_image_size: int | None = replace(
        description="System disk size in GiB (5-500).",
        ge=5,
        le=500,
        doc="The size in GiB of the system disk made from the file, 5 to 500.",
    )
    device: Device | None = replace(
        description="Device name of the imported system disk.",
        doc="The device name of the imported system disk, for example C(/dev/xvda).",
    )
    os_type: Literal["linux", "windows"] | None = replace(
        description="Operating system type: linux or windows.",
        doc="The operating system type of the image file.",
    )


class CopyFrom(ImageSpec):
    """Copy an image from another region (CopyImage; Terraform ``alicloud_image_copy``)."""

    source_image_id: ImageId = replace(
        ...,
        description="ID of the image to copy.",
        doc="The ID of the custom image to copy.",
    )
    source_region_id: RegionId = replace(
        ...,
        description="Region the source image lives in.",
        doc="The region of the image to copy; must differ from I(alicloud_region).",
    )
    encrypted: bool | None = replace(
        description="Encrypt the copy's snapshots.",
        doc="Encrypt the snapshots of the copy.",
    )
    kms_key_id: str | None = replace(
        description="KMS key to encrypt the copy with.",
        min_length=1,
        max_length=128,
        doc="The KMS key that encrypts the copy.",
    )


class AlicloudImageSpec(ImageSpec):
    """Desired state of an ECS custom image: every argument of Terraform's ``alicloud_image``."""

    cloud = "alicloud"
    tag_fields = ("tags",)
    deprecated_aliases: ClassVar[dict[str, str]] = {"name": "image_name"}
    default_timeouts: ClassVar[dict[str, float]] = {"create": 600.0, "update": 600.0, "delete": 600.0}
    source_fields: ClassVar[tuple[str, ...]] = (
        "instance_id", "snapshot_id", "disk_device_mapping", "import_from", "copy_from",
    )  # fmt: skip

    region: RegionId | None = replace(
        description="Region the image lives in (for copy_from, the destination); default: the connection's."
    )
    image_name: ImageName | None = in_place(
        description="Name of the image, 2-128 characters, starting with a letter; imageops finds the "
        "image again by it within the account and region.",
        doc=(
            (
                "The name of the custom image. The name must be 2 to 128 characters in length. It must "
                "start with a letter and cannot start with C(acs:) or C(aliyun). It cannot contain "
                "C(http://) or C(https://). It can contain letters, digits, periods (.), colons (:), "
                "underscores (_), and hyphens (-)."
            ),
            "Also the idempotency key of the module.",
            "I(name) is the deprecated spelling (deprecated since Terraform provider v1.227.0).",
        ),
    )
    description: Description | None = in_place(
        description="Description, 2-256 characters, not starting with http:// or https://.",
        doc=(
            "The description of the custom image, 2 to 256 characters, not starting with C(http://) or "
            "C(https://)."
        ),
    )
    instance_id: InstanceId | None = in_place(
        description="Build the image from this instance (Running or Stopped).",
        doc=(
            (
                "Source - the ID of the instance (Running or Stopped) to create the image from. Each disk "
                "of the instance gets a new snapshot."
            ),
            "As in Terraform, a change is recorded without building a new image.",
        ),
        reported=False,
    )
    snapshot_id: SnapshotId | None = in_place(
        description="Build the image from this system disk snapshot.",
        doc=(
            (
                "Source - the ID of a system disk snapshot to create the image from. Snapshots created on "
                "or before July 15, 2013 cannot be used."
            ),
            "As in Terraform, a change is recorded without building a new image.",
        ),
        reported=False,
    )
    disk_device_mapping: list[DiskDeviceMapping] | None = replace(
        description="Build the image from these disk snapshots: at most one system disk and 16 data disks.",
        doc=(
            (
                "Source - snapshots of several disks combined into one image; at most one system disk and "
                "16 data disks."
            ),
            "A disk given here is compared only in the suboptions given; ECS reports the rest.",
        ),
        computed=True,
    )
    import_from: ImportFrom | None = replace(
        description="Import the image from an OSS object.",
        doc=(
            "Source - import the image from an image file in OSS (ImportImage; Terraform's "
            "C(alicloud_image_import)). The bucket must be in the image's region."
        ),
        reported=False,
    )
    copy_from: CopyFrom | None = replace(
        description="Copy the image from another region into `region`.",
        doc=(
            "Source - copy an image from another region into I(alicloud_region) (CopyImage; Terraform's "
            "C(alicloud_image_copy)). The copy is found again by I(image_name) in the destination region."
        ),
        reported=False,
    )
    architecture: Architecture | None = replace(
        description="System architecture: i386, x86_64 (default) or arm64.",
        doc=(
            "The system architecture of the system disk. Needed when a data disk snapshot becomes the "
            "system disk. Default C(x86_64)."
        ),
    )
    platform: Platform | None = replace(
        description="Operating system distribution (default: Others Linux).",
        doc=(
            "The operating system distribution of the system disk. Needed when a data disk snapshot "
            "becomes the system disk. Default C(Others Linux)."
        ),
    )
    image_family: ImageName | None = in_place(
        description="Name of the image family (same rules as image_name).",
        doc="The name of the image family; the same rules as I(image_name).",
    )
    image_version: str | None = replace(
        description="The image version.",
        min_length=1,
        max_length=40,
        doc=(
            "The image version. Leave it empty (or the instance's) for an instance that uses an Alibaba "
            "Cloud Marketplace image."
        ),
    )
    boot_mode: BootMode | None = in_place(
        description="Boot mode: BIOS, UEFI or UEFI-Preferred.",
        doc=(
            "The boot mode of the image. C(UEFI-Preferred) supports both BIOS and UEFI. Changeable in "
            "place; check which modes the image supports first."
        ),
    )
    detection_strategy: Literal["Standard"] | None = in_place(
        description="Check the image after it is built; only Standard is supported.",
        doc="Check the image after it is created. Only C(Standard) is supported; not given, no check.",
        reported=False,
    )
    features: Features | None = replace(
        description="Image features (nvme_support).",
        doc="Image features.",
        computed=True,
    )
    license_type: Literal["Auto", "Aliyun", "BYOL"] | None = in_place(
        description="License used to activate the operating system of an imported image (BYOL: your own).",
        doc=(
            "The license used to activate the operating system of an imported image (I(import_from) only). "
            "C(BYOL) uses the license that comes with the source operating system."
        ),
    )
    resource_group_id: ResourceGroupId | None = in_place(
        description="Resource group of the image (default: the account's default resource group).",
        doc=(
            "The ID of the resource group of the image (C(rg-...)). Default - the default resource group. "
            "Changeable in place (JoinResourceGroup)."
        ),
    )
    tags: dict[str, str] | None = in_place(
        description="Tags, up to 20; keys must not start with aliyun or acs:.",
        doc=(
            "The tags of the image, up to 20; keys must not start with C(aliyun) or C(acs:).",
            (
                "With I(purge_tags=true), tags not listed here are removed; C({}) removes them all. Not "
                "given at all, the image's tags are left alone."
            ),
        ),
    )
    force: bool | None = in_place(
        description="Delete the image even if instances use it (default false).",
        doc="On delete, delete the image even if instances use it (DeleteImage C(Force)).",
        reported=False,
    )
    delete_auto_snapshot: bool | None = in_place(
        description="Also delete the snapshots made for the image when deleting it.",
        doc="On delete, also delete the snapshots the image was built from.",
        reported=False,
    )

    _tags_as_strings = field_validator("tags", mode="before")(tag_values_as_strings)
    _check_tags = field_validator("tags")(_check_tags)

    def sources(self) -> list[str]:
        return [name for name in self.source_fields if getattr(self, name) is not None]

    @property
    def source(self) -> str:
        """Which of the five source modes this spec uses (after :meth:`parse`, exactly one)."""
        return self.sources()[0]

    def cross_field_errors(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        given = self.sources()
        if not given:
            problems.append(("instance_id", f"one source is required: {', '.join(self.source_fields)}"))
        for extra in given[1:]:
            problems.append((extra, f"mutually exclusive with {given[0]}: give exactly one source"))
        problems.extend(self._disk_errors())
        if self.license_type is not None and self.import_from is None:
            problems.append(("license_type", "only valid with import_from"))
        if self.copy_from is not None:
            for name in ("architecture", "platform", "image_version", "features", "detection_strategy"):
                if getattr(self, name) is not None:
                    problems.append((name, "not valid with copy_from: the copy keeps the source's"))
            if self.region is not None and self.region == self.copy_from.source_region_id:
                problems.append(("copy_from.source_region_id", "must differ from region"))
        if self.copy_from is not None:
            for name in ("boot_mode", "license_type", "image_family"):
                if getattr(self, name) is not None:
                    problems.append((name, "not valid with copy_from: CopyImage does not take it"))
        if self.import_from is not None:
            for name in ("image_version", "image_family"):
                if getattr(self, name) is not None:
                    problems.append((name, "not valid with import_from: ImportImage does not take it"))
        return problems

    def _disk_errors(self) -> list[tuple[str, str]]:
        disks = self.disk_device_mapping
        if disks is None:
            return []
        problems = []
        systems = sum(1 for d in disks if d.disk_type == "system")
        datas = sum(1 for d in disks if d.disk_type == "data")
        if not disks:
            problems.append(("disk_device_mapping", "must list at least one disk"))
        if systems > 1:
            problems.append(("disk_device_mapping", "at most one disk of disk_type system"))
        if datas > MAX_DATA_DISKS:
            problems.append(("disk_device_mapping", f"at most {MAX_DATA_DISKS} disks of disk_type data"))
        if disks and not any(d.snapshot_id for d in disks):
            problems.append(("disk_device_mapping", "at least one disk needs a snapshot_id"))
        devices = [d.device for d in disks if d.device]
        if len(devices) != len(set(devices)):
            problems.append(("disk_device_mapping", "device names must be unique"))
        return problems

    def in_region(self, region: str) -> AlicloudImageSpec:
        data = {**self.given(), "region": region}
        # a spec that only finds the image (for a delete) has no source to check
        return type(self).parse(data) if self.sources() else type(self).parse_key(data)

    copy_keeps: ClassVar[tuple[str, ...]] = (
        "image_name", "description", "resource_group_id", "tags", "force", "delete_auto_snapshot",
    )  # fmt: skip

    @classmethod
    def copy_source(cls, source_image_id: Any, source_region: Any) -> dict[str, Any]:
        return {"copy_from": {"source_image_id": source_image_id, "source_region_id": source_region}}

    def copy_to(self, region: str, source: Image) -> AlicloudImageSpec:
        kept = {name: value for name, value in self.given().items() if name in self.copy_keeps}
        return type(self).parse({**kept, "region": region, **self.copy_source(source.id, source.region)})

    def delete_options(self) -> dict[str, Any]:
        options = {"force": self.force, "delete_auto_snapshot": self.delete_auto_snapshot}
        return {k: v for k, v in options.items() if v is not None}

    def lookup_key(self) -> dict[str, str] | None:
        if self.image_name is None:
            return None
        return {"region": self.region or "", "image_name": self.image_name}

    def describe_key(self) -> str:
        return f"image_name {self.image_name!r} in region {self.region or '(connection default)'}"

    def observe(self, image: Image) -> dict[str, Any]:
        attrs = image.attributes
        seen: dict[str, Any] = {
            "region": image.region,
            "image_name": attrs.get("image_name"),
            "description": attrs.get("description") or None,
            "architecture": attrs.get("architecture"),
            "platform": attrs.get("platform"),
            "image_family": attrs.get("image_family") or None,
            "image_version": attrs.get("image_version") or None,
            "boot_mode": attrs.get("boot_mode") or None,
            "resource_group_id": attrs.get("resource_group_id") or None,
            "tags": attrs.get("tags") or {},
        }
        if self.features is not None:
            observed = attrs.get("features") or {}
            seen["features"] = {k: observed.get(k) for k in self.features.given()}
        if self.license_type is not None and attrs.get("license_type"):
            seen["license_type"] = attrs.get("license_type")
        return seen
