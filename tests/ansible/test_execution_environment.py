"""Execution environments (AWX, Ansible Automation Platform): the built collection declares its
Python and system requirements in ``meta/execution-environment.yml``, ``ansible-builder introspect``
finds them in the installed collection, and ``ansible-builder create`` makes a build context from the
example ``examples/execution-environment/execution-environment.yml`` with the built collection."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COLLECTION = REPO / "ansible_collections" / "imageops" / "cloud"
EXAMPLE = REPO / "examples" / "execution-environment"
BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    assert proc.returncode == 0, f"{args[:3]}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ee-dist")
    run(str(BIN / "ansible-galaxy"), "collection", "build", str(COLLECTION), "--output-path", str(out))
    [built] = out.glob("imageops-cloud-*.tar.gz")
    return built


def _lines(path: Path) -> list[str]:
    return [
        line.split("#", 1)[0].strip()
        for line in path.read_text().splitlines()
        if line.split("#", 1)[0].strip()
    ]


def test_the_built_collection_carries_its_execution_environment_requirements(tarball: Path):
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
        meta = yaml.safe_load(tar.extractfile("meta/execution-environment.yml"))
    assert {"meta/execution-environment.yml", "requirements.txt", "bindep.txt"} <= names
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}


def test_ansible_builder_introspects_the_installed_collection(tarball: Path, tmp_path: Path):
    installed = tmp_path / "collections"
    run(str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(installed))
    found = yaml.safe_load(run(str(BIN / "ansible-builder"), "introspect", "--sanitize", str(installed)))
    python = [entry.split("#")[0].strip() for entry in found["python"]]
    system = [entry.split("#")[0].strip() for entry in found["system"]]
    assert python == _lines(COLLECTION / "requirements.txt") and any(p.startswith("imageops") for p in python)
    assert system == _lines(COLLECTION / "bindep.txt")


def test_ansible_builder_creates_a_context_from_the_example_with_the_built_collection(
    tarball: Path, tmp_path: Path
):
    definition = yaml.safe_load((EXAMPLE / "execution-environment.yml").read_text())
    assert definition["version"] == 3 and definition["dependencies"]["galaxy"] == "requirements.yml"
    example_requirements = yaml.safe_load((EXAMPLE / "requirements.yml").read_text())
    assert [c["name"] for c in example_requirements["collections"]] == ["imageops.cloud"]
    # the same definition, with the built tarball in place of the Galaxy name (as the example says)
    work = tmp_path / "ee"
    work.mkdir()
    (work / "execution-environment.yml").write_text((EXAMPLE / "execution-environment.yml").read_text())
    local = {"collections": [{"name": str(tarball), "type": "file"}]}
    (work / "requirements.yml").write_text(yaml.safe_dump(local))
    run(
        str(BIN / "ansible-builder"),
        "create",
        "-f",
        "execution-environment.yml",
        "--context",
        "context",
        cwd=work,
    )
    context = work / "context"
    containerfile = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists())
    text = containerfile.read_text()
    assert definition["images"]["base_image"]["name"] in text
    assert "ansible-core>=2.17" in text and "install-from-bindep" in text
    assert yaml.safe_load((context / "_build" / "requirements.yml").read_text()) == local
