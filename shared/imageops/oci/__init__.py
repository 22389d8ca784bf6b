"""Oracle Cloud Infrastructure: spec, auth, API and driver for custom images.

``connect(**settings)`` is what :func:`imageops.registry.connect` calls: it resolves credentials
(:mod:`imageops.oci.config`), builds one signing, retrying client (:mod:`imageops.transport`,
:mod:`imageops.oci.auth`) and returns an :class:`OciDriver` over :class:`OciComputeApi`.
"""

from __future__ import annotations

import os

from imageops.driver import PollPolicy
from imageops.oci.api import OciComputeApi
from imageops.oci.auth import OciSigner
from imageops.oci.config import OciCredentials, load_credentials
from imageops.oci.driver import OciDriver, normalise_state
from imageops.oci.spec import ImageSourceDetails, LaunchOptions, OciImageSpec
from imageops.transport import RetryPolicy, build_client, default_timeout

SPEC = OciImageSpec

__all__ = [
    "SPEC",
    "ImageSourceDetails",
    "LaunchOptions",
    "OciComputeApi",
    "OciCredentials",
    "OciDriver",
    "OciImageSpec",
    "OciSigner",
    "connect",
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
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> OciDriver:
    """An :class:`OciDriver`; every argument is optional (None = as the OCI CLI would find it).

    Raises :class:`imageops.errors.ConfigError` when credentials are missing or the key cannot be
    loaded; no call is made until the driver is used.
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
    )
    return driver_for(credentials, timeout=timeout, retry=retry, poll=poll)


def driver_for(
    credentials: OciCredentials,
    *,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> OciDriver:
    """An :class:`OciDriver` for already-resolved credentials."""
    signer = OciSigner.from_pem(
        tenancy=credentials.tenancy,
        user=credentials.user,
        fingerprint=credentials.fingerprint,
        key_pem=credentials.key_pem,
        pass_phrase=credentials.pass_phrase,
    )
    client = build_client(
        base_url=credentials.endpoint,
        auth=signer,
        timeout=timeout if timeout is not None else default_timeout(),
        retry=retry,
    )
    return OciDriver(OciComputeApi(client), region=credentials.region, poll=poll)
