"""Create/update/delete cycles under injected faults, through the core, Ansible and Pulumi.

Each cycle makes an image, changes its tags, deletes it — converged as a user converges: run, and
if the run failed, run again (Ansible: again from the failed task). The emulator runs at
``--fault-rate 0.2`` (429s, 5xxs, connections dropped after the write happened, and answers slower
than the client's timeout after the work was done), and is killed (-9) and restarted on its state
file between batches, with a *keeper* image that must survive every restart unchanged.

The figures: duplicates (an image name made more than once, from the state file's tombstones),
leaks (an image still there, looked up through the core after a fault-free restart), unhandled
exceptions (a failure that is not one of imageops' own errors), retries that ignored Retry-After
and refusals (400/401/403) that were retried, from the call log.

``python tests/reliability/soak_faults.py CLOUD TOOL CYCLES`` runs one of them and prints its row.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak_calls import CLIENT_TIMEOUT, Emulator, fault_free_restart
from soak_clouds import CLOUDS, REPO, Cloud, tool_environment

import imageops.errors
from imageops.errors import ImageOpsError
from imageops.reconcile import apply, lookup, plan

RUNS_PER_STEP = 12
BATCH = 10
"""Cycles per playbook / provider process / emulator life."""
OWN_ERRORS = {cls.__name__ for cls in vars(imageops.errors).values()
              if isinstance(cls, type) and issubclass(cls, ImageOpsError)}


@dataclass
class FaultFigures:
    cloud: str
    tool: str
    cycles: int
    runs: int = 0
    reruns: int = 0
    duplicates: dict[str, int] = field(default_factory=dict)
    leaked: list[str] = field(default_factory=list)
    unhandled: list[str] = field(default_factory=list)
    wrong_attributes: list[str] = field(default_factory=list)
    keeper_changed: list[str] = field(default_factory=list)
    restarts: int = 0
    faults: Counter = field(default_factory=Counter)
    calls: int = 0
    retry_after_checked: int = 0
    retry_after_ignored: list[str] = field(default_factory=list)
    refusals: int = 0
    refusals_retried: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def failures(self) -> list[str]:
        problems = []
        for name in ("duplicates", "leaked", "unhandled", "wrong_attributes", "keeper_changed",
                     "retry_after_ignored", "refusals_retried"):
            if getattr(self, name):
                problems.append(f"{name}: {getattr(self, name)!r}"[:2000])
        return problems

    HEADER = ("| cloud | tool | cycles | runs (re-runs) | calls "
              "| faults injected (throttle/500/503/drop/slow) | emulator kill -9 + restart "
              "| duplicates | leaked | unhandled | retries after Retry-After "
              "(ignored) | refusals (retried) | time |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|")

    def row(self) -> str:
        f = self.faults
        kinds = "/".join(str(f[k]) for k in ("throttle", "internal", "unavailable", "drop", "slow"))
        return (f"| {self.cloud} | {self.tool} | {self.cycles} | {self.runs} ({self.reruns}) | {self.calls} "
                f"| {sum(f.values())} ({kinds}) | {self.restarts} | {len(self.duplicates)} "
                f"| {len(self.leaked)} "
                f"| {len(self.unhandled)} | {self.retry_after_checked} ({len(self.retry_after_ignored)}) "
                f"| {self.refusals} ({len(self.refusals_retried)}) | {self.seconds:.0f} s |")


class Runs:
    """Counts runs, re-runs at boundaries, and sorts failures into handled and unhandled."""

    def __init__(self, emu: Emulator, figures: FaultFigures) -> None:
        self.emu = emu
        self.figures = figures

    def until_done(self, what: str, step: Callable[[], Any], limit: int = RUNS_PER_STEP) -> Any:
        for _ in range(limit):
            self.figures.runs += 1
            try:
                return step()
            except Retry as exc:
                if exc.unhandled:
                    self.figures.unhandled.append(f"{what}: {exc}"[:500])
            except ImageOpsError:
                pass
            except Exception:  # a bug in our code, not a cloud answer
                self.figures.unhandled.append(f"{what}: {traceback.format_exc(limit=3)}"[:1000])
            self.figures.reruns += 1
            self.emu.boundary()
        raise AssertionError(f"{what}: not done after {limit} runs")


class Retry(Exception):
    """A tool run failed; ``unhandled`` when the failure was not one of imageops' own errors;
    ``resume_at`` the Ansible task to re-run from."""

    def __init__(self, message: str, unhandled: bool, resume_at: str | None = None) -> None:
        super().__init__(message)
        self.unhandled = unhandled
        self.resume_at = resume_at


def tags_for(cycle: int, step: str) -> dict[str, str]:
    return {"cycle": str(cycle), "step": step}


# --------------------------------------------------------------------------------------------- core
def core_batch(cloud: Cloud, emu: Emulator, runs: Runs, names: list[tuple[int, str]]) -> None:
    env = emu.env
    # A run with a wrong secret first: refused, and (the call log shows) never sent again.
    with cloud.connect(env, timeout=CLIENT_TIMEOUT, **cloud.wrong_secret) as intruder:
        try:
            lookup(intruder, cloud.spec(env, names[0][1]), None)
            runs.figures.wrong_attributes.append("a wrong secret was accepted")
        except ImageOpsError:
            pass
        emu.boundary()
    with cloud.connect(env, timeout=CLIENT_TIMEOUT) as driver:
        for cycle, name in names:
            for step in ("created", "updated"):
                desired = cloud.spec(env, name, tags_for(cycle, step))
                image = runs.until_done(
                    f"{name} {step}",
                    lambda desired=desired: apply(plan(desired, lookup(driver, desired, None)), driver,
                                                  wait=True, timeout=60))
                if cloud.tags_of(image.attributes) != tags_for(cycle, step):
                    runs.figures.wrong_attributes.append(f"{name} {step}: {image.attributes}")
            key = cloud.spec(env, name)
            runs.until_done(f"{name} deleted",
                            lambda key=key: apply(plan(None, lookup(driver, key, None)), driver,
                                                  wait=True, timeout=60))


# ------------------------------------------------------------------------------------------ Ansible
def _module(cloud: Cloud) -> str:
    return f"imageops.cloud.{cloud.name}_image"


def ansible_playbook(cloud: Cloud, env: dict[str, str], names: list[tuple[int, str]]) -> list[dict]:
    tasks = []
    for cycle, name in names:
        for step in ("created", "updated"):
            args = {**cloud.spec_args(env, name, tags_for(cycle, step)), "wait_timeout": 60}
            tasks.append({"name": f"{name} {step}", _module(cloud): args})
        tasks.append({"name": f"{name} deleted",
                      _module(cloud): {**cloud.spec_args(env, name), "state": "absent", "wait_timeout": 60}})
    return [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]


def ansible_command(playbook: Path, start_at: str | None = None) -> list[str]:
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local",
           str(playbook)]
    return [*cmd, "--start-at-task", start_at] if start_at else cmd


def run_ansible(playbook: Path, env: dict[str, str], start_at: str | None = None,
                timeout: float = 900) -> dict:
    """One ``ansible-playbook`` run -> every task result and the stats (the tests' results callback).

    A run that ended without writing them (ansible-playbook itself failed) raises :class:`Retry`
    with ``resume_at``: the last task it started, from its standard output."""
    results = playbook.with_suffix(".results.json")
    results.unlink(missing_ok=True)
    env = {**env, "IMAGEOPS_RESULTS_FILE": str(results)}
    proc = subprocess.run(ansible_command(playbook, start_at), capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=playbook.parent)
    if not results.exists():
        started = re.findall(r"^TASK \[(.+?)\] \*", proc.stdout, flags=re.MULTILINE)
        raise Retry(f"ansible-playbook rc={proc.returncode} wrote no results: {proc.stdout[-1500:]} "
                    f"{proc.stderr[-1500:]}", unhandled=True, resume_at=started[-1] if started else start_at)
    report = json.loads(results.read_text())
    report["output"] = proc.stdout + proc.stderr
    return report


def ansible_env(env: dict[str, str], workdir: Path, **overrides: str | None) -> dict[str, str]:
    """An ``ansible-playbook`` run's environment: the emulator's first account (``overrides`` may
    change that), the collection from this tree, the tests' results callback."""
    return tool_environment(
        env,
        IMAGEOPS_HTTP_TIMEOUT=str(CLIENT_TIMEOUT),
        ANSIBLE_COLLECTIONS_PATH=str(REPO),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_CALLBACK_PLUGINS=str(REPO / "tests" / "ansible" / "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="imageops_results",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-tmp"),
        ANSIBLE_HOME=str(workdir / "ansible-home"),
        **overrides,
    )


def ansible_batch(cloud: Cloud, emu: Emulator, runs: Runs, names: list[tuple[int, str]],
                  workdir: Path) -> None:
    playbook = workdir / f"cycles-{names[0][1]}.json"
    playbook.write_text(json.dumps(ansible_playbook(cloud, emu.env, names)))
    env = ansible_env(emu.env, workdir)
    resume: list[str | None] = [None]

    def one_run() -> None:
        try:
            report = run_ansible(playbook, env, resume[0])
        except Retry as exc:
            resume[0] = exc.resume_at
            raise
        for task in report.get("tasks", []):
            name, result = task["name"], task["result"]
            if task["status"] in ("failed", "unreachable"):
                resume[0] = name  # the user re-runs from the task that failed
                message = str(result.get("msg", ""))
                raise Retry(f"{name}: {message[:300]}", unhandled="MODULE FAILURE" in message
                            or message.startswith("unexpected error") or "Traceback" in message)
            for cycle, image_name in names:
                for step in ("created", "updated"):
                    if name == f"{image_name} {step}":
                        tags = cloud.tags_of(result.get("image") or {})
                        if tags != tags_for(cycle, step):
                            runs.figures.wrong_attributes.append(f"{name}: {tags}")
        failed = report.get("stats", {}).get("localhost", {}).get("failures", 0)
        if failed:
            raise Retry(f"{failed} failures with no failed task", unhandled=True)

    # each run resumes at the task that failed: a few runs per task at most
    runs.until_done(f"playbook {playbook.name}", one_run, limit=RUNS_PER_STEP * len(names))


# ------------------------------------------------------------------------------------------- Pulumi
_PROVIDER_ERROR = re.compile(r"ImageProviderError: \w+(?: failed: (\w+):|: invalid inputs:)")


def provider_error_is_ours(details: str) -> bool:
    """Whether a failed provider call ended in one of imageops' own errors (the server sends the
    traceback; its last line is the provider's ``ImageProviderError: <action> failed: <Kind>: ...``)."""
    last = [line for line in details.strip().splitlines() if "ImageProviderError: " in line][-1:]
    match = _PROVIDER_ERROR.search(last[0]) if last else None
    return match is not None and (match.group(1) is None or match.group(1) in OWN_ERRORS)


def pulumi_batch(cloud: Cloud, emu: Emulator, runs: Runs, names: list[tuple[int, str]]) -> None:
    from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

    def guarded(step: Callable[[], Any]) -> Callable[[], Any]:
        def call() -> Any:
            try:
                return step()
            except ProviderCallError as exc:
                raise Retry(exc.details[-500:], unhandled=not provider_error_is_ours(exc.details)) from None
        return call

    env = tool_environment(emu.env, IMAGEOPS_HTTP_TIMEOUT=str(CLIENT_TIMEOUT))
    with ProviderHarness(cloud.name, env=env) as harness:
        engine = Engine(harness)
        for cycle, name in names:
            state = None
            for step in ("created", "updated"):
                inputs = {**cloud.spec_args(emu.env, name, tags_for(cycle, step)), "wait_timeout": 60}
                up = guarded(lambda name=name, inputs=inputs, state=state: engine.up(name, inputs, state))
                state, _ = runs.until_done(f"{name} {step}", up)
                if cloud.tags_of(state.outputs) != tags_for(cycle, step):
                    runs.figures.wrong_attributes.append(f"{name} {step}: {state.outputs}")
            runs.until_done(f"{name} deleted", guarded(lambda state=state: engine.destroy(state)))


# ------------------------------------------------------------------------------------------ driver
TOOLS = ("core", "ansible", "pulumi")


def run_fault_cycles(cloud_name: str, tool: str, cycles: int, *, batch: int = BATCH,
                     workdir: Path | None = None, seed: int | None = None) -> FaultFigures:
    """``cycles`` create/update/delete cycles of ``tool`` on ``cloud_name`` under faults."""
    cloud = CLOUDS[cloud_name]
    figures = FaultFigures(cloud_name, tool, cycles)
    if seed is None:  # another sequence of faults for each cloud and tool
        seed = 20261126 + 100 * list(CLOUDS).index(cloud_name) + 10 * TOOLS.index(tool)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"imageops-soak-{cloud_name}-{tool}-") as tmp:
        workdir = Path(workdir or tmp)
        prefix = f"soak-{tool}-"
        with Emulator(workdir, seed=seed) as emu:
            runs = Runs(emu, figures)
            keeper_name = f"{prefix}keeper"
            keeper = _keeper(cloud, emu, runs, keeper_name)
            for first in range(0, cycles, batch):
                names = [(i, f"{prefix}{i:04d}") for i in range(first, min(first + batch, cycles))]
                if tool == "core":
                    core_batch(cloud, emu, runs, names)
                elif tool == "ansible":
                    ansible_batch(cloud, emu, runs, names, workdir)
                else:
                    pulumi_batch(cloud, emu, runs, names)
                if first + batch < cycles:
                    emu.kill_and_restart()
                    _check_keeper(cloud, emu, runs, keeper_name, keeper)
            _delete_keeper(cloud, emu, runs, keeper_name)
        figures.restarts = emu.restarts
        report = emu.report
        figures.faults, figures.calls = report.faults, report.calls
        figures.retry_after_checked, figures.retry_after_ignored = (report.retry_after_checked,
                                                                    report.retry_after_ignored)
        figures.refusals, figures.refusals_retried = report.refusals, report.refusals_retried
        _count(cloud, workdir, prefix, cycles, figures)
    figures.seconds = time.monotonic() - started
    return figures


