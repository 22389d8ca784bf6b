"""Oracle Cloud Infrastructure: spec, auth, API and driver for custom images.

``connect(**settings)`` is what :func:`imageops.registry.connect` calls: it resolves credentials
(:mod:`imageops.oci.config`), builds one signing, retrying client (:mod:`imageops.transport`,
:mod:`imageops.oci.auth`) and returns an :class:`OciDriver` over :class:`OciComputeApi`.

The signer's key comes from the ``auth`` mode's source: the API key (static), the profile's session
token (:mod:`imageops.oci.tokens`, read again before expiry, an expired one refused here, before any
call), the instance principal's token (:mod:`imageops.oci.federation`, fetched on first use and
refreshed before expiry) or the resource principal's (:mod:`imageops.oci.tokens`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from imageops.credentials import CredentialSource, StaticSource
from imageops.driver import PollPolicy
from imageops.errors import ConfigError
from imageops.oci import config as _config
from imageops.oci.api import OciComputeApi
from imageops.oci.auth import OciSigner, SigningKey, load_private_key
from imageops.oci.config import OciCredentials, load_credentials, object_storage_endpoint, region_endpoint
from imageops.oci.driver import OciDriver, normalise_state
from imageops.oci.objectstorage import OciObjectStorageApi
from imageops.oci.spec import CopyFrom, ExportTo, ImageSourceDetails, LaunchOptions, OciImageSpec
from imageops.transport import RetryPolicy, build_client, default_timeout

SPEC = OciImageSpec

__all__ = [
    "SPEC",
    "CopyFrom",
    "ExportTo",
    "ImageSourceDetails",
    "LaunchOptions",
    "OciComputeApi",
    "OciCredentials",
    "OciDriver",
    "OciImageSpec",
    "OciSigner",
    "RegionConnections",
    "connect",
    "credential_source",
    "load_credentials",
    "normalise_state",
]


def connect(
    *,
    config_file: str | os.PathLike[str] | None = None,
    profile: str | None = None,
    region: str | None = None,
    tenancy: str | None = None,
    user: str | None = None,
    fingerprint: str | None = None,
    key_file: str | os.PathLike[str] | None = None,
    key_content: str | None = None,
    pass_phrase: str | None = None,
    endpoint: str | None = None,
    auth: str | None = None,
    metadata_base_url: str | None = None,
    federation_endpoint: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> OciDriver:
    """An :class:`OciDriver`; every argument is optional (None = as the OCI CLI would find it).

    Raises :class:`imageops.errors.ConfigError` when credentials are missing, the key cannot be
    loaded or the session token has expired; no API call is made until the driver is used (an
    instance principal without a region reads it from the instance metadata service).
    """
    credentials = load_credentials(
        config_file=config_file,
        profile=profile,
        region=region,
        tenancy=tenancy,
        user=user,
        fingerprint=fingerprint,
        key_file=key_file,
        key_content=key_content,
        pass_phrase=pass_phrase,
        endpoint=endpoint,
        auth=auth,
        metadata_base_url=metadata_base_url,
        federation_endpoint=federation_endpoint,
    )
    return driver_for(credentials, timeout=timeout, retry=retry, poll=poll)


def credential_source(
    credentials: OciCredentials, environ: Mapping[str, str] | None = None
) -> tuple[CredentialSource[SigningKey], OciCredentials]:
    """The source of signing keys for ``credentials``' mode, and the credentials completed with what
    the mode found (the region of an instance or a resource principal, and its endpoint)."""
    env = os.environ if environ is None else environ
    mode = credentials.auth
    # The token modes' modules (X.509 for the instance principal) are imported by their mode only:
    # an API key, the usual case, signs without them.
    if mode == _config.SECURITY_TOKEN:
        from imageops.oci.tokens import session_token_source

        assert credentials.security_token_file is not None
        source = session_token_source(
            token_file=credentials.security_token_file,
            key_pem=credentials.key_pem,
            pass_phrase=credentials.pass_phrase,
            profile=credentials.profile or _config.DEFAULT_PROFILE,
        )
        source.current()  # an expired or missing token fails here, before any call
        return source, credentials
    region = credentials.region or None
    if mode == _config.INSTANCE_PRINCIPAL:
        from imageops.oci.federation import instance_principal

        source, principal = instance_principal(
            metadata_base_url=credentials.metadata_base_url,
            federation_endpoint=credentials.federation_endpoint,
            region=region,
        )
        region = principal.region()
    elif mode == _config.RESOURCE_PRINCIPAL:
        from imageops.oci.tokens import resource_principal

        source, region = resource_principal(env)
        region = credentials.region or region
        if not region:
            raise ConfigError(
                "auth_type resource_principal needs a region: OCI_RESOURCE_PRINCIPAL_REGION is not set "
                "and no region is given"
            )
        source.current()  # an expired token or an unreadable key fails here, before any call
    else:
        key = load_private_key(credentials.key_pem, credentials.pass_phrase)
        return StaticSource(SigningKey(credentials.key_id, key)), credentials
    # An explicit endpoint stays; else the region's, now that the region is known.
    url = credentials.endpoint or region_endpoint(region, environ=env)
    return source, replace(credentials, region=region, endpoint=url)


def driver_for(
    credentials: OciCredentials,
    *,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> OciDriver:
    """An :class:`OciDriver` for already-resolved credentials."""
    source, credentials = credential_source(credentials)
    signer = OciSigner.over(source)
    client = build_client(
        base_url=credentials.endpoint,
        auth=signer,
        timeout=timeout if timeout is not None else default_timeout(),
        retry=retry,
    )
    regions = RegionConnections(credentials, signer, timeout=timeout, retry=retry, poll=poll)
    return OciDriver(OciComputeApi(client), region=credentials.region, poll=poll, regions=regions)


class RegionConnections:
    """Same-credential drivers and Object Storage APIs for any region, made on first use and closed
    with the driver that owns them (a copy reads its source region, an export writes a bucket)."""

    def __init__(
        self,
        credentials: OciCredentials,
        signer: OciSigner,
        *,
        timeout: float | None,
        retry: RetryPolicy | None,
        poll: PollPolicy | None,
    ) -> None:
        self._credentials = credentials
        self._signer = signer
        self._timeout = timeout
        self._retry = retry
        self._poll = poll
        self._open: dict[str, tuple[OciDriver, OciObjectStorageApi]] = {}

    def __repr__(self) -> str:
        return f"RegionConnections(home={self._credentials.region!r}, open={sorted(self._open)!r})"

    def _client(self, base_url: str) -> Any:
        timeout = self._timeout if self._timeout is not None else default_timeout()
        return build_client(base_url=base_url, auth=self._signer, timeout=timeout, retry=self._retry)

    def __call__(self, region: str) -> tuple[OciDriver, OciObjectStorageApi]:
        if region not in self._open:
            endpoint = region_endpoint(region, known=(self._credentials.region, self._credentials.endpoint))
            compute = OciComputeApi(self._client(endpoint))
            driver = OciDriver(compute, region=region, poll=self._poll, regions=self)
            storage = OciObjectStorageApi(self._client(object_storage_endpoint(endpoint)))
            self._open[region] = (driver, storage)
        return self._open[region]

    def close(self) -> None:
        opened, self._open = self._open, {}
        for driver, storage in opened.values():
            driver.api.close()
            storage.close()
