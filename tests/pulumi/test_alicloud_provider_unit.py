"""The generic provider for Alibaba Cloud, without a server or a cloud: check, diff (pure planning),
timeouts, and the deprecated ``name`` alias."""

from __future__ import annotations

import warnings

import pytest
from pulumi.output import Unknown

from pulumi_images import ImageProvider
from pulumi_images._provider import covers

INSTANCE = "i-bp1example0000000001"
IMAGE = "m-bp1example0000000001"


def outputs(**overrides):
    """Old outputs as the provider writes them: inputs as given, overlaid by the cloud's attributes."""
    base = {
        "instance_id": INSTANCE,
        "image_name": "golden",
        "description": "the golden image",
        "tags": {"team": "images"},
        "architecture": "x86_64",
        "platform": "Others Linux",
        "boot_mode": "BIOS",
        "resource_group_id": "rg-default0000001",
        "status": "Available",
        "create_time": "2026-11-26T07:00:00Z",
        "features": {"nvme_support": "unsupported"},
        "disk_device_mapping": [
            {
                "device": "/dev/xvda",
                "disk_type": "system",
                "size": 40,
                "snapshot_id": "s-bp1system000000001",
                "format": None,
                "import_oss_bucket": None,
                "import_oss_object": None,
                "progress": "100%",
                "remain_time": 0,
            }
        ],
    }
    base.update(overrides)
    return base


def inputs(**overrides):
    base = {"instance_id": INSTANCE, "image_name": "golden", "description": "the golden image"}
    base["tags"] = {"team": "images"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture()
def provider() -> ImageProvider:
    return ImageProvider("alicloud")


def failures(provider, news):
    return {f.property: f.reason for f in provider.check({}, news).failures}


def test_check_names_each_field_and_rule(provider):
    got = failures(
        provider,
        {
            "image_name": "aliyun-golden",
            "description": "https://example.com",
            "architecture": "sparc",
            "timeouts": {"create": "soon", "later": "1m"},
            "wait_timeout": -1,
        },
    )
    assert "acs: or aliyun" in got["image_name"]
    assert "http" in got["description"]
    assert "architecture" in got
    assert "timeouts.create" in got and "timeouts.later" in got and "wait_timeout" in got


def test_check_requires_exactly_one_source(provider):
    assert "one source is required" in failures(provider, {"image_name": "golden"})["instance_id"]
    two = failures(provider, {"image_name": "golden", "instance_id": INSTANCE, "snapshot_id": "s-bp1x"})
    assert "mutually exclusive" in two["snapshot_id"]


def test_check_accepts_every_source_mode(provider):
    sources = [
        {"instance_id": INSTANCE},
        {"snapshot_id": "s-bp1system000000001"},
        {"disk_device_mapping": [{"snapshot_id": "s-bp1system000000001", "disk_type": "system"}]},
        {"import_from": {"oss_bucket": "images", "oss_object": "golden.qcow2", "format": "QCOW2"}},
        {"copy_from": {"source_image_id": IMAGE, "source_region_id": "cn-hangzhou"}, "region": "cn-shanghai"},
    ]
    for source in sources:
        assert failures(provider, {"image_name": "golden", **source}) == {}, source


def test_check_leaves_unknown_values_to_apply(provider):
    assert failures(provider, {"image_name": "golden", "instance_id": Unknown()}) == {}
    assert failures(provider, {"image_name": "golden", "instance_id": INSTANCE, "timeouts": Unknown()}) == {}


def test_no_change_when_the_cloud_reports_more_than_was_given(provider):
    news = inputs(disk_device_mapping=None)
    diff = provider.diff(IMAGE, outputs(), news)
    assert not diff.changes
    given_disks = [{"snapshot_id": "s-bp1system000000001", "disk_type": "system"}]
    olds = outputs(instance_id=None)
    news = inputs(instance_id=None, disk_device_mapping=given_disks, features={"nvme_support": "unsupported"})
    assert not provider.diff(IMAGE, olds, news).changes


def test_in_place_and_replace_fields(provider):
    diff = provider.diff(
        IMAGE, outputs(), inputs(tags={"team": "images", "tier": "gold"}, image_name="golden-2")
    )
    assert diff.changes and diff.replaces == []
    diff = provider.diff(IMAGE, outputs(), inputs(architecture="arm64"))
    assert diff.replaces == ["architecture"] and diff.delete_before_replace  # same image_name
    diff = provider.diff(IMAGE, outputs(), inputs(architecture="arm64", image_name="golden-arm"))
    assert diff.replaces == ["architecture"] and not diff.delete_before_replace
    diff = provider.diff(IMAGE, outputs(), inputs(features={"nvme_support": "supported"}))
    assert diff.replaces == ["features"]
    diff = provider.diff(IMAGE, outputs(), inputs(region="cn-shanghai"))
    assert "region" in diff.replaces and not diff.delete_before_replace  # another region's namespace


def test_the_source_is_create_only(provider):
    source = {"oss_bucket": "images", "oss_object": "golden.qcow2"}
    olds = outputs(instance_id=None, import_from=source)
    assert not provider.diff(IMAGE, olds, inputs(instance_id=None, import_from=source)).changes
    diff = provider.diff(IMAGE, olds, inputs(instance_id=None, import_from={**source, "oss_object": "x.raw"}))
    assert diff.replaces == ["import_from"]


def test_the_deprecated_name_is_image_name(provider):
    assert failures(provider, {"name": "golden", "instance_id": INSTANCE}) == {}
    news = inputs(image_name=None, name="golden")
    assert not provider.diff(IMAGE, outputs(), news).changes
    clash = failures(provider, {"name": "golden", "image_name": "other", "instance_id": INSTANCE})
    assert "image_name" in clash["name"]


def test_timeouts_per_operation(provider):
    assert provider._timeout({}, "create") == 600  # the seed's default: 10 minutes
    props = {"timeouts": {"create": "20m", "delete": "30s"}, "wait_timeout": 5}
    assert provider._timeout(props, "create") == 1200
    assert provider._timeout(props, "delete") == 30
    assert provider._timeout(props, "update") == 5  # not in the block: wait_timeout
    # a timeouts change is no change to the image
    diff = provider.diff(IMAGE, outputs(), inputs(timeouts={"create": "1h"}))
    assert diff.changes and diff.replaces == []


def test_covers_is_a_subset_match():
    assert covers({"a": 1, "b": 2}, {"a": 1, "c": None})
    assert not covers({"a": 1}, {"a": 2})
    assert covers([{"a": 1, "b": 2}], [{"a": 1}]) and not covers([{"a": 1}], [{"a": 1}, {"a": 1}])
    assert not covers(None, {"a": 1})


def test_the_resource_warns_about_name():
    from pulumi_images import alicloud

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        args = alicloud.ImageArgs(name="golden", instance_id=INSTANCE)
    assert args.name == "golden"
    assert any("image_name" in str(w.message) for w in caught if w.category is DeprecationWarning)
