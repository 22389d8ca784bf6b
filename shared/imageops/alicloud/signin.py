"""The ways of signing in to Alibaba Cloud, and the credential source each one signs with.

A sign-in is a **base** and zero or more **roles** assumed on top of it, in order:

* base ``AK``/``StsToken``: an AccessKey pair (with its STS token), static;
* base ``EcsRamRole``: the RAM role attached to the ECS instance this runs on, from the instance
  metadata service (:func:`imageops.alicloud.sts.instance_role`), refreshed before expiry;
* each role (``RamRoleArn``): STS ``AssumeRole`` asked with the credentials below it, refreshed
  before expiry - so a role assumed on top of an instance role, or on top of a profile that is itself
  ``RamRoleArn``, works as in the Terraform provider and the credentials library's
  ``ChainableRamRoleArn``.

:func:`check_role` applies STS's own rules to what the user gave (role ARN shape, session name,
duration), before any call, and names the option and the rule when one is broken.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from imageops.alicloud.api import RETRY
from imageops.alicloud.auth import AccessKey
from imageops.alicloud.sts import RoleRequest, assume_role, instance_role
from imageops.credentials import CredentialSource, RefreshingSource, StaticSource
from imageops.errors import ConfigError
from imageops.transport import build_client

__all__ = [
    "DEFAULT_SESSION_NAME",
    "MAX_DURATION",
    "MIN_DURATION",
    "SignIn",
    "check_role",
    "credential_source",
]

ROLE_ARN = re.compile(r"acs:ram::(\d+):role/([A-Za-z0-9._-]{1,64})")
SESSION_NAME = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
MIN_DURATION, MAX_DURATION = 900, 43200
"""``DurationSeconds`` as STS allows it (the role's own maximum may be lower: STS says so then)."""
DEFAULT_DURATION = 3600
DEFAULT_SESSION_NAME = "imageops"
METADATA_TIMEOUT = httpx.Timeout(5.0)


@dataclass(frozen=True)
class SignIn:
    """What :mod:`imageops.alicloud.config` resolved: how to get the key each request is signed with."""

    base: AccessKey | None
    """The static key; None means the instance's RAM role."""
    ecs_role_name: str | None = None
    """With no ``base``: the instance's role (empty: ask the metadata service which)."""
    roles: tuple[RoleRequest, ...] = ()
    sts_endpoint: str = ""
    metadata_url: str = ""
    imdsv1: bool = True

    @property
    def mode(self) -> str:
        """The config.json name of the mode (the outermost one)."""
        if self.roles:
            return "RamRoleArn"
        if self.base is None:
            return "EcsRamRole"
        return "StsToken" if self.base.security_token else "AK"


def check_role(
    role_arn: str,
    arn_source: str,
    *,
    session_name: str | None,
    name_source: str,
    duration: object,
    duration_source: str,
    policy: str | None = None,
    external_id: str | None = None,
) -> RoleRequest:
    """A :class:`RoleRequest` from what the user gave, each ``*_source`` naming where it came from
    (an option, a variable, a profile field); :class:`ConfigError` naming it and the rule."""
    if not ROLE_ARN.fullmatch(role_arn):
        raise ConfigError(
            f"{arn_source} must be a RAM role ARN, acs:ram::<account id>:role/<role name> (role name: "
            f"1-64 letters, digits, '.', '_' or '-'), not {role_arn!r}"
        )
    name = session_name or DEFAULT_SESSION_NAME
    if not SESSION_NAME.fullmatch(name):
        raise ConfigError(
            f"{name_source} must be 2 to 64 characters among letters, digits, '.', '@', '_' and '-' "
            f"(STS RoleSessionName), not {name!r}"
        )
    seconds = DEFAULT_DURATION if duration in (None, "") else _whole(duration, duration_source)
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise ConfigError(
            f"{duration_source} must be between {MIN_DURATION} and {MAX_DURATION} seconds "
            f"(STS DurationSeconds), not {seconds}"
        )
    return RoleRequest(role_arn, name, seconds, policy or None, external_id or None)


def _whole(value: object, source: str) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{source} must be a whole number of seconds, not {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ConfigError(f"{source} must be a whole number of seconds, not {value!r}")


def credential_source(
    sign_in: SignIn,
    *,
    clock: Callable[[], float] = time.time,
    transport: httpx.BaseTransport | None = None,
) -> CredentialSource[AccessKey]:
    """The source every request's key is read from: static, or refreshed before expiry. No call is
    made until the first request asks for a key."""
    if sign_in.base is not None and not sign_in.roles:
        return StaticSource(sign_in.base)
    client = build_client(base_url="", timeout=METADATA_TIMEOUT, retry=RETRY, transport=transport)
    source: CredentialSource[AccessKey]
    if sign_in.base is None:
        url, name, imdsv1 = sign_in.metadata_url, sign_in.ecs_role_name, sign_in.imdsv1
        source = RefreshingSource(
            lambda: instance_role(client, url, name, imdsv1=imdsv1),
            clock=clock,
            describe=f"ECS RAM role {name or '(discovered)'}",
        )
    else:
        source = StaticSource(sign_in.base)
    for role in sign_in.roles:
        source = _assumed(client, sign_in.sts_endpoint, source, role, clock)
    return source


def _assumed(
    client: httpx.Client,
    endpoint: str,
    below: CredentialSource[AccessKey],
    role: RoleRequest,
    clock: Callable[[], float],
) -> RefreshingSource[AccessKey]:
    return RefreshingSource(
        lambda: assume_role(client, endpoint, below.current(), role, clock=clock),
        clock=clock,
        describe=f"RAM role {role.role_arn} session {role.session_name}",
    )
