"""Acceptance: a fourth cloud is one new package, its one registration and the generated files.

The toy cloud (``tests/codegen/toy``: declaration, spec, a driver over a JSON file playing the cloud)
is copied into a temporary tree, registered in ``imageops/registry.py`` and generated for; nothing
else is edited. Then a playbook converges and re-runs with ``changed=0``, and a Pulumi lifecycle runs
through the dynamic-provider server, both against the toy cloud.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ansible_support import make_ansible_env

from imageops.codegen.ansible import SANITY_RELEASES
from imageops.codegen.common import GENERATED

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

PLAYBOOK = """\
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: golden
      imageops.cloud.toy_image:
        name: golden
        machine_id: m-1
        description: the golden toy
        tags: {team: images}
      register: golden
    - name: read it back
      imageops.cloud.toy_image_info:
        name: golden
      register: found
    - name: check
      ansible.builtin.assert:
        that:
          - found.images | length == 1
          - found.images[0].id == golden.image.id
          - found.images[0].description == "the golden toy"
"""

LIFECYCLE = """\
import json, sys
from pulumi_images.harness import Engine, ProviderHarness

inputs = {"name": "web", "machine_id": "m-2", "description": "first", "tags": {"a": "1"}}
out = {}
with ProviderHarness("toy") as harness:
    engine = Engine(harness)
    state, out["first"] = engine.up("web", inputs)
    out["id"] = state.id
    before = len(harness.calls)
    state, out["second"] = engine.up("web", inputs, state)
    out["second_calls"] = harness.calls[before:]
    state, out["third"] = engine.up("web", {**inputs, "description": "second"}, state)
    out["description"] = state.outputs["description"]
    state, out["fourth"] = engine.up("web", {**inputs, "description": "second", "flavour": "mint"}, state)
    out["replaced_id"] = state.id
    refreshed = engine.refresh(state)
    out["refreshed"] = refreshed.outputs["flavour"]
    engine.destroy(state)
json.dump(out, sys.stdout)
"""


#: Generated files whose format allows no header: the sanity ignore files (codegen.ansible.sanity_ignores).
HEADERLESS = {
    f"ansible_collections/imageops/cloud/tests/sanity/ignore-{release}.txt" for release in SANITY_RELEASES
}


def _generated(path: Path, relative: Path) -> bool:
    head = path.read_text(errors="replace")[:400]
    return GENERATED.split("{")[0] in head or relative.as_posix() in HEADERLESS


def test_a_toy_cloud_is_one_package_one_registration_and_generated_files(tree, tmp_path):
    shutil.copytree(HERE / "toy", tree.root / "shared" / "imageops" / "toy")
    tree.edit(
        "shared/imageops/registry.py",
        '    "alicloud": "imageops.alicloud",\n',
        '    "alicloud": "imageops.alicloud",\n    "toy": "imageops.toy",\n',
    )
    tree.generate()

    # nothing else edited: every file that differs from this checkout is the toy package, the
    # registration, or a generated file
    changed = []
    for path in sorted(tree.root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(tree.root)
        original = REPO / relative
        if original.exists() and original.read_bytes() == path.read_bytes():
            continue
        changed.append(relative)
    hand_written = [
        p for p in changed
        if p.parts[:3] != ("shared", "imageops", "toy") and not _generated(tree.root / p, p)
    ]  # fmt: skip
    assert hand_written == [Path("shared/imageops/registry.py")]
    assert Path("ansible_collections/imageops/cloud/plugins/modules/toy_image.py") in changed
    assert Path("pulumi_images/toy.py") in changed

    # one playbook: converge, then the same again changes nothing
    state_file = tmp_path / "toy-cloud.json"
    (tmp_path / "play.yml").write_text(PLAYBOOK)
    env = make_ansible_env(
        ANSIBLE_COLLECTIONS_PATH=str(tree.root),
        PYTHONPATH=tree.env()["PYTHONPATH"],
        TOY_STATE_FILE=str(state_file),
        ANSIBLE_CALLBACKS_ENABLED=None,
        ANSIBLE_CALLBACK_PLUGINS=None,
    )
    playbook = Path(sys.executable).with_name("ansible-playbook")
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [str(playbook), "-i", "localhost,", str(tmp_path / "play.yml")],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        runs.append(done.stdout)
    assert "changed=1" in runs[0]
    assert "changed=0" in runs[1] and "failed=0" in runs[1]
    cloud = json.loads(state_file.read_text())
    assert list(cloud["images"]) == ["toy-1"]
    assert cloud["calls"].count("write") == 1  # the create; the re-run only read

    # one Pulumi lifecycle through the dynamic-provider server
    pulumi_state = tmp_path / "pulumi-toy.json"
    done = tree.python("-c", LIFECYCLE, TOY_STATE_FILE=str(pulumi_state))
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout)
    assert (out["first"], out["second"], out["third"], out["fourth"]) == (
        "create",
        "same",
        "update",
        "replace",
    )
    assert out["second_calls"] == ["Check", "Diff"]  # no-change diff: no Create/Update/Read
    assert out["description"] == "second"
    assert out["replaced_id"] != out["id"] and out["refreshed"] == "mint"
    cloud = json.loads(pulumi_state.read_text())
    assert [image["state"] for image in cloud["images"].values()] == ["deleted", "deleted"]
