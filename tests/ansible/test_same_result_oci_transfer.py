"""OCI export and copy give the same result through Ansible and through Pulumi.

Both tools plan with the core's ``reconcile.plan_live``: whether an existing image still needs its
``export_to`` (one HeadObject) is part of the plan, and ``driver.update`` exports it. Both bound the
waits of a copy or an export by the user's timeout (Ansible ``wait_timeout``, Pulumi
``timeouts.create`` / ``wait_timeout``), fail with the same timeout error, and resume on the next
run without a second export or a second image.

Ansible runs are real ``ansible-playbook`` runs (``ansible_support``); Pulumi runs go through the real
dynamic-provider server driven as the engine would (``tests/pulumi/tests_pulumi_support``). Every
count comes from the emulator's call log.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ansible_support import split_calls
from test_oci_image import from_instance, playbook

import imageops.oci as oci_core
from imageops import reconcile
from imageops.driver import PollPolicy
from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pulumi"))  # the Pulumi tests' helpers
from tests_pulumi_support import provider_env

pytestmark = pytest.mark.timeout(240)

DEST = "eu-frankfurt-1"
FAST = PollPolicy(first=0.05, longest=0.3)
# What an existing image's run costs when export_to's object is missing (the plan) or there (a no-op):
# the lookup, the tenancy's namespace (no namespace_name given) and one HeadObject.
PLAN_READS = ["ListImages", "GetNamespace", "HeadObject"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    """This module's emulator: an export (or an import) takes 6 s, so a 1 s timeout runs out while
    it is being written and the next run finds it still under way."""
    from imageops.emulator.testing import running_emulator

    with running_emulator(time_scale=0.02) as handle:
        yield handle


@pytest.fixture(scope="module")
def engine(emulator) -> Iterator[Engine]:
    with ProviderHarness("oci", env=provider_env(dict(emulator.env))) as harness:
        yield Engine(harness)


# ------------------------------------------------------------------------------------------ helpers
def connect(env: dict[str, str]) -> oci_core.OciDriver:
    return oci_core.connect(
        config_file=env["IMAGEOPS_OCI_CONFIG_FILE"], profile="DEFAULT", endpoint=env["IMAGEOPS_OCI_ENDPOINT"],
        poll=FAST,
    )  # fmt: skip


def existing_image(env: dict[str, str], name: str) -> str:
    """An AVAILABLE image made outside both tools (by the core), from the demo instance."""
    spec = oci_core.OciImageSpec.parse({
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": name, "launch_mode": "NATIVE",
    })  # fmt: skip
    with connect(env) as driver:
        image = reconcile.apply(reconcile.plan(spec, None), driver, timeout=60)
    assert image is not None and image.raw_state == "AVAILABLE"
    return image.id


def object_meta(env: dict[str, str], object_name: str) -> dict[str, str] | None:
    """The ``opc-meta-*`` headers of an object of the demo bucket, None if it is not there."""
    with connect(env) as driver:
        assert driver.regions is not None
        _, storage = driver.regions(env["IMAGEOPS_OCI_REGION"])
        headers = storage.head_object(env["IMAGEOPS_OCI_NAMESPACE"], env["IMAGEOPS_OCI_BUCKET"], object_name)
    if headers is None:
        return None
    return {k: v for k, v in headers.items() if k.startswith("opc-meta-")}


def images_named(env: dict[str, str], region: str, name: str) -> list[str]:
    probe = oci_core.OciImageSpec.parse_key(
        {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "display_name": name}
    )
    with oci_core.connect(
        config_file=env["IMAGEOPS_OCI_CONFIG_FILE"], profile="DEFAULT", region=region,
        endpoint=env["IMAGEOPS_OCI_ENDPOINT_TEMPLATE"].replace("{region}", region),
    ) as driver:  # fmt: skip
        return [image.id for image in driver.list(probe)]


def log(emulator, since: int) -> list[dict]:
    return [c for c in emulator.calls(since=since, cloud="oci") if not c["path"].startswith("/_emulator")]


def shape(calls: list[dict]) -> list[str]:
    """The actions in order, a wait's repeated GetImage polls counted once (their number is timing)."""
    actions: list[str] = []
    for call in calls:
        if not (call["action"] == "GetImage" and actions and actions[-1] == "GetImage"):
            actions.append(call["action"])
    return actions


