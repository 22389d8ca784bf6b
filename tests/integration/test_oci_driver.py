"""The OCI driver end to end against the emulator (real socket, real signatures)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from imageops import reconcile
from imageops.driver import PollPolicy
from imageops.errors import AmbiguousImageError, NotFoundError
from imageops.model import ImageState
from imageops.oci import OciDriver, OciImageSpec, connect
from imageops.oci.driver import create_body
from imageops.transport import RetryPolicy

FAST_POLL = PollPolicy(first=0.02, longest=0.2)
TIMEOUT = 30.0


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def driver(oci_env: dict[str, str]) -> Iterator[OciDriver]:
    with connect(
        config_file=oci_env["IMAGEOPS_OCI_CONFIG_FILE"],
        endpoint=oci_env["IMAGEOPS_OCI_ENDPOINT"],
        poll=FAST_POLL,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.05),
    ) as drv:
        yield drv


@pytest.fixture
def other_driver(oci_env: dict[str, str]) -> Iterator[OciDriver]:
    with connect(
        config_file=oci_env["IMAGEOPS_OCI_CONFIG_FILE"],
        profile="OTHER",
        endpoint=oci_env["IMAGEOPS_OCI_ENDPOINT"],
        poll=FAST_POLL,
    ) as drv:
        yield drv


def instance_spec(env: dict[str, str], **extra: Any) -> OciImageSpec:
    return OciImageSpec.parse(
        {
            "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
            "display_name": unique("from-instance"),
            **extra,
        }
    )


def writes(calls: list[dict]) -> list[dict]:
    return [c for c in calls if c["method"] not in ("GET", "HEAD")]


def test_create_from_instance_and_wait(driver: OciDriver, oci_env: dict[str, str]) -> None:
    spec = instance_spec(
        oci_env,
        freeform_tags={"Department": "Finance"},
        defined_tags={"Operations.CostCenter": "42"},
        should_include_data_volumes=True,
    )
    image = driver.create(spec)
    assert image.state is ImageState.PENDING
    assert image.raw_state == "PROVISIONING"
    seen: list[str] = []
    ready = driver.wait_for(image.id, ImageState.AVAILABLE, TIMEOUT, lambda i: seen.append(i.raw_state))
    assert ready.state is ImageState.AVAILABLE
    assert seen[-1] == "AVAILABLE"
    attrs = ready.attributes
    for name in (
        "base_image_id", "compartment_id", "create_image_allowed", "defined_tags", "display_name",
        "freeform_tags", "id", "launch_mode", "launch_options", "operating_system",
        "operating_system_version", "size_in_mbs", "state", "time_created",
        "billable_size_in_gbs", "listing_type", "agent_features", "image_volume_details",
    ):
        assert name in attrs
    assert attrs["defined_tags"] == {"Operations.CostCenter": "42"}
    assert attrs["freeform_tags"] == {"Department": "Finance"}
    assert attrs["base_image_id"] == oci_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]
    assert attrs["state"] == "AVAILABLE"
    assert set(attrs["launch_options"]) == {
        "boot_volume_type", "firmware", "network_type", "remote_data_volume_type",
        "is_pv_encryption_in_transit_enabled", "is_consistent_volume_naming_enabled",
    }
    assert attrs["image_volume_details"]["data_volumes"][0]["index"] == 1
    assert ready.size_mb == attrs["size_in_mbs"] > 0
    assert ready.tags == {"Department": "Finance"}
    assert ready.region == oci_env["IMAGEOPS_OCI_REGION"]
    assert ready.created is not None
    assert driver.get(image.id) == ready


def test_import_from_object_storage_tuple_and_uri(driver: OciDriver, oci_env: dict[str, str]) -> None:
    sources = {
        "tuple": {
            "source_type": "objectStorageTuple",
            "namespace_name": oci_env["IMAGEOPS_OCI_NAMESPACE"],
            "bucket_name": oci_env["IMAGEOPS_OCI_BUCKET"],
            "object_name": oci_env["IMAGEOPS_OCI_OBJECT"],
            "source_image_type": "QCOW2",
        },
        "uri": {"source_type": "objectStorageUri", "source_uri": oci_env["IMAGEOPS_OCI_OBJECT_URI"]},
    }
    started = {}
    for via, source in sources.items():  # both imports run at once; then wait for each
        spec = OciImageSpec.parse(
            {
                "compartment_id": oci_env["IMAGEOPS_OCI_COMPARTMENT_ID"],
                "display_name": unique(f"import-{via}"),
                "image_source_details": source,
                "launch_mode": "PARAVIRTUALIZED",
            }
        )
        image = driver.create(spec)
        assert image.raw_state == "IMPORTING"
        assert image.state is ImageState.PENDING
        started[via] = image
    for image in started.values():
        ready = driver.wait_for(image.id, ImageState.AVAILABLE, TIMEOUT)
        assert ready.attributes["launch_mode"] == "PARAVIRTUALIZED"
        assert ready.attributes["base_image_id"] is None
        assert ready.attributes["operating_system"] == "Oracle Linux"


def test_find_by_display_name_and_ambiguity(driver: OciDriver, oci_env: dict[str, str]) -> None:
    spec = instance_spec(oci_env)
    assert driver.find(spec) is None
    first = driver.create(spec)
    found = driver.find(spec)
    assert found is not None and found.id == first.id
    # a second image with the same name (different token: another spec with the same key)
    twin = driver.create(spec.model_copy(update={"freeform_tags": {"twin": "yes"}}))
    with pytest.raises(AmbiguousImageError) as info:
        driver.find(spec)
    assert set(info.value.image_ids) == {first.id, twin.id}
    assert first.id in str(info.value) and twin.id in str(info.value)


def test_update_tags_in_place(driver: OciDriver, oci_env: dict[str, str]) -> None:
    spec = instance_spec(oci_env, freeform_tags={"a": "1"})
    image = driver.wait_for(driver.create(spec).id, ImageState.AVAILABLE, TIMEOUT)
    wanted = spec.model_copy(
        update={"freeform_tags": {"a": "2", "b": "3"}, "defined_tags": {"Operations.CostCenter": "7"}}
    )
    the_plan = reconcile.plan(wanted, image)
    assert the_plan.action is reconcile.Action.UPDATE
    updated = driver.update(image, wanted, the_plan.update_values)
    assert updated.id == image.id
    assert updated.tags == {"a": "2", "b": "3"}
    assert updated.attributes["defined_tags"] == {"Operations.CostCenter": "7"}
    renamed = driver.update(updated, wanted, {"display_name": unique("renamed")})
    assert renamed.name.startswith("renamed-")


def test_full_reconcile_converges_with_one_read(driver: OciDriver, oci_emulator: Any) -> None:
    env = oci_emulator.env
    spec = instance_spec(env, freeform_tags={"k": "v"})
    first = reconcile.apply(
        reconcile.plan(spec, reconcile.lookup(driver, spec, None)), driver, timeout=TIMEOUT
    )
    assert first is not None and first.state is ImageState.AVAILABLE

    mark = oci_emulator.mark()
    observed = reconcile.lookup(driver, spec, None)
    the_plan = reconcile.plan(spec, observed)
    assert the_plan.action is reconcile.Action.NOOP
    assert reconcile.apply(the_plan, driver, timeout=TIMEOUT).id == first.id
    calls = oci_emulator.calls(since=mark, cloud="oci")
    assert [c["action"] for c in calls] == ["ListImages"]
    assert writes(calls) == []

    mark = oci_emulator.mark()
    again = reconcile.plan(spec, reconcile.lookup(driver, spec, first.id))
    assert again.action is reconcile.Action.NOOP
    assert [c["action"] for c in oci_emulator.calls(since=mark, cloud="oci")] == ["GetImage"]


def test_delete_and_delete_again(driver: OciDriver, oci_env: dict[str, str]) -> None:
    image = driver.wait_for(driver.create(instance_spec(oci_env)).id, ImageState.AVAILABLE, TIMEOUT)
    driver.delete(image.id)
    gone = driver.wait_for(image.id, ImageState.DELETED, TIMEOUT)
    assert gone.state is ImageState.DELETED
    driver.delete(image.id)  # already deleted: fine
    driver.delete("ocid1.image.oc1.iad.aaaaaaaadoesnotexist")  # never existed: fine
    assert driver.get("ocid1.image.oc1.iad.aaaaaaaadoesnotexist") is None


def test_reconcile_delete_plan(driver: OciDriver, oci_env: dict[str, str]) -> None:
    image = driver.wait_for(driver.create(instance_spec(oci_env)).id, ImageState.AVAILABLE, TIMEOUT)
    the_plan = reconcile.plan(None, image)
    assert the_plan.action is reconcile.Action.DELETE
    assert reconcile.apply(the_plan, driver, timeout=TIMEOUT) is None
    assert reconcile.plan(None, driver.get(image.id)).action is reconcile.Action.NOOP


def test_retry_token_adoption(driver: OciDriver, oci_emulator: Any) -> None:
    spec = instance_spec(oci_emulator.env)
    # The first CreateImage "lost its answer": the caller only knows it sent it.
    body_image, _ = driver.api.create_image(create_body(spec), spec.retry_token(0))
    mark = oci_emulator.mark()
    image = driver.create(spec)
    assert image.id == body_image["id"]
    calls = oci_emulator.calls(since=mark, cloud="oci")
    assert [c["action"] for c in calls] == ["CreateImage"]
    assert len(driver.api.list_images(spec.compartment_id, display_name=spec.display_name)) == 1


def test_replayed_token_of_deleted_image_moves_to_next_token(
    driver: OciDriver, oci_env: dict[str, str]
) -> None:
    spec = instance_spec(oci_env)
    first = driver.wait_for(driver.create(spec).id, ImageState.AVAILABLE, TIMEOUT)
    driver.delete(first.id)
    second = driver.create(spec)  # token 0 replays the deleted image; token 1 makes a new one
    assert second.id != first.id
    assert second.state is ImageState.PENDING
    assert driver.find(spec).id == second.id


def test_other_tenancy_cannot_see_image(
    driver: OciDriver, other_driver: OciDriver, oci_env: dict[str, str]
) -> None:
    image = driver.create(instance_spec(oci_env))
    assert other_driver.get(image.id) is None
    with pytest.raises(NotFoundError) as info:
        other_driver.api.list_images(oci_env["IMAGEOPS_OCI_COMPARTMENT_ID"])
    assert info.value.request_id and info.value.request_id in str(info.value)
    assert info.value.operation == "ListImages"
    other_driver.delete(image.id)  # looks absent to OTHER: a no-op, not a delete
    assert driver.get(image.id).state is not ImageState.DELETED


def test_wrong_key_is_an_auth_error(oci_env: dict[str, str]) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from imageops.errors import AuthError

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with connect(
        config_file=oci_env["IMAGEOPS_OCI_CONFIG_FILE"],
        endpoint=oci_env["IMAGEOPS_OCI_ENDPOINT"],
        key_content=pem.decode(),
    ) as drv, pytest.raises(AuthError) as info:
        drv.get(oci_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
    message = str(info.value)
    assert info.value.status == 401 and info.value.operation == "GetImage"
    assert "request id" in message and info.value.request_id in message
    assert "BEGIN" not in message


def test_converges_through_injected_faults(oci_faulty_emulator: Any) -> None:
    """Throttling, 5xx and dropped connections are retried; the retry token keeps creates single."""
    env = oci_faulty_emulator.env
    retry = RetryPolicy(max_attempts=12, backoff_base=0.01, max_backoff=0.05, max_retry_after=0.05)
    with connect(
        config_file=env["IMAGEOPS_OCI_CONFIG_FILE"],
        endpoint=env["IMAGEOPS_OCI_ENDPOINT"],
        poll=FAST_POLL,
        retry=retry,
    ) as drv:
        specs = [instance_spec(env, freeform_tags={"n": str(n)}) for n in range(4)]
        for spec in specs:
            the_plan = reconcile.plan(spec, reconcile.lookup(drv, spec, None))
            assert the_plan.action is reconcile.Action.CREATE
            done = reconcile.apply(the_plan, drv, timeout=TIMEOUT)
            assert done is not None and done.state is ImageState.AVAILABLE
        for spec in specs:
            again = reconcile.plan(spec, reconcile.lookup(drv, spec, None))
            assert again.action is reconcile.Action.NOOP
            assert len(drv.api.list_images(spec.compartment_id, display_name=spec.display_name)) == 1
    calls = oci_faulty_emulator.calls(cloud="oci")
    assert {c["status"] for c in calls} & {0, 429, 500, 503}, "the fault injector should have fired"


def test_connect_from_emulator_env_alone(oci_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Sourcing the emulator's env file is enough: endpoint, config file and profile come from it."""
    from imageops import registry

    for name in ("OCI_CONFIG_FILE", "OCI_CLI_PROFILE", "OCI_CLI_REGION", "OCI_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in oci_env.items():
        monkeypatch.setenv(name, value)
    with registry.connect("oci") as drv:
        assert isinstance(drv, OciDriver)
        platform = drv.get(oci_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
        assert platform is not None and platform.state is ImageState.AVAILABLE
        assert platform.attributes["compartment_id"] is None
    with registry.connect("oci", profile="OTHER") as other:
        assert other.get(oci_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]) is not None  # platform: everyone


@pytest.mark.parametrize("name", ["My Oracle Linux image", "tags & more/slash+plus", "café ünïcode 名前"])
def test_find_names_needing_encoding(driver: OciDriver, oci_env: dict[str, str], name: str) -> None:
    spec = instance_spec(oci_env, display_name=f"{name} {uuid.uuid4().hex[:6]}")
    created = driver.create(spec)
    found = driver.find(spec)
    assert found is not None and found.id == created.id and found.name == spec.display_name