def _keeper(cloud: Cloud, emu: Emulator, runs: Runs, name: str) -> dict[str, Any]:
    with cloud.connect(emu.env, timeout=CLIENT_TIMEOUT) as driver:
        desired = cloud.spec(emu.env, name, {"role": "keeper"})
        image = runs.until_done("keeper", lambda: apply(plan(desired, lookup(driver, desired, None)), driver,
                                                        wait=True, timeout=60))
    return {"id": image.id, "tags": cloud.tags_of(image.attributes)}


def _check_keeper(cloud: Cloud, emu: Emulator, runs: Runs, name: str, keeper: dict[str, Any]) -> None:
    """After a kill -9 and restart, the keeper image is there as it was."""
    with cloud.connect(emu.env, timeout=CLIENT_TIMEOUT) as driver:
        image = runs.until_done("keeper after restart", lambda: driver.get(keeper["id"]))
    seen = {"id": image.id, "tags": cloud.tags_of(image.attributes)} if image else None
    if seen != keeper:
        runs.figures.keeper_changed.append(f"restart {emu.restarts}: {seen} != {keeper}")


def _delete_keeper(cloud: Cloud, emu: Emulator, runs: Runs, name: str) -> None:
    with cloud.connect(emu.env, timeout=CLIENT_TIMEOUT) as driver:
        key = cloud.spec(emu.env, name)
        runs.until_done("keeper deleted", lambda: apply(plan(None, lookup(driver, key, None)), driver,
                                                        wait=True, timeout=60))


