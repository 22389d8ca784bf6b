"""Faults and kills never leave a duplicate or a leaked AMI or snapshot (AWS, through the core, on the
emulator's EC2: moto behind our fault injection).

- Create/delete cycles at ``--fault-rate 0.2`` (503 RequestLimitExceeded, 500s, 503s and connections
  dropped after the write happened), each converged as a user converges: run, and re-run if the run
  failed; every other cycle's create, and every other cycle's delete, is first started in a child
  process that is killed (-9) at a random moment, and the re-run converges it. Then: no AMI of the
  cycles is left, no name ever had two AMIs, and no snapshot is left but the demo one. The normal suite runs
  :data:`SMALL_CYCLES` cycles; ``make soak`` runs :data:`CYCLES` (50).
- A create killed after its request left is adopted by name by the next run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from imageops.aws import AwsDriver, AwsImageSpec, connect
from imageops.driver import PollPolicy
from imageops.emulator.testing import running_emulator
from imageops.errors import ImageOpsError
from imageops.reconcile import Action, apply, lookup, plan
from imageops.transport import RetryPolicy

CYCLES = 50
SMALL_CYCLES = 4
RUNS_PER_CONVERGE = 8


def driver_for(env: dict[str, str], *, faulty: bool) -> AwsDriver:
    retry = RetryPolicy(max_attempts=4, backoff_base=0.01, max_backoff=0.05) if faulty else None
    return connect(
        access_key=env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        secret_key=env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
        region=env["IMAGEOPS_AWS_REGION"],
        endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        retry=retry,
        poll=PollPolicy(first=0.02, longest=0.1),
    )


def converge(driver: AwsDriver, desired: AwsImageSpec | None, image_id: str | None = None) -> tuple[Any, int]:
    for run in range(1, RUNS_PER_CONVERGE + 1):
        try:
            return apply(plan(desired, lookup(driver, desired, image_id)), driver, wait=True, timeout=60), run
        except ImageOpsError:
            continue
    raise AssertionError(f"did not converge in {RUNS_PER_CONVERGE} runs")


CHILD = textwrap.dedent(
    """
    import sys
    from imageops.aws import AwsImageSpec, connect
    from imageops.reconcile import apply, lookup, plan
    from imageops.transport import RetryPolicy
    spec = AwsImageSpec.parse({spec!r}) if {spec!r} else None
    driver = connect(access_key={ak!r}, secret_key={sk!r}, region={region!r}, endpoint_url={endpoint!r},
                     retry=RetryPolicy(max_attempts=4, backoff_base=0.01, max_backoff=0.05))
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(8):
        try:
            apply(plan(spec, lookup(driver, spec, {image_id!r})), driver, wait=True, timeout=60)
            break
        except Exception:
            pass
    """
)


def killed_create(
    env: dict[str, str],
    spec: dict[str, Any] | None,
    delay: float,
    until: Any = None,
    image_id: str | None = None,
) -> None:
    """Start a create (or, with ``spec`` None, the delete of ``image_id``) in a child process and kill
    it (-9) ``delay`` seconds after it starts (or, with ``until``, once ``until()`` is true or the
    child is done)."""
    code = CHILD.format(
        spec=spec,
        image_id=image_id,
        ak=env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        sk=env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
        region=env["IMAGEOPS_AWS_REGION"],
        endpoint=env["IMAGEOPS_AWS_ENDPOINT"],
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=os.environ.copy()
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        child.stdout.readline()  # imported and connected: the kill falls inside the run itself
        child.stdin.write(b"go\n")
        child.stdin.flush()
        time.sleep(delay)
        deadline = time.monotonic() + 10
        while until is not None and not until() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)


def create_kill_rerun_cycles(tmp_path: Path, cycles: int) -> dict[str, int]:
    """``cycles`` create/delete cycles under faults, every other create first killed mid-run; the
    figures, after checking that nothing is duplicated or leaked."""
    rng = random.Random(20261206)
    reruns = kills = 0
    with running_emulator(time_scale=0.001, fault_rate=0.2, seed=20261206, workdir=tmp_path) as emu:
        env = emu.env
        with driver_for(env, faulty=True) as driver:
            for i in range(cycles):
                spec = {"name": f"fault-cycle-{i:03d}", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]}
                spec["tags"] = {"cycle": str(i)}
                if i % 2 == 0:
                    killed_create(env, spec, rng.uniform(0.0, 0.25))
                    kills += 1
                image, runs = converge(driver, AwsImageSpec.parse(spec))
                assert image.tags == {"cycle": str(i)}
                if i % 2 == 1:  # the delete killed at a random moment, then converged
                    killed_create(env, None, rng.uniform(0.0, 0.25), image_id=image.id)
                    kills += 1
                gone, more_runs = converge(driver, None, image.id)
                assert gone is None
                reruns += runs + more_runs - 2
        faults = [c for c in emu.calls(cloud="aws") if c["status"] in (0, 500, 503)]
        assert len(faults) >= cycles, "the fault injection did not fire: this test would prove nothing"
        # a duplicate would be left behind: each cycle deletes the one AMI it converged on
        with driver_for(env, faulty=True) as reader:
            live = [i for i in _all(reader) if (i.name or "").startswith("fault-cycle-")]
            snapshots = _snapshots(reader)
    assert live == [], f"duplicate or leaked AMIs: {[(i.name, i.id) for i in live]}"
    assert snapshots == [env["IMAGEOPS_AWS_SNAPSHOT_ID"]], f"leaked snapshots: {snapshots}"
    figures = {"cycles": cycles, "kills": kills, "faults": len(faults), "reruns": reruns}
    print(figures)
    return figures


@pytest.mark.e2e
def test_create_kill_rerun_cycles_under_faults_leave_no_duplicate_and_no_leak(tmp_path: Path) -> None:
    create_kill_rerun_cycles(tmp_path, SMALL_CYCLES)


@pytest.mark.soak
@pytest.mark.skipif(os.environ.get("IMAGEOPS_SOAK") != "1", reason="full scale: make soak (IMAGEOPS_SOAK=1)")
def test_fifty_create_kill_rerun_cycles_under_faults_leave_no_duplicate_and_no_leak(tmp_path: Path) -> None:
    create_kill_rerun_cycles(tmp_path, CYCLES)


def _all(driver: AwsDriver) -> list[Any]:
    for _ in range(20):
        try:
            return driver.list(AwsImageSpec.parse_key({}))
        except ImageOpsError:
            continue
    raise AssertionError("could not list")


def _snapshots(driver: AwsDriver) -> list[str]:
    for _ in range(20):
        try:
            return sorted(s["snapshotId"] for s in driver.api.describe_snapshots({"Owner": ["self"]}))
        except ImageOpsError:
            continue
    raise AssertionError("could not list snapshots")


@pytest.mark.e2e
def test_create_killed_after_its_request_left_is_adopted_by_name(tmp_path: Path) -> None:
    with running_emulator(time_scale=0.001, workdir=tmp_path) as emu:
        env, mark = emu.env, emu.mark()
        spec = {"name": "killed-mid-create", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]}

        def create_left() -> bool:
            return any(c["action"] == "CreateImage" for c in emu.calls(since=mark, cloud="aws"))

        killed_create(env, spec, 0.0, until=create_left)
        assert create_left(), "CreateImage never reached the emulator"
        with driver_for(env, faulty=False) as driver:
            desired = AwsImageSpec.parse(spec)
            observed = lookup(driver, desired, None)
            assert observed is not None
            assert plan(desired, observed).action is Action.NOOP
            mark = emu.mark()
            apply(plan(desired, observed), driver, wait=False)
            assert [c for c in emu.calls(since=mark) if c["action"] == "CreateImage"] == []
            assert [i.id for i in driver.list(desired)] == [observed.id]
