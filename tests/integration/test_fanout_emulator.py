"""Fan-out end to end: ECS images copied to many regions of the emulator (real sockets, real
signatures, per-call latency), with exact write counts from its call log."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from imageops.alicloud import AlicloudImageSpec
from imageops.driver import ImageDriver, PollPolicy
from imageops.emulator import testing
from imageops.errors import CloudError
from imageops.fanout import FanOutResult, connector, fan_out
from imageops.outscale import OutscaleImageSpec

LATENCY = 0.05
POLL = PollPolicy(first=0.05, longest=0.3)


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # time scale 0.005: an ECS create (1 min) takes 0.3 s, a copy (3 min 20 s) 1 s.
    with testing.running_emulator(
        time_scale=0.005, latency=LATENCY, workdir=tmp_path_factory.mktemp("fanout-emu")
    ) as handle:
        yield handle


@pytest.fixture(scope="module")
def regions(emu: Any) -> list[str]:
    return emu.env["IMAGEOPS_ALICLOUD_REGIONS"].split(",")


def connect_for(env: dict[str, str]) -> Any:
    return connector(
        "alicloud",
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        poll=POLL,
    )


def golden(env: dict[str, str]) -> AlicloudImageSpec:
    return AlicloudImageSpec.parse(
        {
            "image_name": f"golden-{uuid.uuid4().hex[:8]}",
            "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            "description": "fanned out",
            "tags": {"team": "images"},
        }
    )


def writes(emu: Any, since: int) -> list[str]:
    return [c["action"] for c in emu.calls(since=since, cloud="alicloud") if not testing.is_read(c)]


def reads(emu: Any, since: int) -> list[str]:
    return [c["action"] for c in emu.calls(since=since, cloud="alicloud") if testing.is_read(c)]


class FailingCreates:
    """A region's driver whose create fails once, as a cloud refusing a copy (quota) would."""

    def __init__(self, driver: ImageDriver) -> None:
        self._driver = driver

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    def create(self, spec: Any, *, timeout: float) -> Any:
        raise CloudError("The image quota of this region is used up.", code="QuotaExceed.Image", status=403)


def test_six_regions_then_a_rerun_changes_nothing(emu: Any, regions: list[str]) -> None:
    env, wanted = emu.env, regions[:6]
    spec = golden(env)
    mark = emu.mark()
    result = fan_out(spec, wanted, connect_for(env))
    assert result.failed == []
    assert writes(emu, mark) == ["CreateImage"] + ["CopyImage"] * 5
    ids = result.image_ids
    assert len(set(ids.values())) == 6 and all(
        result.regions[r].image.raw_state == "Available" for r in wanted
    )
    for region in wanted[1:]:
        outcome = result.regions[region]
        assert outcome.image.region == region and outcome.image.attributes["is_copied"] is True
        assert outcome.image.tags == {"team": "images"} and outcome.progress[-1].state == "Available"

    mark = emu.mark()
    again = fan_out(spec, wanted, connect_for(env))
    assert not again.changed and again.image_ids == ids
    assert writes(emu, mark) == [] and reads(emu, mark) == ["DescribeImages"] * 6  # one lookup a region


def test_a_failing_region_keeps_the_others_and_a_rerun_only_acts_there(emu: Any, regions: list[str]) -> None:
    env, wanted = emu.env, regions[:5]
    spec, failing = golden(env), wanted[2]
    real = connect_for(env)

    def flaky(region: str) -> ImageDriver:
        driver = real(region)
        return FailingCreates(driver) if region == failing else driver  # type: ignore[return-value]

    mark = emu.mark()
    result = fan_out(spec, wanted, flaky)
    assert result.failed == [failing]
    assert result.regions[failing].error_code == "QuotaExceed.Image"
    assert f"{failing}: QuotaExceed.Image: The image quota" in result.failure_message()
    assert writes(emu, mark) == ["CreateImage"] + ["CopyImage"] * 3
    kept = {r: i for r, i in result.image_ids.items() if r != failing}
    assert all(kept.values())

    mark = emu.mark()
    again = fan_out(spec, wanted, real)
    assert again.failed == []
    assert [r for r, o in again.regions.items() if o.changed] == [failing]
    assert writes(emu, mark) == ["CopyImage"]  # only the failed region acted
    assert {r: i for r, i in again.image_ids.items() if r != failing} == kept  # the others untouched

    mark = emu.mark()
    assert not fan_out(spec, wanted, real).changed
    assert writes(emu, mark) == [] and reads(emu, mark) == ["DescribeImages"] * 5


