"""Verification of Alibaba Cloud request signatures, as the ECS front end checks them.

Two schemes reach the same endpoint:

* **RPC signature v1** (``SignatureVersion=1.0``, ``SignatureMethod=HMAC-SHA1``): every parameter of
  the query and the form body except ``Signature``, sorted by name, percent-encoded (RFC 3986, ``~``
  kept) into ``k=v&...``; the string to sign is ``METHOD&%2F&`` + that string percent-encoded again;
  the key is ``secret + "&"``; the signature is base64. ``SignatureNonce`` may not repeat and
  ``Timestamp`` must be within 15 minutes.
* **ACS3-HMAC-SHA256** (the V3 signature): ``Authorization: ACS3-HMAC-SHA256 Credential=<id>,
  SignedHeaders=<a;b>,Signature=<hex>`` over the canonical request (method, path, sorted encoded
  query, the signed headers lower-cased and trimmed, their names, and ``x-acs-content-sha256``).

Written from the public documentation of both schemes, independently of the client signers, so the
contract tests compare two implementations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

NONCE_WINDOW = 900.0
ACS3 = "ACS3-HMAC-SHA256"


@dataclass(frozen=True)
class Key:
    access_key_id: str
    secret: str
    account: str
    security_token: str | None = None


class AuthFailure(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message


def _enc(text: str) -> str:
    return quote(text, safe="~")


def _not_found() -> AuthFailure:
    return AuthFailure(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")


def _mismatch(server_string: str | None = None) -> AuthFailure:
    message = "Specified signature is not matched with our calculation."
    if server_string is not None:
        # As ECS does for RPC v1; aliyun-python-sdk-core compares it with its own string to sign.
        message += f" server string to sign is:{server_string}"
    return AuthFailure(400, "SignatureDoesNotMatch", message)


def _check_token(key: Key, token: str | None) -> None:
    if key.security_token is None:
        return
    if not token:
        raise AuthFailure(400, "MissingSecurityToken", "SecurityToken is mandatory for this access key.")
    if token != key.security_token:
        raise AuthFailure(
            400,
            "InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.",
        )


def _check_time(stamp: str, now: float) -> None:
    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise AuthFailure(
            400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
        ) from None
    if abs(now - when) > NONCE_WINDOW:
        raise AuthFailure(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")


class NonceBook:
    """Nonces seen in the last 15 minutes: a replayed request is refused."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def use(self, nonce: str, now: float) -> None:
        for old in [n for n, t in self._seen.items() if t < now - NONCE_WINDOW]:
            del self._seen[old]
        if not nonce:
            raise AuthFailure(400, "MissingSignatureNonce", "SignatureNonce is mandatory for this action.")
        if nonce in self._seen:
            raise AuthFailure(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self._seen[nonce] = now


def verify_rpc(
    method: str, params: Mapping[str, str], lookup: Callable[[str], Key | None], nonces: NonceBook, now: float
) -> Key:
    """Check an RPC v1 signature over ``params`` (query and form together); return the caller's key."""
    for name in ("AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp"):
        if not params.get(name):
            raise AuthFailure(
                400,
                "MissingParameter",
                f'The input parameter "{name}" that is mandatory for processing this request is not '
                "supplied.",
            )
    if params["SignatureMethod"] != "HMAC-SHA1":
        raise AuthFailure(400, "InvalidSignatureMethod", "Specified signature method is not supported.")
    if params["SignatureVersion"] != "1.0":
        raise AuthFailure(400, "InvalidSignatureVersion", "Specified signature version is not supported.")
    key = lookup(params["AccessKeyId"])
    if key is None:
        raise _not_found()
    canonical = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = f"{method.upper()}&{_enc('/')}&{_enc(canonical)}"
    digest = hmac.new(f"{key.secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    if not hmac.compare_digest(base64.b64encode(digest).decode(), params["Signature"]):
        raise _mismatch(to_sign)
    _check_time(params["Timestamp"], now)
    nonces.use(params.get("SignatureNonce", ""), now)
    _check_token(key, params.get("SecurityToken"))
    return key


def _authorization(value: str) -> dict[str, str]:
    scheme, _, rest = value.partition(" ")
    if scheme != ACS3:
        raise AuthFailure(400, "InvalidAuthorization", "Specified Authorization header is not valid.")
    parts = {}
    for item in rest.split(","):
        name, sep, val = item.strip().partition("=")
        if not sep:
            raise AuthFailure(400, "InvalidAuthorization", "Specified Authorization header is not valid.")
        parts[name] = val
    if not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
        raise AuthFailure(400, "InvalidAuthorization", "Specified Authorization header is not valid.")
    return parts


def verify_acs3(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, list[str]],
    body: bytes,
    lookup: Callable[[str], Key | None],
    nonces: NonceBook,
    now: float,
) -> Key:
    """Check an ACS3-HMAC-SHA256 ``Authorization``; ``headers`` are lower-cased, all values kept."""
    parts = _authorization(headers["authorization"][0])
    key = lookup(parts["Credential"])
    if key is None:
        raise _not_found()
    signed = parts["SignedHeaders"].split(";")
    required = {"host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-action"}
    if not required <= set(signed):
        raise AuthFailure(
            400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."
        )
    if headers.get("x-acs-content-sha256", [""])[0] != hashlib.sha256(body).hexdigest():
        raise AuthFailure(400, "ContentSHA256Mismatch", "The content SHA256 does not match the body.")
    lines = [
        f"{name}:{','.join(sorted(v.strip() for v in headers.get(name, [])))}" for name in sorted(signed)
    ]
    canonical_query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(query))
    request = "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query,
            "\n".join(lines) + "\n",
            ";".join(sorted(signed)),
            headers["x-acs-content-sha256"][0],
        ]
    )
    to_sign = f"{ACS3}\n{hashlib.sha256(request.encode()).hexdigest()}"
    expected = hmac.new(key.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts["Signature"]):
        raise _mismatch()
    _check_time(headers.get("x-acs-date", [""])[0], now)
    nonces.use(headers.get("x-acs-signature-nonce", [""])[0], now)
    tokens = headers.get("x-acs-security-token")
    _check_token(key, tokens[0] if tokens else None)
    return key
