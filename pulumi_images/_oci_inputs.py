"""The nested input types of :class:`pulumi_images.oci.Image` (its blocks, as ``*Args``
classes), kept apart from the resource as generated Pulumi SDKs keep their ``_inputs.py``."""

from __future__ import annotations

import pulumi

from pulumi_images._resource import set_given

__all__ = [
    "ImageCopyFromArgs",
    "ImageExportToArgs",
    "ImageImageSourceDetailsArgs",
    "ImageLaunchOptionsArgs",
]


@pulumi.input_type
class ImageImageSourceDetailsArgs:
    """Where to import the image from (OCI ``ImageSourceDetails``)."""

    def __init__(
        self,
        *,
        source_type: pulumi.Input[str],
        bucket_name: pulumi.Input[str] | None = None,
        namespace_name: pulumi.Input[str] | None = None,
        object_name: pulumi.Input[str] | None = None,
        source_uri: pulumi.Input[str] | None = None,
        source_image_type: pulumi.Input[str] | None = None,
        operating_system: pulumi.Input[str] | None = None,
        operating_system_version: pulumi.Input[str] | None = None,
    ) -> None:
        pulumi.set(self, "source_type", source_type)
        for name, value in (
            ("bucket_name", bucket_name),
            ("namespace_name", namespace_name),
            ("object_name", object_name),
            ("source_uri", source_uri),
            ("source_image_type", source_image_type),
            ("operating_system", operating_system),
            ("operating_system_version", operating_system_version),
        ):
            if value is not None:
                pulumi.set(self, name, value)

    @property
    @pulumi.getter
    def source_type(self) -> pulumi.Input[str]:
        """(Required) ``objectStorageTuple`` (namespace, bucket, object) or ``objectStorageUri``."""
        return pulumi.get(self, "source_type")

    @property
    @pulumi.getter
    def bucket_name(self) -> pulumi.Input[str] | None:
        """(Required when source_type=objectStorageTuple) The Object Storage bucket for the image."""
        return pulumi.get(self, "bucket_name")

    @property
    @pulumi.getter
    def namespace_name(self) -> pulumi.Input[str] | None:
        """(Required when source_type=objectStorageTuple) The Object Storage namespace for the image."""
        return pulumi.get(self, "namespace_name")

    @property
    @pulumi.getter
    def object_name(self) -> pulumi.Input[str] | None:
        """(Required when source_type=objectStorageTuple) The Object Storage name for the image."""
        return pulumi.get(self, "object_name")

    @property
    @pulumi.getter
    def source_uri(self) -> pulumi.Input[str] | None:
        """(Required when source_type=objectStorageUri) The Object Storage URL for the image."""
        return pulumi.get(self, "source_uri")

    @property
    @pulumi.getter
    def source_image_type(self) -> pulumi.Input[str] | None:
        """The format of the image to import: ``QCOW2`` or ``VMDK`` (monolithic images only)."""
        return pulumi.get(self, "source_image_type")

    @property
    @pulumi.getter
    def operating_system(self) -> pulumi.Input[str] | None:
        """The operating system of the imported image, e.g. ``Oracle Linux``."""
        return pulumi.get(self, "operating_system")

    @property
    @pulumi.getter
    def operating_system_version(self) -> pulumi.Input[str] | None:
        """The operating system version of the imported image, e.g. ``8``."""
        return pulumi.get(self, "operating_system_version")


