"""pulumi_images.Image (the neutral image) through the real dynamic-provider server, on each cloud.

Per cloud, what the engine sends for ``pulumi up`` / ``preview`` / ``refresh`` / ``destroy``: a create,
a re-run whose Diff makes no API call, an in-place update (tags), a replace (another source, the old
image deleted first since the new one has its name), a get and a delete. Bad inputs fail in Check
under the neutral names, before any API call.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neutral_support import CLOUDS, NeutralHarness, api_calls, cloud_options, instance_source, writes

from pulumi_images.harness import CheckFailed, Engine

pytestmark = pytest.mark.timeout(180)

# a source that needs a new image, per cloud (ECS records a new instance or snapshot id in place)
OTHER_SOURCE = {
    "aws": lambda env: {"snapshot": {"id": env["IMAGEOPS_AWS_SNAPSHOT_ID"]}},
    "oci": lambda env: {"import": {"url": env["IMAGEOPS_OCI_OBJECT_URI"]}},
    "outscale": lambda env: {"snapshot": {"id": env["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"]}},
    "alicloud": lambda env: {
        "import": {
            "bucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
            "object": env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
        }
    },
}
CREATES = ("CreateImage", "ImportImage", "CopyImage", "RegisterImage")
DELETES = ("DeleteImage", "DeregisterImage")


def _named(calls: list[str], actions: tuple[str, ...]) -> list[str]:
    return [c for c in calls if any(a in c for a in actions)]


@pytest.fixture(scope="module", params=CLOUDS)
def cloud_harness(request, emu_env) -> Iterator[NeutralHarness]:
    with NeutralHarness(request.param, emu_env) as harness:
        yield harness


@pytest.fixture()
def engine(cloud_harness) -> Engine:
    return Engine(cloud_harness)


def test_create_rerun_update_replace_get_delete(engine: Engine, emulator, emu_env):
    cloud = engine.harness.cloud
    name = f"neutral-life-{cloud}"
    inputs = {
        "cloud": cloud,
        "name": name,
        "source": instance_source(cloud, emu_env),
        "tags": {"stage": "one"},
        "cloud_options": cloud_options(cloud, emu_env),
    }

    mark = emulator.mark()
    state, action = engine.up(name, inputs)
    assert action == "create"
    assert len(_named(writes(emulator, mark, cloud), CREATES)) == 1
    assert state.outputs["state"] == "available" and state.outputs["tags"] == {"stage": "one"}

    mark = emulator.mark()
    same, action = engine.up(name, inputs, state)
    assert (action, same.id) == ("same", state.id)
    assert api_calls(emulator, mark) == []

    retagged = {**inputs, "tags": {"stage": "two", "owner": "team"}}
    preview = engine.preview(state, retagged)
    assert list(preview.replaces) == []
    mark = emulator.mark()
    updated, action = engine.up(name, retagged, state)
    assert (action, updated.id) == ("update", state.id)
    assert updated.outputs["tags"] == {"stage": "two", "owner": "team"}
    assert _named(writes(emulator, mark, cloud), CREATES + DELETES) == []

    moved = {**retagged, "source": OTHER_SOURCE[cloud](emu_env)}
    preview = engine.preview(updated, moved)
    assert list(preview.replaces) == ["source"]
    assert preview.deleteBeforeReplace  # the new image has the old one's name
    mark = emulator.mark()
    replaced, action = engine.up(name, moved, updated)
    assert action == "replace" and replaced.id != updated.id
    done = writes(emulator, mark, cloud)
    assert len(_named(done, DELETES)) == 1 and len(_named(done, CREATES)) == 1
    assert engine.refresh(updated) is None  # the old image is gone

    got = engine.get(f"{name}-read", replaced.id, {"cloud": cloud})
    assert got is not None and got.id == replaced.id
    assert (got.outputs["name"], got.outputs["cloud"]) == (name, cloud)
    assert got.inputs["tags"] == {"stage": "two", "owner": "team"}

    mark = emulator.mark()
    engine.destroy(replaced)
    assert len(_named(writes(emulator, mark, cloud), DELETES)) == 1
    assert engine.refresh(replaced) is None


BAD_INPUTS = {
    "oci": [
        (
            {"source": {"snapshot": {"id": "snap-1"}}},
            "source.snapshot",
            "cannot build an image from a snapshot",
        ),
        ({"description": "golden"}, "description", "oci images have no description"),
        ({"cloud_options": {"launch_mode": "FAST"}}, "cloud_options.launch_mode", "NATIVE"),
        ({"cloud_options": {}}, "cloud_options.compartment_id", "required"),
        ({"cloud_options": {"display_name": "x"}}, "cloud_options.display_name", "already set by name"),
    ],
    "outscale": [
        (
            {"source": {"import": {"bucket": "b", "url": "https://x/m"}}},
            "source.import.bucket",
            "manifest url",
        ),
        ({"name": "ab"}, "name", "3-128"),
        ({"tags": {"k": "v" * 300}}, "tags.k", "255"),
    ],
    "aws": [
        ({"source": {"import": {"url": "https://x/m.xml"}}}, "source.import.url", "S3 manifest"),
        ({"source": {"import": {"url": "https://x/m.xml"}}}, "source.import.bucket", "required for aws"),
        ({"name": "ab"}, "name", "3-128"),
        ({"tags": {"aws:k": "v"}}, "tags", "reserved"),
        (
            {"cloud_options": {"snapshot_without_reboot": "maybe"}},
            "cloud_options.snapshot_without_reboot",
            "bool",
        ),
    ],
    "alicloud": [
        ({"source": {"import": {"url": "https://x/i.qcow2"}}}, "source.import.url", "OSS"),
        ({"source": {"import": {"url": "https://x/i.qcow2"}}}, "source.import.bucket", "required"),
        ({"name": "acs:golden"}, "name", "must not start with acs:"),
        ({"cloud_options": {"platform": "Amiga"}}, "cloud_options.platform", "Input should be"),
    ],
}


def test_bad_inputs_fail_in_check_under_neutral_names_with_no_api_call(engine: Engine, emulator, emu_env):
    cloud = engine.harness.cloud
    good = {
        "cloud": cloud,
        "name": "neutral-bad",
        "source": instance_source(cloud, emu_env),
        "cloud_options": cloud_options(cloud, emu_env),
    }
    mark = emulator.mark()
    for change, field, rule in BAD_INPUTS[cloud]:
        with pytest.raises(CheckFailed) as failed:
            engine.up("neutral-bad", {**good, **change})
        matching = [reason for prop, reason in failed.value.failures if prop == field]
        assert matching and rule in matching[0], (change, failed.value.failures)
    with pytest.raises(CheckFailed) as failed:
        engine.up("neutral-bad", {**good, "source": {}})
    assert [p for p, _ in failed.value.failures] == ["source"]
    with pytest.raises(CheckFailed) as failed:
        engine.up("neutral-bad", {**good, "wait_timeout": -5})
    assert [p for p, _ in failed.value.failures] == ["wait_timeout"]
    assert api_calls(emulator, mark) == []


# (source region, destination region) of a copy; the emulator's OUTSCALE account has one Region
COPY_REGIONS = {
    "oci": ("IMAGEOPS_OCI_REGION", "IMAGEOPS_OCI_SECOND_REGION"),
    "outscale": ("IMAGEOPS_OUTSCALE_REGION", "IMAGEOPS_OUTSCALE_REGION"),
    "alicloud": ("IMAGEOPS_ALICLOUD_REGION", "IMAGEOPS_ALICLOUD_OTHER_REGION"),
    "aws": ("IMAGEOPS_AWS_REGION", "IMAGEOPS_AWS_OTHER_REGION"),
}


def test_copy_to_another_region_then_a_rerun_calls_nothing(engine: Engine, emulator, emu_env):
    cloud = engine.harness.cloud
    source_region, region = (emu_env[name] for name in COPY_REGIONS[cloud])
    options = cloud_options(cloud, emu_env)
    original, _ = engine.up(
        "copy-source",
        {
            "cloud": cloud,
            "name": f"neutral-copy-src-{cloud}",
            "source": instance_source(cloud, emu_env),
            "cloud_options": options,
        },
    )
    inputs = {
        "cloud": cloud,
        "name": f"neutral-copy-{cloud}",
        "region": region,
        "source": {"copy": {"image_id": original.id, "region": source_region}},
        "cloud_options": options,
    }
    before_copy = emulator.mark()
    copied, action = engine.up("copy", inputs)
    assert action == "create" and copied.id != original.id
    if cloud == "oci":  # OCI regions are paths on one port: the import went to the destination's
        creates = [c for c in api_calls(emulator, before_copy, "oci") if c.get("action") == "CreateImage"]
        assert [c["path"].startswith(f"/r/{region}/") for c in creates] == [True], creates
    assert (copied.outputs["region"], copied.outputs["state"]) == (region, "available")
    mark = emulator.mark()
    again, action = engine.up("copy", inputs, copied)
    assert (action, again.id) == ("same", copied.id)
    assert api_calls(emulator, mark) == []
