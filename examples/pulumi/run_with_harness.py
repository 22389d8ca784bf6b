"""Run the example Pulumi programs without a Pulumi CLI (what `make demo` does when none exists).

The programs are this directory's (OCI) and those of its ``outscale/``, ``alicloud/`` and
``multicloud/`` folders, or the directories given as arguments. Each program runs under
``pulumi.runtime.set_mocks`` with mocks that *are* the engine: every ``Image`` the program
registers is sent to the real dynamic-provider server over gRPC, exactly as the engine would, and
the program sees the real outputs (so one image can be built from another's id). For each program:

1. ``pulumi up``: Check + Create of every image;
2. a second ``pulumi up``: Check + Diff must find nothing to do, with no API call at all;
3. ``pulumi destroy``: Delete of every image in reverse order, twice (gone is a success).

It talks to the endpoints in the environment (``IMAGEOPS_OCI_ENDPOINT``... and the emulator's
``IMAGEOPS_*`` ids); without them it starts the imageops emulator itself. Exits non-zero on any
failure.

The provider server is the one the engine would start: the ``pulumi-resource-pulumi-python`` plugin
named by the program's ``Pulumi.yaml`` (``plugins: providers:``, with the project's virtualenv), else
``python -m pulumi.dynamic`` as the CLI's bundled plugin runs it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import runpy
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:  # run from a checkout: use its pulumi_images and imageops
    sys.path.insert(0, str(REPO))
    sys.path.insert(1, str(REPO / "shared"))
IMAGE_TYPE = re.compile(r"^pulumi-python:dynamic/(?P<cloud>[a-z]+):Image$")
PROGRAMS = (HERE, HERE / "outscale", HERE / "alicloud", HERE / "aws", HERE / "multicloud", HERE / "neutral")
PLUGIN = "pulumi-resource-pulumi-python"


def say(text: str) -> None:
    print(f"[pulumi-harness] {text}", flush=True)


class HarnessEngine:
    """Plays the engine for the programs it runs: one provider server per cloud, one state per image."""

    def __init__(self, env: dict[str, str], log: Any = say, server: list[str] | None = None) -> None:
        self.env = env
        self.log = log
        self.server = server
        self.states: dict[str, Any] = {}
        self.clouds: dict[str, tuple[str, str | None]] = {}  # image -> (cloud, its __provider)
        self.outputs: dict[str, Any] = {}  # the stack outputs of the last up
        self._stack = contextlib.ExitStack()
        self._engines: dict[str, Any] = {}
        # The SDK registers resources from several threads: one provider server per cloud, as the
        # engine runs one, needs the check-then-start below to be atomic.
        self._engines_lock = threading.Lock()

    def __enter__(self) -> HarnessEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def engine(self, cloud: str, provider_blob: str | None = None) -> Any:
        """The provider server of ``cloud`` -- one per ``__provider`` a program registered, as the
        engine starts one per provider (the neutral ``Image`` pickles one per cloud it spans)."""
        from pulumi_images.harness import Engine, ProviderHarness

        key = provider_blob or cloud
        with self._engines_lock:
            if key not in self._engines:
                options: dict[str, Any] = {"server": self.server} if self.server else {}
                harness = self._stack.enter_context(
                    ProviderHarness(cloud, env=self.env, provider_blob=provider_blob, **options)
                )
                self._engines[key] = Engine(harness, log=self.log)
            return self._engines[key]

    def up(self, program: Path) -> dict[str, str]:
        """Run the program once, as ``pulumi up``; returns what happened to each image."""
        import pulumi

        engine_self = self
        actions: dict[str, str] = {}

        class EngineMocks(pulumi.runtime.Mocks):
            def new_resource(self, args: pulumi.runtime.MockResourceArgs):
                image = IMAGE_TYPE.match(args.typ)
                if not image:
                    return f"{args.name}-id", dict(args.inputs)
                inputs = {k: v for k, v in args.inputs.items() if k != "__provider" and v is not None}
                blob = args.inputs.get("__provider")
                engine = engine_self.engine(image["cloud"], blob)
                state, action = engine.up(args.name, inputs, engine_self.states.get(args.name))
                engine_self.states[args.name] = state
                engine_self.clouds[args.name] = (image["cloud"], blob)
                actions[args.name] = action
                return state.id, state.outputs

            def call(self, args: pulumi.runtime.MockCallArgs):
                return {}

        pulumi.runtime.set_mocks(EngineMocks(), project="imageops-example", stack="harness", preview=False)
        exported: dict[str, Any] = {}
        real_export = pulumi.export
        pulumi.export = lambda name, value: exported.__setitem__(name, value)  # the stack's outputs
        try:
            runpy.run_path(str(program / "__main__.py"), run_name="__main__")
        finally:
            pulumi.export = real_export
        # wait until every registration has been answered, wherever the program keeps its resources
        # (a dict of them, a list, none at all), as the engine waits for every RPC of the program
        from pulumi.runtime.stack import wait_for_rpcs

        pulumi.runtime.sync_await._sync_await(wait_for_rpcs())
        self.outputs = {
            name: pulumi.runtime.sync_await._sync_await(pulumi.Output.from_input(value).future())
            for name, value in exported.items()
        }
        return actions

    def refresh(self) -> bool:
        """``pulumi refresh``: every image read back unchanged (and still there)."""
        for name, state in self.states.items():
            refreshed = self.engine(*self.clouds[name]).refresh(state)
            if refreshed is None or refreshed.outputs != state.outputs:
                say(f"FAILED: refresh of {name} found {'nothing' if refreshed is None else 'a change'}")
                return False
        return True

    def import_by_id(self) -> bool:
        """``pulumi import <type> <name> <id>`` of every image: a Read with the id only."""
        for name, state in self.states.items():
            imported = self.engine(*self.clouds[name]).pulumi_import(f"{name}-imported", state.id)
            if imported.id != state.id or imported.outputs.get("imported") is not True:
                say(f"FAILED: import of {name} ({state.id}) read {imported.id}")
                return False
        return True

    def destroy(self) -> None:
        for name, state in reversed(list(self.states.items())):
            engine = self.engine(*self.clouds[name])
            engine.destroy(state)
            engine.destroy(state, quiet=True)  # already gone is a success
            del self.states[name]


def emulator_calls(env: dict[str, str], since: int = 0) -> list[dict[str, Any]] | None:
    """The emulator's call log after ``since``; None when not talking to the emulator."""
    url = env.get("IMAGEOPS_EMULATOR_URL")
    if not url:
        return None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{url}/_emulator/calls?since={since}", timeout=10) as response:
        return json.loads(response.read())


