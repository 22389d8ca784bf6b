"""Galaxy users' path, end to end: build the collection and the core's wheel, make a fresh
virtualenv, `pip install -r` the collection's requirements.txt (the core resolved to the locally
built wheel), `ansible-galaxy collection install` the tarball, and run a playbook from a directory
outside the repository with that virtualenv's own ansible-playbook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ansible_support import REPO

COLLECTION = REPO / "ansible_collections" / "imageops" / "cloud"

PLAYBOOK = """\
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: image from the installed collection
      imageops.cloud.oci_image:
        compartment_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_COMPARTMENT_ID') }}"
        instance_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_INSTANCE_ID') }}"
        display_name: from-a-fresh-venv
      register: made
    - name: read back through the info module
      imageops.cloud.oci_image_info:
        image_id: "{{ made.image.id }}"
      register: seen
    - name: record
      ansible.builtin.copy:
        content: "{{ {'made': made.changed, 'id': made.image.id, 'seen': seen.images | length} | to_json }}"
        dest: "{{ playbook_dir }}/result.json"
        mode: "0600"
"""


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert proc.returncode == 0, f"{args[:3]}: {proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    return proc


@pytest.mark.e2e
def test_built_collection_and_wheel_work_in_a_fresh_virtualenv(tmp_path: Path, emulator):
    dist = tmp_path / "dist"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-w",
            str(dist),
            str(REPO),
        ]
    )
    [wheel] = dist.glob("imageops-*.whl")
    bin_dir = Path(sys.executable).parent
    run([str(bin_dir / "ansible-galaxy"), "collection", "build", str(COLLECTION), "--output-path", str(dist)])
    [tarball] = dist.glob("imageops-cloud-*.tar.gz")

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, str(wheel), "ansible-core>=2.17"])
    run([*pip, "-r", str(COLLECTION / "requirements.txt")])  # satisfied by the local wheel
    shown = run([str(venv / "bin" / "python"), "-m", "pip", "show", "-f", "imageops"]).stdout
    assert str(REPO) not in shown  # a real install, not the editable checkout

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "site.yml").write_text(PLAYBOOK)
    collections = tmp_path / "collections"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(
        emulator.env,
        OCI_CONFIG_FILE=emulator.env["IMAGEOPS_OCI_CONFIG_FILE"],
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_PYTHON_INTERPRETER=str(venv / "bin" / "python"),
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        PATH=f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
    )
    run(
        [str(venv / "bin" / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(collections)],
        env=env,
    )

    run([str(venv / "bin" / "ansible-playbook"), "-i", "localhost,", "site.yml"], cwd=outside, env=env)
    result = json.loads((outside / "result.json").read_text())
    assert result["made"] is True and result["seen"] == 1 and result["id"].startswith("ocid1.image.")
