"""Waiting: how long after the emulator makes an image available does our wait return?

For each cloud and each emulator time scale, the core creates an image (no wait), reads the moment
the emulator will mark it available from the emulator's own state file (OCI and OUTSCALE keep it as
``_ready_at``; ECS as its creation time plus the build's duration), then waits for it with the
driver's default poll policy. Latency = the wait's return minus that moment; goal
<= max(1 s, 10 % of the wait). The reads the wait made are counted too.

    .venv/bin/python bench/wait_latency.py [--scales 0.01,0.05,0.2]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import CLOUD_TITLES, CLOUDS, Section, command_line, connect, count, spec, tool_env

from imageops.driver import PollPolicy, wait_for_state
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.model import Image, ImageState


def ready_at(state_file: Path, cloud: str, image_id: str, time_scale: float) -> float:
    """The wall-clock moment the emulator turns ``image_id`` available (from its state file)."""
    record = json.loads(state_file.read_text())[cloud]["images"][image_id]
    if cloud in ("oci", "outscale"):
        return float(record["_ready_at"])
    from imageops.emulator.alicloud_images import DURATIONS

    wait, duration = DURATIONS[record["_kind"]]
    return float(record["_created"]) + (wait + duration) * time_scale


def one_wait(emu: EmulatorHandle, state_file: Path, cloud: str, time_scale: float) -> dict[str, Any]:
    env = tool_env(emu.env)
    with connect(cloud, env) as driver:
        image = driver.create(spec(cloud, env, f"bench-wait-{cloud}-{time_scale:g}"))
        started = time.time()
        ready = ready_at(state_file, cloud, image.id, time_scale)
        mark = emu.mark()
        done = driver.wait_for(image.id, ImageState.AVAILABLE, timeout=600.0)
        returned = time.time()
    if done.state is not ImageState.AVAILABLE:
        raise RuntimeError(f"{cloud}: the wait returned {done.state}")
    reads, writes = count(c for c in emu.calls(since=mark, cloud=cloud))
    return {"cloud": cloud, "scale": time_scale, "wait": ready - started, "latency": returned - ready,
            "reads": reads, "writes": writes}


def measure(time_scale: float) -> list[dict[str, Any]]:
    """One emulator at ``time_scale``; the clouds' waits run side by side (each mostly sleeps)."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="imageops-bench-wait-") as workdir:
        state_file = Path(workdir) / "state.json"
        with running_emulator(time_scale=time_scale, state_file=state_file) as emu:

            def run(cloud: str) -> None:
                try:
                    results[cloud] = one_wait(emu, state_file, cloud, time_scale)
                except Exception as exc:  # reported by the main thread
                    results[cloud] = exc

            threads = [threading.Thread(target=run, args=(cloud,)) for cloud in CLOUDS]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    for cloud in CLOUDS:
        if isinstance(results[cloud], Exception):
            raise results[cloud]
    return [results[cloud] for cloud in CLOUDS]


def bound(wait: float) -> float:
    return max(1.0, 0.1 * wait)


def simulated_latency(policy: PollPolicy, ready_after: float) -> float:
    """Latency of ``policy`` on a simulated clock for an image ready after ``ready_after`` seconds."""
    now = [0.0]

    def get(image_id: str) -> Image:
        state = ImageState.AVAILABLE if now[0] >= ready_after else ImageState.PENDING
        return Image(cloud="sim", id=image_id, state=state, raw_state=state.value)

    def sleep(seconds: float) -> None:
        now[0] += seconds

    wait_for_state(get, "sim", ImageState.AVAILABLE, 1e6, policy=policy, clock=lambda: now[0], sleep=sleep)
    return now[0] - ready_after


#: The policy before this benchmark existed: doubling from 0.25 s up to 10 s (jitter aside).
DOUBLING = PollPolicy(floor=10.0, share=0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.01,0.05,0.2")
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")]
    section = Section(
        "Waiting: from available to the wait's return",
        command_line("wait_latency.py", f"--scales {args.scales}"),
        "The emulator's time scale stretches each cloud's build time (OCI instance image 60 s, OUTSCALE "
        "OMI from a VM 120 s, ECS image from an instance 60 s, times the scale). The moment the image "
        "turns available comes from the emulator's state file; latency is the wait's return minus that "
        "moment. The default `PollPolicy` polls growing from 0.25 s but never sleeps past max(1 s, "
        "10 % of the time waited so far), so the bound holds for any build time.",
    )
    rows = []
    for time_scale in scales:
        for r in measure(time_scale):
            limit = bound(r["wait"])
            verdict = section.goal(f"{r['cloud']} wait at scale {time_scale:g}", r["latency"] <= limit,
                                   f"{r['latency']:.2f} s", f"<= {limit:.2f} s")
            if r["writes"]:
                verdict = section.goal(f"{r['cloud']} wait writes", False, f"{r['writes']} writes", "0")
            rows.append([CLOUD_TITLES[r["cloud"]], f"{time_scale:g}", f"{r['wait']:.2f}",
                         f"{r['latency']:.2f}", f"{r['reads']}", verdict])
    section.table(["cloud", "time scale", "wait until available (s)", "latency after available (s)",
                   "reads while waiting", "goal <= max(1 s, 10 % of the wait)"], rows)
    random.seed(0)
    sim = []
    for ready in (4.0, 12.0, 45.0, 300.0, 1800.0):
        ours, doubling = simulated_latency(PollPolicy(), ready), simulated_latency(DOUBLING, ready)
        sim.append([f"{ready:g}", f"{bound(ready):.1f}", f"{ours:.2f}", f"{doubling:.2f}"])
    section.text("The same wait on a simulated clock, for build times the emulator run above does not "
                 "cover; plain doubling up to 10 s (the policy before) misses the bound for mid-length "
                 "builds:")
    section.table(["ready after (s)", "bound (s)", "latency: PollPolicy() (s)",
                   "latency: doubling to 10 s (s)"], sim)
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
