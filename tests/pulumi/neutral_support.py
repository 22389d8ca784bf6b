"""What the neutral-image Pulumi tests share: one provider server per cloud speaking for
``pulumi_images.Image``, each cloud's credentials through its stack configuration, and call counting."""

from __future__ import annotations

import os

from pulumi.dynamic.dynamic import serialize_provider

from imageops.emulator.testing import is_read
from pulumi_images._neutral_provider import NeutralImageProvider
from pulumi_images.harness import ProviderHarness

CLOUDS = ("oci", "outscale", "alicloud", "aws")


def server_env(emu_env: dict[str, str]) -> dict[str, str]:
    """The server's environment: no cloud settings of this machine; the emulator's endpoints, and the
    OCI config file it wrote (the OCI provider reads credentials from a file, as the OCI CLI does)."""
    machine = ("OCI_", "IMAGEOPS_", "OSC_", "ALIBABA_CLOUD_", "ALICLOUD_", "AWS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(machine)}
    env.update({k: v for k, v in emu_env.items() if k.endswith("_ENDPOINT")})
    # OCI serves each region under its own path: without these every region is the home region's.
    env.update({k: emu_env[k] for k in ("IMAGEOPS_OCI_ENDPOINT_TEMPLATE", "IMAGEOPS_OCI_REGION")})
    env["IMAGEOPS_OCI_CONFIG_FILE"] = emu_env["IMAGEOPS_OCI_CONFIG_FILE"]
    env["HOME"] = os.environ.get("TMPDIR", "/tmp")  # no ~/.osc, ~/.aliyun or ~/.aws of the machine
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def stack_config(emu_env: dict[str, str]) -> dict[str, str]:
    """The stack configuration of a program spanning the clouds (secrets as ``--secret`` holds them)."""
    return {
        "imageops:outscaleAccessKey": emu_env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        "imageops:outscaleSecretKey": emu_env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "imageops:outscaleRegion": emu_env["IMAGEOPS_OUTSCALE_REGION"],
        "imageops:alicloudAccessKeyId": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "imageops:alicloudAccessKeySecret": emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "imageops:alicloudRegion": emu_env["IMAGEOPS_ALICLOUD_REGION"],
        "imageops:awsAccessKey": emu_env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        "imageops:awsSecretKey": emu_env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
        "imageops:awsRegion": emu_env["IMAGEOPS_AWS_REGION"],
    }


class NeutralHarness(ProviderHarness):
    """The dynamic-provider server, with ``__provider`` = the neutral provider of ``cloud`` (what
    ``pulumi_images.Image(cloud=...)`` pickles), or the blob a program registered."""

    def __init__(self, cloud: str, emu_env: dict[str, str], blob: str | None = None) -> None:
        super().__init__(cloud, env=server_env(emu_env), config=stack_config(emu_env))
        self.provider_blob = blob or serialize_provider(NeutralImageProvider(cloud))


def api_calls(emulator, since: int, cloud: str | None = None) -> list[dict]:
    calls = emulator.calls(since=since, cloud=cloud)
    return [c for c in calls if not str(c.get("path", "")).startswith("/_emulator")]


def writes(emulator, since: int, cloud: str | None = None) -> list[str]:
    return [c.get("action") or c["path"] for c in api_calls(emulator, since, cloud) if not is_read(c)]


def instance_source(cloud: str, emu_env: dict[str, str]) -> dict:
    variable = {
        "oci": "IMAGEOPS_OCI_INSTANCE_ID",
        "outscale": "IMAGEOPS_OUTSCALE_VM_ID",
        "aws": "IMAGEOPS_AWS_INSTANCE_ID",
    }.get(cloud, "IMAGEOPS_ALICLOUD_INSTANCE_ID")
    return {"instance": {"id": emu_env[variable]}}


def cloud_options(cloud: str, emu_env: dict[str, str]) -> dict:
    return {"compartment_id": emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"]} if cloud == "oci" else {}
