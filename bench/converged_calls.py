"""API calls made by a converged re-run, counted exactly with the emulator's /_emulator/calls.

Ansible: examples/ansible/oci_image.yml is run once to converge, then again; the second run's calls
are counted. Pulumi: the example program's images are created through the real dynamic-provider
server (the engine-less harness), then a second `up` (Check + Diff) and a `refresh` (Read) are
counted. Prints a Markdown table; exits non-zero if any re-run writes or reads more than once per
image, so the figure in BENCHMARKS.md is a check that can fail.

    .venv/bin/python bench/converged_calls.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "examples" / "pulumi"))

from imageops.emulator.testing import EmulatorHandle, running_emulator  # noqa: E402

READS = ("GET", "HEAD")


def count(calls: list[dict[str, Any]]) -> tuple[int, int]:
    reads = sum(1 for c in calls if c["method"] in READS)
    return reads, len(calls) - reads


def ansible_rerun(emu: EmulatorHandle) -> dict[str, Any]:
    env = {
        **os.environ,
        **emu.env,
        "OCI_CONFIG_FILE": emu.env["IMAGEOPS_OCI_CONFIG_FILE"],
        "ANSIBLE_COLLECTIONS_PATH": str(REPO),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    playbook = ["ansible-playbook", "-i", "localhost,", "-c", "local", "examples/ansible/oci_image.yml"]
    before = emu.mark()
    subprocess.run(playbook, cwd=REPO, env=env, check=True, capture_output=True)
    created = [c for c in emu.calls(since=before) if c["action"] == "CreateImage" and c["status"] == 200]
    mark = emu.mark()
    subprocess.run(playbook, cwd=REPO, env=env, check=True, capture_output=True)
    reads, writes = count(emu.calls(since=mark))
    return {"what": "Ansible: second run of examples/ansible/oci_image.yml", "images": len(created),
            "reads": reads, "writes": writes}


def pulumi_rerun(emu: EmulatorHandle) -> list[dict[str, Any]]:
    from run_with_harness import declared_resources

    from pulumi_images.harness import Engine, ProviderHarness

    env = {**os.environ, **emu.env}
    os.environ.update({k: v for k, v in emu.env.items() if k.startswith("IMAGEOPS_")})
    resources = declared_resources()
    rows = []
    with ProviderHarness("oci", env=env) as harness:
        engine = Engine(harness)
        states = {name: engine.up(name, inputs)[0] for name, inputs in resources}
        mark = emu.mark()
        for name, inputs in resources:
            _, action = engine.up(name, inputs, states[name])
            assert action == "same", f"{name}: second up was {action}"
        reads, writes = count(emu.calls(since=mark))
        rows.append({"what": "Pulumi: second `up` (Check + Diff)", "images": len(resources),
                     "reads": reads, "writes": writes})
        mark = emu.mark()
        for state in states.values():
            engine.refresh(state)
        reads, writes = count(emu.calls(since=mark))
        rows.append({"what": "Pulumi: `refresh` (Read)", "images": len(resources), "reads": reads,
                     "writes": writes})
        for state in states.values():
            engine.destroy(state)
    return rows


def main() -> int:
    with running_emulator(time_scale=0.01) as emu:
        rows = [ansible_rerun(emu), *pulumi_rerun(emu)]
    print("| converged re-run | images | read calls | write calls | reads per image |")
    print("|---|---|---|---|---|")
    failed = False
    for row in rows:
        per_image = row["reads"] / row["images"] if row["images"] else float("nan")
        print(f"| {row['what']} | {row['images']} | {row['reads']} | {row['writes']} | {per_image:g} |")
        diff_only = "Diff" in row["what"]
        expected_reads = 0 if diff_only else row["images"]
        if row["images"] == 0 or row["writes"] != 0 or row["reads"] != expected_reads:
            failed = True
    if failed:
        print("FAILED: a converged re-run wrote, or read more than once per image", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
