"""ImageProvider without a server or a cloud: what is pickled, check, and diff (pure planning)."""

from __future__ import annotations

import base64
import pickle

import dill
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from pulumi_images import ImageProvider
from pulumi_images._provider import _STACK_CONFIG, ImageProviderError

COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaexample"
INSTANCE = "ocid1.instance.oc1.iad.aaaaaaaaexample"
IMAGE = "ocid1.image.oc1.iad.aaaaaaaaexample"


def outputs(**overrides):
    """Old outputs as the provider writes them: inputs as given, overlaid by the cloud's attributes."""
    base = {
        "compartment_id": COMPARTMENT,
        "instance_id": INSTANCE,
        "display_name": "img",
        "freeform_tags": {"a": "1"},
        "defined_tags": {},
        "launch_mode": "PARAVIRTUALIZED",
        "launch_options": {"firmware": "UEFI_64", "network_type": "PARAVIRTUALIZED"},
        "state": "AVAILABLE",
        "time_created": "2024-01-01T00:00:00.000Z",
        "size_in_mbs": 47694,
    }
    base.update(overrides)
    return base


@pytest.fixture()
def provider() -> ImageProvider:
    return ImageProvider("oci")


def test_pickled_provider_is_the_cloud_name_only(provider):
    provider.configure(ConfigureRequest(Config({"imageops:ociPassPhrase": "Sekrit-Passphrase-1"}, "p")))
    assert _STACK_CONFIG[id(provider)]["pass_phrase"] == "Sekrit-Passphrase-1"
    raw = base64.b64decode(serialize_provider(provider))
    assert b"Sekrit" not in raw and len(raw) < 200
    assert vars(dill.loads(raw)) == {"cloud": "oci"}
    assert vars(pickle.loads(pickle.dumps(provider))) == {"cloud": "oci"}


def test_unknown_cloud_is_refused():
    with pytest.raises(ValueError, match="unknown cloud"):
        ImageProvider("nimbus")


def test_check_maps_spec_errors_to_failures_per_field(provider):
    result = provider.check({}, {"compartment_id": "x", "launch_mode": "TURBO", "profile": 3})
    fields = [f.property for f in result.failures]
    assert "compartment_id" in fields and "launch_mode" in fields and "profile" in fields
    neither = provider.check({}, {"compartment_id": COMPARTMENT})
    assert [f.property for f in neither.failures] == ["instance_id"]  # one of the two sources
    nested = provider.check({}, {"compartment_id": COMPARTMENT, "image_source_details": {"source_type": "x"}})
    assert next(f.property for f in nested.failures).startswith("image_source_details")
    ok = provider.check({}, {"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "base_image_id": None})
    assert ok.failures == []


def test_check_skips_rules_that_depend_on_unknown_values(provider):
    result = provider.check({}, {"compartment_id": COMPARTMENT, "instance_id": Unknown()})
    assert result.failures == []


def test_diff_no_change(provider):
    news = {
        "compartment_id": COMPARTMENT,
        "instance_id": INSTANCE,
        "display_name": "img",
        "freeform_tags": {"a": "1"},
    }
    result = provider.diff(IMAGE, outputs(), news)
    assert result.changes is False and not result.replaces


def test_diff_in_place_fields(provider):
    news = {
        "compartment_id": COMPARTMENT,
        "instance_id": INSTANCE,
        "display_name": "img2",
        "defined_tags": {"Ops.Cost": "1"},
    }
    result = provider.diff(IMAGE, outputs(), news)
    assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(
    ("change", "replaces", "delete_first"),
    [
        ({"launch_mode": "EMULATED"}, ["launch_mode"], True),
        ({"launch_mode": "EMULATED", "display_name": "other"}, ["launch_mode"], False),
        ({"compartment_id": "ocid1.compartment.oc1..aaaaaaaaother"}, ["compartment_id"], False),
        ({"instance_id": "ocid1.instance.oc1.iad.aaaaaaaaother"}, ["instance_id"], True),
        ({"should_include_data_volumes": True}, ["should_include_data_volumes"], True),
        ({"region": "eu-frankfurt-1"}, ["region"], False),
    ],
)
def test_diff_replace_fields(provider, change, replaces, delete_first):
    news = {"compartment_id": COMPARTMENT, "instance_id": INSTANCE, "display_name": "img", **change}
    result = provider.diff(IMAGE, outputs(), news)
    assert result.changes is True
    assert result.replaces == replaces
    assert result.delete_before_replace is delete_first


def test_diff_connection_settings_change_in_place(provider):
    news = {
        "compartment_id": COMPARTMENT,
        "instance_id": INSTANCE,
        "endpoint": "http://127.0.0.1:1",
        "wait_timeout": 5,
    }
    result = provider.diff(IMAGE, outputs(), news)
    assert result.changes is True and result.replaces == []


def test_diff_of_a_disabled_image_replaces_it(provider):
    news = {"compartment_id": COMPARTMENT, "instance_id": INSTANCE}
    result = provider.diff(IMAGE, outputs(state="DISABLED"), news)
    assert result.replaces == ["state"]


def test_errors_are_redacted_and_unchained(provider, tmp_path):
    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
    provider.configure(ConfigureRequest(Config({"imageops:ociKeyContent": key}, "p")))
    with pytest.raises(ImageProviderError) as caught:
        provider.delete(IMAGE, {"config_file": str(tmp_path / "missing"), "endpoint": "http://127.0.0.1:9"})
    assert "BEGIN" not in str(caught.value) and "MIIEvQ" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
