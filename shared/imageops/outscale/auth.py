"""OUTSCALE API request signing as an ``httpx.Auth``: OSC4-HMAC-SHA256 (the default) or AWS SigV4.

Both are AWS Signature Version 4 in shape. They differ in names only where OUTSCALE renamed them:

* ``osc4`` reproduces osc-sdk-python's ``Authentication.forge_headers_signed`` byte for byte: the key
  is derived from ``"OSC4" + secret`` over ``date / region / "api" / "osc4_request"``, the date travels
  in ``X-Osc-Date``, the signed headers are ``content-type;host;x-osc-date``, the host is signed
  *without* its port (the SDK signs ``urllib3.parse_url(endpoint).host``) and the query is empty.
* ``aws4`` is plain SigV4 as botocore's ``SigV4Auth`` computes it, which the OUTSCALE API accepts too
  (the Go SDK and the Terraform provider sign this way): ``"AWS4" + secret`` over ``date / region /
  "oapi" / "aws4_request"``, ``X-Amz-Date``, and the ``Host`` header signed as sent (with a
  non-default port), the way every SigV4 implementation does.

The signer is a :class:`imageops.credentials.SigningAuth` over a :class:`StaticSource`: an OUTSCALE
access key does not expire, so a 401 is answered as it is, never retried.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import parse_qsl, quote

import httpx

from imageops.credentials import SigningAuth, StaticSource
from imageops.redact import register_secret

__all__ = ["ALGORITHM", "CONTENT_TYPE", "SIGNATURES", "SIGNED_HEADERS", "AccessKey", "OscSigner", "Signature"]

Signature = Literal["osc4", "aws4"]
SIGNATURES: tuple[Signature, ...] = ("osc4", "aws4")


@dataclass(frozen=True)
class _Scheme:
    algorithm: str
    key_prefix: str
    service: str
    terminator: str
    date_header: str
    host_with_port: bool


_SCHEMES: dict[str, _Scheme] = {
    "osc4": _Scheme("OSC4-HMAC-SHA256", "OSC4", "api", "osc4_request", "x-osc-date", host_with_port=False),
    "aws4": _Scheme("AWS4-HMAC-SHA256", "AWS4", "oapi", "aws4_request", "x-amz-date", host_with_port=True),
}

ALGORITHM = _SCHEMES["osc4"].algorithm
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-osc-date"
"""The headers signed by the default (``osc4``) scheme."""


@dataclass(frozen=True, repr=False)
class AccessKey:
    """An OUTSCALE access key pair (the secret never in a repr)."""

    access_key: str
    secret_key: str

    def __post_init__(self) -> None:
        register_secret(self.secret_key)

    def __repr__(self) -> str:
        return f"AccessKey({self.access_key!r}, secret_key=<hidden>)"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _canonical_query(query: str) -> str:
    # Image calls carry no query; SigV4's rule is kept so a query could never be signed wrongly.
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in pairs)


def _host_of(url: httpx.URL, *, with_port: bool) -> str:
    # httpx leaves a default port out of url.port, as SigV4 signers leave it out of the Host.
    return f"{url.host}:{url.port}" if with_port and url.port is not None else url.host


class OscSigner(SigningAuth[AccessKey]):
    """Signs each request with an access key pair for one Region, with ``signature`` (``osc4``, the
    SDK's, or ``aws4``)."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        region: str,
        *,
        signature: Signature = "osc4",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if signature not in _SCHEMES:
            raise ValueError(f"signature must be one of {', '.join(SIGNATURES)}, not {signature!r}")
        super().__init__(StaticSource(AccessKey(access_key, secret_key)))
        self.access_key = access_key
        self.region = region
        self.signature: Signature = signature
        self._scheme = _SCHEMES[signature]
        self._clock = clock

    def __repr__(self) -> str:
        return (
            f"OscSigner(access_key={self.access_key!r}, region={self.region!r}, "
            f"signature={self.signature!r}, secret_key=<hidden>)"
        )

    def signing_key(self, date: str, credentials: AccessKey | None = None) -> bytes:
        scheme, key_pair = self._scheme, credentials or self.source.current()
        key = _hmac((scheme.key_prefix + key_pair.secret_key).encode("utf-8"), date)
        for part in (self.region, scheme.service, scheme.terminator):
            key = _hmac(key, part)
        return key

    def headers_for(
        self, host: str, uri: str, body: str, query: str = "", credentials: AccessKey | None = None
    ) -> dict[str, str]:
        """The ``Content-Type``, date and ``Authorization`` headers for one POST of ``body`` to
        ``host`` + ``uri`` (``host`` as this scheme signs it: see the module doc)."""
        scheme, key_pair = self._scheme, credentials or self.source.current()
        now = self._clock().astimezone(UTC)
        stamp, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        scope = f"{date}/{self.region}/{scheme.service}/{scheme.terminator}"
        signed_headers = f"content-type;host;{scheme.date_header}"
        canonical = "\n".join(
            [
                "POST",
                uri,
                _canonical_query(query),
                f"content-type:{CONTENT_TYPE}\nhost:{host}\n{scheme.date_header}:{stamp}\n",
                signed_headers,
                hashlib.sha256(body.encode("utf-8")).hexdigest(),
            ]
        )
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        to_sign = "\n".join([scheme.algorithm, stamp, scope, digest])
        signature = hmac.new(self.signing_key(date, key_pair), to_sign.encode("utf-8"), hashlib.sha256)
        return {
            "Content-Type": CONTENT_TYPE,
            # The header's spelling as the SDKs send it (X-Osc-Date / X-Amz-Date).
            "X-Osc-Date" if scheme.date_header == "x-osc-date" else "X-Amz-Date": stamp,
            "Authorization": (
                f"{scheme.algorithm} Credential={key_pair.access_key}/{scope}, "
                f"SignedHeaders={signed_headers}, Signature={signature.hexdigest()}"
            ),
        }

    def sign_with(self, request: httpx.Request, credentials: AccessKey) -> httpx.Request:
        host = _host_of(request.url, with_port=self._scheme.host_with_port)
        raw = request.url.raw_path.decode("ascii")
        # osc-sdk-python signs the whole path_url as the URI and an empty query; SigV4 splits them.
        uri, query = (
            (raw.partition("?")[0], request.url.query.decode("ascii"))
            if self.signature == "aws4"
            else (raw, "")
        )
        body = request.content.decode("utf-8")
        request.headers.update(self.headers_for(host, uri, body, query, credentials))
        return request
