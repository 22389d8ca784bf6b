"""The OUTSCALE example program (examples/pulumi/outscale) under ``pulumi.runtime.set_mocks``."""

from __future__ import annotations

import runpy
from pathlib import Path

import pulumi
import pytest
import yaml

import pulumi_images as images

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pulumi" / "outscale"
IMAGE_TYPE = "pulumi-python:dynamic/outscale:Image"
IDS = {
    "IMAGEOPS_OUTSCALE_VM_ID": "i-0000abcd",
    "IMAGEOPS_OUTSCALE_SNAPSHOT_ID": "snap-0000abcd",
    "IMAGEOPS_OUTSCALE_MANIFEST_URL": "https://oos.example/bucket/manifest.xml?sig=1",
    "IMAGEOPS_OUTSCALE_REGION": "eu-west-2",
}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        outputs = {k: v for k, v in args.inputs.items() if v is not None}
        image_id = f"ami-{abs(hash(args.name)) % 16**8:08x}"
        outputs.update(image_id=image_id, state="available")
        return image_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


def resolved(output: pulumi.Output):
    return pulumi.runtime.sync_await._sync_await(output.future())


def run_program(monkeypatch) -> tuple[Mocks, dict]:
    for key in ("OSC_REGION", *IDS):
        monkeypatch.delenv(key, raising=False)
    for key, value in IDS.items():
        monkeypatch.setenv(key, value)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-outscale-example", stack="test", preview=False)
    pulumi.runtime.set_all_config({})
    namespace = runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")
    for name in ("image01", "image02", "image03", "image04"):
        resolved(namespace[name].id)
    return mocks, namespace


def test_project_file_declares_a_python_program():
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python" and project["name"]


def test_program_declares_the_four_seed_examples(monkeypatch):
    mocks, namespace = run_program(monkeypatch)
    assert set(mocks.resources) == {"image01", "image02", "image03", "image04"}
    assert {r.typ for r in mocks.resources.values()} == {IMAGE_TYPE}
    inputs = {name: r.inputs for name, r in mocks.resources.items()}
    assert (
        inputs["image01"]["vm_id"] == IDS["IMAGEOPS_OUTSCALE_VM_ID"]
        and inputs["image01"]["no_reboot"] is True
    )
    assert inputs["image02"]["file_location"] == IDS["IMAGEOPS_OUTSCALE_MANIFEST_URL"]
    assert inputs["image03"]["source_image_id"] == resolved(namespace["image01"].image_id)
    assert inputs["image03"]["source_region_name"] == "eu-west-2"
    mapping = inputs["image04"]["block_device_mappings"][0]
    assert mapping["device_name"] == inputs["image04"]["root_device_name"] == "/dev/sda1"
    assert mapping["bsu"] == {
        "snapshot_id": IDS["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"],
        "volume_size": 120,
        "volume_type": "io1",
        "iops": 150,
        "delete_on_vm_deletion": True,
    }
    # every input is valid for the core's spec, as the provider's check will find it
    spec_type = images.ImageProvider("outscale").spec_type
    for given in inputs.values():
        spec_type.parse({k: v for k, v in given.items() if k in spec_type.model_fields and v is not None})


def test_image_rejects_unknown_arguments_and_get_reads_by_id(monkeypatch):
    with pytest.raises(TypeError, match="display_name"):
        images.outscale.Image("bad", display_name="x")
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="p", stack="s", preview=False)
    got = images.outscale.Image.get("got", "ami-12345678", region="eu-west-2")
    assert resolved(got.id)
    assert mocks.resources["got"].inputs.get("region") == "eu-west-2"
