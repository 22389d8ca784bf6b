"""Helpers shared by the Pulumi tests (imported by name: ``tests/pulumi`` is on ``sys.path``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from imageops.emulator.testing import is_read
from pulumi_images.harness import STOCK_SERVER, ProviderHarness

CLOUDS = ("oci", "outscale", "alicloud", "aws")


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
    env = {k: v for k, v in env.items() if not k.startswith(("OSC_", "ALIBABA_CLOUD_", "ALICLOUD_", "AWS_"))}
    env["AWS_EC2_METADATA_DISABLED"] = "true"  # botocore's chain: no instance metadata service here
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
    if cloud == "aws":
        return {
            "imageops:awsAccessKey": emu_env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
            "imageops:awsSecretKey": emu_env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
            "imageops:awsRegion": emu_env["IMAGEOPS_AWS_REGION"],
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
    elif cloud == "aws":
        base = {"name": name, "source_instance_id": emu_env["IMAGEOPS_AWS_INSTANCE_ID"]}
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


def source_inputs(cloud: str, mode: str, env: dict[str, str], name: str, base_id: str = "") -> dict[str, Any]:
    """Inputs of an image named ``name`` from each source mode of each cloud (``base_id``: the image a
    copy is made from)."""
    if cloud == "oci":
        compartment = {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "display_name": name}
        tuple_source = {
            "source_type": "objectStorageTuple",
            "namespace_name": env["IMAGEOPS_OCI_NAMESPACE"],
            "bucket_name": env["IMAGEOPS_OCI_BUCKET"],
            "object_name": env["IMAGEOPS_OCI_OBJECT"],
            "source_image_type": "QCOW2",
        }
        uri_source = {"source_type": "objectStorageUri", "source_uri": env["IMAGEOPS_OCI_OBJECT_URI"]}
        return {
            "instance": {**compartment, "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"]},
            "tuple": {**compartment, "image_source_details": tuple_source},
            "uri": {**compartment, "image_source_details": uri_source},
        }[mode]
    if cloud == "outscale":
        bsu = {"snapshot_id": env["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"], "volume_size": 120, "volume_type": "gp2"}
        return {
            "vm": {"image_name": name, "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": True},
            "manifest": {"image_name": name, "file_location": env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]},
            "copy": {
                "image_name": name,
                "source_image_id": base_id,
                "source_region_name": env["IMAGEOPS_OUTSCALE_REGION"],
            },
            "bsu": {
                "image_name": name,
                "root_device_name": "/dev/sda1",
                "block_device_mappings": [{"device_name": "/dev/sda1", "bsu": bsu}],
            },
        }[mode]
    if cloud == "aws":
        device = {
            "device_name": "/dev/xvda",
            "snapshot_id": env["IMAGEOPS_AWS_SNAPSHOT_ID"],
            "volume_type": "gp3",
        }
        return {
            "instance": {"name": name, "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]},
            "register": {
                "name": name,
                "root_device_name": "/dev/xvda",
                "virtualization_type": "hvm",
                "ena_support": True,
                "ebs_block_devices": [device],
            },
            "copy": {"name": name, "source_ami_id": base_id, "source_ami_region": env["IMAGEOPS_AWS_REGION"]},
            # an instance-store AMI from its S3 manifest: the slow one (300 s, scaled)
            "manifest": {"name": name, "image_location": env["IMAGEOPS_AWS_IMAGE_LOCATION"]},
        }[mode]
    disks = [{"snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], "disk_type": "system"}]
    return {
        "instance": {"image_name": name, "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]},
        "snapshot": {"image_name": name, "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]},
        "disks": {"image_name": name, "disk_device_mapping": disks},
        "oss": {
            "image_name": name,
            "platform": "Ubuntu",
            "import_from": {
                "oss_bucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                "oss_object": env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
                "format": "QCOW2",
            },
        },
        "copy": {
            "image_name": name,
            "region": env["IMAGEOPS_ALICLOUD_OTHER_REGION"],
            "copy_from": {"source_image_id": base_id, "source_region_id": env["IMAGEOPS_ALICLOUD_REGION"]},
        },
    }[mode]


SOURCE_MODES = {
    "oci": ("instance", "tuple", "uri"),
    "outscale": ("vm", "manifest", "copy", "bsu"),
    "alicloud": ("instance", "snapshot", "disks", "oss", "copy"),
    "aws": ("instance", "register", "copy"),
}
#: Per cloud: a field whose change replaces the image, and two values for it.
REPLACE_FIELD = {
    "oci": ("launch_mode", "EMULATED", "NATIVE"),
    "outscale": ("tpm_mandatory", True, False),
    "alicloud": ("architecture", "arm64", "i386"),
    "aws": ("snapshot_without_reboot", True, False),
}
NAME_FIELD = {"oci": "display_name", "outscale": "image_name", "alicloud": "image_name", "aws": "name"}
DESCRIPTION_FIELD = {
    "oci": "display_name",
    "outscale": "description",
    "alicloud": "description",
    "aws": "description",
}
SOURCE_FIELD = {
    "oci": "instance_id",
    "outscale": "vm_id",
    "alicloud": "instance_id",
    "aws": "source_instance_id",
}
