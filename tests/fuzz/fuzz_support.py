"""What the fuzz tests share: the verdict on one rejection, in-process Ansible runs, and the figures.

A rejection passes when it names the field (a key the input had, or a field of the spec) and gives a
rule: a short, non-empty sentence that is no traceback and no repr of an object. Anything raised
that is not the cloud's or the tool's own validation error is a crash, and fails the test.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

MAX_RULE = 400
"""A rule longer than this echoes the input (e.g. a 100,000-character tag key) instead of saying it."""
_NOT_A_RULE = re.compile(r"Traceback|<[a-zA-Z_.]+ object at 0x|unexpected error|Exception\b")


def rule_problem(rule: str) -> str | None:
    """Why ``rule`` is not an acceptable rule, or None."""
    if not rule or not rule.strip():
        return "empty rule"
    if len(rule) > MAX_RULE:
        return f"rule of {len(rule)} characters (echoes the input?)"
    if _NOT_A_RULE.search(rule):
        return "rule is a traceback or an object repr"
    return None


def field_problem(name: str, given: Iterable[str], known: Iterable[str]) -> str | None:
    """Why ``name`` (dotted) does not name a field the user can find, or None."""
    if not name or name == "spec":
        return "no field named"
    names = {str(n) for n in given} | set(known)
    if name in names:  # a key that itself has a dot in it
        return None
    head = re.split(r"[.\[]", name)[0]  # "tags.0.key", "block_device_mappings[0].bsu"
    if head not in names:
        return f"field {head!r} is neither given nor a known field"
    return None


@dataclass
class Tally:
    """Figures of one fuzz target: examples, accepted, rejected (every crash fails the test first)."""

    target: str
    cloud: str
    examples: int = 0
    accepted: int = 0
    rejected: int = 0
    rules: dict[str, int] = field(default_factory=dict)

    def accept(self) -> None:
        self.examples += 1
        self.accepted += 1

    def reject(self, rules: Iterable[str] = ()) -> None:
        self.examples += 1
        self.rejected += 1
        for rule in rules:
            key = re.sub(r"'.*?'|\d+", "…", rule)[:60]
            self.rules[key] = self.rules.get(key, 0) + 1

    def write(self) -> None:
        """Append the figures to ``$IMAGEOPS_FUZZ_REPORT`` (JSON lines) and to ``make soak``'s report
        (``$IMAGEOPS_SOAK_REPORT``), when set, for docs/reliability.md. Only a passing test writes: a
        crash fails it first, so the crash count written is always 0."""
        row = {
            "target": self.target,
            "cloud": self.cloud,
            "examples": self.examples,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "crashes": 0,
        }
        if os.environ.get("IMAGEOPS_FUZZ_REPORT"):
            with Path(os.environ["IMAGEOPS_FUZZ_REPORT"]).open("a") as fh:
                fh.write(json.dumps(row) + "\n")
        if os.environ.get("IMAGEOPS_SOAK_REPORT"):
            path = Path(os.environ["IMAGEOPS_SOAK_REPORT"])
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a") as fh:
                fh.write("fuzz " + " ".join(f"{k}={v}" for k, v in row.items()) + "\n")


# -------------------------------------------------------------------------------- Ansible, in-process
def _parse_only(self: Any) -> None:
    """Stands in for ImageModule.run: argument handling and spec building, then stop (no API call)."""
    spec = self.desired() if self.params["state"] == "present" else self.key_spec()
    self.exit_json(changed=False, spec=spec.given())


@contextlib.contextmanager
def in_process_modules() -> Iterator[Any]:
    """Run a module's ``main()`` in this process: returns ``run(module_name, args) -> result``.

    The module's own ``main`` builds the ImageModule (Ansible's argument validation, then the base's
    conversion to the core's spec); ``run`` is replaced by a parse-only step; the result is what
    AnsibleModule would print, after its no_log masking.
    """
    from ansible.module_utils import basic

    from ansible_collections.imageops.cloud.plugins.module_utils import image_module

    captured: list[dict[str, Any]] = []

    def record(self: Any, result: dict[str, Any]) -> None:
        captured.append(result)

    old = basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE
    with (
        mock.patch.object(image_module.ImageModule, "run", _parse_only),
        mock.patch.object(basic.AnsibleModule, "_record_module_result", record),
        mock.patch.object(basic.AnsibleModule, "_log_invocation", lambda self: None),
    ):

        def run(module_name: str, args: dict[str, Any]) -> dict[str, Any]:
            module = importlib.import_module(
                f"ansible_collections.imageops.cloud.plugins.modules.{module_name}"
            )
            basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
            basic._ANSIBLE_PROFILE = "legacy"
            captured.clear()
            with contextlib.suppress(SystemExit):
                module.main()
            assert len(captured) == 1, f"{module_name} returned {len(captured)} results"
            return captured[0]

        try:
            yield run
        finally:
            basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = old
