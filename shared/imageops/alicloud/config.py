"""Alibaba Cloud credentials, found the way Alibaba Cloud tools find them.

Every environment variable read here is one declared for a setting in
:data:`imageops.alicloud.settings.SETTINGS`, in its declared order.

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
   ``ALIBABA_CLOUD_PROFILE``/``ALICLOUD_PROFILE``, else the file's ``current``, in one of the modes
   ``AK``, ``StsToken``, ``RamRoleArn`` (the role ``ram_role_arn`` assumed with the profile's
   AccessKey) and ``EcsRamRole`` (the instance's role ``ram_role_name``), with the fields the
   ``aliyun`` CLI writes.

Instead of an AccessKey, ``ecs_role_name`` (``ALIBABA_CLOUD_ECS_METADATA``, ``ALICLOUD_ECS_ROLE_NAME``)
signs in with the RAM role of the ECS instance this runs on. An ``ecs_role_name`` and an AccessKey
given at the same level (both arguments, or both in the environment) are two modes at once and an
error; given as an argument, either one wins over the other found in the environment.

``assume_role_arn`` (``ALIBABA_CLOUD_ROLE_ARN``, ``ALICLOUD_ASSUME_ROLE_ARN``) assumes that role on
top of whatever the base credentials are (an AccessKey, a profile - itself maybe ``RamRoleArn`` -
or the instance's role), as the Terraform provider's ``assume_role`` does.

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

from imageops.alicloud.auth import AccessKey
from imageops.alicloud.settings import SETTINGS
from imageops.alicloud.signin import SignIn, check_role
from imageops.alicloud.sts import DEFAULT_METADATA_URL, DEFAULT_STS_ENDPOINT, RoleRequest
from imageops.errors import ConfigError
from imageops.redact import register_secret
from imageops.settings import env_names, first_env

__all__ = ["DEFAULT_CONFIG_FILE", "AlicloudCredentials", "default_endpoint", "load_credentials"]

PROFILE_MODES = ("AK", "StsToken", "RamRoleArn", "EcsRamRole")

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
    """An AccessKey pair (with its STS token, if any; empty for an instance's role), the region, the
    ECS endpoint, and how the key each request is signed with is obtained (:attr:`sign_in`)."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    region: str
    endpoint: str
    security_token: str | None = field(default=None, repr=False)
    source: str = "explicit"
    sign_in: SignIn | None = None
    """None = the AccessKey above, as is."""


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
    for name in ("access_key_secret", "sts_token"):
        register_secret(found.get(name))
    where = f"profile {wanted} of {path}"
    if mode not in PROFILE_MODES:
        raise ConfigError(
            f"profile {wanted!r} in {path} uses mode {mode}; imageops supports {', '.join(PROFILE_MODES)}"
        )
    if mode == "RamRoleArn" and not found.get("ram_role_arn"):
        raise ConfigError(f"profile {wanted!r} in {path} (mode RamRoleArn) has no ram_role_arn")
    if mode == "EcsRamRole" and "ram_role_name" not in found:
        raise ConfigError(f"profile {wanted!r} in {path} (mode EcsRamRole) has no ram_role_name")
    return {**found, "_where": where, "_mode": mode}


def _profile_role(stored: dict[str, Any]) -> RoleRequest:
    where = stored["_where"]
    return check_role(
        str(stored["ram_role_arn"]),
        f"ram_role_arn of {where}",
        session_name=stored.get("ram_session_name") or None,
        name_source=f"ram_session_name of {where}",
        duration=stored.get("expired_seconds") or None,
        duration_source=f"expired_seconds of {where}",
        policy=stored.get("policy") or None,
        external_id=stored.get("external_id") or None,
    )


def _given(name: str, value: Any, env: Mapping[str, str]) -> tuple[Any, str, bool]:
    """(value, where it came from - the option or the variable, whether it was an argument) of the
    setting ``name``: the argument, else the first of its variables that is set."""
    if value not in (None, ""):
        return value, _option(name), True
    for variable in env_names(SETTINGS, name):
        if env.get(variable):
            return env[variable], variable, False
    return None, _option(name), False


def _option(name: str) -> str:
    return next(s.option or s.name for s in SETTINGS if s.name == name)


def _flag(name: str, value: bool | None, env: Mapping[str, str], default: Any = False) -> bool:
    """A yes/no setting: the argument, else its variable (``true``/``1``/``yes``), else ``default``."""
    if value is not None:
        return bool(value)
    text = first_env(SETTINGS, name, env)
    if text is None:
        return str(default).strip().lower() in ("true", "1", "yes")
    return text.strip().lower() in ("true", "1", "yes")


def _sts_endpoint(region: str | None, vpc: bool) -> str:
    """STS's endpoint as the credentials library derives it: regional (VPC or not) when a region is
    given, else the central one."""
    if not region:
        return DEFAULT_STS_ENDPOINT
    return f"https://{'sts-vpc' if vpc else 'sts'}.{region}.aliyuncs.com"


def load_credentials(
    *,
    access_key_id: str | None = None,
    access_key_secret: str | None = None,
    security_token: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    endpoint: str | None = None,
    assume_role_arn: str | None = None,
    assume_role_session_name: str | None = None,
    assume_role_session_expiration: int | str | None = None,
    ecs_role_name: str | None = None,
    sts_endpoint: str | None = None,
    metadata_url: str | None = None,
    imdsv1_disabled: bool | None = None,
    sts_region: str | None = None,
    sts_vpc_endpoint: bool | None = None,
    ecs_metadata_disabled: bool | None = None,
    env: Mapping[str, str] | None = None,
) -> AlicloudCredentials:
    """Resolve credentials, region and endpoint (see the module doc). Raises :class:`ConfigError`,
    naming the option and the rule, before any call."""
    env = os.environ if env is None else env
    for secret in (access_key_secret, security_token):
        register_secret(secret)
    for _, secret_env, token_env in _KEY_ENV:  # every secret in the environment, used or not
        register_secret(env.get(secret_env))
        register_secret(env.get(token_env))
    ecs_name, ecs_from, ecs_given = _given("ecs_role_name", ecs_role_name, env)
    if ecs_given and access_key_id:
        raise ConfigError(
            f"{ecs_from} and {_option('access_key_id')} are two ways to sign in (the instance's RAM role, "
            "an AccessKey): give one"
        )
    key: tuple[str | None, str | None, str | None] = (access_key_id, access_key_secret, security_token)
    source = "explicit arguments"
    secret_name = "access_key_secret"
    if not access_key_id and not ecs_given:
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
        if key[0] and ecs_name:
            raise ConfigError(
                f"{ecs_from} and {source} are both set: two ways to sign in (the instance's RAM role, an "
                "AccessKey); unset one, or give one as an option"
            )
    file_given = config_file or first_env(SETTINGS, "config_file", env)
    profile_given = profile or first_env(SETTINGS, "profile", env)
    stored = None
    if (not key[0] and not ecs_name) or not region:
        stored = _read_profile(file_given, profile_given, explicit_file=bool(file_given or profile_given))
    roles: list[RoleRequest] = []
    if not key[0] and not ecs_name and stored is not None:
        if stored["_mode"] == "EcsRamRole":
            ecs_name, source = str(stored.get("ram_role_name") or ""), stored["_where"]
            ecs_from = f"the EcsRamRole mode of {source}"
        else:
            key = (
                stored.get("access_key_id"),
                access_key_secret or stored.get("access_key_secret"),
                security_token
                or (stored.get("sts_token") if stored["_mode"] == "StsToken" else None)
                or None,
            )
            source, secret_name = stored["_where"], "access_key_secret"
            if stored["_mode"] == "RamRoleArn":
                roles.append(_profile_role(stored))
    role_arn, arn_from, _ = _given("assume_role_arn", assume_role_arn, env)
    if role_arn:
        name, name_from, _ = _given("assume_role_session_name", assume_role_session_name, env)
        seconds, seconds_from, _ = _given(
            "assume_role_session_expiration", assume_role_session_expiration, env
        )
        roles.append(
            check_role(
                str(role_arn), arn_from, session_name=name, name_source=name_from,
                duration=seconds, duration_source=seconds_from,
            )
        )  # fmt: skip
    else:
        orphans = {
            "assume_role_session_name": assume_role_session_name,
            "assume_role_session_expiration": assume_role_session_expiration,
        }
        for name, value in orphans.items():
            if value not in (None, ""):
                raise ConfigError(f"{_option(name)} is given without {_option('assume_role_arn')}")
    if not key[0] and ecs_name is None:
        raise ConfigError(
            ("no base credentials to assume a RAM role with: " if roles else "no Alibaba Cloud credentials: ")
            + "pass access_key_id/access_key_secret, set an AccessKey pair "
            f"({', '.join(f'{i}/{k}' for i, k, _ in _KEY_ENV)}), give ecs_role_name "
            f"({' / '.join(env_names(SETTINGS, 'ecs_role_name'))}), or configure a profile in "
            "~/.aliyun/config.json"
        )
    if key[0] and not key[1]:
        raise ConfigError(f"an AccessKey ID but no AccessKey secret in {source} ({secret_name} is not set)")
    region = region or first_env(SETTINGS, "region", env) or (stored or {}).get("region_id")
    if not region:
        raise ConfigError(
            f"no Alibaba Cloud region: pass region or set {' / '.join(env_names(SETTINGS, 'region'))}"
        )
    endpoint = (endpoint or first_env(SETTINGS, "endpoint", env) or default_endpoint(region)).rstrip("/")
    base = AccessKey(str(key[0]), str(key[1]), key[2]) if key[0] else None
    if base is None and _flag("ecs_metadata_disabled", ecs_metadata_disabled, env):
        raise ConfigError(
            f"{ecs_from} signs in with the ECS instance's RAM role, but "
            f"{' / '.join(env_names(SETTINGS, 'ecs_metadata_disabled'))} forbids reading the instance "
            "metadata service"
        )
    sign_in = None
    if base is None or roles:
        profile_fields = stored or {}
        sts_host = _sts_endpoint(
            sts_region or first_env(SETTINGS, "sts_region", env) or profile_fields.get("sts_region"),
            _flag("sts_vpc_endpoint", sts_vpc_endpoint, env, profile_fields.get("enable_vpc", False)),
        )
        sign_in = SignIn(
            base=base,
            ecs_role_name=None if base is not None else ecs_name,
            roles=tuple(roles),
            sts_endpoint=_url(sts_endpoint or first_env(SETTINGS, "sts_endpoint", env) or sts_host),
            metadata_url=_url(
                metadata_url or first_env(SETTINGS, "metadata_url", env) or DEFAULT_METADATA_URL, "http"
            ),
            imdsv1=not _flag("imdsv1_disabled", imdsv1_disabled, env),
        )
    return AlicloudCredentials(
        access_key_id=str(key[0] or ""),
        access_key_secret=str(key[1] or ""),
        region=region,
        endpoint=endpoint,
        security_token=key[2],
        source=source or "the ECS instance's RAM role",
        sign_in=sign_in,
    )


def _url(value: str, scheme: str = "https") -> str:
    if not value.startswith(("http://", "https://")):
        # Given as a bare host, as the SDKs take them (STS over HTTPS, the metadata service over HTTP).
        value = f"{scheme}://{value}"
    return value.rstrip("/")
