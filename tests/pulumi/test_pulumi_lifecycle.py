"""The OCI Image resource through the real dynamic-provider server, against the emulator.

Each step is what the engine would send for ``pulumi up`` / ``preview`` / ``refresh`` / ``destroy``;
the emulator's call log proves which steps touch the API and which must not.
"""

from __future__ import annotations

import pytest

import imageops.registry
from imageops.oci import OciImageSpec
from pulumi_images.harness import UNKNOWN, CheckFailed, Engine, ProviderCallError

pytestmark = pytest.mark.timeout(120)


def api_calls(emulator, since: int) -> list[dict]:
    return [c for c in emulator.calls(since=since, cloud="oci") if not c["path"].startswith("/_emulator")]


def writes(emulator, since: int) -> list[dict]:
    return [c for c in api_calls(emulator, since) if c["method"] not in ("GET", "HEAD")]


@pytest.fixture()
def base(emu_env) -> dict:
    return {
        "compartment_id": emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        "instance_id": emu_env["IMAGEOPS_OCI_INSTANCE_ID"],
    }


def core_driver(emu_env):
    return imageops.registry.connect(
        "oci", config_file=emu_env["IMAGEOPS_OCI_CONFIG_FILE"], endpoint=emu_env["IMAGEOPS_OCI_ENDPOINT"]
    )


def test_check_reports_each_invalid_field_without_an_api_call(engine: Engine, emulator, base):
    mark = emulator.mark()
    bad = {
        **base,
        "compartment_id": "not-an-ocid",
        "launch_mode": "TURBO",
        "image_source_details": {"source_type": "objectStorageUri", "source_uri": "https://x/y"},
        "wait_timeout": -3,
    }
    inputs, failures = engine.harness.check(engine.urn("bad"), {}, bad)
    fields = {prop for prop, _ in failures}
    assert {"compartment_id", "launch_mode", "wait_timeout"} <= fields
    assert all(reason for _, reason in failures)
    # the engine stops at failures: nothing reached the cloud
    with pytest.raises(CheckFailed) as caught:
        engine.up("bad", {**base, "freeform_tags": {"": "empty key"}})
    assert caught.value.failures[0][0] == "freeform_tags"
    assert api_calls(emulator, mark) == []
    assert inputs["launch_mode"] == "TURBO"  # inputs come back as given


def test_check_and_diff_tolerate_unknowns_in_preview(engine: Engine, emulator, base):
    state, _ = engine.up("preview", {**base, "display_name": "pulumi-preview"})
    try:
        mark = emulator.mark()
        _, failures = engine.harness.check(state.urn, state.inputs, {**base, "instance_id": UNKNOWN})
        assert failures == []
        diff = engine.harness.diff(
            state.id, state.urn, state.outputs, {**state.inputs, "instance_id": UNKNOWN}
        )
        assert list(diff.replaces) == ["instance_id"]
        diff = engine.harness.diff(
            state.id, state.urn, state.outputs, {**state.inputs, "display_name": UNKNOWN}
        )
        assert list(diff.replaces) == [] and diff.changes == diff.DIFF_SOME
        assert api_calls(emulator, mark) == []
    finally:
        engine.destroy(state)


