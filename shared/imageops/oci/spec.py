"""Desired state of an OCI custom image (Terraform ``oci_core_image``).

Update modes follow the seed: ``display_name``, ``freeform_tags`` and ``defined_tags`` are
``(Updatable)`` and change in place through UpdateImage. Everything else is create-only in the API
and forces a new image: ``compartment_id`` (moving an image is a separate ChangeImageCompartment
operation the seed does not expose), ``instance_id`` and ``image_source_details`` (the source an
image was built from cannot change), ``launch_mode`` and ``launch_options`` (fixed at creation).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

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
        description="`objectStorageTuple` (namespace, bucket, object) or `objectStorageUri` (an URL)."
    )
    bucket_name: Name255 | None = replace(description="Object Storage bucket (objectStorageTuple).")
    namespace_name: Name255 | None = replace(description="Object Storage namespace (objectStorageTuple).")
    object_name: Name255 | None = replace(description="Object Storage object name (objectStorageTuple).")
    source_uri: Annotated[str, StringConstraints(min_length=1, max_length=2000)] | None = replace(
        description="Object Storage URL of the image (objectStorageUri)."
    )
    source_image_type: Literal["QCOW2", "VMDK"] | None = replace(
        description="Format of the image to import: QCOW2 or VMDK (monolithic only)."
    )
    operating_system: Name255 | None = replace(description="Operating system of the imported image.")
    operating_system_version: Name255 | None = replace(
        description="Operating system version of the imported image."
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

    boot_volume_type: VolumeType | None = replace(description="Emulation type for the boot volume.")
    firmware: Literal["BIOS", "UEFI_64"] | None = replace(description="Firmware used to boot the VM.")
    network_type: Literal["E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"] | None = replace(
        description="Emulation type for the physical network interface card."
    )
    remote_data_volume_type: VolumeType | None = replace(description="Emulation type for data volumes.")
    is_pv_encryption_in_transit_enabled: bool | None = replace(
        description="Deprecated by OCI; whether in-transit encryption is enabled for paravirtualized volumes."
    )
    is_consistent_volume_naming_enabled: bool | None = replace(
        description="Whether to enable consistent volume naming."
    )


class OciImageSpec(ImageSpec):
    """Desired state of an OCI custom image: every argument of Terraform's ``oci_core_image``."""

    cloud = "oci"
    tag_fields = ("freeform_tags", "defined_tags")

    compartment_id: Ocid = replace(
        ..., description="OCID of the compartment the image is created in (and the instance is in)."
    )
    display_name: Name255 | None = in_place(
        description="A user-friendly name; imageops finds the image again by it within the compartment."
    )
    instance_id: Ocid | None = replace(
        description="OCID of the instance to build the image from (exclusive with image_source_details)."
    )
    image_source_details: ImageSourceDetails | None = replace(
        description="Import the image from Object Storage instead (exclusive with instance_id)."
    )
    launch_mode: LaunchMode | None = replace(
        description="Configuration mode for launching VM instances: NATIVE, EMULATED, PARAVIRTUALIZED, "
        "VDPA or CUSTOM (CUSTOM uses launch_options)."
    )
    launch_options: LaunchOptions | None = replace(
        description="Launch options overriding the defaults (used with launch_mode CUSTOM)."
    )
    should_include_data_volumes: bool | None = replace(
        description="Include the instance's attached data volumes in the image (instance_id only)."
    )
    freeform_tags: dict[str, str] | None = in_place(
        description='Free-form tags, e.g. {"Department": "Finance"}.'
    )
    defined_tags: dict[str, str] | None = in_place(
        description='Defined tags as "namespace.key" -> value, e.g. {"Operations.CostCenter": "42"}.'
    )

    _tags_as_strings = field_validator("freeform_tags", "defined_tags", mode="before")(
        tag_values_as_strings
    )
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
        if self.instance_id is not None and self.image_source_details is not None:
            problems.append(
                ("instance_id", "mutually exclusive with image_source_details: give exactly one source")
            )
        if self.instance_id is None and self.image_source_details is None:
            problems.append(("instance_id", "one of instance_id or image_source_details is required"))
        if self.should_include_data_volumes is not None and self.instance_id is None:
            problems.append(("should_include_data_volumes", "only valid with instance_id"))
        if self.launch_options is not None and self.launch_mode not in (None, "CUSTOM"):
            problems.append(("launch_options", "only valid with launch_mode CUSTOM"))
        return problems

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
