"""Every argument of Terraform's outscale_image (nested blocks included) is a spec field, a Pulumi
input and an Ansible option; every attribute it exports is a Pulumi output, a driver attribute and in
the module's returned `image`. The names are transcribed from the seed as trees; when the seed is
beside the repo (`../shared/seeds/`), the transcription itself is checked against it."""

from __future__ import annotations

import importlib.util
import inspect
import re
import types
import typing
from pathlib import Path

import pytest
import yaml

from imageops.outscale import OutscaleImageSpec
from imageops.outscale.driver import image_from_json
from imageops.spec import ImageSpec
from pulumi_images import outscale as pulumi_osc

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seeds" / "terraform-outscale_image.md"
MODULES = REPO / "ansible_collections" / "imageops" / "cloud" / "plugins" / "modules"

Tree = dict[str, "Tree"]
BSU = {"delete_on_vm_deletion": {}, "iops": {}, "snapshot_id": {}, "volume_size": {}, "volume_type": {}}
MAPPINGS = {"bsu": BSU, "device_name": {}, "virtual_device_name": {}}
TAGS = {"key": {}, "value": {}}
ARGUMENTS: Tree = {
    "architecture": {},
    "block_device_mappings": MAPPINGS,
    "boot_modes": {},
    "description": {},
    "file_location": {},
    "image_name": {},
    "no_reboot": {},
    "product_codes": {},
    "root_device_name": {},
    "source_image_id": {},
    "source_region_name": {},
    "tags": TAGS,
    "tpm_mandatory": {},
    "vm_id": {},
}
# UpdateImage's PermissionsToLaunch: an attribute in the seed, an in-place argument here (issue 4).
EXTRA_ARGUMENTS: Tree = {"permissions_to_launch": {"account_ids": {}, "global_permission": {}}}
ATTRIBUTES: Tree = {
    "account_alias": {},
    "account_id": {},
    "architecture": {},
    "block_device_mappings": MAPPINGS,
    "boot_modes": {},
    "creation_date": {},
    "description": {},
    "file_location": {},
    "image_id": {},
    "image_name": {},
    "image_type": {},
    "permissions_to_launch": {"account_ids": {}, "global_permission": {}},
    "product_codes": {},
    "root_device_name": {},
    "root_device_type": {},
    "secure_boot": {},
    "state_comment": {"state_code": {}, "state_message": {}},
    "state": {},
    "tags": TAGS,
    "tpm_mandatory": {},
}

PULUMI_ARGS = {
    "": pulumi_osc.ImageArgs,
    "block_device_mappings": pulumi_osc.ImageBlockDeviceMappingArgs,
    "bsu": pulumi_osc.ImageBlockDeviceMappingBsuArgs,
    "tags": pulumi_osc.ImageTagArgs,
    "permissions_to_launch": pulumi_osc.ImagePermissionsToLaunchArgs,
}
PULUMI_OUTPUTS = {
    "block_device_mappings": pulumi_osc.ImageBlockDeviceMapping,
    "bsu": pulumi_osc.ImageBlockDeviceMappingBsu,
    "tags": pulumi_osc.ImageTag,
    "permissions_to_launch": pulumi_osc.ImagePermissionsToLaunch,
    "state_comment": pulumi_osc.ImageStateComment,
}


def _seed_tree(section: str) -> Tree:
    """The bullet list of a seed section as a tree, nesting by indentation (4 spaces a level)."""
    root: Tree = {}
    stack: list[tuple[int, Tree]] = [(-1, root)]
    for indent, name in re.findall(r"^( *)\* `([a-z_]+)`", section, re.M):
        depth = len(indent) // 4
        while stack[-1][0] >= depth:
            stack.pop()
        node: Tree = {}
        stack[-1][1][name] = node
        stack.append((depth, node))
    return root


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside this checkout")
def test_transcription_matches_the_seed():
    text = SEED.read_text()
    assert _seed_tree(_section(text, "## Argument Reference")) == ARGUMENTS
    assert _seed_tree(_section(text, "## Attribute Reference")) == ATTRIBUTES


def _paths(tree: Tree, prefix: str = "") -> set[str]:
    result = set()
    for name, children in tree.items():
        result.add(prefix + name)
        result |= _paths(children, f"{prefix}{name}.")
    return result


def _nested_spec(annotation: typing.Any) -> type[ImageSpec] | None:
    """The spec model inside ``Model | None`` or ``list[Model] | None``."""
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, ImageSpec):
            return item
        if isinstance(item, types.UnionType) or typing.get_origin(item) is not None:
            stack.extend(typing.get_args(item))
    return None


def _spec_paths(model: type[ImageSpec], prefix: str = "") -> set[str]:
    result = set()
    for name, info in model.model_fields.items():
        result.add(prefix + name)
        nested = _nested_spec(info.annotation)
        if nested is not None:
            result |= _spec_paths(nested, f"{prefix}{name}.")
    return result


def test_every_argument_is_a_spec_field():
    assert _spec_paths(OutscaleImageSpec) >= _paths({**ARGUMENTS, **EXTRA_ARGUMENTS})


