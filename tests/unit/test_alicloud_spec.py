"""AlicloudImageSpec: every documented rule fails before any API call, naming field and rule."""

from __future__ import annotations

from typing import Any

import pytest

from imageops.alicloud import AlicloudImageSpec
from imageops.errors import SpecError
from imageops.spec import Update

SOURCE = {"instance_id": "i-bp1demo"}


def errors_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as info:
        AlicloudImageSpec.parse(data)
    return info.value.errors


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({"image_name": "a"}, "image_name", "2 to 128"),
        ({"image_name": "a" * 129}, "image_name", "2 to 128"),
        ({"image_name": "1abc"}, "image_name", "start with a letter"),
        ({"image_name": "acs:thing"}, "image_name", "acs: or aliyun"),
        ({"image_name": "aliyun-base"}, "image_name", "acs: or aliyun"),
        ({"image_name": "ahttp://x"}, "image_name", "http://"),
        ({"image_name": "bad name"}, "image_name", "may contain only"),
        ({"image_family": "aliyunfam"}, "image_family", "acs: or aliyun"),
        ({"description": "x"}, "description", "2 to 256"),
        ({"description": "x" * 257}, "description", "2 to 256"),
        ({"description": "https://example.com"}, "description", "http:// or https://"),
        ({"architecture": "sparc"}, "architecture", "i386"),
        ({"platform": "Windows 95"}, "platform", "Ubuntu"),
        ({"boot_mode": "EFI"}, "boot_mode", "UEFI-Preferred"),
        ({"detection_strategy": "Deep"}, "detection_strategy", "Standard"),
        ({"features": {"nvme_support": "maybe"}}, "features.nvme_support", "supported"),
        ({"license_type": "GPL"}, "license_type", "BYOL"),
        ({"resource_group_id": "group-1"}, "resource_group_id", "rg-"),
        ({"region": "Hangzhou"}, "region", "region ID"),
        ({"tags": {"aliyun:x": "1"}}, "tags", "aliyun or acs:"),
        ({"tags": {"k": "v" * 129}}, "tags", "at most 128"),
        ({"tags": {f"k{i}": "v" for i in range(21)}}, "tags", "at most 20"),
        ({"image_version": "v" * 41}, "image_version", "40"),
        ({"unknown": 1}, "unknown", "not a known argument"),
    ],
)
def test_field_rules(data: dict[str, Any], field: str, rule: str) -> None:
    problems = errors_of({**SOURCE, **data})
    assert any(f == field and rule in r for f, r in problems), problems


@pytest.mark.parametrize(
    ("disks", "field", "rule"),
    [
        ([{"snapshot_id": "s-1", "size": 4}], "disk_device_mapping.0.size", "greater than or equal to 5"),
        (
            [{"snapshot_id": "s-1", "size": 32769}],
            "disk_device_mapping.0.size",
            "less than or equal to 32768",
        ),
        ([{"snapshot_id": "s-1", "device": "/dev/sda"}], "disk_device_mapping.0.device", "/dev/vda"),
        ([{"snapshot_id": "x-1"}], "disk_device_mapping.0.snapshot_id", "snapshot ID"),
        ([{"snapshot_id": "s-1", "disk_type": "boot"}], "disk_device_mapping.0.disk_type", "system"),
        (
            [{"snapshot_id": "s-1", "disk_type": "system"}, {"snapshot_id": "s-2", "disk_type": "system"}],
            "disk_device_mapping",
            "at most one disk of disk_type system",
        ),
        (
            [{"snapshot_id": "s-1", "disk_type": "system"}] + [{"size": 20, "disk_type": "data"}] * 17,
            "disk_device_mapping",
            "at most 16",
        ),
        ([{"size": 20}], "disk_device_mapping", "needs a snapshot_id"),
        ([], "disk_device_mapping", "at least one disk"),
    ],
)
def test_disk_device_mapping_rules(disks: list[dict[str, Any]], field: str, rule: str) -> None:
    problems = errors_of({"disk_device_mapping": disks})
    assert any(f == field and rule in r for f, r in problems), problems


