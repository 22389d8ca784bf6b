"""Helpers shared by the Pulumi tests (imported by name: ``tests/pulumi`` is on ``sys.path``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from imageops.emulator.testing import is_read
from pulumi_images.harness import STOCK_SERVER, ProviderHarness

CLOUDS = ("oci", "outscale", "alicloud")


def provider_env(emu_env: dict[str, str], **extra: str) -> dict[str, str]:
    """The provider server's environment: ours without OCI settings, plus the emulator's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "IMAGEOPS_"))}
    env.update(emu_env)
    env.update(extra)
    return env


def cloud_env(cloud: str, emu_env: dict[str, str]) -> dict[str, str]:
    """The server's environment for ``cloud``: the emulator's endpoints and the OCI config file, no
    credentials of the machine (OUTSCALE and Alibaba Cloud keys come from the stack configuration)."""
    env = provider_env(emu_env)
    env = {k: v for k, v in env.items() if not k.startswith(("OSC_", "ALIBABA_CLOUD_", "ALICLOUD_"))}
    if cloud == "alicloud":
        env["HOME"] = os.environ.get("TMPDIR", "/tmp")  # no ~/.aliyun/config.json of the machine
    return env


def cloud_config(cloud: str, emu_env: dict[str, str]) -> dict[str, str]:
    """The stack configuration of the emulator's demo account (secrets as ``--secret`` holds them)."""
    if cloud == "outscale":
        return {
            "imageops:outscaleAccessKey": emu_env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
            "imageops:outscaleSecretKey": emu_env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
            "imageops:outscaleRegion": emu_env["IMAGEOPS_OUTSCALE_REGION"],
        }
    if cloud == "alicloud":
        return {
            "imageops:alicloudRegion": emu_env["IMAGEOPS_ALICLOUD_REGION"],
            "imageops:alicloudAccessKeyId": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
            "imageops:alicloudAccessKeySecret": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        }
    return {}


def cloud_harness(
    cloud: str, emu_env: dict[str, str], *, server: Sequence[str] = STOCK_SERVER, **config: Any
) -> ProviderHarness:
    """A (not yet started) provider server for ``cloud`` against the emulator's demo account."""
    return ProviderHarness(
        cloud, env=cloud_env(cloud, emu_env), config={**cloud_config(cloud, emu_env), **config}, server=server
    )


def from_instance(cloud: str, emu_env: dict[str, str], name: str, **extra: Any) -> dict[str, Any]:
    """Inputs of an image made from the demo instance/VM, named ``name``."""
    if cloud == "oci":
        base = {
            "compartment_id": emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "instance_id": emu_env["IMAGEOPS_OCI_INSTANCE_ID"],
            "display_name": name,
        }
    elif cloud == "outscale":
        base = {"image_name": name, "vm_id": emu_env["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": True}
    else:
        base = {"image_name": name, "instance_id": emu_env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]}
    return {**base, **extra}


def tags_input(cloud: str, tags: dict[str, str]) -> dict[str, Any]:
    """``tags`` in the cloud's own input shape."""
    if cloud == "oci":
        return {"freeform_tags": tags}
    if cloud == "outscale":
        return {"tags": [{"key": k, "value": v} for k, v in sorted(tags.items())]}
    return {"tags": tags}


def tags_output(cloud: str, outputs: dict[str, Any]) -> dict[str, str]:
    if cloud == "oci":
        return dict(outputs["freeform_tags"])
    if cloud == "outscale":
        return {t["key"]: t["value"] for t in outputs["tags"]}
    return dict(outputs["tags"])


def api_calls(emulator: Any, since: int, cloud: str) -> list[dict]:
    """The cloud's API calls after ``since`` (the emulator's own endpoints left out)."""
    calls = emulator.calls(since=since, cloud=cloud)
    return [c for c in calls if not str(c.get("path", "")).startswith("/_emulator")]


def image_reads(emulator: Any, since: int, cloud: str) -> list[dict]:
    return [c for c in api_calls(emulator, since, cloud) if is_read(c)]


def image_writes(emulator: Any, since: int, cloud: str) -> list[dict]:
    return [c for c in api_calls(emulator, since, cloud) if not is_read(c)]