# A ReadImages entry as the OUTSCALE API documents it (osc-sdk-python's outscale.yaml, Image).
API_IMAGE = {
    "AccountAlias": "my-account",
    "AccountId": "123456789012",
    "Architecture": "x86_64",
    "BlockDeviceMappings": [
        {
            "Bsu": {
                "DeleteOnVmDeletion": True,
                "Iops": 150,
                "SnapshotId": "snap-12345678",
                "VolumeSize": 120,
                "VolumeType": "io1",
            },
            "DeviceName": "/dev/sda1",
            "VirtualDeviceName": "ephemeral0",
        }
    ],
    "BootModes": ["legacy"],
    "CreationDate": "2026-11-26T07:00:00.000Z",
    "Description": "Terraform OMI with BSU",
    "FileLocation": "123456789012/terraform-omi-bsu",
    "ImageId": "ami-12345678",
    "ImageName": "terraform-omi-bsu",
    "ImageType": "machine",
    "PermissionsToLaunch": {"AccountIds": ["210987654321"], "GlobalPermission": False},
    "ProductCodes": ["0001"],
    "RootDeviceName": "/dev/sda1",
    "RootDeviceType": "bsu",
    "SecureBoot": False,
    "State": "failed",
    "StateComment": {"StateCode": "Client.InvalidManifest", "StateMessage": "unreadable"},
    "Tags": [{"Key": "env", "Value": "prod"}],
    "TpmMandatory": False,
}


def _attribute_paths(value: dict, prefix: str = "") -> set[str]:
    result = set()
    for name, item in value.items():
        result.add(prefix + name)
        if isinstance(item, list) and item and isinstance(item[0], dict):
            item = item[0]
        if isinstance(item, dict):
            result |= _attribute_paths(item, f"{prefix}{name}.")
    return result


def test_every_attribute_comes_out_of_the_driver():
    image = image_from_json(API_IMAGE, region="eu-west-2")
    assert _attribute_paths(image.attributes) >= _paths(ATTRIBUTES)
    assert image.attributes["state_comment"]["state_code"] == "Client.InvalidManifest"
    assert image.attributes["tags"] == [{"key": "env", "value": "prod"}]


def _init_params(cls: type) -> set[str]:
    return set(inspect.signature(cls.__init__).parameters) - {"self", "__self__"}


def _pulumi_input_paths(cls: type, prefix: str = "") -> set[str]:
    result = set()
    for name in _init_params(cls):
        result.add(prefix + name)
        if name in PULUMI_ARGS:
            result |= _pulumi_input_paths(PULUMI_ARGS[name], f"{prefix}{name}.")
    return result


def _pulumi_output_paths(names: set[str], prefix: str = "") -> set[str]:
    result = set()
    for name in names:
        result.add(prefix + name)
        if name in PULUMI_OUTPUTS:
            props = {n for n, v in vars(PULUMI_OUTPUTS[name]).items() if isinstance(v, property)}
            result |= _pulumi_output_paths(props, f"{prefix}{name}.")
    return result


def test_every_argument_is_a_pulumi_input_and_every_attribute_an_output():
    assert _pulumi_input_paths(PULUMI_ARGS[""]) >= _paths({**ARGUMENTS, **EXTRA_ARGUMENTS})
    assert set(pulumi_osc.ARG_NAMES) == _init_params(pulumi_osc.ImageArgs)
    outputs = set(inspect.get_annotations(pulumi_osc.Image))
    assert _pulumi_output_paths(outputs) >= _paths(ATTRIBUTES)
    assert set(pulumi_osc.OUTPUT_NAMES) == outputs


def _module_docs(name: str) -> tuple[dict, dict]:
    spec = importlib.util.spec_from_file_location(name, MODULES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return yaml.safe_load(module.DOCUMENTATION), yaml.safe_load(module.RETURN)


def _doc_paths(entries: dict, key: str, prefix: str = "") -> set[str]:
    result = set()
    for name, entry in entries.items():
        result.add(prefix + name)
        result |= _doc_paths(entry.get(key) or {}, key, f"{prefix}{name}.")
    return result


def test_every_argument_is_an_ansible_option_and_every_attribute_returned():
    documentation, returns = _module_docs("outscale_image")
    assert _doc_paths(documentation["options"], "suboptions") >= _paths({**ARGUMENTS, **EXTRA_ARGUMENTS})
    assert _doc_paths(returns["image"]["contains"], "contains") >= _paths(ATTRIBUTES)
    _, info_returns = _module_docs("outscale_image_info")
    assert _doc_paths(info_returns["images"]["contains"], "contains") >= _paths(ATTRIBUTES)


def test_ansible_argument_spec_matches_its_documentation():
    documentation, _ = _module_docs("outscale_image")
    spec = importlib.util.spec_from_file_location("outscale_image", MODULES / "outscale_image.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    documented = _doc_paths(documentation["options"], "suboptions")
    assert _doc_paths(module.ARGUMENT_SPEC, "options") <= documented
