"""A failed write to an image that was found names it: ``image_id`` on the error, and in its message.

The core knows which image an update or a delete was about (``reconcile.apply``,
``reconcile.delete``, :func:`imageops.errors.about_image`); the tools return it on failure, whether the
cloud refused the write or its answer never came. A create that fails has no image to name.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_reconcile_apply import FakeDriver, converge, spec

from imageops import reconcile
from imageops.errors import (
    CloudError,
    ImageOpsError,
    TransportError,
    ValidationError,
    WaitTimeoutError,
    about_image,
)
from imageops.model import Image
from imageops.oci import OciImageSpec
from imageops.reconcile import Action, apply, lookup, plan


class FailingDriver(FakeDriver):
    """A FakeDriver whose update and delete raise ``self.error`` once armed (after the cloud acted)."""

    error: Exception | None = None

    def update(self, image: Image, desired: OciImageSpec, values: dict[str, Any], *, timeout: float) -> Image:
        updated = super().update(image, desired, values, timeout=timeout)
        if self.error is not None:
            raise self.error
        return updated

    def delete(self, image_id: str) -> None:
        super().delete(image_id)
        if self.error is not None:
            raise self.error

    def create(self, desired: OciImageSpec, *, timeout: float) -> Image:
        if self.error is not None:
            raise self.error
        return super().create(desired, timeout=timeout)


def existing(driver: FailingDriver, **fields: Any) -> Image:
    _, image = converge(driver, spec(display_name="a", freeform_tags={"k": "v"}, **fields))
    return image


@pytest.mark.parametrize(
    "error",
    [
        TransportError("ReadTimeout: timed out", operation="UpdateImage"),
        ValidationError("bad tag", code="InvalidParameter", status=400, operation="UpdateImage"),
    ],
    ids=["unknown", "refused"],
)
def test_a_failed_update_names_the_image(error):
    driver = FailingDriver()
    image = existing(driver)
    driver.error = error
    the_plan = plan(spec(display_name="a", freeform_tags={"k": "w"}), lookup(driver, None, image.id))
    assert the_plan.action is Action.UPDATE
    with pytest.raises(type(error)) as caught:  # the same error, its type kept
        apply(the_plan, driver, timeout=5)
    assert caught.value is error and caught.value.image_id == image.id
    assert str(caught.value).startswith(f"image {image.id}: UpdateImage failed: ")
    assert caught.value.code == error.code and caught.value.status == error.status


def test_a_failed_delete_names_the_image_in_apply_and_in_reconcile_delete():
    driver = FailingDriver()
    image = existing(driver)
    driver.error = CloudError("timed out", operation="DeleteImage")
    the_plan = plan(None, lookup(driver, None, image.id))
    assert the_plan.action is Action.DELETE
    with pytest.raises(CloudError) as caught:
        apply(the_plan, driver, timeout=5)
    assert caught.value.image_id == image.id and image.id in str(caught.value)
    driver.error = TransportError("ConnectError: refused", operation="DeleteImage")
    with pytest.raises(TransportError) as again:
        reconcile.delete(driver, image.id, timeout=5)
    assert again.value.image_id == image.id and image.id in str(again.value)


def test_a_replace_names_the_old_image_while_deleting_it_and_no_image_when_the_create_fails():
    driver = FailingDriver()
    old = existing(driver, launch_mode="NATIVE")
    driver.error = TransportError("ReadTimeout: timed out", operation="DeleteImage")
    the_plan = plan(spec(display_name="a", launch_mode="EMULATED"), lookup(driver, None, old.id))
    assert the_plan.action is Action.REPLACE
    with pytest.raises(TransportError) as deleting:
        apply(the_plan, driver, timeout=5)
    assert deleting.value.image_id == old.id

    fresh = FailingDriver()
    fresh.error = TransportError("ReadTimeout: timed out", operation="CreateImage")
    with pytest.raises(TransportError) as creating:
        apply(plan(spec(display_name="new"), None), fresh, timeout=5)
    assert creating.value.image_id is None and "image " not in str(creating.value)


def test_about_image_keeps_an_image_already_named_and_passes_other_errors():
    timeout = WaitTimeoutError("ocid1.image.oc1.iad.built", "available", "PROVISIONING", 5)
    with pytest.raises(WaitTimeoutError) as caught, about_image("ocid1.image.oc1.iad.other"):
        raise timeout
    assert caught.value.image_id == "ocid1.image.oc1.iad.built"
    assert str(caught.value).startswith("image ocid1.image.oc1.iad.built is still PROVISIONING")  # unchanged
    with pytest.raises(KeyError), about_image("ocid1.image.oc1.iad.other"):
        raise KeyError("not ours")
    with pytest.raises(ImageOpsError) as unnamed, about_image(None):
        raise ImageOpsError("no image")
    assert unnamed.value.image_id is None and str(unnamed.value) == "no image"


def test_the_message_starts_with_the_image_once():
    with pytest.raises(ImageOpsError) as named, about_image("ocid1.image.oc1.iad.x"):
        raise ImageOpsError("image ocid1.image.oc1.iad.x is busy")
    assert str(named.value) == "image ocid1.image.oc1.iad.x is busy"
    # an id somewhere in the cloud's words (a path) is not enough: every message starts alike
    with pytest.raises(CloudError) as caught, about_image("ocid1.image.oc1.iad.x"):
        raise TransportError("PUT /20160918/images/ocid1.image.oc1.iad.x: timed out", operation="UpdateImage")
    assert str(caught.value).startswith("image ocid1.image.oc1.iad.x: UpdateImage failed: PUT /20160918/")
