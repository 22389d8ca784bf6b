"""The Alibaba Cloud driver end to end against the emulator (real socket, real signatures)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from imageops import reconcile, registry
from imageops.alicloud import AlicloudDriver, AlicloudImageSpec, connect
from imageops.alicloud.driver import request_for
from imageops.driver import PollPolicy
from imageops.emulator import testing
from imageops.errors import AuthError, CloudError, NotFoundError
from imageops.model import ImageState
from imageops.transport import RetryPolicy

FAST_POLL = PollPolicy(first=0.02, longest=0.2)
TIMEOUT = 30.0
SEED_ATTRIBUTES = {
    "id",
    "image_name",
    "name",
    "description",
    "architecture",
    "platform",
    "image_family",
    "image_version",
    "boot_mode",
    "features",
    "resource_group_id",
    "disk_device_mapping",
    "tags",
    "status",
    "create_time",
    "license_type",
}
DISK_ATTRIBUTES = {
    "device",
    "disk_type",
    "size",
    "snapshot_id",
    "format",
    "import_oss_bucket",
    "import_oss_object",
    "progress",
    "remain_time",
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Its own emulator at time scale 0.001: an import (5.5 min in ECS) takes a third of a second."""
    with testing.running_emulator(
        time_scale=0.001, workdir=tmp_path_factory.mktemp("alicloud-emu")
    ) as handle:
        yield handle


@pytest.fixture(scope="module")
def env(emu: Any) -> dict[str, str]:
    return dict(emu.env)


