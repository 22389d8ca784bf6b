"""kill -9 of ``ansible-playbook`` (its whole process group, as a CI runner kills a job) and of the
Pulumi dynamic-provider server (``python -m pulumi.dynamic``) at a random point of a create, an
update, an import and a delete; then the user's next run, which must converge with exactly one
image of each name and the attributes asked for (none, after the delete).

Every few iterations the emulator itself is killed (-9) and restarted on its state file, between
the operations of an iteration, so the next run also proves the emulator lost nothing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak_calls import Emulator
from soak_clouds import CLOUDS, Cloud, tool_environment
from soak_faults import ansible_command, ansible_env, run_ansible

from imageops.emulator.testing import is_read

TIME_SCALE = 0.01
OPERATIONS = ("create", "update", "import", "delete")
# The slower source of each cloud (object storage / manifest import), as spec fields from env vars.
IMPORT_SOURCE: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "oci": lambda env: {
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        "image_source_details": {
            "source_type": "objectStorageUri",
            "source_uri": env["IMAGEOPS_OCI_OBJECT_URI"],
        },
    },
    "outscale": lambda env: {"file_location": env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]},
    "alicloud": lambda env: {
        "import_from": {"oss_bucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                        "oss_object": env["IMAGEOPS_ALICLOUD_OSS_OBJECT"], "format": "QCOW2"},
    },
    # RegisterImage of an instance-store AMI from its S3 manifest (moto has no ImportImage: gap W1)
    "aws": lambda env: {"image_location": env["IMAGEOPS_AWS_IMAGE_LOCATION"]},
}


@dataclass
class CrashFigures:
    cloud: str
    tool: str
    kills: Counter = field(default_factory=Counter)  # per operation
    phases: Counter = field(default_factory=Counter)  # before the write / after it / finished first
    emulator_restarts: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    HEADER = ("| cloud | tool | kill -9 (create/update/import/delete) | killed before the write / after it "
              "/ run had finished | emulator kill -9 + restart | not converged | time |\n"
              "|---|---|---|---|---|---|---|")

    def row(self) -> str:
        per_op = "/".join(str(self.kills[op]) for op in OPERATIONS)
        phases = " / ".join(str(self.phases[p]) for p in ("before the write", "after the write", "finished"))
        return (f"| {self.cloud} | {self.tool} | {sum(self.kills.values())} ({per_op}) | {phases} "
                f"| {self.emulator_restarts} | {len(self.problems)} | {self.seconds:.0f} s |")


def _args(cloud: Cloud, env: dict[str, str], op: str, name: str, version: int) -> dict[str, Any]:
    """Spec fields of the image ``name`` after ``op`` (version = the tag value asked for)."""
    tags = {"version": str(version)}
    if op == "import":
        source = IMPORT_SOURCE[cloud.name](env)
        return {**source, cloud.name_field: name, cloud.tag_field: cloud.render_tags(tags)}
    return cloud.spec_args(env, name, tags)


def _phase(emu: Emulator, mark: int, cloud: Cloud, finished: bool) -> str:
    if finished:
        return "finished"
    writes = [c for c in emu.handle.calls(since=mark, cloud=cloud.name) if not is_read(c)]
    return "after the write" if writes else "before the write"


def wait_for_kill_point(emu: Emulator, mark: int, cloud: Cloud, rng: random.Random,
                        alive: Callable[[], bool], timeout: float = 120) -> bool:
    """Wait for a random point of the run: before its first call (a random delay into the start-up)
    or right after its k-th call to the cloud (k = 1..4: the lookup, the write, the waits).
    False if the run finished first."""
    calls_wanted = rng.randint(0, 4)
    deadline = time.monotonic() + (rng.uniform(0.0, 1.5) if calls_wanted == 0 else timeout)
    while time.monotonic() < deadline:
        if not alive():
            return False
        if calls_wanted and len(emu.handle.calls(since=mark, cloud=cloud.name)) >= calls_wanted:
            return True
        time.sleep(0.005)
    return alive()


# ------------------------------------------------------------------------------------------ Ansible
def _playbook(cloud: Cloud, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    module = f"imageops.cloud.{cloud.name}_image"
    return [{"hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": t.pop("title"), module: {**t, "wait_timeout": 120}} for t in tasks]}]


def ansible_operation(cloud: Cloud, emu: Emulator, workdir: Path, op: str, names: tuple[str, str],
                      rng: random.Random, figures: CrashFigures) -> None:
    env = emu.env
    name, imported = names
    if op == "delete":
        tasks = [{"title": f"{op} {n}", **cloud.spec_args(env, n), "state": "absent"} for n in names]
        if cloud.name == "oci":  # OCI finds an image by name within a compartment: the import has one
            tasks[1].setdefault("compartment_id", env["IMAGEOPS_OCI_COMPARTMENT_ID"])
    else:
        target = imported if op == "import" else name
        tasks = [{"title": f"{op} {target}", **_args(cloud, env, op, target, 2 if op == "update" else 1)}]
    playbook = workdir / f"{op}-{name}.json"
    playbook.write_text(json.dumps(_playbook(cloud, tasks)))
    run_env = ansible_env(emu.env, workdir)
    mark = emu.handle.mark()
    child = subprocess.Popen(ansible_command(playbook), env=run_env, cwd=workdir, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finished = not wait_for_kill_point(emu, mark, cloud, rng, lambda: child.poll() is None)
    if not finished:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=120)
    figures.kills[op] += 0 if finished else 1
    figures.phases[_phase(emu, mark, cloud, finished)] += 1
    report = run_ansible(playbook, run_env)
    failed = [t for t in report["tasks"] if t["status"] in ("failed", "unreachable")]
    if failed:
        message = failed[0]["result"].get("msg")
        figures.problems.append(f"{op} {name}: the run after the kill failed: {message}")


# ------------------------------------------------------------------------------------------- Pulumi
class PulumiSession:
    """The engine's state of the two resources, and a provider server that can be killed."""

    def __init__(self, cloud: Cloud, emu: Emulator) -> None:
        self.cloud = cloud
        self.emu = emu
        self.states: dict[str, Any] = {}
        self.harness: Any = None

    def start(self) -> Any:
        from pulumi_images.harness import Engine, ProviderHarness

        self.stop()
        self.harness = ProviderHarness(self.cloud.name, env=tool_environment(self.emu.env))
        self.harness.start()
        return Engine(self.harness)

    def stop(self) -> None:
        if self.harness is not None:
            self.harness.close()
            self.harness = None

    def step(self, op: str, names: tuple[str, str]) -> None:
        engine = self.start()
        name, imported = names
        if op == "delete":
            for n in names:
                if n in self.states:
                    engine.destroy(self.states[n])
                    del self.states[n]
            return
        target = imported if op == "import" else name
        inputs = _args(self.cloud, self.emu.env, op, target, 2 if op == "update" else 1)
        inputs["wait_timeout"] = 120
        self.states[target], _ = engine.up(target, inputs, self.states.get(target))


