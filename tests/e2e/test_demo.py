"""`make demo`'s script end to end: the second Ansible run reports changed=0, the Pulumi program
runs (through the engine-less harness when no CLI is on PATH), and nothing is left running."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
def test_demo_second_ansible_run_changes_nothing_and_leaves_nothing_running():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMAGEOPS_", "OCI_"))}
    run = subprocess.run(
        [sys.executable, str(REPO / "examples" / "demo.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    recaps = re.findall(r"^localhost\s*:\s*ok=\d+\s+changed=(\d+)", out, re.M)
    playbooks = ("oci_image.yml", "outscale_image.yml", "alicloud_image.yml", "neutral_image.yml")
    assert len(recaps) == 2 * len(playbooks) and {int(n) for n in recaps[1::2]} == {0}
    assert all(int(n) > 0 for n in recaps[0::2])
    for playbook in playbooks:
        assert f"{playbook}: first run changed=" in out
    assert out.count("second run changed=0, write calls=0") == len(playbooks)
    assert "[pulumi-harness] OK: create, no-op diff, delete" in out or "pulumi CLI found" in out
    for program in ("examples/pulumi", "examples/pulumi/outscale", "examples/pulumi/alicloud"):
        assert "pulumi CLI found" in out or f"[pulumi-harness] {program}: program declares" in out
    assert "pulumi CLI found" in out or "examples/pulumi/multicloud: pulumi import by id" in out
    endpoint = re.search(r"^OCI endpoint: http://127\.0\.0\.1:(\d+)$", out, re.M)
    assert endpoint is not None
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", int(endpoint.group(1))), timeout=2):
        pass  # the emulator is gone: nothing listens on its port any more
