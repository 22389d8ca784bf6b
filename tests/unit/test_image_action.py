"""Which execution path a task takes (plugins/plugin_utils/image_action.py), decided per task.

The controller path is taken only when the module can run in the worker as it would in its own
process on the same machine: a local connection, no become, no async, the controller's own Python.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from ansible.errors import AnsibleActionFail  # noqa: E402

from ansible_collections.imageops.cloud.plugins.plugin_utils import image_action  # noqa: E402


class Templar:
    def template(self, value):
        return value


def action(*, transport="local", become=False, async_val=0, delegate_to=None):
    plugin = object.__new__(image_action.ImageAction)
    plugin._templar = Templar()
    plugin._task = SimpleNamespace(async_val=async_val, delegate_to=delegate_to)
    plugin._connection = SimpleNamespace(transport=transport)
    plugin._play_context = SimpleNamespace(become=become)
    return plugin


@pytest.fixture(autouse=True)
def no_switch(monkeypatch):
    monkeypatch.delenv(image_action.EXECUTION_ENVIRONMENT, raising=False)


def test_a_local_task_runs_in_the_worker():
    assert action().module_path_reason({}) is None
    assert action(transport="ansible.builtin.local").module_path_reason({}) is None
    assert action().module_path_reason({"ansible_python_interpreter": sys.executable}) is None


@pytest.mark.parametrize(
    ("plugin", "task_vars", "reason"),
    [
        (action(transport="ssh"), {}, "connection 'ssh' is not local"),
        (action(become=True), {}, "the task uses become"),
        (action(async_val=30), {}, "the task is async"),
        (action(), {"imageops_execution": "module"}, "imageops_execution is 'module'"),
        (action(), {"imageops_execution": " Module "}, "imageops_execution is 'module'"),
        (action(), {"ansible_python_interpreter": "/usr/bin/python3"}, "ansible_python_interpreter is"),
    ],
)
def test_the_module_path_and_why(plugin, task_vars, reason):
    assert reason in plugin.module_path_reason(task_vars)


def test_a_task_delegated_to_localhost_uses_the_interpreter_of_localhost():
    task_vars = {
        "ansible_python_interpreter": "/usr/bin/python3",  # the inventory host's, not where the task runs
        "ansible_delegated_vars": {"localhost": {"ansible_python_interpreter": sys.executable}},
    }
    assert action(delegate_to="localhost").module_path_reason(task_vars) is None
    assert "ansible_python_interpreter is /usr/bin/python3" in action().module_path_reason(task_vars)


def test_async_from_the_normal_action_is_the_module_path():
    assert action().module_path_reason({}, wrap_async=True) == "the task is async"


def test_the_environment_sets_the_default_and_a_variable_wins(monkeypatch):
    monkeypatch.setenv(image_action.EXECUTION_ENVIRONMENT, "module")
    assert action().module_path_reason({}) == "imageops_execution is 'module'"
    assert action().module_path_reason({"imageops_execution": "auto"}) is None


def test_an_unknown_choice_fails_naming_the_switch_and_the_choices():
    rule = r"imageops_execution: must be one of auto, module, got 'fast'"
    with pytest.raises(AnsibleActionFail, match=rule):
        action().module_path_reason({"imageops_execution": "fast"})


def test_another_python_in_the_same_virtualenv_directory_is_the_same_python(tmp_path):
    python = tmp_path / "python"
    python.symlink_to(sys.executable)
    other = tmp_path / "python3"
    other.symlink_to(python)
    assert image_action._same_file(str(other), str(python))
    # a virtualenv's python links to the system one, but it is another environment
    assert not image_action._same_file(str(python), sys.executable)


def run_main(main):
    out = io.StringIO()
    params, environment = b'{"ANSIBLE_MODULE_ARGS": {}}', {"IMAGEOPS_PROBE": "1"}
    with image_action._module_state(params, environment), redirect_stdout(out):
        status = image_action._call_main(SimpleNamespace(main=main))
    return status, out.getvalue()


def test_a_module_that_crashes_is_reported_by_ansible_cores_handler():
    def crash():
        raise ValueError("crashed")

    status, printed = run_main(crash)
    assert status == 1
    result = json.loads(printed)
    assert result["failed"] is True and "crashed" in json.dumps(result)


def test_a_module_that_does_not_exit_is_a_failure_as_with_ansiballz():
    status, printed = run_main(lambda: None)
    assert status == 1 and "did not handle its own exit" in printed


def test_the_run_sees_the_tasks_environment_and_the_process_is_put_back(monkeypatch):
    import os

    from ansible.module_utils import basic

    seen = {}
    before = dict(os.environ)

    def main():
        seen["probe"] = os.environ.get("IMAGEOPS_PROBE")
        seen["args"] = basic._ANSIBLE_ARGS
        os.environ["LEFT_BEHIND"] = "x"
        os.chdir("/")
        raise SystemExit(0)

    cwd = os.getcwd()
    status, _ = run_main(main)
    assert status == 0 and seen == {"probe": "1", "args": b'{"ANSIBLE_MODULE_ARGS": {}}'}
    assert dict(os.environ) == before and os.getcwd() == cwd
    assert basic._ANSIBLE_ARGS is None


PRELOAD = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from ansible_collections.imageops.cloud.plugins.plugin_utils import image_action
image_action.preload("ansible_collections.imageops.cloud.plugins.action.outscale_image")
image_action.preload("not.an.action.plugin")
names = ("ansible_collections.imageops.cloud.plugins.modules.outscale_image", "imageops.outscale.spec")
print(json.dumps([name in sys.modules for name in names] + [os.environ.get("PYDANTIC_DISABLE_PLUGINS")]))
"""


# the process's environment is left as it was (the other tasks' modules inherit it)
@pytest.mark.parametrize(
    ("switch", "imported"), [("auto", [True, True, None]), ("module", [False, False, None])]
)
def test_preload_imports_the_module_and_its_cloud_unless_the_module_path_is_chosen(switch, imported):
    """The strategy loads an action plugin in the controller's main process before it forks the
    task's worker: what ``preload`` imports there, every worker inherits (the core once per playbook)."""
    env = {**os.environ, image_action.EXECUTION_ENVIRONMENT: switch}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    done = subprocess.run([sys.executable, "-c", PRELOAD, str(REPO)], env=env, capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout) == imported
