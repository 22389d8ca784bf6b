"""Capture the release-0.1 compatibility fixtures from the code as it is now. Run by hand, not by pytest.

From the repository root, with the project's virtualenv::

    .venv/bin/python tests/compat/capture.py

It starts the emulator (``imageops emulator serve --state-file ...``) on a fresh state file in a
temporary directory, then, in that one emulated world:

* Pulumi: for each cloud and each main source mode (OCI ``instance_id`` and an
  ``image_source_details`` object-storage tuple; OUTSCALE ``vm_id`` and a copy by
  ``source_image_id`` of the ``vm_id`` image; Alibaba Cloud ``instance_id`` and ``snapshot_id``), the
  inputs a program registers through ``pulumi_images.<cloud>.Image`` (``set_mocks``), then the
  engine's Check and Create through the real dynamic-provider server (``pulumi_images.harness``), as
  ``pulumi up`` does. Recorded per resource: type, URN, id, the program's inputs, the checked inputs
  and the outputs the engine keeps in its state (both with ``__provider``, the pickled provider).
* Ansible: one image per cloud made by a real ``ansible-playbook`` run of the cloud's module, with
  the options given and the ``image`` the module returned.

The emulator is then stopped (it saves its state) and everything is written to
``tests/compat/fixtures/release_0_1/``: ``pulumi-resources.json``, ``ansible-images.json`` and
``emulator-state.json`` (the state file as the emulator wrote it; restarted from a copy of it, the
emulator has these images again). ``tests/compat/test_compat_release_0_1.py`` replays them.

The fixtures must come from the release's code, not from a tree being changed. The committed set was
captured from a clean export of commit 8808c7c (release 0.1), with this folder's Python files copied
in::

    git archive 8808c7c | tar -x -C /tmp/release-0.1
    mkdir -p /tmp/release-0.1/tests/compat && cp tests/compat/*.py /tmp/release-0.1/tests/compat/
    cd /tmp/release-0.1 && PYTHONPATH=$PWD/shared:$PWD /path/to/repo/.venv/bin/python tests/compat/capture.py
    cp -r /tmp/release-0.1/tests/compat/fixtures/release_0_1 /path/to/repo/tests/compat/fixtures/

(``PYTHONPATH`` wins over the venv's editable install, so the exported code is the code that runs.)
Re-running replaces the fixtures with new ids: only do that on purpose, for a new release's set.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# The Pulumi and Ansible suites' helpers, as tests/compat/conftest.py adds them for pytest (this folder
# is sys.path[0] already: the script's own).
sys.path.extend(str(Path(__file__).resolve().parents[1] / suite) for suite in ("pulumi", "ansible"))

from ansible_support import run_playbook
from compat_support import (
    ANSIBLE_FILE,
    FIXTURES,
    PULUMI_FILE,
    RELEASE,
    STATE_FILE,
    ansible_env,
    ansible_playbook,
    write_json,
)
from test_pulumi_clouds import registered_inputs
from tests_pulumi_support import CLOUDS, cloud_harness, source_inputs, tags_input

import pulumi_images
from imageops.emulator.testing import running_emulator
from pulumi_images.harness import Engine, resource_type

#: The source modes recorded per cloud (names of ``tests_pulumi_support.SOURCE_MODES``), in order: a
#: copy is made from the image of the cloud's first mode.
PULUMI_MODES = {
    "oci": ("instance", "tuple"),
    "outscale": ("vm", "copy"),
    "alicloud": ("instance", "snapshot"),
}
TAGS = {"compat": f"release-{RELEASE}"}


def capture_pulumi(env: dict[str, str]) -> list[dict[str, Any]]:
    resources = []
    for cloud in CLOUDS:
        resource_class = getattr(pulumi_images, cloud).Image
        with cloud_harness(cloud, env) as harness:
            engine = Engine(harness, log=print)
            first_id = ""
            for mode in PULUMI_MODES[cloud]:
                name = f"compat-{cloud}-{mode}"
                given = {**source_inputs(cloud, mode, env, name, first_id), **tags_input(cloud, TAGS)}
                program = registered_inputs(lambda cls=resource_class, n=name, g=given: cls(n, **g))
                state, action = engine.up(name, program)
                assert action == "create", action
                first_id = first_id or state.id
                resources.append(
                    {
                        "cloud": cloud,
                        "mode": mode,
                        "name": name,
                        "type": resource_type(cloud),
                        "urn": state.urn,
                        "id": state.id,
                        "program_inputs": program,
                        "inputs": state.inputs,
                        "outputs": state.outputs,
                    }
                )
    return resources


def ansible_tasks(env: dict[str, str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Per cloud: the module and its options (literal values, credentials from the environment)."""
    return {
        "oci": (
            "imageops.cloud.oci_image",
            {
                "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
                "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
                "display_name": "compat-ansible-oci",
                "freeform_tags": TAGS,
            },
        ),
        "outscale": (
            "imageops.cloud.outscale_image",
            {
                "image_name": "compat-ansible-outscale",
                "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"],
                "no_reboot": True,
                "tags": [{"key": k, "value": v} for k, v in TAGS.items()],
            },
        ),
        "alicloud": (
            "imageops.cloud.alicloud_image",
            {
                "image_name": "compat-ansible-alicloud",
                "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
                "tags": TAGS,
            },
        ),
    }


def capture_ansible(emulator: Any, workdir: Path) -> list[dict[str, Any]]:
    images = []
    for cloud, (module, options) in ansible_tasks(emulator.env).items():
        run = run_playbook(workdir, ansible_playbook(module, options), env=ansible_env(emulator))
        result = run.result("compat")
        assert result.get("changed") is True, result
        print(f"ansible {module}: {result['image']['id']}")
        images.append({"cloud": cloud, "module": module, "options": options, "image": result["image"]})
    return images


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="imageops-compat-") as tmp:
        work = Path(tmp)
        state = work / "emulator-state.json"
        with running_emulator(time_scale=0.01, state_file=state, workdir=work / "emulator") as emulator:
            resources = capture_pulumi(dict(emulator.env))
            ansible_work = work / "ansible"
            ansible_work.mkdir()
            images = capture_ansible(emulator, ansible_work)
        # stopped: the emulator has saved its state
        FIXTURES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(state, STATE_FILE)
    write_json(PULUMI_FILE, resources)
    write_json(ANSIBLE_FILE, images)
    for path in (STATE_FILE, PULUMI_FILE, ANSIBLE_FILE):
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
