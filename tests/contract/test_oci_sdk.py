"""The official ``oci`` SDK works unchanged (apart from ``service_endpoint``) against the emulator."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import oci
import pytest
from oci.core.models import (
    CreateImageDetails,
    ImageSourceViaObjectStorageTupleDetails,
    ImageSourceViaObjectStorageUriDetails,
    UpdateImageDetails,
)

from imageops.emulator.oci_auth import generate_key, private_pem
from imageops.emulator.testing import EmulatorHandle

NO_RETRY = oci.retry.NoneRetryStrategy()


def _from_instance(env: dict, **kw) -> CreateImageDetails:
    return CreateImageDetails(compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"],
                              instance_id=env["IMAGEOPS_OCI_INSTANCE_ID"], **kw)


def _wait_state(compute, image_id: str, state: str = "AVAILABLE", timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        image = compute.get_image(image_id).data
        if image.lifecycle_state == state or time.monotonic() > deadline:
            return image
        time.sleep(0.05)


def _service_error(call, *args, **kwargs) -> oci.exceptions.ServiceError:
    with pytest.raises(oci.exceptions.ServiceError) as info:
        call(*args, retry_strategy=NO_RETRY, **kwargs)
    return info.value


@pytest.mark.e2e
def test_create_from_instance_and_wait_until_available(emu: EmulatorHandle, compute) -> None:
    env = emu.env
    response = compute.create_image(_from_instance(
        env, display_name="sdk-from-instance", launch_mode="PARAVIRTUALIZED",
        freeform_tags={"Department": "Finance"}, defined_tags={"Operations": {"CostCenter": "42"}}))
    assert response.status == 200
    assert response.headers["opc-work-request-id"] and response.headers["etag"]
    image = response.data
    assert isinstance(image, oci.core.models.Image)
    assert image.lifecycle_state == "PROVISIONING"
    assert image.base_image_id == env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]
    assert (image.operating_system, image.operating_system_version) == ("Oracle Linux", "8")
    assert image.launch_options.boot_volume_type == "PARAVIRTUALIZED"
    assert image.time_created.tzinfo is not None
    done = oci.wait_until(compute, compute.get_image(image.id), "lifecycle_state", "AVAILABLE",
                          max_interval_seconds=0.2, max_wait_seconds=30)
    assert done.data.lifecycle_state == "AVAILABLE"
    assert done.data.size_in_mbs == 47694
    assert done.data.freeform_tags == {"Department": "Finance"}
    assert done.data.defined_tags == {"Operations": {"CostCenter": "42"}}


def test_imports_via_tuple_and_uri(emu: EmulatorHandle, compute) -> None:
    env = emu.env
    tuple_source = ImageSourceViaObjectStorageTupleDetails(
        namespace_name=env["IMAGEOPS_OCI_NAMESPACE"], bucket_name=env["IMAGEOPS_OCI_BUCKET"],
        object_name=env["IMAGEOPS_OCI_OBJECT"], source_image_type="QCOW2")
    uri_source = ImageSourceViaObjectStorageUriDetails(source_uri=env["IMAGEOPS_OCI_OBJECT_URI"],
                                                       source_image_type="QCOW2")
    ids = []
    for name, source in (("sdk-tuple", tuple_source), ("sdk-uri", uri_source)):
        image = compute.create_image(CreateImageDetails(
            compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"], display_name=name,
            image_source_details=source)).data
        assert image.lifecycle_state == "IMPORTING" and image.display_name == name
        ids.append(image.id)
    for image_id in ids:
        image = _wait_state(compute, image_id)
        assert image.lifecycle_state == "AVAILABLE" and image.base_image_id is None


def test_list_images_over_several_pages(emu: EmulatorHandle, compute) -> None:
    env = emu.env
    created = {compute.create_image(_from_instance(env, display_name=f"page-{i}")).data.id for i in range(7)}
    pages = []
    first = compute.list_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"], limit=2)
    assert first.next_page and len(first.data) == 2
    page = first
    while True:
        pages.append(page.data)
        if not page.has_next_page:
            break
        page = compute.list_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"], limit=2, page=page.next_page)
    assert len(pages) >= 4
    everything = oci.pagination.list_call_get_all_results(
        compute.list_images, env["IMAGEOPS_OCI_COMPARTMENT_ID"], limit=2).data
    ids = [i.id for i in everything]
    assert len(ids) == len(set(ids)), "every image is seen once"
    assert created <= set(ids)
    assert ids == [i.id for p in pages for i in p]
    named = compute.list_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"], display_name="page-3",
                                sort_by="DISPLAYNAME", sort_order="ASC").data
    assert len(named) == 1 and named[0].display_name == "page-3"


def test_update_and_delete(emu: EmulatorHandle, compute) -> None:
    env = emu.env
    image = compute.create_image(_from_instance(env, display_name="to-update")).data
    _wait_state(compute, image.id)
    current = compute.get_image(image.id)
    assert current.data.lifecycle_state == "AVAILABLE"
    error = _service_error(compute.update_image, image.id, UpdateImageDetails(display_name="x"),
                           if_match="not-the-etag")
    assert (error.status, error.code) == (412, "PreconditionFailed")
    updated = compute.update_image(image.id, UpdateImageDetails(
        display_name="updated", freeform_tags={"k": "v"}, operating_system_version="8.9"),
        if_match=current.headers["etag"])
    assert updated.data.display_name == "updated" and updated.data.freeform_tags == {"k": "v"}
    assert updated.data.operating_system_version == "8.9"
    deleted = compute.delete_image(image.id)
    assert deleted.status == 204 and deleted.data is None
    assert compute.get_image(image.id).data.lifecycle_state == "DELETED"
    listed = oci.pagination.list_call_get_all_results(compute.list_images,
                                                      env["IMAGEOPS_OCI_COMPARTMENT_ID"]).data
    assert image.id not in {i.id for i in listed}
    gone = compute.list_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"], lifecycle_state="DELETED").data
    assert image.id in {i.id for i in gone}


def test_retry_token_semantics(emu: EmulatorHandle, compute) -> None:
    env = emu.env
    first = compute.create_image(_from_instance(env, display_name="tok"), opc_retry_token="sdk-token-1")
    again = compute.create_image(_from_instance(env, display_name="tok"), opc_retry_token="sdk-token-1")
    assert again.data.id == first.data.id
    error = _service_error(compute.create_image, _from_instance(env, display_name="different"),
                           opc_retry_token="sdk-token-1")
    assert (error.status, error.code) == (409, "InvalidatedRetryToken")


def test_errors_map_to_service_errors(emu: EmulatorHandle, compute, other_compute) -> None:
    env = emu.env
    stopped = _service_error(compute.create_image, CreateImageDetails(
        compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        instance_id=env["IMAGEOPS_OCI_STOPPED_INSTANCE_ID"]))
    assert (stopped.status, stopped.code) == (409, "IncorrectState")
    terminated = _service_error(compute.create_image, CreateImageDetails(
        compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        instance_id=env["IMAGEOPS_OCI_TERMINATED_INSTANCE_ID"]))
    assert (terminated.status, terminated.code) == (404, "NotAuthorizedOrNotFound")
    neither = _service_error(compute.create_image,
                             CreateImageDetails(compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"]))
    assert (neither.status, neither.code) == (400, "MissingParameter")
    assert neither.request_id
    mine = compute.create_image(_from_instance(env)).data
    other = _service_error(other_compute.get_image, mine.id)
    assert (other.status, other.code) == (404, "NotAuthorizedOrNotFound")
    theirs = other_compute.get_instance(env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"]).data
    assert theirs.lifecycle_state == "RUNNING"
    assert compute.get_instance(env["IMAGEOPS_OCI_INSTANCE_ID"]).data.image_id == \
        env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]


def test_wrong_key_is_not_authenticated(emu: EmulatorHandle, oci_config: dict, tmp_path: Path) -> None:
    key_file = tmp_path / "another.pem"
    key_file.write_bytes(private_pem(generate_key()))
    key_file.chmod(0o600)
    config = {**oci_config, "key_file": str(key_file)}
    config.pop("pass_phrase", None)
    client = oci.core.ComputeClient(config, service_endpoint=emu.env["IMAGEOPS_OCI_ENDPOINT"])
    error = _service_error(client.get_image, emu.env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
    assert (error.status, error.code) == (401, "NotAuthenticated")


class _StaleSigner(oci.signer.Signer):
    """The SDK's signer, with a date 10 minutes in the past (signed, so only the clock check fails)."""

    def __call__(self, request, enforce_content_headers=True):
        request.headers["date"] = email.utils.formatdate(time.time() - 600, usegmt=True)
        return super().__call__(request, enforce_content_headers)


