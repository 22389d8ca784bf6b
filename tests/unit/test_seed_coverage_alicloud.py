"""Every argument of Terraform's alicloud_image (nested disk_device_mapping and features included) is a
spec field, a Pulumi input and an Ansible option; every attribute it exports is a Pulumi output and in
the modules' returned image; the deprecated ``name`` and the ``timeouts`` block are there too. The
names are transcribed from the seed; when the seed is beside the repo, the transcription is checked."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest
import yaml

from imageops.alicloud import AlicloudImageSpec, CopyFrom, DiskDeviceMapping, Features, ImportFrom
from pulumi_images import alicloud as pulumi_alicloud

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seeds" / "terraform-alicloud_image.md"
MODULES = REPO / "ansible_collections" / "imageops" / "cloud" / "plugins" / "modules"

ARGUMENTS = {
    "architecture",
    "boot_mode",
    "description",
    "detection_strategy",
    "disk_device_mapping",
    "features",
    "force",
    "delete_auto_snapshot",
    "image_family",
    "image_name",
    "image_version",
    "instance_id",
    "license_type",
    "platform",
    "resource_group_id",
    "snapshot_id",
    "tags",
}
DEPRECATED = {"name"}
DISK_ARGUMENTS = {"device", "disk_type", "size", "snapshot_id"}
FEATURE_ARGUMENTS = {"nvme_support"}
ATTRIBUTES = {"id", "create_time", "disk_device_mapping", "status"}
DISK_ATTRIBUTES = {"format", "import_oss_object", "import_oss_bucket", "progress", "remain_time"}
TIMEOUTS = {"create", "update", "delete"}
OURS = {"import_from", "copy_from"}


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def _names(text: str, indent: str = "") -> set[str]:
    return set(re.findall(rf"^{indent}\* `([a-z_]+)`", text, re.M))


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside this checkout")
def test_transcription_matches_the_seed():
    text = SEED.read_text()
    arguments = _section(text, "## Argument Reference")
    top, _, nested = arguments.partition("### `disk_device_mapping`")
    disk, _, features = nested.partition("### `features`")
    assert _names(top) == ARGUMENTS | DEPRECATED
    assert _names(disk) == DISK_ARGUMENTS
    assert _names(features) == FEATURE_ARGUMENTS
    attributes = _section(text, "## Attributes Reference")
    assert _names(attributes) == ATTRIBUTES
    assert _names(attributes, "  ") == DISK_ATTRIBUTES
    assert _names(_section(text, "## Timeouts")) == TIMEOUTS


def test_every_argument_is_a_spec_field():
    assert set(AlicloudImageSpec.model_fields) >= ARGUMENTS | OURS
    assert set(DiskDeviceMapping.model_fields) >= DISK_ARGUMENTS
    assert set(Features.model_fields) >= FEATURE_ARGUMENTS
    assert AlicloudImageSpec.deprecated_aliases == {"name": "image_name"}
    assert set(AlicloudImageSpec.default_timeouts) == TIMEOUTS
    assert {"oss_bucket", "oss_object", "format"} <= set(ImportFrom.model_fields)
    assert {"source_image_id", "source_region_id"} <= set(CopyFrom.model_fields)


def _init_params(cls: type) -> set[str]:
    return set(inspect.signature(cls.__init__).parameters) - {"self", "__self__"}


def _properties(cls: type) -> set[str]:
    return {name for name, value in vars(cls).items() if isinstance(value, property)}


def test_every_argument_is_a_pulumi_input_and_every_attribute_an_output():
    args = pulumi_alicloud.ImageArgs
    assert _init_params(args) >= ARGUMENTS | DEPRECATED | OURS | {"timeouts"}
    assert _properties(args) >= ARGUMENTS | DEPRECATED | OURS | {"timeouts"}
    assert _init_params(pulumi_alicloud.ImageDiskDeviceMappingArgs) >= DISK_ARGUMENTS
    assert _init_params(pulumi_alicloud.ImageFeaturesArgs) >= FEATURE_ARGUMENTS
    assert _init_params(pulumi_alicloud.ImageTimeoutsArgs) == TIMEOUTS
    assert _init_params(pulumi_alicloud.ImageImportFromArgs) >= set(ImportFrom.model_fields)
    assert _init_params(pulumi_alicloud.ImageCopyFromArgs) >= set(CopyFrom.model_fields)
    outputs = set(inspect.get_annotations(pulumi_alicloud.Image))
    assert outputs >= (ATTRIBUTES - {"id"}) | ARGUMENTS  # `id` is every Pulumi resource's own
    assert _properties(pulumi_alicloud.ImageDiskDeviceMapping) >= DISK_ARGUMENTS | DISK_ATTRIBUTES
    assert _properties(pulumi_alicloud.ImageFeatures) >= FEATURE_ARGUMENTS
    for cls in (pulumi_alicloud.ImageArgs, pulumi_alicloud.ImageDiskDeviceMapping):
        for name in _properties(cls):
            assert getattr(cls, name).__doc__, f"{cls.__name__}.{name} has no docstring"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, MODULES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_argument_is_an_ansible_option_and_every_attribute_returned():
    module = _module("alicloud_image")
    documentation, returns = yaml.safe_load(module.DOCUMENTATION), yaml.safe_load(module.RETURN)
    options = documentation["options"]
    assert set(options) >= ARGUMENTS | OURS
    assert set(module.ARGUMENT_SPEC) >= ARGUMENTS | OURS
    assert options["image_name"]["aliases"] == ["name"]
    assert module.ARGUMENT_SPEC["image_name"]["deprecated_aliases"][0]["name"] == "name"
    assert set(options["disk_device_mapping"]["suboptions"]) >= DISK_ARGUMENTS
    assert set(options["features"]["suboptions"]) >= FEATURE_ARGUMENTS
    assert set(options["import_from"]["suboptions"]) == set(ImportFrom.model_fields)
    assert set(options["copy_from"]["suboptions"]) == set(CopyFrom.model_fields)
    returned = returns["image"]["contains"]
    assert set(returned) >= ATTRIBUTES
    assert set(returned["disk_device_mapping"]["contains"]) >= DISK_ATTRIBUTES | DISK_ARGUMENTS
    info = yaml.safe_load(_module("alicloud_image_info").RETURN)["images"]["contains"]
    assert set(info) == set(returned)


def test_documented_choices_are_the_specs():
    options = yaml.safe_load(_module("alicloud_image").DOCUMENTATION)["options"]
    fields = AlicloudImageSpec.model_fields
    for name in ("architecture", "platform", "boot_mode", "license_type", "detection_strategy"):
        literal = fields[name].annotation.__args__[0]
        assert set(options[name]["choices"]) == set(literal.__args__), name
