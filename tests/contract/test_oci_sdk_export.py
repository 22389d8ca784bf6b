"""The official ``oci`` SDK's ExportImage, Object Storage and per-region endpoints against the emulator.

The SDK takes a region's emulator endpoint (``IMAGEOPS_OCI_ENDPOINT_TEMPLATE``) as ``service_endpoint``
unchanged; requests are signed by the SDK and verified by the emulator, PutObject included (signed
without the body headers, as the SDK does for uploads).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import oci
import pytest
from oci.core.models import (
    CreateImageDetails,
    ExportImageViaObjectStorageTupleDetails,
    ExportImageViaObjectStorageUriDetails,
    ImageSourceViaObjectStorageUriDetails,
)
from oci.object_storage.models import CreateBucketDetails, CreatePreauthenticatedRequestDetails

from imageops.emulator.testing import EmulatorHandle

NO_RETRY = oci.retry.NoneRetryStrategy()
REGION = "eu-frankfurt-1"


def _wait(compute: oci.core.ComputeClient, image_id: str, state: str = "AVAILABLE") -> oci.core.models.Image:
    return oci.wait_until(compute, compute.get_image(image_id), "lifecycle_state", state,
                          max_interval_seconds=0.1, max_wait_seconds=30).data


def _region_endpoint(emu: EmulatorHandle, region: str) -> str:
    return emu.env["IMAGEOPS_OCI_ENDPOINT_TEMPLATE"].replace("{region}", region)


@pytest.fixture(scope="module")
def storage(emu: EmulatorHandle, oci_config: dict) -> oci.object_storage.ObjectStorageClient:
    endpoint = emu.env["IMAGEOPS_OCI_ENDPOINT"]
    return oci.object_storage.ObjectStorageClient(oci_config, service_endpoint=endpoint)


def _par(storage, namespace: str, bucket: str, object_name: str, access: str, name: str):
    details = CreatePreauthenticatedRequestDetails(
        name=name, object_name=object_name, access_type=access,
        time_expires=datetime.now(UTC) + timedelta(hours=1))
    return storage.create_preauthenticated_request(namespace, bucket, details).data


@pytest.fixture(scope="module")
def image_id(emu: EmulatorHandle, compute: oci.core.ComputeClient) -> str:
    env = emu.env
    created = compute.create_image(CreateImageDetails(
        compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"], instance_id=env["IMAGEOPS_OCI_INSTANCE_ID"],
        display_name="sdk-export-source", launch_mode="NATIVE")).data
    return _wait(compute, created.id).id


def test_object_storage_round_trip(emu: EmulatorHandle, storage) -> None:
    env = emu.env
    namespace = storage.get_namespace().data
    assert namespace == env["IMAGEOPS_OCI_NAMESPACE"]
    bucket = env["IMAGEOPS_OCI_BUCKET"]
    put = storage.put_object(namespace, bucket, "notes/a.txt", b"hello", opc_meta={"owner": "sdk"})
    assert put.status == 200 and put.headers["etag"]
    head = storage.head_object(namespace, bucket, "notes/a.txt")
    assert head.headers["content-length"] == "5" and head.headers["opc-meta-owner"] == "sdk"
    assert storage.get_object(namespace, bucket, "notes/a.txt").data.content == b"hello"
    listed = storage.list_objects(namespace, bucket, prefix="notes/", fields="name,size").data
    assert [(o.name, o.size) for o in listed.objects] == [("notes/a.txt", 5)]
    assert storage.delete_object(namespace, bucket, "notes/a.txt").status == 204
    with pytest.raises(oci.exceptions.ServiceError) as gone:
        storage.head_object(namespace, bucket, "notes/a.txt", retry_strategy=NO_RETRY)
    assert gone.value.status == 404


def test_export_via_tuple_goes_exporting_then_available(emu, compute, storage, image_id) -> None:
    env = emu.env
    details = ExportImageViaObjectStorageTupleDetails(
        namespace_name=env["IMAGEOPS_OCI_NAMESPACE"], bucket_name=env["IMAGEOPS_OCI_BUCKET"],
        object_name="sdk-export.oci", export_format="OCI")
    response = compute.export_image(image_id, details, opc_retry_token="sdk-export-1")
    assert response.status == 200 and response.headers["opc-work-request-id"]
    assert response.data.lifecycle_state == "EXPORTING"
    with pytest.raises(oci.exceptions.ServiceError) as writing:  # not readable while being written
        storage.head_object(env["IMAGEOPS_OCI_NAMESPACE"], env["IMAGEOPS_OCI_BUCKET"], "sdk-export.oci",
                            retry_strategy=NO_RETRY)
    assert writing.value.status == 404
    with pytest.raises(oci.exceptions.ServiceError) as busy:
        compute.export_image(image_id, details, retry_strategy=NO_RETRY)
    assert (busy.value.status, busy.value.code) == (409, "IncorrectState")
    replay = compute.export_image(image_id, details, opc_retry_token="sdk-export-1")
    assert replay.headers["opc-work-request-id"] == response.headers["opc-work-request-id"]
    assert _wait(compute, image_id).lifecycle_state == "AVAILABLE"
    head = storage.head_object(env["IMAGEOPS_OCI_NAMESPACE"], env["IMAGEOPS_OCI_BUCKET"], "sdk-export.oci")
    assert head.headers["opc-meta-launch-mode"] == "NATIVE"
    exports = [c for c in emu.calls(cloud="oci") if c["action"] == "ExportImage" and c["status"] == 200]
    assert len(exports) == 2  # the export and its replay; the 409 wrote nothing


def test_export_rejects_bad_details_and_other_tenancies(emu, compute, other_compute, image_id) -> None:
    env = emu.env
    missing = ExportImageViaObjectStorageTupleDetails(
        namespace_name=env["IMAGEOPS_OCI_NAMESPACE"], bucket_name="no-such-bucket", object_name="x")
    with pytest.raises(oci.exceptions.ServiceError) as no_bucket:
        compute.export_image(image_id, missing, retry_strategy=NO_RETRY)
    assert (no_bucket.value.status, no_bucket.value.code) == (404, "BucketNotFound")
    theirs = ExportImageViaObjectStorageTupleDetails(
        namespace_name=env["IMAGEOPS_OCI_OTHER_NAMESPACE"], bucket_name=env["IMAGEOPS_OCI_OTHER_BUCKET"],
        object_name="x")
    with pytest.raises(oci.exceptions.ServiceError) as foreign_image:
        other_compute.export_image(image_id, theirs, retry_strategy=NO_RETRY)
    assert foreign_image.value.status == 404


def test_cross_region_copy_with_a_par(emu, oci_config, compute, storage, image_id) -> None:
    """OCI's documented copy: export in one region, PAR, import by URL in another."""
    env = emu.env
    namespace = env["IMAGEOPS_OCI_NAMESPACE"]
    bucket = storage.create_bucket(namespace, CreateBucketDetails(
        name="sdk-transfer", compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"])).data
    assert bucket.name == "sdk-transfer"
    _wait(compute, image_id)
    compute.export_image(image_id, ExportImageViaObjectStorageTupleDetails(
        namespace_name=namespace, bucket_name="sdk-transfer", object_name="copy.oci"))
    _wait(compute, image_id)
    par = _par(storage, namespace, "sdk-transfer", "copy.oci", "ObjectRead", "import")
    assert par.access_uri.startswith("/p/") and par.full_path.endswith(par.access_uri)

    remote = oci.core.ComputeClient(oci_config, service_endpoint=_region_endpoint(emu, REGION))
    plain_url = f"{env['IMAGEOPS_OCI_ENDPOINT']}/n/{namespace}/b/sdk-transfer/o/copy.oci"
    with pytest.raises(oci.exceptions.ServiceError) as needs_par:  # another region's bucket
        remote.create_image(CreateImageDetails(
            compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"], display_name="sdk-copy",
            image_source_details=ImageSourceViaObjectStorageUriDetails(source_uri=plain_url)),
            retry_strategy=NO_RETRY)
    assert needs_par.value.status == 400
    copy = remote.create_image(CreateImageDetails(
        compartment_id=env["IMAGEOPS_OCI_COMPARTMENT_ID"], display_name="sdk-copy",
        image_source_details=ImageSourceViaObjectStorageUriDetails(source_uri=par.full_path))).data
    assert copy.lifecycle_state == "IMPORTING" and ".fra." in copy.id
    assert _wait(remote, copy.id).launch_mode == "NATIVE"
    with pytest.raises(oci.exceptions.ServiceError) as elsewhere:  # images are regional
        compute.get_image(copy.id, retry_strategy=NO_RETRY)
    assert elsewhere.value.status == 404
    listed = remote.list_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"], display_name="sdk-copy").data
    assert [i.id for i in listed] == [copy.id]
    assert storage.delete_preauthenticated_request(namespace, "sdk-transfer", par.id).status == 204
    paths = [c["path"] for c in emu.calls(cloud="oci") if c["action"] == "CreateImage" and c["status"] == 200]
    assert paths[-1] == f"/r/{REGION}/20160918/images"


def test_export_via_uri_needs_write_access(emu, compute, storage, image_id) -> None:
    env = emu.env
    namespace, bucket = env["IMAGEOPS_OCI_NAMESPACE"], env["IMAGEOPS_OCI_BUCKET"]
    read_only = _par(storage, namespace, bucket, "by-uri.qcow2", "ObjectRead", "ro")
    _wait(compute, image_id)
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        compute.export_image(image_id, ExportImageViaObjectStorageUriDetails(
            destination_uri=read_only.full_path, export_format="QCOW2"), retry_strategy=NO_RETRY)
    assert refused.value.status == 400
    writable = _par(storage, namespace, bucket, "by-uri.qcow2", "ObjectWrite", "rw")
    exported = compute.export_image(image_id, ExportImageViaObjectStorageUriDetails(
        destination_uri=writable.full_path, export_format="QCOW2")).data
    assert exported.lifecycle_state == "EXPORTING"
    _wait(compute, image_id)
    deadline = time.monotonic() + 10
    while True:
        try:
            head = storage.head_object(namespace, bucket, "by-uri.qcow2", retry_strategy=NO_RETRY)
            break
        except oci.exceptions.ServiceError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert head.headers["opc-meta-export-format"] == "QCOW2"
