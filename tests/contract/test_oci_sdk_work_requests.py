"""OCI work requests through the official SDK's ``WorkRequestClient``, unchanged apart from the
endpoint: the id CreateImage, an import and ExportImage return is followed to SUCCEEDED (percent and
times moving on the emulator's clock), a failing import to FAILED with its error listed; the SDK's
own ``wait_until`` on GetWorkRequest works as Oracle's tools use it."""

from __future__ import annotations

import oci
import pytest
from oci.core.models import (
    CreateImageDetails,
    ExportImageViaObjectStorageTupleDetails,
    ImageSourceViaObjectStorageTupleDetails,
)

from imageops.emulator.testing import EmulatorHandle


@pytest.fixture(scope="module")
def work(emu: EmulatorHandle, oci_config: dict) -> oci.work_requests.WorkRequestClient:
    return oci.work_requests.WorkRequestClient(oci_config, service_endpoint=emu.env["IMAGEOPS_OCI_ENDPOINT"])


def _follow(work, work_request_id: str) -> oci.work_requests.models.WorkRequest:
    seen = []

    def record(response) -> bool:
        seen.append((response.data.status, response.data.percent_complete))
        return response.data.status in ("SUCCEEDED", "FAILED")

    done = oci.wait_until(
        work,
        work.get_work_request(work_request_id),
        evaluate_response=record,
        max_interval_seconds=0.05,
        max_wait_seconds=60,
    ).data
    percents = [p for _, p in seen]
    assert percents == sorted(percents), "percent complete never goes back"
    return done


def _import(env: dict[str, str], object_name: str, name: str) -> CreateImageDetails:
    return CreateImageDetails(
        compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        display_name=name,
        image_source_details=ImageSourceViaObjectStorageTupleDetails(
            namespace_name=env["IMAGEOPS_OCI_NAMESPACE"],
            bucket_name=env["IMAGEOPS_OCI_BUCKET"],
            object_name=object_name,
            source_image_type="QCOW2",
        ),
    )


def test_a_create_from_an_instance_is_followed_to_succeeded(emu, compute, work):
    env = emu.env
    response = compute.create_image(
        CreateImageDetails(
            compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            instance_id=env["IMAGEOPS_OCI_INSTANCE_ID"],
            display_name="wr-create",
        )
    )
    work_request_id = response.headers["opc-work-request-id"]
    first = work.get_work_request(work_request_id).data
    assert first.status in ("ACCEPTED", "IN_PROGRESS") and first.operation_type == "CreateImage"
    assert [(r.entity_type, r.identifier, r.action_type) for r in first.resources] == [
        ("image", response.data.id, "IN_PROGRESS")
    ]
    done = _follow(work, work_request_id)
    assert (done.status, done.percent_complete, done.resources[0].action_type) == (
        "SUCCEEDED",
        100.0,
        "CREATED",
    )
    assert done.time_accepted <= done.time_started <= done.time_finished
    assert compute.get_image(response.data.id).data.lifecycle_state == "AVAILABLE"
    assert work.list_work_request_errors(work_request_id).data == []
    logs = [entry.message for entry in work.list_work_request_logs(work_request_id).data]
    assert logs == ["CreateImage accepted", "CreateImage started", "CreateImage succeeded"]
    listed = work.list_work_requests(env["IMAGEOPS_OCI_COMPARTMENT_ID"], resource_id=response.data.id).data
    assert [(s.id, s.status) for s in listed] == [(work_request_id, "SUCCEEDED")]


def test_an_import_and_an_export_are_followed_to_succeeded(emu, compute, work):
    env = emu.env
    imported = compute.create_image(_import(env, env["IMAGEOPS_OCI_OBJECT"], "wr-import"))
    done = _follow(work, imported.headers["opc-work-request-id"])
    assert (done.operation_type, done.status) == ("ImportImage", "SUCCEEDED")
    exported = compute.export_image(
        imported.data.id,
        ExportImageViaObjectStorageTupleDetails(
            namespace_name=env["IMAGEOPS_OCI_NAMESPACE"],
            bucket_name=env["IMAGEOPS_OCI_BUCKET"],
            object_name="wr-export.qcow2",
            export_format="QCOW2",
        ),
    )
    done = _follow(work, exported.headers["opc-work-request-id"])
    assert (done.operation_type, done.status) == ("ExportImage", "SUCCEEDED")
    assert done.resources[0].identifier == imported.data.id and done.resources[0].action_type == "RELATED"


def test_a_failing_import_ends_failed_with_its_error_listed(emu, compute, work):
    env = emu.env
    response = compute.create_image(_import(env, env["IMAGEOPS_OCI_CORRUPT_OBJECT"], "wr-corrupt"))
    work_request_id = response.headers["opc-work-request-id"]
    done = _follow(work, work_request_id)
    assert done.status == "FAILED"
    errors = work.list_work_request_errors(work_request_id).data
    assert [(e.code, "QCOW2" in e.message) for e in errors] == [("InvalidImageFile", True)]
    assert work.list_work_request_logs(work_request_id).data[-1].message == "ImportImage failed"
    assert compute.get_image(response.data.id).data.lifecycle_state == "DELETED"


def test_another_tenancys_work_request_is_not_found(emu, compute, work, other_compute):
    env = emu.env
    response = compute.create_image(
        CreateImageDetails(
            compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            instance_id=env["IMAGEOPS_OCI_INSTANCE_ID"],
            display_name="wr-private",
        )
    )
    other = oci.work_requests.WorkRequestClient(
        oci.config.from_file(env["IMAGEOPS_OCI_CONFIG_FILE"], "OTHER"),
        service_endpoint=env["IMAGEOPS_OCI_ENDPOINT"],
    )
    with pytest.raises(oci.exceptions.ServiceError) as raised:
        other.get_work_request(response.headers["opc-work-request-id"])
    assert raised.value.status == 404 and raised.value.code == "NotAuthorizedOrNotFound"
