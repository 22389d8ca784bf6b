"""AWS EC2: spec, auth, API and driver for machine images (AMIs).

``connect(**settings)`` is what :func:`imageops.registry.connect` calls: it resolves credentials,
region and endpoint the way the AWS CLI does (:mod:`imageops.aws.config`, botocore's chain), builds
one SigV4-signing (:mod:`imageops.aws.auth`, botocore's ``SigV4Auth``), retrying client
(:mod:`imageops.transport`) and returns an :class:`AwsDriver` over :class:`Ec2Api`.
"""

from __future__ import annotations

from typing import Unpack

import httpx

from imageops.aws.api import Ec2Api
from imageops.aws.auth import AwsKey, AwsSigner
from imageops.aws.config import AwsConnection, AwsSettings, load_connection
from imageops.aws.driver import AwsDriver, normalise_state
from imageops.aws.spec import AwsImageSpec, EbsBlockDevice, EphemeralBlockDevice, LaunchPermissions
from imageops.driver import PollPolicy
from imageops.transport import RetryPolicy, build_client, default_timeout

SPEC = AwsImageSpec

__all__ = [
    "SPEC",
    "AwsConnection",
    "AwsDriver",
    "AwsImageSpec",
    "AwsKey",
    "AwsSettings",
    "AwsSigner",
    "EbsBlockDevice",
    "Ec2Api",
    "EphemeralBlockDevice",
    "LaunchPermissions",
    "connect",
    "driver_for",
    "load_connection",
    "normalise_state",
]


def connect(
    *,
    endpoint: str | None = None,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
    **settings: Unpack[AwsSettings],
) -> AwsDriver:
    """An :class:`AwsDriver`; every argument is optional (None = as the AWS CLI finds it).

    Raises :class:`imageops.errors.ConfigError` when no credentials or no region are found or a
    setting breaks its rule; no EC2 call is made until the driver is used. ``endpoint`` is the other
    clouds' name of ``endpoint_url`` (what ``imageops image wait --endpoint`` passes every cloud).
    """
    if endpoint and not settings.get("endpoint_url"):  # the other clouds' name, as an alias
        settings["endpoint_url"] = endpoint
    connection = load_connection(environ=None, **settings)  # environ: no setting of connect's
    return driver_for(connection, timeout=timeout, retry=retry, poll=poll)


def driver_for(
    connection: AwsConnection,
    *,
    timeout: float | None = None,
    retry: RetryPolicy | None = None,
    poll: PollPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> AwsDriver:
    """An :class:`AwsDriver` for an already-resolved connection (``transport``: tests)."""
    if transport is None and not connection.validate_certs:
        transport = httpx.HTTPTransport(verify=False)
    client = build_client(
        base_url=connection.endpoint + "/",
        auth=AwsSigner(connection.credentials, connection.region),
        timeout=timeout if timeout is not None else default_timeout(),
        retry=retry,
        transport=transport,
    )
    return AwsDriver(Ec2Api(client), region=connection.region, poll=poll)
