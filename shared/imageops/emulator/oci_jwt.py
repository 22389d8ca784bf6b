"""The emulator's OCI tokens and certificates, in pieces: base64url, JWK, unverified claims, key
files, X.509 names and certificates (see :mod:`imageops.emulator.oci_identity`)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from imageops.emulator.core import atomic_write
from imageops.emulator.oci_auth import SignatureError, generate_key, private_pem


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": "session",
        "n": _int_b64(numbers.n),
        "e": _int_b64(numbers.e),
    }


def public_from_jwk(data: Any) -> rsa.RSAPublicKey:
    if not isinstance(data, dict) or data.get("kty") != "RSA":
        raise SignatureError("The security token carries no RSA session key")
    n = int.from_bytes(unb64url(str(data["n"])), "big")
    e = int.from_bytes(unb64url(str(data["e"])), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


def unverified_claims(token: str) -> dict[str, Any]:
    try:
        claims = json.loads(unb64url(token.split(".")[1]))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def key_file(path: Path) -> rsa.RSAPrivateKey:
    """The key in ``path``, made (mode 0600) when missing or unreadable."""
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), None)
            if isinstance(key, rsa.RSAPrivateKey):
                return key
        except (ValueError, TypeError):
            pass
    key = generate_key()
    atomic_write(path, private_pem(key), mode=0o600)
    return key


def x509_name(*units: str, common: str) -> x509.Name:
    # OCIDs are longer than X.520's 64-character bound, and OCI's certificates carry them anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common, _validate=False)]
        attributes += [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, u, _validate=False) for u in units
        ]
    return x509.Name(attributes)


def certificate(
    subject: x509.Name, public_key: rsa.RSAPublicKey, issuer: x509.Name, signer: rsa.RSAPrivateKey, ca: bool
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signer, hashes.SHA256())
    )


def token_tenancy(token: str) -> str | None:
    """The tenancy a token claims (unverified), for the call log of refused or faulted calls."""
    claims = unverified_claims(token)
    return str(claims.get("tenant") or claims.get("res_tenant") or "") or None
