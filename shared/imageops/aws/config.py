"""AWS credentials, region and endpoint, found the way the AWS CLI finds them.

For every setting the first of these wins:

1. the explicit argument (``access_key``/``secret_key``/``session_token``, ``region``, ``profile``,
   ``endpoint_url``);
2. the environment variables declared for the setting in :data:`imageops.aws.settings.SETTINGS`, first
   set wins (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_REGION``,
   ``AWS_PROFILE``, ``AWS_ENDPOINT_URL_EC2``... then ``IMAGEOPS_AWS_ENDPOINT``, what the emulator
   writes);
3. botocore's credential chain for the profile (the AWS CLI's own code): the shared credentials and
   config files (``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``), assume-role profiles
   (``role_arn`` + ``source_profile``/``credential_source``), web identity, SSO (the cache the CLI's
   ``aws sso login`` fills), ``credential_process``, the container credentials endpoint and the
   instance metadata service (IMDSv2). botocore refreshes temporary credentials before they expire.
   Its own environment provider is left out: the environment is read once, by the declaration.

The region falls back to the profile's ``region``; there is no default region, as in the CLI. The
endpoint defaults to ``https://ec2.<region>.amazonaws.com`` (``.amazonaws.com.cn`` in China).

Secrets (the secret key and session token) are registered with :mod:`imageops.redact` as soon as
they are read and are never in a repr or an error message.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from imageops.aws.auth import AwsKey
from imageops.aws.settings import SETTINGS
from imageops.connect_settings import refuse_unknown
from imageops.credentials import CredentialSource, Expiring, RefreshingSource, StaticSource
from imageops.errors import AuthError, ConfigError
from imageops.redact import register_secret
from imageops.settings import first_env

__all__ = ["AwsConnection", "AwsSettings", "default_endpoint", "load_connection"]

BOTOCORE_RECHECK = 60.0
"""Seconds between two looks at botocore's credentials (botocore refreshes them itself)."""

NO_CREDENTIALS = (
    "no AWS credentials found: give access_key and secret_key, set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or configure a profile (aws configure, aws sso login)"
)


def default_endpoint(region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://ec2.{region}.{suffix}"


@dataclass(frozen=True)
class AwsConnection:
    """Where and as whom the driver calls EC2."""

    region: str
    endpoint: str
    credentials: CredentialSource[AwsKey] = field(repr=False)
    profile: str | None = None
    validate_certs: bool = True


def _setting(name: str, given: Any, environ: Mapping[str, str]) -> Any:
    value = given if given not in (None, "") else first_env(SETTINGS, name, environ)
    for setting in SETTINGS:
        if setting.name == name:
            return setting.coerce(value, "" if given not in (None, "") else "the environment")
    raise KeyError(name)


def _botocore_session(profile: str | None, region: str | None = None) -> Any:
    import botocore.exceptions
    import botocore.session

    session = botocore.session.Session()
    if profile:
        session.set_config_variable("profile", profile)
    if region:  # as the CLI's --region: the chain's own clients (STS of an assumed role) use it too
        session.set_config_variable("region", region)
    try:
        session.get_scoped_config()
        resolver = session.get_component("credential_provider")
    except botocore.exceptions.ProfileNotFound:
        raise ConfigError(
            f"the AWS profile {profile!r} is not in the AWS config or credentials file"
        ) from None
    with contextlib.suppress(Exception):  # a botocore without that provider
        resolver.remove("env")  # the declared variables were read already
    return session


def _botocore_source(session: Any, profile: str | None) -> CredentialSource[AwsKey]:
    import botocore.exceptions

    try:
        found = session.get_credentials()
    except botocore.exceptions.BotoCoreError as exc:
        raise ConfigError(f"AWS credentials of profile {profile or 'default'!r}: {exc}") from None
    if found is None:
        raise ConfigError(NO_CREDENTIALS)

    def fetch() -> Expiring[AwsKey]:
        try:
            frozen = found.get_frozen_credentials()
        except botocore.exceptions.ClientError as exc:  # STS refused the role, SSO the token...
            error = exc.response.get("Error", {})
            meta = exc.response.get("ResponseMetadata", {})
            raise AuthError(
                error.get("Message", "") or str(exc),
                code=error.get("Code", ""),
                status=meta.get("HTTPStatusCode"),
                request_id=meta.get("RequestId"),
                operation=exc.operation_name,
                hint=f"the AWS credentials of profile {profile or 'default'!r}",
            ) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise ConfigError(f"AWS credentials of profile {profile or 'default'!r}: {exc}") from None
        register_secret(frozen.secret_key)
        register_secret(frozen.token)
        key = AwsKey(frozen.access_key, frozen.secret_key, frozen.token)
        refreshing = hasattr(found, "refresh_needed")
        return Expiring(key, time.time() + BOTOCORE_RECHECK if refreshing else None)

    return RefreshingSource(fetch, describe=f"AWS credentials ({getattr(found, 'method', 'botocore')})")


class AwsSettings(TypedDict, total=False):
    """The connection settings :func:`load_connection` and :func:`imageops.aws.connect` take, each
    optional (None = as the AWS CLI finds it): declared once here, so the two cannot drift apart."""

    access_key: str | None
    secret_key: str | None
    session_token: str | None
    region: str | None
    profile: str | None
    endpoint_url: str | None
    validate_certs: bool | None


def load_connection(
    *, environ: Mapping[str, str] | None = None, **settings: Unpack[AwsSettings]
) -> AwsConnection:
    """The connection for these settings (None = as the AWS CLI finds it). No call is made, apart
    from what botocore's chain does for profiles that need it (SSO, assume-role, IMDS)."""
    refuse_unknown("load_connection", settings, AwsSettings)
    env = os.environ if environ is None else environ
    register_secret(settings.get("secret_key"))
    register_secret(settings.get("session_token"))
    key_id = _setting("access_key", settings.get("access_key"), env)
    secret = _setting("secret_key", settings.get("secret_key"), env)
    token = _setting("session_token", settings.get("session_token"), env)
    chosen_profile = _setting("profile", settings.get("profile"), env)
    if (key_id is None) != (secret is None):
        missing = "secret_key" if secret is None else "access_key"
        raise ConfigError(f"{missing} is required with {'access_key' if secret is None else 'secret_key'}")
    session = None
    source: CredentialSource[AwsKey]
    chosen_region = _setting("region", settings.get("region"), env)
    if key_id is not None and secret is not None:
        source = StaticSource(AwsKey(key_id, secret, token))
    else:
        session = _botocore_session(chosen_profile, chosen_region)
        source = _botocore_source(session, chosen_profile)
    if chosen_region is None:
        session = session or _botocore_session(chosen_profile)
        chosen_region = session.get_scoped_config().get("region")
    if not chosen_region:
        raise ConfigError("no AWS region: give region, set AWS_REGION, or set region in the AWS profile")
    endpoint = _setting("endpoint_url", settings.get("endpoint_url"), env) or default_endpoint(chosen_region)
    verify = _setting("validate_certs", settings.get("validate_certs"), env)
    return AwsConnection(
        region=chosen_region,
        endpoint=endpoint.rstrip("/"),
        credentials=source,
        profile=chosen_profile,
        validate_certs=True if verify is None else verify,
    )
