"""Pulumi: API calls of a no-change diff, the provider's size in state, and the per-operation
overhead of our dynamic provider against a trivial one through the same ``python -m pulumi.dynamic``.

Per cloud, the engine-less harness (``pulumi_images.harness``: the real dynamic-provider server over
gRPC, as the engine drives it) creates one image, then:

* ``preview`` (Check + Diff) with unchanged inputs must make 0 API calls;
* ``__provider`` (the pickled provider every resource carries in state) must stay <= 10 KB;
* Check, Diff and Read are timed ``--rounds`` times, alternating with the same calls to a server
  running ``bench/_trivial_provider.py`` (a provider that does nothing), in the same run.

    .venv/bin/python bench/pulumi_overhead.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import BENCH, CLOUD_TITLES, CLOUDS, Section, command_line, count, median, spec_fields, tool_env
from _trivial_provider import TrivialProvider
from pulumi.dynamic.dynamic import serialize_provider

from imageops.emulator.testing import EmulatorHandle, running_emulator
from pulumi_images._provider import ImageProvider
from pulumi_images.harness import Engine, ProviderHarness, ResourceState

PICKLE_LIMIT = 10 * 1024


def provider_size(cloud: str) -> int:
    """Bytes of ``__provider`` as the SDK stores it (base64 of the dill pickle)."""
    return len(serialize_provider(ImageProvider(cloud)))


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def operations(harness: ProviderHarness, state: ResourceState) -> dict[str, Callable[[], Any]]:
    """Check, Diff and Read of ``state`` with unchanged inputs, as the engine sends them."""
    return {
        "Check": lambda: harness.check(state.urn, state.inputs, state.inputs),
        "Diff": lambda: harness.diff(state.id, state.urn, state.outputs, state.inputs),
        "Read": lambda: harness.read(state.id, state.urn, state.outputs, state.inputs),
    }


def measure(emu: EmulatorHandle, cloud: str, rounds: int) -> dict[str, Any]:
    env = tool_env(emu.env)
    inputs = spec_fields(cloud, env, f"bench-pulumi-{cloud}")
    # the trivial provider is pickled by reference: its server must import it from bench/
    trivial_env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH), env.get("PYTHONPATH")) if p)}
    with ProviderHarness(cloud, env=env) as ours:
        engine = Engine(ours)
        state, action = engine.up(f"bench-{cloud}", inputs)
        if action != "create":
            raise RuntimeError(f"{cloud}: the first up did not create ({action})")
        mark = emu.mark()
        diff = engine.preview(state, inputs)
        preview_reads, preview_writes = count(emu.calls(since=mark))
        if diff.changes == diff.DIFF_SOME:
            raise RuntimeError(f"{cloud}: unchanged inputs made a diff: {diff}")
        trivial = ProviderHarness(cloud, env=trivial_env)
        trivial.provider_blob = serialize_provider(TrivialProvider())
        with trivial:
            trivial_state = ResourceState(state.urn, "trivial-id", state.inputs, state.inputs)
            ours_ops, peer_ops = operations(ours, state), operations(trivial, trivial_state)
            samples: dict[str, tuple[list[float], list[float]]] = {op: ([], []) for op in ours_ops}
            for op in ours_ops:  # warm both servers up (first unpickle, first connection)
                ours_ops[op](), peer_ops[op]()
            mark = emu.mark()
            for _ in range(rounds):
                for op in ours_ops:
                    samples[op][0].append(timed(ours_ops[op]))
                    samples[op][1].append(timed(peer_ops[op]))
            read_calls = count(emu.calls(since=mark))
        engine.destroy(state)
    return {"preview_reads": preview_reads, "preview_writes": preview_writes, "samples": samples,
            "read_calls": read_calls}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    section = Section(
        "Pulumi: no-change diff, provider size, per-operation overhead",
        command_line("pulumi_overhead.py", f"--rounds {args.rounds}"),
        "Through the engine-less harness (the real `python -m pulumi.dynamic` server, driven over gRPC "
        "as the engine drives it). The peer is `bench/_trivial_provider.py`, a provider that does "
        "nothing, behind the same server in the same run: its time is the floor of any dynamic "
        "provider (gRPC, unpickling `__provider`, the SDK's property handling). Ours adds building the "
        "driver from config (credentials, HTTP client) in each call, the spec check and, for Read, "
        "the one API call.",
    )
    results = {}
    with running_emulator(time_scale=0.01) as emu:
        for cloud in CLOUDS:
            results[cloud] = measure(emu, cloud, args.rounds)
    rows = []
    for cloud in CLOUDS:
        r = results[cloud]
        calls = r["preview_reads"] + r["preview_writes"]
        rows.append([CLOUD_TITLES[cloud], "second `up` (Check + Diff), inputs unchanged", f"{calls} calls",
                     section.goal(f"{cloud} no-change diff", calls == 0, f"{calls} calls", "0 calls")])
        size = provider_size(cloud)
        rows.append([CLOUD_TITLES[cloud], "`__provider` in state", f"{size} bytes",
                     section.goal(f"{cloud} provider size", size <= PICKLE_LIMIT, f"{size} B", "<= 10 KB")])
    section.table(["cloud", "what", "figure", "goal"], rows)
    timing_rows = []
    for cloud in CLOUDS:
        r = results[cloud]
        reads, writes = r["read_calls"]
        for op, (ours, peer) in r["samples"].items():
            ours_ms, peer_ms = median(ours) * 1000, median(peer) * 1000
            timing_rows.append([CLOUD_TITLES[cloud], op, f"{peer_ms:.1f}", f"{ours_ms:.1f}",
                                f"{ours_ms - peer_ms:+.1f}", f"{ours_ms / peer_ms:.1f}x"])
        if (reads, writes) != (args.rounds, 0):
            section.goal(f"{cloud} timed calls", False, f"{reads} reads, {writes} writes",
                         f"{args.rounds} reads (one per Read), 0 writes")
    section.text(f"Per operation, median of {args.rounds} rounds (milliseconds; Check, Diff and Read in "
                 "turn, ours then the trivial provider's). The timed rounds made exactly one API call per "
                 "Read and none for Check or Diff (counted by the emulator; the script fails otherwise).")
    section.table(["cloud", "operation", "trivial provider (ms)", "imageops provider (ms)",
                   "overhead (ms)", "ratio"], timing_rows)
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
