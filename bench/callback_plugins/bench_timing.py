"""Benchmark-only callback: each task's wall time (from its start to its result on the controller),
written as JSON to $IMAGEOPS_BENCH_TIMING at the end of the run. Enabled by bench/_common.py."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = []
        self.items = []
        self._started = {}
        self._last_item = 0.0

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = self._last_item = time.perf_counter()
        self.items = []

    def v2_runner_item_on_ok(self, result):
        # a loop's items run one after the other: each item's time is since the one before
        now = time.perf_counter()
        self.items.append(now - self._last_item)
        self._last_item = now

    def _done(self, result, status):
        started = self._started.get(result._task._uuid)
        seconds = time.perf_counter() - started if started is not None else None
        self.tasks.append({"name": result._task.get_name(), "action": result._task.action,
                           "status": status, "changed": bool(result._result.get("changed")),
                           "seconds": seconds, "items": list(self.items)})

    def v2_runner_on_ok(self, result):
        self._done(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, "failed")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("IMAGEOPS_BENCH_TIMING")
        if path:
            with open(path, "w") as handle:
                json.dump({"tasks": self.tasks}, handle)
