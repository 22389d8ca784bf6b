"""`make demo`'s script end to end: the second Ansible run reports changed=0, the Pulumi program
runs (through the engine-less harness when no CLI is on PATH), and nothing is left running.

The whole demo (four playbooks twice, every Pulumi program) runs in `make soak`; `make test` runs the
script's own steps with one playbook and its Pulumi step recorded. What it leaves out runs in `make
test` elsewhere: each example playbook (tests/ansible: test_collection, test_outscale_image,
test_alicloud_image, test_neutral_image) and every Pulumi program through the harness as the demo
runs them (tests/pulumi/test_pulumi_demo.py); the demo's streaming, tests/ansible/test_demo_streams.py.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOAK = os.environ.get("IMAGEOPS_SOAK") == "1"


def demo_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("IMAGEOPS_", "OCI_"))}


def assert_port_closed(out: str) -> None:
    endpoint = re.search(r"^OCI endpoint: http://127\.0\.0\.1:(\d+)$", out, re.M)
    assert endpoint is not None
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", int(endpoint.group(1))), timeout=2):
        pass  # the emulator is gone: nothing listens on its port any more


@pytest.mark.e2e
def test_the_demo_script_runs_a_playbook_twice_then_pulumi_and_stops_the_emulator():
    """``examples/demo.py``'s main() with the OCI playbook only, and its Pulumi step recorded."""
    driver = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(REPO / "examples")!r})
        import demo
        demo.PLAYBOOKS = [p for p in demo.PLAYBOOKS if p.name == "oci_image.yml"]
        demo.run_pulumi = lambda env: print("pulumi step with OCI endpoint", env["IMAGEOPS_OCI_ENDPOINT"])
        sys.exit(demo.main())
        """
    )
    run = subprocess.run(
        [sys.executable, "-u", "-c", driver], env=demo_env(), capture_output=True, text=True, timeout=240,
        check=False, cwd=REPO,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    out = run.stdout
    recaps = re.findall(r"^localhost\s*:\s*ok=\d+\s+changed=(\d+)", out, re.M)
    assert len(recaps) == 2 and int(recaps[0]) > 0 and int(recaps[1]) == 0, recaps
    assert "oci_image.yml: first run changed=" in out
    assert out.count("second run changed=0, write calls=0") == 1
    endpoint = re.search(r"^OCI endpoint: (\S+)$", out, re.M)
    assert endpoint and f"pulumi step with OCI endpoint {endpoint.group(1)}" in out
    assert out.index("second run changed=0") < out.index("pulumi step") < out.index("demo finished")
    assert_port_closed(out)


@pytest.mark.e2e
@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="the whole demo: make soak (IMAGEOPS_SOAK=1); its steps run here")
def test_demo_second_ansible_run_changes_nothing_and_leaves_nothing_running():
    env = demo_env()
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
    playbooks = ("oci_image.yml", "outscale_image.yml", "alicloud_image.yml", "aws_image.yml",
                 "neutral_image.yml")
    assert len(recaps) == 2 * len(playbooks) and {int(n) for n in recaps[1::2]} == {0}
    assert all(int(n) > 0 for n in recaps[0::2])
    for playbook in playbooks:
        assert f"{playbook}: first run changed=" in out
    assert out.count("second run changed=0, write calls=0") == len(playbooks)
    assert "[pulumi-harness] OK: create, no-op diff, delete" in out or "pulumi CLI found" in out
    clouds = ("outscale", "alicloud", "aws")
    for program in ("examples/pulumi", *(f"examples/pulumi/{cloud}" for cloud in clouds)):
        assert "pulumi CLI found" in out or f"[pulumi-harness] {program}: program declares" in out
    assert "pulumi CLI found" in out or "examples/pulumi/multicloud: pulumi import by id" in out
    assert_port_closed(out)
