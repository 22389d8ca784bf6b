"""Alibaba Cloud credentials, found the way Alibaba Cloud tools find them.

The AccessKey pair (and its STS security token) comes whole from the first source that has an
AccessKey ID, so an ID from one place is never paired with a secret from another:

1. the explicit arguments ``access_key_id``, ``access_key_secret``, ``security_token``;
2. ``IMAGEOPS_ALICLOUD_ACCESS_KEY_ID``/``_ACCESS_KEY_SECRET``/``_SECURITY_TOKEN`` (what the emulator
   writes, so a sourced env file points every tool at it);
3. ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``ALIBABA_CLOUD_ACCESS_KEY_SECRET``/``ALIBABA_CLOUD_SECURITY_TOKEN``
   (the credentials chain of the SDKs and the ``aliyun`` CLI);
4. ``ALICLOUD_ACCESS_KEY``/``ALICLOUD_SECRET_KEY``/``ALICLOUD_SECURITY_TOKEN`` (Terraform, Ansible);
5. a profile of the ``aliyun`` CLI's ``~/.aliyun/config.json`` (``config_file`` argument, else
   ``ALIBABA_CLOUD_CONFIG_FILE``): the ``profile`` argument, else ``ALIBABA_CLOUD_PROFILE``/
   ``ALICLOUD_PROFILE``, else the file's ``current``. Modes ``AK`` and ``StsToken`` are supported;
   modes that need a call to STS or the instance metadata service are refused with a clear error.

The region is the ``region`` argument, else ``IMAGEOPS_ALICLOUD_REGION``, ``ALIBABA_CLOUD_REGION_ID``,
``ALICLOUD_REGION``, the profile's ``region_id``. The endpoint is the ``endpoint`` argument, else
``IMAGEOPS_ALICLOUD_ENDPOINT``, else ``https://ecs.{region}.aliyuncs.com``.

Secrets and tokens are registered with :mod:`imageops.redact` as soon as they are read and never
appear in a repr or an error message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imageops.errors import ConfigError
from imageops.redact import register_secret

__all__ = ["DEFAULT_CONFIG_FILE", "AlicloudCredentials", "default_endpoint", "load_credentials"]

DEFAULT_CONFIG_FILE = "~/.aliyun/config.json"

# (access key id, secret, token) per environment source, in precedence order.
_KEY_ENV = (
    (
        "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID",
        "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET",
        "IMAGEOPS_ALICLOUD_SECURITY_TOKEN",
    ),
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN"),
)
_REGION_ENV = ("IMAGEOPS_ALICLOUD_REGION", "ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION")
_PROFILE_ENV = ("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")
_CONFIG_FILE_ENV = ("ALIBABA_CLOUD_CONFIG_FILE",)
_ENDPOINT_ENV = "IMAGEOPS_ALICLOUD_ENDPOINT"


@dataclass(frozen=True)
class AlicloudCredentials:
    """An AccessKey pair (with its STS token, if any), the region and the ECS endpoint."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    region: str
    endpoint: str
    security_token: str | None = field(default=None, repr=False)
    source: str = "explicit"


def default_endpoint(region: str) -> str:
    return f"https://ecs.{region}.aliyuncs.com"


def _first_env(env: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((env[n] for n in names if env.get(n)), None)


def _read_profile(
    config_file: str | os.PathLike[str] | None,
    profile: str | None,
    env: Mapping[str, str],
    explicit_file: bool,
) -> dict[str, Any] | None:
    path = Path(config_file or DEFAULT_CONFIG_FILE).expanduser()
    if not path.exists():
        if explicit_file:
            raise ConfigError(f"Alibaba Cloud config file {path} does not exist")
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read Alibaba Cloud config file {path}: {type(exc).__name__}") from None
    wanted = profile or _first_env(env, _PROFILE_ENV) or data.get("current") or "default"
    found = next((p for p in data.get("profiles", []) if p.get("name") == wanted), None)
    if found is None:
        raise ConfigError(f"profile {wanted!r} not found in {path}")
    mode = found.get("mode", "AK")
    if mode not in ("AK", "StsToken"):
        raise ConfigError(f"profile {wanted!r} in {path} uses mode {mode}; imageops supports AK and StsToken")
    for name in ("access_key_secret", "sts_token"):
        register_secret(found.get(name))
    return {**found, "_where": f"profile {wanted} of {path}"}


def load_credentials(
    *,
    access_key_id: str | None = None,
    access_key_secret: str | None = None,
    security_token: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AlicloudCredentials:
    """Resolve credentials, region and endpoint (see the module doc). Raises :class:`ConfigError`."""
    env = os.environ if env is None else env
    for secret in (access_key_secret, security_token):
        register_secret(secret)
    key: tuple[str | None, str | None, str | None] = (access_key_id, access_key_secret, security_token)
    source = "explicit arguments"
    if not access_key_id:
        key, source = (None, None, None), ""
        for names in _KEY_ENV:
            if env.get(names[0]):
                key, source = (env.get(names[0]), env.get(names[1]), env.get(names[2]) or None), names[0]
                register_secret(key[1])
                register_secret(key[2])
                break
    file_given = config_file or _first_env(env, _CONFIG_FILE_ENV)
    stored = None
    if not key[0] or not region:
        stored = _read_profile(file_given, profile, env, explicit_file=bool(file_given) or bool(profile))
    if not key[0] and stored is not None:
        key = (stored.get("access_key_id"), stored.get("access_key_secret"), stored.get("sts_token") or None)
        source = stored["_where"]
    if not key[0]:
        raise ConfigError(
            "no Alibaba Cloud credentials: pass access_key_id/access_key_secret, set "
            "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile in "
            "~/.aliyun/config.json"
        )
    if not key[1]:
        raise ConfigError(f"an AccessKey ID but no AccessKey secret in {source}")
    region = region or _first_env(env, _REGION_ENV) or (stored or {}).get("region_id")
    if not region:
        raise ConfigError("no Alibaba Cloud region: pass region or set ALIBABA_CLOUD_REGION_ID")
    endpoint = (endpoint or env.get(_ENDPOINT_ENV) or default_endpoint(region)).rstrip("/")
    return AlicloudCredentials(
        access_key_id=str(key[0]),
        access_key_secret=str(key[1]),
        region=region,
        endpoint=endpoint,
        security_token=key[2],
        source=source,
    )
