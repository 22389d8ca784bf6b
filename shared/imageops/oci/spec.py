"""Desired state of an OCI custom image (Terraform ``oci_core_image``).

Update modes follow the seed: ``display_name``, ``freeform_tags`` and ``defined_tags`` are
``(Updatable)`` and change in place through UpdateImage. Everything else is create-only in the API
and forces a new image: ``compartment_id`` (moving an image is a separate ChangeImageCompartment
operation the seed does not expose), ``instance_id`` and ``image_source_details`` (the source an
image was built from cannot change), ``launch_mode`` and ``launch_options`` (fixed at creation).

Beyond the seed: ``copy_from`` (a copy from another region, through ExportImage and an import, see
:mod:`imageops.oci.copy`) is a source like ``instance_id`` and forces a new image; ``export_to``
(export the image to Object Storage) changes nothing on the image and is applied in place: an
object already there is not exported again.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, StringConstraints, field_validator, model_validator

from imageops.model import Image
from imageops.spec import ImageSpec, in_place, replace, tag_values_as_strings

_OCID = re.compile(r"^ocid1\.[a-z0-9_-]+\.[a-z0-9_-]+(\.[a-z0-9_-]*){1,2}\.[A-Za-z0-9_-]+$")


def _check_ocid(value: str) -> str:
    if len(value) > 255 or not _OCID.match(value):
        raise ValueError("must be an OCID: ocid1.<resource type>.<realm>.[region].<unique id>")
    return value


Ocid = Annotated[str, AfterValidator(_check_ocid)]
Name255 = Annotated[str, StringConstraints(min_length=1, max_length=255)]

RegionName = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}-[a-z]+-[0-9]+$")]
BucketName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,256}$")]
ExportFormat = Literal["OCI", "QCOW2", "VMDK", "VHD", "VDI"]
LaunchMode = Literal["NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM"]
VolumeType = Literal["ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME"]
_DEFINED_TAG_KEY = re.compile(r"^[^.\s]{1,100}\.[^.\s]{1,100}$")


def _check_freeform(tags: dict[str, str] | None) -> dict[str, str] | None:
    for key, value in (tags or {}).items():
        if not 1 <= len(key) <= 100:
            raise ValueError(f"tag key {key!r} must be 1 to 100 characters")
        if len(value) > 256:
            raise ValueError(f"value of tag {key!r} must be at most 256 characters")
    return tags


class ImageSourceDetails(ImageSpec):
    """Where to import the image from (OCI ``ImageSourceDetails``)."""

    source_type: Literal["objectStorageTuple", "objectStorageUri"] = replace(
        ...,
        description="`objectStorageTuple` (namespace, bucket, object) or `objectStorageUri` (an URL).",
        doc=(
            "The source type for the image. Use C(objectStorageTuple) when specifying the namespace, "
            "bucket name and object name. Use C(objectStorageUri) when specifying the Object Storage URL."
        ),
    )
    bucket_name: Name255 | None = replace(
        description="Object Storage bucket (objectStorageTuple).",
        doc="The Object Storage bucket for the image. Required with C(objectStorageTuple).",
    )
    namespace_name: Name255 | None = replace(
        description="Object Storage namespace (objectStorageTuple).",
        doc="The Object Storage namespace for the image. Required with C(objectStorageTuple).",
    )
    object_name: Name255 | None = replace(
        description="Object Storage object name (objectStorageTuple).",
        doc="The Object Storage name for the image. Required with C(objectStorageTuple).",
    )
    source_uri: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = replace(
        description="Object Storage URL of the image (objectStorageUri).",
        doc="The Object Storage URL for the image. Required with C(objectStorageUri).",
    )
    source_image_type: Literal["QCOW2", "VMDK"] | None = replace(
        description="Format of the image to import: QCOW2 or VMDK (monolithic only).",
        doc=(
            "The format of the image to be imported. Exported Oracle images are C(QCOW2). Only monolithic "
            "images are supported."
        ),
    )
    operating_system: Name255 | None = replace(
        description="Operating system of the imported image.",
        doc="The operating system of the imported image, for example C(Oracle Linux).",
    )
    operating_system_version: Name255 | None = replace(
        description="Operating system version of the imported image.",
        doc="The operating system version of the imported image, for example C(7.2).",
    )

    @model_validator(mode="after")
    def _fields_for_source_type(self) -> ImageSourceDetails:
        tuple_fields = ("namespace_name", "bucket_name", "object_name")
        if self.source_type == "objectStorageTuple":
            missing = [f for f in tuple_fields if getattr(self, f) is None]
            if missing:
                raise ValueError(f"source_type objectStorageTuple requires {', '.join(missing)}")
            if self.source_uri is not None:
                raise ValueError("source_uri is only allowed with source_type objectStorageUri")
        else:
            if self.source_uri is None:
                raise ValueError("source_type objectStorageUri requires source_uri")
            extra = [f for f in tuple_fields if getattr(self, f) is not None]
            if extra:
                raise ValueError(f"{', '.join(extra)} only allowed with source_type objectStorageTuple")
        return self


class LaunchOptions(ImageSpec):
    """Options for tuning the compatibility and performance of VM shapes (OCI ``LaunchOptions``)."""

    boot_volume_type: VolumeType | None = replace(
        description="Emulation type for the boot volume.",
        doc=(
            "Emulation type for the boot volume. C(ISCSI) iSCSI attached block storage device, C(SCSI) "
            "emulated SCSI disk, C(IDE) emulated IDE disk, C(VFIO) direct attached Virtual Function "
            "storage, C(PARAVIRTUALIZED) paravirtualized disk, C(NVME) NVMe disk."
        ),
    )
    firmware: Literal["BIOS", "UEFI_64"] | None = replace(
        description="Firmware used to boot the VM.",
        doc=(
            "Firmware used to boot the VM. C(BIOS) for MBR style bootloaders, C(UEFI_64) for 64 bit "
            "operating systems booting with UEFI (the default for Oracle provided images)."
        ),
    )
    network_type: Literal["E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"] | None = replace(
        description="Emulation type for the physical network interface card.",
        doc=(
            "Emulation type for the NIC. C(E1000) emulated Gigabit ethernet controller, C(VFIO) direct "
            "attached Virtual Function network controller, C(PARAVIRTUALIZED) virtio, C(VDPA) vDPA."
        ),
    )
    remote_data_volume_type: VolumeType | None = replace(
        description="Emulation type for data volumes.",
        doc="Emulation type for remote data volumes; same values as I(boot_volume_type).",
    )
    is_pv_encryption_in_transit_enabled: bool | None = replace(
        description="Deprecated by OCI; whether in-transit encryption is enabled for PV volumes.",
        doc="Deprecated by OCI. Whether in-transit encryption is enabled for paravirtualized volumes.",
    )
    is_consistent_volume_naming_enabled: bool | None = replace(
        description="Whether to enable consistent volume naming.",
        doc="Whether to enable consistent volume naming.",
    )


class CopyFrom(ImageSpec):
    """Copy an image of this tenancy from another region (ExportImage there, then an import here)."""

    source_image_id: Ocid = replace(
        ...,
        description="OCID of the image to copy.",
        doc="OCID of the image to copy.",
    )
    source_region: RegionName = replace(
        ...,
        description="Region the source image is in, e.g. us-phoenix-1.",
        doc="Region the source image is in, for example C(us-ashburn-1).",
    )
    bucket_name: BucketName | None = replace(
        description="Bucket in the source region for the intermediate object; default "
        "imageops-transfer-<source_region>, created in compartment_id when missing.",
        doc=(
            "Bucket in the source region that holds the intermediate object.",
            "Default C(imageops-transfer-<source_region>), created in I(compartment_id) when missing.",
        ),
    )
    delete_intermediate: bool | None = replace(
        description="Delete the intermediate object once the import has finished (default false: "
        "copies of the same source to other regions reuse it).",
        doc=(
            "Delete the intermediate object once the import has finished.",
            ("Leave it C(false) while other regions copy the same source at the same time (they read it)."),
        ),
        shown_default=False,
    )


class ExportTo(ImageSpec):
    """Export the image to Object Storage (ExportImage); an object already there is kept as is."""

    bucket_name: BucketName | None = in_place(
        description="Bucket to export into (this region).",
        doc="Bucket (in the image's region) to export into. Required without I(destination_uri).",
    )
    namespace_name: Name255 | None = in_place(
        description="Object Storage namespace of the bucket; default: the tenancy's.",
        doc="Object Storage namespace of the bucket. Default the tenancy's.",
    )
    object_name: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = in_place(
        description="Name of the object to write.",
        doc="Name of the object to write. Required without I(destination_uri).",
    )
    destination_uri: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = in_place(
        description="Object Storage URL (or a pre-authenticated request URL with write access) to "
        "export to, instead of bucket_name and object_name.",
        doc=(
            (
                "Object Storage URL to export to instead of I(bucket_name) and I(object_name), for example "
                "a pre-authenticated request with write access to another region's or tenancy's bucket."
            ),
            (
                "Whether the object exists is checked with this tenancy's credentials, so a re-run exports "
                "again when the object is not readable by them."
            ),
        ),
    )
    export_format: ExportFormat | None = in_place(
        description="OCI (default; keeps the launch settings), QCOW2, VMDK, VHD or VDI.",
        doc="Format of the exported image. C(OCI) keeps the launch mode and options.",
        shown_default="OCI",
    )

    @model_validator(mode="after")
    def _one_destination(self) -> ExportTo:
        tuple_given = [f for f in ("bucket_name", "object_name") if getattr(self, f) is not None]
        if self.destination_uri is not None:
            if tuple_given or self.namespace_name is not None:
                raise ValueError("give either destination_uri or bucket_name and object_name, not both")
            from imageops.oci.copy import object_ref_from_uri

            object_ref_from_uri(self.destination_uri, "")
        elif len(tuple_given) != 2:
            raise ValueError("bucket_name and object_name are required (or destination_uri)")
        return self


class OciImageSpec(ImageSpec):
    """Desired state of an OCI custom image: every argument of Terraform's ``oci_core_image``."""

    cloud = "oci"
    tag_fields = ("freeform_tags", "defined_tags")
    source_fields: ClassVar[tuple[str, ...]] = ("instance_id", "image_source_details", "copy_from")

    compartment_id: Ocid = replace(
        ...,
        description="OCID of the compartment the image is created in (and the instance is in).",
        doc=(
            (
                "OCID of the compartment the image is created in, containing the instance you want to use "
                "as the basis for the image."
            ),
            (
                "Required with I(state=present); with I(state=absent), required together with "
                "I(display_name) when I(image_id) is not given."
            ),
        ),
    )
    display_name: Name255 | None = in_place(
        description="A user-friendly name; imageops finds the image again by it within the compartment.",
        doc=(
            (
                "A user-friendly name for the image. Avoid entering confidential information. You cannot "
                "use an Oracle-provided image name as a custom image name."
            ),
            "Also the idempotency key of the module. Example C(My Oracle Linux image).",
        ),
        aliases=("name",),
    )
    instance_id: Ocid | None = replace(
        description="OCID of the instance to build the image from (exclusive with image_source_details).",
        doc=(
            "OCID of the instance to use as the basis for the image.",
            "Required unless I(image_source_details) is given; the two are mutually exclusive.",
        ),
        reported=False,
    )
    image_source_details: ImageSourceDetails | None = replace(
        description="Import the image from Object Storage instead (exclusive with instance_id).",
        doc="Details for creating an image through import from Object Storage, instead of I(instance_id).",
        reported=False,
    )
    launch_mode: LaunchMode | None = replace(
        description="Configuration mode for launching VM instances: NATIVE, EMULATED, PARAVIRTUALIZED, "
        "VDPA or CUSTOM (CUSTOM uses launch_options).",
        doc=(
            "Specifies the configuration mode for launching virtual machine (VM) instances.",
            (
                "C(NATIVE) - VM instances launch with iSCSI boot and VFIO devices. The default value for "
                "Oracle-provided images."
            ),
            (
                "C(EMULATED) - VM instances launch with emulated devices, such as the E1000 network driver "
                "and emulated SCSI disk controller."
            ),
            ("C(PARAVIRTUALIZED) - VM instances launch with paravirtualized devices using virtio drivers."),
            "C(VDPA) - VM instances launch with vDPA-accelerated networking.",
            (
                "C(CUSTOM) - VM instances launch with custom configuration settings specified in "
                "I(launch_options)."
            ),
        ),
    )
    launch_options: LaunchOptions | None = replace(
        description="Launch options overriding the defaults (used with launch_mode CUSTOM).",
        doc=(
            "Options for tuning the compatibility and performance of VM shapes; only with "
            "I(launch_mode=CUSTOM) (or no I(launch_mode))."
        ),
    )
    copy_from: CopyFrom | None = replace(
        description="Copy an image from another region instead (exclusive with instance_id and "
        "image_source_details); the destination is the connection's region.",
        doc=(
            (
                "Copy an image of this tenancy from another region into I(region) (the connection's "
                "region), instead of I(instance_id) or I(image_source_details). Requires I(display_name), "
                "by which a re-run finds the copy."
            ),
            (
                "OCI has no copy call, so this is OCI's documented procedure - ExportImage in the source "
                "region into a bucket there (format C(OCI), which keeps the launch mode and options), a "
                "read-only pre-authenticated request on the object, and an import by URL in this region. "
                "The task waits for the whole copy, whatever I(wait) says."
            ),
            (
                "The intermediate object's name derives from the source image "
                "(C(imageops-copy/<hash>.oci)). A re-run after an interruption finds the object, or the "
                "export still writing it (the source image is C(EXPORTING)), and never exports twice; "
                "copies of one source to other regions reuse it."
            ),
            "An image of another tenancy is refused (not found) before anything is written.",
        ),
        reported=False,
    )
    export_to: ExportTo | None = in_place(
        description="Also export the image to Object Storage; skipped when the object exists.",
        doc=(
            (
                "Also export the image to Object Storage (ExportImage), by bucket and object name or by "
                "URL. The image is C(EXPORTING) meanwhile; the task waits for the export to end."
            ),
            (
                "Skipped (C(changed=false)) when the object already exists, so a re-run never exports "
                "again; this costs one HeadObject call per run (and a GetNamespace one without "
                "I(namespace_name))."
            ),
        ),
        change_doc=(
            "Applied in place: whether the object is there is checked on every run, and a missing "
            "object is exported again; the image itself does not change."
        ),
        reported=False,
    )
    should_include_data_volumes: bool | None = replace(
        description="Include the instance's attached data volumes in the image (instance_id only).",
        doc=(
            "Whether to include the instance's attached data volumes in the image. Only with I(instance_id)."
        ),
        reported=False,
    )
    freeform_tags: dict[str, str] | None = in_place(
        description='Free-form tags, e.g. {"Department": "Finance"}.',
        doc=(
            (
                "Free-form tags for the image, each a simple key-value pair with no predefined name, type "
                "or namespace, for example C(Department=Finance)."
            ),
            (
                "With I(purge_tags=true), tags not listed here are removed; C({}) removes them all. Not "
                "given at all, the image's tags are left alone."
            ),
        ),
    )
    defined_tags: dict[str, str] | None = in_place(
        description='Defined tags as "namespace.key" -> value, e.g. {"Operations.CostCenter": "42"}.',
        doc=(
            (
                'Defined tags for the image, as C("namespace.key" -> value). Each key is predefined and '
                "scoped to a namespace, for example C(Operations.CostCenter=42)."
            ),
            "With I(purge_tags=true), tags not listed here are removed; C({}) removes them all.",
        ),
    )

    _tags_as_strings = field_validator("freeform_tags", "defined_tags", mode="before")(tag_values_as_strings)
    _check_freeform = field_validator("freeform_tags")(_check_freeform)

    @field_validator("defined_tags")
    @classmethod
    def _check_defined(cls, tags: dict[str, str] | None) -> dict[str, str] | None:
        for key in tags or {}:
            if not _DEFINED_TAG_KEY.match(key):
                raise ValueError(f'key {key!r} must be "namespace.key" (one dot, no spaces)')
        return tags

    def cross_field_errors(self) -> list[tuple[str, str]]:
        problems = []
        sources = [f for f in self.source_fields if getattr(self, f)]
        if len(sources) > 1:
            others = " and ".join(sources[1:])
            problems.append((sources[0], f"mutually exclusive with {others}: give exactly one source"))
        if not sources:
            *first, last = self.source_fields
            problems.append((self.source_fields[0], f"one of {', '.join(first)} or {last} is required"))
        if self.copy_from is not None and self.display_name is None:
            problems.append(("display_name", "required with copy_from: a re-run finds the copy by it"))
        if self.should_include_data_volumes is not None and self.instance_id is None:
            problems.append(("should_include_data_volumes", "only valid with instance_id"))
        if self.launch_options is not None and self.launch_mode not in (None, "CUSTOM"):
            problems.append(("launch_options", "only valid with launch_mode CUSTOM"))
        return problems

    copy_keeps: ClassVar[tuple[str, ...]] = (
        "compartment_id", "display_name", "freeform_tags", "defined_tags",
    )  # fmt: skip

    @classmethod
    def copy_source(cls, source_image_id: Any, source_region: Any) -> dict[str, Any]:
        return {"copy_from": {"source_image_id": source_image_id, "source_region": source_region}}

    def copy_to(self, region: str, source: Image) -> OciImageSpec:
        """The copy's spec. OCI specs hold no region (it is the connection's): make the copy with a
        driver connected to ``region``."""
        kept = {name: value for name, value in self.given().items() if name in self.copy_keeps}
        return type(self).parse({**kept, **self.copy_source(source.id, source.region or "")})

    def lookup_key(self) -> dict[str, str] | None:
        if self.display_name is None:
            return None
        return {"compartment_id": self.compartment_id, "display_name": self.display_name}

    def describe_key(self) -> str:
        return f"display_name {self.display_name!r} in compartment {self.compartment_id}"

    def observe(self, image: Image) -> dict[str, Any]:
        attrs = image.attributes
        seen: dict[str, Any] = {
            "compartment_id": attrs.get("compartment_id"),
            "display_name": attrs.get("display_name"),
            "launch_mode": attrs.get("launch_mode"),
            "freeform_tags": attrs.get("freeform_tags") or {},
            "defined_tags": attrs.get("defined_tags") or {},
        }
        if self.launch_options is not None:
            observed_options = attrs.get("launch_options") or {}
            seen["launch_options"] = {k: observed_options.get(k) for k in self.launch_options.given()}
        return seen
