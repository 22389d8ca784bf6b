"""Accounts are kept apart: every call made with the second account's credentials against the first
account's image (get, update, tag, delete, copy from) is refused by the emulator, and the core, the
Ansible modules and the Pulumi provider report it as not found (or not authorised), never as done.
The first account's image is unchanged afterwards and the second account owns no new image.

Refused means a 4xx for every write (OUTSCALE answers 400 InvalidResource for a resource of
another account, OCI 404 NotAuthorizedOrNotFound, ECS 404/403), and for a read either a 4xx or an
empty answer (a listing filtered by id).

A delete of an image the caller cannot see is reported as "nothing to delete" (Ansible: ok, not
changed, action noop; Pulumi: the resource is already gone), as each cloud answers 404 for an image
of another account exactly as for a missing one; the image itself is untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from soak_clouds import CLOUDS, Cloud, copy_args, second_account_environment, tool_environment
from soak_faults import ansible_env, run_ansible

from imageops import registry
from imageops.emulator.testing import EmulatorHandle, is_read, running_emulator
from imageops.errors import AuthError, ImageOpsError, NotFoundError
from imageops.reconcile import Action, apply, lookup, plan

pytestmark = pytest.mark.e2e
CLOUD_NAMES = tuple(CLOUDS)
# an in-place update of each cloud's image (OUTSCALE cannot rename an OMI)
UPDATE_FIELD = {"oci": "display_name", "outscale": "description", "alicloud": "description",
                "aws": "description"}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[EmulatorHandle, Path]]:
    workdir = tmp_path_factory.mktemp("isolation")
    state_file = workdir / "state.json"
    with running_emulator(time_scale=0.001, state_file=state_file, workdir=workdir) as emu:
        yield emu, state_file


def first_account_image(cloud: Cloud, emu: EmulatorHandle, name: str) -> Any:
    with cloud.connect(emu.env) as driver:
        desired = cloud.spec(emu.env, name, {"owner": "first"})
        return apply(plan(desired, lookup(driver, desired, None)), driver, wait=True, timeout=30)


def second_account_images(cloud: Cloud, emu: EmulatorHandle, state_file: Path) -> list[dict[str, Any]]:
    return cloud.images_in_state(state_file, emu.env, "", account="OTHER_")


def assert_untouched(cloud: Cloud, emu: EmulatorHandle, state_file: Path, image: Any,
                     second_before: list[dict[str, Any]]) -> None:
    with cloud.connect(emu.env) as driver:
        now = driver.get(image.id)
    assert now is not None and now.is_live
    assert now.name == image.name
    assert cloud.tags_of(now.attributes) == {"owner": "first"}
    assert second_account_images(cloud, emu, state_file) == second_before, "the second account got an image"


def second_account_calls(emu: EmulatorHandle, cloud: Cloud, mark: int) -> list[dict[str, Any]]:
    other = emu.env[cloud.owner_env("OTHER_")]
    return [c for c in emu.calls(since=mark, cloud=cloud.name) if str(c["account"]) == other]


def says_not_found(message: str) -> bool:
    text = message.lower()
    return any(words in text for words in ("not found", "notfound", "does not exist", "doesn't exist"))


def served(calls: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The writes that were not refused: (action, status). A refused read is a 4xx, or for a
    filtered listing (OUTSCALE's ReadImages by ImageIds) an empty answer: the tools' results show it."""
    return [(c["action"], c["status"]) for c in calls if not is_read(c) and not 400 <= c["status"] < 500]


@pytest.mark.parametrize("cloud_name", CLOUD_NAMES)
def test_core_refuses_every_call_of_the_second_account(cloud_name: str, world) -> None:
    emu, state_file = world
    cloud = CLOUDS[cloud_name]
    image = first_account_image(cloud, emu, "isolated-core")
    mark = emu.mark()
    second_before = second_account_images(cloud, emu, state_file)
    with cloud.connect(emu.env, "OTHER_") as intruder:
        assert intruder.get(image.id) is None
        spec = cloud.spec(emu.env, "isolated-core", {"owner": "second"})
        with pytest.raises((NotFoundError, AuthError)):
            intruder.update(image, spec, {UPDATE_FIELD[cloud_name]: "stolen"})
        with pytest.raises((NotFoundError, AuthError)):
            intruder.update(image, spec, {cloud.tag_field: spec.model_dump()[cloud.tag_field]})
        # what the tools do for state=absent / destroy: the image is not there for this account
        assert lookup(intruder, None, image.id) is None
        intruder.delete(image.id)  # the raw call: refused (404), which a delete takes as "already gone"
        copy = copy_args(cloud_name, emu.env, image.id, "stolen-copy")
        if copy is not None:
            with pytest.raises(ImageOpsError) as refused:
                intruder.create(registry.spec_type(cloud_name).parse(copy))
            assert isinstance(refused.value, NotFoundError | AuthError), refused.value
    calls = second_account_calls(emu, cloud, mark)
    writes = [c for c in calls if not is_read(c)]
    assert calls and writes, "the second account's calls did not reach the emulator"
    assert served(calls) == [], f"a call of the second account was served: {served(calls)}"
    assert_untouched(cloud, emu, state_file, image, second_before)


