"""The Alibaba Cloud Image resource through the real dynamic-provider server, against the emulator.

Each step is what the engine sends for ``pulumi up`` / ``preview`` / ``refresh`` / ``destroy``; the
emulator's call log (RPC actions) proves which steps touch the API and which must not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import imageops.registry
from imageops.alicloud import AlicloudImageSpec
from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

pytestmark = pytest.mark.timeout(180)

READ_PREFIXES = ("Describe",)


def api_calls(emulator, since: int) -> list[dict]:
    calls = emulator.calls(since=since, cloud="alicloud")
    return [c for c in calls if not str(c.get("path", "")).startswith("/_emulator")]


def writes(emulator, since: int) -> list[str]:
    return [c["action"] for c in api_calls(emulator, since) if not str(c["action"]).startswith(READ_PREFIXES)]


def provider_env(emu_env: dict[str, str]) -> dict[str, str]:
    """The provider server's environment: ours without cloud settings, plus the emulator's endpoint."""
    clouds = ("OCI_", "IMAGEOPS_", "ALIBABA_CLOUD_", "ALICLOUD_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(clouds)}
    env["IMAGEOPS_ALICLOUD_ENDPOINT"] = emu_env["IMAGEOPS_ALICLOUD_ENDPOINT"]
    env["HOME"] = os.environ.get("TMPDIR", "/tmp")  # no ~/.aliyun/config.json of the machine
    return env


def stack_config(emu_env: dict[str, str]) -> dict[str, str]:
    """Credentials through the stack configuration, the secret one as ``--secret`` would hold it."""
    return {
        "imageops:alicloudRegion": emu_env["IMAGEOPS_ALICLOUD_REGION"],
        "imageops:alicloudAccessKeyId": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "imageops:alicloudAccessKeySecret": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
    }


@pytest.fixture(scope="module")
def ali_harness(emu_env) -> Iterator[ProviderHarness]:
    with ProviderHarness("alicloud", env=provider_env(emu_env), config=stack_config(emu_env)) as h:
        yield h


@pytest.fixture()
def ali(ali_harness) -> Engine:
    return Engine(ali_harness)


def core_driver(emu_env, region: str | None = None):
    return imageops.registry.connect(
        "alicloud",
        access_key_id=emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        region=region or emu_env["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=emu_env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    )


@pytest.mark.e2e
def test_each_source_creates_once_and_a_rerun_calls_nothing(ali: Engine, emulator, emu_env):
    disks = [{"snapshot_id": emu_env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], "disk_type": "system"}]
    sources = {
        "instance": ({"instance_id": emu_env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]}, "CreateImage"),
        "snapshot": ({"snapshot_id": emu_env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]}, "CreateImage"),
        "disks": ({"disk_device_mapping": disks, "features": {"nvme_support": "supported"}}, "CreateImage"),
        "oss": (
            {
                "import_from": {
                    "oss_bucket": emu_env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                    "oss_object": emu_env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
                    "format": "QCOW2",
                },
                "platform": "Ubuntu",
            },
            "ImportImage",
        ),
    }
    states = {}
    try:
        for label, (source, action) in sources.items():
            inputs = {"image_name": f"pulumi-{label}", "tags": {"source": label}, **source}
            mark = emulator.mark()
            state, done = ali.up(label, inputs)
            states[label] = state
            assert done == "create" and state.id.startswith("m-")
            assert writes(emulator, mark) == [action], label
            out = state.outputs
            assert out["status"] == "Available" and out["image_name"] == f"pulumi-{label}"
            assert out["create_time"] and isinstance(out["disk_device_mapping"], list)
            assert out["tags"] == {"source": label}
            mark = emulator.mark()
            state, done = ali.up(label, inputs, state)
            assert done == "same" and api_calls(emulator, mark) == [], label
        oss = states["oss"].outputs["disk_device_mapping"][0]
        assert oss["import_oss_object"] == emu_env["IMAGEOPS_ALICLOUD_OSS_OBJECT"]

        # copy the imported image to the other region: one CopyImage, found there by name on re-run
        other = emu_env["IMAGEOPS_ALICLOUD_OTHER_REGION"]
        copy_from = {
            "source_image_id": states["oss"].id,
            "source_region_id": emu_env["IMAGEOPS_ALICLOUD_REGION"],
        }
        inputs = {"image_name": "pulumi-oss", "region": other, "copy_from": copy_from}
        mark = emulator.mark()
        copied, done = ali.up("copy", inputs)
        states["copy"] = copied
        assert done == "create" and writes(emulator, mark) == ["CopyImage"]
        assert copied.id != states["oss"].id and copied.outputs["region"] == other
        mark = emulator.mark()
        assert ali.up("copy", inputs, copied)[1] == "same" and api_calls(emulator, mark) == []
    finally:
        for state in states.values():
            ali.destroy(state)


def test_update_replace_refresh_get_and_delete(ali: Engine, emulator, emu_env):
    base = {"instance_id": emu_env["IMAGEOPS_ALICLOUD_INSTANCE_ID"], "image_name": "pulumi-life"}
    inputs = {**base, "description": "first", "tags": {"team": "images"}}
    state, _ = ali.up("life", inputs)
    image_id = state.id

    # in place: description, tags, name; the same image
    inputs = {
        **base,
        "image_name": "pulumi-life-2",
        "description": "second",
        "tags": {"team": "images", "tier": "gold"},
    }
    mark = emulator.mark()
    state, done = ali.up("life", inputs, state)
    assert done == "update" and state.id == image_id
    assert state.outputs["description"] == "second" and state.outputs["tags"] == {
        "team": "images",
        "tier": "gold",
    }
    assert writes(emulator, mark) and "CreateImage" not in writes(emulator, mark)

    # drift behind Pulumi's back: refresh shows it, the next up puts the tags back
    driver = core_driver(emu_env)
    try:
        spec = AlicloudImageSpec.parse(inputs)
        driver.update(driver.get(image_id), spec, {"tags": {"team": "platform"}})
    finally:
        driver.close()
    refreshed = ali.refresh(state)
    assert refreshed is not None and refreshed.outputs["tags"] == {"team": "platform"}
    assert refreshed.inputs == state.inputs
    state, done = ali.up("life", inputs, refreshed)
    assert done == "update" and state.outputs["tags"] == {"team": "images", "tier": "gold"}

    # read by id, as Image.get does
    got = ali.get("life-copy", image_id)
    assert got is not None and got.outputs["image_name"] == "pulumi-life-2"
    assert got.inputs["tags"] == {"team": "images", "tier": "gold"}

    # a ForceNew argument: the same name means delete first, then a new image
    mark = emulator.mark()
    diff = ali.preview(state, {**inputs, "architecture": "arm64"})
    assert list(diff.replaces) == ["architecture"] and diff.deleteBeforeReplace
    assert api_calls(emulator, mark) == []
    state, done = ali.up("life", {**inputs, "architecture": "arm64"}, state)
    assert done == "replace" and state.id != image_id and state.outputs["architecture"] == "arm64"
    assert ali.get("old", image_id) is None

    # destroy twice (gone is a success), and a refresh drops it
    ali.destroy(state)
    ali.destroy(state)
    assert ali.refresh(state) is None


def test_timeouts_bound_the_wait_and_the_next_up_adopts(ali: Engine, emulator, emu_env):
    inputs = {"snapshot_id": emu_env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], "image_name": "pulumi-timeout"}
    with pytest.raises(ProviderCallError) as caught:
        ali.up("timeout", {**inputs, "timeouts": {"create": "0.001s"}})
    assert "WaitTimeoutError" in caught.value.details and "m-" in caught.value.details
    mark = emulator.mark()
    state, done = ali.up("timeout", {**inputs, "timeouts": {"create": "10m"}})
    try:
        assert done == "create" and state.outputs["status"] == "Available"
        assert writes(emulator, mark) == []  # the image of the timed-out create, adopted by its name
        assert state.outputs["timeouts"] == {"create": "10m"}
    finally:
        ali.destroy(state)


def test_the_deprecated_name_creates_by_image_name(ali: Engine, emu_env):
    inputs = {"snapshot_id": emu_env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], "name": "pulumi-old-name"}
    state, _ = ali.up("old-name", inputs)
    try:
        assert state.outputs["image_name"] == "pulumi-old-name"
        assert ali.up("old-name", inputs, state)[1] == "same"
        renamed = {"snapshot_id": inputs["snapshot_id"], "image_name": "pulumi-old-name"}
        assert ali.up("old-name", renamed, state)[1] == "same"  # the new spelling of the same thing
    finally:
        ali.destroy(state)


def test_bad_input_fails_in_check_with_no_api_call(ali: Engine, emulator, emu_env):
    mark = emulator.mark()
    _, failures = ali.harness.check(
        ali.urn("bad"),
        {},
        {
            "instance_id": emu_env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "image_name": "acs:bad",
            "timeouts": {"create": "x"},
        },
    )
    assert {name for name, _ in failures} == {"image_name", "timeouts.create"}
    assert api_calls(emulator, mark) == []


def test_secrets_never_reach_the_engine(ali_harness, emu_env):
    secret = emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"].encode()
    assert ali_harness.received, "the other tests of this module talk to the server first"
    assert not any(secret in blob for blob in ali_harness.received)
    assert secret not in ali_harness.stderr().encode()
