"""One line per test file as it finishes (``tests/x.py: 12 passed in 3.4s``), so a long run shows
where it is instead of only dots; with xdist too, where files finish out of order (``--dist loadfile``).

Registered by ``tests/conftest.py``; prints only in quiet mode (``-q``, as ``make test`` runs), where
pytest itself names no file."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import pytest


class FileProgress:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.expected: Counter[str] = Counter()
        self.outcomes: dict[str, Counter[str]] = defaultdict(Counter)
        self.seconds: Counter[str] = Counter()
        self.done = 0

    def _file(self, nodeid: str) -> str:
        return nodeid.split("::", 1)[0]

    def expect(self, nodeids: list[str]) -> None:
        if not self.expected:  # every xdist worker collects the same items: count them once
            self.expected.update(self._file(n) for n in nodeids)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.expect([item.nodeid for item in items])

    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self.expect(ids)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        path = self._file(report.nodeid)
        self.seconds[path] += report.duration
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.outcomes[path][report.outcome] += 1
        if report.when != "teardown":
            return
        if report.outcome == "failed":
            self.outcomes[path]["error"] += 1
        finished = sum(v for k, v in self.outcomes[path].items() if k != "error")
        if self.expected[path] and finished >= self.expected[path]:
            self.report(path)

    def report(self, path: str) -> None:
        counts = self.outcomes[path]
        self.done += 1
        words = ", ".join(f"{n} {word}" for word, n in sorted(counts.items()) if n)
        seconds = self.seconds[path]
        total = len(self.expected)
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            if reporter._tw.width_of_current_line:  # after the dots of the tests so far
                reporter._tw.line()
            reporter.write_line(f"[{self.done}/{total} files] {path}: {words} in {seconds:.1f}s")
        self.expected[path] = 0  # reported once


def pytest_configure(config: pytest.Config) -> None:
    quiet = config.getoption("verbose") < 0
    is_worker = hasattr(config, "workerinput")
    if quiet and not is_worker:
        config.pluginmanager.register(FileProgress(config), "imageops-file-progress")
