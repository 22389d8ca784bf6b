"""OCI request signing (HTTP Signatures, draft-cavage, RSA-SHA256), as an ``httpx.Auth``.

The ``Authorization`` header is byte for byte what the official ``oci`` SDK's signers produce for the
same request::

    Signature algorithm="rsa-sha256",headers="date (request-target) host",
    keyId="<key id>",signature="<base64>",version="1"

(one line, no space after the commas). The key id is ``<tenancy>/<user>/<fingerprint>`` for an API
key (``oci.signer.Signer``) and ``ST$<token>`` for a security token, signed with the session key the
token was issued for (``oci.auth.signers.SecurityTokenSigner`` and the instance- and resource-principal
signers built on it). A token's key id is a secret: it never appears in a ``repr``.

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
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from imageops.credentials import CredentialSource, SigningAuth, StaticSource
from imageops.errors import ConfigError

__all__ = [
    "BODY_HEADERS",
    "GENERIC_HEADERS",
    "TOKEN_KEY_ID_PREFIX",
    "OciSigner",
    "SigningKey",
    "load_private_key",
]

GENERIC_HEADERS: tuple[str, ...] = ("date", "(request-target)", "host")
BODY_HEADERS: tuple[str, ...] = ("content-length", "content-type", "x-content-sha256")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_KNOWN_METHODS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"}) | _BODY_METHODS
TOKEN_KEY_ID_PREFIX = "ST$"
"""The key id of a request signed with a security token is ``ST$<token>``, as the SDK writes it."""


@dataclass(frozen=True, repr=False)
class SigningKey:
    """A key id and the private key that signs for it (an API key, or a token and its session key)."""

    key_id: str
    private_key: rsa.RSAPrivateKey

    @classmethod
    def for_token(cls, token: str, private_key: rsa.RSAPrivateKey) -> SigningKey:
        return cls(TOKEN_KEY_ID_PREFIX + token, private_key)

    @property
    def is_token(self) -> bool:
        return self.key_id.startswith(TOKEN_KEY_ID_PREFIX)

    def __repr__(self) -> str:
        shown = "ST$<hidden>" if self.is_token else self.key_id
        return f"SigningKey(key_id={shown!r})"


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


class OciSigner(SigningAuth[SigningKey]):
    """Signs each request with a :class:`SigningKey` from a credential source.

    ``OciSigner(key_id, private_key)`` signs with one API key (``tenancy/user/fingerprint``);
    :meth:`over` signs with whatever key a source holds now (a token refreshed before it expires), and
    after a 401 renews it once (:class:`imageops.credentials.SigningAuth`). ``generic_headers`` are
    signed on every request: the federation call signs ``date (request-target)`` only, as the SDK's
    ``AuthTokenRequestSigner`` does.
    """

    def __init__(
        self,
        key_id: str,
        private_key: rsa.RSAPrivateKey,
        *,
        clock: Callable[[], float] = time.time,
        generic_headers: tuple[str, ...] = GENERIC_HEADERS,
    ) -> None:
        self._setup(StaticSource(SigningKey(key_id, private_key)), clock, generic_headers)

    def _setup(
        self,
        source: CredentialSource[SigningKey],
        clock: Callable[[], float],
        generic_headers: tuple[str, ...],
    ) -> None:
        super().__init__(source)
        self._clock = clock
        self._generic = tuple(generic_headers)

    @classmethod
    def over(
        cls,
        source: CredentialSource[SigningKey],
        *,
        clock: Callable[[], float] = time.time,
        generic_headers: tuple[str, ...] = GENERIC_HEADERS,
    ) -> OciSigner:
        """A signer using ``source``'s key at each request."""
        signer = cls.__new__(cls)
        signer._setup(source, clock, generic_headers)
        return signer

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

    @property
    def key_id(self) -> str | None:
        """The API key's id; None for a token (a secret, and it changes)."""
        if isinstance(self.source, StaticSource):
            key: SigningKey = self.source.current()
            return None if key.is_token else key.key_id
        return None

    def __repr__(self) -> str:
        key_id = self.key_id
        return f"OciSigner(key_id={key_id!r})" if key_id is not None else f"OciSigner({self.source!r})"

    def sign_with(self, request: httpx.Request, credentials: SigningKey) -> httpx.Request:
        """Add ``date`` (if missing), the body headers (for POST/PUT/PATCH) and ``authorization``."""
        method = request.method.upper()
        if method not in _KNOWN_METHODS:
            raise ValueError(f"cannot sign an HTTP {method} request")
        headers = request.headers
        headers.setdefault("date", _rfc7231_date(self._clock()))
        if "host" not in headers:
            headers["host"] = request.url.netloc.decode("ascii")
        names = self._generic
        if method in _BODY_METHODS:
            body = request.content
            headers.setdefault("content-type", "application/json")
            headers.setdefault("content-length", str(len(body)))
            if "x-content-sha256" not in headers:
                headers["x-content-sha256"] = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
            names = names + BODY_HEADERS
        target = request.url.raw_path.decode("ascii")
        lines = []
        for name in names:
            if name == "(request-target)":
                lines.append(f"(request-target): {method.lower()} {target}")
            else:
                lines.append(f"{name}: {headers[name]}")
        signing_string = "\n".join(lines).encode("ascii")
        signature = credentials.private_key.sign(signing_string, padding.PKCS1v15(), hashes.SHA256())
        headers["authorization"] = (
            'Signature algorithm="rsa-sha256",'
            f'headers="{" ".join(names)}",'
            f'keyId="{credentials.key_id}",'
            f'signature="{base64.b64encode(signature).decode("ascii")}",'
            'version="1"'
        )
        return request
