"""Verification of OUTSCALE API request signatures: OSC4-HMAC-SHA256 and AWS4-HMAC-SHA256.

Both are AWS Signature Version 4 in shape; OSC4 prefixes the secret with ``OSC4`` and ends the scope
with ``osc4_request``, AWS4 uses ``AWS4`` and ``aws4_request``. The SDKs sign the host without its
port (osc-sdk-python takes ``urllib3.parse_url(endpoint).host``), while SigV4 signers in general sign
the Host header as sent, so both forms are accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

ALGORITHMS = {"OSC4-HMAC-SHA256": ("OSC4", "osc4_request"), "AWS4-HMAC-SHA256": ("AWS4", "aws4_request")}
SERVICES = ("api", "oapi")
MAX_SKEW_SECONDS = 15 * 60
_AUTH = re.compile(
    r"^(?P<alg>[A-Z0-9-]+) Credential=(?P<cred>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),\s*"
    r"Signature=(?P<sig>[0-9a-f]{64})$"
)


class SignatureError(Exception):
    """The request is not signed, or not signed with a known key."""


@dataclass(frozen=True)
class Caller:
    access_key: str
    account: str


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(prefix: str, secret: str, date: str, region: str, service: str, terminator: str) -> bytes:
    key = _hmac((prefix + secret).encode(), date)
    for part in (region, service, terminator):
        key = _hmac(key, part)
    return key


def _canonical_query(query: str) -> str:
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)


def access_key_of(authorization: str) -> str | None:
    match = _AUTH.match(authorization.strip())
    return match.group("cred").split("/")[0] if match else None


def verify(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    region: str,
    now: float,
    secret_for: Callable[[str], tuple[str, str] | None],
) -> Caller:
    """Check the signature of a request; ``secret_for(access_key)`` gives ``(secret, account)``."""
    authorization = headers.get("authorization")
    if not authorization:
        raise SignatureError("the Authorization header is missing")
    match = _AUTH.match(authorization.strip())
    if match is None or match.group("alg") not in ALGORITHMS:
        raise SignatureError("the Authorization header is not an OSC4/AWS4-HMAC-SHA256 signature")
    prefix, terminator = ALGORITHMS[match.group("alg")]
    parts = match.group("cred").split("/")
    if len(parts) != 5 or parts[4] != terminator or parts[3] not in SERVICES:
        raise SignatureError("the credential scope is malformed")
    access_key, date, scope_region, service = parts[:4]
    if scope_region != region:
        raise SignatureError(f"the credential scope names region {scope_region!r}, not {region!r}")
    stamp = headers.get("x-osc-date") or headers.get("x-amz-date") or ""
    try:
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise SignatureError("X-Osc-Date is missing or malformed") from None
    if not stamp.startswith(date) or abs(now - signed_at) > MAX_SKEW_SECONDS:
        raise SignatureError("the request date is outside the allowed window")
    found = secret_for(access_key)
    if found is None:
        raise SignatureError("the access key is unknown")
    secret, account = found
    signed = match.group("signed").split(";")
    if "host" not in signed or not ({"x-osc-date", "x-amz-date"} & set(signed)):
        raise SignatureError("host and the date header must be signed")
    if any(name not in headers for name in signed):
        raise SignatureError("a signed header is missing from the request")
    key = signing_key(prefix, secret, date, scope_region, service, terminator)
    host = headers["host"]
    hosts = [host, host.rsplit(":", 1)[0]] if ":" in host and not host.endswith("]") else [host]
    for candidate in hosts:
        values = {**headers, "host": candidate}
        canonical = "\n".join(
            [
                method,
                path,
                _canonical_query(query),
                "".join(f"{name}:{' '.join(values[name].split())}\n" for name in signed),
                ";".join(signed),
                hashlib.sha256(body).hexdigest(),
            ]
        )
        to_sign = "\n".join(
            [match.group("alg"), stamp, "/".join(parts[1:]), hashlib.sha256(canonical.encode()).hexdigest()]
        )
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, match.group("sig")):
            return Caller(access_key, account)
    raise SignatureError("the signature does not match")
