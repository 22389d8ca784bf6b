"""The example program (examples/pulumi) under ``pulumi.runtime.set_mocks``: no engine, no cloud."""

from __future__ import annotations

import base64
import json
import runpy
from pathlib import Path

import dill
import pulumi
import pytest
import yaml

import pulumi_images as images

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pulumi"
IMAGE_TYPE = "pulumi-python:dynamic/oci:Image"
IDS = {
    "IMAGEOPS_OCI_COMPARTMENT_ID": "ocid1.compartment.oc1..aaaaaaaaenv",
    "IMAGEOPS_OCI_INSTANCE_ID": "ocid1.instance.oc1.iad.aaaaaaaaenv",
    "IMAGEOPS_OCI_NAMESPACE": "ns-env",
    "IMAGEOPS_OCI_BUCKET": "bucket-env",
    "IMAGEOPS_OCI_OBJECT": "object-env.qcow2",
}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        outputs = {k: v for k, v in args.inputs.items() if v is not None}
        if args.typ == IMAGE_TYPE:
            outputs.update(
                state="AVAILABLE",
                size_in_mbs=47694,
                operating_system="Oracle Linux",
                launch_options={"firmware": "UEFI_64", "network_type": "PARAVIRTUALIZED"},
            )
        return f"ocid1.image.oc1.iad.{args.name}", outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


def run_program(monkeypatch, env: dict[str, str], config: dict[str, str] | None = None) -> Mocks:
    for key in IDS:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-example", stack="test", preview=False)
    pulumi.runtime.set_all_config(config or {})
    namespace = runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")
    namespace["_mocks"] = mocks
    return mocks, namespace


def resolved(output: pulumi.Output):
    return pulumi.runtime.sync_await._sync_await(output.future())


def test_project_file_declares_a_python_program():
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["name"]


def test_program_declares_an_image_from_the_instance_and_one_imported(monkeypatch):
    mocks, namespace = run_program(monkeypatch, IDS)
    golden = resolved(namespace["golden"].id)
    assert golden == "ocid1.image.oc1.iad.golden"
    assert resolved(namespace["imported"].state) == "AVAILABLE"
    assert set(mocks.resources) == {"golden", "imported"}
    golden_in = mocks.resources["golden"].inputs
    assert mocks.resources["golden"].typ == IMAGE_TYPE
    assert golden_in["compartment_id"] == IDS["IMAGEOPS_OCI_COMPARTMENT_ID"]
    assert golden_in["instance_id"] == IDS["IMAGEOPS_OCI_INSTANCE_ID"]
    assert golden_in["freeform_tags"]["managed-by"] == "pulumi"
    source = mocks.resources["imported"].inputs["image_source_details"]
    assert source == {
        "source_type": "objectStorageTuple",
        "namespace_name": "ns-env",
        "bucket_name": "bucket-env",
        "object_name": "object-env.qcow2",
        "source_image_type": "QCOW2",
    }
    # typed outputs: nested output types and plain attributes
    options = resolved(namespace["golden"].launch_options)
    assert isinstance(options, images.oci.ImageLaunchOptions) and options.firmware == "UEFI_64"
    assert resolved(namespace["golden"].size_in_mbs) == 47694


def test_program_reads_ids_from_stack_config_first(monkeypatch):
    config = {
        "imageops:compartmentId": "ocid1.compartment.oc1..aaaaaaaaconfig",
        "imageops:instanceId": "ocid1.instance.oc1.iad.aaaaaaaaconfig",
        "imageops:namespace": "ns-config",
        "imageops:bucket": "bucket-config",
        "imageops:object": "object-config.qcow2",
    }
    mocks, namespace = run_program(monkeypatch, IDS, config)
    # registration is asynchronous: wait for both resources before reading what the mocks saw
    resolved(namespace["golden"].id)
    resolved(namespace["imported"].id)
    assert mocks.resources["golden"].inputs["compartment_id"].endswith("config")
    assert mocks.resources["imported"].inputs["image_source_details"]["bucket_name"] == "bucket-config"


def test_registered_provider_is_tiny_and_holds_only_the_cloud_name(monkeypatch):
    mocks, namespace = run_program(monkeypatch, IDS)
    resolved(namespace["golden"].id)
    blob = mocks.resources["golden"].inputs["__provider"]
    raw = base64.b64decode(blob)
    assert len(raw) < 200
    provider = dill.loads(raw)
    assert isinstance(provider, images.ImageProvider)
    assert vars(provider) == {"cloud": "oci"}
    dumped = json.dumps({k: v for k, v in mocks.resources["golden"].inputs.items() if k != "__provider"})
    assert "pass_phrase" not in dumped and "key_content" not in dumped


def test_image_rejects_unknown_arguments_and_needs_a_compartment():
    with pytest.raises(TypeError, match="unexpected"):
        images.oci.Image("x", compartment_id="c", pass_phrase="nope")
    with pytest.raises(TypeError, match="compartment_id"):
        images.oci.Image("x", instance_id="i")


def test_image_get_reads_an_existing_image_by_id(monkeypatch):
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-example", stack="test", preview=False)
    existing = images.oci.Image.get("existing", "ocid1.image.oc1.iad.aaaaaaaaexisting", profile="OTHER")
    assert resolved(existing.id) == "ocid1.image.oc1.iad.aaaaaaaaexisting"
    assert resolved(existing.profile) == "OTHER"
