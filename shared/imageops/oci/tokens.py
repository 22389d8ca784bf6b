"""Security tokens: the session token of a profile, and the resource principal's token.

Both are JWTs used as the key id ``ST$<token>`` (:class:`imageops.oci.auth.SigningKey`), signed with
the private key the token was issued for. Their ``exp`` claim says when the cloud stops accepting
them; it is read (never verified: the cloud verifies) so that :class:`~imageops.credentials.RefreshingSource`
reads them again before that, and so that an expired one fails here, before any call, with what to run.

The instance principal's token comes from a federation call instead: see :mod:`imageops.oci.federation`.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from imageops.credentials import Expiring, RefreshingSource
from imageops.errors import ConfigError
from imageops.oci.auth import SigningKey, load_private_key
from imageops.redact import register_secret

__all__ = [
    "RP_PRIVATE_PEM",
    "RP_PRIVATE_PEM_PASSPHRASE",
    "RP_REGION",
    "RP_RPST",
    "RP_VERSION",
    "ResourcePrincipal",
    "claims",
    "expiry",
    "resource_principal",
    "session_token_source",
]

# The variables an OCI service (Functions, Data Science, Container Instances...) sets for resource
# principals, read as the SDK reads them (oci.auth.signers.get_resource_principals_signer). They are
# set by the platform, not by the user, so they are no setting of imageops.oci.schema.
RP_VERSION = "OCI_RESOURCE_PRINCIPAL_VERSION"
RP_RPST = "OCI_RESOURCE_PRINCIPAL_RPST"
RP_PRIVATE_PEM = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"
RP_PRIVATE_PEM_PASSPHRASE = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE"
RP_REGION = "OCI_RESOURCE_PRINCIPAL_REGION"
RP_SUPPORTED_VERSION = "2.2"


def claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified. Raises ValueError (naming no part of the token)."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ValueError("not a JWT (three dot-separated parts)")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError("the JWT payload is not base64url JSON") from None
    if not isinstance(decoded, dict):
        raise ValueError("the JWT payload is not a JSON object")
    return decoded


def expiry(token: str) -> float:
    """The token's ``exp`` (epoch seconds). Raises ValueError."""
    exp = claims(token).get("exp")
    if not isinstance(exp, int | float):
        raise ValueError("the JWT has no numeric exp claim")
    return float(exp)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


# ----------------------------------------------------------------------------- session token
def session_token_source(
    *,
    token_file: str,
    key_pem: bytes,
    pass_phrase: str | None,
    profile: str,
    clock: Callable[[], float] = time.time,
) -> RefreshingSource[SigningKey]:
    """The session token of ``profile`` (``oci session authenticate``) and its key.

    The token cannot be refreshed from here: the file is read again before the token expires (the
    user may have run ``oci session refresh`` meanwhile) and, if it has expired, the source raises
    one :class:`ConfigError` naming the command to run.
    """
    private_key = load_private_key(key_pem, pass_phrase)
    path = Path(os.path.expanduser(token_file))

    def fetch() -> Expiring[SigningKey]:
        try:
            token = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise ConfigError(
                f"the security_token_file {path} of profile {profile!r} does not exist: "
                f"run `oci session authenticate --profile-name {profile}`"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ConfigError(f"the security_token_file {path} cannot be read: {reason}") from None
        register_secret(token)
        try:
            expires = expiry(token)
        except ValueError as exc:
            raise ConfigError(
                f"the security_token_file {path} does not hold a session token ({exc})"
            ) from None
        if expires <= clock():
            raise ConfigError(
                f"the session token of profile {profile!r} expired at {_when(expires)}: "
                f"run `oci session refresh --profile {profile}` (or `oci session authenticate` once it "
                "can no longer be refreshed), then try again"
            )
        return Expiring(SigningKey.for_token(token, private_key), expires)

    return RefreshingSource(fetch, clock=clock, describe=f"session token of profile {profile!r}")


# ------------------------------------------------------------------------- resource principal
class ResourcePrincipal:
    """The resource principal of the ``OCI_RESOURCE_PRINCIPAL_*`` variables (version 2.2).

    Each of the token, the private key and its passphrase is the value itself or, when it is an
    absolute path, the file holding it; files are read again before the token expires and after a 401
    (the platform rotates them), as the SDK does.
    """

    def __init__(self, environ: Mapping[str, str], clock: Callable[[], float] = time.time) -> None:
        version = environ.get(RP_VERSION)
        if not version:
            raise ConfigError(
                f"auth_type resource_principal needs the {RP_VERSION} variable (set by the OCI service "
                "the code runs in); it is not set"
            )
        if version != RP_SUPPORTED_VERSION:
            raise ConfigError(f"{RP_VERSION} must be {RP_SUPPORTED_VERSION}, not {version!r}")
        missing = [name for name in (RP_RPST, RP_PRIVATE_PEM) if not environ.get(name)]
        if missing:
            raise ConfigError(f"auth_type resource_principal needs {' and '.join(missing)}: not set")
        self._rpst = environ[RP_RPST]
        self._pem = environ[RP_PRIVATE_PEM]
        self._passphrase = environ.get(RP_PRIVATE_PEM_PASSPHRASE) or None
        for value in (self._rpst, self._pem, self._passphrase):
            register_secret(value)
        self.region = environ.get(RP_REGION) or None
        self._clock = clock

    def __repr__(self) -> str:
        return f"ResourcePrincipal(region={self.region!r})"

    @staticmethod
    def _value(name: str, value: str) -> str:
        if not os.path.isabs(value):
            return value
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"{name} names the file {value}, which cannot be read: {exc.strerror}"
            ) from None
        register_secret(text)
        register_secret(text.strip())
        return text

    def _key(self) -> rsa.RSAPrivateKey:
        pem = self._value(RP_PRIVATE_PEM, self._pem)
        phrase = self._value(RP_PRIVATE_PEM_PASSPHRASE, self._passphrase) if self._passphrase else None
        try:
            return load_private_key(pem, phrase.strip() if phrase else None)
        except ConfigError as exc:
            raise ConfigError(f"{RP_PRIVATE_PEM}: {exc}") from None

    def fetch(self) -> Expiring[SigningKey]:
        token = self._value(RP_RPST, self._rpst).strip()
        register_secret(token)
        try:
            expires = expiry(token)
        except ValueError as exc:
            raise ConfigError(f"{RP_RPST} does not hold a resource principal session token ({exc})") from None
        if expires <= self._clock():
            raise ConfigError(
                f"the resource principal session token ({RP_RPST}) expired at {_when(expires)}; the OCI "
                "service that runs this code renews it: point the variable at the file it keeps current"
            )
        return Expiring(SigningKey.for_token(token, self._key()), expires)


def resource_principal(
    environ: Mapping[str, str] | None = None, clock: Callable[[], float] = time.time
) -> tuple[RefreshingSource[SigningKey], str | None]:
    """The resource principal's credential source and its region (None when the variables give none)."""
    principal = ResourcePrincipal(os.environ if environ is None else environ, clock)
    return RefreshingSource(principal.fetch, clock=clock, describe="resource principal"), principal.region
