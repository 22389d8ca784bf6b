"""``examples/pulumi/run_with_harness.py``: the demo path when no ``pulumi`` CLI exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests_pulumi_support import provider_env

from pulumi_images.harness import ProviderHarness

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "pulumi" / "run_with_harness.py"

pytestmark = pytest.mark.timeout(120)


def test_run_with_harness_creates_finds_nothing_to_change_and_deletes(emu_env, tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(SCRIPT.parent)],
        env=provider_env(emu_env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "program declares 2 image(s)" in out
    assert "no-op diff: 0 API call(s)" in out
    assert "refresh: 2 API call(s) for 2 image(s)" in out
    assert out.count("create ") == 2 and "OK: create, no-op diff, delete" in out


def test_run_with_harness_runs_the_multicloud_program_through_its_plugin(emu_env, tmp_path):
    """All three clouds in one program; its Pulumi.yaml names the pulumi_images plugin, which the
    harness starts as the engine would, and which imports each image by id without __provider."""
    program = SCRIPT.parent / "multicloud"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(program)],
        env=provider_env(emu_env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "provider plugin from Pulumi.yaml: pulumi_images/plugin/pulumi-resource-pulumi-python" in out
    declared = re.search(r"program declares 3 image\(s\): (.*)", out)
    assert declared and set(declared[1].split(", ")) == {"oci-golden", "outscale-golden", "alicloud-golden"}
    assert "no-op diff: 0 API call(s)" in out and "refresh: 3 API call(s) for 3 image(s)" in out
    assert "pulumi import by id" in out and "OK: create, no-op diff, delete" in out


def test_run_with_harness_runs_the_outscale_and_alibaba_cloud_programs(emu_env, tmp_path):
    programs = [str(SCRIPT.parent / "outscale"), str(SCRIPT.parent / "alicloud")]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *programs],
        env=provider_env(emu_env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "examples/pulumi/outscale: program declares 4 image(s)" in out
    assert "examples/pulumi/alicloud: program declares 3 image(s)" in out
    assert out.count("no-op diff: 0 API call(s)") == 2
    assert "refresh: 4 API call(s) for 4 image(s)" in out and "refresh: 3 API call(s) for 3 image(s)" in out
    assert "OK: create, no-op diff, delete" in out


def test_run_with_harness_exits_non_zero_on_failure(emu_env, tmp_path):
    env = provider_env(emu_env, IMAGEOPS_OCI_INSTANCE_ID="ocid1.instance.oc1.iad.aaaaaaaanosuchinstance")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(SCRIPT.parent)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode != 0
    assert "FAILED" in result.stdout


def test_harness_always_stops_its_server(emu_env):
    with ProviderHarness("oci", env=provider_env(emu_env)) as harness:
        proc = harness._proc
        assert proc is not None and proc.poll() is None
    assert proc.poll() is not None


def test_run_with_harness_runs_the_neutral_program_with_its_registered_providers(emu_env, tmp_path):
    """``pulumi_images.Image`` pickles a neutral provider per cloud: the harness serves each with the
    ``__provider`` the program registered, prints the stack outputs and one delete line per image."""
    # its own emulator (the harness starts one when the environment names none): the program's image
    # names are those of tests/pulumi/test_neutral_program.py, which must not meet these in one cloud
    clouds = ("IMAGEOPS_", "OCI_", "OSC_", "ALIBABA_CLOUD_", "ALICLOUD_")
    env = {k: v for k, v in provider_env(emu_env).items() if not k.startswith(clouds)}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(SCRIPT.parent / "neutral")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    declared = re.search(r"program declares 3 image\(s\): (.*)", out)
    assert declared and set(declared[1].split(", ")) == {"golden-oci", "golden-outscale", "golden-alicloud"}
    assert "no-op diff: 0 API call(s)" in out and "refresh: 3 API call(s) for 3 image(s)" in out
    for cloud in ("oci", "outscale", "alicloud"):  # the neutral state is one word for every cloud
        assert re.search(rf"{cloud}_image_id: \"\S+\"", out) and f'{cloud}_image_state: "available"' in out
    assert len(re.findall(r"\] delete urn:", out)) == 3  # one line per image, though each is deleted twice
