"""Faults and crashes never leave a duplicate or a leaked image (Alibaba Cloud, through the core).

- 50 create/copy/delete cycles against the emulator at ``--fault-rate 0.2`` (Throttling, 500s,
  503s and connections dropped after the write happened): each cycle builds an image from a
  snapshot, copies it to another region, deletes both, each step converged the way a user
  converges (run, and if the run failed, run again). Then the emulator is restarted from its state
  file without faults: no image is left in either region, and its state holds exactly one image per
  name ever made.
- A create or a copy killed after its request left is adopted by the next run: by name, and, for a
  spec without a name, through its ClientToken.
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

from imageops.alicloud import AlicloudImageSpec, connect
from imageops.driver import PollPolicy
from imageops.emulator.testing import running_emulator
from imageops.errors import ImageOpsError
from imageops.model import ImageState
from imageops.reconcile import Action, apply, lookup, plan
from imageops.transport import RetryPolicy

CYCLES = 50
RUNS_PER_CONVERGE = 8
PREFIX = "fault-"


def driver_for(env: dict[str, str], *, faulty: bool):
    retry = RetryPolicy(max_attempts=4, backoff_base=0.01, max_backoff=0.05) if faulty else None
    return connect(
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        region=env["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        retry=retry,
        poll=PollPolicy(first=0.02, longest=0.1),
    )


def converge(driver: Any, desired: AlicloudImageSpec | None, image_id: str | None = None) -> tuple[Any, int]:
    """Run until a run succeeds, as a user re-runs a failed playbook; returns (image, runs)."""
    for run in range(1, RUNS_PER_CONVERGE + 1):
        try:
            observed = lookup(driver, desired, image_id)
            return apply(plan(desired, observed), driver, wait=True, timeout=60), run
        except ImageOpsError:
            continue
    raise AssertionError(f"did not converge in {RUNS_PER_CONVERGE} runs")


@pytest.mark.e2e
def test_fifty_create_copy_delete_cycles_under_faults_leave_no_duplicate_and_no_leak(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    reruns = 0
    with running_emulator(time_scale=0.001, fault_rate=0.2, seed=20261126, state_file=state_file) as emu:
        env = emu.env
        home, other = env["IMAGEOPS_ALICLOUD_REGION"], env["IMAGEOPS_ALICLOUD_OTHER_REGION"]
        with driver_for(env, faulty=True) as driver:
            for i in range(CYCLES):
                source_spec = AlicloudImageSpec.parse(
                    {
                        "image_name": f"{PREFIX}src-{i:03d}",
                        "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
                        "tags": {"cycle": str(i)},
                    }
                )
                source, runs_a = converge(driver, source_spec)
                assert source.state is ImageState.AVAILABLE
                copy_spec = AlicloudImageSpec.parse(
                    {
                        "image_name": f"{PREFIX}copy-{i:03d}",
                        "region": other,
                        "copy_from": {"source_image_id": source.id, "source_region_id": home},
                    }
                )
                copy, runs_b = converge(driver, copy_spec)
                assert copy.state is ImageState.AVAILABLE and copy.region == other
                gone_copy, runs_c = converge(driver, None, copy.id)
                gone_source, runs_d = converge(driver, None, source.id)
                assert gone_copy is None and gone_source is None
                reruns += runs_a + runs_b + runs_c + runs_d - 4
        faults = [c for c in emu.calls(cloud="alicloud") if c["status"] in (0, 400, 500, 503)]
        throttled = [c for c in faults if c["status"] == 400]
        assert len(faults) > CYCLES and throttled, (
            "the fault injection did not fire: this test would prove nothing"
        )
        print(f"{len(faults)} faults injected, {reruns} re-runs needed")

    # Restart from the state file without faults: nothing left, and one image per name ever made.
    with (
        running_emulator(time_scale=0.001, state_file=state_file) as emu,
        driver_for(emu.env, faulty=False) as d,
    ):
        leaked = [
            image.id
            for region in (home, other)
            for image in d.list(AlicloudImageSpec.parse_key({"region": region}))
            if (image.name or "").startswith(PREFIX)
        ]
    made = json.loads(state_file.read_text())["alicloud"]["images"].values()
    per_name = Counter(i.get("ImageName") for i in made if str(i.get("ImageName", "")).startswith(PREFIX))
    assert len(per_name) == 2 * CYCLES
    assert {name: n for name, n in per_name.items() if n > 1} == {}
    assert leaked == []


KILLED = textwrap.dedent(
    """
    from imageops.alicloud import AlicloudImageSpec, connect
    from imageops.reconcile import apply, lookup, plan
    spec = AlicloudImageSpec.parse({spec!r})
    driver = connect(access_key_id={key!r}, access_key_secret={secret!r}, region={region!r},
                     endpoint={endpoint!r})
    apply(plan(spec, lookup(driver, spec, None)), driver, wait=True, timeout=600)
    """
)


def start_and_kill_after_the_request_left(emu: Any, spec: dict[str, Any], action: str) -> None:
    env = emu.env
    mark = emu.mark()
    code = KILLED.format(
        spec=spec,
        key=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        region=env["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    )
    child = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 30
        while not any(c["action"] == action for c in emu.calls(since=mark)):
            assert child.poll() is None, f"the {action} finished before it could be killed"
            assert time.monotonic() < deadline, f"{action} never reached the emulator"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.e2e
def test_create_or_copy_killed_after_its_request_left_is_adopted_on_rerun() -> None:
    # time scale 0.05: a create stays Creating for 3 s and a copy for 10 s, so the child is still
    # waiting for it when it is killed.
    with running_emulator(time_scale=0.05) as emu:
        env = emu.env
        with driver_for(env, faulty=False) as driver:
            named = {"image_name": "killed-mid-create", "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]}
            start_and_kill_after_the_request_left(emu, named, "CreateImage")
            mark = emu.mark()
            spec = AlicloudImageSpec.parse(named)
            rerun = plan(spec, lookup(driver, spec, None))
            assert rerun.action is Action.NOOP
            source = apply(rerun, driver, wait=True, timeout=60)
            assert source is not None
            assert emu.calls(since=mark)[0]["action"] == "DescribeImages"
            assert [c for c in emu.calls(since=mark) if not c["action"].startswith("Describe")] == []

            for data, action in (
                (
                    {"snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], "description": "unnamed create"},
                    "CreateImage",
                ),
                (
                    {
                        "region": env["IMAGEOPS_ALICLOUD_OTHER_REGION"],
                        "copy_from": {
                            "source_image_id": source.id,
                            "source_region_id": env["IMAGEOPS_ALICLOUD_REGION"],
                        },
                    },
                    "CopyImage",
                ),
            ):
                start_and_kill_after_the_request_left(emu, data, action)
                made = [c for c in emu.calls() if c["action"] == action]
                mark = emu.mark()
                again = driver.create(AlicloudImageSpec.parse(data))
                calls = [c for c in emu.calls(since=mark) if c["action"] == action]
                assert len(calls) == 1 and calls[0]["status"] == 200
                region = data.get("region", env["IMAGEOPS_ALICLOUD_REGION"])
                unnamed = [i for i in driver.api.iter_images(region) if not i.get("ImageName")]
                mine = [
                    i for i in unnamed if (i.get("Description") or None) == again.attributes["description"]
                ]
                assert [i["ImageId"] for i in mine] == [again.id], (action, made)
