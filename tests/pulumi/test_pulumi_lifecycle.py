"""The OCI Image resource through the real dynamic-provider server, against the emulator."""

from __future__ import annotations

import pytest

from pulumi_images.harness import Engine

pytestmark = pytest.mark.timeout(120)


def writes(emulator, since: int) -> list[dict]:
    return [c for c in emulator.calls(since=since) if c["method"] not in ("GET", "HEAD")]


def test_create_and_delete_from_instance(engine: Engine, emulator, emu_env):
    inputs = {
        "compartment_id": emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        "instance_id": emu_env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": "pulumi-smoke",
        "freeform_tags": {"team": "images"},
    }
    state, action = engine.up("smoke", inputs)
    assert action == "create"
    assert state.id.startswith("ocid1.image.")
    assert state.outputs["state"] == "AVAILABLE"
    assert state.outputs["freeform_tags"] == {"team": "images"}
    engine.destroy(state)
    engine.destroy(state)  # already gone: still a success
    assert engine.harness.read(state.id, state.urn, state.outputs)[0] == ""
