"""Every OutscaleImageSpec rule fails before any API call, naming field and rule."""

from __future__ import annotations

from typing import Any

import pytest

from imageops.errors import SpecError
from imageops.model import Image, ImageState
from imageops.outscale.spec import OutscaleImageSpec
from imageops.spec import Update

VM = {"image_name": "omi-one", "vm_id": "i-12345678"}
BSU = {"snapshot_id": "snap-12345678", "volume_size": 120, "volume_type": "io1", "iops": 150}


def bdm(**bsu: Any) -> dict[str, Any]:
    return {
        "image_name": "omi-bsu",
        "root_device_name": "/dev/sda1",
        "block_device_mappings": [{"device_name": "/dev/sda1", "bsu": {**BSU, **bsu}}],
    }


def errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as caught:
        OutscaleImageSpec.parse(data)
    return caught.value.errors


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**VM, "image_name": "ab"}, "image_name", "3-128"),
        ({**VM, "image_name": "x" * 129}, "image_name", "3-128"),
        ({**VM, "image_name": "bad$name"}, "image_name", "letters, digits"),
        ({**VM, "file_location": "https://x/m.xml"}, "file_location", "exactly one source"),
        (
            {**VM, "source_image_id": "ami-12345678", "source_region_name": "eu-west-2"},
            "source_image_id",
            "exactly one source",
        ),
        ({"image_name": "omi"}, "vm_id", "one source is required"),
        (bdm(iops=None), "block_device_mappings.0.bsu.iops", "required with volume_type io1"),
        (bdm(volume_type="gp2"), "block_device_mappings.0.bsu.iops", "only allowed with volume_type io1"),
        (bdm(iops=13001, volume_size=100), "block_device_mappings.0.bsu.iops", "at most 13000"),
        (bdm(iops=400, volume_size=1), "block_device_mappings.0.bsu.iops", "300 per GiB"),
        (
            {**bdm(), "block_device_mappings": [{"device_name": "/dev/sdA", "bsu": BSU}]},
            "block_device_mappings.0.device_name",
            "/dev/sda1",
        ),
        (
            {**bdm(), "block_device_mappings": [{"device_name": "/dev/sda1", "virtual_device_name": "eph"}]},
            "block_device_mappings.0.virtual_device_name",
            "ephemeralN",
        ),
        ({**bdm(), "root_device_name": "/dev/sdb"}, "root_device_name", "/dev/sda1"),
        ({**bdm(), "root_device_name": None}, "root_device_name", "required with block_device_mappings"),
        (
            {**VM, "root_device_name": "/dev/sda1"},
            "root_device_name",
            "only valid with block_device_mappings",
        ),
        ({**VM, "architecture": "x86_64"}, "architecture", "only valid with block_device_mappings"),
        ({"image_name": "omi", "source_image_id": "ami-12345678"}, "source_region_name", "required"),
        ({**VM, "source_region_name": "eu-west-2"}, "source_region_name", "only valid with source_image_id"),
        (
            {"image_name": "omi", "file_location": "https://x/m", "no_reboot": True},
            "no_reboot",
            "only valid with vm_id",
        ),
        ({**VM, "vm_id": "vm-1"}, "vm_id", "i-<8 hex digits>"),
        ({**VM, "tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}, "tags", "once"),
        ({**VM, "tags": [{"key": "", "value": "1"}]}, "tags.0.key", "at least 1"),
        (
            {**VM, "permissions_to_launch": {"account_ids": ["12"]}},
            "permissions_to_launch.account_ids.0",
            "12 digits",
        ),
        ({**VM, "boot_modes": ["bios"]}, "boot_modes.0", "uefi"),
        ({**VM, "unknown": 1}, "unknown", "not a known argument"),
    ],
)
def test_rule_names_field_and_rule(data: dict[str, Any], field: str, words: str) -> None:
    found = errors(data)
    assert any(f == field and words in rule for f, rule in found), found


def test_seed_examples_parse() -> None:
    OutscaleImageSpec.parse({**VM, "no_reboot": "true"})
    OutscaleImageSpec.parse(
        {"description": "d", "image_name": "terraform-omi-register", "file_location": "https://h/m"}
    )
    OutscaleImageSpec.parse(
        {"image_name": "c", "source_image_id": "ami-12345678", "source_region_name": "eu-west-2"}
        | {"image_name": "terraform-omi-copy"}
    )
    spec = OutscaleImageSpec.parse(bdm(volume_size="120", delete_on_vm_deletion="true"))
    assert spec.given()["block_device_mappings"][0]["bsu"]["delete_on_vm_deletion"] is True


def test_update_modes() -> None:
    assert set(OutscaleImageSpec.fields_by_mode(Update.IN_PLACE)) == {
        "description",
        "permissions_to_launch",
        "product_codes",
        "tags",
    }
    assert "image_name" in OutscaleImageSpec.fields_by_mode(Update.REPLACE)


def test_tags_are_sorted_blocks_and_observed_alike() -> None:
    spec = OutscaleImageSpec.parse({**VM, "tags": [{"key": "b", "value": 2}, {"key": "a", "value": True}]})
    assert spec.given()["tags"] == [{"key": "a", "value": "true"}, {"key": "b", "value": "2"}]
    image = Image(
        cloud="outscale",
        id="ami-1",
        state=ImageState.AVAILABLE,
        raw_state="available",
        attributes={
            "image_name": "omi-one",
            "tags": [{"key": "b", "value": "2"}, {"key": "a", "value": "true"}],
        },
    )
    assert spec.observe(image)["tags"] == spec.given()["tags"]
    assert spec.lookup_key() == {"image_name": "omi-one"}
