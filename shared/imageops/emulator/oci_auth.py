"""OCI API keys and HTTP Signature verification (draft-cavage, ``version="1"``, rsa-sha256).

Written independently of any client-side signer so the emulator cross-checks them.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import itertools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MAX_CLOCK_SKEW = 300.0
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
BODY_HEADERS = ("content-length", "content-type", "x-content-sha256")
_PARAM = re.compile(r'([A-Za-z]+)\s*=\s*"([^"]*)"')


class SignatureError(Exception):
    """The request is not authenticated (401 NotAuthenticated)."""


@dataclass(frozen=True)
class Caller:
    tenancy: str
    user: str
    fingerprint: str


# ------------------------------------------------------------------------------------------- keys
KEY_POOL_VARIABLE = "IMAGEOPS_EMULATOR_KEY_POOL"
"""A folder of RSA keys the emulator takes its keys from instead of generating them (the test
harness sets it: :func:`imageops.emulator.testing.running_emulator`). Unset, every key is new."""
_pool_taken = itertools.count()


def generate_key() -> rsa.RSAPrivateKey:
    """An RSA 2048 key no other call in this process got: new, or the next one of the key pool.

    An emulator makes eight at start (API keys, session, instance and resource principal keys),
    about 0.6 s of CPU, and the test suite starts one per test file and more. With
    ``IMAGEOPS_EMULATOR_KEY_POOL`` set, the n-th key of a process is the pool's ``key-<n>.pem``,
    made by whoever needs it first: keys stay distinct within an emulator, and emulators on one
    machine share them, which is harmless, as each has its own tenancies, users and fingerprints
    registered."""
    folder = os.environ.get(KEY_POOL_VARIABLE)
    if not folder:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = Path(folder) / f"key-{next(_pool_taken):03d}.pem"
    try:
        # the pool's keys are this user's own (mode 0600, written below): checking each key's primes
        # again would cost as much CPU as making it
        key = serialization.load_pem_private_key(path.read_bytes(), None, unsafe_skip_rsa_key_validation=True)
        if isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048:
            return key
    except (OSError, ValueError, TypeError):
        pass  # not made yet, or half-written by a process that was killed: make it again
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # atomic: two emulators making the same key at once each keep their own, the file one of them
        partial.write_bytes(private_pem(key))
        partial.chmod(0o600)
        os.replace(partial, path)
    except OSError:  # a pool that cannot be written only saves no time
        with contextlib.suppress(OSError):
            partial.unlink()
    return key


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def private_pem(key: rsa.RSAPrivateKey, passphrase: str | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def fingerprint(key: rsa.RSAPrivateKey | rsa.RSAPublicKey | str) -> str:
    """OCI's key fingerprint: MD5 of the DER SubjectPublicKeyInfo, colon-separated lowercase hex."""
    if isinstance(key, str):
        pub = serialization.load_pem_public_key(key.encode())
    else:
        pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.md5(der).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def load_private_key_file(path: str, passphrase: str | None = None) -> rsa.RSAPrivateKey:
    with open(path, "rb") as fh:
        key = serialization.load_pem_private_key(fh.read(), passphrase.encode() if passphrase else None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


# ------------------------------------------------------------------------------------ verification
def parse_authorization(value: str) -> dict[str, str]:
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "signature" or not rest:
        raise SignatureError("The Authorization header is not an OCI HTTP Signature")
    params = {k: v for k, v in _PARAM.findall(rest)}
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise SignatureError(f"The Authorization header has no {required}")
    if params.get("version", "1") != "1":
        raise SignatureError("Unsupported signature version")
    if params.get("algorithm", "rsa-sha256").lower() != "rsa-sha256":
        raise SignatureError("Unsupported signature algorithm")
    return params


def request_target(method: str, raw_path: bytes, query_string: bytes) -> str:
    path = raw_path.decode("latin-1")
    if query_string and "?" not in path:
        path += "?" + query_string.decode("latin-1")
    return f"{method.lower()} {path}"


def _check_date(headers: Mapping[str, str], now: float) -> None:
    value = headers.get("x-date") or headers.get("date")
    if not value:
        raise SignatureError("The request has no date header")
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureError("The date header is not an RFC 7231 date") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if abs(when.timestamp() - now) > MAX_CLOCK_SKEW:
        raise SignatureError("The request date is more than 5 minutes away from the server clock")


def verify_request(
    *,
    method: str,
    raw_path: bytes,
    query_string: bytes,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    lookup_key: Callable[[str, str, str], str | None] | None = None,
    content_headers: bool = True,
    key_for: Callable[[str], tuple[Caller, str]] | None = None,
    required: tuple[str, ...] = ("(request-target)", "host"),
) -> Caller:
    """Verify the signature of one request; ``headers`` must have lowercase names.

    ``lookup_key(tenancy, user, fingerprint)`` returns the registered public key PEM or None;
    ``key_for(key_id)``, when given, resolves every key id instead (security tokens, the federation
    call's certificate) to the caller and its public key PEM, raising :class:`SignatureError`.
    ``required`` are the headers that must be signed besides the date (the federation call signs no
    ``host``).
    ``content_headers=False`` is for Object Storage's PutObject, whose (possibly huge, streamed) body
    the SDK signs without ``content-length``/``content-type``/``x-content-sha256``.
    """
    auth = headers.get("authorization")
    if not auth:
        raise SignatureError("The required information to complete authentication was not provided")
    params = parse_authorization(auth)
    signed = params.get("headers", "date").lower().split()
    if "date" not in signed and "x-date" not in signed:
        raise SignatureError("The date header must be signed")
    for name in required:
        if name not in signed:
            raise SignatureError(f"The {name} header must be signed")
    body_signed = content_headers and method.upper() in BODY_METHODS
    if body_signed:
        for name in BODY_HEADERS:
            if name not in signed:
                raise SignatureError(f"The {name} header must be signed for {method.upper()}")
    _check_date(headers, now)
    if body_signed:
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        if headers.get("x-content-sha256") != digest:
            raise SignatureError("x-content-sha256 does not match the body")
        if headers.get("content-length", "").strip() != str(len(body)):
            raise SignatureError("content-length does not match the body")

    lines = []
    for name in signed:
        if name == "(request-target)":
            lines.append(f"(request-target): {request_target(method, raw_path, query_string)}")
            continue
        value = headers.get(name)
        if value is None:
            raise SignatureError(f"The signed header {name} is missing from the request")
        lines.append(f"{name}: {value}")
    signing_string = "\n".join(lines).encode("utf-8")

    if key_for is not None:
        caller, pem = key_for(params["keyId"])
    else:
        assert lookup_key is not None
        caller, pem = api_key_for(params["keyId"], lookup_key)
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("The signature is not base64") from None
    public_key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(public_key, rsa.RSAPublicKey)
    try:
        public_key.verify(signature, signing_string, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("The signature does not verify") from None
    return caller


def api_key_for(key_id: str, lookup_key: Callable[[str, str, str], str | None]) -> tuple[Caller, str]:
    """The caller and public key of an API key id ``<tenancy>/<user>/<fingerprint>``."""
    parts = key_id.split("/")
    if len(parts) != 3 or not all(parts):
        raise SignatureError("The keyId is not <tenancy>/<user>/<fingerprint>")
    tenancy, user, fp = parts
    pem = lookup_key(tenancy, user, fp)
    if pem is None:
        raise SignatureError("The key in keyId is not registered for that user and tenancy")
    return Caller(tenancy=tenancy, user=user, fingerprint=fp), pem


def utc_now_http_date(offset: float = 0.0) -> str:
    """An RFC 7231 date, e.g. for tests that need a stale one."""
    from email.utils import formatdate

    return formatdate(datetime.now(UTC).timestamp() + offset, usegmt=True)
