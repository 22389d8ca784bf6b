"""Faults and crashes never leave a duplicate or a leaked OMI (OUTSCALE, through the core).

- 50 create/delete cycles at ``--fault-rate 0.2`` (503 throttling, 500s, 503s and connections
  dropped after the write happened), each converged as a user converges: run, and re-run if the run
  failed. OUTSCALE has no client token, so a lost CreateImage answer is settled by name. Then the
  emulator restarts from its state file without faults: live OMIs are counted through the API, and
  every OMI ever made (deleted ones are kept there as tombstones) is counted in the state file.
- A create killed after its request left is adopted by name by the next run.
"""

from __future__ import annotations

import json
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
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.errors import ImageOpsError
from imageops.model import ImageState
from imageops.outscale import OutscaleDriver, OutscaleImageSpec, connect
from imageops.reconcile import Action, apply, lookup, plan
from imageops.transport import RetryPolicy

CYCLES = 50
RUNS_PER_CONVERGE = 8


def driver_for(env: dict[str, str], *, faulty: bool) -> OutscaleDriver:
    retry = RetryPolicy(max_attempts=4, backoff_base=0.01, max_backoff=0.05) if faulty else None
    return connect(
        access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key=env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        region=env["IMAGEOPS_OUTSCALE_REGION"],
        endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"],
        retry=retry,
        poll=PollPolicy(first=0.02, longest=0.1),
    )


def converge(
    driver: OutscaleDriver, desired: OutscaleImageSpec | None, image_id: str | None = None
) -> tuple[Any, int]:
    for run in range(1, RUNS_PER_CONVERGE + 1):
        try:
            return apply(plan(desired, lookup(driver, desired, image_id)), driver, wait=True, timeout=60), run
        except ImageOpsError:
            continue
    raise AssertionError(f"did not converge in {RUNS_PER_CONVERGE} runs")


@pytest.mark.e2e
def test_fifty_create_delete_cycles_under_faults_leave_no_duplicate_and_no_leak(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    reruns = 0
    with running_emulator(time_scale=0.001, fault_rate=0.2, seed=20261126, state_file=state_file) as emu:
        env = emu.env
        with driver_for(env, faulty=True) as driver:
            for i in range(CYCLES):
                desired = OutscaleImageSpec.parse(
                    {
                        "image_name": f"fault-cycle-{i:03d}",
                        "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"],
                        "tags": [{"key": "cycle", "value": str(i)}],
                    }
                )
                image, runs = converge(driver, desired)
                assert image.state is ImageState.AVAILABLE
                gone, more_runs = converge(driver, None, image.id)
                assert gone is None
                reruns += runs + more_runs - 2
        faults = [c for c in emu.calls(cloud="outscale") if c["status"] in (0, 500, 503)]
        assert len(faults) > CYCLES, "the fault injection did not fire: this test would prove nothing"
        dropped_creates = [c for c in faults if c["status"] == 0 and c["action"] == "CreateImage"]
        assert dropped_creates, "no CreateImage answer was lost: adoption by name was not exercised"
        print(f"{len(faults)} faults, {len(dropped_creates)} CreateImage answers lost, {reruns} re-runs")

    with (
        running_emulator(time_scale=0.001, state_file=state_file) as emu,
        driver_for(emu.env, faulty=False) as driver,
    ):
        live = [
            i
            for i in driver.api.read_images({"AccountIds": [emu.env["IMAGEOPS_OUTSCALE_ACCOUNT_ID"]]})
            if i["ImageName"].startswith("fault-cycle-")
        ]
    ever = [
        i
        for i in json.loads(state_file.read_text())["outscale"]["images"].values()
        if i["ImageName"].startswith("fault-cycle-")
    ]
    per_name = Counter(i["ImageName"] for i in ever)
    assert len(per_name) == CYCLES
    assert {name: n for name, n in per_name.items() if n > 1} == {}
    assert live == []


KILLED_CREATE = textwrap.dedent(
    """
    from imageops.outscale import OutscaleImageSpec, connect
    from imageops.reconcile import apply, lookup, plan
    spec = OutscaleImageSpec.parse({spec!r})
    driver = connect(access_key={ak!r}, secret_key={sk!r}, region="eu-west-2", endpoint={endpoint!r})
    apply(plan(spec, lookup(driver, spec, None)), driver, wait=True, timeout=600)
    """
)


def start_create_and_kill_it_after_the_request_left(emu: EmulatorHandle, spec: dict[str, Any]) -> None:
    env, mark = emu.env, emu.mark()
    code = KILLED_CREATE.format(
        spec=spec,
        ak=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        sk=env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"],
    )
    child = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 30
        while not any(c["action"] == "CreateImage" for c in emu.calls(since=mark, cloud="outscale")):
            assert child.poll() is None, "the create finished before it could be killed"
            assert time.monotonic() < deadline, "CreateImage never reached the emulator"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.e2e
def test_create_killed_after_its_request_left_is_adopted_by_name() -> None:
    # time scale 1: an OMI from a VM stays pending for two minutes, so the child is still waiting.
    with running_emulator(time_scale=1.0) as emu:
        env = emu.env
        spec = {"image_name": "killed-mid-create", "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"]}
        start_create_and_kill_it_after_the_request_left(emu, spec)
        with driver_for(env, faulty=False) as driver:
            desired = OutscaleImageSpec.parse(spec)
            observed = lookup(driver, desired, None)
            assert observed is not None and observed.state is ImageState.PENDING
            assert plan(desired, observed).action is Action.NOOP
            mark = emu.mark()
            apply(plan(desired, observed), driver, wait=False)
            assert [c for c in emu.calls(since=mark) if c["action"] == "CreateImage"] == []
            mine = driver.api.read_images({"ImageNames": ["killed-mid-create"]})
            assert [i["ImageId"] for i in mine] == [observed.id]
