"""The nested input types of :class:`pulumi_images.alicloud.Image` (its blocks, as ``*Args``
classes), kept apart from the resource as generated Pulumi SDKs keep their ``_inputs.py``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_images._resource import set_given

__all__ = [
    "ImageCopyFromArgs",
    "ImageDiskDeviceMappingArgs",
    "ImageFeaturesArgs",
    "ImageImportFromArgs",
    "ImageTimeoutsArgs",
]


@pulumi.input_type
class ImageDiskDeviceMappingArgs:
    """One disk of the image, from a snapshot (ECS ``DiskDeviceMapping.N``). Changing it replaces."""

    def __init__(
        self,
        *,
        device: pulumi.Input[str] | None = None,
        disk_type: pulumi.Input[str] | None = None,
        size: pulumi.Input[int] | None = None,
        snapshot_id: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def device(self) -> pulumi.Input[str] | None:
        """Device name of the disk: ``/dev/vda``..``/dev/vdz`` (``/dev/xvda``.. for basic disks)."""
        return pulumi.get(self, "device")

    @property
    @pulumi.getter(name="disk_type")
    def disk_type(self) -> pulumi.Input[str] | None:
        """``system`` (at most one) or ``data`` (at most 16); default: the snapshot's disk type."""
        return pulumi.get(self, "disk_type")

    @property
    @pulumi.getter
    def size(self) -> pulumi.Input[int] | None:
        """Size in GiB: 5-2000 (basic) or 20-32768 without a snapshot; at least the snapshot's size."""
        return pulumi.get(self, "size")

    @property
    @pulumi.getter(name="snapshot_id")
    def snapshot_id(self) -> pulumi.Input[str] | None:
        """The ID of the snapshot to build this disk from."""
        return pulumi.get(self, "snapshot_id")


@pulumi.input_type
class ImageFeaturesArgs:
    """Image features (ECS ``Features``)."""

    def __init__(self, *, nvme_support: pulumi.Input[str] | None = None) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter(name="nvme_support")
    def nvme_support(self) -> pulumi.Input[str] | None:
        """``supported`` or ``unsupported``: whether the image (and its instances) support NVMe."""
        return pulumi.get(self, "nvme_support")


@pulumi.input_type
class ImageImportFromArgs:
    """An image file in OSS to import (ECS ``ImportImage``; Terraform's ``alicloud_image_import``)."""

    def __init__(
        self,
        *,
        oss_bucket: pulumi.Input[str],
        oss_object: pulumi.Input[str],
        format: pulumi.Input[str] | None = None,
        disk_image_size: pulumi.Input[int] | None = None,
        device: pulumi.Input[str] | None = None,
        os_type: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter(name="oss_bucket")
    def oss_bucket(self) -> pulumi.Input[str]:
        """(Required) The OSS bucket holding the image file (same region as the image)."""
        return pulumi.get(self, "oss_bucket")

    @property
    @pulumi.getter(name="oss_object")
    def oss_object(self) -> pulumi.Input[str]:
        """(Required) The OSS object (file name) of the image file."""
        return pulumi.get(self, "oss_object")

    @property
    @pulumi.getter
    def format(self) -> pulumi.Input[str] | None:
        """The file format: ``RAW``, ``VHD``, ``QCOW2`` or ``VMDK`` (default: detected by ECS)."""
        return pulumi.get(self, "format")

    @property
    @pulumi.getter(name="disk_image_size")
    def disk_image_size(self) -> pulumi.Input[int] | None:
        """Size in GiB (5-500) of the system disk made from the file."""
        return pulumi.get(self, "disk_image_size")

    @property
    @pulumi.getter
    def device(self) -> pulumi.Input[str] | None:
        """Device name of the imported system disk, e.g. ``/dev/xvda``."""
        return pulumi.get(self, "device")

    @property
    @pulumi.getter(name="os_type")
    def os_type(self) -> pulumi.Input[str] | None:
        """Operating system type of the file: ``linux`` or ``windows``."""
        return pulumi.get(self, "os_type")


@pulumi.input_type
class ImageCopyFromArgs:
    """An image of another region to copy into this resource's region (ECS ``CopyImage``)."""

    def __init__(
        self,
        *,
        source_image_id: pulumi.Input[str],
        source_region_id: pulumi.Input[str],
        encrypted: pulumi.Input[bool] | None = None,
        kms_key_id: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter(name="source_image_id")
    def source_image_id(self) -> pulumi.Input[str]:
        """(Required) The ID of the custom image to copy."""
        return pulumi.get(self, "source_image_id")

    @property
    @pulumi.getter(name="source_region_id")
    def source_region_id(self) -> pulumi.Input[str]:
        """(Required) The region the source image is in, e.g. ``cn-hangzhou``."""
        return pulumi.get(self, "source_region_id")

    @property
    @pulumi.getter
    def encrypted(self) -> pulumi.Input[bool] | None:
        """Encrypt the snapshots of the copy."""
        return pulumi.get(self, "encrypted")

    @property
    @pulumi.getter(name="kms_key_id")
    def kms_key_id(self) -> pulumi.Input[str] | None:
        """The KMS key that encrypts the copy."""
        return pulumi.get(self, "kms_key_id")


@pulumi.input_type
class ImageTimeoutsArgs:
    """Terraform's ``timeouts`` block: how long each operation may wait (Go durations, e.g. ``10m``)."""

    def __init__(
        self,
        *,
        create: pulumi.Input[str] | None = None,
        update: pulumi.Input[str] | None = None,
        delete: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def create(self) -> pulumi.Input[str] | None:
        """Used when creating (or importing, copying) the image; default ``10m``."""
        return pulumi.get(self, "create")

    @property
    @pulumi.getter
    def update(self) -> pulumi.Input[str] | None:
        """Used when updating the image; default ``10m``."""
        return pulumi.get(self, "update")

    @property
    @pulumi.getter
    def delete(self) -> pulumi.Input[str] | None:
        """Used when deleting the image; default ``10m``."""
        return pulumi.get(self, "delete")


DiskInputs = pulumi.Input[Sequence[pulumi.Input[ImageDiskDeviceMappingArgs | Mapping[str, Any]]]]