def last_seq(env: dict[str, str]) -> int:
    return max((c["seq"] for c in emulator_calls(env) or []), default=0)


@contextlib.contextmanager
def cloud_environment() -> Iterator[dict[str, str]]:
    from imageops.emulator.testing import cli_environment, running_emulator

    if os.environ.get("IMAGEOPS_EMULATOR_URL") or os.environ.get("IMAGEOPS_OCI_ENDPOINT"):
        yield {**cli_environment(dict(os.environ)), **os.environ}
        return
    say("no cloud endpoint in the environment: starting the imageops emulator")
    with running_emulator(time_scale=0.01) as emulator:
        yield {**os.environ, **emulator.env, **cli_environment(emulator.env)}


def plugin_server(program: Path, env: dict[str, str]) -> tuple[list[str] | None, dict[str, str]]:
    """The plugin ``Pulumi.yaml`` names for ``pulumi-python`` and the environment the engine gives it
    (``PULUMI_RUNTIME_VIRTUALENV`` from the runtime's ``virtualenv`` option); (None, env) if none."""
    import yaml

    project = yaml.safe_load((program / "Pulumi.yaml").read_text(encoding="utf-8")) or {}
    providers = (project.get("plugins") or {}).get("providers") or []
    path = next((p.get("path") for p in providers if p.get("name") == "pulumi-python"), None)
    if not path:
        return None, env
    plugin = (program / path / PLUGIN).resolve()
    if not os.access(plugin, os.X_OK):
        raise RuntimeError(f"{program / 'Pulumi.yaml'} names {plugin}, which is not an executable")
    runtime = project.get("runtime") if isinstance(project.get("runtime"), dict) else {}
    venv = (runtime.get("options") or {}).get("virtualenv")
    plugin_env = dict(env)
    if venv and (program / venv / "bin" / "python").exists():
        plugin_env["PULUMI_RUNTIME_VIRTUALENV"] = str((program / venv).resolve())
    else:
        plugin_env["PULUMI_PYTHON_CMD"] = sys.executable
    return [str(plugin)], plugin_env


def run_program(program: Path, env: dict[str, str]) -> bool:
    label = program.relative_to(REPO) if program.is_relative_to(REPO) else program
    server, env = plugin_server(program, env)
    if server:
        say(f"{label}: provider plugin from Pulumi.yaml: {Path(server[0]).relative_to(REPO)}")
    with HarnessEngine(env, server=server) as engine:
        try:
            say(f"{label}: pulumi up (first): Check + Create for each image")
            created = engine.up(program)
            say(f"{label}: program declares {len(created)} image(s): {', '.join(created)}")
            if engine.outputs:
                say(f"{label}: stack outputs:")
                for name, value in sorted(engine.outputs.items()):
                    say(f"    {name}: {json.dumps(value, default=str)}")
            if not created or set(created.values()) != {"create"}:
                say(f"FAILED: the first up did not create every image: {created}")
                return False
            say(f"{label}: pulumi up (second): Check + Diff must find nothing to do")
            mark = last_seq(env)
            second = engine.up(program)
            if set(second.values()) != {"same"}:
                say(f"FAILED: the second up was not a no-op: {second}")
                return False
            calls = emulator_calls(env, mark)
            if calls is not None:
                say(f"  no-op diff: {len(calls)} API call(s)")
                if calls:
                    say("FAILED: the second up called the cloud")
                    return False
            say(f"{label}: pulumi refresh: one read per image, nothing changed")
            mark = last_seq(env)
            if not engine.refresh():
                return False
            calls = emulator_calls(env, mark)
            if calls is not None:
                say(f"  refresh: {len(calls)} API call(s) for {len(created)} image(s)")
                if len(calls) != len(created):
                    say("FAILED: refresh did not read each image exactly once")
                    return False
            if server:
                say(f"{label}: pulumi import by id (no __provider in the Read), through that plugin")
                if not engine.import_by_id():
                    return False
        finally:
            say(f"{label}: pulumi destroy: Delete for each image (twice: already gone is a success)")
            engine.destroy()
    return True


def main(argv: list[str]) -> int:
    programs = [Path(arg).resolve() for arg in argv] or list(PROGRAMS)
    with cloud_environment() as env:
        os.environ.update(env)
        for program in programs:
            if not run_program(program, env):
                return 1
    say("OK: create, no-op diff, delete")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as exc:  # print the reason, exit non-zero
        say(f"FAILED: {type(exc).__name__}: {exc}")
        sys.exit(1)