def test_exactly_one_source() -> None:
    assert errors_of({"image_name": "abc"}) == [
        (
            "instance_id",
            "one source is required: instance_id, snapshot_id, disk_device_mapping, import_from, copy_from",
        )
    ]
    problems = errors_of({"instance_id": "i-1", "snapshot_id": "s-1"})
    assert problems == [("snapshot_id", "mutually exclusive with instance_id: give exactly one source")]


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({"import_from": {"oss_bucket": "bk", "oss_object": "o"}}, "import_from.oss_bucket", "at least 3"),
        (
            {"import_from": {"oss_bucket": "bucket", "oss_object": "o", "format": "ISO"}},
            "import_from.format",
            "QCOW2",
        ),
        (
            {"import_from": {"oss_bucket": "bucket", "oss_object": "o", "disk_image_size": 501}},
            "import_from.disk_image_size",
            "500",
        ),
        ({"import_from": {"oss_bucket": "bucket"}}, "import_from.oss_object", "Field required"),
        (
            {"import_from": {"oss_bucket": "bucket", "oss_object": "o"}, "image_family": "fam"},
            "image_family",
            "not valid with import_from",
        ),
        ({"snapshot_id": "s-1", "license_type": "BYOL"}, "license_type", "only valid with import_from"),
        (
            {"copy_from": {"source_image_id": "img-1", "source_region_id": "cn-beijing"}},
            "copy_from.source_image_id",
            "image ID",
        ),
        (
            {
                "copy_from": {"source_image_id": "m-1", "source_region_id": "cn-beijing"},
                "region": "cn-beijing",
            },
            "copy_from.source_region_id",
            "must differ from region",
        ),
        (
            {"copy_from": {"source_image_id": "m-1", "source_region_id": "cn-beijing"}, "platform": "Ubuntu"},
            "platform",
            "not valid with copy_from",
        ),
        (
            {"copy_from": {"source_image_id": "m-1", "source_region_id": "cn-beijing"}, "boot_mode": "UEFI"},
            "boot_mode",
            "not valid with copy_from",
        ),
    ],
)
def test_import_and_copy_rules(data: dict[str, Any], field: str, rule: str) -> None:
    problems = errors_of(data)
    assert any(f == field and rule in r for f, r in problems), problems


def test_deprecated_name_alias_warns_and_maps() -> None:
    spec = AlicloudImageSpec.parse({"name": "legacy-name", **SOURCE})
    assert spec.image_name == "legacy-name"
    assert spec.warnings == ("'name' is deprecated; use 'image_name' instead",)
    assert "name" not in spec.given()
    assert spec == AlicloudImageSpec.parse({"image_name": "legacy-name", **SOURCE})
    assert AlicloudImageSpec.parse({"image_name": "x1", **SOURCE}).warnings == ()
    assert errors_of({"name": "one", "image_name": "two", **SOURCE}) == [
        ("name", "deprecated alias of image_name; give only image_name")
    ]
    assert errors_of({"name": "1bad", **SOURCE})[0][0] == "image_name"


def test_update_modes_follow_the_seed() -> None:
    replace = set(AlicloudImageSpec.fields_by_mode(Update.REPLACE))
    assert replace == {
        "region",
        "architecture",
        "platform",
        "image_version",
        "disk_device_mapping",
        "features",
        "import_from",
        "copy_from",
    }
    in_place = set(AlicloudImageSpec.fields_by_mode(Update.IN_PLACE))
    assert {"image_name", "description", "image_family", "boot_mode", "tags", "resource_group_id"} <= in_place
    assert {"instance_id", "snapshot_id", "detection_strategy", "force", "delete_auto_snapshot"} <= in_place


def test_timeouts_default_to_ten_minutes_and_accept_durations() -> None:
    assert AlicloudImageSpec.timeout_for("create") == 600.0
    assert AlicloudImageSpec.timeout_for("delete", {"delete": "20m"}) == 1200.0
    assert AlicloudImageSpec.timeout_for("update", {"update": 30}) == 30.0
    with pytest.raises(SpecError) as info:
        AlicloudImageSpec.timeout_for("create", {"create": "soon"})
    assert info.value.errors[0][0] == "timeouts.create"


def test_key_token_and_delete_options() -> None:
    spec = AlicloudImageSpec.parse({"image_name": "web", "region": "cn-shanghai", "force": True, **SOURCE})
    assert spec.lookup_key() == {"region": "cn-shanghai", "image_name": "web"}
    assert spec.source == "instance_id"
    token = spec.retry_token()
    assert len(token) <= 64 and token == AlicloudImageSpec.parse(spec.given()).retry_token()
    assert token != spec.retry_token(1)
    assert spec.delete_options() == {"force": True}
    assert AlicloudImageSpec.parse(SOURCE).lookup_key() is None
    assert AlicloudImageSpec.parse({"tags": {"n": 1, "b": True}, **SOURCE}).tags == {"n": "1", "b": "true"}
