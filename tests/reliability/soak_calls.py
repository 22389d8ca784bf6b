"""The emulator side of the reliability runs: an emulator that can be killed and restarted on its
state file, a call log collected across restarts, and the checks made on that log alone.

A *retry* is the same request (method, path, action, account) sent again by the same run: the next
call of that cloud in the log, with no run boundary in between (the runner records a boundary each
time a run fails and the user's next run starts, so a re-run is never mistaken for a retry).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak_clouds import REFUSALS

from imageops.emulator.testing import EmulatorHandle, running_emulator

TIME_SCALE = 0.001
FAULT_RATE = 0.2
SLOW_RESPONSE = 1.5
"""Seconds an injected slow answer takes: past :data:`CLIENT_TIMEOUT`, the timeout every tool gets."""
CLIENT_TIMEOUT = 0.5
READY_TIMEOUT = 180.0


def _key(call: dict[str, Any]) -> tuple[Any, ...]:
    return call["method"], call["path"], call["action"], call["account"]


@dataclass
class CallLogReport:
    calls: int = 0
    faults: Counter = field(default_factory=Counter)
    retry_after_checked: int = 0
    retry_after_ignored: list[str] = field(default_factory=list)
    refusals: int = 0
    refusals_retried: list[str] = field(default_factory=list)

    def merge(self, other: CallLogReport) -> None:
        self.calls += other.calls
        self.faults.update(other.faults)
        self.retry_after_checked += other.retry_after_checked
        self.retry_after_ignored += other.retry_after_ignored
        self.refusals += other.refusals
        self.refusals_retried += other.refusals_retried


def check_calls(calls: list[dict[str, Any]], boundaries: set[int] = frozenset()) -> CallLogReport:
    """Every retry after a Retry-After waited at least that long; no refusal was ever retried."""
    report = CallLogReport()
    by_cloud: dict[str, list[dict[str, Any]]] = {}
    for call in calls:
        if not str(call["path"]).startswith("/_emulator"):
            by_cloud.setdefault(call["cloud"], []).append(call)
    for log in by_cloud.values():
        for call, after in zip(log, [*log[1:], None], strict=True):
            report.calls += 1
            if call["fault"]:
                report.faults[call["fault"]] += 1
            retried = (
                after is not None
                and _key(after) == _key(call)
                and not any(call["seq"] <= b < after["seq"] for b in boundaries)
            )
            if call.get("retry_after"):
                wanted = float(call["retry_after"])
                if retried:
                    report.retry_after_checked += 1
                    waited = after["time"] - call["time"]
                    if waited < wanted:
                        report.retry_after_ignored.append(f"{call['action']} #{call['seq']}: Retry-After "
                                                          f"{wanted}s, retried after {waited:.3f}s")
            if call["status"] in REFUSALS and call["fault"] is None:
                report.refusals += 1
                if retried:
                    report.refusals_retried.append(f"{call['action']} #{call['seq']} -> {call['status']}, "
                                                   f"sent again as #{after['seq']}")
    return report


class Emulator:
    """One emulator on a state file, restartable (kill -9) mid-run; collects its call log."""

    def __init__(self, workdir: Path, *, faults: bool = True, seed: int = 0,
                 time_scale: float = TIME_SCALE, list_lag: float = 0.0) -> None:
        self.workdir = Path(workdir)
        self.time_scale = time_scale
        self.list_lag = list_lag
        self.state_file = self.workdir / "state.json"
        self.faults = faults
        self.seed = seed
        self.report = CallLogReport()
        self.restarts = 0
        self._stack = contextlib.ExitStack()
        self._handle: EmulatorHandle | None = None
        self._boundaries: set[int] = set()

    @property
    def env(self) -> dict[str, str]:
        assert self._handle is not None
        return self._handle.env

    @property
    def handle(self) -> EmulatorHandle:
        assert self._handle is not None
        return self._handle

    def __enter__(self) -> Emulator:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._collect()
        self._stack.close()

    def _start(self) -> None:
        extra = ["--slow-response", str(SLOW_RESPONSE)] if self.faults else []
        if self.list_lag:
            extra += ["--list-lag", str(self.list_lag)]
        # Each restart gets a seed of its own: the same seed would replay the same faults.
        self._handle = self._stack.enter_context(running_emulator(
            time_scale=self.time_scale, fault_rate=FAULT_RATE if self.faults else 0.0,
            seed=self.seed + self.restarts, state_file=self.state_file,
            workdir=self.workdir / f"run{self.restarts}", extra_args=extra,
            # a soak shares the machine: a restart may take a while to be served
            ready_timeout=READY_TIMEOUT))
        self._boundaries = set()

    def boundary(self) -> None:
        """A run failed: the calls after this point belong to the user's next run."""
        self._boundaries.add(self.handle.mark())

    def _collect(self) -> None:
        if self._handle is not None and self._handle.process.poll() is None:
            self.report.merge(check_calls(self._handle.calls(), self._boundaries))

    def kill_and_restart(self) -> None:
        """kill -9 the emulator mid-run and start it again on the same state file."""
        self._collect()
        process = self.handle.process
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self._stack.close()
        self._stack = contextlib.ExitStack()
        self.restarts += 1
        self._start()


@contextlib.contextmanager
def fault_free_restart(workdir: Path) -> Iterator[EmulatorHandle]:
    """The emulator started again from the state file in ``workdir``, without faults."""
    with running_emulator(time_scale=TIME_SCALE, state_file=Path(workdir) / "state.json",
                          workdir=Path(workdir) / "recount", ready_timeout=READY_TIMEOUT) as handle:
        yield handle
