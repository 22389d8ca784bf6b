"""imageops.neutral: each neutral field maps onto each cloud's spec, and each rule refuses bad input
under the name the user wrote, before anything reaches a cloud (no driver exists in these tests)."""

from __future__ import annotations

import pytest

from imageops import neutral
from imageops.alicloud import AlicloudImageSpec
from imageops.errors import SpecError
from imageops.model import Image, ImageState
from imageops.oci import OciImageSpec
from imageops.outscale import OutscaleImageSpec

COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaexample"
OCI_INSTANCE = "ocid1.instance.oc1.iad.anexampleinstance"
OCI = {"cloud": "oci", "cloud_options": {"compartment_id": COMPARTMENT}}


def spec(data: dict, **kwargs):
    return neutral.cloud_spec(data, **kwargs)[1]


def errors(data: dict, **kwargs) -> dict[str, str]:
    with pytest.raises(SpecError) as raised:
        neutral.cloud_spec(data, **kwargs)
    return dict(raised.value.errors)


# --------------------------------------------------------------------------- mapping, per cloud
def test_oci_instance_name_tags_and_options():
    got = spec({**OCI, "name": "golden", "tags": {"n": 1}, "source": {"instance": {"id": OCI_INSTANCE}}})
    assert isinstance(got, OciImageSpec)
    assert got.given() == {
        "compartment_id": COMPARTMENT,
        "display_name": "golden",
        "instance_id": OCI_INSTANCE,
        "freeform_tags": {"n": "1"},
    }


@pytest.mark.parametrize(
    ("source", "details"),
    [
        (
            {"url": "https://objectstorage/x.qcow2", "format": "QCOW2"},
            {
                "source_type": "objectStorageUri",
                "source_uri": "https://objectstorage/x.qcow2",
                "source_image_type": "QCOW2",
            },
        ),
        (
            {"namespace": "ns", "bucket": "b", "object": "o.vmdk"},
            {
                "source_type": "objectStorageTuple",
                "namespace_name": "ns",
                "bucket_name": "b",
                "object_name": "o.vmdk",
            },
        ),
    ],
)
def test_oci_import_by_url_or_tuple(source, details):
    got = spec({**OCI, "name": "imported", "source": {"import": source}})
    assert got.image_source_details.given() == details


def test_oci_cloud_options_complete_a_mapped_block_key_by_key():
    data = {
        "cloud": "oci",
        "name": "imported",
        "source": {"import": {"url": "https://o/x"}},
        "cloud_options": {
            "compartment_id": COMPARTMENT,
            "image_source_details": {"operating_system": "Oracle Linux"},
        },
    }
    details = spec(data).image_source_details
    assert (details.source_uri, details.operating_system) == ("https://o/x", "Oracle Linux")


def test_oci_region_is_a_connection_setting():
    image = neutral.parse({**OCI, "region": "eu-frankfurt-1", "source": {"instance": {"id": OCI_INSTANCE}}})
    assert neutral.connection_settings(image) == {"region": "eu-frankfurt-1"}
    assert "region" not in neutral.to_cloud(image).fields


def test_outscale_every_source():
    base = {"cloud": "outscale", "name": "golden", "description": "web", "tags": {"b": "2", "a": "1"}}
    vm = spec({**base, "source": {"instance": {"id": "i-12345678"}}})
    assert isinstance(vm, OutscaleImageSpec) and vm.vm_id == "i-12345678" and vm.description == "web"
    assert [(t.key, t.value) for t in vm.tags] == [("a", "1"), ("b", "2")]
    snap = spec({**base, "source": {"snapshot": {"id": "snap-12345678"}}})
    assert snap.root_device_name == "/dev/sda1"
    assert snap.block_device_mappings[0].given() == {
        "device_name": "/dev/sda1",
        "bsu": {"snapshot_id": "snap-12345678"},
    }
    imported = spec({**base, "source": {"import": {"url": "https://oos/m.xml?sig=1"}}})
    assert imported.file_location == "https://oos/m.xml?sig=1"
    copied = spec(
        {
            **base,
            "region": "eu-west-2",
            "source": {"copy": {"image_id": "ami-12345678", "region": "us-east-2"}},
        }
    )
    assert (copied.source_image_id, copied.source_region_name) == ("ami-12345678", "us-east-2")


def test_aws_every_source():
    base = {"cloud": "aws", "name": "golden", "description": "web", "tags": {"b": "2", "a": "1"}}
    made = spec({**base, "source": {"instance": {"id": "i-0123456789abcdef0"}}})
    assert made.source_instance_id == "i-0123456789abcdef0" and made.tags == {"a": "1", "b": "2"}
    snap = spec({**base, "source": {"snapshot": {"id": "snap-0123456789abcdef0"}}})
    assert (snap.root_device_name, snap.virtualization_type) == ("/dev/xvda", "hvm")
    assert snap.ebs_block_devices[0].given() == {
        "device_name": "/dev/xvda",
        "snapshot_id": "snap-0123456789abcdef0",
    }
    imported = spec({**base, "source": {"import": {"bucket": "images", "object": "web/manifest.xml"}}})
    assert imported.image_location == "images/web/manifest.xml"
    copied = spec({**base, "source": {"copy": {"image_id": "ami-0123456789abcdef0", "region": "us-west-2"}}})
    assert (copied.source_ami_id, copied.source_ami_region) == ("ami-0123456789abcdef0", "us-west-2")


