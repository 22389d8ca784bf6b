"""Every module's EXAMPLES block is code: it runs green against the emulator as written.

The convention the EXAMPLES follow: ids a user must supply are Jinja variables named after what
they hold (``{{ compartment_id }}``, ``{{ vm_id }}``, ``{{ oss_bucket }}``...); this test passes the
emulator's seeded ids as extra vars under those names. Credentials come the way a user keeps them:
the CLI's config file in ``$HOME`` (``~/.oci/config``, ``~/.osc/config.json``,
``~/.aliyun/config.json``), which the ``module_defaults`` examples name by profile.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from ansible_support import make_ansible_env
from shared_clouds import CLOUDS, make_images

pytestmark = [pytest.mark.timeout(300), pytest.mark.e2e]

MODULES = {
    "oci": ("oci_image", "oci_image_info"),
    "outscale": ("outscale_image", "outscale_image_info"),
    "alicloud": ("alicloud_image", "alicloud_image_info"),
    "aws": ("aws_image", "aws_image_info"),
    "image": ("image",),  # the neutral module: every cloud
}
# variable of the EXAMPLES -> the emulator's env variable holding the seeded id
EXAMPLE_VARS = {
    "oci": {
        "compartment_id": "IMAGEOPS_OCI_COMPARTMENT_ID",
        "instance_id": "IMAGEOPS_OCI_INSTANCE_ID",
        "namespace": "IMAGEOPS_OCI_NAMESPACE",
        "bucket": "IMAGEOPS_OCI_BUCKET",
        "object_name": "IMAGEOPS_OCI_OBJECT",
        "image_url": "IMAGEOPS_OCI_OBJECT_URI",
    },
    "outscale": {
        "vm_id": "IMAGEOPS_OUTSCALE_VM_ID",
        "manifest_url": "IMAGEOPS_OUTSCALE_MANIFEST_URL",
        "source_image_id": "IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID",
        "snapshot_id": "IMAGEOPS_OUTSCALE_SNAPSHOT_ID",
        "other_account_id": "IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID",
    },
    "alicloud": {
        "instance_id": "IMAGEOPS_ALICLOUD_INSTANCE_ID",
        "resource_group_id": "IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID",
        "snapshot_id": "IMAGEOPS_ALICLOUD_SNAPSHOT_ID",
        "data_snapshot_id": "IMAGEOPS_ALICLOUD_DATA_SNAPSHOT_ID",
        "oss_bucket": "IMAGEOPS_ALICLOUD_OSS_BUCKET",
        "oss_object": "IMAGEOPS_ALICLOUD_OSS_OBJECT",
    },
    "aws": {
        "instance_id": "IMAGEOPS_AWS_INSTANCE_ID",
        "snapshot_id": "IMAGEOPS_AWS_SNAPSHOT_ID",
        "other_account_id": "IMAGEOPS_AWS_OTHER_ACCOUNT_ID",
    },
    "image": {
        "oci_compartment_id": "IMAGEOPS_OCI_COMPARTMENT_ID",
        "oci_instance_id": "IMAGEOPS_OCI_INSTANCE_ID",
        "oci_image_url": "IMAGEOPS_OCI_OBJECT_URI",
        "outscale_vm_id": "IMAGEOPS_OUTSCALE_VM_ID",
        "manifest_url": "IMAGEOPS_OUTSCALE_MANIFEST_URL",
        "alicloud_instance_id": "IMAGEOPS_ALICLOUD_INSTANCE_ID",
        "alicloud_snapshot_id": "IMAGEOPS_ALICLOUD_SNAPSHOT_ID",
    },
}
# every way a cloud makes an image: the option that selects it must appear in the module's EXAMPLES
SOURCE_OPTIONS = {
    "oci_image": (
        "instance_id", "source_type: objectStorageTuple", "source_type: objectStorageUri",
        "copy_from", "export_to",
    ),
    "outscale_image": ("vm_id", "file_location", "source_image_id", "block_device_mappings"),
    "alicloud_image": ("instance_id", "snapshot_id", "disk_device_mapping", "import_from", "copy_from"),
    "aws_image": ("source_instance_id", "ebs_block_devices", "source_ami_id"),
    "image": ("instance", "snapshot", "import", "copy"),
}
# credential variables that would win over the config files of $HOME
CLI_VARIABLES = (
    "OCI_CONFIG_FILE",
    "IMAGEOPS_OCI_CONFIG_FILE",
    "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID",
    "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def examples(module: str) -> str:
    return importlib.import_module(f"ansible_collections.imageops.cloud.plugins.modules.{module}").EXAMPLES


def write_home(home: Path, env: dict[str, str]) -> None:
    """The CLI config files of a user of the emulator's first account in each cloud."""
    (home / ".oci").mkdir(parents=True)
    shutil.copy(env["IMAGEOPS_OCI_CONFIG_FILE"], home / ".oci" / "config")
    (home / ".osc").mkdir()
    osc = {
        "access_key": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        "secret_key": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "region": env["IMAGEOPS_OUTSCALE_REGION"],
        "endpoints": {"api": env["IMAGEOPS_OUTSCALE_ENDPOINT"]},
    }
    (home / ".osc" / "config.json").write_text(json.dumps({"default": osc}))
    (home / ".aliyun").mkdir()
    profile = {
        "name": "default",
        "mode": "AK",
        "access_key_id": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "access_key_secret": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "region_id": env["IMAGEOPS_ALICLOUD_REGION"],
    }
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": "default", "profiles": [profile]}))
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {env['IMAGEOPS_AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {env['IMAGEOPS_AWS_SECRET_ACCESS_KEY']}\n"
    )
    (home / ".aws" / "config").write_text(f"[default]\nregion = {env['IMAGEOPS_AWS_REGION']}\n")


@pytest.mark.parametrize("module", [m for pair in MODULES.values() for m in pair])
def test_examples_run_green(module, play, emulator, tmp_path, monkeypatch):
    cloud = module.split("_")[0]
    text = examples(module)
    for option in SOURCE_OPTIONS.get(module, ()):
        assert re.search(rf"^\s+{option}\b", text, re.M), f"no EXAMPLE of {module} uses {option}"
    tasks = yaml.safe_load(text)
    used = set(re.findall(r"\{\{\s*(\w+)", text)) - {"item"}
    registered = {t["register"] for t in tasks if "register" in t}
    extra = {var: emulator.env[env] for var, env in EXAMPLE_VARS[cloud].items()}
    if "image_id" in used - registered:  # the info modules show a lookup by id of an existing image
        extra["image_id"] = make_images(CLOUDS[cloud], emulator, monkeypatch, 1, prefix="example-by-id")[0]
    assert used - registered <= set(extra), (
        f"{module} EXAMPLES use unknown variables {used - registered - set(extra)}"
    )

    home = tmp_path / "home"
    write_home(home, emulator.env)
    env = make_ansible_env(emulator, HOME=str(home), **{v: None for v in CLI_VARIABLES})
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    playbook = "- hosts: localhost\n  gather_facts: false\n  tasks:\n" + textwrap.indent(
        text.strip("\n"), "    "
    )
    done = play(playbook + "\n", "-e", f"@{tmp_path / 'vars.json'}", env=env)
    assert done.failed == 0
    assert [t["status"] for t in done.tasks if t["status"] not in ("ok", "changed")] == []
    assert len(done.tasks) >= len(tasks)
