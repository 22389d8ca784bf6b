"""Alibaba Cloud sign-in against the emulator's STS, RAM roles and instance metadata service.

* the official ``alibabacloud_credentials`` providers, pointed at the emulator's STS endpoint and
  metadata host, get keys that the official ECS SDK then calls ECS with, unchanged;
* the core signs in with a role (on top of keys, cross-account, on top of the instance's role) and
  the call log shows each ECS call under the role's account;
* a role's permissions and a session ``Policy`` are enforced (``Forbidden.RAM``); a forged or
  expired token gets ECS's own code, and no refusal is sent more than twice (renewed once);
* a key that expires during a long wait is refreshed, and the wait goes on (``slow`` emulator: an
  STS session of 900 s lasts 1.8 s).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.provider import ecs_ram_role, ram_role_arn
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config

from imageops import errors
from imageops.alicloud import AlicloudImageSpec, connect
from imageops.alicloud.auth import AccessKey, Acs3Signer
from imageops.alicloud.config import load_credentials
from imageops.alicloud.signin import credential_source
from imageops.alicloud.sts import RoleRequest, assume_role
from imageops.credentials import StaticSource
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.model import ImageState

pytestmark = pytest.mark.timeout(120)
SCALE = 0.002  # an STS session of 900 s lasts 1.8 s: room for a renewal on a loaded machine
LIFETIME = 900 * SCALE


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    # Real-time tokens: the credentials library refuses keys with less than 15 minutes left.
    with running_emulator(time_scale=1.0, workdir=tmp_path_factory.mktemp("ali-sign-in")) as handle:
        yield handle


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=SCALE, workdir=tmp_path_factory.mktemp("ali-sign-in-fast")) as handle:
        yield handle


def keys(e: dict[str, str], prefix: str = "IMAGEOPS_ALICLOUD_") -> dict[str, str]:
    return {
        "access_key_id": e[f"{prefix}ACCESS_KEY_ID"],
        "access_key_secret": e[f"{prefix}ACCESS_KEY_SECRET"],
        "region": e["IMAGEOPS_ALICLOUD_REGION"],
        "endpoint": e["IMAGEOPS_ALICLOUD_ENDPOINT"],
        "sts_endpoint": e["IMAGEOPS_ALICLOUD_STS_ENDPOINT"],
    }


def ecs_calls(emu: EmulatorHandle, since: int) -> list[dict[str, Any]]:
    return [c for c in emu.calls(since=since, cloud="alicloud") if c["path"] == "/"]


def describe(client: EcsClient, region: str) -> int:
    answer = client.describe_images(
        ecs_models.DescribeImagesRequest(region_id=region, image_owner_alias="self")
    )
    return int(answer.body.total_count)


def ecs_sdk(emu: EmulatorHandle, provider: Any) -> EcsClient:
    host = emu.env["IMAGEOPS_ALICLOUD_ENDPOINT"].removeprefix("http://")
    credential = CredentialClient(provider=provider)
    return EcsClient(Config(credential=credential, endpoint=host, protocol="http"))


def test_the_official_providers_get_keys_from_the_emulator_and_the_ecs_sdk_uses_them(
    emu: EmulatorHandle,
) -> None:
    e, mark = emu.env, emu.mark()
    role = ram_role_arn.RamRoleArnCredentialsProvider(
        access_key_id=e["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_ID"],
        access_key_secret=e["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_SECRET"],
        role_arn=e["IMAGEOPS_ALICLOUD_CROSS_ACCOUNT_ROLE_ARN"],
        role_session_name="sdk-check",
        sts_endpoint=e["IMAGEOPS_ALICLOUD_STS_ENDPOINT"],
    )
    assert role.get_credentials().get_access_key_id().startswith("STS.")
    describe(ecs_sdk(emu, role), e["IMAGEOPS_ALICLOUD_REGION"])

    instance = ecs_ram_role.EcsRamRoleCredentialsProvider(async_update_enabled=False)
    # The library has no setting for the metadata host (100.100.100.200): its one attribute is set.
    host = e["IMAGEOPS_ALICLOUD_METADATA_URL"].removeprefix("http://")
    instance._EcsRamRoleCredentialsProvider__metadata_service_host = host  # type: ignore[attr-defined]
    describe(ecs_sdk(emu, instance), e["IMAGEOPS_ALICLOUD_REGION"])

    calls = emu.calls(since=mark, cloud="alicloud")
    assert [(c["action"], c["status"]) for c in calls if c["path"] == "/sts"] == [("AssumeRole", 200)]
    metadata = [c["action"] for c in calls if c["path"].startswith("/latest/")]
    assert metadata == [
        "GetMetadataToken",
        "GetEcsRamRoleName",
        "GetMetadataToken",
        "GetEcsRamRoleCredentials",
    ]
    # The cross-account role's calls are MAIN's, though OTHER's key asked for the role.
    assert [(c["action"], c["status"], c["account"]) for c in ecs_calls(emu, mark)] == [
        ("DescribeImages", 200, e["IMAGEOPS_ALICLOUD_ACCOUNT_ID"])
    ] * 2


def test_the_core_signs_in_each_way_and_the_log_shows_the_role_account(
    emu: EmulatorHandle, tmp_path: Path
) -> None:
    e = emu.env
    ecs_profile = tmp_path / "config.json"
    ecs_profile.write_text(
        json.dumps(
            {"current": "ecs", "profiles": [{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": ""}]}
        )
    )
    main, other = e["IMAGEOPS_ALICLOUD_ACCOUNT_ID"], e["IMAGEOPS_ALICLOUD_OTHER_ACCOUNT_ID"]
    ways = {
        "own role": (dict(keys(e), assume_role_arn=e["IMAGEOPS_ALICLOUD_ROLE_ARN"]), main),
        "cross-account": (
            dict(
                keys(e, "IMAGEOPS_ALICLOUD_OTHER_"),
                assume_role_arn=e["IMAGEOPS_ALICLOUD_CROSS_ACCOUNT_ROLE_ARN"],
            ),
            main,
        ),
        "other's own role": (
            dict(keys(e, "IMAGEOPS_ALICLOUD_OTHER_"), assume_role_arn=e["IMAGEOPS_ALICLOUD_OTHER_ROLE_ARN"]),
            other,
        ),
        "instance role": (
            {
                "ecs_role_name": e["IMAGEOPS_ALICLOUD_ECS_ROLE_NAME"],
                "metadata_url": e["IMAGEOPS_ALICLOUD_METADATA_URL"],
                "region": e["IMAGEOPS_ALICLOUD_REGION"],
                "endpoint": e["IMAGEOPS_ALICLOUD_ENDPOINT"],
            },
            main,
        ),
        "role on the instance role (profile EcsRamRole, role discovered)": (
            {
                "config_file": str(ecs_profile),
                "metadata_url": e["IMAGEOPS_ALICLOUD_METADATA_URL"],
                "assume_role_arn": e["IMAGEOPS_ALICLOUD_ROLE_ARN"],
                **{k: v for k, v in keys(e).items() if not k.startswith("access_key")},
            },
            main,
        ),
    }
    for way, (settings, account) in ways.items():
        mark = emu.mark()
        driver = connect(**settings)
        assert driver.get("m-doesnotexist") is None, way
        logged = [(c["action"], c["status"], c["account"]) for c in ecs_calls(emu, mark)]
        assert logged == [("DescribeImages", 200, account)], way
    assert emu.calls(since=mark, cloud="alicloud")[1]["action"] == "GetEcsRamRoleName"  # discovered


def test_a_role_without_trust_or_permission_is_refused(emu: EmulatorHandle) -> None:
    e = emu.env
    mark = emu.mark()
    # OTHER's key may not assume MAIN's own builder role (its trust names MAIN only).
    driver = connect(**keys(e, "IMAGEOPS_ALICLOUD_OTHER_"), assume_role_arn=e["IMAGEOPS_ALICLOUD_ROLE_ARN"])
    with pytest.raises(errors.AuthError, match="AssumeRole failed: NoPermission") as caught:
        driver.get("m-x")
    assert e["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_SECRET"] not in str(caught.value)
    # The reader role may describe, not create.
    reader = connect(**keys(e), assume_role_arn=e["IMAGEOPS_ALICLOUD_READONLY_ROLE_ARN"])
    assert reader.get("m-x") is None
    spec = AlicloudImageSpec(image_name="reader-try", instance_id=e["IMAGEOPS_ALICLOUD_INSTANCE_ID"])
    with pytest.raises(errors.AuthError, match=r"Forbidden\.RAM"):
        reader.create(spec, timeout=10)
    logged = [(c["path"], c["action"], c["status"]) for c in emu.calls(since=mark, cloud="alicloud")]
    assert ("/sts", "AssumeRole", 403) in logged and ("/", "CreateImage", 403) in logged
    assert sum(1 for c in logged if c[1] == "CreateImage") == 1  # a refusal by policy is not renewed


def test_a_session_policy_narrows_the_role(emu: EmulatorHandle, tmp_path: Path) -> None:
    e = emu.env
    config = tmp_path / "config.json"
    policy = {
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": ["ecs:Describe*"], "Resource": "*"}],
    }
    profile = {
        "name": "narrow",
        "mode": "RamRoleArn",
        "access_key_id": e["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "access_key_secret": e["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "ram_role_arn": e["IMAGEOPS_ALICLOUD_ROLE_ARN"],
        "ram_session_name": "narrow",
        "policy": json.dumps(policy),
        "region_id": e["IMAGEOPS_ALICLOUD_REGION"],
    }
    config.write_text(json.dumps({"current": "narrow", "profiles": [profile]}))
    driver = connect(
        config_file=str(config),
        endpoint=e["IMAGEOPS_ALICLOUD_ENDPOINT"],
        sts_endpoint=e["IMAGEOPS_ALICLOUD_STS_ENDPOINT"],
    )
    assert driver.get("m-x") is None
    with pytest.raises(errors.AuthError, match=r"Forbidden\.RAM"):
        driver.create(
            AlicloudImageSpec(image_name="narrow", instance_id=e["IMAGEOPS_ALICLOUD_INSTANCE_ID"]), timeout=10
        )


def _temporary(emu: EmulatorHandle) -> AccessKey:
    e = emu.env
    client = httpx.Client()
    base = AccessKey(e["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"], e["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"])
    role = RoleRequest(e["IMAGEOPS_ALICLOUD_ROLE_ARN"], "forgery", 900)
    return assume_role(client, e["IMAGEOPS_ALICLOUD_STS_ENDPOINT"], base, role).value


def test_a_forged_token_is_refused_with_the_cloud_error_and_sent_once(emu: EmulatorHandle) -> None:
    e, mark = emu.env, emu.mark()
    real = _temporary(emu)
    forged = AccessKey(real.access_key_id, real.access_key_secret, real.security_token[:-4] + "XXXX")
    client = httpx.Client(
        base_url=e["IMAGEOPS_ALICLOUD_ENDPOINT"], auth=Acs3Signer.over(StaticSource(forged))
    )
    answer = client.post(
        "/", params={"Action": "DescribeImages", "Version": "2014-05-26", "RegionId": "cn-hangzhou"}
    )
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidSecurityToken.MismatchWithAccessKey")
    assert len(ecs_calls(emu, mark)) == 1  # a static key has nothing to renew: never sent again


def test_an_expired_key_is_refused_then_renewed_once(slow: EmulatorHandle) -> None:
    """The client's clock runs 5 s late, so it believes an expired key is fresh: ECS refuses it with
    InvalidSecurityToken.Expired, the source assumes the role again, the request goes once more."""
    e = slow.env
    credentials = load_credentials(
        **keys(e), assume_role_arn=e["IMAGEOPS_ALICLOUD_ROLE_ARN"], assume_role_session_expiration=900, env={}
    )
    assert credentials.sign_in is not None
    source = credential_source(credentials.sign_in, clock=lambda: time.time() - 5.0)
    client = httpx.Client(base_url=e["IMAGEOPS_ALICLOUD_ENDPOINT"], auth=Acs3Signer.over(source))
    source.current()
    time.sleep(LIFETIME + 0.2)  # expired for the emulator, not for the late clock
    mark = slow.mark()
    answer = client.post(
        "/", params={"Action": "DescribeImages", "Version": "2014-05-26", "RegionId": "cn-hangzhou"}
    )
    assert answer.status_code == 200
    calls = [(c["path"], c["action"], c["status"]) for c in slow.calls(since=mark, cloud="alicloud")]
    assert calls == [
        ("/", "DescribeImages", 400),
        ("/sts", "AssumeRole", 200),
        ("/", "DescribeImages", 200),
    ]


def test_keys_that_expire_during_a_long_wait_are_refreshed_and_the_wait_goes_on(slow: EmulatorHandle) -> None:
    e = slow.env
    waiter = connect(
        **keys(e), assume_role_arn=e["IMAGEOPS_ALICLOUD_ROLE_ARN"], assume_role_session_expiration=900
    )
    deleter = connect(**{k: v for k, v in keys(e).items() if k != "sts_endpoint"})
    spec = AlicloudImageSpec(
        image_name=f"long-wait-{time.time_ns()}", instance_id=e["IMAGEOPS_ALICLOUD_INSTANCE_ID"]
    )
    image = waiter.create(spec, timeout=30)
    mark = slow.mark()
    # The image goes away after more than four lifetimes of the waiter's STS session.
    timer = threading.Timer(4.4 * LIFETIME, deleter.delete, args=(image.id,))
    timer.start()
    try:
        started = time.monotonic()
        waiter.wait_for(image.id, ImageState.DELETED, timeout=30)
        waited = time.monotonic() - started
    finally:
        timer.cancel()
    calls = slow.calls(since=mark, cloud="alicloud")
    assumed = [c for c in calls if c["action"] == "AssumeRole"]
    refused = [c for c in calls if c["status"] >= 400 and c["path"] == "/"]
    answered = [c for c in calls if c["status"] < 400 and c["path"] == "/"]
    assert waited >= 4 * LIFETIME and len(assumed) >= 4, (waited, len(assumed))
    # Refreshed before expiry: a refusal only when a loaded machine holds a signed request past its
    # margin (half the lifetime) (then renewed once and sent again). Without the refresh, every read after the
    # first expiry would be refused.
    assert len(refused) <= max(1, len(answered) // 5), (len(refused), len(answered))


def test_an_expired_token_given_as_is_fails_once_naming_what_to_run(slow: EmulatorHandle) -> None:
    """A pasted token (StsToken) cannot be refreshed: one call, one clear error, nothing retried."""
    e = slow.env
    base = AccessKey(e["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"], e["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"])
    role = RoleRequest(e["IMAGEOPS_ALICLOUD_ROLE_ARN"], "pasted", 900)
    pasted = assume_role(httpx.Client(), e["IMAGEOPS_ALICLOUD_STS_ENDPOINT"], base, role).value
    time.sleep(LIFETIME + 0.2)  # the pasted token has expired
    driver = connect(
        access_key_id=pasted.access_key_id,
        access_key_secret=pasted.access_key_secret,
        security_token=pasted.security_token,
        region=e["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=e["IMAGEOPS_ALICLOUD_ENDPOINT"],
    )
    mark = slow.mark()
    with pytest.raises(errors.AuthError) as caught:
        driver.get("m-x")
    message = str(caught.value)
    assert "InvalidSecurityToken.Expired" in message and "aliyun configure --mode StsToken" in message
    assert "alicloud_assume_role_arn" in message
    assert pasted.security_token not in message and pasted.access_key_secret not in message
    assert [(c["action"], c["status"]) for c in ecs_calls(slow, mark)] == [("DescribeImages", 400)]
