"""``pulumi_images.fan_out``: one resource per region under ``set_mocks``, then the very inputs it
declares created through the real dynamic-provider server (the copies at the same time, as the engine
sends them), with the provider's progress lines on the server's stderr."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pulumi
import pytest
from tests_pulumi_support import provider_env

import pulumi_images as images
from imageops.errors import SpecError
from pulumi_images.harness import IMPORTING_SERVER, ProviderHarness, resource_urn

pytestmark = pytest.mark.timeout(180)
IMAGE_TYPE = "pulumi-python:dynamic/alicloud:Image"
REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-qingdao"]
EIGHT = [*REGIONS, "cn-zhangjiakou", "cn-huhehaote", "cn-shenzhen", "cn-chengdu"]


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        return f"m-{args.name}", {k: v for k, v in args.inputs.items() if v is not None}

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture()
def mocks() -> Mocks:
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-fan-out", stack="test", preview=False)
    pulumi.runtime.set_all_config({})
    return mocks


def resolved(output: pulumi.Output) -> Any:
    return pulumi.runtime.sync_await._sync_await(output.future())


def declare(mocks: Mocks, image_name: str, instance_id: str, regions: list[str]) -> dict[str, Any]:
    """``fan_out`` as a program calls it; -> region -> the inputs the engine received."""
    declared = images.fan_out(
        images.alicloud.Image,
        "golden",
        regions,
        image_name=image_name,
        instance_id=instance_id,
        description="the golden image",
        tags={"team": "images"},
        architecture="x86_64",
        timeouts={"create": "20m"},
    )
    assert list(declared) == regions
    for image in declared.values():
        resolved(image.id)  # registrations are done once ids resolve
    return {region: mocks.resources[f"golden-{region}"].inputs for region in regions}


def test_one_resource_per_region_copies_of_the_first(mocks: Mocks) -> None:
    inputs = declare(mocks, "golden", "i-bp1instance000001", REGIONS)
    source = inputs["cn-hangzhou"]
    assert source["region"] == "cn-hangzhou" and source["instance_id"] == "i-bp1instance000001"
    assert source["architecture"] == "x86_64" and "copy_from" not in source
    for region in REGIONS[1:]:
        copy = inputs[region]
        assert copy["region"] == region
        assert copy["copy_from"] == {
            "source_image_id": "m-golden-cn-hangzhou",
            "source_region_id": "cn-hangzhou",
        }
        # what a copy keeps, and the settings; not the source nor what CopyImage cannot take
        assert copy["image_name"] == "golden" and copy["tags"] == {"team": "images"}
        assert copy["description"] == "the golden image" and copy["timeouts"] == {"create": "20m"}
        assert "instance_id" not in copy and "architecture" not in copy


def test_bad_regions_and_clouds_that_cannot_copy_are_refused(mocks: Mocks) -> None:
    with pytest.raises(SpecError, match="repeated: cn-hangzhou"):
        images.fan_out(images.alicloud.Image, "x", ["cn-hangzhou", "cn-hangzhou"], instance_id="i-bp1x")
    with pytest.raises(SpecError, match="at least one region"):
        images.fan_out(images.alicloud.Image, "x", [], instance_id="i-bp1x")
    with pytest.raises(SpecError, match="give the regions in regions"):
        images.fan_out(images.alicloud.Image, "x", ["cn-hangzhou"], region="cn-beijing", instance_id="i-bp1x")
    with pytest.raises(TypeError, match="Image resource class of pulumi_images"):
        images.fan_out(pulumi.CustomResource, "x", ["cn-hangzhou"])
    assert mocks.resources == {}  # nothing was declared


def stack_config(emu_env: dict[str, str]) -> dict[str, str]:
    return {
        "imageops:alicloudAccessKeyId": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "imageops:alicloudAccessKeySecret": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
    }


def writes(emulator: Any, since: int) -> list[str]:
    calls = emulator.calls(since=since, cloud="alicloud")
    return [c["action"] for c in calls if not str(c["action"]).startswith("Describe")]


@pytest.mark.e2e
def test_the_declared_copies_run_at_once_through_the_provider_server(mocks, emulator, emu_env) -> None:
    name = f"golden-{uuid.uuid4().hex[:8]}"
    inputs = declare(mocks, name, emu_env["IMAGEOPS_ALICLOUD_INSTANCE_ID"], REGIONS)
    env = provider_env(emu_env)
    with ProviderHarness("alicloud", env=env, config=stack_config(emu_env)) as server:
        mark = emulator.mark()
        source_id, source_out = server.create(
            resource_urn("golden-cn-hangzhou", "alicloud"), inputs["cn-hangzhou"]
        )
        assert source_out["status"] == "Available"
        spans: dict[str, tuple[float, float]] = {}
        created: dict[str, str] = {}

        def create_copy(region: str) -> None:
            props = dict(inputs[region])
            props["copy_from"] = {**props["copy_from"], "source_image_id": source_id}  # the real id
            started = time.monotonic()
            created[region], _ = server.create(resource_urn(f"golden-{region}", "alicloud"), props)
            spans[region] = (started, time.monotonic())

        threads = [threading.Thread(target=create_copy, args=(region,)) for region in REGIONS[1:]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(created) == sorted(REGIONS[1:])
        assert writes(emulator, mark) == ["CreateImage"] + ["CopyImage"] * 3
        # the three copies were in flight together (each takes ~2 s): the engine's parallelism holds
        assert max(start for start, _ in spans.values()) < min(end for _, end in spans.values())
        stderr = server.stderr()
    # progress: one info line per state change of every image, on the plugin's stderr (the engine
    # shows a dynamic provider's stderr as diagnostics of the update)
    for image_id in (source_id, *created.values()):
        lines = [line for line in stderr.splitlines() if f": {image_id} " in line]
        assert lines and all(line.startswith("info: imageops alicloud image image_name") for line in lines)
        assert f"{image_id} Available 100% after " in lines[-1]


def create_copies(server: ProviderHarness, inputs: dict[str, Any], source_id: str) -> dict[str, float]:
    """Every copy's Create at once, as the engine sends them; -> region -> seconds the call took."""
    seconds: dict[str, float] = {}

    def create_copy(region: str) -> None:
        props = dict(inputs[region])
        props["copy_from"] = {**props["copy_from"], "source_image_id": source_id}
        started = time.monotonic()
        server.create(resource_urn(f"golden-{region}", "alicloud"), props)
        seconds[region] = time.monotonic() - started

    threads = [
        threading.Thread(target=create_copy, args=(region,))
        for region in inputs
        if inputs[region].get("copy_from")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seconds


@pytest.mark.e2e
def test_the_package_server_runs_seven_copies_at_once(mocks, emulator, emu_env) -> None:
    """``python -m pulumi.dynamic`` serves 4 calls at a time; ``pulumi_images.dynamic`` serves them all."""
    inputs = declare(mocks, f"golden-{uuid.uuid4().hex[:8]}", emu_env["IMAGEOPS_ALICLOUD_INSTANCE_ID"], EIGHT)
    with ProviderHarness(
        "alicloud", env=provider_env(emu_env), config=stack_config(emu_env), server=IMPORTING_SERVER
    ) as server:
        source_id, _ = server.create(resource_urn("golden-cn-hangzhou", "alicloud"), inputs["cn-hangzhou"])
        seconds = create_copies(server, inputs, source_id)
    assert len(seconds) == 7
    # none waited for a free worker: the slowest copy took about as long as the fastest (~2 s each)
    assert max(seconds.values()) < 1.5 * min(seconds.values()), seconds
