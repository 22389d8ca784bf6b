"""The AWS driver through the reconciler against the emulator's EC2 (moto behind our call log): the
three sources, a converged re-run is one read and no write, adoption by name, CopyImage's client
token, in-place updates, delete with the snapshots made for the AMI, accounts apart, and the
documented shim's fixes of moto (snapshot tags on CreateImage, unique names)."""

from __future__ import annotations

from typing import Any

import pytest

from imageops.aws import AwsDriver, AwsImageSpec, connect
from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, is_read
from imageops.errors import AuthError, ConflictError, ImageOpsError
from imageops.reconcile import Action, apply, lookup, plan_live


@pytest.fixture(scope="module")
def emu(oci_emulator: EmulatorHandle) -> EmulatorHandle:
    return oci_emulator  # the session's emulator: every cloud, AWS included


def driver(emu: EmulatorHandle, prefix: str = "", region: str | None = None, **extra: Any) -> AwsDriver:
    env = emu.env
    return connect(
        access_key=env[f"IMAGEOPS_AWS_{prefix}ACCESS_KEY_ID"],
        secret_key=env[f"IMAGEOPS_AWS_{prefix}SECRET_ACCESS_KEY"],
        region=region or env["IMAGEOPS_AWS_REGION"],
        endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        poll=PollPolicy(first=0.02, longest=0.1),
        **extra,
    )


def converge(drv: AwsDriver, spec: AwsImageSpec | None, image_id: str | None = None, **kw: Any) -> Any:
    the_plan = plan_live(drv, spec, lookup(drv, spec, image_id), **kw)
    return apply(the_plan, drv, timeout=30, delete_options=spec.delete_options() if spec else None)


def aws_calls(emu: EmulatorHandle, mark: int) -> list[dict[str, Any]]:
    return emu.calls(since=mark, cloud="aws")


def writes(calls: list[dict[str, Any]]) -> list[str]:
    return [c["action"] for c in calls if not is_read(c)]


def seed_specs(env: dict[str, str], suffix: str) -> list[dict[str, Any]]:
    return [
        {
            "name": f"from-instance-{suffix}",
            "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"],
            "snapshot_without_reboot": True,
            "description": "made from the demo instance",
            "tags": {"env": "test", "Name": "web"},
        },
        {
            "name": f"registered-{suffix}",
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
                    "volume_type": "gp3",
                    "iops": 3000,
                    "throughput": 250,
                    "delete_on_termination": True,
                },
                {"device_name": "/dev/xvdb", "volume_size": 20, "volume_type": "gp2", "encrypted": True},
            ],
            "ephemeral_block_devices": [{"device_name": "/dev/sdc", "virtual_name": "ephemeral0"}],
            "deprecation_time": "2031-06-01T12:00:20Z",
        },
    ]


def test_sources_then_a_converged_rerun_reads_once_and_writes_nothing(emu: EmulatorHandle) -> None:
    specs = [AwsImageSpec.parse(s) for s in seed_specs(emu.env, "a")]
    with driver(emu) as drv:
        images = [converge(drv, spec) for spec in specs]
        made, registered = images
        assert made.attributes["source_instance_id"] == emu.env["IMAGEOPS_AWS_INSTANCE_ID"]
        assert made.attributes["manage_ebs_snapshots"] is True
        assert made.tags == {"Name": "web", "env": "test"}
        assert registered.attributes["architecture"] == "arm64"
        assert registered.attributes["tpm_support"] == "v2.0"
        assert registered.attributes["deprecation_time"].startswith("2031-06-01T12:00:00")
        assert registered.attributes["root_snapshot_id"] == emu.env["IMAGEOPS_AWS_SNAPSHOT_ID"]
        assert registered.attributes["ephemeral_block_devices"] == [
            {"device_name": "/dev/sdc", "virtual_name": "ephemeral0"}
        ]
        mark = emu.mark()
        for spec in specs:
            assert converge(drv, spec) is not None
        calls = aws_calls(emu, mark)
        assert writes(calls) == []
        assert [c["action"] for c in calls] == ["DescribeImages", "DescribeImages"]
        for image in images:
            converge(drv, None, image.id)