def test_full_lifecycle_from_instance(engine: Engine, emulator, emu_env, base):
    inputs = {**base, "display_name": "pulumi-life", "freeform_tags": {"team": "images"}}
    mark = emulator.mark()
    state, action = engine.up("life", inputs)
    assert action == "create"
    out = state.outputs
    assert out["state"] == "AVAILABLE" and out["display_name"] == "pulumi-life"
    assert out["compartment_id"] == base["compartment_id"] and out["instance_id"] == base["instance_id"]
    for attr in (
        "base_image_id",
        "create_image_allowed",
        "launch_mode",
        "launch_options",
        "operating_system",
        "operating_system_version",
        "size_in_mbs",
        "time_created",
    ):
        assert attr in out, attr
    assert [c["path"].split("?")[0] for c in writes(emulator, mark)] == ["/20160918/images"]

    # re-run with nothing changed: check + diff only, and no API call at all
    mark = emulator.mark()
    state, action = engine.up("life", inputs, state)
    assert action == "same"
    assert api_calls(emulator, mark) == []

    # tags and display_name change in place: one UpdateImage on the same image
    image_id = state.id
    inputs = {**inputs, "display_name": "pulumi-life-2", "freeform_tags": {"team": "images", "tier": "gold"}}
    mark = emulator.mark()
    state, action = engine.up("life", inputs, state)
    assert action == "update" and state.id == image_id
    assert state.outputs["display_name"] == "pulumi-life-2"
    assert state.outputs["freeform_tags"] == {"team": "images", "tier": "gold"}
    assert [c["method"] for c in writes(emulator, mark)] == ["PUT"]

    # a replace field: preview lists it, the same name in the same compartment means delete first
    mark = emulator.mark()
    diff = engine.preview(state, {**inputs, "launch_mode": "EMULATED"})
    assert list(diff.replaces) == ["launch_mode"] and diff.deleteBeforeReplace
    diff = engine.preview(state, {**inputs, "launch_mode": "EMULATED", "display_name": "pulumi-life-3"})
    assert set(diff.replaces) == {"launch_mode"} and not diff.deleteBeforeReplace
    assert api_calls(emulator, mark) == []

    # drift behind Pulumi's back: refresh shows it, the next up puts the tags back
    driver = core_driver(emu_env)
    try:
        live = driver.get(image_id)
        spec = OciImageSpec.parse({**base, "display_name": "pulumi-life-2"})
        driver.update(live, spec, {"freeform_tags": {"team": "platform"}})
    finally:
        driver.close()
    refreshed = engine.refresh(state)
    assert refreshed is not None and refreshed.outputs["freeform_tags"] == {"team": "platform"}
    assert refreshed.inputs == state.inputs  # refresh keeps the program's inputs
    state, action = engine.up("life", inputs, refreshed)
    assert action == "update" and state.outputs["freeform_tags"] == {"team": "images", "tier": "gold"}

    # read for import: Image.get(name, id) sends the inputs only (no outputs)
    got = engine.get("life-copy", image_id)
    assert got is not None and got.id == image_id
    assert got.outputs["display_name"] == "pulumi-life-2"
    assert got.inputs["compartment_id"] == base["compartment_id"]
    assert got.inputs["freeform_tags"] == {"team": "images", "tier": "gold"}

    # destroy, then destroy again (already gone is a success), and a refresh drops it
    engine.destroy(state)
    engine.destroy(state)
    assert engine.refresh(state) is None
    assert engine.get("gone", image_id) is None


def test_replace_deletes_first_when_the_name_is_kept(engine: Engine, emulator, base):
    inputs = {**base, "display_name": "pulumi-replace"}
    state, _ = engine.up("replace", inputs)
    old_id = state.id
    new_state, action = engine.up("replace", {**inputs, "launch_mode": "EMULATED"}, state)
    try:
        assert action == "replace" and new_state.id != old_id
        assert new_state.outputs["launch_mode"] == "EMULATED"
        assert engine.get("old", old_id) is None
    finally:
        engine.destroy(new_state)


def test_import_from_object_storage_tuple_and_uri(engine: Engine, emu_env, base):
    compartment = base["compartment_id"]
    tuple_source = {
        "source_type": "objectStorageTuple",
        "namespace_name": emu_env["IMAGEOPS_OCI_NAMESPACE"],
        "bucket_name": emu_env["IMAGEOPS_OCI_BUCKET"],
        "object_name": emu_env["IMAGEOPS_OCI_OBJECT"],
        "source_image_type": "QCOW2",
    }
    imported, _ = engine.up(
        "imported",
        {
            "compartment_id": compartment,
            "display_name": "pulumi-import",
            "launch_mode": "PARAVIRTUALIZED",
            "image_source_details": tuple_source,
        },
    )
    by_uri, _ = engine.up(
        "by-uri",
        {
            "compartment_id": compartment,
            "display_name": "pulumi-import-uri",
            "image_source_details": {
                "source_type": "objectStorageUri",
                "source_uri": emu_env["IMAGEOPS_OCI_OBJECT_URI"],
            },
        },
    )
    try:
        assert imported.outputs["state"] == by_uri.outputs["state"] == "AVAILABLE"
        assert imported.outputs["image_source_details"]["object_name"] == emu_env["IMAGEOPS_OCI_OBJECT"]
        _, action = engine.up("imported", imported.inputs, imported)
        assert action == "same"
        # another source object is another image; swapping the source kind too
        diff = engine.preview(
            imported, {**imported.inputs, "image_source_details": {**tuple_source, "object_name": "x.qcow2"}}
        )
        assert list(diff.replaces) == ["image_source_details"]
        diff = engine.preview(
            imported, {**imported.inputs, "image_source_details": None, "instance_id": base["instance_id"]}
        )
        assert set(diff.replaces) == {"image_source_details", "instance_id"}
    finally:
        engine.destroy(imported)
        engine.destroy(by_uri)


def test_create_adopts_an_image_left_by_an_interrupted_create(engine: Engine, emulator, emu_env, base):
    spec = OciImageSpec.parse({**base, "display_name": "pulumi-adopt"})
    driver = core_driver(emu_env)
    try:
        orphan = driver.create(spec)  # the create whose answer Pulumi never saw
        driver.wait_for(orphan.id, orphan.state.AVAILABLE, 30)
    finally:
        driver.close()
    mark = emulator.mark()
    state, _ = engine.up("adopt", {**base, "display_name": "pulumi-adopt"})
    try:
        assert state.id == orphan.id
        assert writes(emulator, mark) == []
    finally:
        engine.destroy(state)


