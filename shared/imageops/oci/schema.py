"""The one declaration of oci's image resource: attributes and the schema, over the settings of
:mod:`imageops.oci.settings` (see :mod:`imageops.schema`). ``make generate`` writes both skins from
it; a module run never imports it (nor the texts)."""

from __future__ import annotations

from imageops.oci import texts
from imageops.oci.settings import SETTINGS
from imageops.oci.spec import OciImageSpec
from imageops.schema import Attribute, CloudSchema, InfoFilter

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        "agent_features",
        "dict",
        "Beyond the Terraform attributes - the Oracle Cloud Agent features the image supports.",
        sample={"is_management_supported": True, "is_monitoring_supported": True},
        returned="when reported by the cloud",
        contains=(
            Attribute("is_management_supported", "bool", "Whether the management plugin is supported."),
            Attribute("is_monitoring_supported", "bool", "Whether the monitoring plugin is supported."),
        ),
    ),
    Attribute(
        "base_image_id",
        "str",
        "The OCID of the image originally used to launch the instance.",
        sample="ocid1.image.oc1.iad.aaaaaaaabase",
    ),
    Attribute(
        "billable_size_in_gbs",
        "int",
        "Beyond the Terraform attributes - the size of the image billed, in GB.",
        sample=5,
    ),
    Attribute(
        "compartment_id",
        "str",
        "The OCID of the compartment containing the image.",
        sample="ocid1.compartment.oc1..aaaaaaaexample",
        optional=False,
    ),
    Attribute(
        "create_image_allowed",
        "bool",
        "Whether instances launched with this image can be used to create new images.",
        sample=True,
    ),
    Attribute(
        "defined_tags",
        "dict",
        'Defined tags, as C("namespace.key" -> value).',
        sample={"Operations.CostCenter": "42"},
        optional=False,
    ),
    Attribute(
        "display_name",
        "str",
        "A user-friendly name for the image.",
        sample="My custom Oracle Linux image",
    ),
    Attribute(
        "freeform_tags",
        "dict",
        "Free-form tags.",
        sample={"Department": "Finance"},
        optional=False,
    ),
    Attribute("id", "str", "The OCID of the image.", sample="ocid1.image.oc1.iad.aaaaaaaexample"),
    Attribute(
        "image_volume_details",
        "dict",
        "Beyond the Terraform attributes - the data volumes included in the image.",
        sample={"data_volumes": [{"display_name": "data", "index": 1, "size_in_mbs": 51200}]},
        returned="when the image includes data volumes",
        values="any",
    ),
    Attribute("launch_mode", "str", "The configuration mode for launching VM instances.", sample="NATIVE"),
    Attribute(
        "launch_options",
        "dict",
        "Options for tuning the compatibility and performance of VM shapes.",
        sample={
            "boot_volume_type": "PARAVIRTUALIZED",
            "firmware": "UEFI_64",
            "network_type": "PARAVIRTUALIZED",
            "remote_data_volume_type": "PARAVIRTUALIZED",
        },
        contains=(
            Attribute(
                "boot_volume_type",
                "str",
                "Emulation type for the boot volume.",
                sample="PARAVIRTUALIZED",
            ),
            Attribute("firmware", "str", "Firmware used to boot the VM.", sample="UEFI_64"),
            Attribute(
                "is_consistent_volume_naming_enabled",
                "bool",
                "Whether consistent volume naming is enabled.",
                sample=True,
                returned="when reported by the cloud",
            ),
            Attribute(
                "is_pv_encryption_in_transit_enabled",
                "bool",
                "Whether in-transit encryption is enabled for paravirtualized volumes.",
                sample=False,
                returned="when reported by the cloud",
            ),
            Attribute("network_type", "str", "Emulation type for the NIC.", sample="PARAVIRTUALIZED"),
            Attribute(
                "remote_data_volume_type",
                "str",
                "Emulation type for remote data volumes.",
                sample="PARAVIRTUALIZED",
            ),
        ),
    ),
    Attribute(
        "listing_type",
        "str",
        "Beyond the Terraform attributes - C(COMMUNITY) or C(NONE) (a custom image).",
        sample="NONE",
    ),
    Attribute("operating_system", "str", "The image's operating system.", sample="Oracle Linux"),
    Attribute("operating_system_version", "str", "The image's operating system version.", sample="7.2"),
    Attribute("size_in_mbs", "int", "Image size in MB (1 MB = 1048576 bytes).", sample=47694),
    Attribute(
        "state",
        "str",
        (
            "The current lifecycle state of the image, as OCI names it C(PROVISIONING), C(IMPORTING), "
            "C(AVAILABLE), C(EXPORTING), C(DISABLED) or C(DELETED)."
        ),
        sample="AVAILABLE",
        optional=False,
    ),
    Attribute(
        "time_created",
        "str",
        "When the image was created, in RFC 3339 format.",
        sample="2016-08-25T21:10:29.600Z",
    ),
)


SCHEMA = CloudSchema(
    cloud="oci",
    title="Oracle Cloud Infrastructure",
    terraform="oci_core_image",
    spec=OciImageSpec,
    settings=SETTINGS,
    attributes=ATTRIBUTES,
    image_module=texts.IMAGE_MODULE,
    info_module=texts.INFO_MODULE,
    info_key=("compartment_id", "display_name"),
    info_filters=(
        InfoFilter(
            "lifecycle_state",
            texts.INFO_MODULE.option_docs["lifecycle_state"],
            choices=("PROVISIONING", "IMPORTING", "AVAILABLE", "EXPORTING", "DISABLED", "DELETED"),
        ),
    ),
    info_required_one_of=(("image_id", "compartment_id"),),
    key_options=("display_name",),
    state_attribute="state",
    name_attributes=("display_name",),
    pulumi_doc=texts.PULUMI_DOC,
    pulumi_example=texts.PULUMI_EXAMPLE,
    emulator="imageops.emulator.oci",
    id_prefix="ocid1.image.",
    neutral_tags="freeform_tags",
    neutral="imageops.oci.neutral:to_spec",
)
