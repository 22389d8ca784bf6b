"""What the shared-behaviour tests need to know about each cloud: its modules, options and seeds.

Every behaviour the module base gives all clouds is tested once, parametrised over these three
descriptions; nothing else in the tests is cloud-specific.
"""

from __future__ import annotations

import configparser
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ansible_support import make_ansible_env

from imageops import registry
from imageops.emulator.testing import cli_environment, is_read

# variables every playbook of a cloud gets, from the emulator's env file
SEED_VARS = {
    "oci": {
        "compartment_id": "IMAGEOPS_OCI_COMPARTMENT_ID",
        "instance_id": "IMAGEOPS_OCI_INSTANCE_ID",
        "object_uri": "IMAGEOPS_OCI_OBJECT_URI",
    },
    "outscale": {
        "vm_id": "IMAGEOPS_OUTSCALE_VM_ID",
        "manifest_url": "IMAGEOPS_OUTSCALE_MANIFEST_URL",
    },
    "aws": {
        "instance_id": "IMAGEOPS_AWS_INSTANCE_ID",
        "snapshot_id": "IMAGEOPS_AWS_SNAPSHOT_ID",
    },
    "alicloud": {
        "instance_id": "IMAGEOPS_ALICLOUD_INSTANCE_ID",
        "oss_bucket": "IMAGEOPS_ALICLOUD_OSS_BUCKET",
        "oss_object": "IMAGEOPS_ALICLOUD_OSS_OBJECT",
    },
}


def _dict_tags(tags: dict[str, str]) -> object:
    return dict(tags)


def _list_tags(tags: dict[str, str]) -> object:
    return [{"key": k, "value": v} for k, v in tags.items()]


@dataclass(frozen=True)
class Cloud:
    name: str
    module: str
    info_module: str
    name_option: str
    tag_option: str
    # task options of the quickest create (besides the name), and of a slow one (an import)
    source: dict[str, object]
    slow_source: dict[str, object]
    # the task options carrying auth, with the emulator env variable each comes from
    auth_options: dict[str, str]
    # variables removed from the environment so that only the task options authenticate
    credential_env: tuple[str, ...]
    # options that authenticate with a secret given in the task: {option: value or "{secret}"}
    secret_options: dict[str, str]
    render_tags: Callable[[dict[str, str]], object] = _dict_tags
    id_key: str = "id"
    info_scope: dict[str, object] = field(default_factory=dict)
    # where the account of ``secret_options`` lists its images
    secret_scope: dict[str, object] = field(default_factory=dict)

    @property
    def group(self) -> str:
        return f"group/imageops.cloud.{self.name}"

    def task(self, title: str, name: str, tags: dict[str, str] | None = None, **extra: object) -> dict:
        """A task of the managing module creating (or converging) image ``name`` from the quick source."""
        args: dict[str, object] = {self.name_option: name, **self.source}
        if tags is not None:
            args[self.tag_option] = self.render_tags(tags)
        args.update(extra)
        return {"name": title, self.module: args}

    def info(self, title: str, **args: object) -> dict:
        return {"name": title, self.info_module: {**self.info_scope, **args}}

    def playbook(self, tasks: list[dict], **play: object) -> str:
        """A one-play playbook (JSON is YAML) with the cloud's seeded ids as variables."""
        variables = {
            var: f"{{{{ lookup('ansible.builtin.env', '{env}') }}}}"
            for var, env in SEED_VARS[self.name].items()
        }
        return json.dumps(
            [{"hosts": "localhost", "gather_facts": False, "vars": variables, **play, "tasks": tasks}]
        )

    def env(self, emulator, **overrides) -> dict[str, str]:
        """An ansible run authenticated as the cloud's CLI would be."""
        return make_ansible_env(emulator, **{**cli_environment(emulator.env), **overrides})

    def calls(self, emulator, mark) -> tuple[list[dict], list[dict]]:
        """(reads, writes) this cloud's API received since ``mark``."""
        made = [
            c
            for c in emulator.calls(since=mark, cloud=self.name)
            if not str(c.get("path", "")).startswith("/_emulator")
        ]
        return [c for c in made if is_read(c)], [c for c in made if not is_read(c)]

    def secret(self, emulator) -> str:
        """The secret a user of the emulator's (first, or for OCI encrypted-key) account holds."""
        if self.name == "oci":
            parser = configparser.ConfigParser()
            parser.read(emulator.env["IMAGEOPS_OCI_CONFIG_FILE"])
            return parser["OTHER"]["pass_phrase"]
        return emulator.env[self.auth_options[next(iter(self.secret_options))]]

    def with_secret(self, value: str) -> dict[str, str]:
        return {k: v.replace("{secret}", value) for k, v in self.secret_options.items()}

    def tags_of(self, image: dict) -> dict[str, str]:
        tags = image.get(self.tag_option) or {}
        if isinstance(tags, list):
            return {t["key"]: t["value"] for t in tags}
        return dict(tags)


