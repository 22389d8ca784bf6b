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
with the end of its error output), and ``make bench`` then exits non-zero.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--budget 600] [--output BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
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
    """One benchmark as a user runs it; a crash or a timeout becomes a section that says so."""
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, str(BENCH / f"{name}.py")], cwd=REPO, text=True,
                              capture_output=True, timeout=max(timeout, 1.0), check=False)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        returncode = -1
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        stderr = f"timed out after {timeout:.0f} s (the budget left for it)"
    seconds = time.monotonic() - started
    section = stdout[stdout.find("## "):].strip() if "## " in stdout else ""
    if not section:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        section = (f"## {name}: no figures\n\n```sh\n.venv/bin/python bench/{name}.py\n```\n\n"
                   f"The script ended with exit status {returncode} before printing its section:\n\n"
                   f"```text\n{tail}\n```")
    return Result(name, returncode, seconds, section, stderr)


def split_notes(text: str) -> tuple[str, str]:
    """The hand-written text before and after the generated block of an existing BENCHMARKS.md."""
    if START in text and END in text:
        before = text[: text.index(START)]
        after = text[text.index(END) + len(END):]
        # the header is ours: keep only what follows it before the block
        before = before[len(HEADER):] if before.startswith(HEADER) else ""
        return before.strip(), after.strip()
    return "", ""


def render(results: list[Result], notes: tuple[str, str], total: float) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    summary = ["| benchmark | wall (s) | result |", "|---|---|---|"]
    for r in results:
        verdict = "every goal met or explained" if r.returncode == 0 else f"**FAILED** (exit {r.returncode})"
        summary.append(f"| `bench/{r.name}.py` | {r.seconds:.0f} | {verdict} |")
    parts = [HEADER.rstrip()]
    if notes[0]:
        parts.append(notes[0])
    parts += [
        START,
        f"Last `make bench`: {today}, {total:.0f} s in all on {os.cpu_count()} CPUs (load average "
        f"{load:.1f} when it ended: the machine is shared).",
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
    parser.add_argument("--budget", type=float, default=600.0, help="seconds for all of them")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = []
    for name in benchmarks(args.only):
        left = args.budget - (time.monotonic() - started)
        print(f"== bench/{name}.py ({left:.0f} s of the budget left)", flush=True)
        result = run(name, left)
        print(f"== bench/{name}.py: exit {result.returncode} in {result.seconds:.0f} s", flush=True)
        if result.returncode != 0:
            print(result.stderr[-3000:], file=sys.stderr)
        results.append(result)
    total = time.monotonic() - started
    existing = args.output.read_text() if args.output.exists() else ""
    args.output.write_text(render(results, split_notes(existing), total))
    print(f"== wrote {args.output} ({total:.0f} s)")
    failed = [r.name for r in results if r.returncode != 0]
    if total > args.budget:
        print(f"over budget: {total:.0f} s > {args.budget:.0f} s", file=sys.stderr)
        return 1
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
