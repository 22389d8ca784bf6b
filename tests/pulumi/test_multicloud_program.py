"""The all-three-clouds example program under ``pulumi.runtime.set_mocks``: no engine, no cloud."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pulumi
import pytest
import yaml

import pulumi_images as images

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pulumi" / "multicloud"
IDS = {
    "IMAGEOPS_OCI_COMPARTMENT_ID": "ocid1.compartment.oc1..aaaaaaaaenv",
    "IMAGEOPS_OCI_INSTANCE_ID": "ocid1.instance.oc1.iad.aaaaaaaaenv",
    "IMAGEOPS_OUTSCALE_VM_ID": "i-12345678",
    "IMAGEOPS_ALICLOUD_INSTANCE_ID": "i-bp1envinstance00001",
}
STATES = {
    "oci": {"state": "AVAILABLE"},
    "outscale": {"state": "available"},
    "alicloud": {"status": "Available"},
}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        cloud = args.typ.split("/")[1].split(":")[0]
        return f"{args.name}-id", {**{k: v for k, v in args.inputs.items() if v is not None}, **STATES[cloud]}

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture()
def mocks(monkeypatch) -> Mocks:
    for key, value in IDS.items():
        monkeypatch.setenv(key, value)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-multicloud-example", stack="test", preview=False)
    pulumi.runtime.set_all_config({})
    return mocks


def resolved(output: pulumi.Output):
    return pulumi.runtime.sync_await._sync_await(output.future())


def test_project_file_declares_a_python_program_and_the_importing_plugin():
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python" and project["name"] == "imageops-multicloud-example"
    (provider,) = project["plugins"]["providers"]
    assert provider["name"] == "pulumi-python"
    plugin = (EXAMPLE / provider["path"] / "pulumi-resource-pulumi-python").resolve()
    assert os.access(plugin, os.X_OK) and "pulumi_images.dynamic" in plugin.read_text()
    assert (EXAMPLE / project["runtime"]["options"]["virtualenv"]).resolve().name == ".venv"


def test_program_declares_one_image_per_cloud_with_the_same_name_tags_and_timeouts(mocks):
    namespace = runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")
    for value in namespace.values():
        if isinstance(value, pulumi.CustomResource):
            resolved(value.id)
    types = {name: args.typ for name, args in mocks.resources.items()}
    assert types == {
        "oci-golden": "pulumi-python:dynamic/oci:Image",
        "outscale-golden": "pulumi-python:dynamic/outscale:Image",
        "alicloud-golden": "pulumi-python:dynamic/alicloud:Image",
    }
    oci, osc, ali = (mocks.resources[f"{c}-golden"].inputs for c in ("oci", "outscale", "alicloud"))
    assert oci["compartment_id"] == IDS["IMAGEOPS_OCI_COMPARTMENT_ID"]
    assert oci["instance_id"] == IDS["IMAGEOPS_OCI_INSTANCE_ID"]
    assert osc["vm_id"] == IDS["IMAGEOPS_OUTSCALE_VM_ID"] and osc["no_reboot"] is True
    assert ali["instance_id"] == IDS["IMAGEOPS_ALICLOUD_INSTANCE_ID"]
    assert oci["display_name"] == osc["image_name"] == ali["image_name"] == "pulumi-multicloud-golden"
    tags = {"managed-by": "pulumi", "project": "multicloud"}
    assert oci["freeform_tags"] == ali["tags"] == tags
    assert {t["key"]: t["value"] for t in osc["tags"]} == tags
    # CustomTimeouts reach every provider as its timeouts input
    for inputs in (oci, osc, ali):
        assert inputs["timeouts"] == {"create": "30m", "delete": "15m"}
    assert resolved(namespace["oci_image"].state) == "AVAILABLE"
    timeouts = resolved(namespace["outscale_image"].timeouts)  # the typed output class, as read back
    assert isinstance(timeouts, images.outscale.ImageTimeouts) and timeouts.create == "30m"
    assert resolved(namespace["alicloud_image"].status) == "Available"


def test_stack_config_ids_win_over_the_environment(mocks):
    pulumi.runtime.set_all_config({"imageops:outscaleVmId": "i-fromconfig"})
    namespace = runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")
    resolved(namespace["outscale_image"].id)
    assert mocks.resources["outscale-golden"].inputs["vm_id"] == "i-fromconfig"


def test_a_missing_id_names_its_config_key(mocks, monkeypatch):
    monkeypatch.delenv("IMAGEOPS_ALICLOUD_INSTANCE_ID")
    with pytest.raises(pulumi.RunError, match="imageops:alicloudInstanceId"):
        runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")