def count(emulator, since: int, action: str, path_part: str = "") -> int:
    return sum(1 for c in log(emulator, since) if c["action"] == action and path_part in c["path"])


def export_task(name: str, object_name: str, *, task: str, extra: str = "") -> str:
    return from_instance(name, task=task, extra=f"""\
        export_to:
          bucket_name: "{{{{ bucket }}}}"
          object_name: {object_name}
{extra}""")  # fmt: skip


def pulumi_inputs(env: dict[str, str], name: str, **extra: Any) -> dict[str, Any]:
    return {
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": name, "launch_mode": "NATIVE", **extra,
    }  # fmt: skip


# ------------------------------------------------------------------- (a) existing image + export_to
def test_an_existing_image_is_exported_once_by_either_tool_with_the_same_calls(play, emulator, engine):
    env = dict(emulator.env)
    ansible_name, pulumi_name = f"same-a-{uuid.uuid4().hex[:6]}", f"same-p-{uuid.uuid4().hex[:6]}"
    ansible_id, pulumi_id = existing_image(env, ansible_name), existing_image(env, pulumi_name)
    tasks = playbook(export_task(ansible_name, f"{ansible_name}.oci", task="export"))

    # Ansible check mode: exactly what the real run will do, with the plan's reads and no write
    mark = emulator.mark()
    checked = play(tasks, "--check").result("export")
    assert checked["changed"] is True and checked["action"] == "update" and checked["exported"] is True
    assert checked["diff"]["after"]["export_to"]["object_name"] == f"{ansible_name}.oci"
    reads, writes = split_calls(log(emulator, mark))
    assert [c["action"] for c in reads] == PLAN_READS and writes == []

    # the real runs: each tool exports the image it found, once, with the same calls in the same order
    mark = emulator.mark()
    done = play(tasks).result("export")
    ansible_calls = log(emulator, mark)
    inputs = pulumi_inputs(env, pulumi_name, export_to={
        "bucket_name": env["IMAGEOPS_OCI_BUCKET"], "object_name": f"{pulumi_name}.oci",
    })  # fmt: skip
    mark = emulator.mark()
    state, action = engine.up("export", inputs)
    pulumi_calls = log(emulator, mark)
    assert done["changed"] is True and done["exported"] is True and done["image"]["id"] == ansible_id
    assert done["export_object"] == {
        "region": env["IMAGEOPS_OCI_REGION"], "namespace_name": env["IMAGEOPS_OCI_NAMESPACE"],
        "bucket_name": env["IMAGEOPS_OCI_BUCKET"], "object_name": f"{ansible_name}.oci",
    }  # fmt: skip
    assert action == "create" and state.id == pulumi_id  # adopted by its name, and exported
    assert done["image"]["state"] == state.outputs["state"] == "AVAILABLE"
    for calls in (ansible_calls, pulumi_calls):
        assert [c["action"] for c in split_calls(calls)[1]] == ["ExportImage"]
    assert shape(ansible_calls) == shape(pulumi_calls)
    assert shape(ansible_calls)[:3] == PLAN_READS  # the plan, then the export
    ansible_meta = object_meta(env, f"{ansible_name}.oci")
    assert ansible_meta is not None and ansible_meta == object_meta(env, f"{pulumi_name}.oci")

    # the next run writes nothing: Ansible makes the plan's reads, Pulumi's diff no call at all
    mark = emulator.mark()
    again = play(tasks).result("export")
    assert again["changed"] is False and again["exported"] is False and again["action"] == "noop"
    reads, writes = split_calls(log(emulator, mark))
    assert [c["action"] for c in reads] == PLAN_READS and writes == []
    rechecked = play(tasks, "--check").result("export")
    assert rechecked["changed"] is False and rechecked["exported"] is False

    mark = emulator.mark()
    state, action = engine.up("export", inputs, state)
    assert action == "same" and log(emulator, mark) == []