def test_copy_to_another_region_with_a_client_token_and_encryption(emu: EmulatorHandle) -> None:
    env = emu.env
    with driver(emu) as east, driver(emu, region=env["IMAGEOPS_AWS_OTHER_REGION"]) as west:
        source = converge(
            east,
            AwsImageSpec.parse({"name": "copy-src", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]}),
        )
        spec = AwsImageSpec.parse(
            {
                "name": "copy-dst",
                "source_ami_id": source.id,
                "source_ami_region": env["IMAGEOPS_AWS_REGION"],
                "encrypted": True,
                "kms_key_id": "alias/imageops",
                "tags": {"copied": "yes"},
            }
        )
        copy = converge(west, spec)
        assert copy.region == env["IMAGEOPS_AWS_OTHER_REGION"]
        assert copy.attributes["source_image_id"] == source.id
        assert copy.attributes["ebs_block_devices"][0]["encrypted"] is True
        # the same ClientToken again (an answer lost in transit): the same AMI, no second one
        params = {"SourceImageId": source.id, "SourceRegion": env["IMAGEOPS_AWS_REGION"], "Name": "copy-dst"}
        params |= {"Encrypted": True, "KmsKeyId": "alias/imageops", "TagSpecification": []}
        params["ClientToken"] = "imageops-fixed-token"
        first = west.api.copy_image({**params, "Name": "copy-dst-2"})
        assert west.api.copy_image({**params, "Name": "copy-dst-2"}) == first
        with pytest.raises(ConflictError) as mismatch:
            west.api.copy_image({**params, "Name": "copy-dst-3"})
        assert mismatch.value.code == "IdempotentParameterMismatch"
        assert len(west.list(AwsImageSpec.parse_key({"name": "copy-dst-2"}))) == 1
        converge(west, None, first)
        converge(west, None, copy.id)
        converge(east, None, source.id)


def test_in_place_updates_are_exact_and_plans_see_every_change(emu: EmulatorHandle) -> None:
    env = emu.env
    base = {
        "name": "updates",
        "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"],
        "description": "one",
        "tags": {"a": "1", "b": "2"},
        "launch_permissions": {"account_ids": [env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]]},
    }
    with driver(emu) as drv:
        image = converge(drv, AwsImageSpec.parse(base))
        mark = emu.mark()
        assert (
            plan_live(drv, AwsImageSpec.parse(base), drv.find(AwsImageSpec.parse(base))).action is Action.NOOP
        )
        # launch permissions are not reported by DescribeImages: one DescribeImageAttribute more
        assert [c["action"] for c in aws_calls(emu, mark)] == ["DescribeImages", "DescribeImageAttribute"]
        changed = {
            **base,
            "description": "two",
            "tags": {"a": "1", "c": "3"},
            "deprecation_time": "2032-01-01T00:00:00Z",
            "launch_permissions": {"account_ids": [], "groups": ["all"]},
        }
        spec = AwsImageSpec.parse(changed)
        the_plan = plan_live(drv, spec, drv.find(spec))
        assert the_plan.action is Action.UPDATE
        assert sorted(c.field for c in the_plan.changes) == [
            "deprecation_time", "description", "launch_permissions", "tags",
        ]  # fmt: skip
        mark = emu.mark()
        updated = apply(the_plan, drv, timeout=30)
        assert sorted(writes(aws_calls(emu, mark))) == sorted(
            [
                "ModifyImageAttribute",
                "DeleteTags",
                "CreateTags",
                "EnableImageDeprecation",
                "ModifyImageAttribute",
            ]
        )
        assert updated.id == image.id
        assert updated.attributes["description"] == "two"
        assert updated.tags == {"a": "1", "c": "3"}
        assert updated.attributes["public"] is True
        assert drv.launch_permissions(image.id)["account_ids"] == []
        # purge_tags=false only adds; "" removes the deprecation
        kept = AwsImageSpec.parse({**changed, "tags": {"d": "4"}, "deprecation_time": ""})
        again = apply(plan_live(drv, kept, drv.find(kept), purge_tags=False), drv, timeout=30)
        assert again.tags == {"a": "1", "c": "3", "d": "4"}
        assert again.attributes["deprecation_time"] is None
        # the name cannot change in place: another name is another AMI
        renamed = AwsImageSpec.parse({**changed, "name": "updates-renamed"})
        assert plan_live(drv, renamed, drv.get(image.id)).action is Action.REPLACE
        converge(drv, None, image.id)


