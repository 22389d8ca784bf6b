"""How Alibaba Cloud's driver is reached: the connection settings ``connect`` takes and the environment
variables the core reads for each (:class:`imageops.settings.Setting`). The loader
(:mod:`imageops.alicloud.config`) reads this at every run; the rest of the declaration
(:mod:`imageops.alicloud.schema`) is for ``make generate`` and the skins."""

from __future__ import annotations

from imageops.settings import Setting

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
        "assume_role_arn",
        (
            "The ARN of a RAM role to assume with STS C(AssumeRole), "
            "C(acs:ram::<account id>:role/<role name>), on top of the other credentials (an AccessKey, a "
            "profile or I(ecs_role_name)); its temporary credentials are refreshed before they expire.",
        ),
        env=("ALIBABA_CLOUD_ROLE_ARN", "ALICLOUD_ASSUME_ROLE_ARN"),
        ansible="alicloud_assume_role_arn",
        pulumi_config="alicloudAssumeRoleArn",
    ),
    Setting(
        "assume_role_session_name",
        (
            "The session name of the assumed role (STS C(RoleSessionName): 2 to 64 letters, digits, "
            "C(.), C(@), C(_) or C(-)).",
        ),
        env=("ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALICLOUD_ASSUME_ROLE_SESSION_NAME"),
        env_doc="C(imageops)",
        ansible="alicloud_assume_role_session_name",
        pulumi_config="alicloudAssumeRoleSessionName",
    ),
    Setting(
        "assume_role_session_expiration",
        ("How long the assumed role's credentials last, in seconds (STS C(DurationSeconds): 900 to 43200).",),
        type="int",
        env=("ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION",),
        env_doc="C(3600)",
        ansible="alicloud_assume_role_session_expiration",
        pulumi_config="alicloudAssumeRoleSessionExpiration",
    ),
    Setting(
        "ecs_role_name",
        (
            "Sign in with the RAM role of the ECS instance this runs on, as the instance metadata "
            "service serves it (instead of an AccessKey); its temporary credentials are refreshed "
            "before they expire.",
        ),
        env=("ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"),
        env_doc="the profile's C(ram_role_name) (C(EcsRamRole) mode)",
        ansible_aliases=("role_name",),
        pulumi_config="alicloudEcsRoleName",
    ),
    Setting(
        "sts_endpoint",
        (
            "Base URL of the STS API that I(alicloud_assume_role_arn) is assumed with, to reach a "
            "non-default endpoint such as the imageops emulator's.",
        ),
        env=("IMAGEOPS_ALICLOUD_STS_ENDPOINT",),
        env_doc="C(https://sts.aliyuncs.com)",
        ansible="alicloud_sts_endpoint",
        pulumi_config="alicloudStsEndpoint",
    ),
    Setting(
        "sts_region",
        (
            "The region of the STS endpoint to assume roles at, C(sts.<region>.aliyuncs.com), when no "
            "I(alicloud_sts_endpoint) is given.",
        ),
        env=("ALIBABA_CLOUD_STS_REGION",),
        env_doc="the profile's C(sts_region), else the central C(sts.aliyuncs.com)",
        ansible="alicloud_sts_region",
        pulumi_config="alicloudStsRegion",
    ),
    Setting(
        "sts_vpc_endpoint",
        ("With I(alicloud_sts_region), reach STS at its VPC endpoint C(sts-vpc.<region>.aliyuncs.com).",),
        type="bool",
        env=("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED",),
        env_doc="the profile's C(enable_vpc), else C(false)",
        ansible=None,
        pulumi_input=False,
    ),
    Setting(
        "metadata_url",
        (
            "Base URL of the ECS instance metadata service that I(ecs_role_name) is read from, to reach a "
            "non-default one such as the imageops emulator's.",
        ),
        env=("IMAGEOPS_ALICLOUD_METADATA_URL",),
        env_doc="C(http://100.100.100.200)",
        ansible="alicloud_metadata_url",
        pulumi_config="alicloudMetadataUrl",
    ),
    Setting(
        "ecs_metadata_disabled",
        (
            "Refuse to read credentials from the ECS instance metadata service at all "
            "(I(ecs_role_name) fails).",
        ),
        type="bool",
        env=("ALIBABA_CLOUD_ECS_METADATA_DISABLED",),
        env_doc="C(false)",
        ansible=None,
        pulumi_input=False,
    ),
    Setting(
        "imdsv1_disabled",
        (
            "Refuse the instance metadata service's IMDSv1 mode: without an IMDSv2 token, I(ecs_role_name) "
            "fails rather than reading the role's credentials without one.",
        ),
        type="bool",
        env=("ALIBABA_CLOUD_IMDSV1_DISABLED",),
        env_doc="C(false)",
        ansible=None,
        pulumi_input=False,
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
