"""How OCI's driver is reached: the connection settings ``connect`` takes and the environment
variables the core reads for each (:class:`imageops.settings.Setting`). The loader
(:mod:`imageops.oci.config`) reads this at every run; the rest of the declaration
(:mod:`imageops.oci.schema`) is for ``make generate`` and the skins."""

from __future__ import annotations

from imageops.settings import Setting

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
