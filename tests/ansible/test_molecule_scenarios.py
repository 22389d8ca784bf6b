"""The Molecule scenarios (extensions/molecule/<cloud>) have the shape the issue asks for.

`make molecule` runs them and `make lint-ansible` lints them (both part of `make test`); these
checks keep their shape from drifting."""

from __future__ import annotations

import pytest
import yaml
from ansible_support import COLLECTION

MOLECULE = COLLECTION / "extensions" / "molecule"
CLOUDS = ("oci", "outscale", "alicloud")


def test_shared_config_runs_idempotence_and_verify_around_the_emulator():
    config = yaml.safe_load((MOLECULE / "config.yml").read_text())
    assert config["driver"]["name"] == "default"  # Molecule's delegated driver
    sequence = config["scenario"]["test_sequence"]
    assert sequence.index("create") < sequence.index("converge") < sequence.index("idempotence")
    assert sequence.index("idempotence") < sequence.index("verify") < len(sequence) - 1
    assert sequence[-1] == "destroy"
    playbooks = config["ansible"]["playbooks"]
    assert playbooks["create"].endswith("/emulator/start.yml")
    assert playbooks["destroy"].endswith("/emulator/stop.yml")
    start = (MOLECULE / "emulator" / "start.yml").read_text()
    assert "--host 127.0.0.1 --port 0" in start and "emulator_pid_file" in start


@pytest.mark.parametrize("cloud", CLOUDS)
def test_scenario_converges_with_its_cloud_and_verifies_with_info(cloud):
    assert yaml.safe_load((MOLECULE / cloud / "molecule.yml").read_text())["scenario"]["name"] == cloud
    converge = (MOLECULE / cloud / "converge.yml").read_text()
    verify = (MOLECULE / cloud / "verify.yml").read_text()
    assert f"imageops.cloud.{cloud}_image:" in converge
    assert f"imageops.cloud.{cloud}_image_info:" in verify
    assert "image_id:" in converge  # the in-place update of an image converge made
