"""Acceptance: one Pulumi program (examples/pulumi/neutral) makes the same neutral image on OCI,
OUTSCALE and Alibaba Cloud, and a second ``pulumi up`` changes nothing.

The program runs under ``pulumi.runtime.set_mocks`` (no engine), which records exactly what it
registers: the inputs and the pickled provider of each ``pulumi_images.Image``. Those are then sent,
as the engine would send them, to the real dynamic-provider server against the emulator: ``up`` once
creates the three images; ``up`` again is Check + Diff only, answered "no change" with no API call.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pulumi
import pytest
import yaml
from neutral_support import NeutralHarness, api_calls

import pulumi_images as images
from pulumi_images.harness import Engine

pytestmark = pytest.mark.timeout(180)

PROGRAM = Path(__file__).resolve().parents[2] / "examples" / "pulumi" / "neutral"
IMAGE_TYPE = "pulumi-python:dynamic/neutral:Image"
PROGRAM_IDS = (
    "IMAGEOPS_OCI_INSTANCE_ID",
    "IMAGEOPS_OCI_COMPARTMENT_ID",
    "IMAGEOPS_OUTSCALE_VM_ID",
    "IMAGEOPS_ALICLOUD_INSTANCE_ID",
)

CLOUDS = ("oci", "outscale", "alicloud")  # the clouds of the example program


class Mocks(pulumi.runtime.Mocks):
    """Records every registration; answers with the inputs, as a provider that changes nothing."""

    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        outputs = {k: v for k, v in args.inputs.items() if v is not None}
        return f"id-{args.name}", outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture()
def registered(monkeypatch, emu_env) -> dict[str, pulumi.runtime.MockResourceArgs]:
    """The program's registrations, by resource name."""
    for name in PROGRAM_IDS:
        monkeypatch.setenv(name, emu_env[name])
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-neutral-example", stack="test", preview=False)
    pulumi.runtime.set_all_config({})
    namespace = runpy.run_path(str(PROGRAM / "__main__.py"), run_name="__main__")
    ids = [pulumi.runtime.sync_await._sync_await(i.id.future()) for i in namespace["golden"].values()]
    assert ids == [f"id-golden-{cloud}" for cloud in CLOUDS]  # every registration has completed
    return mocks.resources


def test_project_file_declares_a_python_program():
    project = yaml.safe_load((PROGRAM / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python" and project["name"] == "imageops-neutral-example"


def test_the_program_declares_one_neutral_image_per_cloud(registered):
    declared = {name: args for name, args in registered.items() if args.typ == IMAGE_TYPE}
    assert sorted(declared) == sorted(f"golden-{cloud}" for cloud in CLOUDS)
    neutral = {
        name: {k: args.inputs.get(k) for k in ("name", "tags")} | {"kind": sorted(args.inputs["source"])}
        for name, args in declared.items()
    }
    # the same name, tags and kind of source everywhere; only the cloud and its ids differ
    assert len({repr(v) for v in neutral.values()}) == 1, neutral
    assert {args.inputs["cloud"] for args in declared.values()} == set(CLOUDS)
    assert declared["golden-oci"].inputs["cloud_options"]["compartment_id"].startswith("ocid1.compartment")


def test_up_twice_makes_three_images_then_changes_nothing(registered, emulator, emu_env):
    seen = {}
    for cloud in CLOUDS:
        args = registered[f"golden-{cloud}"]
        blob = args.inputs["__provider"]  # the provider exactly as the program pickled it
        inputs = {k: v for k, v in args.inputs.items() if k != "__provider" and v is not None}
        with NeutralHarness(cloud, emu_env, blob=blob) as harness:
            engine = Engine(harness)
            state, action = engine.up(args.name, inputs)
            assert action == "create"
            mark = emulator.mark()
            again, action = engine.up(args.name, inputs, state)
            assert action == "same"
            assert api_calls(emulator, mark) == []  # Check + Diff: not one API call
            assert harness.calls[-2:] == ["Check", "Diff"]
            assert again.id == state.id
            # the stack configuration's secrets never come back to the engine (state, outputs, errors)
            for secret in ("IMAGEOPS_OUTSCALE_SECRET_KEY", "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"):
                assert not any(emu_env[secret].encode() in answer for answer in harness.received)
        seen[cloud] = state.outputs

    for cloud, outputs in seen.items():
        assert outputs["cloud"] == cloud
        assert outputs["state"] == "available"
        assert outputs["name"] == "golden-web"
        assert outputs["tags"] == {"role": "web", "release": "2024.06"}
        assert outputs["attributes"]  # the cloud's own outputs, kept whole
    assert seen["oci"]["attributes"]["display_name"] == "golden-web"
    assert seen["outscale"]["attributes"]["image_name"] == "golden-web"
    assert seen["alicloud"]["attributes"]["image_name"] == "golden-web"


def test_get_reads_by_id_and_bad_arguments_are_refused(registered):
    existing = images.Image.get("existing", "ami-12345678", cloud="outscale", region="eu-west-2")
    assert pulumi.runtime.sync_await._sync_await(existing.id.future()) == "ami-12345678"
    read = registered["existing"]  # a read of that id, with what the provider needs to reach it
    assert (read.typ, read.resource_id) == (IMAGE_TYPE, "ami-12345678")
    assert (read.inputs["cloud"], read.inputs["region"]) == ("outscale", "eu-west-2")
    with pytest.raises(TypeError, match="secret_key"):
        images.Image("x", cloud="outscale", secret_key="nope")
    with pytest.raises(TypeError, match="plain string"):
        images.Image("y", cloud=pulumi.Output.from_input("oci"))
