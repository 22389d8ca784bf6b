"""What the reliability runs need to know about each cloud: how to build an image spec, how to reach
the emulator's first and second account, and where its images live in the emulator's state file.

Everything else in ``tests/reliability`` (faults, crashes, isolation, bad credentials) is written
once, parametrised over these four descriptions.

AWS's EC2 is moto's, whose state lives in memory: the emulator's shim saves moto's backends to the
state file after each write and indexes every AMI there (``aws.images``, deregistered ones kept as
tombstones with ``_deleted``), so AWS is read like the others.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imageops import registry
from imageops.driver import ImageDriver, PollPolicy
from imageops.emulator.testing import cli_environment
from imageops.transport import RetryPolicy

REPO = Path(__file__).resolve().parents[2]
REFUSALS = (400, 401, 403)
"""Statuses of a validation or auth error: a client must never send the same request again."""


def _dict_tags(tags: dict[str, str]) -> Any:
    return dict(tags)


def _list_tags(tags: dict[str, str]) -> Any:
    return [{"key": k, "value": v} for k, v in tags.items()]


@dataclass(frozen=True)
class Cloud:
    name: str
    name_field: str
    tag_field: str
    render_tags: Callable[[dict[str, str]], Any]
    # spec fields of the quickest create, as emulator env variables
    source_env: dict[str, str]
    # driver settings of the first ("") and second ("OTHER_") account, as emulator env variables
    settings_env: Callable[[str], dict[str, str]]
    state_section: str
    state_name: str
    state_owner: str
    state_deleted: str
    # the emulator variable naming the first/second account as the state file records it
    owner_env: Callable[[str], str]
    # driver settings that replace the first account's secret (or key) with a wrong one
    wrong_secret: dict[str, str]

    # -- specs --------------------------------------------------------------------------------
    def spec_args(self, env: dict[str, str], name: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
        args: dict[str, Any] = {field: env[var] for field, var in self.source_env.items()}
        args[self.name_field] = name
        if tags is not None:
            args[self.tag_field] = self.render_tags(tags)
        return args

    def spec(self, env: dict[str, str], name: str, tags: dict[str, str] | None = None) -> Any:
        return registry.spec_type(self.name).parse(self.spec_args(env, name, tags))

    def tags_of(self, attributes: dict[str, Any]) -> dict[str, str]:
        tags = attributes.get(self.tag_field) or {}
        if isinstance(tags, list):
            return {t["key"]: t["value"] for t in tags}
        return dict(tags)

    # -- connections ---------------------------------------------------------------------------
    def settings(self, env: dict[str, str], account: str = "") -> dict[str, str]:
        return {k: env[v] for k, v in self.settings_env(account).items()}

    def connect(self, env: dict[str, str], account: str = "", *, fast: bool = True,
                **extra: Any) -> ImageDriver:
        """A core driver; ``fast`` = retries and polls sized for the emulator's compressed time
        (the backoff stays well under Retry-After, so a retry that ignored it would show)."""
        if fast:
            # the cloud's own policy (ECS also retries its 400 Throttling), with short backoffs
            default = getattr(importlib.import_module(f"imageops.{self.name}"), "RETRY", RetryPolicy())
            extra.setdefault("retry", dataclasses.replace(default, max_attempts=4, backoff_base=0.005,
                                                          max_backoff=0.02))
            extra.setdefault("poll", PollPolicy(first=0.02, longest=0.1, floor=0.1))
        return registry.connect(self.name, **{**self.settings(env, account), **extra})

    # -- the emulator's state file ---------------------------------------------------------------
    def images_in_state(self, state_file: Path, env: dict[str, str], prefix: str,
                        account: str = "") -> list[dict[str, Any]]:
        """Every image of ``account`` whose name starts with ``prefix`` the emulator ever made
        (deleted ones are kept as tombstones): ``{"id", "name", "deleted"}``."""
        data = json.loads(state_file.read_text())
        owner = env[self.owner_env(account)]
        found = []
        for image_id, record in data.get(self.state_section, {}).get("images", {}).items():
            name = record.get(self.state_name) or ""
            if str(record.get(self.state_owner)) == owner and name.startswith(prefix):
                found.append({"id": image_id, "name": name, "deleted": bool(record.get(self.state_deleted))})
        return found


CLOUDS: dict[str, Cloud] = {
    "oci": Cloud(
        name="oci",
        name_field="display_name",
        tag_field="freeform_tags",
        render_tags=_dict_tags,
        source_env={
            "compartment_id": "IMAGEOPS_OCI_COMPARTMENT_ID",
            "instance_id": "IMAGEOPS_OCI_INSTANCE_ID",
        },
        settings_env=lambda acct: {
            "config_file": "IMAGEOPS_OCI_CONFIG_FILE",
            "profile": f"IMAGEOPS_OCI_{acct}PROFILE" if acct else "IMAGEOPS_OCI_PROFILE",
            "endpoint": "IMAGEOPS_OCI_ENDPOINT",
        },
        state_section="oci",
        state_name="displayName",
        state_owner="_tenancy",
        state_deleted="_deleted_at",
        owner_env=lambda acct: f"IMAGEOPS_OCI_{acct}TENANCY_ID",
        wrong_secret={"fingerprint": ":".join(["00"] * 16)},
    ),
    "outscale": Cloud(
        name="outscale",
        name_field="image_name",
        tag_field="tags",
        render_tags=_list_tags,
        source_env={"vm_id": "IMAGEOPS_OUTSCALE_VM_ID"},
        settings_env=lambda acct: {
            "access_key": f"IMAGEOPS_OUTSCALE_{acct}ACCESS_KEY",
            "secret_key": f"IMAGEOPS_OUTSCALE_{acct}SECRET_KEY",
            "region": "IMAGEOPS_OUTSCALE_REGION",
            "endpoint": "IMAGEOPS_OUTSCALE_ENDPOINT",
        },
        state_section="outscale",
        state_name="ImageName",
        state_owner="AccountId",
        state_deleted="_deleted_at",
        owner_env=lambda acct: f"IMAGEOPS_OUTSCALE_{acct}ACCOUNT_ID",
        wrong_secret={"secret_key": "WRONG" * 8},
    ),
    "alicloud": Cloud(
        name="alicloud",
        name_field="image_name",
        tag_field="tags",
        render_tags=_dict_tags,
        source_env={"instance_id": "IMAGEOPS_ALICLOUD_INSTANCE_ID"},
        settings_env=lambda acct: {
            "access_key_id": f"IMAGEOPS_ALICLOUD_{acct}ACCESS_KEY_ID",
            "access_key_secret": f"IMAGEOPS_ALICLOUD_{acct}ACCESS_KEY_SECRET",
            "region": "IMAGEOPS_ALICLOUD_REGION",
            "endpoint": "IMAGEOPS_ALICLOUD_ENDPOINT",
        },
        state_section="alicloud",
        state_name="ImageName",
        state_owner="_account",
        state_deleted="_deleted",
        owner_env=lambda acct: f"IMAGEOPS_ALICLOUD_{acct}ACCOUNT_ID",
        wrong_secret={"access_key_secret": "wrong" * 6},
    ),
    "aws": Cloud(
        name="aws",
        name_field="name",
        tag_field="tags",
        render_tags=_dict_tags,
        source_env={"source_instance_id": "IMAGEOPS_AWS_INSTANCE_ID"},
        settings_env=lambda acct: {
            "access_key": f"IMAGEOPS_AWS_{acct}ACCESS_KEY_ID",
            "secret_key": f"IMAGEOPS_AWS_{acct}SECRET_ACCESS_KEY",
            "region": "IMAGEOPS_AWS_REGION",
            "endpoint_url": "IMAGEOPS_AWS_ENDPOINT",
        },
        state_section="aws",
        state_name="ImageName",
        state_owner="OwnerId",
        state_deleted="_deleted",
        owner_env=lambda acct: f"IMAGEOPS_AWS_{acct}ACCOUNT_ID",
        wrong_secret={"secret_key": "WRONG" * 8},
    ),
}


def second_account_environment(cloud: str, env: dict[str, str]) -> dict[str, str | None]:
    """Overrides for :func:`tool_environment` that make a tool authenticate as the second account
    (the way each cloud's CLI would find it), with no trace of the first account's credentials."""
    if cloud == "oci":
        return {"IMAGEOPS_OCI_PROFILE": env["IMAGEOPS_OCI_OTHER_PROFILE"], "OCI_CLI_PROFILE": None}
    if cloud == "outscale":
        return {
            "OSC_ACCESS_KEY": env["IMAGEOPS_OUTSCALE_OTHER_ACCESS_KEY"],
            "OSC_SECRET_KEY": env["IMAGEOPS_OUTSCALE_OTHER_SECRET_KEY"],
            "IMAGEOPS_OUTSCALE_ACCESS_KEY": None,
            "IMAGEOPS_OUTSCALE_SECRET_KEY": None,
        }
    if cloud == "aws":
        return {
            "AWS_ACCESS_KEY_ID": env["IMAGEOPS_AWS_OTHER_ACCESS_KEY_ID"],
            "AWS_SECRET_ACCESS_KEY": env["IMAGEOPS_AWS_OTHER_SECRET_ACCESS_KEY"],
            "AWS_SESSION_TOKEN": None,
            "IMAGEOPS_AWS_ACCESS_KEY_ID": None,
            "IMAGEOPS_AWS_SECRET_ACCESS_KEY": None,
        }
    return {
        "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID": env["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_ID"],
        "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET": env["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_SECRET"],
        "IMAGEOPS_ALICLOUD_SECURITY_TOKEN": None,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": env["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_ID"],
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": env["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_SECRET"],
    }


def copy_args(cloud: str, env: dict[str, str], source_id: str, name: str) -> dict[str, Any] | None:
    """Spec fields of a copy of ``source_id`` named ``name`` (None: the cloud's image resource has
    no copy, as OCI's ``oci_core_image``)."""
    if cloud == "outscale":
        return {"image_name": name, "source_image_id": source_id,
                "source_region_name": env["IMAGEOPS_OUTSCALE_REGION"]}
    if cloud == "alicloud":
        source = {"source_image_id": source_id, "source_region_id": env["IMAGEOPS_ALICLOUD_REGION"]}
        # ECS copies across regions: the copy is made in another one
        return {"image_name": name, "copy_from": source, "region": env["IMAGEOPS_ALICLOUD_OTHER_REGION"]}
    if cloud == "aws":
        return {"name": name, "source_ami_id": source_id, "source_ami_region": env["IMAGEOPS_AWS_REGION"]}
    return None


def tool_environment(env: dict[str, str], **overrides: str | None) -> dict[str, str]:
    """The environment of an ``ansible-playbook`` or provider-server child: ours without any cloud
    settings, plus the emulator's variables and its first account as each cloud's CLI finds it."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("IMAGEOPS_", "OCI_", "OSC_", "ALIBABA_CLOUD_", "ALICLOUD_", "AWS_",
                                     "ANSIBLE_"))}
    merged = {**base, **env, **cli_environment(env)}
    merged["OCI_CONFIG_FILE"] = env["IMAGEOPS_OCI_CONFIG_FILE"]
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` set to ``values`` for the block (in-process runs that read it, as the CLIs do)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
