"""OUTSCALE's own CLI (``osc-cli`` from PyPI ``osc-sdk``, unchanged), configured only by its config
file (``~/.osc/config.json``, the first of the paths ``osc_sdk.sdk.CONF_PATHS`` reads) naming the
emulator as ``endpoint``: no OSC_* variable, no option. It posts to ``{endpoint}//api/latest/{Action}``
and signs ``/api/latest/{Action}``; ReadImages, CreateImage, UpdateImage, CreateTags, DeleteImage."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from imageops.emulator.testing import EmulatorHandle

from .conftest import SOAK, Tool


@pytest.fixture(scope="module")
def osc_home(tool: Tool, emu: EmulatorHandle) -> Path:
    """The config file a user writes, with the emulator's base URL (osc-cli adds the API path)."""
    env = emu.env
    endpoint = env["IMAGEOPS_OUTSCALE_ENDPOINT"].rsplit("/api/", 1)[0]
    profile = {
        "access_key": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        "secret_key": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "region_name": env["IMAGEOPS_OUTSCALE_REGION"],
        "endpoint": endpoint,
    }
    config = tool.home / ".osc" / "config.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"default": profile}))
    return tool.home


def osc(tool: Tool, action: str, **params: Any) -> dict:
    """``osc-cli api <Action> --Param value``; lists and dicts go as JSON, which fire parses."""
    args = [tool.bin("osc-cli"), "api", action]
    for name, value in params.items():
        args += [f"--{name}", value if isinstance(value, str) else json.dumps(value)]
    return json.loads(tool.run(args).stdout)


def _image(tool: Tool, image_id: str) -> dict | None:
    images = osc(tool, "ReadImages", Filters={"ImageIds": [image_id]})["Images"]
    return images[0] if images else None


def _wait_available(tool: Tool, image_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while (image := _image(tool, image_id)) and image["State"] == "pending":
        assert time.monotonic() < deadline, f"{image_id} still pending after {timeout} s"
        time.sleep(0.3)
    assert image is not None
    return image


def test_read_images_lists_the_accounts_and_public_images(tool, emu, osc_home):
    since = emu.mark()
    answer = osc(tool, "ReadImages")
    assert answer["ResponseContext"]["RequestId"]
    assert emu.env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"] in {i["ImageId"] for i in answer["Images"]}
    calls = emu.calls(since, cloud="outscale")
    assert [(c["action"], c["status"]) for c in calls] == [("ReadImages", 200)]
    assert calls[0]["account"] == emu.env["IMAGEOPS_OUTSCALE_ACCOUNT_ID"], "signed as the config's key"


def test_create_update_tag_and_delete_an_image(tool, emu, osc_home):
    created = osc(
        tool,
        "CreateImage",
        VmId=emu.env["IMAGEOPS_OUTSCALE_VM_ID"],
        ImageName="osc-cli-image",
        Description="made by osc-cli",
    )["Image"]
    assert created["State"] == "pending" and created["ImageName"] == "osc-cli-image"
    image_id = created["ImageId"]
    assert _wait_available(tool, image_id)["State"] == "available"

    updated = osc(tool, "UpdateImage", ImageId=image_id, Description="changed by osc-cli")["Image"]
    assert updated["Description"] == "changed by osc-cli"
    osc(tool, "CreateTags", ResourceIds=[image_id], Tags=[{"Key": "team", "Value": "images"}])
    tagged = osc(tool, "ReadImages", Filters={"TagKeys": ["team"], "TagValues": ["images"]})["Images"]
    assert [i["ImageId"] for i in tagged] == [image_id]
    assert _image(tool, image_id)["Tags"] == [{"Key": "team", "Value": "images"}]

    osc(tool, "DeleteImage", ImageId=image_id)
    assert _image(tool, image_id) is None


def test_an_error_from_the_emulator_fails_the_command(tool, emu, osc_home):
    """The CLI turns the emulator's error body into its own exception: the shape is OUTSCALE's."""
    result = tool.run([tool.bin("osc-cli"), "api", "DeleteImage", "--ImageId", "ami-00000000"], check=False)
    assert result.returncode != 0
    assert "status = 400" in result.stderr and "InvalidResource" in result.stderr


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
def test_soak_twenty_create_tag_delete_cycles(tool, emu, osc_home):
    for n in range(20):
        image_id = osc(
            tool, "CreateImage", VmId=emu.env["IMAGEOPS_OUTSCALE_VM_ID"], ImageName=f"osc-soak-{n}"
        )["Image"]["ImageId"]
        _wait_available(tool, image_id)
        osc(tool, "CreateTags", ResourceIds=[image_id], Tags=[{"Key": "n", "Value": str(n)}])
        osc(tool, "DeleteImage", ImageId=image_id)
        assert _image(tool, image_id) is None
    left = osc(tool, "ReadImages", Filters={"ImageNames": [f"osc-soak-{n}" for n in range(20)]})["Images"]
    assert left == []
