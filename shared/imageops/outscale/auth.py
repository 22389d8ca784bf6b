"""OUTSCALE API request signing (OSC4-HMAC-SHA256) as an ``httpx.Auth``.

The scheme is AWS Signature Version 4 with OUTSCALE's names: the key is derived from ``"OSC4" +
secret`` over ``date / region / "api" / "osc4_request"``, the date travels in ``X-Osc-Date``, and the
signed headers are ``content-type;host;x-osc-date``. It reproduces osc-sdk-python's
``Authentication.forge_headers_signed`` byte for byte: the same content type
(``application/json; charset=utf-8``), the host *without* its port (the SDK signs
``urllib3.parse_url(endpoint).host``), the request path as the canonical URI and an empty canonical
query string.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from datetime import UTC, datetime

import httpx

from imageops.redact import register_secret

__all__ = ["ALGORITHM", "CONTENT_TYPE", "SIGNED_HEADERS", "OscSigner"]

ALGORITHM = "OSC4-HMAC-SHA256"
SERVICE = "api"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host;x-osc-date"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


class OscSigner(httpx.Auth):
    """Signs each request with an access key pair for one Region."""

    requires_request_body = True

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        region: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        register_secret(secret_key)
        self.access_key = access_key
        self._secret_key = secret_key
        self.region = region
        self._clock = clock

    def __repr__(self) -> str:
        return f"OscSigner(access_key={self.access_key!r}, region={self.region!r}, secret_key=<hidden>)"

    def signing_key(self, date: str) -> bytes:
        key = _hmac(("OSC4" + self._secret_key).encode("utf-8"), date)
        for part in (self.region, SERVICE, "osc4_request"):
            key = _hmac(key, part)
        return key

    def headers_for(self, host: str, uri: str, body: str) -> dict[str, str]:
        """The ``Content-Type``, ``X-Osc-Date`` and ``Authorization`` headers for one request."""
        now = self._clock().astimezone(UTC)
        stamp, date = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        scope = f"{date}/{self.region}/{SERVICE}/osc4_request"
        canonical = "\n".join(
            [
                "POST",
                uri,
                "",
                f"content-type:{CONTENT_TYPE}\nhost:{host}\nx-osc-date:{stamp}\n",
                SIGNED_HEADERS,
                hashlib.sha256(body.encode("utf-8")).hexdigest(),
            ]
        )
        to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
        signature = hmac.new(self.signing_key(date), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        return {
            "Content-Type": CONTENT_TYPE,
            "X-Osc-Date": stamp,
            "Authorization": (
                f"{ALGORITHM} Credential={self.access_key}/{scope}, "
                f"SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
            ),
        }

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        uri = request.url.raw_path.decode("ascii")
        body = request.content.decode("utf-8")
        request.headers.update(self.headers_for(request.url.host, uri, body))
        yield request
