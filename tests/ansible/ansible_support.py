"""Helpers of the Ansible tests: real ``ansible-playbook`` runs of imageops.cloud against the emulator.

Each test module gets one emulator (``emulator`` fixture); :func:`run_playbook` runs a playbook in a
subprocess with the collection found through ``ANSIBLE_COLLECTIONS_PATH`` (the repository root),
the venv's Python as interpreter, and a results callback that writes every task result as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COLLECTION = REPO / "ansible_collections" / "imageops" / "cloud"
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent

if str(REPO) not in sys.path:  # so tests can import the collection's Python files
    sys.path.insert(0, str(REPO))

WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}


def make_ansible_env(emulator=None, **overrides) -> dict[str, str]:
    """The environment of an ansible run: the emulator's variables plus OCI_CONFIG_FILE."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMAGEOPS_", "OCI_", "ANSIBLE_"))}
    # the collection-level switch of the execution path (plugin_utils/image_action.py): set it for
    # the test run (IMAGEOPS_ANSIBLE_EXECUTION=module) to run the whole suite on the module path
    if os.environ.get("IMAGEOPS_ANSIBLE_EXECUTION"):
        env["IMAGEOPS_ANSIBLE_EXECUTION"] = os.environ["IMAGEOPS_ANSIBLE_EXECUTION"]
    if emulator is not None:
        env.update(emulator.env)
        env["OCI_CONFIG_FILE"] = emulator.env["IMAGEOPS_OCI_CONFIG_FILE"]
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(REPO),
        # the venv's Python runs the modules (a task's ansible_python_interpreter var still wins)
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="imageops_results",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        ANSIBLE_LOCAL_TEMP=str(Path(os.environ.get("TMPDIR", "/tmp")) / "imageops-ansible-tmp"),
        ANSIBLE_REMOTE_TEMP=str(Path(os.environ.get("TMPDIR", "/tmp")) / "imageops-ansible-tmp"),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    tasks: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    results_json: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def changed(self) -> int:
        return sum(s.get("changed", 0) for s in self.stats.values())

    @property
    def failed(self) -> int:
        return sum(s.get("failures", 0) for s in self.stats.values())

    def task(self, name: str) -> dict:
        """The result of the task called ``name`` (the last one, if it ran more than once)."""
        matches = [t for t in self.tasks if t["name"] == name]
        assert matches, f"no task {name!r} in {[t['name'] for t in self.tasks]}\n{self.output[-3000:]}"
        return matches[-1]

    def result(self, name: str) -> dict:
        return self.task(name)["result"]


def run_playbook(
    tmp_path: Path, playbook: str | Path, *args: str, emulator=None, env=None, expect_rc: int | None = 0
) -> PlaybookRun:
    """Run ``ansible-playbook`` on a playbook (YAML text or a path); check its exit code."""
    if isinstance(playbook, str):
        path = tmp_path / f"play-{len(list(tmp_path.glob('play-*.yml')))}.yml"
        path.write_text(textwrap.dedent(playbook))
    else:
        path = Path(playbook)
    results = tmp_path / f"{path.stem}-{len(list(tmp_path.glob('*.results.json')))}.results.json"
    results.unlink(missing_ok=True)
    run_env = dict(env) if env is not None else make_ansible_env(emulator)
    run_env["IMAGEOPS_RESULTS_FILE"] = str(results)
    cmd = [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=run_env, cwd=tmp_path, timeout=300)
    raw = results.read_text() if results.exists() else ""
    data = json.loads(raw) if raw else {}
    run = PlaybookRun(
        proc.returncode, proc.stdout, proc.stderr, data.get("tasks", []), data.get("stats", {}), raw
    )
    if expect_rc is not None:
        assert proc.returncode == expect_rc, f"rc={proc.returncode}\n{run.output[-6000:]}"
    return run


def split_calls(calls: list[dict]) -> tuple[list[dict], list[dict]]:
    """(reads, writes) of emulator calls, leaving out the emulator's own /_emulator routes."""
    calls = [c for c in calls if not str(c.get("path", "")).startswith("/_emulator")]
    writes = [c for c in calls if c["method"] in WRITE_METHODS]
    reads = [c for c in calls if c["method"] not in WRITE_METHODS]
    return reads, writes


@pytest.fixture(scope="module")
def emulator():
    from imageops.emulator.testing import running_emulator

    with running_emulator(time_scale=0.01) as handle:
        yield handle


@pytest.fixture
def play(tmp_path, emulator):
    """``play(yaml, *args, **kw)``: run a playbook against this module's emulator."""

    def _play(playbook, *args, **kwargs):
        kwargs.setdefault("emulator", emulator)
        return run_playbook(tmp_path, playbook, *args, **kwargs)

    return _play


@pytest.fixture
def ansible_env():
    """``ansible_env(emulator, **overrides)``: the environment of a run (None removes a variable)."""
    return make_ansible_env


@pytest.fixture
def calls_between():
    """``calls_between(emulator, mark)`` -> (reads, writes) the OCI API received since ``mark``."""

    def _calls(emulator, mark):
        return split_calls(emulator.calls(since=mark, cloud="oci"))

    return _calls
