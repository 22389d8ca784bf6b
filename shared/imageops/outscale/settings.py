"""How OUTSCALE's driver is reached: the connection settings ``connect`` takes and the environment
variables the core reads for each (:class:`imageops.settings.Setting`). The loader
(:mod:`imageops.outscale.config`) reads this at every run; the rest of the declaration
(:mod:`imageops.outscale.schema`) is for ``make generate`` and the skins."""

from __future__ import annotations

from imageops.outscale.auth import SIGNATURES
from imageops.settings import Setting

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "access_key",
        ("The access key ID of the OUTSCALE account (or EIM user) calling the API.",),
        env=("OSC_ACCESS_KEY",),
        env_doc="the profile's C(access_key)",
        ansible_aliases=("access_key_id",),
        pulumi_input=False,
        pulumi_config="outscaleAccessKey",
    ),
    Setting(
        "secret_key",
        ("The secret key of I(access_key).",),
        env=("OSC_SECRET_KEY",),
        env_doc="the profile's C(secret_key)",
        secret=True,
        ansible_aliases=("secret_access_key",),
        pulumi_input=False,
        pulumi_config="outscaleSecretKey",
    ),
    Setting(
        "region",
        (
            "The OUTSCALE Region, for example C(eu-west-2).",
            "The OMI lives in this Region; OMI names are unique per account and Region.",
        ),
        env=("OSC_REGION",),
        env_doc="the profile's C(region), else C(eu-west-2)",
        pulumi_config="outscaleRegion",
        replace=True,
    ),
    Setting(
        "profile",
        ("The profile to load from the configuration file.",),
        env=("OSC_PROFILE",),
        env_doc="C(default)",
        pulumi_config="outscaleProfile",
    ),
    Setting(
        "endpoint",
        (
            "Base URL of the OUTSCALE API, to reach a non-default endpoint such as the imageops emulator "
            "(for example C(http://127.0.0.1:8081)); requests go to C(<endpoint>/api/v1/<Action>).",
        ),
        env=("OSC_ENDPOINT_API", "IMAGEOPS_OUTSCALE_ENDPOINT"),
        env_doc="the profile's C(endpoints.api), else C(https://api.<region>.outscale.com/api/v1)",
        pulumi_config="outscaleEndpoint",
    ),
    Setting(
        "config_file",
        ("Path to the OUTSCALE CLI configuration file (JSON, one object per profile).",),
        type="path",
        env=("OSC_CONFIG_FILE",),
        env_doc="C(~/.osc/config.json)",
        pulumi_config="outscaleConfigFile",
    ),
    Setting(
        "signature_version",
        (
            "How requests are signed: C(osc4) (OSC4-HMAC-SHA256, as osc-sdk-python and the OUTSCALE CLI "
            "sign) or C(aws4) (AWS Signature Version 4, service C(oapi), as the OUTSCALE Go SDK and "
            "Terraform provider sign). Both use I(access_key) and I(secret_key); the API accepts either.",
        ),
        env=("IMAGEOPS_OUTSCALE_SIGNATURE_VERSION",),
        env_doc="C(osc4)",
        pulumi_config="outscaleSignatureVersion",
        choices=SIGNATURES,
    ),
    Setting(
        "x509_client_cert",
        (
            "Path to a client certificate (PEM) sent in the TLS handshake, for accounts whose API access "
            "rules require one. The file may also hold the private key.",
            "Requests are still signed with I(access_key) and I(secret_key).",
        ),
        type="path",
        env=("OSC_X509_CLIENT_CERT",),
        env_doc="the profile's C(x509_client_cert)",
        pulumi_config="outscaleX509ClientCert",
    ),
    Setting(
        "x509_client_key",
        ("Path to the private key (PEM) of I(x509_client_cert), when it is not in the certificate file.",),
        type="path",
        env=("OSC_X509_CLIENT_KEY",),
        env_doc="the profile's C(x509_client_key)",
        pulumi_config="outscaleX509ClientKey",
    ),
)
