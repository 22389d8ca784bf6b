"""bench/ansible_playbook_time.py and bench/ansible_task_time.py at small scale (issue 19): on the
controller path a converged loop reads once per item and writes nothing, costs at most 3x a ``ping``
playbook and little memory; a converged image task costs at most a ``ping`` task; the module path
reads once per item too. ``make bench`` runs the full sizes, the one-task playbook against ping
(1.1x), the ec2_ami peer and the module path's goals (BENCHMARKS.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import ansible_playbook_time  # noqa: E402
import ansible_task_time  # noqa: E402

from imageops.emulator.testing import running_emulator  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]


def test_a_converged_loop_on_the_controller_path(tmp_path: Path) -> None:
    items = 10
    # The one-task playbook's goal (1.1x ping, met at 0.74-0.91x) is make bench's: one pair of whole
    # playbooks beside three other pytest workers swung to 1.12x once. The loop's goal (3x) is not
    # that close.
    with running_emulator(time_scale=0.0) as emu:
        figures = ansible_playbook_time.measure(emu, "outscale", 1, items, tmp_path, None, ("controller",),
                                                one_task=False)
    controller = figures["controller"]
    assert (controller["loop_reads"], controller["loop_writes"]) == (items, 0)
    assert controller["loop"]["ratio"] <= ansible_playbook_time.LOOP_GOAL, controller["loop"]
    growth = controller["loop"]["ours_rss"] - controller["loop"]["ping_rss"]
    assert growth < ansible_playbook_time.MEMORY_GOAL_MB, controller["loop"]


def test_a_converged_task_on_the_controller_path_costs_at_most_a_ping_task() -> None:
    with running_emulator(time_scale=0.01) as emu:
        times = ansible_task_time.task_times(emu, "alicloud", 3, "controller")
    assert times["ratio"] <= ansible_task_time.GOALS["controller"], times


@pytest.mark.parametrize("cloud", ["oci", "aws"])
def test_the_dependency_floor_runs_as_a_module_with_its_signer_and_none_of_the_core(
    tmp_path: Path, cloud: str
) -> None:
    # bench/library/dependency_floor.py is the module path's peer: it is only a floor while it
    # imports the declared dependencies (and the cloud's signer) and nothing of imageops.
    with running_emulator(time_scale=0.0) as emu:
        env = ansible_task_time.tool_env(emu.env, ANSIBLE_LIBRARY=str(ansible_task_time.FLOOR_LIBRARY))
        signer = list(ansible_task_time.SIGNER_IMPORTS[cloud])
        task = {"dependency_floor": {"name": "floor", "url": f"{emu.url}/_emulator/floor",
                                     "signer_imports": signer}, "register": "floor"}
        report = {"ansible.builtin.copy": {"content": "{{ floor | to_json }}",
                                           "dest": str(tmp_path / "floor.json")}}
        ansible_task_time.run_playbook(ansible_task_time.play([task, report]), env)
    result = json.loads((tmp_path / "floor.json").read_text())
    assert result["changed"] is False and result["status"] == 404, result
    assert result["core_loaded"] == [], result
