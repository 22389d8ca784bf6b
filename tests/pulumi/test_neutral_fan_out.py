"""``pulumi_images.fan_out`` with the neutral ``pulumi_images.Image``: one resource per region under
``set_mocks`` (the first built as declared, the others ``source.copy`` of its id), then those very
inputs through the real dynamic-provider server against the emulator, on each of the three clouds:
one image built, the copies created at once, a re-run whose Diff makes no API call."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from neutral_support import CLOUDS, NeutralHarness, api_calls, cloud_options, instance_source, writes

import pulumi_images as images
from imageops.errors import SpecError
from pulumi_images.harness import Engine, ResourceState

pytestmark = pytest.mark.timeout(180)
REGION_LISTS = {
    "oci": "IMAGEOPS_OCI_REGIONS",
    "outscale": "IMAGEOPS_OUTSCALE_REGIONS",
    "alicloud": "IMAGEOPS_ALICLOUD_REGIONS",
    "aws": "IMAGEOPS_AWS_REGIONS",
}

IMAGE_WRITES = ("CreateImage", "CopyImage", "DeleteImage")
IMAGE_WRITES_OF = {
    "oci": ["CreateImage"] * 3,  # the source, then an import of its export in each other region
    "outscale": ["CreateImage"] * 3,  # CreateImage with SourceImageId for the copies
    "alicloud": ["CreateImage", "CopyImage", "CopyImage"],
    "aws": ["CreateImage", "CopyImage", "CopyImage"],
}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        return f"id-{args.name}", {k: v for k, v in args.inputs.items() if v is not None}

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture()
def mocks() -> Mocks:
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-neutral-fan-out", stack="test", preview=False)
    pulumi.runtime.set_all_config({})
    return mocks


def resolved(output: pulumi.Output) -> Any:
    return pulumi.runtime.sync_await._sync_await(output.future())


def declare(mocks: Mocks, regions: list[str], **args: Any) -> dict[str, dict[str, Any]]:
    """``fan_out`` of the neutral Image as a program calls it; -> region -> the inputs the engine got."""
    declared = images.fan_out(images.Image, "web", regions, **args)
    assert list(declared) == regions and all(isinstance(r, images.Image) for r in declared.values())
    for image in declared.values():
        resolved(image.id)  # registrations are done once ids resolve
    return {region: dict(mocks.resources[f"web-{region}"].inputs) for region in regions}


def test_one_neutral_resource_per_region_copies_of_the_first(mocks: Mocks) -> None:
    regions = ["us-ashburn-1", "us-phoenix-1", "eu-frankfurt-1"]
    inputs = declare(
        mocks,
        regions,
        cloud="oci",
        name="web",
        source={"instance": {"id": "ocid1.instance.oc1..web"}},
        tags={"role": "web"},
        cloud_options={"compartment_id": "ocid1.compartment.oc1..c", "launch_mode": "NATIVE"},
        endpoint="http://127.0.0.1:1",
    )
    first = inputs[regions[0]]
    assert first["source"] == {"instance": {"id": "ocid1.instance.oc1..web"}}
    assert first["region"] == regions[0] and first["cloud_options"]["launch_mode"] == "NATIVE"
    for region in regions[1:]:
        copy = inputs[region]
        # the copy's source is the first region's image: its id, so the engine creates it after
        assert copy["source"] == {"copy": {"image_id": f"id-web-{regions[0]}", "region": regions[0]}}
        assert (copy["cloud"], copy["region"], copy["name"], copy["tags"]) == (
            "oci",
            region,
            "web",
            {"role": "web"},
        )
        assert copy["endpoint"] == "http://127.0.0.1:1"
        # what OCI's copy keeps (the compartment), not what comes from the source (the launch mode)
        assert copy["cloud_options"] == {"compartment_id": "ocid1.compartment.oc1..c"}


def test_a_cloud_that_is_no_plain_name_is_refused_before_any_resource(mocks: Mocks) -> None:
    with pytest.raises(SpecError, match="cloud: must be a plain string"):
        images.fan_out(images.Image, "x", ["a", "b"], cloud=pulumi.Output.from_input("oci"), name="x")
    with pytest.raises(SpecError, match="give the regions in regions"):
        images.fan_out(images.Image, "x", ["a"], cloud="alicloud", region="cn-beijing", name="x")
    assert mocks.resources == {}


@pytest.fixture(scope="module", params=CLOUDS)
def cloud_harness(request, emu_env) -> Iterator[NeutralHarness]:
    harness = NeutralHarness(request.param, emu_env)
    # each OCI region is its own emulator endpoint (as each real region is): without these, every
    # region would reach the home region's and a copy would find the source there by its name
    harness.env.update({k: emu_env[k] for k in ("IMAGEOPS_OCI_ENDPOINT_TEMPLATE", "IMAGEOPS_OCI_REGION")})
    with harness:
        yield harness


@pytest.mark.e2e
def test_the_declared_regions_are_created_and_a_rerun_calls_nothing(mocks, cloud_harness, emulator, emu_env):
    cloud = cloud_harness.cloud
    regions = emu_env[REGION_LISTS[cloud]].split(",")[:3]
    name = f"neutral-fan-{cloud}-{uuid.uuid4().hex[:6]}"
    inputs = declare(
        mocks,
        regions,
        cloud=cloud,
        name=name,
        source=instance_source(cloud, emu_env),
        tags={"team": "images"},
        cloud_options=cloud_options(cloud, emu_env),
    )
    engine = Engine(cloud_harness)
    mark = emulator.mark()
    source, action = engine.up(f"web-{regions[0]}", inputs[regions[0]])
    assert action == "create" and source.outputs["state"] == "available"
    states: dict[str, ResourceState] = {}

    def create_copy(region: str) -> None:
        props = dict(inputs[region])
        props["source"] = {"copy": {"image_id": source.id, "region": regions[0]}}  # the real id
        states[region], _ = engine.up(f"web-{region}", props)

    threads = [threading.Thread(target=create_copy, args=(region,)) for region in regions[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(states) == sorted(regions[1:])
    assert len({source.id, *(s.id for s in states.values())}) == 3
    for region, state in states.items():
        assert (state.outputs["name"], state.outputs["state"], state.outputs["tags"]) == (
            name,
            "available",
            {"team": "images"},
        )
        assert state.outputs["region"] == region
    # one image built, one copy per other region (OCI: an import each), none deleted
    made = [w for w in writes(emulator, mark, cloud) if w in IMAGE_WRITES]
    assert sorted(made) == sorted(IMAGE_WRITES_OF[cloud]), made

    # the re-run: every region's Diff says nothing changed, without an API call
    mark = emulator.mark()
    for region, state in [(regions[0], source), *states.items()]:
        again, action = engine.up(f"web-{region}", state.inputs, state)
        assert (action, again.id) == ("same", state.id)
    assert api_calls(emulator, mark) == []
