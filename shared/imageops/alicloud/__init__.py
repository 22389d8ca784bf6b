"""Alibaba Cloud ECS: spec, auth, API and driver for custom images.

``connect(**settings)`` is what :func:`imageops.registry.connect` calls: it resolves credentials
(:mod:`imageops.alicloud.config`), builds one signing, retrying client (:mod:`imageops.transport`,
:mod:`imageops.alicloud.auth`) and returns an :class:`AlicloudDriver` over :class:`EcsApi`.
"""

from __future__ import annotations

import os

from imageops.alicloud.api import RETRY, EcsApi
from imageops.alicloud.auth import AccessKey, Acs3Signer, RpcSigner
from imageops.alicloud.config import AlicloudCredentials, load_credentials
from imageops.alicloud.driver import AlicloudDriver, normalise_state
from imageops.alicloud.signin import credential_source
from imageops.alicloud.spec import AlicloudImageSpec, CopyFrom, DiskDeviceMapping, Features, ImportFrom
from imageops.credentials import CredentialSource, StaticSource
from imageops.driver import PollPolicy
from imageops.errors import ConfigError
from imageops.transport import RetryPolicy, build_client, default_timeout

SPEC = AlicloudImageSpec

__all__ = [
    "SPEC",
    "AccessKey",
    "Acs3Signer",
    "AlicloudCredentials",
    "AlicloudDriver",
    "AlicloudImageSpec",
    "CopyFrom",
    "DiskDeviceMapping",
    "EcsApi",
    "Features",
    "ImportFrom",
    "RpcSigner",
    "connect",
    "driver_for",
    "load_credentials",
    "normalise_state",
]


def connect(
    *,
    access_key_id: str | None = None,
    access_key_secret: str | None = None,
    security_token: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    endpoint: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    assume_role_arn: str | None = None,
    assume_role_session_name: str | None = None,
    assume_role_session_expiration: int | None = None,
    ecs_role_name: str | None = None,
    sts_endpoint: str | None = None,
    metadata_url: str | None = None,
    imdsv1_disabled: bool | None = None,
    sts_region: str | None = None,
    sts_vpc_endpoint: bool | None = None,
    ecs_metadata_disabled: bool | None = None,
    signature_version: str = "v3",
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> AlicloudDriver:
    """An :class:`AlicloudDriver`; every argument is optional (None = as Alibaba Cloud tools find it).

    ``signature_version`` picks ACS3-HMAC-SHA256 (``"v3"``, the default) or the RPC signature
    (``"1.0"``). Raises :class:`imageops.errors.ConfigError` when credentials or region are missing
    or a setting breaks its rule; no call is made until the driver is used (then a role is assumed,
    or the instance's role read, on the first request, and again before the credentials expire).
    """
    credentials = load_credentials(
        access_key_id=access_key_id,
        access_key_secret=access_key_secret,
        security_token=security_token,
        region=region,
        profile=profile,
        config_file=config_file,
        endpoint=endpoint,
        assume_role_arn=assume_role_arn,
        assume_role_session_name=assume_role_session_name,
        assume_role_session_expiration=assume_role_session_expiration,
        ecs_role_name=ecs_role_name,
        sts_endpoint=sts_endpoint,
        metadata_url=metadata_url,
        imdsv1_disabled=imdsv1_disabled,
        sts_region=sts_region,
        sts_vpc_endpoint=sts_vpc_endpoint,
        ecs_metadata_disabled=ecs_metadata_disabled,
    )
    return driver_for(
        credentials, signature_version=signature_version, timeout=timeout, retry=retry, poll=poll
    )


def driver_for(
    credentials: AlicloudCredentials,
    *,
    signature_version: str = "v3",
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> AlicloudDriver:
    """An :class:`AlicloudDriver` for already-resolved credentials."""
    if signature_version not in ("v3", "1.0"):
        raise ConfigError(f"signature_version must be 'v3' or '1.0', not {signature_version!r}")
    signer_type = Acs3Signer if signature_version == "v3" else RpcSigner
    signer = signer_type.over(source_for(credentials))
    client = build_client(
        base_url=credentials.endpoint,
        auth=signer,
        timeout=timeout if timeout is not None else default_timeout(),
        retry=retry or RETRY,
    )
    return AlicloudDriver(EcsApi(client), region=credentials.region, poll=poll)


def source_for(credentials: AlicloudCredentials) -> CredentialSource[AccessKey]:
    """Where the signer reads its key: the AccessKey as is, or the temporary key of a role."""
    if credentials.sign_in is not None:
        return credential_source(credentials.sign_in)
    return StaticSource(
        AccessKey(credentials.access_key_id, credentials.access_key_secret, credentials.security_token)
    )
