"""Alibaba Cloud credentials, found the way Alibaba Cloud tools find them.

Every environment variable read here is one declared for a setting in
:data:`imageops.alicloud.schema.SETTINGS`, in its declared order.

The AccessKey pair (and its STS security token) comes whole from the first source that has an
AccessKey ID, so an ID from one place is never paired with a secret from another:

1. the explicit arguments ``access_key_id``, ``access_key_secret``, ``security_token``;
2. ``IMAGEOPS_ALICLOUD_ACCESS_KEY_ID``/``_ACCESS_KEY_SECRET``/``_SECURITY_TOKEN`` (what the emulator
   writes, so a sourced env file points every tool at it);
3. ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``ALIBABA_CLOUD_ACCESS_KEY_SECRET``/``ALIBABA_CLOUD_SECURITY_TOKEN``
   (the credentials chain of the SDKs and the ``aliyun`` CLI);
4. ``ALICLOUD_ACCESS_KEY``/``ALICLOUD_SECRET_KEY``/``ALICLOUD_SECURITY_TOKEN`` (Terraform, Ansible);
5. ``ALICLOUD_ACCESS_KEY_ID``/``ALICLOUD_SECRET_ACCESS_KEY``/``ALICLOUD_SECURITY_TOKEN`` (the
   ``alibaba.alicloud`` Ansible collection's other spelling);
6. a profile of the ``aliyun`` CLI's ``~/.aliyun/config.json`` (``config_file`` argument, else
   ``ALIBABA_CLOUD_CONFIG_FILE``/``ALICLOUD_SHARED_CREDENTIALS_FILE``): the ``profile`` argument, else
   ``ALIBABA_CLOUD_PROFILE``/``ALICLOUD_PROFILE``, else the file's ``current``. Modes ``AK`` and
   ``StsToken`` are supported; modes that need a call to STS or the instance metadata service are
   refused with a clear error.

The region is the ``region`` argument, else ``IMAGEOPS_ALICLOUD_REGION``, ``ALIBABA_CLOUD_REGION_ID``,
``ALICLOUD_REGION``, ``ALICLOUD_REGION_ID``, the profile's ``region_id``. The endpoint is the
``endpoint`` argument, else ``IMAGEOPS_ALICLOUD_ENDPOINT``, else ``https://ecs.{region}.aliyuncs.com``.

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

from imageops.alicloud.schema import SETTINGS
from imageops.errors import ConfigError
from imageops.redact import register_secret
from imageops.schema import env_names, first_env

__all__ = ["DEFAULT_CONFIG_FILE", "AlicloudCredentials", "default_endpoint", "load_credentials"]

DEFAULT_CONFIG_FILE = "~/.aliyun/config.json"


def _key_sources() -> tuple[tuple[str, str, str], ...]:
    """(access key id, secret, token) variables per environment source, in precedence order.

    The declared ``env`` of ``access_key_id`` and ``access_key_secret`` are parallel lists: the n-th
    ID goes with the n-th secret, and only with it (IMAGEOPS_ALICLOUD_*, then ALIBABA_CLOUD_*, then
    the two ALICLOUD_* spellings of Terraform and the Ansible collection: ``ALICLOUD_ACCESS_KEY`` with
    ``ALICLOUD_SECRET_KEY``, ``ALICLOUD_ACCESS_KEY_ID`` with ``ALICLOUD_SECRET_ACCESS_KEY``). Those
    tools have one token name for both spellings, so the token list may be shorter: a source past its
    end takes its last entry (``ALICLOUD_SECURITY_TOKEN``). A declaration that breaks this shape
    fails at import, not at the first login.
    """
    ids = env_names(SETTINGS, "access_key_id")
    secrets = env_names(SETTINGS, "access_key_secret")
    tokens = env_names(SETTINGS, "security_token")
    if len(ids) != len(secrets) or not tokens or len(tokens) > len(ids):
        raise RuntimeError(
            "imageops.alicloud.schema: access_key_id and access_key_secret must declare as many variables "
            "(one AccessKey pair per source), and security_token between one and as many"
        )
    return tuple(
        (key, secret, tokens[min(n, len(tokens) - 1)])
        for n, (key, secret) in enumerate(zip(ids, secrets, strict=True))
    )


_KEY_ENV = _key_sources()


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


def _read_profile(
    config_file: str | os.PathLike[str] | None,
    profile: str | None,
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
    wanted = profile or data.get("current") or "default"
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
    for _, secret_env, token_env in _KEY_ENV:  # every secret in the environment, used or not
        register_secret(env.get(secret_env))
        register_secret(env.get(token_env))
    key: tuple[str | None, str | None, str | None] = (access_key_id, access_key_secret, security_token)
    source = "explicit arguments"
    secret_name = "access_key_secret"
    if not access_key_id:
        # The id comes from the first source that has one, with that source's secret and token;
        # a secret or token given explicitly still wins over the source's, field by field.
        key, source = (None, access_key_secret, security_token), ""
        for id_env, secret_env, token_env in _KEY_ENV:
            if env.get(id_env):
                key = (
                    env.get(id_env),
                    access_key_secret or env.get(secret_env),
                    security_token or env.get(token_env) or None,
                )
                source, secret_name = id_env, secret_env
                break
    file_given = config_file or first_env(SETTINGS, "config_file", env)
    profile_given = profile or first_env(SETTINGS, "profile", env)
    stored = None
    if not key[0] or not region:
        stored = _read_profile(file_given, profile_given, explicit_file=bool(file_given or profile_given))
    if not key[0] and stored is not None:
        key = (
            stored.get("access_key_id"),
            access_key_secret or stored.get("access_key_secret"),
            security_token or stored.get("sts_token") or None,
        )
        source, secret_name = stored["_where"], "access_key_secret"
    if not key[0]:
        raise ConfigError(
            "no Alibaba Cloud credentials: pass access_key_id/access_key_secret, set an AccessKey pair "
            f"({', '.join(f'{i}/{k}' for i, k, _ in _KEY_ENV)}), or configure a profile in "
            "~/.aliyun/config.json"
        )
    if not key[1]:
        raise ConfigError(f"an AccessKey ID but no AccessKey secret in {source} ({secret_name} is not set)")
    region = region or first_env(SETTINGS, "region", env) or (stored or {}).get("region_id")
    if not region:
        raise ConfigError(
            f"no Alibaba Cloud region: pass region or set {' / '.join(env_names(SETTINGS, 'region'))}"
        )
    endpoint = (endpoint or first_env(SETTINGS, "endpoint", env) or default_endpoint(region)).rstrip("/")
    return AlicloudCredentials(
        access_key_id=str(key[0]),
        access_key_secret=str(key[1]),
        region=region,
        endpoint=endpoint,
        security_token=key[2],
        source=source,
    )
