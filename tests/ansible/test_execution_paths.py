"""The two execution paths of every imageops.cloud module give the same results.

A local task runs its module in the worker process (the controller path, the default); a remote
one, or any task under ``imageops_execution: module`` / ``IMAGEOPS_ANSIBLE_EXECUTION=module``, runs
it as a separate Python process (the module path). See ``plugins/plugin_utils/image_action.py``.
Here the same playbook runs on both paths and every task's status and result are compared; a loop
shows what the controller path saves (one sign-in for the whole loop). The rest of the Ansible suite
runs on the module path too with ``make test-module-path``.
"""

from __future__ import annotations

import json
import re

import pytest
from shared_clouds import CLOUDS

from imageops.writes import is_write

pytestmark = [pytest.mark.timeout(300), pytest.mark.e2e]

CONTROLLER_LINE = "runs in the controller's worker process"
MODULE_LINE = "runs as a module"
# explicit both ways: the suite may itself run with IMAGEOPS_ANSIBLE_EXECUTION=module (make test-module-path)
PATHS = {
    "controller": {"IMAGEOPS_ANSIBLE_EXECUTION": "auto"},
    "module": {"IMAGEOPS_ANSIBLE_EXECUTION": "module"},
}
#: The result fields that must be equal on both paths, once names and ids are made the same.
COMPARED = ("changed", "failed", "msg", "action", "diff", "errors", "replace_fields", "skipped")


@pytest.fixture(params=sorted(CLOUDS))
def cloud(request):
    return CLOUDS[request.param]


def lifecycle(cloud, name: str) -> list[dict]:
    """Every kind of outcome a module has: create, no-op, check and diff mode, info, each kind of
    invalid input, a secret given as an option, delete and a delete of nothing."""
    bad_value = cloud.task("bad value", name, wait_timeout="soon")
    unknown = cloud.task("unknown option", name)
    unknown[cloud.module]["no_such_option"] = 1
    secret_given = cloud.info("secret given", **cloud.secret_scope, **cloud.with_secret("not-the-secret"))
    return [
        cloud.task("create", name, tags={"path": "same"}),
        cloud.task("again", name, tags={"path": "same"}),
        dict(cloud.task("retag checked", name, tags={"path": "other"}), check_mode=True, diff=True),
        cloud.info("info", **{cloud.name_option: name}),
        dict(bad_value, ignore_errors=True),
        dict(unknown, ignore_errors=True),
        dict(secret_given, ignore_errors=True),
        cloud.task("delete", name, state="absent"),
        cloud.task("delete again", name, state="absent"),
    ]


def normalised(value, name: str, ids: list[str]):
    """``value`` with the run's image name and ids replaced, and the keys that differ by nature
    (creation times, request ids) kept only as keys."""
    text = json.dumps(value, sort_keys=True).replace(name, "NAME")
    for index, image_id in enumerate(ids):
        text = text.replace(image_id, f"ID{index}")
    text = re.sub(r"request id [0-9A-Za-z/_-]+", "request id -", text)
    varying = r'"(request_id|time_created|creation_date|creation_time)": "[^"]*"'
    return json.loads(re.sub(varying, r'"\1": "-"', text))


def shape(value):
    """The keys of every dict in ``value``, recursively: results must carry the same fields."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def test_both_paths_give_the_same_results(play, cloud, emulator):
    runs = {}
    for path, env in PATHS.items():
        name = f"{cloud.name}-paths-{path}"
        done = play(cloud.playbook(lifecycle(cloud, name)), "-vvv", env=cloud.env(emulator, **env))
        assert (CONTROLLER_LINE if path == "controller" else MODULE_LINE) in done.stdout
        assert (MODULE_LINE if path == "controller" else CONTROLLER_LINE) not in done.stdout
        ids = [done.result("create")["image"]["id"]]
        runs[path] = {t["name"]: (t["status"], normalised(t["result"], name, ids)) for t in done.tasks}
        assert runs[path]["create"][0] == "changed" and runs[path]["again"][0] == "ok"
        assert runs[path]["retag checked"][0] == "changed"
        assert "Unsupported parameters" in runs[path]["unknown option"][1]["msg"]
        assert "not-the-secret" not in done.output
    controller, module = runs["controller"], runs["module"]
    assert list(controller) == list(module)
    for task, (status, result) in module.items():
        other_status, other = controller[task]
        assert other_status == status, task
        assert {k: other.get(k) for k in COMPARED} == {k: result.get(k) for k in COMPARED}, task
        assert shape(other) == shape(result), task


def test_a_loop_on_the_controller_path_signs_in_once_and_reads_once_per_item(play, emulator):
    cloud = CLOUDS["alicloud"]
    names = [f"alicloud-loop-{index}" for index in range(3)]
    role = {"alicloud_assume_role_arn": "{{ lookup('ansible.builtin.env', 'IMAGEOPS_ALICLOUD_ROLE_ARN') }}"}
    loop = dict(cloud.task("loop", "{{ item }}", **role), loop=names)
    play(cloud.playbook([loop]), env=cloud.env(emulator))  # creates them
    sign_ins = {}
    for path, env in PATHS.items():
        mark = emulator.mark()
        done = play(cloud.playbook([loop]), env=cloud.env(emulator, **env))
        assert done.changed == 0
        made = emulator.calls(since=mark)
        sign_ins[path] = sum(1 for call in made if call.get("action") == "AssumeRole")
        reads, writes = cloud.calls(emulator, mark)
        assert [call["action"] for call in writes if is_write(call["action"])] == [], path
        assert sum(1 for call in reads if call["action"] == "DescribeImages") == len(names), path
    assert sign_ins == {"controller": 1, "module": len(names)}


def test_the_switch_is_checked_and_a_variable_wins_over_the_environment(play, emulator):
    cloud = CLOUDS["oci"]
    task = cloud.info("info")
    by_variable = play(
        cloud.playbook([dict(task, vars={"imageops_execution": "module"})]),
        "-vvv",
        env=cloud.env(emulator, IMAGEOPS_ANSIBLE_EXECUTION="auto"),
    )
    assert MODULE_LINE in by_variable.stdout and CONTROLLER_LINE not in by_variable.stdout
    wrong = play(
        cloud.playbook([task]), env=cloud.env(emulator, IMAGEOPS_ANSIBLE_EXECUTION="remote"), expect_rc=2
    )
    assert wrong.task("info")["status"] == "failed"
    assert "imageops_execution: must be one of auto, module, got 'remote'" in wrong.result("info")["msg"]


# Loaded by every Python of the run (the controller, whose worker runs the controller path, and each
# module process): makes the core crash where our module catches it, and where nothing of ours does.
CRASHING_SITE = """
import os
import imageops.reconcile, imageops.registry

