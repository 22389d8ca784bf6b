"""Test-only callback: writes every task result of a playbook run as JSON to $IMAGEOPS_RESULTS_FILE."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "imageops_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = []

    def _add(self, result, status):
        data = dict(getattr(result, "result", None) or result._result)
        if status == "ok" and data.get("changed"):
            status = "changed"
        self.tasks.append({"name": result.task_name, "status": status, "result": data})

    def v2_runner_on_ok(self, result):
        self._add(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._add(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._add(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._add(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("IMAGEOPS_RESULTS_FILE")
        if not path:
            return
        summary = {host: stats.summarize(host) for host in sorted(stats.processed)}
        with open(path, "w") as handle:
            json.dump({"tasks": self.tasks, "stats": summary}, handle, default=str)
