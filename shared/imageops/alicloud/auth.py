"""Alibaba Cloud request signing, as ``httpx.Auth``: the RPC signature v1 and ACS3-HMAC-SHA256.

The API layer sends every call as ``POST /?Action=..&Version=..&<parameters>``; each signer turns
that into what its scheme expects, freshly for every attempt (new nonce and timestamp):

* :class:`RpcSigner` (``SignatureVersion=1.0``) adds ``AccessKeyId``, ``Format``, ``SignatureMethod``
  (HMAC-SHA1), ``SignatureNonce``, ``SignatureType``, ``SignatureVersion``, ``Timestamp`` and
  ``SecurityToken`` to the query and signs ``POST&%2F&`` + the encoded sorted parameters with the
  key ``secret&`` - as aliyun-python-sdk-core does.
* :class:`Acs3Signer` moves ``Action``/``Version`` to ``x-acs-action``/``x-acs-version``, adds
  ``x-acs-date``, ``x-acs-signature-nonce``, ``x-acs-content-sha256`` (and ``x-acs-security-token``)
  and signs the canonical request over ``host``, ``content-type`` and every ``x-acs-*`` header - as
  the tea OpenAPI SDK does.

Both read their :class:`AccessKey` from a credential source at every attempt (static keys, or the
temporary keys of a RAM role, refreshed before expiry: :mod:`imageops.alicloud.signin`), and after
an answer refusing the key (:data:`REFUSED_CODES`) renew it and send the request once more, never
twice (:class:`imageops.credentials.SigningAuth`). Both are checked byte for byte against the
official SDKs in ``tests/unit/test_alicloud_auth.py`` and ``tests/unit/test_alicloud_sign_in_offline.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self
from urllib.parse import parse_qsl, quote

import httpx

from imageops.credentials import CredentialSource, SigningAuth, StaticSource
from imageops.redact import register_secret

__all__ = [
    "REFUSED_CODES",
    "AccessKey",
    "Acs3Signer",
    "RpcSigner",
    "percent_encode",
    "refused_code",
    "rpc_string_to_sign",
]

ACS3 = "ACS3-HMAC-SHA256"


def percent_encode(text: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud specifies it: only ``A-Za-z0-9-_.~`` stay as they are."""
    return quote(text, safe="~")


def _utc_now(clock: Callable[[], float]) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock()))


def _params(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)


def rpc_string_to_sign(method: str, params: dict[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))
    return f"{method.upper()}&%2F&{percent_encode(canonical)}"