@pytest.mark.parametrize("cloud_name", CLOUD_NAMES)
def test_ansible_reports_the_first_accounts_image_as_not_found(cloud_name: str, world,
                                                               tmp_path: Path) -> None:
    emu, state_file = world
    cloud = CLOUDS[cloud_name]
    image = first_account_image(cloud, emu, "isolated-ansible")
    module, info = f"imageops.cloud.{cloud_name}_image", f"imageops.cloud.{cloud_name}_image_info"
    present = {**cloud.spec_args(emu.env, "stolen", {"owner": "second"}), "image_id": image.id}
    absent = {**cloud.spec_args(emu.env, "isolated-ansible"), "image_id": image.id, "state": "absent"}
    tasks = [
        {"name": "get", info: {"image_id": image.id}, "register": "got"},
        {"name": "get finds nothing", "ansible.builtin.assert": {"that": ["got.images | length == 0"]}},
        {"name": "update and tag", module: present, "ignore_errors": True},
        {"name": "delete", module: absent},
    ]
    copy = copy_args(cloud_name, emu.env, image.id, "stolen-copy")
    if copy is not None:
        tasks.append({"name": "copy from", module: copy, "ignore_errors": True})
    playbook = tmp_path / "intruder.json"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    mark = emu.mark()
    second_before = second_account_images(cloud, emu, state_file)
    env = ansible_env(emu.env, tmp_path, **second_account_environment(cloud_name, emu.env))
    report = run_ansible(playbook, env)
    results = {t["name"]: t for t in report["tasks"]}
    assert results["get finds nothing"]["status"] == "ok", report["output"][-3000:]
    update = results["update and tag"]
    assert update["status"] == "failed" and "does not exist" in update["result"]["msg"], update
    delete = results["delete"]
    assert delete["status"] == "ok" and delete["result"]["changed"] is False, delete
    assert delete["result"].get("action") == Action.NOOP.value, delete
    if copy is not None:
        copied = results["copy from"]
        assert copied["status"] == "failed", copied
        assert says_not_found(copied["result"]["msg"]), copied
    calls = second_account_calls(emu, cloud, mark)
    assert calls and served(calls) == []
    assert_untouched(cloud, emu, state_file, image, second_before)


@pytest.mark.parametrize("cloud_name", CLOUD_NAMES)
def test_pulumi_provider_reports_the_first_accounts_image_as_gone(cloud_name: str, world) -> None:
    from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness, ResourceState

    emu, state_file = world
    cloud = CLOUDS[cloud_name]
    image = first_account_image(cloud, emu, "isolated-pulumi")
    env = tool_environment(emu.env, **second_account_environment(cloud_name, emu.env))
    mark = emu.mark()
    second_before = second_account_images(cloud, emu, state_file)
    with ProviderHarness(cloud_name, env=env) as harness:
        engine = Engine(harness)
        assert engine.get("stolen", image.id) is None
        inputs = cloud.spec_args(emu.env, "isolated-pulumi", {"owner": "first"})
        checked, failures = harness.check(engine.urn("stolen"), {}, inputs)
        assert failures == []
        outputs = {**checked, "id": image.id}
        state = ResourceState(engine.urn("stolen"), image.id, checked, outputs)
        with pytest.raises(ProviderCallError, match="no longer exists"):
            engine.up("stolen", cloud.spec_args(emu.env, "isolated-pulumi", {"owner": "second"}), state)
        refreshed = engine.refresh(state)
        assert refreshed is None  # `pulumi refresh` drops it: for this account it does not exist
        engine.destroy(state)  # refused by the cloud (404): to this account the image is already gone
        copy = copy_args(cloud_name, emu.env, image.id, "stolen-copy")
        if copy is not None:
            with pytest.raises(ProviderCallError) as refused:
                engine.up("copy", copy)
            assert says_not_found(refused.value.details.strip().splitlines()[-1]), refused.value.details
    calls = second_account_calls(emu, cloud, mark)
    assert calls and served(calls) == []
    assert_untouched(cloud, emu, state_file, image, second_before)
