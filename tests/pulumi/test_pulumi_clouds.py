"""The lifecycle every cloud's ``Image`` shares, through the real dynamic-provider server.

For each cloud and each of its source modes: create, refresh of the unchanged image (exactly one
read, no diff), a drifted tag shown by refresh and as a diff, delete, and the deleted image dropped
by refresh. For each cloud: unknown inputs in preview, replacement (``replaces`` listed, delete
first only when the name key would collide), and ``CustomTimeouts`` bounding the waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from tests_pulumi_support import (
    CLOUDS,
    DESCRIPTION_FIELD,
    NAME_FIELD,
    REPLACE_FIELD,
    SOURCE_FIELD,
    SOURCE_MODES,
    api_calls,
    cloud_harness,
    from_instance,
    image_reads,
    image_writes,
    source_inputs,
    tags_input,
    tags_output,
)

import imageops.registry
from imageops.spec import Update
from pulumi_images.harness import UNKNOWN, Engine, ProviderCallError, ResourceState

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def engines(emu_env) -> Iterator[dict[str, Engine]]:
    harnesses = {cloud: cloud_harness(cloud, emu_env) for cloud in CLOUDS}
    try:
        for harness in harnesses.values():
            harness.start()
        yield {cloud: Engine(harness) for cloud, harness in harnesses.items()}
    finally:
        for harness in harnesses.values():
            harness.close()


def driver(cloud: str, env: dict[str, str], region: str | None = None):
    if cloud == "oci":
        return imageops.registry.connect(
            "oci", config_file=env["IMAGEOPS_OCI_CONFIG_FILE"], endpoint=env["IMAGEOPS_OCI_ENDPOINT"]
        )
    if cloud == "outscale":
        return imageops.registry.connect(
            "outscale",
            access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
            secret_key=env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
            region=env["IMAGEOPS_OUTSCALE_REGION"],
            endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"],
        )
    if cloud == "aws":
        return imageops.registry.connect(
            "aws",
            access_key=env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
            secret_key=env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
            region=region or env["IMAGEOPS_AWS_REGION"],
            endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        )
    return imageops.registry.connect(
        "alicloud",
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        region=region or env["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    )


def retag_behind_pulumis_back(cloud: str, env: dict[str, str], state: ResourceState, tags: dict) -> None:
    spec = imageops.registry.spec_type(cloud).parse(
        {k: v for k, v in state.inputs.items() if k not in ("__provider", "region")}
    )
    core = driver(cloud, env, state.inputs.get("region"))
    try:
        core.update(core.get(state.id), spec, tags_input(cloud, tags))
    finally:
        core.close()


CASES = [(cloud, mode) for cloud in CLOUDS for mode in SOURCE_MODES[cloud]]


@pytest.mark.parametrize(("cloud", "mode"), CASES, ids=[f"{c}-{m}" for c, m in CASES])
def test_each_source_refreshes_with_one_read_shows_drift_and_drops_when_gone(
    engines, emulator, emu_env, cloud, mode
):
    engine = engines[cloud]
    made: list[ResourceState] = []
    try:
        base_id = ""
        if mode == "copy":
            base, _ = engine.up("base", from_instance(cloud, emu_env, f"pulumi-base-{cloud}"))
            made.append(base)
            base_id = base.id
        inputs = {
            **source_inputs(cloud, mode, emu_env, f"pulumi-src-{cloud}-{mode}", base_id),
            **tags_input(cloud, {"team": "images"}),
        }
        state, action = engine.up(mode, inputs)
        made.append(state)
        assert action == "create"

        # refresh of the unchanged image: one read, the same outputs, then nothing to change
        mark = emulator.mark()
        refreshed = engine.refresh(state)
        reads = image_reads(emulator, mark, cloud)
        assert len(reads) == 1, reads
        assert image_writes(emulator, mark, cloud) == []
        assert refreshed is not None and refreshed.id == state.id
        assert {k: v for k, v in refreshed.outputs.items() if k != "__provider"} == {
            k: v for k, v in state.outputs.items() if k != "__provider"
        }
        mark = emulator.mark()
        assert engine.up(mode, inputs, refreshed)[1] == "same"
        assert api_calls(emulator, mark, cloud) == []

        # a tag changed behind Pulumi's back: refresh shows it, and the program's tags are a diff
        retag_behind_pulumis_back(cloud, emu_env, state, {"team": "platform"})
        drifted = engine.refresh(state)
        assert drifted is not None and tags_output(cloud, drifted.outputs) == {"team": "platform"}
        diff = engine.preview(drifted, inputs)
        assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []

        # deleted: refresh drops it from the state
        engine.destroy(state)
        made.remove(state)
        assert engine.refresh(state) is None
    finally:
        for leftover in reversed(made):
            engine.destroy(leftover)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_unknown_inputs_in_preview_need_no_api_call(engines, emulator, emu_env, cloud):
    engine = engines[cloud]
    source = SOURCE_FIELD[cloud]
    inputs = from_instance(cloud, emu_env, f"pulumi-unknown-{cloud}")
    mark = emulator.mark()
    # a source only known at apply time (another resource's output): Check defers its rules
    _, failures = engine.harness.check(engine.urn("u"), {}, {**inputs, source: UNKNOWN})
    assert failures == []
    _, failures = engine.harness.check(engine.urn("u"), {}, {**inputs, NAME_FIELD[cloud]: UNKNOWN})
    assert failures == []
    assert api_calls(emulator, mark, cloud) == []
    state, _ = engine.up("unknown", inputs)
    try:
        mark = emulator.mark()
        diff = engine.harness.diff(state.id, state.urn, state.outputs, {**state.inputs, source: UNKNOWN})
        # the seeds mark OCI's and OUTSCALE's source ForceNew, not Alibaba Cloud's instance_id
        replaced = imageops.registry.spec_type(cloud).update_mode(source) is Update.REPLACE
        assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == ([source] if replaced else [])
        in_place = DESCRIPTION_FIELD[cloud]
        diff = engine.harness.diff(state.id, state.urn, state.outputs, {**state.inputs, in_place: UNKNOWN})
        assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
        tags_key = next(iter(tags_input(cloud, {})))
        diff = engine.harness.diff(state.id, state.urn, state.outputs, {**state.inputs, tags_key: UNKNOWN})
        assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
        assert api_calls(emulator, mark, cloud) == []
    finally:
        engine.destroy(state)


def create_delete_order(emulator, since: int, cloud: str) -> list[str]:
    """The image creates and deletes after ``since``, in order."""
    order = []
    for call in image_writes(emulator, since, cloud):
        action, method = str(call.get("action") or ""), call.get("method")
        path = str(call.get("path") or "").split("?")[0].rstrip("/")
        if action.startswith(("Delete", "Deregister")) or method == "DELETE":
            order.append("delete")
        elif action in ("CreateImage", "CopyImage", "ImportImage", "RegisterImage") or (
            not action and method == "POST" and path.endswith("/images")
        ):
            order.append("create")
    return order


@pytest.mark.parametrize("cloud", CLOUDS)
def test_replacement_lists_replaces_and_deletes_first_only_when_the_name_collides(
    engines, emulator, emu_env, cloud
):
    engine = engines[cloud]
    field, first, second = REPLACE_FIELD[cloud]
    name_field = NAME_FIELD[cloud]
    inputs = from_instance(cloud, emu_env, f"pulumi-repl-{cloud}")
    state, _ = engine.up("repl", inputs)
    try:
        mark = emulator.mark()
        diff = engine.preview(state, {**inputs, field: first})
        assert list(diff.replaces) == [field] and diff.deleteBeforeReplace
        renamed = {**inputs, field: first, name_field: f"pulumi-repl-{cloud}-2"}
        diff = engine.preview(state, renamed)
        assert field in diff.replaces and not diff.deleteBeforeReplace
        assert api_calls(emulator, mark, cloud) == []

        # another name: the new image first, then the old one goes
        old_id = state.id
        mark = emulator.mark()
        state, action = engine.up("repl", renamed, state)
        assert action == "replace" and state.id != old_id and state.outputs[field] == first
        assert create_delete_order(emulator, mark, cloud) == ["create", "delete"]
        assert engine.get("old", old_id) is None

        # the same name: the old image must go first, or the create would find and adopt it
        old_id = state.id
        mark = emulator.mark()
        state, action = engine.up("repl", {**renamed, field: second}, state)
        assert action == "replace" and state.id != old_id and state.outputs[field] == second
        assert create_delete_order(emulator, mark, cloud) == ["delete", "create"]
        assert engine.get("old", old_id) is None
    finally:
        engine.destroy(state)


def registered_inputs(build) -> dict[str, Any]:
    """The inputs a program registers for the one Image ``build()`` declares (through set_mocks)."""
    seen: dict[str, Any] = {}

    class Record(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            seen.update({k: v for k, v in args.inputs.items() if v is not None and k != "__provider"})
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs):
            return {}

    pulumi.runtime.set_mocks(Record(), project="imageops", stack="timeouts", preview=False)
    resource = build()
    pulumi.runtime.sync_await._sync_await(resource.id.future())
    return seen


@pytest.mark.parametrize("cloud", CLOUDS)
def test_custom_timeouts_bound_the_wait_and_the_next_up_adopts(engines, emulator, emu_env, cloud):
    import pulumi_images as images

    resource_class = getattr(images, cloud).Image
    inputs = from_instance(cloud, emu_env, f"pulumi-ct-{cloud}")
    short = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="0.001s", delete="5m"))
    registered = registered_inputs(lambda: resource_class("ct", opts=short, **inputs))
    assert registered["timeouts"] == {"create": "0.001s", "delete": "5m"}
    engine = engines[cloud]
    with pytest.raises(ProviderCallError) as caught:
        engine.up("ct", registered)
    assert "WaitTimeoutError" in caught.value.details
    mark = emulator.mark()
    normal = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="30m"))
    registered = registered_inputs(lambda: resource_class("ct", opts=normal, **inputs))
    state, action = engine.up("ct", registered)  # the engine recorded nothing: it creates again
    try:
        assert action == "create" and state.outputs["timeouts"] == {"create": "30m"}
        assert image_writes(emulator, mark, cloud) == []  # the timed-out create's image, adopted
    finally:
        engine.destroy(state)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_bad_custom_timeout_is_a_check_failure_naming_it(engines, emulator, emu_env, cloud):
    import pulumi_images as images

    resource_class = getattr(images, cloud).Image
    inputs = from_instance(cloud, emu_env, f"pulumi-badct-{cloud}")
    soon = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="soon"))
    registered = registered_inputs(lambda: resource_class("badct", opts=soon, **inputs))
    engine = engines[cloud]
    mark = emulator.mark()
    _, failures = engine.harness.check(engine.urn("badct"), {}, registered)
    assert [name for name, _ in failures] == ["timeouts.create"], failures
    assert "duration" in failures[0][1]
    assert api_calls(emulator, mark, cloud) == []