def make_driver(env: dict[str, str], prefix: str = "IMAGEOPS_ALICLOUD_", **extra: Any) -> AlicloudDriver:
    return connect(
        access_key_id=env[f"{prefix}ACCESS_KEY_ID"],
        access_key_secret=env[f"{prefix}ACCESS_KEY_SECRET"],
        region=env["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        poll=FAST_POLL,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.05),
        **extra,
    )


@pytest.fixture(params=["v3", "1.0"])
def driver(env: dict[str, str], request: pytest.FixtureRequest) -> Iterator[AlicloudDriver]:
    with make_driver(env, signature_version=request.param) as drv:
        yield drv


def ecs_calls(emu: Any, since: int) -> tuple[list[dict], list[dict]]:
    calls = emu.calls(since=since, cloud="alicloud")
    reads = [c for c in calls if str(c["action"]).startswith("Describe")]
    return reads, [c for c in calls if c not in reads]


def sources(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {
        "instance": {
            "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "architecture": "x86_64",
            "image_family": "web",
            "image_version": "2",
            "boot_mode": "UEFI",
            "resource_group_id": env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"],
        },
        "snapshot": {
            "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
            "platform": "Ubuntu",
            "detection_strategy": "Standard",
        },
        "disks": {
            "disk_device_mapping": [
                {
                    "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
                    "disk_type": "system",
                    "device": "/dev/xvda",
                },
                {"snapshot_id": env["IMAGEOPS_ALICLOUD_DATA_SNAPSHOT_ID"], "disk_type": "data", "size": 200},
            ],
            "features": {"nvme_support": "supported"},
            "architecture": "arm64",
        },
        "import": {
            "import_from": {
                "oss_bucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                "oss_object": env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
                "format": "QCOW2",
                "disk_image_size": 40,
                "os_type": "linux",
            },
            "platform": "Ubuntu",
            "license_type": "BYOL",
            "boot_mode": "BIOS",
        },
    }


@pytest.mark.parametrize("source", ["instance", "snapshot", "disks", "import"])
def test_each_source_converges_with_one_read(
    driver: AlicloudDriver, env: dict[str, str], emu: Any, source: str
) -> None:
    spec = AlicloudImageSpec.parse(
        {
            "image_name": unique(source),
            "description": "built by imageops",
            "tags": {"src": source},
            **sources(env)[source],
        }
    )
    image = reconcile.apply(
        reconcile.plan(spec, reconcile.lookup(driver, spec, None)), driver, timeout=TIMEOUT
    )
    assert image is not None and image.state is ImageState.AVAILABLE and image.region == "cn-hangzhou"
    assert set(image.attributes) >= SEED_ATTRIBUTES
    assert set(image.attributes["disk_device_mapping"][0]) >= DISK_ATTRIBUTES
    assert image.attributes["image_name"] == spec.image_name and image.tags == {"src": source}

    mark = emu.mark()
    again = reconcile.plan(spec, reconcile.lookup(driver, spec, None))
    assert again.action is reconcile.Action.NOOP, again.changes
    reconcile.apply(again, driver)
    reads, writes = ecs_calls(emu, mark)
    assert (len(reads), len(writes)) == (1, 0)


def test_copy_to_another_region_and_update_and_delete(
    driver: AlicloudDriver, env: dict[str, str], emu: Any
) -> None:
    base = AlicloudImageSpec.parse(
        {"image_name": unique("src"), "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]}
    )
    source = reconcile.apply(reconcile.plan(base, None), driver, timeout=TIMEOUT)
    assert source is not None
    other = env["IMAGEOPS_ALICLOUD_OTHER_REGION"]
    spec = AlicloudImageSpec.parse(
        {
            "image_name": unique("copy"),
            "region": other,
            "tags": {"a": "1", "b": "2"},
            "copy_from": {"source_image_id": source.id, "source_region_id": env["IMAGEOPS_ALICLOUD_REGION"]},
        }
    )
    seen: list[str] = []
    copy = reconcile.apply(
        reconcile.plan(spec, reconcile.lookup(driver, spec, None)),
        driver,
        timeout=TIMEOUT,
        on_progress=lambda i: seen.append(i.attributes["disk_device_mapping"][0]["progress"]),
    )
    assert copy is not None and copy.region == other and copy.attributes["is_copied"] is True
    assert seen[-1] == "100%"
    assert driver.get(copy.id) is not None  # remembered in its own region
    with make_driver(env) as fresh:
        assert fresh.get(copy.id) is None  # a new connection looks in its own region...
        assert fresh.find(spec).id == copy.id  # ...but the spec's region finds it

    mark = emu.mark()
    assert reconcile.plan(spec, reconcile.lookup(driver, spec, None)).action is reconcile.Action.NOOP
    assert ecs_calls(emu, mark)[1] == []

    changed = AlicloudImageSpec.parse(
        {
            **spec.given(),
            "description": "now described",
            "tags": {"a": "9"},
            "resource_group_id": env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"],
        }
    )
    the_plan = reconcile.plan(changed, reconcile.lookup(driver, changed, None))
    assert the_plan.action is reconcile.Action.UPDATE
    updated = reconcile.apply(the_plan, driver, timeout=TIMEOUT)
    assert updated is not None and updated.id == copy.id
    assert updated.tags == {"a": "9"} and updated.attributes["description"] == "now described"
    assert updated.attributes["resource_group_id"] == env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"]

    kept = reconcile.plan(
        AlicloudImageSpec.parse({**changed.given(), "tags": {"c": "3"}}), updated, purge_tags=False
    )
    assert kept.update_values == {"tags": {"a": "9", "c": "3"}}

    reconcile.apply(reconcile.plan(None, updated), driver, timeout=TIMEOUT)
    assert driver.get(copy.id) is None
    driver.delete(copy.id)  # already gone: still a success


def test_replace_on_forcenew_field(driver: AlicloudDriver, env: dict[str, str]) -> None:
    spec = AlicloudImageSpec.parse(
        {
            "image_name": unique("arch"),
            "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
            "architecture": "x86_64",
        }
    )
    first = reconcile.apply(reconcile.plan(spec, None), driver, timeout=TIMEOUT)
    arm = AlicloudImageSpec.parse({**spec.given(), "architecture": "arm64"})
    the_plan = reconcile.plan(arm, reconcile.lookup(driver, arm, None))
    assert the_plan.action is reconcile.Action.REPLACE and the_plan.replace_fields == ("architecture",)
    second = reconcile.apply(the_plan, driver, timeout=TIMEOUT)
    assert second is not None and first is not None and second.id != first.id
    assert driver.get(first.id) is None and second.attributes["architecture"] == "arm64"


@pytest.mark.parametrize("mode", ["create", "copy"])
def test_interrupted_create_or_copy_is_adopted_through_client_token(
    driver: AlicloudDriver, env: dict[str, str], emu: Any, mode: str
) -> None:
    data: dict[str, Any] = {"snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]}
    if mode == "copy":
        source = reconcile.apply(
            reconcile.plan(AlicloudImageSpec.parse({"image_name": unique("s"), **data}), None),
            driver,
            timeout=TIMEOUT,
        )
        assert source is not None
        data = {
            "region": env["IMAGEOPS_ALICLOUD_THIRD_REGION"],
            "copy_from": {"source_image_id": source.id, "source_region_id": env["IMAGEOPS_ALICLOUD_REGION"]},
        }
    # No image_name: only the ClientToken can find it again (a unique description: a fresh token).
    spec = AlicloudImageSpec.parse({**data, "description": unique("interrupted")})
    action, params = request_for(spec, spec.region or driver.region)
    lost = driver.api.call(action, {**params, "ClientToken": spec.retry_token()})  # the answer "was lost"
    mark = emu.mark()
    adopted = driver.create(spec)
    assert adopted.id == lost["ImageId"]
    assert [c["action"] for c in ecs_calls(emu, mark)[1]] == [action]
    ready = driver.wait_for(adopted.id, ImageState.AVAILABLE, TIMEOUT)
    driver.delete(ready.id)
    # The token now names a deleted image: the next create moves on to a new token, a new image.
    fresh = driver.create(spec)
    assert fresh.id != adopted.id and fresh.state is not ImageState.DELETED


def test_failed_import_is_reported_then_replaced(driver: AlicloudDriver, env: dict[str, str]) -> None:
    spec = AlicloudImageSpec.parse(
        {
            "image_name": unique("broken"),
            "import_from": {
                "oss_bucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                "oss_object": env["IMAGEOPS_ALICLOUD_BROKEN_OSS_OBJECT"],
            },
        }
    )
    with pytest.raises(CloudError, match="CreateFailed"):
        reconcile.apply(reconcile.plan(spec, None), driver, timeout=TIMEOUT)
    failed = driver.find(spec)
    assert failed is not None and failed.state is ImageState.FAILED
    assert reconcile.plan(spec, failed).action is reconcile.Action.REPLACE
    driver.delete(failed.id)


def test_accounts_are_isolated_and_auth_errors_are_not_retried(env: dict[str, str], emu: Any) -> None:
    with make_driver(env) as mine, make_driver(env, prefix="IMAGEOPS_ALICLOUD_OTHER_") as theirs:
        spec = AlicloudImageSpec.parse(
            {"image_name": unique("mine"), "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]}
        )
        image = mine.create(spec)
        assert theirs.get(image.id) is None and theirs.find(spec) is None
        with pytest.raises(NotFoundError) as info:
            theirs.create(spec)
        assert info.value.code == "InvalidSnapshotId.NotFound"
        mine.wait_for(image.id, ImageState.AVAILABLE, TIMEOUT)
        mine.delete(image.id)
    bad = connect(
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret="wrong-secret-123",
        region="cn-hangzhou",
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    )
    mark = emu.mark()
    with pytest.raises(AuthError) as info:
        bad.get("m-bp1nothing")
    assert info.value.code == "SignatureDoesNotMatch" and "wrong-secret-123" not in str(info.value)
    assert len(emu.calls(since=mark, cloud="alicloud")) == 1


def test_delete_auto_snapshot_and_registry(env: dict[str, str]) -> None:
    driver = registry.connect(
        "alicloud",
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        region="cn-hangzhou",
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        poll=FAST_POLL,
    )
    spec = AlicloudImageSpec.parse(
        {
            "image_name": unique("auto"),
            "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "delete_auto_snapshot": True,
            "force": True,
        }
    )
    image = reconcile.apply(reconcile.plan(spec, None), driver, timeout=TIMEOUT)
    assert image is not None
    snapshot = image.attributes["disk_device_mapping"][0]["snapshot_id"]
    reconcile.apply(
        reconcile.plan(None, image), driver, timeout=TIMEOUT, delete_options=spec.delete_options()
    )
    left = driver.api.call("DescribeSnapshots", {"RegionId": "cn-hangzhou", "SnapshotIds": f'["{snapshot}"]'})
    assert left["TotalCount"] == 0
    listed = driver.list(AlicloudImageSpec.parse_key({}))
    assert all(i.state is not ImageState.DELETED for i in listed) and image.id not in [i.id for i in listed]


def test_the_same_image_destroyed_and_recreated_more_often_than_tokens_is_still_created(
    driver: AlicloudDriver, env: dict[str, str]
) -> None:
    # `pulumi destroy && pulumi up` on one stack, again and again: every deterministic ClientToken ends
    # up naming a deleted image; the create then moves on to a fresh token instead of failing.
    spec = AlicloudImageSpec.parse(
        {"image_name": unique("cycled"), "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]}
    )
    made: list[str] = []
    for _ in range(driver.max_token_attempts + 2):
        the_plan = reconcile.plan(spec, reconcile.lookup(driver, spec, None))
        image = reconcile.apply(the_plan, driver, timeout=TIMEOUT)
        assert image is not None and image.id not in made
        made.append(image.id)
        driver.delete(image.id)
    assert len(set(made)) == driver.max_token_attempts + 2
