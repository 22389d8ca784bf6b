"""The output types of :class:`pulumi_images.oci.Image` (nested blocks as OCI reports them, or as
given), kept apart from the resource as generated Pulumi SDKs keep their ``outputs.py``."""

from __future__ import annotations

import pulumi

from pulumi_images._resource import set_given

__all__ = [
    "ImageAgentFeatures",
    "ImageCopyFrom",
    "ImageExportTo",
    "ImageImageSourceDetails",
    "ImageLaunchOptions",
]


@pulumi.output_type
class ImageLaunchOptions(dict):
    """The launch options the image was created with, as OCI reports them."""

    def __init__(
        __self__,
        *,
        boot_volume_type: str | None = None,
        firmware: str | None = None,
        network_type: str | None = None,
        remote_data_volume_type: str | None = None,
        is_pv_encryption_in_transit_enabled: bool | None = None,
        is_consistent_volume_naming_enabled: bool | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def boot_volume_type(self) -> str | None:
        """Emulation type for the boot volume (ISCSI, SCSI, IDE, VFIO, PARAVIRTUALIZED, NVME)."""
        return pulumi.get(self, "boot_volume_type")

    @property
    @pulumi.getter
    def firmware(self) -> str | None:
        """Firmware used to boot the VM: ``BIOS`` or ``UEFI_64``."""
        return pulumi.get(self, "firmware")

    @property
    @pulumi.getter
    def network_type(self) -> str | None:
        """Emulation type for the NIC: E1000, VFIO, PARAVIRTUALIZED or VDPA."""
        return pulumi.get(self, "network_type")

    @property
    @pulumi.getter
    def remote_data_volume_type(self) -> str | None:
        """Emulation type for data volumes."""
        return pulumi.get(self, "remote_data_volume_type")

    @property
    @pulumi.getter
    def is_pv_encryption_in_transit_enabled(self) -> bool | None:
        """Whether in-transit encryption is enabled for paravirtualized volume attachments."""
        return pulumi.get(self, "is_pv_encryption_in_transit_enabled")

    @property
    @pulumi.getter
    def is_consistent_volume_naming_enabled(self) -> bool | None:
        """Whether consistent volume naming is enabled."""
        return pulumi.get(self, "is_consistent_volume_naming_enabled")


@pulumi.output_type
class ImageImageSourceDetails(dict):
    """The Object Storage source the image was imported from, as given."""

    def __init__(
        __self__,
        *,
        source_type: str,
        bucket_name: str | None = None,
        namespace_name: str | None = None,
        object_name: str | None = None,
        source_uri: str | None = None,
        source_image_type: str | None = None,
        operating_system: str | None = None,
        operating_system_version: str | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def source_type(self) -> str:
        """``objectStorageTuple`` or ``objectStorageUri``."""
        return pulumi.get(self, "source_type")

    @property
    @pulumi.getter
    def bucket_name(self) -> str | None:
        """The Object Storage bucket (objectStorageTuple)."""
        return pulumi.get(self, "bucket_name")

    @property
    @pulumi.getter
    def namespace_name(self) -> str | None:
        """The Object Storage namespace (objectStorageTuple)."""
        return pulumi.get(self, "namespace_name")

    @property
    @pulumi.getter
    def object_name(self) -> str | None:
        """The Object Storage object (objectStorageTuple)."""
        return pulumi.get(self, "object_name")

    @property
    @pulumi.getter
    def source_uri(self) -> str | None:
        """The Object Storage URL (objectStorageUri)."""
        return pulumi.get(self, "source_uri")

    @property
    @pulumi.getter
    def source_image_type(self) -> str | None:
        """The format of the imported file: ``QCOW2`` or ``VMDK``."""
        return pulumi.get(self, "source_image_type")

    @property
    @pulumi.getter
    def operating_system(self) -> str | None:
        """The operating system given for the import."""
        return pulumi.get(self, "operating_system")

    @property
    @pulumi.getter
    def operating_system_version(self) -> str | None:
        """The operating system version given for the import."""
        return pulumi.get(self, "operating_system_version")


@pulumi.output_type
class ImageAgentFeatures(dict):
    """Oracle Cloud Agent features the image supports (GetImage ``agentFeatures``)."""

    def __init__(
        __self__,
        *,
        is_management_supported: bool | None = None,
        is_monitoring_supported: bool | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def is_management_supported(self) -> bool | None:
        """Whether the management plugin is supported."""
        return pulumi.get(self, "is_management_supported")

    @property
    @pulumi.getter
    def is_monitoring_supported(self) -> bool | None:
        """Whether the monitoring plugin is supported."""
        return pulumi.get(self, "is_monitoring_supported")


@pulumi.output_type
class ImageCopyFrom(dict):
    """The region copy the image was made by, as given."""

    def __init__(
        __self__,
        *,
        source_image_id: str,
        source_region: str,
        bucket_name: str | None = None,
        delete_intermediate: bool | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def source_image_id(self) -> str:
        """OCID of the copied image."""
        return pulumi.get(self, "source_image_id")

    @property
    @pulumi.getter
    def source_region(self) -> str:
        """Region the copied image is in."""
        return pulumi.get(self, "source_region")

    @property
    @pulumi.getter
    def bucket_name(self) -> str | None:
        """Bucket in the source region that held the intermediate object."""
        return pulumi.get(self, "bucket_name")

    @property
    @pulumi.getter
    def delete_intermediate(self) -> bool | None:
        """Whether the intermediate object is deleted once the import has finished."""
        return pulumi.get(self, "delete_intermediate")


@pulumi.output_type
class ImageExportTo(dict):
    """Where the image was exported to, as given."""

    def __init__(
        __self__,
        *,
        bucket_name: str | None = None,
        namespace_name: str | None = None,
        object_name: str | None = None,
        destination_uri: str | None = None,
        export_format: str | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def bucket_name(self) -> str | None:
        """Bucket the image was exported to."""
        return pulumi.get(self, "bucket_name")

    @property
    @pulumi.getter
    def namespace_name(self) -> str | None:
        """Object Storage namespace of the bucket."""
        return pulumi.get(self, "namespace_name")

    @property
    @pulumi.getter
    def object_name(self) -> str | None:
        """Name of the exported object."""
        return pulumi.get(self, "object_name")

    @property
    @pulumi.getter
    def destination_uri(self) -> str | None:
        """Object Storage URL the image was exported to, when given instead of bucket and object."""
        return pulumi.get(self, "destination_uri")

    @property
    @pulumi.getter
    def export_format(self) -> str | None:
        """The export format: ``OCI``, ``QCOW2``, ``VMDK``, ``VHD`` or ``VDI``."""
        return pulumi.get(self, "export_format")
