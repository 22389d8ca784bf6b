"""Progress in Pulumi: each wait's state changes as ``info:`` lines on the dynamic-provider server's
stderr (what the engine shows in an update's diagnostics), for every cloud, through the real server."""

from __future__ import annotations

import uuid

import pytest
from tests_pulumi_support import cloud_harness, from_instance

from pulumi_images.harness import Engine

pytestmark = pytest.mark.timeout(180)

# the cloud's state words on the way to available, and whether it reports a percent
EXPECTED = {
    "oci": ("PROVISIONING", "AVAILABLE", False),
    "outscale": ("pending", "available", False),
    "alicloud": ("Creating", "Available", True),
}


def lines_about(stderr: str, image_id: str) -> list[str]:
    return [line for line in stderr.splitlines() if f": {image_id} " in line]


@pytest.mark.e2e
@pytest.mark.parametrize("cloud", sorted(EXPECTED))
def test_create_and_delete_log_one_line_per_state_change(cloud: str, emu_env) -> None:
    pending, available, has_percent = EXPECTED[cloud]
    name = f"progress-{uuid.uuid4().hex[:8]}"
    with cloud_harness(cloud, emu_env) as server:
        engine = Engine(server)
        state, action = engine.up(name, from_instance(cloud, emu_env, name))
        assert action == "create"
        created = lines_about(server.stderr(), state.id)
        server.delete(state.id, state.urn, state.outputs)
        deleted = lines_about(server.stderr(), state.id)[len(created) :]
    assert created and all(line.startswith(f"info: imageops {cloud} image ") for line in created)
    assert any(f"{state.id} {pending} " in line for line in created)  # seen on its way
    assert f"{state.id} {available} " in created[-1]
    assert len(created) == len(set(created))  # one line per change, not one per poll
    assert " 100% after " in created[-1]  # available is 100% everywhere
    if has_percent:  # ECS reports how far a create is
        assert any("%" in line for line in created[:-1])
    # a delete's wait ends when the image is gone (OCI: DELETED; the others no longer list it)
    assert deleted and (f"{state.id} DELETED " in deleted[-1] or f"{state.id} NOT_FOUND " in deleted[-1])
