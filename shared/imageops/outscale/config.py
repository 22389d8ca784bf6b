"""OUTSCALE credentials, found the way the OUTSCALE CLI and SDKs find them.

For every setting the first of these wins:

1. the explicit argument (``access_key``, ``secret_key``, ``region``, ``endpoint``);
2. the environment variables declared for the setting in :data:`imageops.outscale.settings.SETTINGS`,
   first set wins: ``OSC_ACCESS_KEY``, ``OSC_SECRET_KEY``, ``OSC_REGION``, ``OSC_ENDPOINT_API`` (then
   ``IMAGEOPS_OUTSCALE_ENDPOINT``, what the emulator writes);
3. the profile of ``~/.osc/config.json`` (``{"default": {"access_key", "secret_key", "region",
   "endpoints": {"api": ...}}}``).

The config file is the ``config_file`` argument, else its declared variable (``OSC_CONFIG_FILE``),
else ``~/.osc/config.json``; a file named explicitly must exist and hold the profile, the default one
may be absent. The profile is the ``profile`` argument, else its declared variable (``OSC_PROFILE``),
else ``default``. The region defaults to ``eu-west-2`` and the endpoint to
``https://api.{region}.outscale.com/api/v1``, as in osc-sdk-python.

Beyond the key pair, what osc-sdk-python reads that matters for image calls (its ``Profile``):

* ``x509_client_cert`` / ``x509_client_key`` (``OSC_X509_CLIENT_CERT`` / ``OSC_X509_CLIENT_KEY``, or the
  profile's fields of the same names): a client certificate for accounts whose API access rules
  require one (mutual TLS). As with the SDK (``requests``' ``cert``), the certificate file may hold
  the key too; a key without a certificate is an error. Both files must exist.
* ``signature_version`` (``IMAGEOPS_OUTSCALE_SIGNATURE_VERSION``; no SDK name, the SDK signs OSC4
  only): ``osc4`` (default) or ``aws4``, see :mod:`imageops.outscale.auth`.

What the SDK reads that is left out, and why: ``login``/``email``/``password`` (Basic auth: the
OUTSCALE API takes it only for access-key, CA and API-access-rule calls, never for images, so a
profile with a login and no key pair gets an error saying so); ``access_key_v2``/``secret_key_v2``/
``iam_v2_services`` (OKS and other services, not the image API); ``x509_*_b64`` and
``tls_skip_verify`` (read by the SDK but never used by its requests); ``protocol`` (only shapes the
default endpoint; set ``endpoint`` instead).

The secret key is registered with :mod:`imageops.redact` as soon as it is read and never appears in
a repr or an error message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

from imageops.connect_settings import refuse_unknown
from imageops.errors import ConfigError
from imageops.outscale.auth import SIGNATURES, Signature
from imageops.outscale.settings import SETTINGS
from imageops.redact import register_secret
from imageops.settings import Setting, env_names, first_env

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_PROFILE",
    "DEFAULT_REGION",
    "OutscaleCredentials",
    "OutscaleSettings",
    "default_endpoint",
    "load_credentials",
]

DEFAULT_CONFIG_FILE = "~/.osc/config.json"
DEFAULT_PROFILE = "default"
DEFAULT_REGION = "eu-west-2"


@dataclass(frozen=True)
class OutscaleCredentials:
    """An access key pair, the Region and the API endpoint (``.../api/v1``)."""

    access_key: str
    secret_key: str = field(repr=False)
    region: str
    endpoint: str
    profile: str | None = None
    config_file: str | None = None
    signature_version: Signature = "osc4"
    x509_client_cert: str | None = None
    """Client certificate (PEM) for mutual TLS; None = none."""
    x509_client_key: str | None = None
    """Its private key (PEM), when not in the certificate file."""

    def __repr__(self) -> str:
        return (
            f"OutscaleCredentials(access_key={self.access_key!r}, secret_key=<hidden>, "
            f"region={self.region!r}, endpoint={self.endpoint!r}, profile={self.profile!r}, "
            f"config_file={self.config_file!r}, signature_version={self.signature_version!r}, "
            f"x509_client_cert={self.x509_client_cert!r}, x509_client_key={self.x509_client_key!r})"
        )

    __str__ = __repr__


def default_endpoint(region: str) -> str:
    return f"https://api.{region}.outscale.com/api/v1"


def _read_profile(path: Path, profile: str, *, required: bool) -> dict[str, Any]:
    if not path.exists():
        if required:
            raise ConfigError(f"OUTSCALE config file {path} does not exist")
        return {}
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"OUTSCALE config file {path} is not readable JSON: {type(exc).__name__}") from None
    section = document.get(profile) if isinstance(document, dict) else None
    if not isinstance(section, dict):
        if required:
            raise ConfigError(f"profile {profile!r} is not in OUTSCALE config file {path}")
        return {}
    register_secret(section.get("secret_key"))
    raw_endpoints = section.get("endpoints")
    endpoints = raw_endpoints if isinstance(raw_endpoints, dict) else {}
    register_secret(section.get("password"))
    return {
        "access_key": section.get("access_key"),
        "secret_key": section.get("secret_key"),
        "region": section.get("region"),
        "endpoint": endpoints.get("api"),
        "x509_client_cert": section.get("x509_client_cert"),
        "x509_client_key": section.get("x509_client_key"),
        # Only to explain why a profile with a login and no key pair cannot sign image calls.
        "login": bool(section.get("login") or section.get("email")),
    }


def _setting(name: str) -> Setting:
    return next(s for s in SETTINGS if s.name == name)


def _client_certificate(cert: str | None, key: str | None) -> tuple[str | None, str | None]:
    """The certificate and key paths, checked now so that a typo fails before any call."""
    if key and not cert:
        raise ConfigError(
            f"{_setting('x509_client_key').option} is set without {_setting('x509_client_cert').option}: "
            "a client key needs its certificate"
        )
    for name, value in (("x509_client_cert", cert), ("x509_client_key", key)):
        if value and not Path(value).expanduser().is_file():
            raise ConfigError(f"{_setting(name).option} names {value}, which is not a file")
    return (
        str(Path(cert).expanduser()) if cert else None,
        str(Path(key).expanduser()) if key else None,
    )


class OutscaleSettings(TypedDict, total=False):
    """The connection settings :func:`load_credentials` and :func:`imageops.outscale.connect` take,
    each optional (None = as the OUTSCALE CLI finds it): declared once here."""

    access_key: str | None
    secret_key: str | None
    region: str | None
    profile: str | None
    endpoint: str | None
    config_file: str | os.PathLike[str] | None
    signature_version: str | None
    x509_client_cert: str | os.PathLike[str] | None
    x509_client_key: str | os.PathLike[str] | None


def load_credentials(
    *, environ: Mapping[str, str] | None = None, **settings: Unpack[OutscaleSettings]
) -> OutscaleCredentials:
    """Resolve credentials as described in the module doc; :class:`ConfigError` when incomplete or
    when a setting breaks its rule (an unknown signature version, a missing certificate file)."""
    refuse_unknown("load_credentials", settings, OutscaleSettings)
    env = os.environ if environ is None else environ
    register_secret(settings.get("secret_key"))
    # Checked before anything else is read: a bad value fails the same way wherever it came from.
    signature_setting = _setting("signature_version")
    signature_env = first_env(SETTINGS, "signature_version", env)
    # An explicit value wins over the variable, which then is not checked (as it is not used).
    signature = signature_setting.check(settings.get("signature_version")) or signature_setting.check(
        signature_env, f"${signature_setting.env[0]}"
    )
    given = {
        "access_key": settings.get("access_key"),
        "secret_key": settings.get("secret_key"),
        "region": settings.get("region"),
        "endpoint": settings.get("endpoint"),
        "x509_client_cert": _path(settings.get("x509_client_cert")),
        "x509_client_key": _path(settings.get("x509_client_key")),
    }
    # Read (and, for secret_key, registered with imageops.redact by first_env) even when given.
    from_env = {name: first_env(SETTINGS, name, env) for name in given}
    explicit_file = settings.get("config_file") or first_env(SETTINGS, "config_file", env)
    path = Path(explicit_file or DEFAULT_CONFIG_FILE).expanduser()
    profile_given = settings.get("profile") or first_env(SETTINGS, "profile", env)
    profile_name = profile_given or DEFAULT_PROFILE
    from_file = _read_profile(path, profile_name, required=bool(explicit_file or profile_given))
    values = {name: given[name] or from_env[name] or from_file.get(name) for name in given}
    chosen_access_key, chosen_secret_key = values["access_key"], values["secret_key"]
    if not chosen_access_key or not chosen_secret_key:
        missing = [name for name in ("access_key", "secret_key") if not values[name]]
        variables = " / ".join(v for name in missing for v in env_names(SETTINGS, name))
        login = (
            f"; profile {profile_name!r} has a login, but OUTSCALE takes a login and password only "
            "for access-key and API-access calls, never for images: create an access key"
            if from_file.get("login")
            else ""
        )
        raise ConfigError(
            f"OUTSCALE {' and '.join(missing)} not found: pass it, set {variables}, or add "
            f"it to profile {profile_name!r} of {path}{login}"
        )
    cert, key = _client_certificate(values["x509_client_cert"], values["x509_client_key"])
    chosen_region = values["region"] or DEFAULT_REGION
    return OutscaleCredentials(
        access_key=chosen_access_key,
        secret_key=chosen_secret_key,
        region=chosen_region,
        endpoint=(values["endpoint"] or default_endpoint(chosen_region)).rstrip("/"),
        profile=profile_name if from_file else None,
        config_file=str(path) if from_file else None,
        signature_version=_signature(signature),
        x509_client_cert=cert,
        x509_client_key=key,
    )


def _path(value: str | os.PathLike[str] | None) -> str | None:
    return str(value) if value else None


def _signature(value: str | None) -> Signature:
    # Setting.check has already refused anything else; this narrows the type.
    for known in SIGNATURES:
        if value == known:
            return known
    return "osc4"
