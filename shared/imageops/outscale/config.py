"""OUTSCALE credentials, found the way the OUTSCALE CLI and SDKs find them.

For every setting the first of these wins:

1. the explicit argument (``access_key``, ``secret_key``, ``region``, ``endpoint``);
2. the environment variables declared for the setting in :data:`imageops.outscale.schema.SETTINGS`,
   first set wins: ``OSC_ACCESS_KEY``, ``OSC_SECRET_KEY``, ``OSC_REGION``, ``OSC_ENDPOINT_API`` (then
   ``IMAGEOPS_OUTSCALE_ENDPOINT``, what the emulator writes);
3. the profile of ``~/.osc/config.json`` (``{"default": {"access_key", "secret_key", "region",
   "endpoints": {"api": ...}}}``).

The config file is the ``config_file`` argument, else its declared variable (``OSC_CONFIG_FILE``),
else ``~/.osc/config.json``; a file named explicitly must exist and hold the profile, the default one
may be absent. The profile is the ``profile`` argument, else its declared variable (``OSC_PROFILE``),
else ``default``. The region defaults to ``eu-west-2`` and the endpoint to
``https://api.{region}.outscale.com/api/v1``, as in osc-sdk-python.

The secret key is registered with :mod:`imageops.redact` as soon as it is read and never appears in
a repr or an error message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imageops.errors import ConfigError
from imageops.outscale.schema import SETTINGS
from imageops.redact import register_secret
from imageops.schema import env_names, first_env

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_PROFILE",
    "DEFAULT_REGION",
    "OutscaleCredentials",
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

    def __repr__(self) -> str:
        return (
            f"OutscaleCredentials(access_key={self.access_key!r}, secret_key=<hidden>, "
            f"region={self.region!r}, endpoint={self.endpoint!r}, profile={self.profile!r}, "
            f"config_file={self.config_file!r})"
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
    return {
        "access_key": section.get("access_key"),
        "secret_key": section.get("secret_key"),
        "region": section.get("region"),
        "endpoint": endpoints.get("api"),
    }


def load_credentials(
    *,
    access_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    endpoint: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> OutscaleCredentials:
    """Resolve credentials as described in the module doc; :class:`ConfigError` when incomplete."""
    env = os.environ if environ is None else environ
    register_secret(secret_key)
    given = {"access_key": access_key, "secret_key": secret_key, "region": region, "endpoint": endpoint}
    # Read (and, for secret_key, registered with imageops.redact by first_env) even when given.
    from_env = {name: first_env(SETTINGS, name, env) for name in given}
    explicit_file = config_file or first_env(SETTINGS, "config_file", env)
    path = Path(explicit_file or DEFAULT_CONFIG_FILE).expanduser()
    profile_given = profile or first_env(SETTINGS, "profile", env)
    profile_name = profile_given or DEFAULT_PROFILE
    from_file = _read_profile(path, profile_name, required=bool(explicit_file or profile_given))
    values = {name: given[name] or from_env[name] or from_file.get(name) for name in given}
    chosen_access_key, chosen_secret_key = values["access_key"], values["secret_key"]
    if not chosen_access_key or not chosen_secret_key:
        missing = [name for name in ("access_key", "secret_key") if not values[name]]
        variables = " / ".join(v for name in missing for v in env_names(SETTINGS, name))
        raise ConfigError(
            f"OUTSCALE {' and '.join(missing)} not found: pass it, set {variables}, or add "
            f"it to profile {profile_name!r} of {path}"
        )
    chosen_region = values["region"] or DEFAULT_REGION
    return OutscaleCredentials(
        access_key=chosen_access_key,
        secret_key=chosen_secret_key,
        region=chosen_region,
        endpoint=(values["endpoint"] or default_endpoint(chosen_region)).rstrip("/"),
        profile=profile_name if from_file else None,
        config_file=str(path) if from_file else None,
    )
