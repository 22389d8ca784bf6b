"""Run the emulator as a subprocess for tests, benchmarks and examples.

>>> with running_emulator() as emu:          # doctest: +SKIP
...     endpoint = emu.env["IMAGEOPS_OCI_ENDPOINT"]
...     mark = emu.mark()
...     ...                                   # calls against the endpoint
...     writes = [c for c in emu.calls(since=mark) if c["method"] != "GET"]
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from imageops.emulator.oci_auth import KEY_POOL_VARIABLE

READY_TIMEOUT = 20.0


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in Path(path).read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key and not line.startswith("#"):
            env[key.strip()] = value
    return env


class EmulatorHandle:
    """A running emulator process and its env file."""

    def __init__(self, process: subprocess.Popen, env_file: Path, env: dict[str, str]) -> None:
        self.process = process
        self.env_file = env_file
        self.env = env

    @property
    def url(self) -> str:
        return self.env.get("IMAGEOPS_EMULATOR_URL") or self.env["IMAGEOPS_OCI_ENDPOINT"]

    def calls(self, since: int = 0, cloud: str | None = None) -> list[dict]:
        query = f"?since={int(since)}" + (f"&cloud={cloud}" if cloud else "")
        # No proxies: the emulator is on loopback and proxy variables must not reroute it.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{self.url}/_emulator/calls{query}", timeout=10) as response:
            return json.loads(response.read())

    def mark(self) -> int:
        calls = self.calls()
        return max((c["seq"] for c in calls), default=0)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _pythonpath() -> str:
    """Make ``imageops`` importable in the child even when it is not installed."""
    package_root = str(Path(__file__).resolve().parents[2])
    current = os.environ.get("PYTHONPATH", "")
    parts = [p for p in current.split(os.pathsep) if p]
    if package_root not in parts:
        parts.insert(0, package_root)
    return os.pathsep.join(parts)


def key_pool() -> Path:
    """Where the emulators this module starts take their RSA keys from (see
    :func:`imageops.emulator.oci_auth.generate_key`): the user's cache, made on first use."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "imageops" / "emulator-keys"


@contextlib.contextmanager
def running_emulator(
    *,
    time_scale: float = 0.01,
    fault_rate: float = 0.0,
    seed: int = 0,
    state_file: Path | None = None,
    workdir: Path | None = None,
    extra_args: Sequence[str] = (),
    latency: float = 0.0,
    ready_timeout: float = READY_TIMEOUT,
) -> Iterator[EmulatorHandle]:
    """Start ``python -m imageops emulator serve`` on a free loopback port; stop it on exit."""
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="imageops-emu-")))
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        env_file = workdir / "emulator.env"
        env_file.unlink(missing_ok=True)
        args = [
            sys.executable,
            "-m",
            "imageops",
            "emulator",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--env-file",
            str(env_file),
            "--time-scale",
            repr(float(time_scale)),
            "--fault-rate",
            repr(float(fault_rate)),
            "--seed",
            str(int(seed)),
        ]
        if latency:
            args += ["--latency", repr(float(latency))]
        if state_file is not None:
            args += ["--state-file", str(state_file)]
        elif "--data-dir" not in extra_args:
            args += ["--data-dir", str(workdir / "data")]
        args += list(extra_args)
        child_env = {**os.environ, "PYTHONPATH": _pythonpath()}
        child_env.setdefault(KEY_POOL_VARIABLE, str(key_pool()))
        log = open(workdir / "emulator.log", "wb")  # noqa: SIM115 - closed by the exit stack
        stack.callback(log.close)
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log, env=child_env)
        handle = EmulatorHandle(process, env_file, {})
        stack.callback(handle.stop)
        deadline = time.monotonic() + ready_timeout
        while not env_file.exists():
            if process.poll() is not None:
                raise RuntimeError(
                    f"the emulator exited with {process.returncode}: "
                    f"{(workdir / 'emulator.log').read_text(errors='replace')[-2000:]}"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"the emulator did not write {env_file} within {ready_timeout:.0f} s")
            time.sleep(0.02)
        handle.env = read_env_file(env_file)
        yield handle


class InProcessEmulator:
    """The emulator without a process or socket: one ASGI app per cloud, for ``httpx.ASGITransport``.

    Each cloud's endpoint in :attr:`env` is ``http://<cloud>.emulator.test``; mount :meth:`app` on
    that base URL. Nothing is listening, so this is for fast in-process tests only.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        time_scale: float = 0.01,
        fault_rate: float = 0.0,
        seed: int = 0,
        state_file: Path | None = None,
    ) -> None:
        from imageops.emulator.core import Emulator, make_app
        from imageops.emulator.server import default_plugins

        self.emulator = Emulator(
            state_file=state_file, data_dir=data_dir, time_scale=time_scale, fault_rate=fault_rate, seed=seed
        )
        self.apps = {}
        self.env: dict[str, str] = {}
        for plugin in default_plugins():
            self.emulator.add(plugin)
            self.apps[plugin.name] = make_app(self.emulator, plugin)
            self.env.update(plugin.env(self.emulator, f"http://{plugin.name}.emulator.test"))

    def app(self, cloud: str = "oci"):
        return self.apps[cloud]

    def calls(self, since: int = 0, cloud: str | None = None) -> list[dict]:
        return self.emulator.calls.query(since, cloud)

    def mark(self) -> int:
        return max((c["seq"] for c in self.emulator.calls.entries), default=0)


def cli_environment(env: dict[str, str]) -> dict[str, str]:
    """The emulator's demo credentials as each cloud's own CLI variables, so that tools which find
    credentials as the CLIs do (the core, Pulumi programs, playbooks) use the demo accounts.

    A cloud's emulator module may declare its own as ``CLI_ENVIRONMENT`` ({CLI variable: env-file
    variable}); the first three clouds' are listed here."""
    mapping = {
        "OCI_CONFIG_FILE": "IMAGEOPS_OCI_CONFIG_FILE",
        "OSC_ACCESS_KEY": "IMAGEOPS_OUTSCALE_ACCESS_KEY",
        "OSC_SECRET_KEY": "IMAGEOPS_OUTSCALE_SECRET_KEY",
        "OSC_REGION": "IMAGEOPS_OUTSCALE_REGION",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_REGION_ID": "IMAGEOPS_ALICLOUD_REGION",
    }
    from imageops.emulator.server import emulator_modules

    for module in emulator_modules():
        try:
            mapping.update(getattr(importlib.import_module(module), "CLI_ENVIRONMENT", {}))
        except ModuleNotFoundError:
            continue
    return {cli: env[ours] for cli, ours in mapping.items() if ours in env}


READ_ACTION_PREFIXES = ("Get", "List", "Read", "Describe", "Head")


def is_read(call: dict) -> bool:
    """Whether a logged call only reads: by its action, since some APIs (OUTSCALE) POST every call."""
    action = call.get("action") or ""
    return action.startswith(READ_ACTION_PREFIXES) or (not action and call.get("method") in ("GET", "HEAD"))
