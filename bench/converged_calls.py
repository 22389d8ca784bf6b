"""API calls made by a converged re-run, counted exactly with the emulator's /_emulator/calls.

Ansible: each cloud's example playbook (examples/ansible/<cloud>_image.yml) is run once to converge,
then again; the second run's calls are counted. Pulumi: each example program's images (those
run_with_harness.py runs, and examples/pulumi/aws) are created through the real dynamic-provider
server (the engine-less harness), then a second `up` (Check + Diff) and a `refresh` (Read) are
counted. Prints a Markdown table; exits non-zero if any re-run writes or reads more than once per
image, so the figure in BENCHMARKS.md is a check that can fail.

    .venv/bin/python bench/converged_calls.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "examples" / "pulumi"))

from imageops.emulator.testing import EmulatorHandle, cli_environment, is_read, running_emulator  # noqa: E402


def count(calls: list[dict[str, Any]]) -> tuple[int, int]:
    reads = sum(1 for c in calls if is_read(c))
    return reads, len(calls) - reads


PLAYBOOKS = {
    "oci": "examples/ansible/oci_image.yml",
    "outscale": "examples/ansible/outscale_image.yml",
    "alicloud": "examples/ansible/alicloud_image.yml",
    "aws": "examples/ansible/aws_image.yml",
}
CREATES = {"CreateImage", "ImportImage", "CopyImage"}
# Example programs run_with_harness.py does not run by default (its PROGRAMS), counted here too.
EXTRA_PROGRAMS = (REPO / "examples" / "pulumi" / "aws",)


def image_tasks(playbook: str) -> int:
    """How many tasks of the playbook manage an image (each is one lookup on a re-run)."""
    plays = yaml.safe_load((REPO / playbook).read_text())
    return sum(
        1
        for play in plays
        for task in play.get("tasks", [])
        if any(key.startswith("imageops.cloud.") and key.endswith("_image") for key in task)
        and "never" not in task.get("tags", [])
    )


def ansible_rerun(emu: EmulatorHandle, cloud: str) -> dict[str, Any]:
    env = {
        **os.environ,
        **emu.env,
        **cli_environment(emu.env),
        "ANSIBLE_COLLECTIONS_PATH": str(REPO),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    playbook = ["ansible-playbook", "-i", "localhost,", "-c", "local", PLAYBOOKS[cloud]]
    before = emu.mark()
    subprocess.run(playbook, cwd=REPO, env=env, check=True, capture_output=True)
    made = [c for c in emu.calls(since=before, cloud=cloud) if c["action"] in CREATES and c["status"] == 200]
    assert made, f"{PLAYBOOKS[cloud]} made no image"
    mark = emu.mark()
    subprocess.run(playbook, cwd=REPO, env=env, check=True, capture_output=True)
    reads, writes = count(emu.calls(since=mark))
    return {
        "what": f"Ansible: second run of {PLAYBOOKS[cloud]}",
        "images": image_tasks(PLAYBOOKS[cloud]),
        "reads": reads,
        "writes": writes,
    }


def pulumi_rerun(emu: EmulatorHandle) -> list[dict[str, Any]]:
    from run_with_harness import PROGRAMS, HarnessEngine

    programs = [*PROGRAMS, *(p for p in EXTRA_PROGRAMS if p not in PROGRAMS)]

    env = {**os.environ, **emu.env, **cli_environment(emu.env)}
    os.environ.update(env)
    rows = []
    for program in programs:
        label = "examples/pulumi" + str(program).removeprefix(str(REPO / "examples" / "pulumi"))
        with HarnessEngine(env, log=lambda _msg: None) as engine:
            created = engine.up(program)
            mark = emu.mark()
            second = engine.up(program)
            assert set(second.values()) == {"same"}, f"{label}: second up was {second}"
            reads, writes = count(emu.calls(since=mark))
            rows.append({"what": f"Pulumi ({label}): second `up` (Check + Diff)", "images": len(created),
                         "reads": reads, "writes": writes})
            mark = emu.mark()
            for name, state in engine.states.items():
                engine.engine(*engine.clouds[name]).refresh(state)
            reads, writes = count(emu.calls(since=mark))
            rows.append({"what": f"Pulumi ({label}): `refresh` (Read)", "images": len(created),
                         "reads": reads, "writes": writes})
            engine.destroy()
    return rows


INTRO = """The script converges each cloud's example playbook and example Pulumi program on a fresh emulator,
runs them again, and counts the calls of the second run (reads and writes by action: OUTSCALE
POSTs its reads). It exits non-zero if a converged re-run makes a write call or more than one read
per image (for Ansible: per image task; the Alibaba Cloud playbook has one image that two tasks
manage)."""

NOTE = """One read per image is the minimum for a tool that must see drift: the Ansible modules find an
image by its id (one GetImage / ReadImages / DescribeImages) or by its name (one list page); Pulumi's
`diff` is computed from the state without any call, and `refresh` is one read per image. The suite
asserts the same figures: `tests/ansible/test_oci_image.py`,
`tests/ansible/test_collection.py::test_example_playbook_converges_then_changes_nothing`,
`tests/ansible/test_outscale_image.py::test_example_playbook_twice_second_run_is_one_read_per_image`,
`tests/ansible/test_alicloud_image.py::test_example_playbook_converges_then_reads_once_per_task`,
`tests/pulumi/test_pulumi_lifecycle.py`, `tests/pulumi/test_outscale_lifecycle.py`,
`tests/ansible/test_aws_image.py::test_example_playbook_twice_second_run_is_one_read_per_image`,
`tests/pulumi/test_alicloud_lifecycle.py`, `tests/pulumi/test_aws_lifecycle.py` (no-change diff: 0 API
calls), the drivers' integration tests (core reconcile: 1 read, 0 writes) and
`tests/bench/test_bench_small.py`."""


def check(row: dict[str, Any]) -> bool:
    """0 writes; 1 read per image (0 for a Pulumi diff, which works from the state alone)."""
    expected_reads = 0 if "Diff" in row["what"] else row["images"]
    return row["images"] > 0 and row["writes"] == 0 and row["reads"] == expected_reads


def main() -> int:
    sys.path.insert(0, str(REPO / "bench"))
    from _common import Section

    # time scale 0: images are available at once; the calls of a re-run do not depend on build times
    with running_emulator(time_scale=0.0) as emu:
        rows = [*(ansible_rerun(emu, cloud) for cloud in PLAYBOOKS), *pulumi_rerun(emu)]
    section = Section("API calls of a converged re-run (every cloud)",
                      ".venv/bin/python bench/converged_calls.py", INTRO)
    table = []
    for row in rows:
        per_image = row["reads"] / row["images"] if row["images"] else float("nan")
        goal = "0 reads, 0 writes" if "Diff" in row["what"] else "1 read per image, 0 writes"
        verdict = section.goal(row["what"], check(row), f"{row['reads']} reads, {row['writes']} writes", goal)
        table.append([row["what"], row["images"], row["reads"], row["writes"], f"{per_image:g}", verdict])
    section.table(["converged re-run", "images (Ansible: image tasks)", "read calls", "write calls",
                   "reads per image", "goal"], table)
    section.text(NOTE)
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
