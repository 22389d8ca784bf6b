"""OCI request signing (HTTP Signatures, draft-cavage, RSA-SHA256), as an ``httpx.Auth``.

The ``Authorization`` header is byte for byte what the official ``oci`` SDK's ``oci.signer.Signer``
produces for the same request::

    Signature algorithm="rsa-sha256",headers="date (request-target) host",
    keyId="<tenancy>/<user>/<fingerprint>",signature="<base64>",version="1"

(one line, no space after the commas).

Signed headers: ``date (request-target) host`` for GET, HEAD, DELETE (and OPTIONS), plus
``content-length content-type x-content-sha256`` for POST, PUT and PATCH. Headers the caller already
set (``date``, ``content-type``, ``x-content-sha256``) are kept, as the SDK does; missing ones are
added: ``date`` in RFC 7231 form from the injectable ``clock``, ``content-type`` defaulting to
``application/json``, ``x-content-sha256`` the base64 SHA-256 of the body.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import time
from collections.abc import Callable, Generator

import httpx
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from imageops.errors import ConfigError

__all__ = ["BODY_HEADERS", "GENERIC_HEADERS", "OciSigner", "load_private_key"]

GENERIC_HEADERS: tuple[str, ...] = ("date", "(request-target)", "host")
BODY_HEADERS: tuple[str, ...] = ("content-length", "content-type", "x-content-sha256")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_KNOWN_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"}) | _BODY_METHODS


def load_private_key(pem: bytes | str, pass_phrase: str | bytes | None = None) -> rsa.RSAPrivateKey:
    """Load a PEM RSA private key, encrypted or not.

    Errors are :class:`ConfigError` and never quote the key or the passphrase. As the OCI tools do, a
    passphrase given for a key that has none is ignored (it may be inherited from DEFAULT).
    """
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else bytes(pem)
    data = data.strip()
    password = pass_phrase.encode("utf-8") if isinstance(pass_phrase, str) else pass_phrase
    # The key is the user's own signing key, not input from a peer: skipping the RSA consistency
    # check (~25 ms, a third of an Ansible task's set-up) is safe; a bad key only fails to sign.
    trusted = {"unsafe_skip_rsa_key_validation": True}
    try:
        key = serialization.load_pem_private_key(data, password or None, **trusted)
    except TypeError:
        if not password:
            raise ConfigError("the private key is encrypted: a pass_phrase is required") from None
        try:
            key = serialization.load_pem_private_key(data, None, **trusted)
        except (TypeError, ValueError, UnsupportedAlgorithm):
            raise ConfigError("the private key could not be loaded") from None
    except (ValueError, UnsupportedAlgorithm):
        for loader in (serialization.load_pem_public_key, serialization.load_ssh_public_key):
            try:
                loader(data)
            except (ValueError, UnsupportedAlgorithm):
                continue
            raise ConfigError("a public key was given where the private API signing key is needed") from None
        if password and b"ENCRYPTED" in data:
            raise ConfigError("the private key could not be decrypted: the pass_phrase is wrong") from None
        raise ConfigError(
            "the private key could not be loaded: key_file (or key_content) is not a PEM private key"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError("the OCI API signing key must be an RSA private key")
    return key


def _rfc7231_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


class OciSigner(httpx.Auth):
    """Signs each request with the user's API key. ``key_id`` is ``tenancy/user/fingerprint``."""

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        private_key: rsa.RSAPrivateKey,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key_id = key_id
        self._private_key = private_key
        self._clock = clock

    @classmethod
    def from_pem(
        cls,
        *,
        tenancy: str,
        user: str,
        fingerprint: str,
        key_pem: bytes | str,
        pass_phrase: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> OciSigner:
        return cls(f"{tenancy}/{user}/{fingerprint}", load_private_key(key_pem, pass_phrase), clock=clock)

    def __repr__(self) -> str:
        return f"OciSigner(key_id={self.key_id!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Add ``date`` (if missing), the body headers (for POST/PUT/PATCH) and ``authorization``."""
        method = request.method.upper()
        if method not in _KNOWN_METHODS:
            raise ValueError(f"cannot sign an HTTP {method} request")
        headers = request.headers
        headers.setdefault("date", _rfc7231_date(self._clock()))
        if "host" not in headers:
            headers["host"] = request.url.netloc.decode("ascii")
        names = GENERIC_HEADERS
        if method in _BODY_METHODS:
            body = request.content
            headers.setdefault("content-type", "application/json")
            headers.setdefault("content-length", str(len(body)))
            if "x-content-sha256" not in headers:
                headers["x-content-sha256"] = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
            names = GENERIC_HEADERS + BODY_HEADERS
        target = request.url.raw_path.decode("ascii")
        lines = []
        for name in names:
            if name == "(request-target)":
                lines.append(f"(request-target): {method.lower()} {target}")
            else:
                lines.append(f"{name}: {headers[name]}")
        signing_string = "\n".join(lines).encode("ascii")
        signature = self._private_key.sign(signing_string, padding.PKCS1v15(), hashes.SHA256())
        headers["authorization"] = (
            'Signature algorithm="rsa-sha256",'
            f'headers="{" ".join(names)}",'
            f'keyId="{self.key_id}",'
            f'signature="{base64.b64encode(signature).decode("ascii")}",'
            'version="1"'
        )
