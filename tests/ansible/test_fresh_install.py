"""Users' path, end to end, from the artifacts that would be published (issue 18, item 1).

``tools/dist.py --build-only`` builds them once for this file, as ``make dist`` does: the wheel of
``imageops`` and the collection tarball built from a released copy of the collection. A fresh
virtualenv then gets them by the README's Install section, the lines that name the artifacts by path
(``dist/imageops-<v>-py3-none-any.whl[pulumi]``, ``ansible-galaxy collection install
dist/imageops-cloud-<v>.tar.gz``, the installed collection's ``requirements.txt``...), run as
written by ``bash`` with that virtualenv's bin first on PATH and a home of its own. From a directory
outside the repository it runs a playbook with its own ansible-playbook, and the example Pulumi
program through the engine-less harness (``pulumi_images.harness``) with its own python."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from ansible_support import REPO

README = REPO / "README.md"
# The README's Install block: registry names first, then (commented, after this line) the same
# installs by artifact path.
ARTIFACT_MARKER = "# The same from a clone, with the artifacts `make dist` builds"

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
    proc = subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)
    assert proc.returncode == 0, f"{args[:3]}: {proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    return proc


def install_section() -> str:
    text = README.read_text()
    match = re.search(r"^## Install\n\n```sh\n(?P<body>.*?)^```", text, re.M | re.S)
    assert match, "README.md has no ```sh block right under ## Install"
    return match["body"]


def install_lines() -> tuple[list[str], list[str]]:
    """(registry commands, artifact commands) of the Install block, comments dropped."""
    registry_part, marker, artifact_part = install_section().partition(ARTIFACT_MARKER)
    assert marker, f"the Install block has no line starting {ARTIFACT_MARKER!r}"

    def commands(lines: list[str]) -> list[str]:
        return [re.sub(r"\s+#.*$", "", line).strip() for line in lines if line.strip()]

    registry = commands([line for line in registry_part.splitlines() if not line.startswith("#")])
    # the artifact lines are commented out in the block ("#   pip install ..."), one per line
    artifact = commands([line.removeprefix("#") for line in artifact_part.splitlines()[1:]])
    return registry, artifact


def version() -> str:
    return re.search(r'^version = "([^"]+)"', (REPO / "pyproject.toml").read_text(), re.M)[1]  # type: ignore[index]


def test_readme_install_by_path_is_the_registry_install_with_paths_for_names():
    """What the fresh-virtualenv test runs is what the README says: the same commands in the same
    order, `make dist` first, each registry name replaced by the artifact's path."""
    registry, artifact = install_lines()
    v = version()
    assert artifact[0] == "make dist", artifact
    by_path = [
        line.replace("'imageops[", f"'dist/imageops-{v}-py3-none-any.whl[").replace(
            "collection install imageops.cloud", f"collection install dist/imageops-cloud-{v}.tar.gz"
        )
        for line in registry
    ]
    assert artifact[1:] == by_path


@dataclass(frozen=True)
class FreshInstall:
    venv: Path
    home: Path
    workdir: Path  # holds dist/ with the artifacts

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        """A user's shell with the virtualenv activated: nothing of ours but the emulator's env."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(
            extra,
            HOME=str(self.home),
            VIRTUAL_ENV=str(self.venv),
            PATH=f"{self.venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ANSIBLE_NOCOLOR="1",
        )
        return env


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory) -> FreshInstall:
    """Artifacts built once (tools/dist.py --build-only), installed by the README's lines."""
    root = tmp_path_factory.mktemp("fresh-install")
    workdir, home, venv = root / "work", root / "home", root / "venv"
    home.mkdir()
    run([sys.executable, str(REPO / "tools" / "dist.py"), "--build-only", "--out", str(workdir / "dist")])
    v = version()
    for artifact in (f"imageops-{v}-py3-none-any.whl", f"imageops-{v}.tar.gz", f"imageops-cloud-{v}.tar.gz"):
        assert (workdir / "dist" / artifact).is_file(), artifact
    run([sys.executable, "-m", "venv", str(venv)])
    fresh = FreshInstall(venv, home, workdir)
    _, artifact_lines = install_lines()
    script = "\n".join(["set -euo pipefail", *artifact_lines[1:]])  # `make dist`: done above
    run(["bash", "-c", script], cwd=workdir, env=fresh.env({"PIP_DISABLE_PIP_VERSION_CHECK": "1"}))
    return fresh


@pytest.mark.e2e
def test_the_installed_packages_come_from_the_artifacts(fresh_install: FreshInstall):
    python = str(fresh_install.venv / "bin" / "python")
    # every extra's packages import; the project's own come from the virtualenv's site-packages
    probe = (
        "import imageops, pulumi_images, pulumi, ansible, starlette; "
        "print(imageops.__file__, pulumi_images.__file__)"
    )
    where = run([python, "-c", probe], cwd=fresh_install.home, env=fresh_install.env({})).stdout.split()
    site = str(fresh_install.venv / "lib")
    assert all(path.startswith(site) for path in where), where  # a real install, not the checkout
    shown = run([python, "-m", "pip", "show", "imageops"], env=fresh_install.env({})).stdout
    assert f"Version: {version()}" in shown
    installed = fresh_install.home / ".ansible" / "collections" / "ansible_collections" / "imageops" / "cloud"
    manifest = json.loads((installed / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["version"] == version()
    # the released changelog came with the tarball
    assert (installed / "changelogs" / "changelog.yaml").is_file() and (installed / "CHANGELOG.md").is_file()


@pytest.mark.e2e
def test_a_playbook_runs_from_the_installed_collection(fresh_install: FreshInstall, tmp_path: Path, emulator):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "site.yml").write_text(PLAYBOOK)
    env = fresh_install.env(
        {
            **emulator.env,
            "OCI_CONFIG_FILE": emulator.env["IMAGEOPS_OCI_CONFIG_FILE"],
            "ANSIBLE_PYTHON_INTERPRETER": str(fresh_install.venv / "bin" / "python"),
        }
    )
    # no ANSIBLE_COLLECTIONS_PATH: found where `ansible-galaxy collection install` put it, ~/.ansible
    play = run(["ansible-playbook", "-i", "localhost,", "site.yml"], cwd=outside, env=env)
    # no Python warning on a green run (cryptography 51's DSA one: see the `ansible` extra in pyproject.toml)
    assert "Warning:" not in play.stdout + play.stderr, play.stderr
    result = json.loads((outside / "result.json").read_text())
    assert result["made"] is True and result["seen"] == 1 and result["id"].startswith("ocid1.image."), (
        play.stdout
    )


@pytest.mark.e2e
def test_a_pulumi_program_runs_from_the_installed_wheel(
    fresh_install: FreshInstall, tmp_path: Path, emulator
):
    """The example OCI program, up / no-op up / refresh / destroy through the real dynamic-provider
    server of the fresh virtualenv, from a copy outside the repository (so nothing of the checkout
    is on sys.path)."""
    program = tmp_path / "examples" / "pulumi"
    program.mkdir(parents=True)
    for name in ("run_with_harness.py", "__main__.py", "Pulumi.yaml"):
        shutil.copy(REPO / "examples" / "pulumi" / name, program / name)
    env = fresh_install.env({**emulator.env, "OCI_CONFIG_FILE": emulator.env["IMAGEOPS_OCI_CONFIG_FILE"]})
    proc = run(["python", str(program / "run_with_harness.py"), str(program)], cwd=tmp_path, env=env)
    assert "OK: create, no-op diff, delete" in proc.stdout, proc.stdout
    assert "program declares 2 image(s)" in proc.stdout, proc.stdout
