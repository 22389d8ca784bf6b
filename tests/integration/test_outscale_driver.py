"""The OUTSCALE driver through the reconciler against the emulator: the four seed sources, a
converged re-run is one read and no write, adoption by name, in-place updates, accounts apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.errors import AuthError
from imageops.model import ImageState
from imageops.outscale import OutscaleDriver, OutscaleImageSpec, connect
from imageops.reconcile import Action, apply, lookup, plan

WRITES = {"CreateImage", "UpdateImage", "DeleteImage", "CreateTags", "DeleteTags"}


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.002) as handle:
        yield handle


def driver(emu: EmulatorHandle, prefix: str = "", **extra: Any) -> OutscaleDriver:
    env = emu.env
    return connect(
        access_key=env[f"IMAGEOPS_OUTSCALE_{prefix}ACCESS_KEY"],
        secret_key=env[f"IMAGEOPS_OUTSCALE_{prefix}SECRET_KEY"],
        region=env["IMAGEOPS_OUTSCALE_REGION"],
        endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"],
        poll=PollPolicy(first=0.02, longest=0.1),
        **extra,
    )


def seed_examples(env: dict[str, str]) -> list[dict[str, Any]]:
    """The four examples of the outscale_image seed, with the emulator's ids."""
    return [
        {"image_name": "terraform-omi-create", "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": "true"},
        {
            "description": "Terraform register OMI",
            "image_name": "terraform-omi-register",
            "file_location": env["IMAGEOPS_OUTSCALE_MANIFEST_URL"],
        },
        {
            "description": "Terraform copy OMI",
            "image_name": "terraform-omi-copy",
            "source_image_id": env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"],
            "source_region_name": "eu-west-2",
        },
        {
            "image_name": "terraform-omi-bsu",
            "root_device_name": "/dev/sda1",
            "description": "Terraform OMI with BSU",
            "block_device_mappings": [
                {
                    "device_name": "/dev/sda1",
                    "bsu": {
                        "snapshot_id": env["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"],
                        "volume_size": "120",
                        "volume_type": "io1",
                        "iops": 150,
                        "delete_on_vm_deletion": "true",
                    },
                }
            ],
        },
    ]


def converge(drv: OutscaleDriver, spec: OutscaleImageSpec | None, image_id: str | None = None) -> Any:
    return apply(plan(spec, lookup(drv, spec, image_id)), drv, timeout=30)


def test_four_sources_then_a_converged_rerun_reads_once_and_writes_nothing(emu: EmulatorHandle) -> None:
    specs = [OutscaleImageSpec.parse(s) for s in seed_examples(emu.env)]
    with driver(emu) as drv:
        images = [converge(drv, spec) for spec in specs]
        assert [i.state for i in images] == [ImageState.AVAILABLE] * 4
        bsu = images[3].attributes["block_device_mappings"][0]["bsu"]
        assert (bsu["iops"], bsu["volume_size"], bsu["volume_type"]) == (150, 120, "io1")
        assert images[1].attributes["file_location"] == emu.env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]
        for spec in specs:
            mark = emu.mark()
            the_plan = plan(spec, lookup(drv, spec, None))
            apply(the_plan, drv)
            calls = emu.calls(since=mark, cloud="outscale")
            assert the_plan.action is Action.NOOP
            assert [c["action"] for c in calls] == ["ReadImages"], calls
        for image in images:
            assert converge(drv, None, image.id) is None


def test_in_place_updates_and_replace_on_name(emu: EmulatorHandle) -> None:
    env = emu.env
    base = {
        "image_name": "omi-updates",
        "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"],
        "tags": [{"key": "a", "value": "1"}],
    }
    with driver(emu) as drv:
        first = converge(drv, OutscaleImageSpec.parse(base))
        changed = OutscaleImageSpec.parse(
            {
                **base,
                "description": "now described",
                "product_codes": ["0001", "0002"],
                "tags": [{"key": "b", "value": "2"}],
                "permissions_to_launch": {
                    "global_permission": True,
                    "account_ids": [env["IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID"]],
                },
            }
        )
        the_plan = plan(changed, lookup(drv, changed, None))
        assert the_plan.action is Action.UPDATE
        mark = emu.mark()
        updated = apply(the_plan, drv)
        writes = [c["action"] for c in emu.calls(since=mark) if c["action"] in WRITES]
        assert "CreateImage" not in writes and "DeleteImage" not in writes
        assert updated.id == first.id and updated.tags == {"b": "2"}
        assert updated.attributes["permissions_to_launch"]["global_permission"] is True
        assert updated.attributes["product_codes"] == ["0001", "0002"]
        assert plan(changed, lookup(drv, changed, None)).action is Action.NOOP  # public: ReadAccounts once
        renamed = OutscaleImageSpec.parse({**base, "image_name": "omi-updates-2"})
        assert plan(renamed, first).action is Action.REPLACE
        converge(drv, None, first.id)


def test_create_is_adopted_by_name_and_accounts_are_apart(emu: EmulatorHandle) -> None:
    env = emu.env
    spec = OutscaleImageSpec.parse({"image_name": "omi-adopted", "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"]})
    with driver(emu) as drv, driver(emu, "OTHER_") as other:
        # A create whose answer was lost: the OMI exists, and creating it again adopts it.
        made = drv.api.create_image({"ImageName": "omi-adopted", "VmId": env["IMAGEOPS_OUTSCALE_VM_ID"]})
        mark = emu.mark()
        adopted = drv.create(spec)
        assert adopted.id == made["ImageId"]
        assert [c["action"] for c in emu.calls(since=mark)].count(
            "CreateImage"
        ) == 1  # answered 9015, adopted
        assert lookup(drv, spec, None).id == made["ImageId"]
        # The other account sees nothing, and may use the same name.
        assert lookup(other, spec, None) is None and other.get(made["ImageId"]) is None
        other_spec = OutscaleImageSpec.parse(
            {"image_name": "omi-adopted", "vm_id": env["IMAGEOPS_OUTSCALE_OTHER_VM_ID"]}
        )
        theirs = converge(other, other_spec)
        assert (
            theirs.id != made["ImageId"]
            and theirs.attributes["account_id"] == env["IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID"]
        )
        converge(other, None, theirs.id)
        converge(drv, None, made["ImageId"])


def test_failed_manifest_and_wrong_secret(emu: EmulatorHandle) -> None:
    env = emu.env
    spec = OutscaleImageSpec.parse(
        {"image_name": "omi-broken", "file_location": env["IMAGEOPS_OUTSCALE_BROKEN_MANIFEST_URL"]}
    )
    with driver(emu) as drv:
        image = drv.create(spec)
        failed = drv.wait_for(image.id, ImageState.FAILED, 10)
        assert failed.attributes["state_comment"]["state_message"]
        assert plan(spec, failed).action is Action.REPLACE
        drv.delete(image.id)
    with connect(
        access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key="W" * 40,
        region="eu-west-2",
        endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"],
    ) as bad:
        with pytest.raises(AuthError) as caught:
            bad.get("ami-12345678")
        assert caught.value.code == "1" and "W" * 40 not in str(caught.value)
