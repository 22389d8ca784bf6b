"""The STS and RAM part of the Alibaba Cloud emulator: ``AssumeRole`` and ``GetCallerIdentity``
(Version 2015-04-01) on ``{endpoint}/sts``, the RAM roles they hand out, and the permission check
every ECS call of a temporary key goes through.

A RAM role (seeded per demo account, see :mod:`imageops.emulator.alicloud_seed`) has an ARN
``acs:ram::<account>:role/<name>``, a trust policy (the accounts whose keys may assume it, or the
ECS service for an instance's role) and the actions its permissions allow (``ecs:*``,
``ecs:Describe*``). ``AssumeRole`` answers a temporary key ``STS.*`` with a ``CAIS...`` token that
expires after ``DurationSeconds`` on the emulator's scaled clock (:meth:`Emulator.scaled`); an
optional ``Policy`` (a RAM policy document) narrows the session's actions further. The key's calls
are logged under the role's account.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import time
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from imageops.emulator.alicloud_auth import AuthFailure, Key

if TYPE_CHECKING:
    from imageops.emulator.core import Emulator

STS_VERSION = "2015-04-01"
STS_HOST_ID = "sts.aliyuncs.com"
MIN_DURATION, MAX_DURATION = 900, 43200
ROLE_ARN = re.compile(r"acs:ram::(\d+):role/([A-Za-z0-9._-]{1,64})")
SESSION_NAME = re.compile(r"[A-Za-z0-9.@_-]{2,64}")
ECS_SERVICE = "ecs.aliyuncs.com"
GRACE = 3600.0
"""Seconds an expired temporary key is remembered (so it is refused as expired, not unknown)."""
_ALPHABET = string.ascii_letters + string.digits


class StsError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message


def _stamp(epoch: float) -> str:
    # Whole seconds, rounded down: a client never believes a key lives longer than it does.
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))


def role_arn(account: str, name: str) -> str:
    return f"acs:ram::{account}:role/{name.lower()}"


def new_role(account: str, name: str, *, trusted: list[str], actions: list[str]) -> dict[str, Any]:
    """A RAM role record: ``trusted`` are account ids (or :data:`ECS_SERVICE`) allowed to assume it."""
    return {
        "RoleName": name,
        "Arn": role_arn(account, name),
        "RoleId": str(3 * 10**17 + secrets.randbelow(10**17)),
        "account": account,
        "trusted": trusted,
        "actions": actions,
        "MaxSessionDuration": MAX_DURATION,
    }


def issue_key(
    emu: Emulator,
    state: dict[str, Any],
    role: dict[str, Any],
    session: str,
    duration: float,
    session_actions: list[str] | None = None,
) -> dict[str, str]:
    """A temporary key of ``role`` for ``duration`` real-service seconds (scaled), as STS answers it."""
    now = emu.now()
    for old in [k for k, v in state["keys"].items() if v.get("expires") and v["expires"] < now - GRACE]:
        del state["keys"][old]
    key_id = "STS.NU" + "".join(secrets.choice(_ALPHABET) for _ in range(20))
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(30))
    token = "CAIS" + "".join(secrets.choice(_ALPHABET) for _ in range(200))
    expires = now + emu.scaled(duration)
    state["keys"][key_id] = {
        "secret": secret,
        "account": role["account"],
        "token": token,
        "expires": expires,
        "identity": f"{role['Arn']}/{session}",
        "duration": duration,
        "actions": list(role["actions"]),
        "session_actions": session_actions,
    }
    return {
        "AccessKeyId": key_id,
        "AccessKeySecret": secret,
        "SecurityToken": token,
        "Expiration": _stamp(expires),
    }


def _policy_actions(text: str) -> list[str]:
    """The actions a session ``Policy`` allows (its ``Deny`` statements as ``!pattern``)."""
    try:
        document = json.loads(text)
        statements = document["Statement"]
        out = []
        for statement in statements:
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else list(actions)
            deny = statement.get("Effect", "Allow") == "Deny"
            out += [("!" if deny else "") + str(a) for a in actions]
        return out
    except (ValueError, KeyError, TypeError):
        raise StsError(
            400, "InvalidParameter.PolicyGrammar", "The parameter Policy has not passed grammar check."
        ) from None


def _matches(patterns: list[str], action: str) -> bool:
    if any(p.startswith("!") and fnmatchcase(action, p[1:]) for p in patterns):
        return False
    return any(not p.startswith("!") and fnmatchcase(action, p) for p in patterns)


def authorize(key: Key, record: dict[str, Any] | None, action: str) -> None:
    """Refuse ``ecs:<action>`` to a temporary key whose role (or session policy) does not allow it."""
    if not record or record.get("actions") is None:
        return
    wanted = f"ecs:{action}"
    allowed = _matches(record["actions"], wanted)
    if allowed and record.get("session_actions") is not None:
        allowed = _matches(record["session_actions"], wanted)
    if not allowed:
        raise AuthFailure(
            403,
            "Forbidden.RAM",
            "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
        )


def check_expiry(key: Key, record: dict[str, Any] | None, now: float) -> None:
    if record and record.get("expires") is not None and now >= record["expires"]:
        raise AuthFailure(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")


def assume_role(emu: Emulator, state: dict[str, Any], caller: Key, params: dict[str, str]) -> dict[str, Any]:
    """STS ``AssumeRole`` by ``caller`` (already authenticated)."""
    arn = params.get("RoleArn", "")
    if not arn:
        raise StsError(400, "MissingRoleArn", "RoleArn is mandatory for this action.")
    session = params.get("RoleSessionName", "")
    if not session:
        raise StsError(400, "MissingRoleSessionName", "RoleSessionName is mandatory for this action.")
    if not SESSION_NAME.fullmatch(session):
        raise StsError(
            400, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed."
        )
    try:
        duration = int(params.get("DurationSeconds") or 3600)
    except ValueError:
        raise StsError(
            400, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/12hr."
        ) from None
    match = ROLE_ARN.fullmatch(arn)
    if not match:
        raise StsError(400, "InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.")
    role = state["roles"].get(arn.lower())
    if role is None:
        raise StsError(404, "EntityNotExist.Role", f"The role not exists: {arn}.")
    if not MIN_DURATION <= duration <= min(MAX_DURATION, role["MaxSessionDuration"]):
        raise StsError(
            400, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/12hr."
        )
    # The trust names accounts (any key of the account, its roles' temporary keys included) or the
    # ECS service, which the instance role's own key speaks for.
    caller_record = state["keys"].get(caller.access_key_id) or {}
    principals = {caller.account, *([ECS_SERVICE] if caller_record.get("ecs") else [])}
    if not principals & set(role["trusted"]):
        raise StsError(
            403,
            "NoPermission",
            "You are not authorized to do this action. You should be authorized by RAM.",
        )
    session_actions = _policy_actions(params["Policy"]) if params.get("Policy") else None
    credentials = issue_key(emu, state, role, session, duration, session_actions)
    return {
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role['RoleId']}:{session}",
            "Arn": f"{role['Arn']}/{session}",
        },
        "Credentials": credentials,
    }


def caller_identity(state: dict[str, Any], caller: Key) -> dict[str, Any]:
    """STS ``GetCallerIdentity``: who the key speaks for."""
    record = state["keys"].get(caller.access_key_id) or {}
    identity = record.get("identity")
    if identity:
        return {
            "IdentityType": "AssumedRoleUser",
            "AccountId": caller.account,
            "Arn": identity,
            "PrincipalId": identity.rsplit("/", 1)[-1],
        }
    return {
        "IdentityType": "Account",
        "AccountId": caller.account,
        "Arn": f"acs:ram::{caller.account}:root",
        "PrincipalId": caller.account,
    }