def _count(cloud: Cloud, workdir: Path, prefix: str, cycles: int, figures: FaultFigures) -> None:
    """Duplicates from the state file's tombstones; leaks looked up through the core, fault-free."""
    with fault_free_restart(workdir) as emu, cloud.connect(emu.env) as driver:
        ever = cloud.images_in_state(workdir / "state.json", emu.env, prefix)
        per_name = Counter(i["name"] for i in ever)
        figures.duplicates = {n: c for n, c in per_name.items() if c > 1}
        missing = cycles + 1 - len(per_name)
        if missing:
            figures.wrong_attributes.append(f"{missing} of the cycles' images were never made")
        for name in sorted(per_name):
            found = lookup(driver, cloud.spec(emu.env, name), None)
            if found is not None and found.is_live:
                figures.leaked.append(f"{name}: {found.id}")
        figures.leaked += [f"{i['name']}: {i['id']} (state file)" for i in ever if not i["deleted"]
                           and not any(i["id"] in leak for leak in figures.leaked)]


def main(argv: list[str]) -> int:
    cloud, tool, cycles = argv[0], argv[1], int(argv[2])
    logging.getLogger("imageops").setLevel(logging.CRITICAL)  # retries are counted, not printed
    figures = run_fault_cycles(cloud, tool, cycles)
    print(FaultFigures.HEADER)
    print(figures.row())
    for problem in figures.failures():
        print(problem, file=sys.stderr)
    return 1 if figures.failures() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