def test_a_region_the_cloud_refuses_is_reported_with_its_error(emu: Any, regions: list[str]) -> None:
    env = emu.env
    wanted = [regions[0], "cn-atlantis", regions[1]]  # a well-formed id ECS does not know
    result = fan_out(golden(env), wanted, connect_for(env))
    assert result.failed == ["cn-atlantis"]
    assert result.regions["cn-atlantis"].error_code == "InvalidRegionId.NotFound"
    assert result.regions[regions[1]].image.raw_state == "Available"


def timed(spec: AlicloudImageSpec, wanted: list[str], connect: Any) -> tuple[float, FanOutResult]:
    started = time.monotonic()
    result = fan_out(spec, wanted, connect)
    return time.monotonic() - started, result


def test_eight_copy_regions_take_at_most_twice_one(emu: Any, regions: list[str]) -> None:
    """The small-scale ratio: source + 8 copies against source + 1 copy (bench/fanout.py: 20)."""
    env = emu.env
    connect = connect_for(env)
    one, one_result = timed(golden(env), regions[:2], connect)
    eight, eight_result = timed(golden(env), regions[:9], connect)
    assert one_result.failed == [] and eight_result.failed == []
    assert eight <= 2.0 * one, f"8 regions took {eight:.2f}s, 1 region {one:.2f}s ({eight / one:.2f}x)"


def outscale_connect(env: dict[str, str]) -> Any:
    return connector(
        "outscale",
        access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key=env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"],
        poll=POLL,
    )


def test_outscale_copies_to_every_region_each_seen_only_there(emu: Any) -> None:
    """OUTSCALE: each Region its own endpoint (the emulator: the credential scope's Region)."""
    env = emu.env
    regions = env["IMAGEOPS_OUTSCALE_REGIONS"].split(",")
    spec = OutscaleImageSpec.parse(
        {
            "image_name": f"golden-{uuid.uuid4().hex[:8]}",
            "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"],
            "description": "fanned out",
            "tags": [{"key": "team", "value": "images"}],
        }
    )
    mark = emu.mark()
    result = fan_out(spec, regions, outscale_connect(env))
    assert result.failed == []
    calls = [c["action"] for c in emu.calls(since=mark, cloud="outscale") if not testing.is_read(c)]
    assert calls[:2] == ["CreateImage", "CreateTags"]  # the source first, then the copies at once
    assert sorted(calls) == sorted(["CreateImage", "CreateTags"] * len(regions))
    for region in regions:
        image = result.regions[region].image
        assert image.region == region and image.raw_state == "available" and image.tags == {"team": "images"}
    # each copy lives in its own Region only: the same name, another OMI, invisible from the others
    connect = outscale_connect(env)
    with connect(regions[0]) as home, connect(regions[1]) as other:
        assert home.get(result.image_ids[regions[1]]) is None
        assert other.find(spec).id == result.image_ids[regions[1]]
    mark = emu.mark()
    assert not fan_out(spec, regions, outscale_connect(env)).changed
    assert [c["action"] for c in emu.calls(since=mark, cloud="outscale")] == ["ReadImages"] * len(regions)
    # a Region OUTSCALE does not have is refused by its (emulated) endpoint, the others kept
    odd = fan_out(spec, [regions[0], "mars-north-1"], outscale_connect(env))
    assert odd.failed == ["mars-north-1"] and odd.regions["mars-north-1"].error_code is not None


def test_the_emulator_latency_delays_each_call_and_calls_overlap(emu: Any) -> None:
    """--latency: every API call takes at least that long; concurrent calls wait together."""
    env = emu.env
    missing = "m-bp1nosuchimage000000"
    with connect_for(env)(env["IMAGEOPS_ALICLOUD_REGION"]) as driver:
        driver.get(missing)  # connection set up
        started = time.monotonic()
        for _ in range(10):
            driver.get(missing)
        in_a_row = time.monotonic() - started
        assert in_a_row >= 10 * LATENCY
        started = time.monotonic()
        threads = [threading.Thread(target=driver.get, args=(missing,)) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert time.monotonic() - started < in_a_row / 2  # ten calls at once, not ten latencies
