"""The shared reconciler over OciImageSpec and hand-built OCI images (no API calls)."""

from __future__ import annotations

from typing import Any

import pytest

from imageops.model import Image, ImageState
from imageops.oci import OciImageSpec
from imageops.reconcile import Action, plan

COMP = "ocid1.compartment.oc1..aaaaaaaacomp"
OTHER_COMP = "ocid1.compartment.oc1..aaaaaaaaother"
INST = "ocid1.instance.oc1.phx.aaaaaaaainst"
OTHER_INST = "ocid1.instance.oc1.phx.aaaaaaaaother"


def spec(**fields: Any) -> OciImageSpec:
    data = {"compartment_id": COMP, "instance_id": INST, "display_name": "web", **fields}
    return OciImageSpec.parse({k: v for k, v in data.items() if v is not None})


def image(
    *,
    raw_state: str = "AVAILABLE",
    state: ImageState = ImageState.AVAILABLE,
    compartment_id: str = COMP,
    display_name: str = "web",
    launch_mode: str = "PARAVIRTUALIZED",
    freeform_tags: dict[str, str] | None = None,
    defined_tags: dict[str, str] | None = None,
    launch_options: dict[str, Any] | None = None,
) -> Image:
    freeform = freeform_tags or {}
    return Image(
        cloud="oci",
        id="ocid1.image.oc1.phx.aaaaaaaaimg",
        name=display_name,
        state=state,
        raw_state=raw_state,
        region="us-phoenix-1",
        tags=freeform,
        attributes={
            "compartment_id": compartment_id,
            "display_name": display_name,
            "launch_mode": launch_mode,
            "freeform_tags": freeform,
            "defined_tags": defined_tags or {},
            "launch_options": launch_options
            or {
                "boot_volume_type": "PARAVIRTUALIZED",
                "firmware": "UEFI_64",
                "network_type": "PARAVIRTUALIZED",
                "remote_data_volume_type": "PARAVIRTUALIZED",
                "is_pv_encryption_in_transit_enabled": False,
                "is_consistent_volume_naming_enabled": True,
            },
            "state": raw_state,
        },
    )


def test_noop_when_everything_matches() -> None:
    desired = spec(freeform_tags={"a": "1"}, defined_tags={"Ops.Cost": "42"}, launch_mode="PARAVIRTUALIZED")
    observed = image(freeform_tags={"a": "1"}, defined_tags={"Ops.Cost": "42"})
    result = plan(desired, observed)
    assert result.action is Action.NOOP
    assert not result.changed
    assert result.diff()["before"] == result.diff()["after"]


def test_create_when_nothing_observed_or_observed_is_deleted() -> None:
    assert plan(spec(), None).action is Action.CREATE
    deleted = image(raw_state="DELETED", state=ImageState.DELETED)
    result = plan(spec(), deleted)
    assert result.action is Action.CREATE
    assert result.diff() == {"before": {}, "after": spec().given()}


def test_update_tags_purge() -> None:
    observed = image(freeform_tags={"a": "1", "old": "x"}, defined_tags={"Ops.Cost": "1"})
    desired = spec(freeform_tags={"a": "2"}, defined_tags={"Ops.Cost": "42"})
    result = plan(desired, observed)
    assert result.action is Action.UPDATE
    assert result.update_values == {"freeform_tags": {"a": "2"}, "defined_tags": {"Ops.Cost": "42"}}
    assert result.replace_fields == ()


def test_update_tags_no_purge_merges() -> None:
    observed = image(freeform_tags={"a": "1", "old": "x"})
    result = plan(spec(freeform_tags={"a": "2"}), observed, purge_tags=False)
    assert result.action is Action.UPDATE
    assert result.update_values == {"freeform_tags": {"a": "2", "old": "x"}}
    # nothing to add or change without purging: no-op
    assert plan(spec(freeform_tags={"a": "1"}), observed, purge_tags=False).action is Action.NOOP


def test_rename_is_in_place() -> None:
    result = plan(spec(display_name="web-2"), image())
    assert result.action is Action.UPDATE
    assert result.update_values == {"display_name": "web-2"}


