"""The Alibaba Cloud plugin of the emulator in process: protocol, auth edges and real error codes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from imageops.alicloud.auth import Acs3Signer, RpcSigner
from imageops.emulator.alicloud import AlicloudPlugin
from imageops.emulator.core import Emulator, make_app
from imageops.emulator.testing import InProcessEmulator

from .conftest import AsgiClient

VERSION = {"Version": "2014-05-26"}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[AsgiClient, dict[str, str], Emulator]]:
    # an image takes 60 s to create in ECS: 0.6 s here, so a test still sees it Creating a few calls
    # later on a loaded machine (0.06 s at 0.001 was not enough beside five other pytest workers)
    emu = InProcessEmulator(tmp_path, time_scale=0.01)
    client = AsgiClient(emu.app("alicloud"), "http://ecs.test")
    yield client, emu.env, emu.emulator
    client.close()


def signer(env: dict[str, str], kind: type = RpcSigner, prefix: str = "IMAGEOPS_ALICLOUD_", **kw: Any) -> Any:
    return kind(env[f"{prefix}ACCESS_KEY_ID"], env[f"{prefix}ACCESS_KEY_SECRET"], **kw)


def call(client: AsgiClient, auth: Any, action: str, method: str = "POST", **params: Any) -> httpx.Response:
    return client.request(method, "/", params={"Action": action, **VERSION, **params}, auth=auth)


def test_get_and_post_with_query_or_form(world: Any) -> None:
    client, env, _ = world
    auth = signer(env)
    region = env["IMAGEOPS_ALICLOUD_REGION"]
    assert call(client, auth, "DescribeImages", "GET", RegionId=region).status_code == 200
    form = client.request(
        "POST", "/", params={"Action": "DescribeInstances", **VERSION}, data={"RegionId": region}, auth=auth
    )
    assert form.status_code == 200 and form.json()["Instances"]["Instance"][0]["Status"] == "Running"
    acs3 = call(client, signer(env, Acs3Signer), "DescribeSnapshots", RegionId=region)
    assert acs3.status_code == 200 and acs3.json()["TotalCount"] == 2


@pytest.mark.parametrize(
    ("mutate", "status", "code"),
    [
        # A secret is registered for redaction process-wide: not a word that later messages contain.
        (lambda env: {"access_key_secret": "NotTheSecretOfThisKey0"}, 400, "SignatureDoesNotMatch"),
        (lambda env: {"access_key_id": "LTAI5tUnknownKey00000"}, 404, "InvalidAccessKeyId.NotFound"),
        (lambda env: {"clock": lambda: time.time() - 3600}, 400, "InvalidTimeStamp.Expired"),
    ],
)
@pytest.mark.parametrize("kind", [RpcSigner, Acs3Signer])
def test_bad_signatures_get_ecs_codes(world: Any, mutate: Any, status: int, code: str, kind: type) -> None:
    client, env, _ = world
    args = {
        "access_key_id": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "access_key_secret": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
    }
    extra = mutate(env)
    clock = extra.pop("clock", time.time)
    args.update(extra)
    response = call(
        client,
        kind(args["access_key_id"], args["access_key_secret"], clock=clock),
        "DescribeImages",
        RegionId="cn-hangzhou",
    )
    assert response.status_code == status
    body = response.json()
    assert body["Code"] == code
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}


def test_nonce_replay_sts_token_and_unknown_action(world: Any) -> None:
    client, env, _ = world
    fixed = signer(env, nonce=lambda: "same-nonce")
    assert call(client, fixed, "DescribeImages", RegionId="cn-hangzhou").status_code == 200
    assert (
        call(client, fixed, "DescribeImages", RegionId="cn-hangzhou").json()["Code"] == "SignatureNonceUsed"
    )
    sts = signer(env, prefix="IMAGEOPS_ALICLOUD_STS_", security_token=env["IMAGEOPS_ALICLOUD_SECURITY_TOKEN"])
    assert call(client, sts, "DescribeImages", RegionId="cn-hangzhou").status_code == 200
    bad_token = signer(env, Acs3Signer, prefix="IMAGEOPS_ALICLOUD_STS_", security_token="CAISforged")
    assert call(client, bad_token, "DescribeImages", RegionId="cn-hangzhou").json()["Code"] == (
        "InvalidSecurityToken.MismatchWithAccessKey"
    )
    no_token = signer(env, prefix="IMAGEOPS_ALICLOUD_STS_")
    assert (
        call(client, no_token, "DescribeImages", RegionId="cn-hangzhou").json()["Code"]
        == "MissingSecurityToken"
    )
    unknown = call(client, signer(env), "RunInstancesPlease", RegionId="cn-hangzhou")
    assert (unknown.status_code, unknown.json()["Code"]) == (404, "InvalidAction.NotFound")
    missing = call(client, signer(env), "DescribeImages")
    assert missing.json()["Code"] == "MissingParameter" and '"RegionId"' in missing.json()["Message"]
    assert call(client, signer(env), "DescribeImages", RegionId="xx-nowhere-1").json()["Code"] == (
        "InvalidRegionId.NotFound"
    )


def test_lifecycle_progress_client_token_and_codes(world: Any) -> None:
    client, env, emulator = world
    auth = signer(env)
    region = env["IMAGEOPS_ALICLOUD_REGION"]
    params = {
        "RegionId": region,
        "SnapshotId": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
        "ImageName": "lc-one",
        "ClientToken": "tok-1",
    }
    first = call(client, auth, "CreateImage", **params).json()["ImageId"]
    assert call(client, auth, "CreateImage", **params).json()["ImageId"] == first
    mismatch = call(client, auth, "CreateImage", **{**params, "Description": "different"}).json()
    assert mismatch["Code"] == "IdempotentParameterMismatch"
    dup = call(client, auth, "CreateImage", **{**params, "ClientToken": "tok-2"}).json()
    assert dup["Code"] == "InvalidImageName.Duplicated"
    assert (
        call(
            client,
            auth,
            "CreateImage",
            RegionId=region,
            ImageName="aliyun-x",
            SnapshotId=env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
        ).json()["Code"]
        == "InvalidImageName.Malformed"
    )
    creating = call(
        client, auth, "DescribeImages", RegionId=region, ImageId=first, Status="Creating,Available"
    ).json()
    assert creating["Images"]["Image"][0]["Status"] == "Creating"
    default = call(client, auth, "DescribeImages", RegionId=region, ImageId=first).json()
    assert default["TotalCount"] == 0  # without Status, ECS lists Available images only
    assert (
        call(client, auth, "DeleteImage", RegionId=region, ImageId=first).json()["Code"]
        == "IncorrectImageStatus"
    )
    time.sleep(emulator.scaled(61))
    image = call(client, auth, "DescribeImages", RegionId=region, ImageId=first).json()["Images"]["Image"][0]
    assert (image["Status"], image["Progress"]) == ("Available", "100%")
    other = signer(env, prefix="IMAGEOPS_ALICLOUD_OTHER_")
    assert (
        call(client, other, "DeleteImage", RegionId=region, ImageId=first).json()["Code"]
        == "InvalidImageId.NotFound"
    )
    copy = call(
        client, auth, "CopyImage", RegionId=region, ImageId=first, DestinationRegionId="cn-beijing"
    ).json()
    copied = call(
        client,
        auth,
        "DescribeImages",
        RegionId="cn-beijing",
        ImageId=copy["ImageId"],
        Status="Waiting,Creating",
    ).json()["Images"]["Image"][0]
    assert (
        copied["Status"] == "Waiting"
        and copied["DiskDeviceMappings"]["DiskDeviceMapping"][0]["RemainTime"] > 0
    )
    tasks = call(client, auth, "DescribeTasks", RegionId="cn-beijing", TaskAction="CopyImage").json()
    assert tasks["TaskSet"]["Task"][0]["TaskStatus"] in ("Waiting", "Processing")
    assert call(client, auth, "DeleteImage", RegionId=region, ImageId=first).status_code == 200
    assert (
        call(client, auth, "DeleteImage", RegionId=region, ImageId=first).json()["Code"]
        == "InvalidImageId.NotFound"
    )


def test_faults_are_ecs_shaped_and_logged_with_the_action(tmp_path: Path) -> None:
    emulator = Emulator(data_dir=tmp_path, time_scale=0.001, fault_rate=1.0, seed=3)
    plugin = emulator.add(AlicloudPlugin())
    env = plugin.env(emulator, "http://ecs.test")
    client = AsgiClient(make_app(emulator, plugin), "http://ecs.test")
    seen = set()
    for _ in range(12):
        try:
            response = call(client, signer(env, Acs3Signer), "DescribeImages", RegionId="cn-hangzhou")
            seen.add((response.status_code, response.json()["Code"]))
        except Exception:  # a dropped connection
            continue
    client.close()
    assert seen <= {(400, "Throttling"), (500, "InternalError"), (503, "ServiceUnavailable")} and seen
    assert {c["action"] for c in emulator.calls.entries} == {"DescribeImages"}
    faulted = [c for c in emulator.calls.entries if c["status"] in (400, 500, 503)]
    assert faulted and {c["account"] for c in faulted} == {env["IMAGEOPS_ALICLOUD_ACCOUNT_ID"]}