def test_stale_date_is_not_authenticated(emu: EmulatorHandle, oci_config: dict) -> None:
    signer = _StaleSigner.__new__(_StaleSigner)
    oci.signer.Signer.__init__(signer, oci_config["tenancy"], oci_config["user"], oci_config["fingerprint"],
                               oci_config["key_file"], pass_phrase=oci_config.get("pass_phrase"))
    client = oci.core.ComputeClient(oci_config, signer=signer,
                                    service_endpoint=emu.env["IMAGEOPS_OCI_ENDPOINT"])
    error = _service_error(client.get_image, emu.env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
    assert (error.status, error.code) == (401, "NotAuthenticated")
    good = oci.core.ComputeClient(oci_config, service_endpoint=emu.env["IMAGEOPS_OCI_ENDPOINT"])
    assert good.get_image(emu.env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]).status == 200


def test_object_storage_client_reads_the_seeded_object(emu: EmulatorHandle, oci_config: dict) -> None:
    env = emu.env
    client = oci.object_storage.ObjectStorageClient(oci_config, service_endpoint=env["IMAGEOPS_OCI_ENDPOINT"])
    where = (env["IMAGEOPS_OCI_NAMESPACE"], env["IMAGEOPS_OCI_BUCKET"], env["IMAGEOPS_OCI_OBJECT"])
    head = client.head_object(*where)
    assert head.status == 200 and head.headers["opc-meta-operating-system"] == "Oracle Linux"
    got = client.get_object(*where)
    assert got.data.content.startswith(b"QFI\xfb")