def test_unset_fields_have_no_opinion() -> None:
    observed = image(freeform_tags={"a": "1"}, launch_mode="EMULATED")
    assert plan(spec(), observed).action is Action.NOOP


def test_replace_on_launch_mode_change() -> None:
    result = plan(spec(launch_mode="EMULATED"), image())
    assert result.action is Action.REPLACE
    assert result.replace_fields == ("launch_mode",)


def test_replace_on_compartment_change() -> None:
    result = plan(spec(compartment_id=OTHER_COMP), image())
    assert result.action is Action.REPLACE
    assert "compartment_id" in result.replace_fields


def test_replace_wins_over_in_place_changes() -> None:
    result = plan(spec(launch_mode="EMULATED", freeform_tags={"n": "1"}), image())
    assert result.action is Action.REPLACE
    assert {c.field for c in result.changes} == {"launch_mode", "freeform_tags"}


def test_launch_options_compared_on_given_keys_only() -> None:
    desired = spec(launch_mode="CUSTOM", launch_options={"firmware": "UEFI_64"})
    observed = image(launch_mode="CUSTOM")
    assert plan(desired, observed).action is Action.NOOP
    changed = spec(launch_mode="CUSTOM", launch_options={"firmware": "BIOS"})
    result = plan(changed, observed)
    assert result.action is Action.REPLACE
    assert result.replace_fields == ("launch_options",)


def test_create_only_fields_compared_with_previous() -> None:
    # instance_id is not reported back by the cloud: without a previous spec there is nothing to compare
    assert plan(spec(instance_id=OTHER_INST), image()).action is Action.NOOP
    result = plan(spec(instance_id=OTHER_INST), image(), previous=spec())
    assert result.action is Action.REPLACE
    assert result.replace_fields == ("instance_id",)
    assert plan(spec(), image(), previous=spec()).action is Action.NOOP


def test_source_change_compared_with_previous() -> None:
    uri = {"source_type": "objectStorageUri", "source_uri": "https://example.test/n/ns/b/b/o/a.qcow2"}
    uri2 = {**uri, "source_uri": "https://example.test/n/ns/b/b/o/b.qcow2"}
    desired = spec(instance_id=None, image_source_details=uri2)
    previous = spec(instance_id=None, image_source_details=uri)
    result = plan(desired, image(), previous=previous)
    assert result.action is Action.REPLACE
    assert result.replace_fields == ("image_source_details",)


def test_delete_and_delete_of_absent() -> None:
    result = plan(None, image())
    assert result.action is Action.DELETE
    assert result.diff() == {
        "before": {"id": "ocid1.image.oc1.phx.aaaaaaaaimg", "name": "web", "state": "AVAILABLE"},
        "after": {},
    }
    assert plan(None, None).action is Action.NOOP
    assert plan(None, image(raw_state="DELETED", state=ImageState.DELETED)).action is Action.NOOP


def test_failed_image_is_replaced() -> None:
    disabled = image(raw_state="DISABLED", state=ImageState.FAILED)
    result = plan(spec(), disabled)
    assert result.action is Action.REPLACE
    assert result.replace_fields == ("state",)


def test_pending_image_is_not_replaced() -> None:
    pending = image(raw_state="PROVISIONING", state=ImageState.PENDING)
    assert plan(spec(), pending).action is Action.NOOP


@pytest.mark.parametrize("purge", [True, False])
def test_diff_shows_before_and_after(purge: bool) -> None:
    observed = image(freeform_tags={"a": "1", "keep": "k"})
    result = plan(spec(freeform_tags={"a": "2"}), observed, purge_tags=purge)
    diff = result.diff()
    assert diff["before"]["freeform_tags"] == {"a": "1", "keep": "k"}
    expected = {"a": "2"} if purge else {"a": "2", "keep": "k"}
    assert diff["after"]["freeform_tags"] == expected
    assert diff["after"]["display_name"] == diff["before"]["display_name"] == "web"


def test_diff_of_replace_shows_desired() -> None:
    result = plan(spec(launch_mode="EMULATED"), image())
    diff = result.diff()
    assert diff["before"]["launch_mode"] == "PARAVIRTUALIZED"
    assert diff["after"]["launch_mode"] == "EMULATED"
    assert diff["after"]["instance_id"] == INST
