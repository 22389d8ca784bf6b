"""pulumi_images.outscale.Image through the real dynamic-provider server, against the emulator.

Each step is what the engine would send for ``pulumi up`` / ``preview`` / ``refresh`` / ``destroy``;
the emulator's call log (every OUTSCALE call is a POST: reads are the ``Read*`` actions) proves which
steps touch the API and which must not. The credentials come from the stack configuration
(``imageops:outscaleAccessKey`` and the secret ``imageops:outscaleSecretKey``), the endpoint from
``IMAGEOPS_OUTSCALE_ENDPOINT``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests_pulumi_support import provider_env

import imageops.registry
from imageops.outscale import OutscaleImageSpec
from pulumi_images.harness import UNKNOWN, CheckFailed, Engine, ProviderHarness

pytestmark = pytest.mark.timeout(120)

SEED_ATTRIBUTES = {
    "account_alias",
    "account_id",
    "architecture",
    "block_device_mappings",
    "boot_modes",
    "creation_date",
    "description",
    "file_location",
    "image_id",
    "image_name",
    "image_type",
    "permissions_to_launch",
    "product_codes",
    "root_device_name",
    "root_device_type",
    "secure_boot",
    "state_comment",
    "state",
    "tags",
    "tpm_mandatory",
}


def osc_config(emu_env: dict[str, str], prefix: str = "IMAGEOPS_OUTSCALE_") -> dict[str, str]:
    return {
        "imageops:outscaleAccessKey": emu_env[f"{prefix}ACCESS_KEY"],
        "imageops:outscaleSecretKey": emu_env[f"{prefix}SECRET_KEY"],
        "imageops:outscaleRegion": emu_env["IMAGEOPS_OUTSCALE_REGION"],
    }


def osc_env(emu_env: dict[str, str]) -> dict[str, str]:
    """The server's environment: no OSC_* of the machine, the emulator's endpoint."""
    env = provider_env(emu_env)
    return {k: v for k, v in env.items() if not k.startswith("OSC_")}


@pytest.fixture(scope="module")
def osc_harness(emu_env) -> Iterator[ProviderHarness]:
    with ProviderHarness("outscale", env=osc_env(emu_env), config=osc_config(emu_env)) as h:
        yield h


@pytest.fixture()
def osc(osc_harness) -> Engine:
    return Engine(osc_harness)


def api_calls(emulator, since: int) -> list[dict]:
    return [
        c for c in emulator.calls(since=since, cloud="outscale") if not c["path"].startswith("/_emulator")
    ]


def writes(emulator, since: int) -> list[str]:
    return [c["action"] for c in api_calls(emulator, since) if not str(c["action"]).startswith("Read")]


def core_driver(emu_env):
    return imageops.registry.connect(
        "outscale",
        access_key=emu_env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key=emu_env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        region=emu_env["IMAGEOPS_OUTSCALE_REGION"],
        endpoint=emu_env["IMAGEOPS_OUTSCALE_ENDPOINT"],
    )


def from_vm(emu_env, name: str, **extra) -> dict:
    return {"image_name": name, "vm_id": emu_env["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": True, **extra}


def bsu_mapping(emu_env, **bsu) -> list[dict]:
    volume = {"snapshot_id": emu_env["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"], "volume_size": 120, **bsu}
    return [{"device_name": "/dev/sda1", "bsu": volume}]


def test_check_reports_each_invalid_field_without_an_api_call(osc: Engine, emulator, emu_env):
    mark = emulator.mark()
    cases = {
        "name too short": ({**from_vm(emu_env, "ab")}, "image_name", "3-128"),
        "forbidden character": ({**from_vm(emu_env, "bad*name")}, "image_name", "3-128"),
        "two sources": (
            {**from_vm(emu_env, "two-sources"), "file_location": emu_env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]},
            "file_location",
            "exactly one source",
        ),
        "io1 without iops": (
            {
                "image_name": "no-iops",
                "root_device_name": "/dev/sda1",
                "block_device_mappings": bsu_mapping(emu_env, volume_type="io1"),
            },
            "block_device_mappings.0.bsu.iops",
            "required with volume_type io1",
        ),
        "iops over the ratio": (
            {
                "image_name": "too-many-iops",
                "root_device_name": "/dev/sda1",
                "block_device_mappings": bsu_mapping(emu_env, volume_type="io1", volume_size=10, iops=3001),
            },
            "block_device_mappings.0.bsu.iops",
            "300 per GiB",
        ),
    }
    for label, (inputs, field, rule) in cases.items():
        with pytest.raises(CheckFailed) as caught:
            osc.up("bad", inputs)
        assert any(f == field and rule in r for f, r in caught.value.failures), (label, caught.value.failures)
    assert api_calls(emulator, mark) == []


@pytest.mark.e2e
def test_check_and_diff_tolerate_unknowns_in_preview(osc: Engine, emulator, emu_env):
    _, failures = osc.harness.check(osc.urn("u"), {}, {"image_name": "unknown-src", "vm_id": UNKNOWN})
    assert failures == []
    state, _ = osc.up("preview", from_vm(emu_env, "pulumi-osc-preview"))
    try:
        mark = emulator.mark()
        diff = osc.harness.diff(state.id, state.urn, state.outputs, {**state.inputs, "vm_id": UNKNOWN})
        assert list(diff.replaces) == ["vm_id"]
        diff = osc.harness.diff(state.id, state.urn, state.outputs, {**state.inputs, "description": UNKNOWN})
        assert list(diff.replaces) == [] and diff.changes == diff.DIFF_SOME
        assert api_calls(emulator, mark) == []
    finally:
        osc.destroy(state)


@pytest.mark.e2e
def test_the_four_seed_sources_then_nothing_to_change(osc: Engine, emulator, emu_env):
    region = emu_env["IMAGEOPS_OUTSCALE_REGION"]
    made = []
    try:
        mark = emulator.mark()
        image01, action = osc.up("image01", from_vm(emu_env, "terraform-omi-create"))
        made.append(image01)
        assert action == "create" and writes(emulator, mark) == ["CreateImage"]
        programs = {
            "image01": image01.inputs,
            "image02": {
                "description": "Terraform register OMI",
                "image_name": "terraform-omi-register",
                "file_location": emu_env["IMAGEOPS_OUTSCALE_MANIFEST_URL"],
            },
            "image03": {
                "description": "Terraform copy OMI",
                "image_name": "terraform-omi-copy",
                "source_image_id": image01.id,
                "source_region_name": region,
            },
            "image04": {
                "image_name": "terraform-omi-bsu",
                "block_device_mappings": bsu_mapping(
                    emu_env, volume_type="io1", iops=150, delete_on_vm_deletion=True
                ),
                "root_device_name": "/dev/sda1",
                "description": "Terraform OMI with BSU",
            },
        }
        for name in ("image02", "image03", "image04"):
            state, action = osc.up(name, programs[name])
            made.append(state)
            assert action == "create"
        for state in made:
            out = state.outputs
            assert set(out) >= SEED_ATTRIBUTES, SEED_ATTRIBUTES - set(out)
            assert out["state"] == "available" and out["image_id"] == state.id
            assert out["account_id"] == emu_env["IMAGEOPS_OUTSCALE_ACCOUNT_ID"]
        assert made[0].outputs["vm_id"] == emu_env["IMAGEOPS_OUTSCALE_VM_ID"]  # create-only, echoed
        assert made[1].outputs["file_location"] == emu_env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]
        assert made[2].outputs["source_image_id"] == image01.id
        bsu = made[3].outputs["block_device_mappings"][0]["bsu"]
        assert bsu["volume_type"] == "io1" and bsu["iops"] == 150 and bsu["volume_size"] == 120

        # the second `pulumi up`: check + diff only, and no API call at all
        mark = emulator.mark()
        for state, name in zip(made, programs, strict=True):
            _, action = osc.up(name, programs[name], state)
            assert action == "same", name
        assert api_calls(emulator, mark) == []
    finally:
        for state in reversed(made):
            osc.destroy(state)


@pytest.mark.e2e
def test_in_place_update_of_description_tags_and_permissions(osc: Engine, emulator, emu_env):
    inputs = from_vm(emu_env, "pulumi-osc-update", tags=[{"key": "team", "value": "images"}])
    state, _ = osc.up("update", inputs)
    try:
        image_id = state.id
        other = emu_env["IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID"]
        inputs = {
            **inputs,
            "description": "golden",
            "tags": [{"key": "tier", "value": "gold"}, {"key": "team", "value": "images"}],
            "permissions_to_launch": {"account_ids": [other], "global_permission": False},
        }
        diff = osc.preview(state, inputs)
        assert list(diff.replaces) == [] and diff.changes == diff.DIFF_SOME
        mark = emulator.mark()
        state, action = osc.up("update", inputs, state)
        assert action == "update" and state.id == image_id
        assert set(writes(emulator, mark)) <= {"UpdateImage", "CreateTags", "DeleteTags"}
        assert "CreateImage" not in writes(emulator, mark)
        out = state.outputs
        assert out["description"] == "golden"
        assert out["tags"] == [{"key": "team", "value": "images"}, {"key": "tier", "value": "gold"}]
        assert out["permissions_to_launch"]["account_ids"] == [other]
        _, action = osc.up("update", inputs, state)
        assert action == "same"

        # drop a tag and the permission: DeleteTags and an UpdateImage removal
        inputs = {
            **inputs,
            "tags": [{"key": "team", "value": "images"}],
            "permissions_to_launch": {"account_ids": []},
        }
        state, action = osc.up("update", inputs, state)
        assert action == "update"
        assert state.outputs["tags"] == [{"key": "team", "value": "images"}]
        assert state.outputs["permissions_to_launch"]["account_ids"] == []
    finally:
        osc.destroy(state)


@pytest.mark.e2e
def test_replace_keeps_the_name_so_it_deletes_first(osc: Engine, emulator, emu_env):
    inputs = from_vm(emu_env, "pulumi-osc-replace")
    state, _ = osc.up("replace", inputs)
    old_id = state.id
    try:
        mark = emulator.mark()
        # a new name is another key: create-before-delete is safe
        diff = osc.preview(state, {**inputs, "image_name": "pulumi-osc-replace-2"})
        assert list(diff.replaces) == ["image_name"] and not diff.deleteBeforeReplace
        # the same name with a replace field changed: the old OMI must go first
        diff = osc.preview(state, {**inputs, "tpm_mandatory": True})
        assert list(diff.replaces) == ["tpm_mandatory"] and diff.deleteBeforeReplace
        assert api_calls(emulator, mark) == []

        mark = emulator.mark()
        state, action = osc.up("replace", {**inputs, "tpm_mandatory": True}, state)
        assert action == "replace" and state.id != old_id
        assert state.outputs["tpm_mandatory"] is True
        assert writes(emulator, mark) == ["DeleteImage", "CreateImage"]
        assert osc.get("old", old_id) is None

        # and a rename: the new OMI first, then the old one is deleted
        mark = emulator.mark()
        renamed, action = osc.up(
            "replace", {**inputs, "tpm_mandatory": True, "image_name": "pulumi-osc-renamed"}, state
        )
        assert action == "replace" and renamed.outputs["image_name"] == "pulumi-osc-renamed"
        assert writes(emulator, mark) == ["CreateImage", "DeleteImage"]
        state = renamed
    finally:
        osc.destroy(state)


@pytest.mark.e2e
def test_refresh_shows_drift_and_get_reads_by_id_then_delete(osc: Engine, emulator, emu_env):
    inputs = from_vm(emu_env, "pulumi-osc-drift", description="d", tags=[{"key": "team", "value": "images"}])
    state, _ = osc.up("drift", inputs)
    image_id = state.id
    driver = core_driver(emu_env)
    try:
        live = driver.get(image_id)
        spec = OutscaleImageSpec.parse(inputs)
        driver.update(live, spec, {"tags": [{"key": "team", "value": "platform"}], "description": "changed"})
    finally:
        driver.close()
    refreshed = osc.refresh(state)
    assert refreshed is not None
    assert refreshed.outputs["tags"] == [{"key": "team", "value": "platform"}]
    assert refreshed.outputs["description"] == "changed"
    assert refreshed.inputs == state.inputs  # refresh keeps the program's inputs
    state, action = osc.up("drift", inputs, refreshed)
    assert action == "update"
    assert (
        state.outputs["tags"] == [{"key": "team", "value": "images"}] and state.outputs["description"] == "d"
    )

    # Image.get(name, id): a Read with the inputs only
    mark = emulator.mark()
    got = osc.get("drift-copy", image_id)
    assert got is not None and got.id == image_id
    assert got.outputs["image_name"] == "pulumi-osc-drift"
    assert got.inputs["tags"] == [{"key": "team", "value": "images"}]
    assert [c["action"] for c in api_calls(emulator, mark)] == ["ReadImages"]

    mark = emulator.mark()
    osc.destroy(state)
    assert "DeleteImage" in writes(emulator, mark)
    osc.destroy(state)  # already gone is a success
    assert osc.refresh(state) is None
    assert osc.get("gone", image_id) is None


def test_create_adopts_an_omi_left_by_an_interrupted_create(osc: Engine, emulator, emu_env):
    inputs = from_vm(emu_env, "pulumi-osc-adopt")
    driver = core_driver(emu_env)
    try:
        orphan = driver.create(OutscaleImageSpec.parse(inputs))  # the create whose answer was lost
    finally:
        driver.close()
    mark = emulator.mark()
    state, _ = osc.up("adopt", inputs)
    try:
        assert state.id == orphan.id
        assert writes(emulator, mark) == []
    finally:
        osc.destroy(state)
