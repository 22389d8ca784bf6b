"""OciImageSpec: every seed argument, its rules, and its update mode."""

from __future__ import annotations

import pytest

from imageops.errors import SpecError
from imageops.oci import OciImageSpec
from imageops.spec import Update

COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaexample"
INSTANCE = "ocid1.instance.oc1.iad.aaaaaaaexample"
TUPLE = {
    "source_type": "objectStorageTuple",
    "namespace_name": "ns",
    "bucket_name": "images",
    "object_name": "disk.qcow2",
    "source_image_type": "QCOW2",
}

SEED_ARGUMENTS = {
    "compartment_id",
    "defined_tags",
    "display_name",
    "freeform_tags",
    "image_source_details",
    "instance_id",
    "launch_mode",
}


def errors_of(data: dict) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as caught:
        OciImageSpec.parse(data)
    return caught.value.errors


def test_every_seed_argument_is_a_field_with_an_update_mode():
    assert set(OciImageSpec.model_fields) >= SEED_ARGUMENTS
    for name in OciImageSpec.model_fields:
        OciImageSpec.update_mode(name)  # raises if a field was declared without a mode
    assert set(OciImageSpec.fields_by_mode(Update.IN_PLACE)) == {
        "display_name",
        "freeform_tags",
        "defined_tags",
        "export_to",  # exports the image; changes nothing on it
    }
    assert {"compartment_id", "instance_id", "image_source_details", "launch_mode", "copy_from"} <= set(
        OciImageSpec.fields_by_mode(Update.REPLACE)
    )


def test_valid_sources_parse():
    from_instance = OciImageSpec.parse({"compartment_id": COMPARTMENT, "instance_id": INSTANCE})
    assert from_instance.image_source_details is None
    imported = OciImageSpec.parse({"compartment_id": COMPARTMENT, "image_source_details": TUPLE})
    assert imported.image_source_details.bucket_name == "images"
    by_uri = OciImageSpec.parse(
        {
            "compartment_id": COMPARTMENT,
            "image_source_details": {"source_type": "objectStorageUri", "source_uri": "https://x/o/disk"},
        }
    )
    assert by_uri.image_source_details.source_uri == "https://x/o/disk"


def test_bad_launch_mode_names_field_and_allowed_values():
    [(field, rule)] = errors_of(
        {"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "launch_mode": "FAST"}
    )
    assert field == "launch_mode"
    assert "NATIVE" in rule and "CUSTOM" in rule


def test_source_type_without_its_fields():
    [(field, rule)] = errors_of(
        {"compartment_id": COMPARTMENT, "image_source_details": {"source_type": "objectStorageTuple"}}
    )
    assert field == "image_source_details"
    assert "namespace_name" in rule and "bucket_name" in rule and "object_name" in rule
    [(field, rule)] = errors_of(
        {"compartment_id": COMPARTMENT, "image_source_details": {"source_type": "objectStorageUri"}}
    )
    assert field == "image_source_details" and "source_uri" in rule


def test_tuple_fields_rejected_with_uri_source():
    [(field, rule)] = errors_of(
        {
            "compartment_id": COMPARTMENT,
            "image_source_details": {**TUPLE, "source_type": "objectStorageUri", "source_uri": "https://x"},
        }
    )
    assert field == "image_source_details" and "objectStorageTuple" in rule


def test_both_and_neither_sources():
    [(field, rule)] = errors_of(
        {"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "image_source_details": TUPLE}
    )
    assert field == "instance_id" and "mutually exclusive" in rule
    [(field, rule)] = errors_of({"compartment_id": COMPARTMENT})
    assert field == "instance_id" and "required" in rule


def test_all_problems_reported_at_once_with_field_names():
    errors = errors_of(
        {"compartment_id": "not-an-ocid", "instance_id": INSTANCE, "launch_mode": "X", "color": 1}
    )
    fields = {field for field, _ in errors}
    assert fields == {"compartment_id", "launch_mode", "color"}
    assert dict(errors)["color"] == "is not a known argument"
    assert "OCID" in dict(errors)["compartment_id"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 256}, "display_name"),
        ({"defined_tags": {"NoNamespace": "1"}}, "defined_tags"),
        ({"freeform_tags": {"k" * 101: "v"}}, "freeform_tags"),
        (
            {"image_source_details": {**TUPLE, "source_image_type": "RAW"}},
            "image_source_details.source_image_type",
        ),
        ({"launch_mode": "NATIVE", "launch_options": {"firmware": "BIOS"}}, "launch_options"),
        ({"launch_options": {"firmware": "EFI"}}, "launch_options.firmware"),
    ],
)
def test_field_rules(extra, field):
    base = {"compartment_id": COMPARTMENT, "instance_id": INSTANCE}
    if "image_source_details" in extra:
        base.pop("instance_id")
    fields = [f for f, _ in errors_of({**base, **extra})]
    assert field in fields


def test_should_include_data_volumes_only_with_instance():
    [(field, _)] = errors_of(
        {"compartment_id": COMPARTMENT, "image_source_details": TUPLE, "should_include_data_volumes": True}
    )
    assert field == "should_include_data_volumes"


def test_retry_token_is_deterministic_and_bounded():
    spec = OciImageSpec.parse({"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "display_name": "a"})
    again = OciImageSpec.parse({"display_name": "a", "instance_id": INSTANCE, "compartment_id": COMPARTMENT})
    other = OciImageSpec.parse({"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "display_name": "b"})
    assert spec.retry_token() == again.retry_token()
    assert spec.retry_token() != other.retry_token()
    assert spec.retry_token(1) != spec.retry_token(0)
    assert 1 <= len(spec.retry_token()) <= 64  # OCI's opc-retry-token limit


def test_lookup_key_needs_display_name():
    spec = OciImageSpec.parse({"compartment_id": COMPARTMENT, "instance_id": INSTANCE})
    assert spec.lookup_key() is None
    named = OciImageSpec.parse({"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "display_name": "a"})
    assert named.lookup_key() == {"compartment_id": COMPARTMENT, "display_name": "a"}


def test_tag_values_are_taken_as_strings_like_terraform_maps():
    spec = OciImageSpec.parse(
        {
            "compartment_id": COMPARTMENT,
            "instance_id": INSTANCE,
            "freeform_tags": {"CostCenter": 42, "Prod": True},
            "defined_tags": {"Ops.Ratio": 0.5},
        }
    )
    assert spec.freeform_tags == {"CostCenter": "42", "Prod": "true"}
    assert spec.defined_tags == {"Ops.Ratio": "0.5"}


def test_parse_key_checks_fields_but_not_the_create_rules():
    key = OciImageSpec.parse_key({"compartment_id": COMPARTMENT, "display_name": "a"})
    assert key.lookup_key() == {"compartment_id": COMPARTMENT, "display_name": "a"}
    with pytest.raises(SpecError) as caught:
        OciImageSpec.parse_key({"compartment_id": "nope"})
    assert caught.value.errors[0][0] == "compartment_id"