# ------------------------------------------------------------------ (b) a wait past the user's timeout
def test_an_export_past_the_timeout_fails_in_both_tools_and_the_next_run_resumes(play, emulator, engine):
    env = dict(emulator.env)
    ansible_name, pulumi_name = f"slow-a-{uuid.uuid4().hex[:6]}", f"slow-p-{uuid.uuid4().hex[:6]}"
    ansible_id, pulumi_id = existing_image(env, ansible_name), existing_image(env, pulumi_name)

    # Ansible: wait_timeout bounds the export's wait
    mark = emulator.mark()
    hurried = playbook(export_task(ansible_name, f"{ansible_name}.oci", task="export", extra="""\
        wait_timeout: 1
      ignore_errors: true
"""))  # fmt: skip
    run = play(hurried)
    failed = run.result("export")
    assert run.task("export")["status"] == "failed" and failed["changed"] is True
    assert f"image {ansible_id} is still EXPORTING after 1s" in failed["msg"]
    assert failed["image_id"] == ansible_id and failed["last_state"] == "EXPORTING"
    assert count(emulator, mark, "ExportImage") == 1

    # Pulumi: wait_timeout bounds it the same way
    inputs = pulumi_inputs(env, pulumi_name, export_to={
        "bucket_name": env["IMAGEOPS_OCI_BUCKET"], "object_name": f"{pulumi_name}.oci",
    })  # fmt: skip
    pulumi_mark = emulator.mark()
    with pytest.raises(ProviderCallError) as caught:
        engine.up("slow-export", {**inputs, "wait_timeout": 1})
    assert caught.value.method == "Create"
    assert f"WaitTimeoutError: image {pulumi_id} is still EXPORTING after 1s" in caught.value.details
    assert count(emulator, pulumi_mark, "ExportImage") == 1

    # the next runs (default timeout) wait for the export under way: no second export, same image
    resumed = play(playbook(export_task(ansible_name, f"{ansible_name}.oci", task="export")))
    result = resumed.result("export")
    assert result["image"]["id"] == ansible_id and result["image"]["state"] == "AVAILABLE"
    assert result["changed"] is result["exported"]  # True if it was still being written when planned
    state, action = engine.up("slow-export", inputs)
    assert action == "create" and state.id == pulumi_id and state.outputs["state"] == "AVAILABLE"
    assert count(emulator, mark, "ExportImage") == 2  # one per tool, both from the timed-out runs
    assert object_meta(env, f"{ansible_name}.oci") is not None
    assert object_meta(env, f"{pulumi_name}.oci") is not None

    # and then nothing is left to do in either tool
    mark = emulator.mark()
    assert play(playbook(export_task(ansible_name, f"{ansible_name}.oci", task="export"))).changed == 0
    state, action = engine.up("slow-export", inputs, state)
    assert action == "same"
    assert split_calls(log(emulator, mark))[1] == []


def copy_task(name: str, source_id: str, *, extra: str = "") -> str:
    return f"""\
    - name: copy
      imageops.cloud.oci_image:
        region: {DEST}
        compartment_id: "{{{{ compartment_id }}}}"
        display_name: {name}
        copy_from:
          source_image_id: {source_id}
          source_region: "{{{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_REGION') }}}}"
{extra}"""


