"""Faults and crashes never leave a duplicate or a leaked image (OCI, through the core).

- 50 create/delete cycles against the emulator at ``--fault-rate 0.2`` (429s, 500s, 503s and
  connections dropped after the write happened), each converged the way a user converges: run,
  and if the run failed, run again. Then the emulator is restarted from its state file without
  faults and every image it ever made is counted.
- A create killed after its request left is adopted by the next run: by name, and, for a spec with
  no name to look it up by, by the retry token.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from imageops.driver import PollPolicy
from imageops.emulator.testing import running_emulator
from imageops.errors import ImageOpsError
from imageops.model import ImageState
from imageops.oci import OciImageSpec, connect
from imageops.reconcile import Action, apply, lookup, plan
from imageops.transport import RetryPolicy

CYCLES = 50
RUNS_PER_CONVERGE = 8


def driver_for(env: dict[str, str], *, faulty: bool):
    retry = RetryPolicy(max_attempts=4, backoff_base=0.01, max_backoff=0.05) if faulty else None
    return connect(
        config_file=env["IMAGEOPS_OCI_CONFIG_FILE"],
        profile="DEFAULT",
        endpoint=env["IMAGEOPS_OCI_ENDPOINT"],
        retry=retry,
        poll=PollPolicy(first=0.02, longest=0.1),
    )


def converge(driver: Any, desired: OciImageSpec | None, image_id: str | None = None) -> tuple[Any, int]:
    """Run until a run succeeds, as a user re-runs a failed playbook; returns (image, runs)."""
    for run in range(1, RUNS_PER_CONVERGE + 1):
        try:
            observed = lookup(driver, desired, image_id)
            return apply(plan(desired, observed), driver, wait=True, timeout=60), run
        except ImageOpsError:
            continue
    raise AssertionError(f"did not converge in {RUNS_PER_CONVERGE} runs")


def all_images(env: dict[str, str]) -> list[dict[str, Any]]:
    with driver_for(env, faulty=False) as driver:
        compartment = env["IMAGEOPS_OCI_COMPARTMENT_ID"]
        live = driver.api.list_images(compartment)
        deleted = driver.api.list_images(compartment, lifecycle_state="DELETED")
    return live + deleted


@pytest.mark.e2e
def test_fifty_create_delete_cycles_under_faults_leave_no_duplicate_and_no_leak(tmp_path: Path):
    state_file = tmp_path / "state.json"
    reruns = 0
    with running_emulator(time_scale=0.001, fault_rate=0.2, seed=20261126, state_file=state_file) as emu:
        env = emu.env
        with driver_for(env, faulty=True) as driver:
            for i in range(CYCLES):
                desired = OciImageSpec.parse(
                    {
                        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
                        "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
                        "display_name": f"fault-cycle-{i:03d}",
                        "freeform_tags": {"cycle": str(i)},
                    }
                )
                image, runs = converge(driver, desired)
                assert image.state is ImageState.AVAILABLE
                gone, more_runs = converge(driver, None, image.id)
                assert gone is None
                reruns += runs + more_runs - 2
        faults = [c for c in emu.calls() if c["status"] in (0, 429, 500, 503)]
        assert len(faults) > CYCLES, "the fault injection did not fire: this test would prove nothing"
        dropped_writes = [c for c in faults if c["status"] == 0 and c["method"] != "GET"]
        print(f"{len(faults)} faults injected, {len(dropped_writes)} writes dropped after they happened, "
              f"{reruns} re-runs needed")

    # Restart from the state file without faults, and count every image ever made.
    with running_emulator(time_scale=0.001, state_file=state_file) as emu:
        images = [i for i in all_images(emu.env) if i["displayName"].startswith("fault-cycle-")]
    per_name = Counter(i["displayName"] for i in images)
    duplicates = {name: n for name, n in per_name.items() if n > 1}
    leaked = [i["id"] for i in images if i["lifecycleState"] != "DELETED"]
    assert len(per_name) == CYCLES
    assert duplicates == {}
    assert leaked == []


KILLED_CREATE = textwrap.dedent(
    """
    import sys
    from imageops.oci import OciImageSpec, connect
    from imageops.reconcile import apply, lookup, plan
    spec = OciImageSpec.parse({spec!r})
    driver = connect(config_file={config!r}, profile="DEFAULT", endpoint={endpoint!r})
    apply(plan(spec, lookup(driver, spec, None)), driver, wait=True, timeout=600)
    """
)


def start_create_and_kill_it_after_the_request_left(emu: Any, spec: dict[str, Any]) -> None:
    env = emu.env
    mark = emu.mark()
    code = KILLED_CREATE.format(
        spec=spec, config=env["IMAGEOPS_OCI_CONFIG_FILE"], endpoint=env["IMAGEOPS_OCI_ENDPOINT"]
    )
    child = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 30
        while not any(c["action"] == "CreateImage" for c in emu.calls(since=mark)):
            assert child.poll() is None, "the create finished before it could be killed"
            assert time.monotonic() < deadline, "CreateImage never reached the emulator"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.e2e
def test_create_killed_after_its_request_left_is_adopted_on_rerun():
    # time scale 1: a create from an instance stays PROVISIONING for a minute, so the child is
    # still waiting for it when it is killed.
    with running_emulator(time_scale=1.0) as emu:
        env = emu.env
        named = {
            "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
            "display_name": "killed-mid-create",
        }
        unnamed = {k: v for k, v in named.items() if k != "display_name"}
        with driver_for(env, faulty=False) as driver:
            # By name: the re-run finds the PROVISIONING image and makes no second create.
            start_create_and_kill_it_after_the_request_left(emu, named)
            mark = emu.mark()
            spec = OciImageSpec.parse(named)
            rerun = plan(spec, lookup(driver, spec, None))
            assert rerun.action is Action.NOOP
            adopted = apply(rerun, driver, wait=False)
            assert [c["action"] for c in emu.calls(since=mark)] == ["ListImages"]

            # With no name to look it up by: the same retry token returns the same image.
            start_create_and_kill_it_after_the_request_left(emu, unnamed)
            mark = emu.mark()
            again = driver.create(OciImageSpec.parse(unnamed))
            creates = [c for c in emu.calls(since=mark) if c["action"] == "CreateImage"]
            assert len(creates) == 1 and creates[0]["status"] == 200
            images = driver.api.list_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"])
        ours = [i for i in images if i["id"] in (adopted.id, again.id)]
        assert len({i["id"] for i in images if i["displayName"] == "killed-mid-create"}) == 1
        assert len(ours) == 2
        unnamed_images = [i for i in images if i["displayName"] == again.name]
        assert [i["id"] for i in unnamed_images] == [again.id]
