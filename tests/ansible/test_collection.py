"""The collection as users get it: ansible-doc, the galaxy build and install, the example playbook."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLLECTION = REPO / "ansible_collections" / "imageops" / "cloud"
EXAMPLE = REPO / "examples" / "ansible" / "oci_image.yml"
BIN = Path(sys.executable).parent
MODULES = ("oci_image", "oci_image_info")


def _argspec_names(spec: dict, prefix: str = "") -> set[str]:
    names = set()
    for name, option in spec.items():
        names.add(prefix + name)
        names |= _argspec_names(option.get("options") or {}, f"{prefix}{name}.")
    return names


def _doc_names(options: dict, prefix: str = "") -> set[str]:
    names = set()
    for name, option in options.items():
        names.add(prefix + name)
        names |= _doc_names(option.get("suboptions") or {}, f"{prefix}{name}.")
    return names


def _module_argspec(name: str) -> set[str]:
    """Every option (dotted for suboptions) the module really accepts."""
    import importlib

    module = importlib.import_module(f"ansible_collections.imageops.cloud.plugins.modules.{name}")
    return _argspec_names(module.ARGUMENT_SPEC)


def test_ansible_doc_renders_every_option(ansible_env):
    env = ansible_env()
    names = [f"imageops.cloud.{m}" for m in MODULES]
    text = subprocess.run(
        [str(BIN / "ansible-doc"), *names], capture_output=True, text=True, env=env, timeout=120
    )
    assert text.returncode == 0, text.stderr
    assert "WARNING" not in text.stderr and "ERROR" not in text.stderr, text.stderr
    as_json = subprocess.run(
        [
            str(
                BIN / "ansible-doc",
            ),
            "--json",
            *names,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert as_json.returncode == 0, as_json.stderr
    docs = json.loads(as_json.stdout)
    for module in MODULES:
        doc = docs[f"imageops.cloud.{module}"]
        documented = _doc_names(doc["doc"]["options"])
        assert documented == _module_argspec(module), module
        for option in documented:
            assert option.rsplit(".", 1)[-1] in text.stdout, option
        for option, spec in doc["doc"]["options"].items():
            assert spec.get("version_added") == "0.1.0", (module, option)
        assert doc["examples"].strip() and doc["return"], module
        assert "image" in doc["return"] or "images" in doc["return"]


def test_galaxy_build_and_install(tmp_path, ansible_env, play, emulator):
    assert (COLLECTION / "galaxy.yml").is_symlink()
    assert (COLLECTION / "galaxy.yml").resolve() == REPO / "galaxy.yml"
    env = ansible_env()
    build = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", str(COLLECTION), "--output-path", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr + build.stdout
    tarball = tmp_path / "imageops-cloud-0.1.0.tar.gz"
    with tarfile.open(tarball) as tar:
        members = set(tar.getnames())
        manifest = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
    for required in (
        "README.md",
        "LICENSE",
        "requirements.txt",
        "meta/runtime.yml",
        "plugins/modules/oci_image.py",
        "plugins/modules/oci_image_info.py",
        "plugins/module_utils/image_module.py",
        "plugins/action/oci_image.py",
    ):
        assert required in members, required
    assert not [m for m in members if "__pycache__" in m or m.startswith("tests/output") or ".cache" in m]
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == ("imageops", "cloud", "0.1.0")
    assert manifest["license"] == ["Apache-2.0"]

    installed = tmp_path / "installed"
    install = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(installed)],
        capture_output=True,
        text=True,
        timeout=120,
        env=ansible_env(ANSIBLE_COLLECTIONS_PATH=str(installed)),
    )
    assert install.returncode == 0, install.stderr + install.stdout
    run = play(
        """\
- hosts: localhost
  gather_facts: false
  tasks:
    - name: installed
      imageops.cloud.oci_image:
        compartment_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_COMPARTMENT_ID') }}"
        instance_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_INSTANCE_ID') }}"
        display_name: from-installed-collection
""",
        env=ansible_env(emulator, ANSIBLE_COLLECTIONS_PATH=str(installed)),
    )
    assert run.changed == 1
    assert (installed / "ansible_collections/imageops/cloud/plugins/modules/oci_image.py").is_file()


def test_example_playbook_converges_then_changes_nothing(play, emulator):
    first = play(EXAMPLE)
    assert first.changed == 2, [(t["name"], t["status"]) for t in first.tasks]
    mark = emulator.mark()
    second = play(EXAMPLE)
    assert second.changed == 0
    assert second.failed == 0
    calls = emulator.calls(since=mark)
    assert [c for c in calls if c["method"] != "GET"] == []
    assert len(calls) == 2  # one read per image
    shown = [r["msg"] for r in second.result("Show them")["results"]]
    assert any(m.startswith("example-web: ") and "(AVAILABLE" in m for m in shown)
    assert any(m.startswith("example-imported: ") and "(AVAILABLE" in m for m in shown)
