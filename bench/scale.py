"""Scale: 200 images in one playbook and in one Pulumi program (wall time against 1 image, peak
memory), and 20 ``ansible-playbook`` runs at once against one emulator.

The emulator runs at time scale 0 (images are available at once), so the figures are the tools'
own cost, not emulated build time.

* Ansible: one play whose ``oci_image`` task loops over N names, for N = 1 and N = ``--images``
  (OCI: the task path is the same code for every cloud; bench/ansible_task_time.py times all three).
  Growth = the last 20 loop items against the first 20 (lower quartiles). Peak memory = the largest
  resident size the ``ansible-playbook`` process tree reached (sampled every 50 ms).
* Pulumi: ``bench/_scale_program`` (N images) through the engine-less harness, per cloud, N = 1, 20
  and ``--images``; growth = cost per image at N against at 20; peak memory of this process (the
  program) plus its provider server.
* Parallel: ``--parallel`` playbooks at once, each creating one image per cloud (distinct names):
  every run must succeed, the emulator must see no 5xx, and exactly one image per name must exist.

    .venv/bin/python bench/scale.py [--images 200] [--parallel 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import yaml
from _common import (
    BENCH,
    BIN,
    CLOUD_TITLES,
    CLOUDS,
    REPO,
    Section,
    command_line,
    connect,
    module_args,
    play,
    read_timings,
    timing_env,
    tool_env,
)

from imageops.emulator.testing import EmulatorHandle, running_emulator

#: No growth with the number of images: the cost per image at N at most this factor of that at SMALL.
PER_IMAGE_GOAL = 1.5
SMALL = 20


class PeakMemory:
    """Samples the summed resident size of process trees (minus some pids) in a thread."""

    def __init__(self, roots: Callable[[], list[int]], exclude: set[int]) -> None:
        self.roots = roots
        self.exclude = exclude
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        total = 0
        for pid in self.roots():
            try:
                root = psutil.Process(pid)
                for proc in [root, *root.children(recursive=True)]:
                    if proc.pid not in self.exclude:
                        total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak / 2**20


@contextmanager
def playbook_file(plays: list[dict[str, Any]]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="imageops-bench-scale-") as workdir:
        path = Path(workdir) / "playbook.yml"
        path.write_text(yaml.safe_dump(plays, sort_keys=False))
        yield path


def ansible_run(emu: EmulatorHandle, count: int, prefix: str) -> dict[str, Any]:
    """One playbook creating ``count`` OCI images in one looping task: wall seconds, peak MB, and
    each item's seconds (``bench/callback_plugins/bench_timing.py``)."""
    env = tool_env(emu.env)
    args = module_args("oci", env, "{{ item }}")
    names = [f"{prefix}-{i:03d}" for i in range(count)]
    task = {"name": "images", "imageops.cloud.oci_image": args, "loop": names}
    with playbook_file(play([task])) as playbook:
        results = playbook.parent / "timing.json"
        command = [str(BIN / "ansible-playbook"), "-i", "localhost,", str(playbook)]
        started = time.perf_counter()
        proc = subprocess.Popen(command, env={**env, **timing_env(results)}, cwd=playbook.parent,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with PeakMemory(lambda: [proc.pid], set()) as memory:
            output, _ = proc.communicate()
        seconds = time.perf_counter() - started
        items = read_timings(results)[0]["items"] if results.exists() else []
    if proc.returncode != 0 or "changed=1" not in output or len(items) != count:
        raise RuntimeError(f"the {count}-image playbook failed:\n{output[-3000:]}")
    return {"seconds": seconds, "mb": memory.mb, "items": items}


def pulumi_run(emu: EmulatorHandle, cloud: str, count: int, prefix: str) -> dict[str, Any]:
    """``bench/_scale_program`` with ``count`` images of ``cloud`` through the harness."""
    sys.path.insert(0, str(REPO / "examples" / "pulumi"))
    from run_with_harness import HarnessEngine

    env = {**tool_env(emu.env), "IMAGEOPS_BENCH_CLOUD": cloud, "IMAGEOPS_BENCH_IMAGES": str(count),
           "IMAGEOPS_BENCH_PREFIX": prefix}
    os.environ.update(env)
    with PeakMemory(lambda: [os.getpid()], {emu.process.pid}) as memory:
        started = time.perf_counter()
        with HarnessEngine(env, log=lambda _msg: None) as engine:
            actions = engine.up(BENCH / "_scale_program")
            seconds = time.perf_counter() - started
    made = sum(1 for a in actions.values() if a == "create")
    if made != count:
        raise RuntimeError(f"{cloud}: the program created {made} of {count} images")
    return {"seconds": seconds, "mb": memory.mb}


def parallel_runs(emu: EmulatorHandle, runs: int) -> dict[str, Any]:
    """``runs`` playbooks at once, each making one image per cloud."""
    env = tool_env(emu.env)
    mark = emu.mark()
    with tempfile.TemporaryDirectory(prefix="imageops-bench-parallel-") as workdir:
        procs = []
        started = time.perf_counter()
        for run in range(runs):
            tasks = [{f"imageops.cloud.{cloud}_image": module_args(cloud, env, f"bench-parallel-{run:02d}")}
                     for cloud in CLOUDS]
            playbook = Path(workdir) / f"run{run}.yml"
            playbook.write_text(yaml.safe_dump(play(tasks), sort_keys=False))
            run_env = {**env, "ANSIBLE_LOCAL_TEMP": f"{workdir}/tmp{run}"}
            procs.append(subprocess.Popen([str(BIN / "ansible-playbook"), "-i", "localhost,", str(playbook)],
                                          env=run_env, cwd=workdir, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True))
        outputs = [p.communicate()[0] for p in procs]
        seconds = time.perf_counter() - started
    failed = [i for i, p in enumerate(procs) if p.returncode != 0 or "failed=0" not in outputs[i]]
    calls = emu.calls(since=mark)
    server_errors = sum(1 for c in calls if c["status"] >= 500 or c["status"] == 0)
    duplicates = missing = 0
    for cloud in CLOUDS:
        with connect(cloud, env) as driver:
            from imageops import registry

            key = registry.spec_type(cloud).parse_key(
                {"oci": {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}, "outscale": {},
                 "alicloud": {"region": env["IMAGEOPS_ALICLOUD_REGION"]}}[cloud])
            names = [i.name for i in driver.list(key) if (i.name or "").startswith("bench-parallel-")]
        for run in range(runs):
            seen = names.count(f"bench-parallel-{run:02d}")
            duplicates += max(0, seen - 1)
            missing += seen == 0
    return {"seconds": seconds, "failed": failed, "calls": len(calls), "server_errors": server_errors,
            "duplicates": duplicates, "missing": missing, "outputs": outputs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--parallel", type=int, default=20)
    args = parser.parse_args(argv)
    n = args.images
    section = Section(
        f"Scale: {n} images in one run, {args.parallel} runs at once",
        command_line("scale.py", f"--images {n} --parallel {args.parallel}"),
        "The emulator runs at time scale 0 (an image is available as soon as it is made), so these "
        "are the tools' own costs. Goal: no growth with the number of images (no quadratic state "
        f"handling, no listing per image): in the {n}-image playbook the last {SMALL} loop items take at "
        f"most {PER_IMAGE_GOAL}x the first {SMALL} (lower quartiles of each item's time, from "
        "`bench/callback_plugins/bench_timing.py`); "
        f"in Pulumi the cost per image of {n} images is at most {PER_IMAGE_GOAL}x that of {SMALL} (the "
        "fixed start-up amortised). A 1-image run is shown for the start-up cost.",
    )
    rows = []
    with running_emulator(time_scale=0.0) as emu:
        one = ansible_run(emu, 1, "bench-scale-one")
        many = ansible_run(emu, n, "bench-scale-many")
        rows.append(ansible_row(section, one, many, n))
        for cloud in CLOUDS:
            sizes = {size: pulumi_run(emu, cloud, size, f"bench-{size}-{cloud}") for size in (1, SMALL, n)}
            rows.append(pulumi_row(section, CLOUD_TITLES[cloud], sizes, n))
        par = parallel_runs(emu, args.parallel)
    section.table(["run", "wall (s): 1 image", f"wall (s): {SMALL} / {n} images", "per image (s)",
                   "peak memory (MB): 1 / N", f"goal: no growth (<= {PER_IMAGE_GOAL}x)"], rows)
    ok = not par["failed"] and not par["server_errors"] and not par["duplicates"] and not par["missing"]
    verdict = section.goal("parallel runs", ok, f"{len(par['failed'])} failed runs, {par['server_errors']} "
                           f"5xx/dropped, {par['duplicates']} duplicates, {par['missing']} missing", "0 each")
    section.text(f"{args.parallel} `ansible-playbook` runs started at once against one emulator, each making "
                 "one image per cloud (OCI, OUTSCALE, Alibaba Cloud) under its own name:")
    section.table(["runs", "wall (s)", "API calls", "failed runs", "5xx or dropped", "duplicate images",
                   "missing images", "goal"],
                  [[args.parallel, f"{par['seconds']:.1f}", par["calls"], len(par["failed"]),
                    par["server_errors"], par["duplicates"], par["missing"], verdict]])
    for index in par["failed"]:
        print(f"run {index} failed:\n{par['outputs'][index][-2000:]}", file=sys.stderr)
    return section.finish()


def lower_quartile(values: list[float]) -> float:
    return statistics.quantiles(values, n=4)[0]


def ansible_row(section: Section, one: dict[str, Any], many: dict[str, Any], n: int) -> list[str]:
    """Growth = the loop's last items against its first ones (each item's own seconds). Lower
    quartiles: another process's burst only ever slows items down, and a burst is what moves a median."""
    items = many["items"]
    first, last = lower_quartile(items[:SMALL]), lower_quartile(items[-SMALL:])
    growth = last / first
    verdict = section.goal("Ansible growth", growth <= PER_IMAGE_GOAL,
                           f"last {SMALL} items {growth:.2f}x the first {SMALL}", f"<= {PER_IMAGE_GOAL}x")
    return ["Ansible: one play, `oci_image` looping over the names", f"{one['seconds']:.1f}",
            f"- / {many['seconds']:.1f}", f"first {SMALL} items {first:.2f}, last {SMALL} {last:.2f} "
            "(lower quartiles)",
            f"{one['mb']:.0f} / {many['mb']:.0f}", verdict]


def pulumi_row(section: Section, title: str, sizes: dict[int, dict[str, Any]], n: int) -> list[str]:
    """Growth = per-image cost of N images against that of SMALL (the fixed start-up amortised)."""
    per_small, per_many = sizes[SMALL]["seconds"] / SMALL, sizes[n]["seconds"] / n
    growth = per_many / per_small
    verdict = section.goal(f"Pulumi {title} growth", growth <= PER_IMAGE_GOAL,
                           f"{n} images {growth:.2f}x per image of {SMALL}", f"<= {PER_IMAGE_GOAL}x")
    return [f"Pulumi (harness): {title} program", f"{sizes[1]['seconds']:.1f}",
            f"{sizes[SMALL]['seconds']:.1f} / {sizes[n]['seconds']:.1f}",
            f"{per_small:.3f} at {SMALL}, {per_many:.3f} at {n}",
            f"{sizes[1]['mb']:.0f} / {sizes[n]['mb']:.0f}", verdict]


if __name__ == "__main__":
    sys.exit(main())
