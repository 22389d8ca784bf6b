"""imageops.fanout without a cloud: in-memory regions, to pin down the pool, the per-region
isolation, check mode and input validation exactly."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from imageops.alicloud import AlicloudImageSpec
from imageops.errors import CloudError, SpecError, WaitTimeoutError
from imageops.fanout import fan_out, remove
from imageops.model import Image, ImageState
from imageops.outscale import OutscaleImageSpec
from imageops.spec import ImageSpec

REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-qingdao", "cn-shenzhen", "cn-chengdu"]


class World:
    """The images of every region, and a log of the write calls made to them."""

    def __init__(self, failing: set[str] = frozenset(), delay: float = 0.0) -> None:
        self.images: dict[str, dict[str, Image]] = {}
        self.writes: list[tuple[str, str]] = []
        self.failing = set(failing)
        self.delay = delay
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        self.closed: list[str] = []


class FakeDriver:
    cloud = "alicloud"
    spec_type = AlicloudImageSpec

    def __init__(self, world: World, region: str) -> None:
        self.world, self.region = world, region

    def get(self, image_id: str) -> Image | None:
        return self.world.images.get(self.region, {}).get(image_id)

    def find(self, spec: ImageSpec) -> Image | None:
        named = [i for i in self.world.images.get(self.region, {}).values() if i.name == spec.image_name]
        return named[0] if named else None

    def create(self, spec: Any, *, timeout: float) -> Image:
        with self.world.lock:
            self.world.in_flight += 1
            self.world.most_in_flight = max(self.world.most_in_flight, self.world.in_flight)
            self.world.writes.append((self.region, "copy" if spec.copy_from else "create"))
        try:
            time.sleep(self.world.delay)
            if self.region in self.world.failing:
                raise CloudError("quota exceeded", code="QuotaExceed.Image", status=403)
            image = Image(
                cloud="alicloud", id=f"m-{self.region}-{len(self.world.writes)}", name=spec.image_name,
                state=ImageState.AVAILABLE, raw_state="Available", region=self.region,
                tags=dict(spec.tags or {}),
                attributes={"image_name": spec.image_name, "tags": dict(spec.tags or {}), "copied_from":
                            spec.copy_from.source_image_id if spec.copy_from else None},
            )  # fmt: skip
            self.world.images.setdefault(self.region, {})[image.id] = image
            return image
        finally:
            with self.world.lock:
                self.world.in_flight -= 1

    def wait_for(self, image_id: str, wanted: ImageState, timeout: float, on_progress: Any = None) -> Image:
        image = self.get(image_id)
        assert image is not None
        if on_progress is not None:
            on_progress(image)
        return image

    def close(self) -> None:
        self.world.closed.append(self.region)


def spec(name: str = "golden") -> AlicloudImageSpec:
    return AlicloudImageSpec.parse({"image_name": name, "instance_id": "i-demo", "tags": {"team": "a"}})


def test_first_region_is_built_the_others_are_copies_of_it() -> None:
    world = World()
    result = fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region))
    assert result.failed == [] and result.changed
    assert world.writes[0] == ("cn-hangzhou", "create")
    assert sorted(world.writes[1:]) == sorted((r, "copy") for r in REGIONS[1:])
    source_id = result.source.image.id
    for region in REGIONS[1:]:
        copy = result.regions[region].image
        assert copy.region == region and copy.name == "golden"
        assert copy.attributes["copied_from"] == source_id
    assert sorted(world.closed) == sorted(REGIONS)  # every region's connection is closed


def test_the_pool_is_bounded_by_max_parallel() -> None:
    world = World(delay=0.05)
    fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region), max_parallel=2)
    assert world.most_in_flight == 2
    world = World(delay=0.05)
    fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region), max_parallel=10)
    assert world.most_in_flight == len(REGIONS) - 1  # all copies at once


def test_a_failing_region_is_reported_and_the_others_are_kept() -> None:
    world = World(failing={"cn-beijing"})
    result = fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region))
    assert result.failed == ["cn-beijing"]
    failed = result.regions["cn-beijing"]
    assert failed.error_code == "QuotaExceed.Image" and "quota exceeded" in failed.error
    assert failed.image is None
    kept = [r for r in REGIONS if r != "cn-beijing"]
    assert all(world.images[r] for r in kept)
    message = result.failure_message()
    assert "1 of 6 regions failed" in message and "cn-beijing: " in message and "other 5 are kept" in message
    # the re-run: the five are found (no write), only the failed region acts
    world.failing.clear()
    writes_before = len(world.writes)
    again = fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region))
    assert again.failed == []
    assert world.writes[writes_before:] == [("cn-beijing", "copy")]
    assert [r for r, o in again.regions.items() if o.changed] == ["cn-beijing"]


def test_a_failing_source_region_copies_nothing() -> None:
    world = World(failing={"cn-hangzhou"})
    result = fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region))
    assert result.failed == REGIONS
    assert world.writes == [("cn-hangzhou", "create")]
    assert all(result.regions[r].error_code == "SourceFailed" for r in REGIONS[1:])
    assert "cn-hangzhou failed" in result.regions["cn-shanghai"].error


def test_check_mode_writes_nothing_and_says_what_would_happen() -> None:
    world = World()
    fan_out(spec(), REGIONS[:3], lambda region: FakeDriver(world, region))
    writes = list(world.writes)
    result = fan_out(spec(), REGIONS, lambda region: FakeDriver(world, region), check_mode=True)
    assert world.writes == writes
    actions = {r: o.action for r, o in result.regions.items()}
    assert actions == {**dict.fromkeys(REGIONS[:3], "noop"), **dict.fromkeys(REGIONS[3:], "create")}
    assert result.changed and [r for r, o in result.regions.items() if o.changed] == REGIONS[3:]


def test_check_mode_with_no_source_yet_plans_every_region() -> None:
    world = World()
    result = fan_out(spec(), REGIONS[:3], lambda region: FakeDriver(world, region), check_mode=True)
    assert world.writes == []
    assert {o.action for o in result.regions.values()} == {"create"} and result.failed == []


@pytest.mark.parametrize(
    ("regions", "max_parallel", "field", "rule"),
    [
        ([], 4, "regions", "at least one region"),
        (["cn-hangzhou", "cn-hangzhou"], 4, "regions", "repeated: cn-hangzhou"),
        (["cn-hangzhou", ""], 4, "regions", "non-empty string"),
        (["cn-hangzhou", "Not A Region"], 4, "regions.1", "region ID"),
        (["cn-hangzhou"], 0, "max_parallel", "at least 1"),
    ],
)
def test_bad_input_is_refused_before_any_call(
    regions: list[str], max_parallel: int, field: str, rule: str
) -> None:
    def connect(region: str) -> FakeDriver:
        raise AssertionError("no connection may be made for bad input")

    with pytest.raises(SpecError) as caught:
        fan_out(spec(), regions, connect, max_parallel=max_parallel)
    assert any(f == field and rule in r for f, r in caught.value.errors), caught.value.errors


def test_a_cloud_that_cannot_copy_is_refused_before_any_call() -> None:
    class NoCopySpec(AlicloudImageSpec):
        copy_to = ImageSpec.copy_to

    desired = NoCopySpec.parse({"image_name": "golden", "instance_id": "i-demo"})
    with pytest.raises(SpecError, match="cannot be copied between regions"):
        fan_out(desired, REGIONS[:2], lambda region: pytest.fail("connected"))
    world = World()  # one region needs no copy
    assert fan_out(desired, REGIONS[:1], lambda region: FakeDriver(world, region)).failed == []


def test_copy_specs_keep_the_name_and_tags_and_point_at_the_source() -> None:
    source = Image(
        cloud="alicloud",
        id="m-bp1source",
        state=ImageState.AVAILABLE,
        raw_state="Available",
        region="cn-hangzhou",
    )
    copy = spec().copy_to("cn-shanghai", source)
    assert copy.given() == {
        "image_name": "golden", "tags": {"team": "a"}, "region": "cn-shanghai",
        "copy_from": {"source_image_id": "m-bp1source", "source_region_id": "cn-hangzhou"},
    }  # fmt: skip
    omi = Image(
        cloud="outscale",
        id="ami-12345678",
        state=ImageState.AVAILABLE,
        raw_state="available",
        region="eu-west-2",
    )
    outscale = OutscaleImageSpec.parse(
        {"image_name": "golden", "vm_id": "i-12345678", "description": "d",
         "tags": [{"key": "k", "value": "v"}]}
    )  # fmt: skip
    assert outscale.copy_to("us-east-2", omi).given() == {
        "image_name": "golden", "description": "d", "tags": [{"key": "k", "value": "v"}],
        "source_image_id": "ami-12345678", "source_region_name": "eu-west-2",
    }  # fmt: skip
    # each region's copy carries its own ClientToken
    tokens = {spec().copy_to(region, source).retry_token() for region in REGIONS[1:]}
    assert len(tokens) == len(REGIONS) - 1


def test_remove_deletes_in_every_region_and_a_rerun_does_nothing() -> None:
    world = World()
    fan_out(spec(), REGIONS[:4], lambda region: FakeDriver(world, region))
    deleted: list[str] = []

    class Deleting(FakeDriver):
        def delete(self, image_id: str, **options: Any) -> None:
            assert options == {"force": True}
            deleted.append(self.region)
            del self.world.images[self.region][image_id]

        def wait_for(
            self, image_id: str, wanted: ImageState, timeout: float, on_progress: Any = None
        ) -> Image:
            assert wanted is ImageState.DELETED and self.get(image_id) is None
            return Image(cloud="alicloud", id=image_id, state=wanted, raw_state="NOT_FOUND")

    key = AlicloudImageSpec.parse_key({"image_name": "golden", "force": True})
    checked = remove(key, REGIONS, lambda region: Deleting(world, region), check_mode=True)
    assert deleted == [] and [r for r, o in checked.regions.items() if o.changed] == REGIONS[:4]
    result = remove(key, REGIONS, lambda region: Deleting(world, region))
    assert sorted(deleted) == sorted(REGIONS[:4]) and result.failed == []
    assert {r: o.action for r, o in result.regions.items()} == {
        **dict.fromkeys(REGIONS[:4], "delete"), **dict.fromkeys(REGIONS[4:], "noop")
    }  # fmt: skip
    again = remove(key, REGIONS, lambda region: Deleting(world, region))
    assert not again.changed and sorted(deleted) == sorted(REGIONS[:4])


def test_a_region_that_times_out_names_its_image_and_the_rest_go_on() -> None:
    world = World()

    class Slow(FakeDriver):
        def wait_for(
            self, image_id: str, wanted: ImageState, timeout: float, on_progress: Any = None
        ) -> Image:
            if self.region == "cn-beijing":
                raise WaitTimeoutError(image_id, wanted.value, "Creating", timeout)
            return super().wait_for(image_id, wanted, timeout, on_progress)

    result = fan_out(spec(), REGIONS, lambda region: Slow(world, region), timeout=5)
    slow = result.regions["cn-beijing"]
    assert result.failed == ["cn-beijing"] and slow.error_code == "WaitTimeoutError"
    assert slow.image.id in world.images["cn-beijing"] and slow.image.raw_state == "Creating"
    assert slow.changed  # the copy was made: a re-run adopts it
    assert all(result.regions[r].image.raw_state == "Available" for r in REGIONS if r != "cn-beijing")
