"""Ansible: a converged ``*_image`` task against ``ansible.builtin.ping`` in the same playbook run,
and what a module imports before it does anything.

Per cloud, one playbook creates the image, then runs ``ping`` and the converged image task in turn
(``--pairs`` times, after one warm-up pair); ``bench/callback_plugins/bench_timing.py`` times each
task on the controller, from its start to its result, on both execution paths: the controller path
(the default for a local task: the module runs in the worker process, see
``plugins/plugin_utils/image_action.py``) and the module path (``IMAGEOPS_ANSIBLE_EXECUTION=module``).
Goals: image task <= 1.0 x ping on the controller path, <= 1.3 x on the module path (the median of
the turns' ratios).

The module path's peer in the same playbook: ``bench/library/dependency_floor.py``, a module that
only imports pydantic, httpx and the cloud's signing library, validates one field and makes one GET.
It is the least any module process built on the core's declared dependencies can cost, so the
module path's goal is reported as out of reach only when that floor itself is over it, and the
image task may cost at most ``FLOOR_GOAL`` x the floor (what our own code adds).

Start-up: ``python -X importtime`` of what each module imports (ping: ``ansible.module_utils.basic``;
ours: the collection's ``image_module`` plus the cloud's core package), best of 3, and the list of
modules a module process loads must not hold anything it does not use (other clouds, the emulator,
Pulumi, httpx's command-line client and its rich/pygments/click).

    .venv/bin/python bench/ansible_task_time.py [--pairs 8]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import (
    ANSIBLE_CLOUDS,
    CLOUD_TITLES,
    REPO,
    Section,
    command_line,
    median,
    module_args,
    play,
    read_timings,
    run_playbook,
    spec_fields,
    timing_env,
    tool_env,
)

from imageops.emulator.testing import EmulatorHandle, running_emulator

#: The goal of each execution path (plugins/plugin_utils/image_action.py) and how it is chosen.
GOALS = {"controller": 1.0, "module": 1.3}
#: What an image task may cost over the dependency floor on the module path: our own code's share.
FLOOR_GOAL = 1.2
PATHS = {"controller": {}, "module": {"IMAGEOPS_ANSIBLE_EXECUTION": "module"}}
#: bench/library/dependency_floor.py: the least a module process built on pydantic and httpx does.
FLOOR_LIBRARY = REPO / "bench" / "library"
#: The declared signing dependency each cloud's requests need (OUTSCALE and Alibaba sign with hmac).
SIGNER_IMPORTS = {
    "oci": ("cryptography.hazmat.primitives.serialization",
            "cryptography.hazmat.primitives.asymmetric.padding"),
    "aws": ("botocore.auth", "botocore.awsrequest", "botocore.credentials"),
}
MODULE_UTILS = "ansible_collections.imageops.cloud.plugins.module_utils.image_module"
#: Imported by no module run: a hit means an eager import crept back in.
NEVER_IMPORTED = ("imageops.emulator", "pulumi", "pulumi_images", "httpx._main", "rich", "pygments", "click",
                  "starlette", "uvicorn", "yaml", "imageops.schema", "imageops.codegen",
                  *(f"imageops.{cloud}.{part}" for cloud in ANSIBLE_CLOUDS for part in ("texts", "schema")))


def task_times(emu: EmulatorHandle, cloud: str, pairs: int, path: str = "controller") -> dict[str, Any]:
    """Median seconds of ping and of the converged image task, alternating in one playbook run, on
    the execution ``path`` (``controller``: the default for a local task; ``module``: forced)."""
    env = tool_env(emu.env, **PATHS[path], ANSIBLE_LIBRARY=str(FLOOR_LIBRARY))
    image = {f"imageops.cloud.{cloud}_image": module_args(cloud, env, f"bench-task-{cloud}")}
    floor = {"dependency_floor": {"name": f"bench-task-{cloud}", "url": f"{emu.url}/_emulator/floor",
                                  "signer_imports": list(SIGNER_IMPORTS.get(cloud, ()))}}
    tasks: list[dict[str, Any]] = [{"name": "create", **image}]
    for index in range(pairs + 1):  # pair 0 warms the module caches up and is not counted
        tasks.append({"name": f"ping {index}", "ansible.builtin.ping": {}})
        if path == "module":
            tasks.append({"name": f"floor {index}", **floor})
        tasks.append({"name": f"image {index}", **image})
    with tempfile.TemporaryDirectory(prefix="imageops-bench-timing-") as workdir:
        results = Path(workdir) / "timing.json"
        run_playbook(play(tasks), {**env, **timing_env(results)})
        timings = read_timings(results)
    by_name = {t["name"]: t for t in timings}
    if by_name["create"]["status"] != "ok":
        raise RuntimeError(f"{cloud}: the first image task failed")
    changed = [t["name"] for t in timings if t["name"].startswith("image ") and t["changed"]]
    if changed:
        raise RuntimeError(f"{cloud}: converged image tasks reported changed: {changed}")
    ping = [by_name[f"ping {i}"]["seconds"] for i in range(1, pairs + 1)]
    ours = [by_name[f"image {i}"]["seconds"] for i in range(1, pairs + 1)]
    # The ratios are medians of each turn's own ratio: the tasks of one turn run back to back, so
    # the machine's load drifts out of them (a ratio of medians can pair a slow ping with a fast image).
    times = {"ping": median(ping), "image": median(ours), "ratio": pairwise(ours, ping),
             "median_ratio": median(ours) / median(ping)}
    if path == "module":
        floors = [by_name[f"floor {i}"]["seconds"] for i in range(1, pairs + 1)]
        times.update(floor=median(floors), floor_ratio=pairwise(floors, ping),
                     over_floor=pairwise(ours, floors))
    return times


def pairwise(ours: list[float], peer: list[float]) -> float:
    return median([a / b for a, b in zip(ours, peer, strict=True)])


def import_ms(statement: str, runs: int = 3) -> float:
    """Best-of-``runs`` milliseconds ``python -X importtime`` reports for the imports of ``statement``."""
    best = float("inf")
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], cwd=REPO, text=True,
                              capture_output=True, check=True)
        total = 0
        for line in proc.stderr.splitlines():
            parts = line.split("|")
            # top-level imports only (no indentation before the module name)
            if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2][1:].startswith(" "):
                total += int(parts[1])
        best = min(best, total / 1000)
    return best


def module_imports(cloud: str) -> tuple[str, str]:
    """The import statements of ping and of ``<cloud>_image`` before their first API call."""
    ping = "import ansible.module_utils.basic"
    ours = f"import {MODULE_UTILS}; import imageops.registry as r; r._package({cloud!r})"
    return ping, ours


def loaded_modules(cloud: str) -> list[str]:
    """Every module loaded once ``<cloud>_image`` has its driver (connect makes no call)."""
    # httpx._main maps to None when a module blocked it: loaded means a real module object
    listing = "print(json.dumps(sorted(k for k, v in sys.modules.items() if v is not None)))"
    code = f"{module_imports(cloud)[1]}; import sys, json; {listing}"
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, text=True, capture_output=True, check=True)
    return json.loads(proc.stdout)


PHASES = """
import json, sys, time
t0 = time.perf_counter()
import ansible.module_utils.basic
t1 = time.perf_counter()
import {module_utils}
from imageops import reconcile, registry
registry._package({cloud!r})
t2 = time.perf_counter()
desired = registry.spec_type({cloud!r}).model_validate(json.loads(sys.argv[1]))
driver = registry.connect({cloud!r})
t3 = time.perf_counter()
found = reconcile.lookup(driver, desired, None)
t4 = time.perf_counter()
assert found is not None, "the image is not there"
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3]))
"""


def phases(cloud: str, env: dict[str, str], name: str, runs: int = 2) -> dict[str, float]:
    """Milliseconds of what a converged ``<cloud>_image`` task does beyond ping's own import, done
    in a fresh interpreter as the module does (fastest of ``runs``)."""
    code = PHASES.format(module_utils=MODULE_UTILS, cloud=cloud)
    best: list[float] | None = None
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", code, json.dumps(spec_fields(cloud, env, name))],
                              cwd=REPO, env=env, text=True, capture_output=True, check=True)
        times = json.loads(proc.stdout.strip().splitlines()[-1])
        best = times if best is None or sum(times) < sum(best) else best
    assert best is not None
    return {"basic": best[0] * 1000, "core_imports": best[1] * 1000, "connect": best[2] * 1000,
            "lookup": best[3] * 1000}


def unused_imports(cloud: str) -> list[str]:
    others = tuple(f"imageops.{c}" for c in ANSIBLE_CLOUDS if c != cloud)
    forbidden = (*NEVER_IMPORTED, *others)
    return [m for m in loaded_modules(cloud) if m.startswith(forbidden) and
            any(m == f or m.startswith(f + ".") for f in forbidden)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=8)
    args = parser.parse_args(argv)
    section = Section(
        "Ansible: converged image task against ping, and module start-up",
        command_line("ansible_task_time.py", f"--pairs {args.pairs}"),
        f"One playbook per cloud creates an image, then runs `ansible.builtin.ping` and the converged "
        f"`*_image` task in turn ({args.pairs} pairs after a warm-up pair), each timed on the controller "
        "from task start to result (`bench/callback_plugins/bench_timing.py`), once on each execution "
        "path. On the module path (`IMAGEOPS_ANSIBLE_EXECUTION=module`, or any remote host) both pay "
        "the same fork, module transfer and interpreter start-up, and the image task adds the core's "
        "imports, the credentials, the spec check and its one read. There a third task runs in each "
        "turn: the dependency floor (`bench/library/dependency_floor.py`), a module that only imports "
        "pydantic, httpx and the cloud's signing library (cryptography for OCI, botocore for AWS), "
        "validates one field with one pydantic model and makes one GET: the least any module process "
        "built on the core's declared dependencies can cost. On the controller path (the default "
        "for a local task) the image module runs in the worker process: no module transfer and no "
        "interpreter, the core imported once per task. A ratio is the median of the turns' own ratios "
        "(the tasks of a turn run back to back, so the machine's drifting load cancels out); the ratio "
        "of the two medians is shown beside it.",
    )
    startup = {}
    for cloud in ANSIBLE_CLOUDS:
        ping_stmt, ours_stmt = module_imports(cloud)
        startup[cloud] = (import_ms(ping_stmt), import_ms(ours_stmt), unused_imports(cloud))
    rows, phase_rows = [], []
    with running_emulator(time_scale=0.01) as emu:
        for cloud in ANSIBLE_CLOUDS:
            times = {path: task_times(emu, cloud, args.pairs, path) for path in GOALS}  # the first creates
            p = phases(cloud, tool_env(emu.env), f"bench-task-{cloud}")
            phase_rows.append([CLOUD_TITLES[cloud], f"{p['core_imports']:.0f}", f"{p['connect']:.0f}",
                               f"{p['lookup']:.0f}"])
            for path, goal in GOALS.items():
                t = times[path]
                why = None
                floor_cells = ["-", "-", "-"]
                if path == "module":
                    # A module process pays pydantic, httpx and the signer on every task: the floor
                    # module (no imageops code at all) says what any module built on them costs.
                    if t["floor_ratio"] > goal:  # out of reach for any module on these dependencies
                        why = (f"out of reach: the dependency floor alone is {t['floor_ratio']:.2f}x ping, "
                               f"the image task {t['over_floor']:.2f}x the floor")
                    over = section.goal(f"{cloud} module path over the dependency floor",
                                        t["over_floor"] <= FLOOR_GOAL, f"{t['over_floor']:.2f}x",
                                        f"<= {FLOOR_GOAL}x")
                    floor_cells = [f"{t['floor'] * 1000:.0f} ({t['floor_ratio']:.2f}x ping)",
                                   f"{t['over_floor']:.2f}x", over]
                verdict = section.goal(f"{cloud} {path} task ratio", t["ratio"] <= goal, f"{t['ratio']:.2f}x",
                                       f"<= {goal}x", why)
                rows.append([CLOUD_TITLES[cloud], path, f"{t['ping'] * 1000:.0f}", f"{t['image'] * 1000:.0f}",
                             f"{t['ratio']:.2f}x (of medians {t['median_ratio']:.2f}x)", verdict,
                             *floor_cells])
    section.table(["cloud", "path", "ping task (ms, median)", "converged image task (ms, median)",
                   "image / ping (median of turns)", "goal", "dependency floor task (ms, median; / ping)",
                   "image / floor",
                   "goal"], rows)
    section.text("What a converged image task does beyond ping's own imports, alone in a fresh interpreter "
                 "(best of 2): the module path pays all of it on every task, the controller path the imports "
                 "once per task.")
    section.table(["cloud", "core imports (ms)", "credentials and HTTP client (ms)", "the one read (ms)"],
                  phase_rows)
    startup_rows = []
    for cloud in ANSIBLE_CLOUDS:
        ping_ms, ours_ms, unused = startup[cloud]
        verdict = section.goal(f"{cloud} lazy imports", not unused, f"{len(unused)} unused modules loaded",
                               "0")
        startup_rows.append([CLOUD_TITLES[cloud], f"{ping_ms:.0f}", f"{ours_ms:.0f}",
                             f"{ours_ms - ping_ms:.0f}", ", ".join(unused) or "none", verdict])
    section.text("Module start-up: import time before the first API call (`python -X importtime`, best of "
                 "3). Ping imports `ansible.module_utils.basic`; an image module imports that plus the "
                 "collection's `image_module` and the cloud's core package (pydantic, httpx, cryptography "
                 "for OCI signing). Nothing else may load: no other cloud, no emulator, no Pulumi, no "
                 "httpx command-line client.")
    section.table(["cloud", "ping imports (ms)", "image module imports (ms)", "difference (ms)",
                   "unused modules loaded", "goal: none"], startup_rows)
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
