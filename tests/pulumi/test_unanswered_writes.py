"""Pulumi's side of "a failed write names the image": an update and a delete that reach the cloud but
whose answers never come fail with a message naming the image (the core's ``errors.about_image``),
through the real dynamic-provider server. The rule lives in the core; the Ansible side, per cloud, is
``tests/ansible/test_shared_behaviour.py``."""

from __future__ import annotations

import pytest
from held_answers import CLIENT_TIMEOUT, answers_held_after_writes
from tests_pulumi_support import provider_env

from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

pytestmark = pytest.mark.timeout(180)


def test_an_update_and_a_delete_whose_answers_never_come_name_the_image(engine: Engine, emulator, emu_env):
    inputs = {
        "compartment_id": emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        "instance_id": emu_env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": "pulumi-unanswered",
        "freeform_tags": {"team": "a"},
    }
    state, _ = engine.up("unanswered", inputs)
    image_id = state.id
    try:
        with answers_held_after_writes(emulator, emu_env["IMAGEOPS_OCI_ENDPOINT"]) as proxy:
            env = provider_env(
                emu_env, IMAGEOPS_OCI_ENDPOINT=proxy, IMAGEOPS_HTTP_TIMEOUT=str(CLIENT_TIMEOUT)
            )
            env.pop("IMAGEOPS_OCI_ENDPOINT_TEMPLATE", None)  # every call through the proxy
            with ProviderHarness("oci", env=env) as harness:
                held = Engine(harness)
                with pytest.raises(ProviderCallError) as updating:
                    held.up("unanswered", {**inputs, "freeform_tags": {"team": "b"}}, state)
                with pytest.raises(ProviderCallError) as deleting:
                    held.destroy(state)
        for caught, operation in ((updating, "UpdateImage"), (deleting, "DeleteImage")):
            details = caught.value.details
            assert f"image {image_id}: {operation} failed: " in details and "ReadTimeout" in details, details
    finally:
        engine.destroy(state, quiet=True)  # gone is a success