def test_delete_removes_the_snapshots_made_for_the_ami_and_keeps_the_users(emu: EmulatorHandle) -> None:
    env = emu.env
    with driver(emu) as drv:
        made = converge(
            drv,
            AwsImageSpec.parse({"name": "del-made", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]}),
        )
        kept = converge(
            drv,
            AwsImageSpec.parse(
                {
                    "name": "del-kept",
                    "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"],
                    "delete_snapshots": False,
                }
            ),
        )
        registered = converge(drv, AwsImageSpec.parse(seed_specs(env, "del")[1]))
        made_snapshot = made.attributes["root_snapshot_id"]
        kept_snapshot = kept.attributes["root_snapshot_id"]
        mark = emu.mark()
        drv.delete(made.id)
        # one write: EC2 deletes the snapshots in the DeregisterImage call (DeleteAssociatedSnapshots)
        assert writes(aws_calls(emu, mark)) == ["DeregisterImage"]
        drv.delete(kept.id, delete_snapshots=False)
        drv.delete(registered.id)
        snapshots = {s["snapshotId"] for s in drv.api.describe_snapshots({"Owner": ["self"]})}
        assert made_snapshot not in snapshots
        assert kept_snapshot in snapshots
        assert env["IMAGEOPS_AWS_SNAPSHOT_ID"] in snapshots  # registered from: the user's
        drv.api.delete_snapshot(kept_snapshot)
        assert drv.get(made.id) is None
        drv.delete(made.id)  # already gone: a success


def test_create_tags_the_snapshot_and_a_lost_answer_is_adopted_by_name(emu: EmulatorHandle) -> None:
    env = emu.env
    spec = AwsImageSpec.parse(
        {"name": "adopt-me", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"], "tags": {"k": "v"}}
    )
    with driver(emu) as drv:
        first = drv.create(spec)
        snapshot = first.attributes["root_snapshot_id"]
        found = drv.api.describe_snapshots({"SnapshotId": [snapshot]})
        assert {t["key"]: t["value"] for t in found[0]["tagSet"]} == {"k": "v"}
        # the same create again (its first answer lost): AWS refuses the name, the driver adopts
        mark = emu.mark()
        assert drv.create(spec).id == first.id
        assert next(c["action"] for c in aws_calls(emu, mark)) == "CreateImage"
        assert len(drv.list(spec)) == 1
        drv.delete(first.id)


def test_accounts_are_apart_and_a_forged_signature_is_refused(emu: EmulatorHandle) -> None:
    env = emu.env
    spec = AwsImageSpec.parse({"name": "private-one", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]})
    with driver(emu) as mine, driver(emu, "OTHER_") as theirs:
        image = converge(mine, spec)
        assert theirs.find(spec) is None
        assert theirs.list(AwsImageSpec.parse_key({})) == [] or all(
            i.attributes["owner_id"] == env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
            for i in theirs.list(AwsImageSpec.parse_key({}))
        )
        converge(mine, None, image.id)
    secret = "x" * 40
    with (
        connect(
            access_key=env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
            secret_key=secret,
            region=env["IMAGEOPS_AWS_REGION"],
            endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        ) as forged,
        pytest.raises(AuthError) as refused,
    ):
        forged.find(spec)
    assert refused.value.code == "AuthFailure"
    assert secret not in str(refused.value)


def test_copy_of_another_accounts_ami_that_granted_launch_permission(emu: EmulatorHandle) -> None:
    """CopyImage of an AMI shared by another account (moto looks only in the caller's; the shim
    lends it the shared AMI): the copy is the caller's, and an AMI not shared stays not found."""
    env = emu.env
    with driver(emu, prefix="OTHER_") as other, driver(emu) as mine:
        shared = converge(
            other,
            AwsImageSpec.parse(
                {
                    "name": "xacct-src",
                    "source_instance_id": env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"],
                    "launch_permissions": {"account_ids": [env["IMAGEOPS_AWS_ACCOUNT_ID"]]},
                }
            ),
        )
        private = converge(
            other,
            AwsImageSpec.parse(
                {"name": "xacct-private", "source_instance_id": env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"]}
            ),
        )
        spec = AwsImageSpec.parse(
            {
                "name": "xacct-copy",
                "source_ami_id": shared.id,
                "source_ami_region": env["IMAGEOPS_AWS_REGION"],
            }
        )
        copy = converge(mine, spec)
        assert copy.attributes["owner_id"] == env["IMAGEOPS_AWS_ACCOUNT_ID"]
        assert copy.attributes["source_image_id"] == shared.id
        mark = emu.mark()
        assert converge(mine, spec).id == copy.id
        assert writes(aws_calls(emu, mark)) == []
        refused = AwsImageSpec.parse(
            {
                "name": "xacct-refused",
                "source_ami_id": private.id,
                "source_ami_region": env["IMAGEOPS_AWS_REGION"],
            }
        )
        with pytest.raises(ImageOpsError):
            converge(mine, refused)
        assert mine.list(AwsImageSpec.parse_key({"name": "xacct-refused"})) == []
        converge(mine, None, copy.id)
        converge(other, None, shared.id)
        converge(other, None, private.id)
