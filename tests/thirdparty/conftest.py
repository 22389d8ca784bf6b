"""Fixtures for the third-party suite: a virtualenv of its own holding the tools (pinned in
``requirements.txt``), the emulator (plain and in proxy mode), and a runner for the tools' commands.

The tools pin dependencies that clash with the dev venv (oci-cli pins an exact ``oci``), so they live
in ``.venv-thirdparty/`` (override: ``IMAGEOPS_THIRDPARTY_VENV``), made once and reused while the hash
of ``requirements.txt`` matches (``tools_venv.py``; ``make test`` starts it in the background). A
failed install fails the tests; only an unreachable package registry skips them, with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from imageops.emulator.testing import EmulatorHandle, running_emulator

from . import tools_venv as tools_venv_module

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOAK = os.environ.get("IMAGEOPS_SOAK") == "1"
# Every variable that could send a tool elsewhere than where a test means it to go.
PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "https_proxy",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "REQUESTS_CA_BUNDLE",
    "SSL_CERT_FILE",
    "CURL_CA_BUNDLE",
)


def _registry_unreachable() -> str | None:
    """Why pip cannot reach its package index, or None when it can (so a failed install is a bug)."""
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "oci-cli"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if probe.returncode == 0 and "oci-cli" in probe.stdout:
        return None
    return (probe.stderr.strip().splitlines() or ["pip index versions oci-cli failed"])[-1]


@pytest.fixture(scope="session")
def tools_venv() -> Path:
    """The tools' virtualenv, made on first use unless ``make test`` made it already; a lock keeps
    parallel workers (and that background install) from making it twice."""
    venv = tools_venv_module.venv_dir()
    with tools_venv_module.locked(venv):
        if not tools_venv_module.is_current(venv):
            started = time.monotonic()
            result = tools_venv_module.install(venv)
            if result.returncode != 0:
                reason = _registry_unreachable()
                if reason:
                    pytest.skip(f"the package registry is unreachable, no third-party tools: {reason}")
                pytest.fail(f"installing tests/thirdparty/requirements.txt failed:\n{result.stderr[-4000:]}")
            print(f"\n[thirdparty] installed {venv} in {time.monotonic() - started:.0f} s")
    return venv


@dataclass
class Tool:
    """Runs the tools' own commands from their venv, with a clean environment of our choosing."""

    venv: Path
    home: Path
    base_env: dict[str, str]

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in PROXY_VARIABLES
            and not k.startswith(
                ("OCI_", "OSC_", "ALIBABA_", "ALICLOUD_", "IMAGEOPS_", "ANSIBLE_", "PYTHON", "VIRTUAL_ENV")
            )
        }
        env.update(HOME=str(self.home), PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
        env.update(self.base_env)
        env.update(extra or {})
        return env

    def run(
        self,
        args: Sequence[str],
        *,
        extra_env: dict[str, str] | None = None,
        timeout: float = 180,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            list(args),
            capture_output=True,
            text=True,
            env=self.env(extra_env),
            timeout=timeout,
            cwd=self.home,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} exited {result.returncode}\nstdout:\n"
                f"{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
            )
        return result


@pytest.fixture(scope="module")
def emu(tmp_path_factory) -> Iterator[EmulatorHandle]:
    with running_emulator(workdir=tmp_path_factory.mktemp("emu")) as handle:
        yield handle


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[EmulatorHandle]:
    with running_emulator(workdir=tmp_path_factory.mktemp("emu-proxy"), extra_args=["--proxy"]) as handle:
        yield handle


def proxy_env(handle: EmulatorHandle) -> dict[str, str]:
    """Only what the env file says a tool needs to reach the real hostnames through the emulator."""
    return {
        name: handle.env[name]
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")
    }


@pytest.fixture(scope="module")
def tool(tools_venv: Path, tmp_path_factory) -> Tool:
    return Tool(tools_venv, tmp_path_factory.mktemp("home"), {})
