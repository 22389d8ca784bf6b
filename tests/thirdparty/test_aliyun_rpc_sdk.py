"""The older Alibaba Cloud RPC client (``aliyun-python-sdk-core`` + ``aliyun-python-sdk-ecs``, the one
footmark and many scripts still use), unchanged, against the emulator's ECS endpoint: CreateImageRequest
(with its ClientToken), DescribeImagesRequest (by id, by name, waiting for Available) and
DeleteImageRequest, each signed by the SDK's own RPC signer."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from imageops.emulator.testing import EmulatorHandle

from .conftest import SOAK, Tool

DRIVER = Path(__file__).parent / "tools" / "aliyun_rpc.py"


def ecs_env(emu: EmulatorHandle) -> dict[str, str]:
    env = emu.env
    return {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "ALIBABA_CLOUD_REGION_ID": env["IMAGEOPS_ALICLOUD_REGION"],
        "ECS_ENDPOINT": env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    }


def rpc(tool: Tool, emu: EmulatorHandle, request: str, expect_error: bool = False, **params: Any) -> dict:
    """One SDK request class with its parameters; the answer (or the ServerException) as a dict."""
    result = tool.run(
        [tool.bin("python"), str(DRIVER), request, json.dumps(params)],
        extra_env=ecs_env(emu),
        check=not expect_error,
    )
    assert result.returncode == (3 if expect_error else 0), result.stderr[-3000:]
    return json.loads(result.stdout)


def describe(tool: Tool, emu: EmulatorHandle, **params: Any) -> list[dict]:
    return rpc(tool, emu, "DescribeImagesRequest", **params)["Images"]["Image"]


def wait_available(tool: Tool, emu: EmulatorHandle, image_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        (image,) = describe(tool, emu, ImageId=image_id, Status="Creating,Available")
        if image["Status"] == "Available":
            return image
        assert time.monotonic() < deadline, f"{image_id} still {image['Status']} after {timeout} s"
        time.sleep(0.3)


def test_create_describe_and_delete_with_the_rpc_client(tool, emu):
    env = emu.env
    create = {
        "InstanceId": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
        "ImageName": "rpc-sdk-image",
        "ClientToken": "rpc-1",
    }
    since = emu.mark()
    image_id = rpc(tool, emu, "CreateImageRequest", **create)["ImageId"]
    # ECS's ClientToken: the same request again answers the same image, and makes no second one.
    assert rpc(tool, emu, "CreateImageRequest", **create)["ImageId"] == image_id
    image = wait_available(tool, emu, image_id)
    assert (image["ImageName"], image["ImageOwnerAlias"]) == ("rpc-sdk-image", "self")
    assert [i["ImageId"] for i in describe(tool, emu, ImageName="rpc-sdk-image")] == [image_id]

    rpc(tool, emu, "DeleteImageRequest", ImageId=image_id)
    assert describe(tool, emu, ImageId=image_id) == []
    writes = [
        c["action"] for c in emu.calls(since, cloud="alicloud") if not c["action"].startswith("Describe")
    ]
    assert writes == ["CreateImage", "CreateImage", "DeleteImage"]
    assert {c["account"] for c in emu.calls(since, cloud="alicloud")} == {env["IMAGEOPS_ALICLOUD_ACCOUNT_ID"]}


def test_system_images_are_listed_by_owner_alias(tool, emu):
    system = describe(tool, emu, ImageOwnerAlias="system", PageSize=100)
    assert system and {i["ImageOwnerAlias"] for i in system} == {"system"}


def test_an_ecs_error_reaches_the_client_as_a_server_exception(tool, emu):
    error = rpc(tool, emu, "DeleteImageRequest", expect_error=True, ImageId="m-doesnotexist0000000")
    assert error["HttpStatus"] in (400, 403, 404) and error["Code"].startswith("InvalidImageId")


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
def test_soak_twenty_create_describe_delete_cycles(tool, emu):
    instance = emu.env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]
    for n in range(20):
        image_id = rpc(tool, emu, "CreateImageRequest", InstanceId=instance, ImageName=f"rpc-soak-{n}")[
            "ImageId"
        ]
        wait_available(tool, emu, image_id)
        rpc(tool, emu, "DeleteImageRequest", ImageId=image_id)
    left = [i for i in describe(tool, emu, PageSize=100) if i["ImageName"].startswith("rpc-soak-")]
    assert left == []