CLOUDS = {
    "oci": Cloud(
        name="oci",
        module="imageops.cloud.oci_image",
        info_module="imageops.cloud.oci_image_info",
        name_option="display_name",
        tag_option="freeform_tags",
        source={"compartment_id": "{{ compartment_id }}", "instance_id": "{{ instance_id }}"},
        slow_source={
            "compartment_id": "{{ compartment_id }}",
            "image_source_details": {"source_type": "objectStorageUri", "source_uri": "{{ object_uri }}"},
        },
        auth_options={
            "config_file_location": "IMAGEOPS_OCI_CONFIG_FILE",
            "endpoint": "IMAGEOPS_OCI_ENDPOINT",
        },
        credential_env=("OCI_CONFIG_FILE", "IMAGEOPS_OCI_CONFIG_FILE", "IMAGEOPS_OCI_ENDPOINT"),
        secret_options={"config_profile_name": "OTHER", "api_user_key_pass_phrase": "{secret}"},
        info_scope={"compartment_id": "{{ compartment_id }}"},
        secret_scope={
            "compartment_id": "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_OTHER_COMPARTMENT_ID') }}"
        },
    ),
    "outscale": Cloud(
        name="outscale",
        module="imageops.cloud.outscale_image",
        info_module="imageops.cloud.outscale_image_info",
        name_option="image_name",
        tag_option="tags",
        source={"vm_id": "{{ vm_id }}", "no_reboot": True},
        slow_source={"file_location": "{{ manifest_url }}"},
        auth_options={
            "access_key": "IMAGEOPS_OUTSCALE_ACCESS_KEY",
            "secret_key": "IMAGEOPS_OUTSCALE_SECRET_KEY",
            "region": "IMAGEOPS_OUTSCALE_REGION",
        },
        credential_env=("OSC_ACCESS_KEY", "OSC_SECRET_KEY", "OSC_REGION"),
        secret_options={"secret_key": "{secret}"},
        render_tags=_list_tags,
    ),
    "alicloud": Cloud(
        name="alicloud",
        module="imageops.cloud.alicloud_image",
        info_module="imageops.cloud.alicloud_image_info",
        name_option="image_name",
        tag_option="tags",
        source={"instance_id": "{{ instance_id }}"},
        slow_source={
            "import_from": {
                "oss_bucket": "{{ oss_bucket }}",
                "oss_object": "{{ oss_object }}",
                "format": "QCOW2",
            }
        },
        auth_options={
            "alicloud_access_key": "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID",
            "alicloud_secret_key": "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET",
            "alicloud_region": "IMAGEOPS_ALICLOUD_REGION",
        },
        credential_env=(
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "ALIBABA_CLOUD_REGION_ID",
            "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID",
            "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET",
            "IMAGEOPS_ALICLOUD_REGION",
        ),
        secret_options={"alicloud_secret_key": "{secret}"},
    ),
}


CLOUDS["aws"] = Cloud(
    name="aws",
    module="imageops.cloud.aws_image",
    info_module="imageops.cloud.aws_image_info",
    name_option="name",
    tag_option="tags",
    source={"source_instance_id": "{{ instance_id }}", "snapshot_without_reboot": True},
    slow_source={
        "root_device_name": "/dev/xvda",
        "ebs_block_devices": [{"device_name": "/dev/xvda", "snapshot_id": "{{ snapshot_id }}"}],
    },
    auth_options={
        "access_key": "IMAGEOPS_AWS_ACCESS_KEY_ID",
        "secret_key": "IMAGEOPS_AWS_SECRET_ACCESS_KEY",
        "region": "IMAGEOPS_AWS_REGION",
    },
    credential_env=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"),
    secret_options={"secret_key": "{secret}"},
)


def make_images(cloud: Cloud, emulator, monkeypatch, count: int, *, prefix: str) -> list[str]:
    """``count`` tagged images made through the core, as fast as the API takes them (no waiting)."""
    for key, value in {**emulator.env, **cli_environment(emulator.env)}.items():
        monkeypatch.setenv(key, value)
    spec_type = registry.spec_type(cloud.name)
    seeds = {var: os.environ[env] for var, env in SEED_VARS[cloud.name].items()}

    def create(number: int) -> str:
        args = {k: _render(v, seeds) for k, v in cloud.source.items()}
        args[cloud.name_option] = f"{prefix}-{number:03d}"
        args[cloud.tag_option] = cloud.render_tags({"batch": prefix, "number": str(number)})
        return driver.create(spec_type.parse(args)).id

    driver = registry.connect(cloud.name)
    try:  # a few at a time: the emulator serves them concurrently, as a cloud would
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(create, range(count)))
    finally:
        driver.close()


def _render(value: object, seeds: dict[str, str]) -> object:
    """A source option with its ``{{ var }}`` replaced by the seeded id."""
    if isinstance(value, str) and value.startswith("{{ "):
        return seeds[value.strip("{} ")]
    return value