def test_calls_are_logged_per_action(emu: EmulatorHandle, compute) -> None:
    mark = emu.mark()
    compute.get_image(emu.env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
    compute.list_images(emu.env["IMAGEOPS_OCI_COMPARTMENT_ID"])
    calls = emu.calls(since=mark)
    assert [(c["action"], c["status"], c["account"]) for c in calls] == [
        ("GetImage", 200, emu.env["IMAGEOPS_OCI_TENANCY_ID"]),
        ("ListImages", 200, emu.env["IMAGEOPS_OCI_TENANCY_ID"])]


@pytest.mark.e2e
def test_default_sdk_retries_survive_faults_without_a_second_image(tmp_path: Path) -> None:
    """Seed 1 at rate 0.4 gives 429, then a dropped connection after the write, then success: the
    SDK's automatic retry token makes the retry return the image the dropped call created."""
    from imageops.emulator.testing import running_emulator

    state = tmp_path / "state.json"
    with running_emulator(fault_rate=0.4, seed=1, state_file=state, workdir=tmp_path) as faulty:
        env = faulty.env
        config = oci.config.from_file(env["IMAGEOPS_OCI_CONFIG_FILE"], "DEFAULT")
        client = oci.core.ComputeClient(config, service_endpoint=env["IMAGEOPS_OCI_ENDPOINT"])
        image = client.create_image(_from_instance(env, display_name="through-faults")).data
        statuses = [c["status"] for c in faulty.calls()]
    assert statuses == [429, 0, 200]
    import json

    saved = json.loads(state.read_text())["oci"]["images"]
    assert [i for i, img in saved.items() if img["displayName"] == "through-faults"] == [image.id]
