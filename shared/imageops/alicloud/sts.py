"""Where temporary Alibaba Cloud credentials come from: STS ``AssumeRole`` and the ECS instance
metadata service, each one call that answers an :class:`~imageops.credentials.Expiring`
:class:`~imageops.alicloud.auth.AccessKey`.

* :func:`assume_role`: ``GET {sts_endpoint}/?Action=AssumeRole&Version=2015-04-01&...`` signed with
  the RPC signature (HMAC-SHA1) by the base key, parameters in the order the credentials library
  (``alibabacloud_credentials``' ``RamRoleArnCredentialsProvider``) sends them, so the request is
  the library's byte for byte (``tests/unit/test_alicloud_sign_in_offline.py``).
* :func:`instance_role`: as the library's ``EcsRamRoleCredentialsProvider`` does, the role name from
  ``/latest/meta-data/ram/security-credentials/`` when none is given, then that role's credentials,
  each read with a fresh IMDSv2 token (``PUT /latest/api/token``), falling back to IMDSv1 when the
  service gives none (unless ``ALIBABA_CLOUD_IMDSV1_DISABLED``).

Every secret is registered with :mod:`imageops.redact` as soon as it arrives; errors name the call,
the code and the request id, never a key.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from imageops import errors
from imageops.alicloud.auth import AccessKey, percent_encode, rpc_string_to_sign
from imageops.credentials import Expiring
from imageops.redact import get_logger, redact, register_secret

__all__ = [
    "DEFAULT_METADATA_URL",
    "DEFAULT_STS_ENDPOINT",
    "METADATA_TOKEN_TTL",
    "STS_VERSION",
    "RoleRequest",
    "assume_role",
    "assume_role_query",
    "instance_role",
]

STS_VERSION = "2015-04-01"
DEFAULT_STS_ENDPOINT = "https://sts.aliyuncs.com"
DEFAULT_METADATA_URL = "http://100.100.100.200"
CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
TOKEN_PATH = "/latest/api/token"
METADATA_TOKEN_TTL = 21600
"""Seconds an IMDSv2 token is asked for (the credentials library's default)."""

log = get_logger("imageops.alicloud.sts")


@dataclass(frozen=True)
class RoleRequest:
    """What ``AssumeRole`` is asked for (already checked by :mod:`imageops.alicloud.signin`)."""

    role_arn: str
    session_name: str
    duration: int = 3600
    policy: str | None = None
    external_id: str | None = None


def _expiry(stamp: Any, what: str) -> float:
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        raise errors.CloudError(f"{what} answered an unreadable Expiration", operation=what) from None


def _key_of(body: Any, what: str) -> Expiring[AccessKey]:
    """The temporary key of an STS or metadata answer (secrets registered before anything else)."""
    if isinstance(body, dict):
        register_secret(body.get("AccessKeySecret"))
        register_secret(body.get("SecurityToken"))
    if not isinstance(body, dict) or not all(
        body.get(k) for k in ("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration")
    ):
        raise errors.CloudError(f"{what} answered no credentials", operation=what)
    key = AccessKey(str(body["AccessKeyId"]), str(body["AccessKeySecret"]), str(body["SecurityToken"]))
    return Expiring(key, _expiry(body["Expiration"], what))


def assume_role_query(
    base: AccessKey, role: RoleRequest, *, timestamp: str, nonce: str
) -> list[tuple[str, str]]:
    """The signed query of an ``AssumeRole`` call, in the credentials library's order."""
    query = {
        "Action": "AssumeRole", "Format": "JSON", "Version": STS_VERSION,
        "DurationSeconds": str(role.duration), "RoleArn": role.role_arn,
        "RoleSessionName": role.session_name, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "Timestamp": timestamp, "SignatureNonce": nonce,
    }  # fmt: skip
    if role.policy:
        query["Policy"] = role.policy
    if role.external_id:
        query["ExternalId"] = role.external_id
    query["AccessKeyId"] = base.access_key_id
    if base.security_token:
        query["SecurityToken"] = base.security_token
    digest = hmac.new(
        f"{base.access_key_secret}&".encode(), rpc_string_to_sign("GET", query).encode(), hashlib.sha1
    ).digest()
    query["Signature"] = base64.b64encode(digest).decode()
    return list(query.items())


def assume_role(
    client: httpx.Client,
    sts_endpoint: str,
    base: AccessKey,
    role: RoleRequest,
    *,
    clock: Callable[[], float] = time.time,
    nonce: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Expiring[AccessKey]:
    """The role's temporary key from STS ``AssumeRole``, asked with ``base``."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock()))
    query = assume_role_query(base, role, timestamp=stamp, nonce=nonce())
    encoded = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in query)
    response = _get(client, f"{sts_endpoint.rstrip('/')}?{encoded}", "AssumeRole")
    if not response.is_success:
        raise _sts_error(response, role)
    body = response.json()
    identity = (body.get("AssumedRoleUser") or {}).get("Arn", role.role_arn)
    log.info("assumed %s (request id %s)", identity, body.get("RequestId", "-"))
    return _key_of(body.get("Credentials"), "AssumeRole")


def _get(client: httpx.Client, url: str, what: str, headers: dict[str, str] | None = None) -> httpx.Response:
    try:
        response = client.get(url, headers=headers)
        response.read()
        return response
    except httpx.HTTPError as exc:
        raise errors.TransportError(
            redact(f"{what}: {type(exc).__name__}: cannot reach {url.split('?')[0]}"),
            code=type(exc).__name__,
            operation=what,
        ) from None


def _sts_error(response: httpx.Response, role: RoleRequest) -> errors.CloudError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = str(body.get("Code") or "")
    auth = response.status_code in (401, 403) or code.startswith(
        (
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "InvalidSecurityToken",
            "NoPermission",
            "EntityNotExist",
        )
    )
    cls = errors.AuthError if auth else errors.CloudError
    return cls(
        redact(str(body.get("Message") or response.reason_phrase)),
        code=redact(code),
        status=response.status_code,
        request_id=body.get("RequestId"),
        operation="AssumeRole",
        hint=(
            f"check that alicloud_assume_role_arn {role.role_arn} exists and trusts the base "
            "credentials (AccessKey, profile or ecs_role_name) that ask for it"
        )
        if auth
        else "",
    )


def _metadata_token(client: httpx.Client, base: str, imdsv1: bool) -> str | None:
    """An IMDSv2 token, or None (IMDSv1) when the service gives none and that is allowed."""
    url = f"{base}{TOKEN_PATH}"
    try:
        response = client.put(
            url, headers={"X-aliyun-ecs-metadata-token-ttl-seconds": str(METADATA_TOKEN_TTL)}
        )
        response.read()
        if response.status_code == 200:
            register_secret(response.text)
            return response.text
        problem = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        problem = type(exc).__name__
    if imdsv1:
        return None
    raise errors.TransportError(
        f"no ECS metadata token from {url} ({problem}) and IMDSv1 is disabled "
        "(ALIBABA_CLOUD_IMDSV1_DISABLED)",
        code=problem,
        operation="GetMetadataToken",
    )


def instance_role(
    client: httpx.Client, metadata_url: str, role_name: str | None, *, imdsv1: bool = True
) -> Expiring[AccessKey]:
    """The temporary key of the instance's RAM role (discovered when ``role_name`` is None)."""
    base = metadata_url.rstrip("/")

    def read(path: str, what: str) -> httpx.Response:
        # A fresh token for each read, as the credentials library asks for one.
        token = _metadata_token(client, base, imdsv1)
        return _get(client, f"{base}{path}", what, {"X-aliyun-ecs-metadata-token": token} if token else None)

    if not role_name:
        response = read(CREDENTIALS_PATH, "GetEcsRamRoleName")
        lines = response.text.strip().splitlines() if response.status_code == 200 else []
        role_name = lines[0].strip() if lines else ""
        if not role_name:
            raise errors.ConfigError(
                f"the ECS metadata service at {base} names no RAM role for this instance "
                f"(HTTP {response.status_code}): attach one, or give ecs_role_name"
            )
    response = read(f"{CREDENTIALS_PATH}{role_name}", "GetEcsRamRoleCredentials")
    if response.status_code != 200:
        raise errors.AuthError(
            f"the ECS metadata service has no credentials for RAM role {role_name!r}",
            status=response.status_code,
            operation="GetEcsRamRoleCredentials",
            hint="check ecs_role_name (ALIBABA_CLOUD_ECS_METADATA) against the role attached to the instance",
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("Code") != "Success":
        register_secret(body.get("AccessKeySecret"))
        register_secret(body.get("SecurityToken"))
        raise errors.CloudError(
            f"the ECS metadata service answered Code {body.get('Code')!r} for RAM role {role_name!r}",
            operation="GetEcsRamRoleCredentials",
        )
    return _key_of(body, "GetEcsRamRoleCredentials")
