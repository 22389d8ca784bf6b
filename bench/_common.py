"""What the benchmark scripts share: the emulator's environment for each tool, one minimal image per
cloud (as a core spec and as an Ansible task), playbook runs, exact call counts, and a Markdown
section that knows which goals were missed.

Not a benchmark itself (the leading ``_`` keeps ``bench/run_all.py`` from running it).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
BIN = Path(sys.executable).parent
for _path in (REPO, REPO / "shared"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from imageops.emulator.testing import EmulatorHandle, cli_environment, is_read  # noqa: E402

CLOUDS = ("oci", "outscale", "alicloud")
CLOUD_TITLES = {"oci": "OCI", "outscale": "OUTSCALE", "alicloud": "Alibaba Cloud", "aws": "AWS"}
#: The clouds of the Ansible benchmarks (the others keep to the first three, whose data they hold).
ANSIBLE_CLOUDS = (*CLOUDS, "aws")
#: The list call of each cloud's images, and the largest page its API allows (see bench/listing.py).
LIST_ACTIONS = {"oci": "ListImages", "outscale": "ReadImages", "alicloud": "DescribeImages"}


def command_line(script: str, *args: str) -> str:
    return " ".join([".venv/bin/python", f"bench/{script}", *args])


# ------------------------------------------------------------------------------------- environment
def tool_env(emu_env: dict[str, str], **extra: str) -> dict[str, str]:
    """This process's environment plus the emulator's endpoints and demo credentials (as each
    cloud's CLI variables), for the core, the Pulumi provider server and ``ansible-playbook``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMAGEOPS_", "ANSIBLE_", "OCI_"))}
    env.update(emu_env)
    env.update(cli_environment(emu_env))
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(REPO),
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.update(extra)
    return env


def spec_fields(cloud: str, env: dict[str, str], name: str) -> dict[str, Any]:
    """The smallest desired image of ``cloud``: one from the seeded instance/VM, named ``name``."""
    if cloud == "oci":
        return {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
                "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"], "display_name": name}
    if cloud == "outscale":
        return {"image_name": name, "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": True}
    if cloud == "aws":
        return {"name": name, "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"],
                "snapshot_without_reboot": True}
    return {"image_name": name, "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "region": env["IMAGEOPS_ALICLOUD_REGION"]}


def module_args(cloud: str, env: dict[str, str], name: str) -> dict[str, Any]:
    """The same image as :func:`spec_fields`, as the ``imageops.cloud.<cloud>_image`` task's args."""
    args = spec_fields(cloud, env, name)
    if cloud == "alicloud":
        args["alicloud_region"] = args.pop("region")
    return args


def info_args(cloud: str, env: dict[str, str], name: str | None) -> dict[str, Any]:
    """``imageops.cloud.<cloud>_image_info`` args: the images named ``name``, or all of them."""
    if cloud == "oci":
        args: dict[str, Any] = {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}
        if name is not None:
            args["display_name"] = name
        return args
    args = {"image_name": name} if name is not None else {}
    if cloud == "alicloud":
        args["alicloud_region"] = env["IMAGEOPS_ALICLOUD_REGION"]
    return args


_ENVIRON_LOCK = threading.Lock()


def connect(cloud: str, env: dict[str, str]) -> Any:
    """A core driver for ``cloud`` on the emulator (credentials found as the cloud's CLI finds them)."""
    from imageops import registry

    prefixes = ("IMAGEOPS_", "OCI_", "OSC_", "ALIBABA_")
    with _ENVIRON_LOCK:  # threads connect side by side (bench/wait_latency.py)
        saved = dict(os.environ)
        os.environ.update({k: v for k, v in env.items() if k.startswith(prefixes)})
        try:  # the driver reads its settings now; the caller's environment is left as it was
            return registry.connect(cloud)
        finally:
            os.environ.clear()
            os.environ.update(saved)


def spec(cloud: str, env: dict[str, str], name: str) -> Any:
    from imageops import registry

    return registry.spec_type(cloud).model_validate(spec_fields(cloud, env, name))


# ---------------------------------------------------------------------------------------- playbooks
def play(tasks: list[dict[str, Any]], name: str = "bench") -> list[dict[str, Any]]:
    return [{"name": name, "hosts": "localhost", "connection": "local", "gather_facts": False,
             "tasks": tasks}]


def run_playbook(plays: list[dict[str, Any]], env: dict[str, str], *, check: bool = True,
                 verbose: bool = False) -> subprocess.CompletedProcess[str]:
    """``ansible-playbook`` of ``plays`` (written to a temporary file) on localhost."""
    with tempfile.TemporaryDirectory(prefix="imageops-bench-") as workdir:
        playbook = Path(workdir) / "playbook.yml"
        playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
        local_tmp = Path(workdir) / "ansible-tmp"
        run_env = {**env, "ANSIBLE_LOCAL_TEMP": str(local_tmp), "ANSIBLE_REMOTE_TEMP": str(local_tmp)}
        proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", "localhost,", str(playbook)],
                              cwd=workdir, env=run_env, text=True, capture_output=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError(f"ansible-playbook failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n"
                           f"{proc.stderr[-2000:]}")
    return proc


def timing_env(results_file: Path) -> dict[str, str]:
    """Variables that enable ``bench/callback_plugins/bench_timing.py`` (per-task wall times)."""
    return {"ANSIBLE_CALLBACK_PLUGINS": str(BENCH / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timing", "IMAGEOPS_BENCH_TIMING": str(results_file)}


def read_timings(results_file: Path) -> list[dict[str, Any]]:
    return json.loads(Path(results_file).read_text())["tasks"]


# ----------------------------------------------------------------------------------------- counting
def count(calls: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """(reads, writes) of logged calls."""
    calls = list(calls)
    reads = sum(1 for c in calls if is_read(c))
    return reads, len(calls) - reads


def calls_since(emu: EmulatorHandle, mark: int, cloud: str | None = None) -> list[dict[str, Any]]:
    return emu.calls(since=mark, cloud=cloud)


def pages(total: int, page_size: int) -> int:
    """Calls of a full listing: ceil(N / page size), and one call for an empty listing."""
    return max(1, math.ceil(total / page_size))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def peak_rss_mb(pid: int | None = None) -> float:
    import psutil

    info = psutil.Process(pid).memory_info()
    return info.rss / 2**20


# ------------------------------------------------------------------------------------------ section
@dataclass
class Section:
    """One Markdown section of BENCHMARKS.md: heading, reproduce command, text, tables, and goals.

    :meth:`goal` records a goal with its figure; a missed goal fails the script unless ``why``
    explains the miss (then the row says by how much and why, and the script still exits 0).
    """

    title: str
    command: str
    intro: str = ""
    parts: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
        self.parts.append("\n".join(lines))

    def text(self, paragraph: str) -> None:
        self.parts.append(paragraph.strip())

    def goal(self, what: str, ok: bool, figure: str, target: str, why: str | None = None) -> str:
        """The verdict cell for a goal; a miss without ``why`` fails the script."""
        if ok:
            return f"met ({figure}; goal {target})"
        if why:
            return f"missed ({figure}; goal {target}): {why}"
        self.failures.append(f"{what}: {figure}, goal {target}")
        return f"**MISSED** ({figure}; goal {target})"

    def render(self) -> str:
        out = [f"## {self.title}", "", "```sh", self.command, "```", ""]
        if self.intro:
            out += [self.intro.strip(), ""]
        for part in self.parts:
            out += [part, ""]
        return "\n".join(out).rstrip() + "\n"

    def finish(self) -> int:
        """Print the section; report missed goals on stderr; the exit status."""
        sys.stdout.write(self.render())
        sys.stdout.flush()
        for failure in self.failures:
            print(f"GOAL MISSED: {failure}", file=sys.stderr)
        return 1 if self.failures else 0