@pulumi.input_type
class ImageLaunchOptionsArgs:
    """Options for tuning compatibility and performance of VM shapes (OCI ``LaunchOptions``)."""

    def __init__(
        self,
        *,
        boot_volume_type: pulumi.Input[str] | None = None,
        firmware: pulumi.Input[str] | None = None,
        network_type: pulumi.Input[str] | None = None,
        remote_data_volume_type: pulumi.Input[str] | None = None,
        is_pv_encryption_in_transit_enabled: pulumi.Input[bool] | None = None,
        is_consistent_volume_naming_enabled: pulumi.Input[bool] | None = None,
    ) -> None:
        for name, value in (
            ("boot_volume_type", boot_volume_type),
            ("firmware", firmware),
            ("network_type", network_type),
            ("remote_data_volume_type", remote_data_volume_type),
            ("is_pv_encryption_in_transit_enabled", is_pv_encryption_in_transit_enabled),
            ("is_consistent_volume_naming_enabled", is_consistent_volume_naming_enabled),
        ):
            if value is not None:
                pulumi.set(self, name, value)

    @property
    @pulumi.getter
    def boot_volume_type(self) -> pulumi.Input[str] | None:
        """Emulation type for the boot volume: ISCSI, SCSI, IDE, VFIO, PARAVIRTUALIZED or NVME."""
        return pulumi.get(self, "boot_volume_type")

    @property
    @pulumi.getter
    def firmware(self) -> pulumi.Input[str] | None:
        """Firmware used to boot the VM: ``BIOS`` or ``UEFI_64``."""
        return pulumi.get(self, "firmware")

    @property
    @pulumi.getter
    def network_type(self) -> pulumi.Input[str] | None:
        """Emulation type for the NIC: E1000, VFIO, PARAVIRTUALIZED or VDPA."""
        return pulumi.get(self, "network_type")

    @property
    @pulumi.getter
    def remote_data_volume_type(self) -> pulumi.Input[str] | None:
        """Emulation type for data volumes: ISCSI, SCSI, IDE, VFIO, PARAVIRTUALIZED or NVME."""
        return pulumi.get(self, "remote_data_volume_type")

    @property
    @pulumi.getter
    def is_pv_encryption_in_transit_enabled(self) -> pulumi.Input[bool] | None:
        """Deprecated by OCI: in-transit encryption for paravirtualized volume attachments."""
        return pulumi.get(self, "is_pv_encryption_in_transit_enabled")

    @property
    @pulumi.getter
    def is_consistent_volume_naming_enabled(self) -> pulumi.Input[bool] | None:
        """Whether to enable consistent volume naming."""
        return pulumi.get(self, "is_consistent_volume_naming_enabled")


@pulumi.input_type
class ImageCopyFromArgs:
    """Copy an image of this tenancy from another region (see :mod:`imageops.oci.copy`)."""

    def __init__(
        self,
        *,
        source_image_id: pulumi.Input[str],
        source_region: pulumi.Input[str],
        bucket_name: pulumi.Input[str] | None = None,
        delete_intermediate: pulumi.Input[bool] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def source_image_id(self) -> pulumi.Input[str]:
        """(Required) OCID of the image to copy."""
        return pulumi.get(self, "source_image_id")

    @property
    @pulumi.getter
    def source_region(self) -> pulumi.Input[str]:
        """(Required) Region the source image is in, e.g. ``us-ashburn-1``."""
        return pulumi.get(self, "source_region")

    @property
    @pulumi.getter
    def bucket_name(self) -> pulumi.Input[str] | None:
        """Bucket in the source region for the intermediate object (default
        ``imageops-transfer-<source_region>``, created in ``compartment_id`` when missing)."""
        return pulumi.get(self, "bucket_name")

    @property
    @pulumi.getter
    def delete_intermediate(self) -> pulumi.Input[bool] | None:
        """Delete the intermediate object once the import has finished (default false: copies of the
        same source to other regions reuse it)."""
        return pulumi.get(self, "delete_intermediate")


@pulumi.input_type
class ImageExportToArgs:
    """Export the image to Object Storage; skipped when the object already exists."""

    def __init__(
        self,
        *,
        bucket_name: pulumi.Input[str] | None = None,
        namespace_name: pulumi.Input[str] | None = None,
        object_name: pulumi.Input[str] | None = None,
        destination_uri: pulumi.Input[str] | None = None,
        export_format: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def bucket_name(self) -> pulumi.Input[str] | None:
        """Bucket in the image's region (required without ``destination_uri``)."""
        return pulumi.get(self, "bucket_name")

    @property
    @pulumi.getter
    def namespace_name(self) -> pulumi.Input[str] | None:
        """Object Storage namespace of the bucket (default: the tenancy's)."""
        return pulumi.get(self, "namespace_name")

    @property
    @pulumi.getter
    def object_name(self) -> pulumi.Input[str] | None:
        """Name of the object to write (required without ``destination_uri``)."""
        return pulumi.get(self, "object_name")

    @property
    @pulumi.getter
    def destination_uri(self) -> pulumi.Input[str] | None:
        """Object Storage URL (or a pre-authenticated request URL with write access) instead of
        ``bucket_name``/``object_name``."""
        return pulumi.get(self, "destination_uri")

    @property
    @pulumi.getter
    def export_format(self) -> pulumi.Input[str] | None:
        """``OCI`` (default; keeps the launch settings), ``QCOW2``, ``VMDK``, ``VHD`` or ``VDI``."""
        return pulumi.get(self, "export_format")