def test_a_copy_past_the_timeout_fails_in_both_tools_and_the_next_run_makes_one_image(play, emulator, engine):
    env = dict(emulator.env)
    ansible_name, pulumi_name = f"copy-a-{uuid.uuid4().hex[:6]}", f"copy-p-{uuid.uuid4().hex[:6]}"
    # one source per tool: copies of one source share its export, and each tool must show its own
    ansible_source = existing_image(env, f"src-{ansible_name}")
    pulumi_source = existing_image(env, f"src-{pulumi_name}")

    # Ansible: wait_timeout bounds the copy's export
    mark = emulator.mark()
    run = play(playbook(copy_task(ansible_name, ansible_source, extra="""\
        wait_timeout: 1
      ignore_errors: true
""")))  # fmt: skip
    failed = run.result("copy")
    assert run.task("copy")["status"] == "failed" and failed["changed"] is True
    assert f"image {ansible_source} is still EXPORTING after 1s" in failed["msg"]
    assert count(emulator, mark, "ExportImage") == 1 and count(emulator, mark, "CreateImage", DEST) == 0

    # Pulumi: timeouts.create bounds it the same way
    inputs = {
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "display_name": pulumi_name, "region": DEST,
        "copy_from": {"source_image_id": pulumi_source, "source_region": env["IMAGEOPS_OCI_REGION"]},
    }  # fmt: skip
    pulumi_mark = emulator.mark()
    with pytest.raises(ProviderCallError) as caught:
        engine.up("slow-copy", {**inputs, "timeouts": {"create": "1s"}})
    assert f"WaitTimeoutError: image {pulumi_source} is still EXPORTING after 1s" in caught.value.details
    assert count(emulator, pulumi_mark, "ExportImage") == 1
    assert count(emulator, pulumi_mark, "CreateImage", DEST) == 0

    # the next runs resume: the export under way is waited for, not made again; one image each
    done = play(playbook(copy_task(ansible_name, ansible_source))).result("copy")
    assert done["changed"] is True and done["action"] == "create" and done["image"]["state"] == "AVAILABLE"
    state, action = engine.up("slow-copy", inputs)
    assert action == "create" and state.outputs["state"] == "AVAILABLE"
    assert count(emulator, mark, "ExportImage") == 2  # one per source, both from the timed-out runs
    assert count(emulator, mark, "CreateImage", DEST) == 2  # one import per tool
    assert images_named(env, DEST, ansible_name) == [done["image"]["id"]]
    assert images_named(env, DEST, pulumi_name) == [state.id]

    # and then nothing is left to do in either tool
    mark = emulator.mark()
    assert play(playbook(copy_task(ansible_name, ansible_source))).changed == 0
    state, action = engine.up("slow-copy", inputs, state)
    assert action == "same"
    assert split_calls(log(emulator, mark))[1] == []


def test_a_copy_of_a_source_nobody_can_see_writes_nothing_in_either_tool(play, emulator, engine):
    """The copy checks its source while planning: nothing is written, so Ansible says changed=false
    (check mode included) and Pulumi's create fails before any write, with the same error."""
    env = dict(emulator.env)
    missing = env["IMAGEOPS_OCI_INSTANCE_ID"].replace("instance", "image", 1)  # a well-formed, unknown id
    name = f"ghost-{uuid.uuid4().hex[:6]}"
    tasks = playbook(copy_task(name, missing, extra="      ignore_errors: true\n"))
    for args in ((), ("--check",)):
        mark = emulator.mark()
        run = play(tasks, *args)
        result = run.result("copy")
        assert run.task("copy")["status"] == "failed" and result["changed"] is False
        assert result["error"]["code"] == "SourceImageNotFound" and "nothing was written" in result["msg"]
        assert split_calls(log(emulator, mark))[1] == []
    mark = emulator.mark()
    with pytest.raises(ProviderCallError) as caught:
        engine.up("ghost", {
            "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "display_name": name, "region": DEST,
            "copy_from": {"source_image_id": missing, "source_region": env["IMAGEOPS_OCI_REGION"]},
        })  # fmt: skip
    assert "SourceImageNotFound" in caught.value.details and "nothing was written" in caught.value.details
    assert split_calls(log(emulator, mark))[1] == []
