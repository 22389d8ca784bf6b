"""The shared reconciler's apply() and the shared waiter, over an in-memory driver."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from imageops.driver import PollPolicy, wait_for_state
from imageops.errors import CloudError, WaitTimeoutError
from imageops.model import Image, ImageState
from imageops.oci import OciImageSpec
from imageops.reconcile import Action, apply, lookup, plan

COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaexample"
INSTANCE = "ocid1.instance.oc1.iad.aaaaaaaexample"


def spec(**extra: Any) -> OciImageSpec:
    return OciImageSpec.parse({"compartment_id": COMPARTMENT, "instance_id": INSTANCE, **extra})


class FakeDriver:
    """Keeps images in a dict; images are pending for ``pending_reads`` reads after a create."""

    cloud = "oci"
    spec_type = OciImageSpec

    def __init__(self, pending_reads: int = 1):
        self.images: dict[str, dict[str, Any]] = {}
        self.log: list[str] = []
        self.pending_reads = pending_reads
        self.timeouts: list[tuple[str, float]] = []  # the timeout apply() gave each create/update
        self._ids = (f"ocid1.image.oc1.iad.fake{i}" for i in itertools.count())

    def _image(self, image_id: str) -> Image:
        rec = self.images[image_id]
        return Image(
            cloud="oci",
            id=image_id,
            name=rec["display_name"],
            state=rec["state"],
            raw_state=rec["state"].value.upper(),
            attributes={k: v for k, v in rec.items() if k != "state"},
        )

    def get(self, image_id: str) -> Image | None:
        self.log.append(f"get {image_id}")
        rec = self.images.get(image_id)
        if rec is None:
            return None
        if rec["state"] is ImageState.PENDING:
            rec["reads"] -= 1
            if rec["reads"] < 0:
                rec["state"] = ImageState.AVAILABLE
        return self._image(image_id)

    def find(self, desired: OciImageSpec) -> Image | None:
        self.log.append("find")
        hits = [i for i, r in self.images.items() if r["display_name"] == desired.display_name]
        hits = [i for i in hits if self.images[i]["state"] is not ImageState.DELETED]
        return self._image(hits[0]) if hits else None

    def create(self, desired: OciImageSpec, *, timeout: float) -> Image:
        self.log.append("create")
        self.timeouts.append(("create", timeout))
        image_id = next(self._ids)
        self.images[image_id] = {
            "compartment_id": desired.compartment_id,
            "display_name": desired.display_name,
            "launch_mode": desired.launch_mode or "NATIVE",
            "freeform_tags": desired.freeform_tags or {},
            "defined_tags": desired.defined_tags or {},
            "state": ImageState.PENDING,
            "reads": self.pending_reads,
        }
        return self._image(image_id)

    def update(self, image: Image, desired: OciImageSpec, values: dict[str, Any], *, timeout: float) -> Image:
        self.log.append(f"update {sorted(values)}")
        self.timeouts.append(("update", timeout))
        self.images[image.id].update(values)
        return self._image(image.id)

    def delete(self, image_id: str) -> None:
        self.log.append(f"delete {image_id}")
        if image_id in self.images:
            self.images[image_id]["state"] = ImageState.DELETED

    def wait_for(self, image_id, wanted, timeout, on_progress=None) -> Image:
        no_sleep = PollPolicy(first=0, longest=0)
        return wait_for_state(self.get, image_id, wanted, timeout, policy=no_sleep, sleep=lambda _: None)

    def close(self) -> None:
        pass


def converge(driver: FakeDriver, desired: OciImageSpec | None, image_id: str | None = None, **kw: Any):
    the_plan = plan(desired, lookup(driver, desired, image_id), **kw)
    return the_plan, apply(the_plan, driver, timeout=5)


def test_create_waits_until_available_then_rerun_is_a_noop_with_one_read():
    driver = FakeDriver(pending_reads=2)
    first, image = converge(driver, spec(display_name="a"))
    assert first.action is Action.CREATE and image.state is ImageState.AVAILABLE
    driver.log.clear()
    second, again = converge(driver, spec(display_name="a"))
    assert second.action is Action.NOOP and not second.changed
    assert again.id == image.id
    assert driver.log == ["find"]


def test_update_sends_only_the_changed_in_place_fields():
    driver = FakeDriver()
    _, image = converge(driver, spec(display_name="a", freeform_tags={"k": "v"}))
    driver.log.clear()
    the_plan, updated = converge(driver, spec(display_name="a", freeform_tags={"k": "w"}), image.id)
    assert the_plan.action is Action.UPDATE
    assert driver.log == [f"get {image.id}", "update ['freeform_tags']"]
    assert updated.attributes["freeform_tags"] == {"k": "w"}


def test_purge_false_merges_tags():
    driver = FakeDriver()
    converge(driver, spec(display_name="a", freeform_tags={"keep": "1"}))
    the_plan, updated = converge(driver, spec(display_name="a", freeform_tags={"new": "2"}), purge_tags=False)
    assert the_plan.update_values == {"freeform_tags": {"keep": "1", "new": "2"}}
    assert updated.attributes["freeform_tags"] == {"keep": "1", "new": "2"}


def test_replace_deletes_first_then_creates_one_new_image():
    driver = FakeDriver()
    _, old = converge(driver, spec(display_name="a", launch_mode="NATIVE"))
    driver.log.clear()
    the_plan, new = converge(driver, spec(display_name="a", launch_mode="EMULATED"))
    assert the_plan.action is Action.REPLACE and the_plan.replace_fields == ("launch_mode",)
    assert driver.log.index(f"delete {old.id}") < driver.log.index("create")
    assert new.id != old.id
    live = [i for i, r in driver.images.items() if r["state"] is not ImageState.DELETED]
    assert live == [new.id]


def test_delete_then_delete_again_is_a_noop():
    driver = FakeDriver()
    _, image = converge(driver, spec(display_name="a"))
    gone, result = converge(driver, None, image.id)
    assert gone.action is Action.DELETE and result is None
    again, _ = converge(driver, None, image.id)
    assert again.action is Action.NOOP


def test_diff_shows_before_and_after_of_managed_fields():
    driver = FakeDriver()
    _, image = converge(driver, spec(display_name="a", freeform_tags={"k": "v"}))
    the_plan = plan(spec(display_name="b", freeform_tags={"k": "v"}), image)
    diff = the_plan.diff()
    assert diff["before"]["display_name"] == "a" and diff["after"]["display_name"] == "b"
    assert plan(spec(display_name="new"), None).diff()["before"] == {}


def test_waiter_times_out_naming_the_image():
    ticks = itertools.count()

    def never_ready(image_id: str) -> Image:
        return Image(cloud="oci", id=image_id, state=ImageState.PENDING, raw_state="PROVISIONING")

    with pytest.raises(WaitTimeoutError) as caught:
        wait_for_state(
            never_ready,
            "img-1",
            ImageState.AVAILABLE,
            3,
            clock=lambda: next(ticks),
            sleep=lambda _: None,
        )
    assert caught.value.image_id == "img-1" and "PROVISIONING" in str(caught.value)


def test_waiter_reports_progress_and_failure():
    seen: list[str] = []
    states = iter(["PROVISIONING", "DISABLED"])

    def failing(image_id: str) -> Image:
        raw = next(states)
        state = ImageState.PENDING if raw == "PROVISIONING" else ImageState.FAILED
        return Image(cloud="oci", id=image_id, state=state, raw_state=raw)

    with pytest.raises(CloudError, match="failed"):
        wait_for_state(
            failing,
            "img-2",
            ImageState.AVAILABLE,
            60,
            on_progress=lambda image: seen.append(image.raw_state),
            sleep=lambda _: None,
        )
    assert seen == ["PROVISIONING", "DISABLED"]


def test_waiter_treats_a_vanished_image_as_deleted():
    image = wait_for_state(lambda _: None, "img-3", ImageState.DELETED, 1, sleep=lambda _: None)
    assert image.state is ImageState.DELETED


def test_create_only_inputs_compare_with_previous_inputs_set_and_unset():
    driver = FakeDriver()
    _, image = converge(driver, spec(display_name="a"))
    with_volumes = spec(display_name="a", should_include_data_volumes=True)
    set_now = plan(with_volumes, image, previous=spec(display_name="a"))
    assert set_now.action is Action.REPLACE and set_now.replace_fields == ("should_include_data_volumes",)
    unset_now = plan(spec(display_name="a"), image, previous=with_volumes)
    assert unset_now.action is Action.REPLACE and unset_now.replace_fields == ("should_include_data_volumes",)
    # Without previous inputs (Ansible) a create-only input cannot be compared: no change.
    assert plan(with_volumes, image).action is Action.NOOP


def test_changes_to_an_image_still_being_built_wait_for_it_first():
    driver = FakeDriver(pending_reads=3)
    image = apply(plan(spec(display_name="a"), None), driver, wait=False, timeout=5)
    assert image.state is ImageState.PENDING
    driver.log.clear()
    apply(plan(spec(display_name="a", freeform_tags={"k": "v"}), image), driver, wait=False, timeout=5)
    update_at = next(i for i, line in enumerate(driver.log) if line.startswith("update"))
    assert driver.log[:update_at] and all(line.startswith("get") for line in driver.log[:update_at])
    assert driver.images[image.id]["state"] is ImageState.AVAILABLE
