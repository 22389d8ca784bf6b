"""OUTSCALE: spec, auth, API and driver for machine images (OMIs).

``connect(**settings)`` is what :func:`imageops.registry.connect` calls: it resolves credentials
(:mod:`imageops.outscale.config`), builds one signing, retrying client (:mod:`imageops.transport`,
:mod:`imageops.outscale.auth`) and returns an :class:`OutscaleDriver` over :class:`OutscaleApi`.
"""

from __future__ import annotations

from typing import Unpack

from imageops.driver import PollPolicy
from imageops.outscale.api import OutscaleApi
from imageops.outscale.auth import OscSigner
from imageops.outscale.config import OutscaleCredentials, OutscaleSettings, load_credentials
from imageops.outscale.driver import OutscaleDriver, normalise_state
from imageops.outscale.spec import BlockDeviceMapping, Bsu, OutscaleImageSpec, PermissionsToLaunch, Tag
from imageops.transport import RetryPolicy, build_client, default_timeout

SPEC = OutscaleImageSpec

__all__ = [
    "SPEC",
    "BlockDeviceMapping",
    "Bsu",
    "OscSigner",
    "OutscaleApi",
    "OutscaleCredentials",
    "OutscaleDriver",
    "OutscaleImageSpec",
    "OutscaleSettings",
    "PermissionsToLaunch",
    "Tag",
    "connect",
    "driver_for",
    "load_credentials",
    "normalise_state",
]


def connect(
    *,
    account_id: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
    **settings: Unpack[OutscaleSettings],
) -> OutscaleDriver:
    """An :class:`OutscaleDriver`; every argument is optional (None = as the OUTSCALE CLI finds it).

    Raises :class:`imageops.errors.ConfigError` when no access key pair is found or a setting breaks
    its rule; no call is made until the driver is used. ``account_id`` (optional) saves a
    ReadAccounts when it is needed.
    """
    credentials = load_credentials(environ=None, **settings)  # environ: no setting of connect's
    return driver_for(credentials, account_id=account_id, timeout=timeout, retry=retry, poll=poll)


def driver_for(
    credentials: OutscaleCredentials,
    *,
    account_id: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
) -> OutscaleDriver:
    """An :class:`OutscaleDriver` for already-resolved credentials."""
    signer = OscSigner(
        credentials.access_key,
        credentials.secret_key,
        credentials.region,
        signature=credentials.signature_version,
    )
    cert = credentials.x509_client_cert
    client = build_client(
        base_url=credentials.endpoint + "/",
        auth=signer,
        client_cert=(cert, credentials.x509_client_key) if cert else None,
        timeout=timeout if timeout is not None else default_timeout(),
        retry=retry,
    )
    return OutscaleDriver(OutscaleApi(client), region=credentials.region, account_id=account_id, poll=poll)
