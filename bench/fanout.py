"""Fan-out: the same ECS image in 20 regions against 1 region, through the core (imageops.fanout)
and through Ansible (one alicloud_image task with regions).

The emulator runs with a realistic per-call latency (--latency) and ECS's own durations scaled by
--time-scale (create 1 min, copy 3 min 20 s). "N regions" means the image built in a source region
and copied to N more regions; each size is measured REPEAT times, interleaved, and the median is
compared. A second pair of rows starts from an existing source image, so only the copies count; a
third runs the fan-out as an Ansible task (its start-up, ~4 s, is in both sizes).
API calls are counted exactly from the emulator's call log. Exits non-zero when 20 regions take
more than 1.5x the wall time of 1.

    .venv/bin/python bench/fanout.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "shared") not in sys.path:
    sys.path.insert(0, str(REPO / "shared"))

from imageops.alicloud import AlicloudImageSpec  # noqa: E402
from imageops.driver import PollPolicy  # noqa: E402
from imageops.emulator.testing import EmulatorHandle, is_read, running_emulator  # noqa: E402
from imageops.fanout import connector, fan_out  # noqa: E402

REGIONS = 20
REPEAT = 3
GOAL = 1.5
LATENCY = 0.15  # seconds per API call: a client in Europe calling ECS in China is slower still
TIME_SCALE = 0.005
POLL = PollPolicy(first=0.2, longest=1.0)
COMMAND = ".venv/bin/python bench/fanout.py"


def golden(env: dict[str, str]) -> AlicloudImageSpec:
    return AlicloudImageSpec.parse(
        {
            "image_name": f"golden-{uuid.uuid4().hex[:8]}",
            "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "tags": {"bench": "fanout"},
        }
    )


def run(emu: EmulatorHandle, spec: AlicloudImageSpec, regions: list[str]) -> dict[str, Any]:
    env = emu.env
    connect = connector(
        "alicloud",
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        poll=POLL,
    )
    mark = emu.mark()
    started = time.monotonic()
    result = fan_out(spec, regions, connect, max_parallel=REGIONS)
    seconds = time.monotonic() - started
    calls = emu.calls(since=mark, cloud="alicloud")
    if result.failed:
        raise SystemExit(f"fan-out failed: {result.failure_message()}")
    return {
        "seconds": seconds,
        "reads": sum(1 for c in calls if is_read(c)),
        "writes": Counter(c["action"] for c in calls if not is_read(c)),
    }


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: golden image everywhere
      imageops.cloud.alicloud_image:
        alicloud_access_key: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_ACCESS_KEY_ID') }}"
        alicloud_secret_key: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET') }}"
        image_name: %(name)s
        instance_id: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_INSTANCE_ID') }}"
        regions: %(regions)s
        max_parallel: %(workers)d
"""


