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
    # the AMI, and the launch permissions its inputs manage (EC2 does not report them with it)
    assert sorted(c["action"] for c in image_reads(emulator, mark, "aws")) == [
        "DescribeImageAttribute", "DescribeImages"]
    assert image_writes(emulator, mark, "aws") == []

    replaced, action = engine.up("every", {**changed, "architecture": "x86_64"}, updated)
    assert action == "replace" and replaced.id != state.id
    assert replaced.outputs["architecture"] == "x86_64"
    engine.destroy(replaced)
    assert engine.refresh(updated) is None


def test_launch_permissions_changed_outside_pulumi_show_on_refresh_and_the_next_up_puts_them_back(
    engine: Engine, emulator, emu_env
):
    from imageops.aws import connect

    other = emu_env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    inputs = {
        "name": "pulumi-aws-permissions-drift",
        "source_instance_id": emu_env["IMAGEOPS_AWS_INSTANCE_ID"],
        "snapshot_without_reboot": True,
        "launch_permissions": {"account_ids": [other]},
    }
    state, action = engine.up("drift", inputs)
    assert action == "create"
    with connect(access_key=emu_env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
                 secret_key=emu_env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"], region=emu_env["IMAGEOPS_AWS_REGION"],
                 endpoint_url=emu_env["IMAGEOPS_AWS_ENDPOINT"]) as driver:  # someone, by hand
        driver.api.modify_image_attribute(
            state.id, {"LaunchPermission": {"Remove": [{"UserId": other}], "Add": [{"Group": "all"}]}})
    assert engine.up("drift", inputs, state)[1] == "same"  # the state alone cannot know

    refreshed = engine.refresh(state)
    assert refreshed is not None
    assert refreshed.outputs["launch_permissions"] == {"account_ids": []}
    mark = emulator.mark()
    fixed, action = engine.up("drift", inputs, refreshed)
    assert action == "update" and fixed.id == state.id
    assert [c["action"] for c in image_writes(emulator, mark, "aws")] == ["ModifyImageAttribute"]
    again = engine.refresh(fixed)
    assert again is not None and again.outputs["launch_permissions"] == {"account_ids": [other]}
    assert engine.up("drift", inputs, again)[1] == "same"
    engine.destroy(again)


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


def test_the_example_program_converges_then_a_second_up_calls_nothing_and_refresh_reads_once(
    emulator, emu_env, monkeypatch
):
    """examples/pulumi/aws as run_with_harness.py runs it (the engine-less harness, the real provider
    server): a first up creates the three AMIs, a second up calls nothing, a refresh is one
    DescribeImages per AMI and no write. Credentials: the AWS CLI's variables, as a user's shell."""
    import importlib.util
    from pathlib import Path

    import pulumi
    from tests_pulumi_support import provider_env

    from imageops.emulator.testing import cli_environment, is_read

    examples = Path(__file__).resolve().parents[2] / "examples" / "pulumi"
    spec = importlib.util.spec_from_file_location("aws_example_harness", examples / "run_with_harness.py")
    assert spec and spec.loader
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)

    env = provider_env(emu_env, **cli_environment(emu_env))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    pulumi.runtime.set_all_config({})  # no stack configuration: the ids come from the environment
    with harness.HarnessEngine(env, log=lambda _msg: None) as stack:
        try:
            created = stack.up(examples / "aws")
            assert created == {"web": "create", "web-copy": "create", "base": "create"}
            out = stack.outputs
            web, copy, base = (stack.states[n].outputs for n in ("web", "web-copy", "base"))
            assert out["web_id"] == web["image_id"] and out["web_copy_state"] == "available"
            assert web["source_instance_id"] == emu_env["IMAGEOPS_AWS_INSTANCE_ID"]
            assert web["deprecation_time"].startswith("2031-01-01T00:00")
            assert web["tags"] == {"Name": "imageops-pulumi-web", "team": "images", "managed-by": "pulumi"}
            assert copy["source_image_id"] == web["image_id"] and copy["ebs_block_devices"][0]["encrypted"]
            assert f":{emu_env['IMAGEOPS_AWS_OTHER_REGION']}:" in copy["arn"]
            assert base["root_snapshot_id"] == emu_env["IMAGEOPS_AWS_SNAPSHOT_ID"]

            mark = emulator.mark()
            second = stack.up(examples / "aws")
            assert second == {"web": "same", "web-copy": "same", "base": "same"}
            assert emulator.calls(since=mark) == []  # no call to any cloud

            mark = emulator.mark()
            assert stack.refresh()
            calls = emulator.calls(since=mark, cloud="aws")
            assert [c["action"] for c in calls if not is_read(c)] == []
            assert [c["action"] for c in calls] == ["DescribeImages"] * 3
        finally:
            stack.destroy()
