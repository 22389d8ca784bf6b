"""How AWS's driver is reached: the connection settings ``connect`` takes and the environment
variables the core reads for each (:class:`imageops.settings.Setting`). The loader
(:mod:`imageops.aws.config`) reads this at every run; the rest of the declaration
(:mod:`imageops.aws.schema`) is for ``make generate`` and the skins.

Option names, aliases and variables are amazon.aws 10's (which dropped the ``EC2_*`` variables and the
``ec2_*`` aliases), plus what the AWS CLI reads (``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL_EC2``,
``AWS_ENDPOINT_URL``) and the emulator's ``IMAGEOPS_AWS_ENDPOINT``."""

from __future__ import annotations

from imageops.settings import Setting

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "access_key",
        (
            "AWS access key ID.",
            "Not given (nor in the environment), the profile's credentials are used, as the AWS CLI finds "
            "them (shared files, SSO, C(credential_process), assume-role, instance metadata).",
        ),
        env=("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
        env_doc="the profile's credentials",
        ansible_aliases=("aws_access_key_id", "aws_access_key"),
        pulumi_input=False,
        pulumi_config="awsAccessKey",
    ),
    Setting(
        "secret_key",
        ("AWS secret access key of I(access_key).",),
        env=("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
        env_doc="the profile's credentials",
        secret=True,
        ansible_aliases=("aws_secret_access_key", "aws_secret_key"),
        pulumi_input=False,
        pulumi_config="awsSecretKey",
    ),
    Setting(
        "session_token",
        ("AWS STS session token, for temporary credentials.",),
        env=("AWS_SESSION_TOKEN",),
        env_doc="the profile's credentials",
        secret=True,
        ansible_aliases=("aws_session_token",),
        pulumi_input=False,
        pulumi_config="awsSessionToken",
    ),
    Setting(
        "region",
        (
            "The AWS region, for example C(us-east-1).",
            "The AMI lives in this region; AMI names are unique per account and region.",
        ),
        env=("AWS_REGION", "AWS_DEFAULT_REGION"),
        env_doc="the profile's C(region)",
        ansible_aliases=("aws_region",),
        pulumi_config="awsRegion",
        replace=True,
    ),
    Setting(
        "profile",
        ("The named profile of the AWS config and credentials files.",),
        env=("AWS_PROFILE",),
        env_doc="C(default)",
        ansible_aliases=("aws_profile",),
        pulumi_config="awsProfile",
    ),
    Setting(
        "endpoint_url",
        (
            "URL of the EC2 endpoint, to reach a non-default endpoint such as the imageops emulator (for "
            "example C(http://127.0.0.1:8084)).",
        ),
        env=("AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL", "AWS_URL", "IMAGEOPS_AWS_ENDPOINT"),
        env_doc="C(https://ec2.<region>.amazonaws.com)",
        # endpoint: the other clouds' name, so group/imageops.cloud.all's defaults reach every module
        ansible_aliases=("aws_endpoint_url", "endpoint"),
        pulumi_config="awsEndpointUrl",
    ),
    Setting(
        "validate_certs",
        (
            "When C(false), the endpoint's TLS certificate is not checked.",
            "Only for a private endpoint you trust.",
        ),
        type="bool",
        env_doc="C(true)",
        pulumi_config="awsValidateCerts",
    ),
)