def pulumi_operation(session: PulumiSession, op: str, names: tuple[str, str], rng: random.Random,
                     figures: CrashFigures) -> None:
    from pulumi_images.harness import ProviderCallError

    emu, cloud = session.emu, session.cloud
    mark = emu.handle.mark()
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            session.step(op, names)
            outcome.append(None)
        except (ProviderCallError, RuntimeError) as exc:  # the server died under the call
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    server = lambda: session.harness._proc if session.harness is not None else None  # noqa: E731
    killed = False
    if wait_for_kill_point(emu, mark, cloud, rng, worker.is_alive):
        proc = server()
        if proc is not None and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)  # only the provider server; the engine lives on
            killed = True
    worker.join(120)
    figures.kills[op] += int(killed)
    figures.phases[_phase(emu, mark, cloud, not killed)] += 1
    try:
        session.step(op, names)  # the user's next `pulumi up` / `pulumi destroy`
    except Exception as exc:
        figures.problems.append(f"{op} {names[0]}: the run after the kill failed: {exc}"[:500])


# ------------------------------------------------------------------------------------------ checks
def check_converged(cloud: Cloud, emu: Emulator, op: str, names: tuple[str, str],
                    figures: CrashFigures) -> None:
    """Exactly one image per name ever made (from the state file's tombstones), live with the asked
    tags after create/update/import, none live after the delete."""
    name, imported = names
    expected = {"create": {name: "1"}, "update": {name: "2"}, "import": {name: "2", imported: "1"},
                "delete": {}}[op]
    with cloud.connect(emu.env, fast=True) as driver:
        for n in names:
            ever = [i for i in cloud.images_in_state(emu.state_file, emu.env, n) if i["name"] == n]
            if len(ever) > 1:
                figures.problems.append(f"after {op}: {len(ever)} images named {n}")
            live = [i for i in ever if not i["deleted"]]
            if n not in expected:
                if live:
                    figures.problems.append(f"after {op}: {n} still there")
                continue
            if len(live) != 1:
                figures.problems.append(f"after {op}: {len(live)} live images named {n}")
                continue
            image = driver.get(live[0]["id"])
            tags = cloud.tags_of(image.attributes) if image else None
            if tags != {"version": expected[n]}:
                figures.problems.append(f"after {op}: {n} has tags {tags}, not version={expected[n]}")


