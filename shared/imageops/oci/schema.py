"""The one declaration of oci's image resource: settings, attributes and the schema (see
:mod:`imageops.schema`). ``make generate`` writes both skins from it."""

from __future__ import annotations

from imageops.oci import texts
from imageops.oci.spec import OciImageSpec
from imageops.schema import Attribute, CloudSchema, InfoFilter, Setting

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "auth",
        (
            "How to sign in (see docs/signing-in/oci.md). C(api_key): the user's API signing key "
            "(I(api_user), I(api_user_fingerprint), I(api_user_key_file)), as today. C(security_token): "
            "the session token of the profile (its C(security_token_file) and C(key_file), as written by "
            "C(oci session authenticate)); it is not refreshed: when it expires, run "
            "C(oci session refresh --profile <profile>). C(instance_principal): the certificates of the OCI "
            "compute instance this runs on, from its instance metadata service, traded for a token that is "
            "refreshed before it expires. C(resource_principal): the C(OCI_RESOURCE_PRINCIPAL_*) variables "
            "the OCI service (Functions, Data Science...) sets, version 2.2.",
            "With C(instance_principal) or C(resource_principal), setting an API key option "
            "(I(api_user), I(api_user_fingerprint), I(api_user_key_file), I(api_user_key_pass_phrase)) is "
            "an error: it would be ignored. With C(security_token), I(api_user) and "
            "I(api_user_fingerprint) are an error for the same reason.",
        ),
        env=("OCI_ANSIBLE_AUTH_TYPE", "OCI_CLI_AUTH"),
        env_doc="C(api_key)",
        ansible="auth_type",
        pulumi_config="ociAuth",
        choices=("api_key", "security_token", "instance_principal", "resource_principal"),
    ),
    Setting(
        "config_file",
        ("Path to the OCI configuration file (the one the OCI CLI uses).",),
        env=("IMAGEOPS_OCI_CONFIG_FILE", "OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE"),
        env_doc="C(~/.oci/config); C(IMAGEOPS_OCI_CONFIG_FILE) is what the imageops emulator writes",
        ansible="config_file_location",
        pulumi_config="ociConfigFile",
    ),
    Setting(
        "profile",
        (
            "The profile to load from the configuration file. A profile inherits every key it does not "
            "set from C(DEFAULT).",
        ),
        env=("IMAGEOPS_OCI_PROFILE", "OCI_CONFIG_PROFILE", "OCI_CLI_PROFILE"),
        env_doc="C(DEFAULT)",
        ansible="config_profile_name",
        pulumi_config="ociProfile",
        pulumi_config_aliases=("ociConfigProfile",),
    ),
    Setting(
        "region",
        ("The OCI region to use, for example C(us-ashburn-1).",),
        env=("OCI_CLI_REGION", "OCI_REGION"),
        env_doc="the region of the configuration file profile",
        pulumi_config="ociRegion",
        replace=True,
    ),
    Setting(
        "tenancy",
        ("OCID of the tenancy.",),
        env=("OCI_CLI_TENANCY",),
        env_doc="the profile's C(tenancy)",
        pulumi_input=False,
        pulumi_config="ociTenancy",
    ),
    Setting(
        "user",
        ("OCID of the user calling the API.",),
        env=("OCI_CLI_USER",),
        env_doc="the profile's C(user)",
        ansible="api_user",
        pulumi_input=False,
        pulumi_config="ociUser",
    ),
    Setting(
        "fingerprint",
        ("Fingerprint of the API signing key of I(api_user).",),
        env=("OCI_CLI_FINGERPRINT",),
        env_doc="the profile's C(fingerprint)",
        ansible="api_user_fingerprint",
        pulumi_input=False,
        pulumi_config="ociFingerprint",
    ),
    Setting(
        "key_file",
        ("Path to the PEM private key that signs the requests.",),
        type="path",
        env=("OCI_CLI_KEY_FILE",),
        env_doc="the profile's C(key_file)",
        ansible="api_user_key_file",
        pulumi_input=False,
        pulumi_config="ociKeyFile",
    ),
    Setting(
        "key_content",
        ("The PEM private key itself, instead of a file.",),
        env=("OCI_CLI_KEY_CONTENT",),
        env_doc="the profile's C(key_content)",
        secret=True,
        ansible=None,
        pulumi_input=False,
        pulumi_config="ociKeyContent",
        neutral=False,
    ),
    Setting(
        "pass_phrase",
        ("Passphrase of the encrypted private key in I(api_user_key_file).",),
        env=("OCI_CLI_PASSPHRASE",),
        env_doc="the profile's C(pass_phrase)",
        secret=True,
        ansible="api_user_key_pass_phrase",
        pulumi_input=False,
        pulumi_config="ociPassPhrase",
    ),
    Setting(
        "endpoint",
        (
            "Base URL of the Core Services API, to reach a non-default endpoint such as the imageops "
            "emulator (for example C(http://127.0.0.1:8080)).",
        ),
        env=("IMAGEOPS_OCI_ENDPOINT",),
        env_doc=(
            "the emulator's endpoint of the region (C(IMAGEOPS_OCI_ENDPOINT_<REGION>), or "
            "C(IMAGEOPS_OCI_ENDPOINT_TEMPLATE) for a region other than C(IMAGEOPS_OCI_REGION)) is tried "
            "first, and the regional endpoint C(https://iaas.<region>.oraclecloud.com) last"
        ),
        pulumi_config="ociEndpoint",
    ),
    Setting(
        "metadata_base_url",
        (
            "Base URL of the instance metadata service, for I(auth_type=instance_principal): the "
            "instance's certificates and region are read under it. Only to reach a non-default service "
            "such as the imageops emulator (for example C(http://127.0.0.1:8080/opc/v2)).",
        ),
        env=("OCI_METADATA_BASE_URL", "IMAGEOPS_OCI_METADATA_BASE_URL"),
        env_doc=(
            "C(http://169.254.169.254/opc/v2); C(OCI_METADATA_BASE_URL) is the OCI SDK's variable, "
            "C(IMAGEOPS_OCI_METADATA_BASE_URL) what the imageops emulator writes"
        ),
        pulumi_input=False,
        pulumi_config="ociMetadataBaseUrl",
    ),
    Setting(
        "federation_endpoint",
        (
            "URL of the federation endpoint that trades the instance's certificates for a token, for "
            "I(auth_type=instance_principal) (the OCI SDK's C(federation_endpoint)). Only to reach a "
            "non-default endpoint such as the imageops emulator (for example "
            "C(http://127.0.0.1:8080/v1/x509)).",
        ),
        env=("IMAGEOPS_OCI_FEDERATION_ENDPOINT",),
        env_doc="C(https://auth.<region>.oraclecloud.com/v1/x509)",
        pulumi_input=False,
        pulumi_config="ociFederationEndpoint",
    ),
)

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
