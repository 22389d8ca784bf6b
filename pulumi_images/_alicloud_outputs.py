"""The output types of :class:`pulumi_images.alicloud.Image` (nested blocks as the cloud reports them, or as
given), kept apart from the resource as generated Pulumi SDKs keep their ``outputs.py``."""

from __future__ import annotations

import pulumi

from pulumi_images._resource import set_given

__all__ = [
    "ImageCopyFrom",
    "ImageDiskDeviceMapping",
    "ImageFeatures",
    "ImageImportFrom",
]


@pulumi.output_type
class ImageDiskDeviceMapping(dict):
    """One disk of the image as ECS reports it (DescribeImages ``DiskDeviceMapping``)."""

    def __init__(
        __self__,
        *,
        device: str | None = None,
        disk_type: str | None = None,
        size: int | None = None,
        snapshot_id: str | None = None,
        format: str | None = None,
        import_oss_bucket: str | None = None,
        import_oss_object: str | None = None,
        progress: str | None = None,
        remain_time: int | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def device(self) -> str | None:
        """Device name of the disk, e.g. ``/dev/xvda``."""
        return pulumi.get(self, "device")

    @property
    @pulumi.getter(name="disk_type")
    def disk_type(self) -> str | None:
        """``system`` or ``data``."""
        return pulumi.get(self, "disk_type")

    @property
    @pulumi.getter
    def size(self) -> int | None:
        """Size of the disk in GiB."""
        return pulumi.get(self, "size")

    @property
    @pulumi.getter(name="snapshot_id")
    def snapshot_id(self) -> str | None:
        """The snapshot the disk was made from."""
        return pulumi.get(self, "snapshot_id")

    @property
    @pulumi.getter
    def format(self) -> str | None:
        """Image format."""
        return pulumi.get(self, "format")

    @property
    @pulumi.getter(name="import_oss_bucket")
    def import_oss_bucket(self) -> str | None:
        """Import the bucket of the OSS to which the image belongs."""
        return pulumi.get(self, "import_oss_bucket")

    @property
    @pulumi.getter(name="import_oss_object")
    def import_oss_object(self) -> str | None:
        """Import the object of the OSS to which the image file belongs."""
        return pulumi.get(self, "import_oss_object")

    @property
    @pulumi.getter
    def progress(self) -> str | None:
        """Copy the progress of the task, e.g. ``100%``."""
        return pulumi.get(self, "progress")

    @property
    @pulumi.getter(name="remain_time")
    def remain_time(self) -> int | None:
        """For an image being replicated, the remaining time of the replication task, in seconds."""
        return pulumi.get(self, "remain_time")


@pulumi.output_type
class ImageFeatures(dict):
    """The image's features as ECS reports them."""

    def __init__(__self__, *, nvme_support: str | None = None) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter(name="nvme_support")
    def nvme_support(self) -> str | None:
        """``supported`` or ``unsupported``."""
        return pulumi.get(self, "nvme_support")


@pulumi.output_type
class ImageImportFrom(dict):
    """The OSS image file the image was imported from, as given."""

    def __init__(
        __self__,
        *,
        oss_bucket: str,
        oss_object: str,
        format: str | None = None,
        disk_image_size: int | None = None,
        device: str | None = None,
        os_type: str | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter(name="oss_bucket")
    def oss_bucket(self) -> str:
        """The OSS bucket holding the image file."""
        return pulumi.get(self, "oss_bucket")

    @property
    @pulumi.getter(name="oss_object")
    def oss_object(self) -> str:
        """The OSS object (file name) of the image file."""
        return pulumi.get(self, "oss_object")

    @property
    @pulumi.getter
    def format(self) -> str | None:
        """The file format: ``RAW``, ``VHD``, ``QCOW2`` or ``VMDK``."""
        return pulumi.get(self, "format")

    @property
    @pulumi.getter(name="disk_image_size")
    def disk_image_size(self) -> int | None:
        """Size in GiB of the system disk made from the file."""
        return pulumi.get(self, "disk_image_size")

    @property
    @pulumi.getter
    def device(self) -> str | None:
        """Device name of the imported system disk."""
        return pulumi.get(self, "device")

    @property
    @pulumi.getter(name="os_type")
    def os_type(self) -> str | None:
        """Operating system type of the file: ``linux`` or ``windows``."""
        return pulumi.get(self, "os_type")


@pulumi.output_type
class ImageCopyFrom(dict):
    """The image this one was copied from, as given."""

    def __init__(
        __self__,
        *,
        source_image_id: str,
        source_region_id: str,
        encrypted: bool | None = None,
        kms_key_id: str | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter(name="source_image_id")
    def source_image_id(self) -> str:
        """The ID of the copied image."""
        return pulumi.get(self, "source_image_id")

    @property
    @pulumi.getter(name="source_region_id")
    def source_region_id(self) -> str:
        """The region the copied image is in."""
        return pulumi.get(self, "source_region_id")

    @property
    @pulumi.getter
    def encrypted(self) -> bool | None:
        """Whether the copy's snapshots are encrypted."""
        return pulumi.get(self, "encrypted")

    @property
    @pulumi.getter(name="kms_key_id")
    def kms_key_id(self) -> str | None:
        """The KMS key that encrypts the copy."""
        return pulumi.get(self, "kms_key_id")