def run_crashes(cloud_name: str, tool: str, kills: int, *, restart_every: int = 3,
                seed: int = 7, max_iterations: int | None = None, list_lag: float = 0.0) -> CrashFigures:
    """Iterations of create, update, import, delete, each run killed at a random point, until
    ``kills`` runs were killed; the emulator is killed and restarted every ``restart_every``.
    ``list_lag``: new images show in the emulator's listings only that many seconds later."""
    cloud = CLOUDS[cloud_name]
    figures = CrashFigures(cloud_name, tool)
    rng = random.Random(seed + len(cloud_name) + len(tool))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"imageops-crash-{cloud_name}-{tool}-") as tmp:
        workdir = Path(tmp)
        with Emulator(workdir, faults=False, time_scale=TIME_SCALE, list_lag=list_lag) as emu:
            session = PulumiSession(cloud, emu)
            try:
                iteration = 0
                # until ``kills`` runs were killed (a run that finished first is not counted)
                limit = max_iterations or 2 * kills
                while sum(figures.kills.values()) < kills and iteration < limit:
                    iteration += 1
                    names = (f"crash-{tool}-{iteration:03d}", f"crash-{tool}-{iteration:03d}-import")
                    for op in OPERATIONS:
                        if tool == "ansible":
                            ansible_operation(cloud, emu, workdir, op, names, rng, figures)
                        else:
                            pulumi_operation(session, op, names, rng, figures)
                        check_converged(cloud, emu, op, names, figures)
                        if op == "update" and iteration % restart_every == restart_every - 1:
                            # mid-iteration: the images must still be there for the next operations
                            emu.kill_and_restart()
            finally:
                session.stop()
            figures.emulator_restarts = emu.restarts
    figures.seconds = time.monotonic() - started
    return figures


def main(argv: list[str]) -> int:
    """``python tests/reliability/soak_crashes.py CLOUD TOOL KILLS [LIST_LAG]``: one run, its row on
    stdout (``LIST_LAG``: the emulator's ``--list-lag`` seconds, default none)."""
    lag = float(argv[3]) if len(argv) > 3 else 0.0
    figures = run_crashes(argv[0], argv[1], int(argv[2]), list_lag=lag)
    print(CrashFigures.HEADER)
    print(figures.row())
    for problem in figures.problems:
        print(problem, file=sys.stderr)
    return 1 if figures.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
