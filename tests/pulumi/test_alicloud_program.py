"""The Alibaba Cloud example program and resource class under ``pulumi.runtime.set_mocks``: no engine,
no cloud. Typed outputs, ``Image.get``, and the deprecated ``name`` warning."""

from __future__ import annotations

import runpy
from pathlib import Path

import pulumi
import pytest
import yaml

import pulumi_images as images

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pulumi" / "alicloud"
IMAGE_TYPE = "pulumi-python:dynamic/alicloud:Image"
IDS = {
    "IMAGEOPS_ALICLOUD_REGION": "cn-hangzhou",
    "IMAGEOPS_ALICLOUD_OTHER_REGION": "cn-shanghai",
    "IMAGEOPS_ALICLOUD_INSTANCE_ID": "i-bp1envinstance00001",
    "IMAGEOPS_ALICLOUD_OSS_BUCKET": "bucket-env",
    "IMAGEOPS_ALICLOUD_OSS_OBJECT": "images/env.qcow2",
}


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.resources[args.name] = args
        outputs = {k: v for k, v in args.inputs.items() if v is not None}
        if args.typ == IMAGE_TYPE:
            outputs.update(
                status="Available",
                create_time="2026-11-26T07:00:00Z",
                features={"nvme_support": "unsupported"},
                disk_device_mapping=[
                    {"device": "/dev/xvda", "size": 40, "progress": "100%", "remain_time": 0}
                ],
            )
        return f"m-{args.name}", outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


@pytest.fixture()
def mocks(monkeypatch) -> Mocks:
    for key, value in IDS.items():
        monkeypatch.setenv(key, value)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="imageops-alicloud-example", stack="test", preview=False)
    pulumi.runtime.set_all_config({})
    return mocks


def resolved(output: pulumi.Output):
    return pulumi.runtime.sync_await._sync_await(output.future())


def test_project_file_declares_a_python_program():
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    assert project["runtime"]["name"] == "python" and project["name"]


def test_example_program_declares_three_images_with_typed_outputs(mocks):
    namespace = runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")
    # registration is asynchronous: every id must resolve before the mocks have seen every resource
    assert [resolved(namespace[name].id) for name in ("golden", "imported", "copied")][-1] == "m-copied"
    assert {"golden", "imported", "copied"} <= set(mocks.resources)
    golden = mocks.resources["golden"].inputs
    assert golden["instance_id"] == IDS["IMAGEOPS_ALICLOUD_INSTANCE_ID"]
    assert golden["timeouts"] == {"create": "20m"}
    imported = mocks.resources["imported"].inputs
    assert imported["import_from"]["oss_object"] == IDS["IMAGEOPS_ALICLOUD_OSS_OBJECT"]
    copied = mocks.resources["copied"].inputs
    assert copied["region"] == "cn-shanghai" and copied["copy_from"]["source_region_id"] == "cn-hangzhou"
    image = namespace["golden"]
    assert resolved(image.status) == "Available"
    disks = resolved(image.disk_device_mapping)
    assert isinstance(disks[0], images.alicloud.ImageDiskDeviceMapping) and disks[0].progress == "100%"
    assert isinstance(resolved(image.features), images.alicloud.ImageFeatures)


def test_name_is_accepted_with_a_deprecation_warning(mocks, monkeypatch):
    logged: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda msg, *a, **k: logged.append(msg))
    with pytest.warns(DeprecationWarning, match="image_name"):
        image = images.alicloud.Image("old-style", name="legacy-name", instance_id="i-bp1x")
    assert any("image_name" in m for m in logged)
    assert resolved(image.id) == "m-old-style"
    assert mocks.resources["old-style"].inputs["name"] == "legacy-name"


def test_unknown_arguments_are_refused_and_get_reads_by_id(mocks):
    with pytest.raises(TypeError, match="access_key_secret"):
        images.alicloud.Image("x", instance_id="i-bp1x", access_key_secret="nope")
    existing = images.alicloud.Image.get("existing", "m-existing", region="cn-beijing")
    assert resolved(existing.id) == "m-existing"
    assert mocks.resources["existing"].inputs.get("region") == "cn-beijing"