def run_ansible(emu: EmulatorHandle, regions: list[str]) -> dict[str, Any]:
    """The same fan-out as one ``alicloud_image`` task with ``regions``, as ``ansible-playbook`` runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "ALIBABA_CLOUD_"))}
    env.update(
        emu.env,
        ANSIBLE_COLLECTIONS_PATH=str(REPO),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    text = PLAYBOOK % {"name": f"golden-{uuid.uuid4().hex[:8]}", "regions": regions, "workers": REGIONS}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as play:
        play.write(text)
    mark = emu.mark()
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", play.name],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    Path(play.name).unlink()
    if done.returncode != 0:
        raise SystemExit(f"ansible-playbook failed: {done.stdout[-2000:]}")
    calls = emu.calls(since=mark, cloud="alicloud")
    return {
        "seconds": seconds,
        "reads": sum(1 for c in calls if is_read(c)),
        "writes": Counter(c["action"] for c in calls if not is_read(c)),
    }


def writes_text(writes: Counter[str]) -> str:
    return ", ".join(f"{n} {action}" for action, n in sorted(writes.items())) or "0"


def main() -> int:
    rows: list[tuple[str, dict[str, Any], list[float]]] = []
    with running_emulator(time_scale=TIME_SCALE, latency=LATENCY) as emu:
        regions = emu.env["IMAGEOPS_ALICLOUD_REGIONS"].split(",")[: REGIONS + 1]
        sizes = {"1 region": regions[:2], f"{REGIONS} regions": regions}
        timings: dict[str, list[float]] = {name: [] for name in sizes}
        last: dict[str, dict[str, Any]] = {}
        for _ in range(REPEAT):
            for name, wanted in sizes.items():  # interleaved, so load on the machine hits both alike
                last[name] = run(emu, golden(emu.env), wanted)
                timings[name].append(last[name]["seconds"])
        for name in sizes:
            rows.append((f"build + copy to {name}", last[name], timings[name]))
        # copies only: the source image exists already (a re-run after adding regions)
        copy_timings: dict[str, list[float]] = {name: [] for name in sizes}
        for _ in range(REPEAT):
            for name, wanted in sizes.items():
                spec = golden(emu.env)
                run(emu, spec, wanted[:1])
                last[name] = run(emu, spec, wanted)
                copy_timings[name].append(last[name]["seconds"])
        for name in sizes:
            rows.append((f"copy to {name} (source exists)", last[name], copy_timings[name]))
        spec = golden(emu.env)
        run(emu, spec, regions)
        rerun = run(emu, spec, regions)
        # the same through Ansible (one task with regions): its own start-up is in both runs
        ansible_timings: dict[str, list[float]] = {name: [] for name in sizes}
        for _ in range(2):
            for name, wanted in sizes.items():
                last[name] = run_ansible(emu, wanted)
                ansible_timings[name].append(last[name]["seconds"])
        for name in sizes:
            rows.append((f"Ansible: build + copy to {name}", last[name], ansible_timings[name]))

    one, many = (statistics.median(timings[name]) for name in sizes)
    copy_one, copy_many = (statistics.median(copy_timings[name]) for name in sizes)
    ansible_one, ansible_many = (statistics.median(ansible_timings[name]) for name in sizes)
    ratio, copy_ratio, ansible_ratio = many / one, copy_many / copy_one, ansible_many / ansible_one
    missed = ratio > GOAL or copy_ratio > GOAL or ansible_ratio > GOAL
    print("## Fan-out: 20 regions against 1 (core and Ansible, Alibaba Cloud ECS)\n")
    print(
        f"`{COMMAND}` — emulator with {LATENCY * 1000:.0f} ms per API call and ECS durations at time "
        f"scale {TIME_SCALE} (create {60 * TIME_SCALE:.1f} s, copy {200 * TIME_SCALE:.1f} s); "
        f"`fan_out(max_parallel={REGIONS})`; median of {REPEAT} interleaved runs (Ansible: of 2).\n"
    )
    print("| run | wall time (median) | runs | API writes | API reads |")
    print("|---|---|---|---|---|")
    for name, figures, samples in rows:
        runs = " / ".join(f"{s:.2f}" for s in samples)
        print(
            f"| {name} | {statistics.median(samples):.2f} s | {runs} | {writes_text(figures['writes'])} "
            f"| {figures['reads']} |"
        )
    print(
        f"| re-run, {REGIONS + 1} regions present | {rerun['seconds']:.2f} s | 1 | "
        f"{writes_text(rerun['writes'])} | {rerun['reads']} |"
    )
    print()
    verdict = "met" if not missed else "MISSED"
    print(
        f"Ratio {REGIONS} regions / 1 region: **{ratio:.2f}x** end to end, **{copy_ratio:.2f}x** copies "
        f"only, **{ansible_ratio:.2f}x** through Ansible (goal ≤ {GOAL}x: {verdict}). Reads are one lookup "
        "per region, one read after each create, and the polls of each wait; a re-run reads once per "
        "region and writes nothing."
    )
    return 1 if missed or rerun["writes"] else 0


if __name__ == "__main__":
    sys.exit(main())
