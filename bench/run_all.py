"""``make bench``: run every benchmark and rewrite BENCHMARKS.md with their sections.

Every ``bench/*.py`` not starting with ``_`` (this file aside) is a benchmark: run as
``.venv/bin/python bench/<name>.py`` it prints one Markdown section, starting with a ``## `` heading
and holding the command that reproduces it, and exits non-zero when a goal is missed without an
explanation. They run one after the other (timings are ratios against a peer measured in the same
run, so each script owns the machine as much as it can), in a stable order: :data:`ORDER` first,
any other script after them by name.

BENCHMARKS.md is rewritten between its ``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers;
the text outside them (hand-written notes, such as the fault figures of the reliability suite) is
kept as it is. A script that fails or crashes still gets its section (or a section saying it crashed,
with the end of its error output), and ``make bench`` then exits non-zero. So it does when the whole
run takes more than ``--budget`` seconds, unless the figures show why (a machine busy with other
work, while the benchmarks' own CPU time fits the budget); a script still running at twice the
budget is stopped with everything it started.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--budget 1500] [--output BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
ORDER = ("converged_calls", "ansible_task_time", "pulumi_overhead", "wait_latency", "listing", "scale")
HEADER = """# Benchmarks

Every figure here comes with the command that reproduces it, from a checkout after `make bootstrap`
(or any `make` target); `make bench` runs them all and rewrites the sections between the markers
below (text outside them is kept). API calls are counted exactly by the emulator
(`GET /_emulator/calls`), so they do not depend on the machine's speed; timings are medians and
ratios against a peer measured side by side in the same run, because the machine is shared and noisy.
A goal that is missed says by how much and why in its row; a miss without a reason fails `make bench`.
"""


@dataclass
class Result:
    name: str
    returncode: int
    seconds: float
    section: str
    stderr: str
    cpu: float = 0.0


def benchmarks(only: list[str] | None = None) -> list[str]:
    """The benchmark names in run order."""
    found = {p.stem for p in BENCH.glob("*.py") if not p.name.startswith("_") and p.stem != "run_all"}
    names = [n for n in ORDER if n in found] + sorted(found - set(ORDER))
    if only:
        unknown = sorted(set(only) - found)
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(unknown)} (known: {', '.join(names)})")
        names = [n for n in names if n in only]
    return names


def run(name: str, timeout: float) -> Result:
    """One benchmark as a user runs it, in a session of its own so that a timeout ends everything it
    started (emulators, playbooks); a crash or a timeout becomes a section that says so."""
    started = time.monotonic()
    cpu_before = _children_cpu()
    proc = subprocess.Popen([sys.executable, str(BENCH / f"{name}.py")], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=max(timeout, 1.0))
        returncode = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, _ = proc.communicate()
        returncode = -1
        stderr = f"killed after {timeout:.0f} s (the time left for it)"
    seconds = time.monotonic() - started
    section = stdout[stdout.find("## "):].strip() if "## " in stdout else ""
    if not section:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        section = (f"## {name}: no figures\n\n```sh\n.venv/bin/python bench/{name}.py\n```\n\n"
                   f"The script ended with exit status {returncode} before printing its section:\n\n"
                   f"```text\n{tail}\n```")
    return Result(name, returncode, seconds, section, stderr, _children_cpu() - cpu_before)


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and their own children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def split_notes(text: str) -> tuple[str, str]:
    """The hand-written text before and after the generated block of an existing BENCHMARKS.md."""
    if START in text and END in text:
        before = text[: text.index(START)]
        after = text[text.index(END) + len(END):]
        # the header is ours: keep only what follows it before the block
        before = before[len(HEADER):] if before.startswith(HEADER) else ""
        return before.strip(), after.strip()
    return "", ""


def budget_verdict(total: float, cpu: float, budget: float, load: float) -> tuple[bool, str]:
    """Whether the run kept to the budget, or missed it for a reason the figures show: a machine
    busy with other work (load average above its CPUs, and our own CPU time within budget)."""
    cpus = os.cpu_count() or 1
    if total <= budget:
        return True, f"met ({total:.0f} s; goal < {budget:.0f} s)"
    if load > cpus and cpu / cpus <= budget:
        return True, (f"missed by {total - budget:.0f} s ({total:.0f} s; goal < {budget:.0f} s): the machine "
                      f"was shared (load average {load:.1f} on {cpus} CPUs); the benchmarks' own CPU time, "
                      f"{cpu:.0f} s, fits {cpus} CPUs in {cpu / cpus:.0f} s")
    return False, f"**MISSED** by {total - budget:.0f} s ({total:.0f} s; goal < {budget:.0f} s)"


def load_average() -> float:
    """The 5-minute load average (the run's last minutes), 0 where the system has none."""
    return os.getloadavg()[1] if hasattr(os, "getloadavg") else 0.0


def render(results: list[Result], notes: tuple[str, str], total: float, budget: float = 1500.0,
           load: float | None = None) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    load = load_average() if load is None else load
    cpu = sum(r.cpu for r in results)
    overall = budget_verdict(total, cpu, budget, load)[1]
    summary = ["| benchmark | wall (s) | CPU (s) | result |", "|---|---|---|---|"]
    for r in results:
        verdict = "every goal met or explained" if r.returncode == 0 else f"**FAILED** (exit {r.returncode})"
        summary.append(f"| `bench/{r.name}.py` | {r.seconds:.0f} | {r.cpu:.0f} | {verdict} |")
    summary.append(f"| all (`make bench`) | {total:.0f} | {cpu:.0f} | {overall} |")
    parts = [HEADER.rstrip()]
    if notes[0]:
        parts.append(notes[0])
    parts += [
        START,
        f"Last `make bench`: {today}, on {os.cpu_count()} CPUs shared with other work (load average "
        f"{load:.1f} over the last 5 minutes of the run). CPU is the benchmarks' own time, their "
        "emulators and tools included.",
        "\n".join(summary),
        *[r.section for r in results],
        END,
    ]
    if notes[1]:
        parts.append(notes[1])
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="only these (the sections of the others are dropped)")
    parser.add_argument("--budget", type=float, default=1500.0, help="seconds for all of them")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = []
    for name in benchmarks(args.only):
        # the budget is the goal; the hard stop, twice that, only keeps a hung script from hanging make
        left = 2 * args.budget - (time.monotonic() - started)
        print(f"== bench/{name}.py", flush=True)
        result = run(name, left)
        print(f"== bench/{name}.py: exit {result.returncode} in {result.seconds:.0f} s", flush=True)
        if result.returncode != 0:
            print(result.stderr[-3000:], file=sys.stderr)
        results.append(result)
    total = time.monotonic() - started
    existing = args.output.read_text() if args.output.exists() else ""
    load = load_average()
    args.output.write_text(render(results, split_notes(existing), total, args.budget, load))
    print(f"== wrote {args.output} ({total:.0f} s)")
    failed = [r.name for r in results if r.returncode != 0]
    within, verdict = budget_verdict(total, sum(r.cpu for r in results), args.budget, load)
    print(f"== budget: {verdict}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 0 if within and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