def test_update_of_an_image_deleted_behind_pulumis_back_says_refresh(engine: Engine, emu_env, base):
    inputs = {**base, "display_name": "pulumi-vanish"}
    state, _ = engine.up("vanish", inputs)
    engine.destroy(state)
    with pytest.raises(ProviderCallError) as caught:
        engine.up("vanish", {**inputs, "freeform_tags": {"a": "b"}}, state)
    assert "pulumi refresh" in caught.value.details


def test_a_create_that_timed_out_is_adopted_by_the_next_up(engine: Engine, emulator, base):
    inputs = {**base, "display_name": "pulumi-timeout"}
    with pytest.raises(ProviderCallError) as caught:
        engine.up("timeout", {**inputs, "wait_timeout": 0.001})
    assert "WaitTimeoutError" in caught.value.details and "ocid1.image." in caught.value.details
    mark = emulator.mark()
    state, action = engine.up("timeout", inputs)  # the engine recorded nothing: it creates again
    try:
        assert action == "create" and state.outputs["state"] == "AVAILABLE"
        assert writes(emulator, mark) == []  # ... and the provider adopted the image it had made
    finally:
        engine.destroy(state)


def test_connection_only_changes_update_outputs_without_a_write(engine: Engine, emulator, emu_env, base):
    state, _ = engine.up("conn", {**base, "display_name": "pulumi-conn"})
    try:
        mark = emulator.mark()
        new_inputs = {**state.inputs, "endpoint": emu_env["IMAGEOPS_OCI_ENDPOINT"], "wait_timeout": 60}
        state, action = engine.up("conn", new_inputs, state)
        assert action == "update"
        assert (
            state.outputs["endpoint"] == emu_env["IMAGEOPS_OCI_ENDPOINT"]
            and state.outputs["wait_timeout"] == 60
        )
        assert writes(emulator, mark) == []
    finally:
        engine.destroy(state)


@pytest.mark.parametrize("key", ["imageops:ociProfile", "imageops:ociConfigProfile"])
def test_stack_config_selects_the_profile(emu_env, key):
    from tests_pulumi_support import provider_env

    from pulumi_images.harness import ProviderHarness

    inputs = {
        "compartment_id": emu_env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
        "instance_id": emu_env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
    }
    env = provider_env(emu_env)
    # DEFAULT cannot see OTHER's instance
    with ProviderHarness("oci", env=env) as harness, pytest.raises(ProviderCallError):
        Engine(harness).up("other", inputs)
    with ProviderHarness("oci", env=env, config={key: "OTHER"}) as harness:
        engine = Engine(harness)
        state, _ = engine.up("other", inputs)
        assert state.outputs["compartment_id"] == inputs["compartment_id"]
        assert "profile" not in state.outputs  # came from stack config, not an input
        engine.destroy(state)


def test_pulumi_import_without_provider_blob_cannot_reach_the_provider(engine: Engine, base):
    """``pulumi import`` sends a Read with neither outputs nor inputs: the stock Python
    dynamic-provider server cannot unpickle a provider it was not given (``python -m
    pulumi_images.dynamic`` can: see test_pulumi_import.py)."""
    request_props: dict = {}
    from pulumi.runtime.proto import provider_pb2

    from pulumi_images.harness import to_struct

    with pytest.raises(ProviderCallError) as caught:
        engine.harness._call(
            "Read",
            provider_pb2.ReadRequest(
                id="ocid1.image.oc1.iad.aaaaaaaax", urn=engine.urn("imp"), properties=to_struct(request_props)
            ),
        )
    assert "__provider" in caught.value.details


def test_two_resources_use_two_accounts_through_their_profile_input(engine: Engine, emu_env, base):
    """Credentials per resource, as an explicit Provider resource gives them in official providers:
    the ``profile`` input picks the account, its keys stay in the config file."""
    other_inputs = {
        "compartment_id": emu_env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
        "instance_id": emu_env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
        "display_name": "pulumi-two-accounts",
    }
    with pytest.raises(ProviderCallError):  # the default profile cannot see the other tenancy
        engine.up("other-account", other_inputs)
    mine, _ = engine.up("my-account", {**base, "display_name": "pulumi-two-accounts"})
    other, _ = engine.up("other-account", {**other_inputs, "profile": "OTHER"})
    try:
        assert mine.outputs["compartment_id"] == base["compartment_id"]
        assert other.outputs["compartment_id"] == other_inputs["compartment_id"]
        assert other.outputs["profile"] == "OTHER" and "profile" not in mine.outputs
    finally:
        engine.destroy(other)
        engine.destroy(mine)
