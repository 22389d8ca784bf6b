"""The one declaration of alicloud's image resource: attributes and the schema, over the settings of
:mod:`imageops.alicloud.settings` (see :mod:`imageops.schema`). ``make generate`` writes both skins from
it; a module run never imports it (nor the texts)."""

from __future__ import annotations

from imageops.alicloud import texts
from imageops.alicloud.settings import SETTINGS
from imageops.alicloud.spec import AlicloudImageSpec
from imageops.schema import Attribute, CloudSchema, InfoFilter

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("architecture", "str", "The system architecture.", sample="x86_64", optional=False),
    Attribute("boot_mode", "str", "The boot mode.", sample="BIOS", optional=False),
    Attribute("create_time", "str", "The create time.", sample="2024-06-01T08:00:00Z", optional=False),
    Attribute("description", "str", "The description of the image.", sample="the web tier"),
    Attribute(
        "disk_device_mapping",
        "list",
        "Snapshot information for the image, one entry per disk.",
        elements="dict",
        contains=(
            Attribute("device", "str", "The device name of the disk.", sample="/dev/xvda"),
            Attribute("disk_type", "str", "C(system) or C(data).", sample="system"),
            Attribute("format", "str", "Image format.", sample="QCOW2", returned="for imported images"),
            Attribute(
                "import_oss_bucket",
                "str",
                "Import the bucket of the OSS to which the image belongs.",
                sample="images",
                returned="for imported images",
            ),
            Attribute(
                "import_oss_object",
                "str",
                "Import the object of the OSS to which the image file belongs.",
                sample="golden.qcow2",
                returned="for imported images",
            ),
            Attribute("progress", "str", "Copy the progress of the task.", sample="100%"),
            Attribute(
                "remain_time",
                "int",
                "For an image being replicated, the remaining time of the replication task, in seconds.",
                sample=0,
            ),
            Attribute("size", "int", "The size of the disk in GiB.", sample=40),
            Attribute("snapshot_id", "str", "The snapshot of the disk.", sample="s-bp17441ohwka0yuhxx"),
        ),
        optional=False,
    ),
    Attribute(
        "features",
        "dict",
        "The features of the image.",
        contains=(Attribute("nvme_support", "str", "C(supported) or C(unsupported).", sample="unsupported"),),
        optional=False,
    ),
    Attribute("id", "str", "The ID of the image.", sample="m-bp1g7004ksh0oeuc2xx"),
    Attribute("image_family", "str", "The image family.", sample="web", returned="when set"),
    Attribute("image_name", "str", "The name of the image.", sample="web-2024-06", optional=False),
    Attribute("image_version", "str", "The image version.", sample="2", returned="when set"),
    Attribute(
        "license_type",
        "str",
        "The license type of an imported image.",
        sample="BYOL",
        returned="when reported by the cloud",
    ),
    Attribute("platform", "str", "The operating system distribution.", sample="Ubuntu", optional=False),
    Attribute(
        "resource_group_id",
        "str",
        "The resource group of the image.",
        sample="rg-acfmwvvtg5owavy",
        optional=False,
    ),
    Attribute(
        "status",
        "str",
        (
            "The status of the image, as ECS names it C(Creating), C(Waiting), C(Available), "
            "C(UnAvailable) or C(CreateFailed)."
        ),
        sample="Available",
        optional=False,
    ),
    Attribute(
        "tags",
        "dict",
        "The tags of the image.",
        sample={"FinanceDept": "FinanceDeptJoshua"},
        optional=False,
    ),
)


SCHEMA = CloudSchema(
    cloud="alicloud",
    title="Alibaba Cloud ECS",
    terraform="alicloud_image",
    spec=AlicloudImageSpec,
    settings=SETTINGS,
    attributes=ATTRIBUTES,
    image_module=texts.IMAGE_MODULE,
    info_module=texts.INFO_MODULE,
    info_key=("image_name", "resource_group_id"),
    info_filters=(
        InfoFilter(
            "status",
            texts.INFO_MODULE.option_docs["status"],
            choices=("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated"),
        ),
    ),
    key_options=("image_name",),
    state_attribute="status",
    name_attributes=("image_name",),
    pulumi_doc=texts.PULUMI_DOC,
    pulumi_example=texts.PULUMI_EXAMPLE,
    emulator="imageops.emulator.alicloud",
    id_prefix="m-",
    neutral_tags="tags",
    neutral="imageops.alicloud.neutral:to_spec",
    spec_settings={"region": "region"},
)
