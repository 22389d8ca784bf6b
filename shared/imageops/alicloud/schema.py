"""The one declaration of alicloud's image resource: settings, attributes and the schema (see
:mod:`imageops.schema`). ``make generate`` writes both skins from it."""

from __future__ import annotations

from imageops.alicloud import texts
from imageops.alicloud.spec import AlicloudImageSpec
from imageops.schema import Attribute, CloudSchema, InfoFilter, Setting

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "access_key_id",
        ("The Alibaba Cloud AccessKey ID.",),
        env=(
            "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALICLOUD_ACCESS_KEY",
            "ALICLOUD_ACCESS_KEY_ID",
        ),
        env_doc="the profile's",
        ansible="alicloud_access_key",
        ansible_aliases=("access_key", "alicloud_access_key_id"),
        pulumi_input=False,
        pulumi_config="alicloudAccessKeyId",
    ),
    Setting(
        "access_key_secret",
        ("The Alibaba Cloud AccessKey secret.",),
        env=(
            "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "ALICLOUD_SECRET_KEY",
            "ALICLOUD_SECRET_ACCESS_KEY",
        ),
        env_doc="the profile's",
        secret=True,
        ansible="alicloud_secret_key",
        ansible_aliases=("secret_key", "alicloud_access_key_secret"),
        pulumi_input=False,
        pulumi_config="alicloudAccessKeySecret",
    ),
    Setting(
        "security_token",
        ("The STS security token that goes with a temporary AccessKey.",),
        env=("IMAGEOPS_ALICLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"),
        env_doc="the profile's (C(StsToken) mode)",
        secret=True,
        ansible="alicloud_security_token",
        ansible_aliases=("security_token",),
        pulumi_input=False,
        pulumi_config="alicloudSecurityToken",
    ),
    Setting(
        "region",
        ("The region the image is in (for I(copy_from), the destination), for example C(cn-hangzhou).",),
        env=("IMAGEOPS_ALICLOUD_REGION", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION", "ALICLOUD_REGION_ID"),
        env_doc="the profile's C(region_id)",
        ansible="alicloud_region",
        ansible_aliases=("region", "region_id"),
        pulumi_config="alicloudRegion",
        replace=True,
    ),
    Setting(
        "profile",
        ("The profile of the Alibaba Cloud CLI configuration file to load.",),
        env=("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"),
        env_doc="the file's C(current) profile",
        pulumi_config="alicloudProfile",
    ),
    Setting(
        "config_file",
        ("Path to the Alibaba Cloud CLI configuration file.",),
        type="path",
        env=("ALIBABA_CLOUD_CONFIG_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE"),
        env_doc="C(~/.aliyun/config.json)",
        ansible_aliases=("shared_credentials_file",),
        pulumi_config="alicloudConfigFile",
    ),
    Setting(
        "endpoint",
        (
            "Base URL of the ECS API, to reach a non-default endpoint such as the imageops emulator "
            "(for example C(http://127.0.0.1:8080)).",
        ),
        env=("IMAGEOPS_ALICLOUD_ENDPOINT",),
        env_doc="the regional endpoint C(https://ecs.<region>.aliyuncs.com)",
        pulumi_config="alicloudEndpoint",
    ),
)

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