@dataclass(frozen=True, repr=False)
class AccessKey:
    """An AccessKey pair, with the STS security token of a temporary one."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.access_key_secret)
        register_secret(self.security_token)

    def __repr__(self) -> str:
        return f"AccessKey({self.access_key_id!r}, <hidden>)"


# ECS answers a refused credential with 400/403/404 and one of these codes, never with 401: the
# codes a temporary key can earn by expiring (or by being revoked early), worth one renewal.
REFUSED_CODES = frozenset(
    {
        "InvalidSecurityToken.Expired",
        "InvalidSecurityToken.Malformed",
        "InvalidSecurityToken.MismatchWithAccessKey",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
    }
)


def refused_code(response: httpx.Response) -> str | None:
    """The ``Code`` of an ECS/STS answer refusing the credentials, else None."""
    if response.status_code == 401:
        return "Unauthorized"
    if response.status_code not in (400, 403, 404):
        return None
    try:
        code = json.loads(response.content).get("Code")
    except (ValueError, AttributeError):
        return None
    return code if code in REFUSED_CODES else None


class _Signer(SigningAuth[AccessKey]):
    """Signs with a :class:`~imageops.credentials.CredentialSource` of :class:`AccessKey` (static
    keys, or temporary ones refreshed before expiry); one renewal and retry after a refusal."""

    requires_request_body = True
    requires_response_body = True  # the refusal is in the body's Code

    def __init__(
        self,
        access_key_id: str,
        access_key_secret: str,
        security_token: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._init(StaticSource(AccessKey(access_key_id, access_key_secret, security_token)), clock, nonce)

    @classmethod
    def over(
        cls,
        source: CredentialSource[AccessKey],
        *,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> Self:
        """A signer reading its key from ``source`` at every request."""
        signer = cls.__new__(cls)
        signer._init(source, clock, nonce)
        return signer

    def _init(
        self, source: CredentialSource[AccessKey], clock: Callable[[], float], nonce: Callable[[], str]
    ) -> None:
        SigningAuth.__init__(self, source)
        self._clock = clock
        self._nonce = nonce

    @property
    def access_key_id(self) -> str:
        return self.source.current().access_key_id

    def refused(self, response: httpx.Response) -> bool:
        return refused_code(response) is not None

    def __repr__(self) -> str:
        if isinstance(self.source, StaticSource):  # the key id is no secret; temporary ones churn
            return f"{type(self).__name__}(access_key_id={self.access_key_id!r})"
        return f"{type(self).__name__}({self.source!r})"


class RpcSigner(_Signer):
    """ECS RPC signature v1 (HMAC-SHA1 over the canonical query)."""

    def sign_params(
        self, method: str, params: dict[str, str], key: AccessKey | None = None
    ) -> dict[str, str]:
        """``params`` plus the signature parameters and ``Signature`` (``key``: the source's now)."""
        key = key or self.source.current()
        signed = dict(params)
        signed.pop("Signature", None)
        signed.update({
            "Timestamp": _utc_now(self._clock), "SignatureMethod": "HMAC-SHA1", "SignatureType": "",
            "SignatureVersion": "1.0", "SignatureNonce": self._nonce(), "AccessKeyId": key.access_key_id,
            "Format": "JSON",
        })  # fmt: skip
        if key.security_token:
            signed["SecurityToken"] = key.security_token
        digest = hmac.new(
            f"{key.access_key_secret}&".encode(), rpc_string_to_sign(method, signed).encode(), hashlib.sha1
        ).digest()
        signed["Signature"] = base64.b64encode(digest).decode()
        return signed

    def sign_with(self, request: httpx.Request, credentials: AccessKey) -> httpx.Request:
        params = dict(_params(request))
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            # Form parameters are signed too, but stay in the body.
            body = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
            signed = self.sign_params(request.method, {**params, **body}, credentials)
            signed = {k: v for k, v in signed.items() if k not in body}
        else:
            signed = self.sign_params(request.method, params, credentials)
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in signed.items())
        request.url = request.url.copy_with(query=query.encode("ascii"))
        return request


class Acs3Signer(_Signer):
    """ACS3-HMAC-SHA256 (the V3 signature) in the ``Authorization`` header."""

    def authorization(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        payload_hash: str,
        key: AccessKey | None = None,
    ) -> str:
        """The ``Authorization`` value; ``headers`` are the (lower-case) headers to sign."""
        key = key or self.source.current()
        names = sorted(headers)
        canonical = "\n".join([
            method.upper(), path or "/",
            "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(query)),
            "".join(f"{n}:{headers[n].strip()}\n" for n in names), ";".join(names), payload_hash,
        ])  # fmt: skip
        to_sign = f"{ACS3}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        signature = hmac.new(key.access_key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        return f"{ACS3} Credential={key.access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"

    def sign_with(self, request: httpx.Request, credentials: AccessKey) -> httpx.Request:
        query = _params(request)
        moved = {k: v for k, v in query if k in ("Action", "Version")}
        query = [(k, v) for k, v in query if k not in moved]
        payload_hash = hashlib.sha256(request.content).hexdigest()
        request.headers.update({
            "x-acs-action": moved.get("Action", request.headers.get("x-acs-action", "")),
            "x-acs-version": moved.get("Version", request.headers.get("x-acs-version", "")),
            "x-acs-date": _utc_now(self._clock), "x-acs-signature-nonce": self._nonce(),
            "x-acs-content-sha256": payload_hash,
        })  # fmt: skip
        if credentials.security_token:
            request.headers["x-acs-accesskey-id"] = credentials.access_key_id
            request.headers["x-acs-security-token"] = credentials.security_token
        encoded = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in query)
        request.url = request.url.copy_with(query=encoded.encode("ascii") or None)
        signed = {
            name.lower(): value for name, value in request.headers.items()
            if name.lower() in ("host", "content-type") or name.lower().startswith("x-acs-")
        }  # fmt: skip
        request.headers["authorization"] = self.authorization(
            request.method, request.url.path, query, signed, payload_hash, credentials
        )
        return request
