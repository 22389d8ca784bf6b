"""``reconcile.plan_live``: the plan completed by the driver's ``pending_changes`` (reads only), and
the operation's timeout threaded from ``apply`` into ``driver.create``/``driver.update``."""

from __future__ import annotations

from typing import Any

import pytest
from test_reconcile_apply import FakeDriver, converge, spec

from imageops.driver import ImageDriver, PollingDriver
from imageops.errors import NotFoundError
from imageops.model import Image
from imageops.reconcile import NOTHING_PENDING, Action, Change, Pending, apply, plan, plan_live
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

EXPORT = {"bucket_name": "b", "object_name": "o.oci"}


class LiveDriver(FakeDriver):
    """FakeDriver with a ``pending_changes`` hook: ``export_to`` is pending while ``exported`` is
    False (as OCI's HeadObject would say), and every call of the hook is recorded."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.exported = False
        self.asked: list[tuple[str, str | None]] = []
        self.refuse: Exception | None = None

    def pending_changes(self, desired: ImageSpec, observed: Image | None) -> Pending:
        self.asked.append(("pending", observed.id if observed is not None else None))
        if self.refuse is not None:
            raise self.refuse
        export = getattr(desired, "export_to", None)
        if export is None:
            return NOTHING_PENDING
        changes = () if self.exported else (Change("export_to", None, export.given(), replace=False),)
        return Pending(changes, {"exported": not self.exported, "export_object": {"object_name": "o.oci"}})

    def update(self, image: Image, desired: Any, values: dict[str, Any], *, timeout: float) -> Image:
        values = dict(values)
        if values.pop("export_to", None) is not None:
            self.exported = True
            self.log.append("export")
        return super().update(image, desired, values, timeout=timeout)


def test_an_existing_image_with_a_pending_export_is_an_in_place_update_and_then_a_noop():
    driver = LiveDriver()
    _, image = converge(driver, spec(display_name="a"))
    wanted = spec(display_name="a", export_to=EXPORT)
    assert plan(wanted, image).action is Action.NOOP  # the image itself does not show it
    the_plan = plan_live(driver, wanted, image)
    assert the_plan.action is Action.UPDATE and the_plan.changed
    assert the_plan.update_values == {"export_to": {"bucket_name": "b", "object_name": "o.oci"}}
    assert the_plan.extra_result == {"exported": True, "export_object": {"object_name": "o.oci"}}
    assert the_plan.diff()["after"]["export_to"] == {"bucket_name": "b", "object_name": "o.oci"}
    assert driver.asked == [("pending", image.id)]
    driver.log.clear()
    apply(the_plan, driver, timeout=7)
    assert driver.log[0] == "export" and ("update", 7) in driver.timeouts

    again = plan_live(driver, wanted, driver.get(image.id))
    assert again.action is Action.NOOP and not again.changed
    assert again.extra_result == {"exported": False, "export_object": {"object_name": "o.oci"}}


def test_a_plan_that_builds_asks_with_no_image_and_keeps_its_action():
    driver = LiveDriver()
    wanted = spec(display_name="a", export_to=EXPORT)
    created = plan_live(driver, wanted, None)
    assert created.action is Action.CREATE and created.extra_result["exported"] is True
    _, old = converge(driver, spec(display_name="a", launch_mode="NATIVE"))
    driver.asked.clear()
    replaced = plan_live(driver, spec(display_name="a", launch_mode="EMULATED", export_to=EXPORT), old)
    assert replaced.action is Action.REPLACE and replaced.replace_fields == ("launch_mode",)
    assert driver.asked == [("pending", None)]  # the changes go to the new image, not the old one


def test_a_delete_is_never_asked_about_and_a_driver_without_the_hook_plans_as_plan():
    driver = LiveDriver()
    _, image = converge(driver, spec(display_name="a"))
    driver.asked.clear()
    assert plan_live(driver, None, image).action is Action.DELETE and driver.asked == []
    plain = FakeDriver()  # no pending_changes at all (a test double, a driver written before it)
    assert plan_live(plain, spec(display_name="a", export_to=EXPORT), image) == plan(
        spec(display_name="a", export_to=EXPORT), image
    )


def test_the_live_answer_wins_over_the_previous_inputs():
    """Pulumi's update compares ``export_to`` with the previous inputs; the object being there
    already (the live answer) means there is nothing to export."""
    driver = LiveDriver()
    _, image = converge(driver, spec(display_name="a"))
    previous = spec(display_name="a", export_to={"bucket_name": "b", "object_name": "old.oci"})
    wanted = spec(display_name="a", export_to=EXPORT)
    static = plan(wanted, image, previous=previous)
    assert [c.field for c in static.changes] == ["export_to"]
    live = plan_live(driver, wanted, image, previous=previous)
    assert [c.after for c in live.changes] == [{"bucket_name": "b", "object_name": "o.oci"}]


def test_an_error_of_the_hook_stops_before_any_write():
    driver = LiveDriver()
    driver.refuse = NotFoundError("source not found; nothing was written", code="SourceImageNotFound")
    with pytest.raises(NotFoundError, match="nothing was written"):
        plan_live(driver, spec(display_name="a"), None)
    assert [line for line in driver.log if not line.startswith(("get", "find"))] == []


def test_apply_gives_create_and_update_the_operation_timeout():
    driver = FakeDriver()
    image = apply(plan(spec(display_name="a"), None), driver, timeout=12.5)
    apply(plan(spec(display_name="b"), image), driver, timeout=3)
    assert driver.timeouts == [("create", 12.5), ("update", 3)]


def test_the_protocol_and_its_default_hook():
    assert "pending_changes" in dir(ImageDriver)
    hook = PollingDriver.pending_changes
    assert hook(PollingDriver(api=None), spec(display_name="a"), None) is NOTHING_PENDING
    assert apply.__kwdefaults__["timeout"] == DEFAULT_WAIT_TIMEOUT  # the one default, not a copy of it