def _lookup(*args, **kwargs):
    raise RuntimeError("lookup crashed")

def _spec_type(*args, **kwargs):
    raise KeyError("spec_type crashed")

if os.environ.get("CRASH_IN") == "lookup":
    imageops.reconcile.lookup = _lookup
if os.environ.get("CRASH_IN") == "spec_type":
    imageops.registry.spec_type = _spec_type
"""


@pytest.mark.parametrize("where", ["lookup", "spec_type"])
def test_a_crash_is_reported_the_same_way(play, emulator, tmp_path, where):
    """``lookup``: inside the run, caught by the module base; ``spec_type``: while the module starts,
    caught by nothing of ours (ansible-core's AnsiballZ handler, or the same handler in the worker)."""
    cloud = CLOUDS["outscale"]
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(CRASHING_SITE)
    tasks = [dict(cloud.task("crash", "crashing"), ignore_errors=True)]
    results = {}
    for path, env in PATHS.items():
        crashing = cloud.env(emulator, PYTHONPATH=str(site), CRASH_IN=where, **env)
        done = play(cloud.playbook(tasks), env=crashing)
        results[path] = done.task("crash")
    for path, task in results.items():
        assert task["status"] == "failed", path
        assert task["result"]["changed"] is False
        assert f"{where} crashed" in json.dumps(task["result"]), path
    assert shape(results["controller"]["result"]) == shape(results["module"]["result"])
    assert results["controller"]["result"]["msg"] == results["module"]["result"]["msg"]


def test_a_task_delegated_to_localhost_from_a_remote_host_runs_in_the_worker(play, emulator, tmp_path):
    """The inventory host is remote (ssh, its own Python); the task runs on localhost, so in the worker.
    Nothing connects to the remote host: every task is delegated and facts are not gathered."""
    cloud = CLOUDS["oci"]
    inventory = tmp_path / "inventory.ini"
    inventory.write_text(
        "builder ansible_connection=ssh ansible_host=127.0.0.1 ansible_port=9 "
        "ansible_python_interpreter=/usr/bin/python3\n"
    )
    task = dict(cloud.info("delegated"), delegate_to="localhost")
    playbook = cloud.playbook([task], hosts="builder")
    done = play(playbook, "-vvv", "-i", str(inventory), env=cloud.env(emulator, **PATHS["controller"]))
    assert done.task("delegated")["status"] == "ok"
    assert CONTROLLER_LINE in done.stdout and MODULE_LINE not in done.stdout


def test_loop_items_with_their_own_environment_get_their_own_connection(play, emulator):
    """One connection serves a loop only while the items' settings and environment agree: here each
    item signs in as another account through ``environment``, and sees that account's images."""
    cloud = CLOUDS["outscale"]
    play(cloud.playbook([cloud.task("create", "outscale-first-account-only")]), env=cloud.env(emulator))
    accounts = [
        {"OSC_ACCESS_KEY": "IMAGEOPS_OUTSCALE_ACCESS_KEY", "OSC_SECRET_KEY": "IMAGEOPS_OUTSCALE_SECRET_KEY"},
        {"OSC_ACCESS_KEY": "IMAGEOPS_OUTSCALE_OTHER_ACCESS_KEY",
         "OSC_SECRET_KEY": "IMAGEOPS_OUTSCALE_OTHER_SECRET_KEY"},
    ]
    task = cloud.info("each account", **{cloud.name_option: "outscale-first-account-only"})
    task.update(
        loop=[{name: f"{{{{ lookup('ansible.builtin.env', '{var}') }}}}" for name, var in account.items()}
              for account in accounts],
        environment="{{ item }}",
        register="listed",
    )
    done = play(cloud.playbook([task, {"ansible.builtin.debug": {"var": "listed"}, "name": "show"}]),
                env=cloud.env(emulator))
    found = [len(item["images"]) for item in done.result("each account")["results"]]
    assert found == [1, 0]
