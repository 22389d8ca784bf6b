"""Run this directory's Pulumi program without a Pulumi CLI (what `make demo` does when none exists).

1. the program (``__main__.py``) runs under ``pulumi.runtime.set_mocks`` to record the resources it
   declares and their inputs, exactly as the SDK would register them;
2. the real dynamic-provider server (``python -m pulumi.dynamic``) is started and driven over gRPC as
   the engine would for ``pulumi up`` (Check, Create), a second ``up`` (Check, Diff: must be a no-op
   with no write call), and ``pulumi destroy`` (Delete, twice: gone is a success).

It talks to the OCI endpoint in the environment (``IMAGEOPS_OCI_ENDPOINT`` and the emulator's
``IMAGEOPS_OCI_*`` ids); without one it starts the imageops emulator itself. Exits non-zero on any
failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:  # run from a checkout: use its pulumi_images and imageops
    sys.path.insert(0, str(REPO))
    sys.path.insert(1, str(REPO / "shared"))
IMAGE_TYPE = "pulumi-python:dynamic/oci:Image"


def say(text: str) -> None:
    print(f"[pulumi-harness] {text}", flush=True)


def declared_resources() -> list[tuple[str, dict[str, Any]]]:
    """The program's Image resources and their inputs, recorded with Pulumi's mocks."""
    import pulumi

    recorded: list[tuple[str, dict[str, Any]]] = []

    class Recorder(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            if args.typ == IMAGE_TYPE:
                inputs = {k: v for k, v in args.inputs.items() if k != "__provider" and v is not None}
                recorded.append((args.name, inputs))
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs):
            return {}

    pulumi.runtime.set_mocks(Recorder(), project="imageops-example", stack="harness", preview=False)
    namespace = runpy.run_path(str(HERE / "__main__.py"), run_name="__main__")
    for value in namespace.values():  # wait for every registration to be recorded
        if isinstance(value, pulumi.CustomResource):
            pulumi.runtime.sync_await._sync_await(value.id.future())
    return recorded


def writes_since(endpoint: str, seq: int) -> list[dict[str, Any]]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{endpoint}/_emulator/calls?since={seq}", timeout=10) as response:
        calls = json.loads(response.read())
    return [c for c in calls if c["method"] not in ("GET", "HEAD")]


def last_seq(endpoint: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{endpoint}/_emulator/calls", timeout=10) as response:
        return max((c["seq"] for c in json.loads(response.read())), default=0)


@contextlib.contextmanager
def oci_environment() -> Iterator[dict[str, str]]:
    if os.environ.get("IMAGEOPS_OCI_ENDPOINT") and os.environ.get("IMAGEOPS_OCI_COMPARTMENT_ID"):
        yield dict(os.environ)
        return
    from imageops.emulator.testing import running_emulator

    say("no IMAGEOPS_OCI_ENDPOINT: starting the imageops emulator")
    with running_emulator(time_scale=0.01) as emulator:
        yield {**os.environ, **emulator.env}


def main() -> int:
    from pulumi_images.harness import Engine, ProviderHarness

    with oci_environment() as env:
        os.environ.update({k: v for k, v in env.items() if k.startswith("IMAGEOPS_")})
        resources = declared_resources()
        say(f"program declares {len(resources)} image(s): {', '.join(name for name, _ in resources)}")
        if not resources:
            say("FAILED: the program declared no image")
            return 1
        endpoint = env.get("IMAGEOPS_EMULATOR_URL") or env["IMAGEOPS_OCI_ENDPOINT"]
        with ProviderHarness("oci", env=env) as harness:
            engine = Engine(harness, log=say)
            states = {}
            try:
                say("pulumi up (first): Check + Create for each image")
                for name, inputs in resources:
                    state, _ = engine.up(name, inputs)
                    states[name] = state
                    out = state.outputs
                    say(f"  {name}: {state.id} state={out.get('state')} size_in_mbs={out.get('size_in_mbs')}")
                say("pulumi up (second): Check + Diff must find nothing to do")
                mark = last_seq(endpoint)
                for name, inputs in resources:
                    states[name], action = engine.up(name, inputs, states[name])
                    if action != "same":
                        say(f"FAILED: {name} was not a no-op ({action})")
                        return 1
                writes = writes_since(endpoint, mark)
                say(f"  no-op diff: {len(writes)} write call(s)")
                if writes:
                    say("FAILED: the second up wrote to the cloud")
                    return 1
            finally:
                say("pulumi destroy: Delete for each image (twice: already gone is a success)")
                for state in states.values():
                    engine.destroy(state)
                    engine.destroy(state)
    say("OK: create, no-op diff, delete")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # print the reason, exit non-zero
        say(f"FAILED: {type(exc).__name__}: {exc}")
        sys.exit(1)