def test_alicloud_every_source_and_the_region_in_the_spec():
    base = {"cloud": "alicloud", "name": "golden", "region": "cn-shanghai", "tags": {"k": "v"}}
    inst = spec({**base, "source": {"instance": {"id": "i-bp1abc"}}})
    assert isinstance(inst, AlicloudImageSpec)
    assert (inst.instance_id, inst.region, inst.image_name, inst.tags) == (
        "i-bp1abc",
        "cn-shanghai",
        "golden",
        {"k": "v"},
    )
    assert spec({**base, "source": {"snapshot": {"id": "s-bp1abc"}}}).snapshot_id == "s-bp1abc"
    imported = spec({**base, "source": {"import": {"bucket": "bkt", "object": "a.qcow2", "format": "QCOW2"}}})
    assert imported.import_from.given() == {"oss_bucket": "bkt", "oss_object": "a.qcow2", "format": "QCOW2"}
    copied = spec({**base, "source": {"copy": {"image_id": "m-bp1abc", "region": "cn-hangzhou"}}})
    assert copied.copy_from.given() == {"source_image_id": "m-bp1abc", "source_region_id": "cn-hangzhou"}
    assert neutral.connection_settings(neutral.parse({**base})) == {"region": "cn-shanghai"}


def test_a_source_may_come_from_cloud_options_instead():
    disks = [
        {"snapshot_id": "s-bp1abc", "disk_type": "system"},
        {"snapshot_id": "s-bp1def", "disk_type": "data"},
    ]
    got = spec({"cloud": "alicloud", "name": "two-disks", "cloud_options": {"disk_device_mapping": disks}})
    assert len(got.disk_device_mapping) == 2


def test_delete_needs_only_the_key():
    assert spec({**OCI, "name": "golden"}, create=False).display_name == "golden"


# --------------------------------------------------------------------------- each rule
@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({"cloud": "gcp"}, "cloud", "must be one of"),
        ({"cloud": "oci", "name": ""}, "name", "at least 1 character"),
        ({"cloud": "oci", "wait_timeout": 0}, "wait_timeout", "greater than 0"),
        ({"cloud": "oci", "colour": "red"}, "colour", "is not a known argument"),
        ({"cloud": "oci", "source": {}}, "source", "exactly one of instance, snapshot, import, copy"),
        ({"cloud": "oci", "source": {"instance": {"id": "a"}, "snapshot": {"id": "b"}}}, "source", "got 2"),
        ({"cloud": "oci", "source": {"instance": {}}}, "source.instance.id", "required"),
        ({"cloud": "oci", "source": {"copy": {"image_id": "x"}}}, "source.copy.region", "required"),
        (
            {"cloud": "oci", "source": {"import": {"uri": "x"}}},
            "source.import.uri",
            "is not a known argument",
        ),
    ],
)
def test_neutral_rules(data, field, rule):
    assert rule in errors(data)[field]


def test_a_source_is_required_to_create():
    assert "required to create an image" in errors({**OCI, "name": "x"})["source"]


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        (
            {**OCI, "source": {"snapshot": {"id": "x"}}},
            "source.snapshot",
            "oci cannot build an image from a snapshot",
        ),
        (
            {**OCI, "source": {"import": {"bucket": "b"}}},
            "source.import",
            "oci needs url, or namespace, bucket and object",
        ),
        (
            {**OCI, "source": {"import": {"url": "https://x", "bucket": "b"}}},
            "source.import.bucket",
            "not valid with url",
        ),
        (
            {**OCI, "description": "d", "source": {"instance": {"id": OCI_INSTANCE}}},
            "description",
            "no description",
        ),
        (
            {"cloud": "outscale", "source": {"import": {"url": "https://x", "format": "RAW"}}},
            "source.import.format",
            "manifest url only",
        ),
        (
            {"cloud": "outscale", "source": {"import": {"bucket": "b"}}},
            "source.import.url",
            "required for outscale",
        ),
        (
            {"cloud": "alicloud", "source": {"import": {"url": "https://x"}}},
            "source.import.url",
            "alicloud imports from OSS",
        ),
        (
            {"cloud": "alicloud", "source": {"import": {"bucket": "bkt"}}},
            "source.import.object",
            "required for alicloud",
        ),
        (
            {"cloud": "alicloud", "source": {"import": {"namespace": "n", "bucket": "bkt", "object": "o"}}},
            "source.import.namespace",
            "alicloud imports from OSS",
        ),
    ],
)
def test_sources_a_cloud_cannot_take(data, field, rule):
    found = errors(data)
    assert rule in found[field]
    # the cloud's own "no source" complaint about the refused source is not repeated in its words
    assert not [f for f in found if f.startswith("cloud_options.") and "source" in found[f]]


