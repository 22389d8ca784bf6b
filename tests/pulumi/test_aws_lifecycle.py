"""pulumi_images.aws.Image through the real dynamic-provider server against the emulator's EC2: every
input of the three sources, a no-change up that calls nothing, in-place updates that write only what
changed, a replace, a refresh of one read, a copy to another region, and destroy."""

from __future__ import annotations

import pytest
from tests_pulumi_support import api_calls, cloud_harness, image_reads, image_writes

from pulumi_images.harness import Engine

pytestmark = [pytest.mark.timeout(180), pytest.mark.e2e]


@pytest.fixture(scope="module")
def engine(emu_env):
    with cloud_harness("aws", emu_env) as harness:
        yield Engine(harness)


def registered(env: dict[str, str], **extra) -> dict:
    return {
        "name": "pulumi-aws-every-input",
        "description": "every input",
        "root_device_name": "/dev/xvda",
        "virtualization_type": "hvm",
        "architecture": "arm64",
        "ena_support": True,
        "sriov_net_support": "simple",
        "boot_mode": "uefi",
        "tpm_support": "v2.0",
        "imds_support": "v2.0",
        "uefi_data": "QUJD",
        "ebs_block_devices": [
            {
                "device_name": "/dev/xvda",
                "snapshot_id": env["IMAGEOPS_AWS_SNAPSHOT_ID"],
                "volume_type": "io2",
                "iops": 4000,
                "delete_on_termination": True,
            },
            {
                "device_name": "/dev/xvdb",
                "volume_size": 16,
                "volume_type": "gp3",
                "throughput": 200,
                "encrypted": True,
            },
        ],
        "ephemeral_block_devices": [{"device_name": "/dev/sdc", "virtual_name": "ephemeral0"}],
        "deprecation_time": "2031-03-01T10:00:00Z",
        "launch_permissions": {"account_ids": [env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]]},
        "tags": {"team": "images"},
        **extra,
    }


def test_every_input_then_same_update_replace_refresh_and_destroy(engine: Engine, emulator, emu_env):
    inputs = registered(emu_env)
    state, action = engine.up("every", inputs)
    assert action == "create"
    out = state.outputs
    assert (out["architecture"], out["tpm_support"], out["imds_support"]) == ("arm64", "v2.0", "v2.0")
    assert out["deprecation_time"].startswith("2031-03-01T10:00")
    assert out["ebs_block_devices"][0]["iops"] == 4000 and out["ebs_block_devices"][1]["throughput"] == 200
    assert out["ephemeral_block_devices"] == [{"device_name": "/dev/sdc", "virtual_name": "ephemeral0"}]
    assert out["owner_id"] == emu_env["IMAGEOPS_AWS_ACCOUNT_ID"] and out["manage_ebs_snapshots"] is False

    mark = emulator.mark()
    same, action = engine.up("every", inputs, state)
    assert action == "same" and api_calls(emulator, mark, "aws") == []

    mark = emulator.mark()
    changed = {
        **inputs,
        "description": "changed",
        "tags": {"team": "images", "tier": "gold"},
        "deprecation_time": "",
        "launch_permissions": {"account_ids": [], "groups": ["all"]},
    }
    updated, action = engine.up("every", changed, same)
    assert action == "update" and updated.id == state.id
    assert sorted(c["action"] for c in image_writes(emulator, mark, "aws")) == sorted(
        ["ModifyImageAttribute", "CreateTags", "DisableImageDeprecation", "ModifyImageAttribute"]
    )
    assert updated.outputs["public"] is True and not updated.outputs.get("deprecation_time")

    mark = emulator.mark()
    assert engine.refresh(updated) is not None
    assert len(image_reads(emulator, mark, "aws")) == 1

    replaced, action = engine.up("every", {**changed, "architecture": "x86_64"}, updated)
    assert action == "replace" and replaced.id != state.id
    assert replaced.outputs["architecture"] == "x86_64"
    engine.destroy(replaced)
    assert engine.refresh(updated) is None


def test_from_an_instance_then_copied_to_another_region_encrypted(engine: Engine, emulator, emu_env):
    made, _ = engine.up(
        "made",
        {
            "name": "pulumi-aws-made",
            "source_instance_id": emu_env["IMAGEOPS_AWS_INSTANCE_ID"],
            "snapshot_without_reboot": True,
            "tags": {"k": "v"},
        },
    )
    assert made.outputs["source_instance_id"] == emu_env["IMAGEOPS_AWS_INSTANCE_ID"]
    copy_inputs = {
        "name": "pulumi-aws-made",
        "region": emu_env["IMAGEOPS_AWS_OTHER_REGION"],
        "source_ami_id": made.id,
        "source_ami_region": emu_env["IMAGEOPS_AWS_REGION"],
        "encrypted": True,
        "kms_key_id": "alias/pulumi",
    }
    copy, action = engine.up("copy", copy_inputs)
    assert action == "create" and copy.outputs["source_image_id"] == made.id
    assert copy.outputs["ebs_block_devices"][0]["encrypted"] is True
    mark = emulator.mark()
    assert engine.up("copy", copy_inputs, copy)[1] == "same"
    assert api_calls(emulator, mark, "aws") == []
    engine.destroy(copy)
    engine.destroy(made)