def test_oci_copy_is_export_then_import_with_cloud_options_completing_it():
    data = {
        "cloud": "oci",
        "name": "copied",
        "region": "eu-frankfurt-1",
        "source": {"copy": {"image_id": "ocid1.image.oc1.iad.aaaaexample", "region": "us-ashburn-1"}},
        "cloud_options": {"compartment_id": COMPARTMENT, "copy_from": {"bucket_name": "transfer"}},
    }
    assert spec(data).copy_from.given() == {
        "source_image_id": "ocid1.image.oc1.iad.aaaaexample",
        "source_region": "us-ashburn-1",
        "bucket_name": "transfer",
    }
    assert (
        "must be an OCID"
        in errors({**data, "source": {"copy": {"image_id": "x", "region": "r"}}})["source.copy.image_id"]
    )


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        ({**OCI, "cloud_options": {}}, "cloud_options.compartment_id", "Field required"),
        (
            {**OCI, "cloud_options": {"compartment_id": COMPARTMENT, "launch_mode": "FAST"}},
            "cloud_options.launch_mode",
            "NATIVE",
        ),
        (
            {**OCI, "cloud_options": {"compartment_id": COMPARTMENT, "display_name": "y"}},
            "cloud_options.display_name",
            "already set by name",
        ),
        (
            {
                **OCI,
                "cloud_options": {"compartment_id": COMPARTMENT, "freeform_tags": {"a": "b"}},
                "tags": {"a": "c"},
            },
            "cloud_options.freeform_tags",
            "already set by tags",
        ),
        ({**OCI, "source": {"instance": {"id": "not-an-ocid"}}}, "source.instance.id", "must be an OCID"),
        (
            {**OCI, "source": {"import": {"url": "https://x", "format": "RAW"}}},
            "source.import.format",
            "QCOW2",
        ),
        ({"cloud": "outscale", "name": "ab"}, "name", "3-128"),
        ({"cloud": "outscale", "tags": {"k": "v" * 300}}, "tags.k", "255"),
        (
            {"cloud": "outscale", "source": {"instance": {"id": "vm-1"}}},
            "source.instance.id",
            "i-<8 hex digits>",
        ),
        ({"cloud": "alicloud", "region": "Hangzhou"}, "region", "region ID"),
        (
            {
                "cloud": "alicloud",
                "source": {"copy": {"image_id": "m-1", "region": "cn-hangzhou"}},
                "region": "cn-hangzhou",
            },
            "source.copy.region",
            "must differ from region",
        ),
        (
            {
                "cloud": "alicloud",
                "source": {"instance": {"id": "i-1"}},
                "cloud_options": {"snapshot_id": "s-1"},
            },
            "cloud_options.snapshot_id",
            "mutually exclusive",
        ),
        (
            {
                "cloud": "alicloud",
                "source": {"instance": {"id": "i-1"}},
                "cloud_options": {"license_type": "BYOL"},
            },
            "cloud_options.license_type",
            "only valid with import_from",
        ),
    ],
)
def test_cloud_rules_report_neutral_paths(data, field, rule):
    data = {"name": "golden-web", **data}
    default_source = {
        "oci": {"instance": {"id": OCI_INSTANCE}},
        "outscale": {"snapshot": {"id": "snap-12345678"}},
        "alicloud": {"snapshot": {"id": "s-1"}},
    }
    data.setdefault("source", default_source[data["cloud"]])
    assert rule in errors(data)[field]


def test_every_problem_is_reported_at_once():
    found = errors(
        {
            **OCI,
            "description": "d",
            "source": {"snapshot": {"id": "x"}},
            "cloud_options": {"launch_mode": "X"},
        }
    )
    assert {
        "description",
        "source.snapshot",
        "cloud_options.compartment_id",
        "cloud_options.launch_mode",
    } <= set(found)


# --------------------------------------------------------------------------- the view
def test_view_is_the_same_shape_on_every_cloud():
    outscale = Image(
        cloud="outscale",
        id="ami-12345678",
        name="golden",
        state=ImageState.AVAILABLE,
        raw_state="available",
        region="eu-west-2",
        attributes={"image_name": "golden", "tags": [{"key": "role", "value": "web"}]},
    )
    view = neutral.view(outscale)
    assert view == {
        "cloud": "outscale",
        "id": "ami-12345678",
        "name": "golden",
        "state": "available",
        "raw_state": "available",
        "region": "eu-west-2",
        "tags": {"role": "web"},
        "attributes": {"image_name": "golden", "tags": [{"key": "role", "value": "web"}]},
    }
    assert neutral.tags_of("oci", {"freeform_tags": {"a": "b"}}) == {"a": "b"}
    assert neutral.tags_of("alicloud", {"tags": {"a": "b"}}) == {"a": "b"}
