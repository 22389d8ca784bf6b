"""OciComputeApi and OciDriver over httpx.MockTransport: shapes, pagination, errors, retry tokens."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from imageops.driver import ImageDriver
from imageops.errors import (
    AmbiguousImageError,
    AuthError,
    CloudError,
    ConflictError,
    NotFoundError,
    ThrottledError,
    ValidationError,
)
from imageops.model import ImageState
from imageops.oci import OciComputeApi, OciDriver, OciImageSpec
from imageops.oci.driver import create_body, image_from_json, update_body
from imageops.transport import RetryPolicy, build_client

COMP = "ocid1.compartment.oc1..aaaaaaaacomp"
INST = "ocid1.instance.oc1.phx.aaaaaaaainst"


def image_json(image_id: str = "ocid1.image.oc1.phx.aaaa1", state: str = "AVAILABLE", **extra: Any) -> dict:
    return {
        "id": image_id,
        "compartmentId": COMP,
        "displayName": "web",
        "lifecycleState": state,
        "createImageAllowed": True,
        "baseImageId": "ocid1.image.oc1.phx.base",
        "launchMode": "NATIVE",
        "launchOptions": {
            "bootVolumeType": "ISCSI",
            "firmware": "UEFI_64",
            "networkType": "VFIO",
            "remoteDataVolumeType": "ISCSI",
            "isPvEncryptionInTransitEnabled": False,
            "isConsistentVolumeNamingEnabled": True,
        },
        "operatingSystem": "Oracle Linux",
        "operatingSystemVersion": "8",
        "sizeInMBs": 47694,
        "billableSizeInGBs": 5,
        "listingType": "NONE",
        "agentFeatures": {"isManagementSupported": True, "isMonitoringSupported": False},
        "freeformTags": {"Department": "Finance"},
        "definedTags": {"Operations": {"CostCenter": "42"}},
        "timeCreated": "2016-08-25T21:10:29.600Z",
        **extra,
    }


class Cloud:
    """A scripted OCI endpoint: handler(request) -> response, recording requests."""

    def __init__(self, handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def make(handler, retry: RetryPolicy | None = None) -> tuple[OciDriver, Cloud]:
    cloud = Cloud(handler)
    client = build_client(
        base_url="http://oci.test",
        transport=httpx.MockTransport(cloud),
        retry=retry or RetryPolicy(max_attempts=2),
        sleep=lambda _s: None,
    )
    return OciDriver(OciComputeApi(client), region="us-phoenix-1"), cloud


def error(status: int, code: str, message: str = "nope", rid: str = "RID-1") -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message}, headers={"opc-request-id": rid})


def spec(**fields: Any) -> OciImageSpec:
    return OciImageSpec.parse({"compartment_id": COMP, "instance_id": INST, "display_name": "web", **fields})


def test_driver_satisfies_protocol() -> None:
    driver, _ = make(lambda r: httpx.Response(200, json={}))
    assert isinstance(driver, ImageDriver)
    assert driver.spec_type is OciImageSpec


def test_image_mapping_has_every_seed_attribute() -> None:
    img = image_from_json(image_json(), "us-phoenix-1")
    assert img.state is ImageState.AVAILABLE and img.raw_state == "AVAILABLE"
    assert img.name == "web" and img.region == "us-phoenix-1"
    assert img.tags == {"Department": "Finance"} and img.size_mb == 47694
    assert img.created is not None and img.created.year == 2016
    a = img.attributes
    assert a["defined_tags"] == {"Operations.CostCenter": "42"}
    assert a["launch_options"]["is_consistent_volume_naming_enabled"] is True
    assert a["agent_features"] == {"is_management_supported": True, "is_monitoring_supported": False}
    assert a["time_created"] == "2016-08-25T21:10:29.600Z"
    assert a["billable_size_in_gbs"] == 5 and a["listing_type"] == "NONE"
    seed = {
        "base_image_id", "compartment_id", "create_image_allowed", "defined_tags", "display_name",
        "freeform_tags", "id", "launch_mode", "launch_options", "operating_system",
        "operating_system_version", "size_in_mbs", "state", "time_created",
    }
    assert seed <= set(a)


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("PROVISIONING", ImageState.PENDING),
        ("IMPORTING", ImageState.PENDING),
        ("EXPORTING", ImageState.PENDING),
        ("AVAILABLE", ImageState.AVAILABLE),
        ("DISABLED", ImageState.FAILED),
        ("DELETED", ImageState.DELETED),
        ("SOMETHING_NEW", ImageState.PENDING),
    ],
)
def test_state_mapping(raw: str, state: ImageState) -> None:
    assert image_from_json(image_json(state=raw)).state is state


def test_create_body_shapes() -> None:
    body = create_body(
        spec(
            launch_mode="CUSTOM",
            launch_options={"firmware": "BIOS", "is_pv_encryption_in_transit_enabled": True},
            should_include_data_volumes=True,
            freeform_tags={"a": "b"},
            defined_tags={"Ops.Cost": "42", "Ops.Team": "x", "Fin.Code": "7"},
        )
    )
    assert body == {
        "compartmentId": COMP,
        "displayName": "web",
        "instanceId": INST,
        "launchMode": "CUSTOM",
        "launchOptions": {"firmware": "BIOS", "isPvEncryptionInTransitEnabled": True},
        "shouldIncludeDataVolumes": True,
        "freeformTags": {"a": "b"},
        "definedTags": {"Ops": {"Cost": "42", "Team": "x"}, "Fin": {"Code": "7"}},
    }
    imported = OciImageSpec.parse(
        {
            "compartment_id": COMP,
            "image_source_details": {
                "source_type": "objectStorageTuple",
                "namespace_name": "ns",
                "bucket_name": "b",
                "object_name": "o.qcow2",
                "source_image_type": "QCOW2",
                "operating_system": "Oracle Linux",
            },
        }
    )
    assert create_body(imported)["imageSourceDetails"] == {
        "sourceType": "objectStorageTuple",
        "namespaceName": "ns",
        "bucketName": "b",
        "objectName": "o.qcow2",
        "sourceImageType": "QCOW2",
        "operatingSystem": "Oracle Linux",
    }


def test_update_body() -> None:
    assert update_body({"display_name": "x", "defined_tags": {"A.b": "1"}, "freeform_tags": {}}) == {
        "displayName": "x",
        "definedTags": {"A": {"b": "1"}},
        "freeformTags": {},
    }
    with pytest.raises(ValueError, match="launch_mode"):
        update_body({"launch_mode": "NATIVE"})


def test_create_sends_retry_token_and_is_retried_on_503() -> None:
    answers = [error(503, "ServiceUnavailable"), httpx.Response(200, json=image_json(state="PROVISIONING"))]
    driver, cloud = make(lambda r: answers.pop(0))
    desired = spec()
    image = driver.create(desired)
    assert image.state is ImageState.PENDING
    assert len(cloud.requests) == 2
    for request in cloud.requests:
        assert request.method == "POST" and request.url.path == "/20160918/images"
        assert request.headers["opc-retry-token"] == desired.retry_token(0)
        assert json.loads(request.content) == create_body(desired)


def test_create_moves_to_next_token_when_replayed_image_is_deleted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers["opc-retry-token"]
        if token == desired.retry_token(0):
            return httpx.Response(200, json=image_json("ocid1.image.oc1.phx.old", state="DELETED"))
        return httpx.Response(200, json=image_json("ocid1.image.oc1.phx.new", state="PROVISIONING"))

    desired = spec()
    driver, cloud = make(handler)
    assert driver.create(desired).id == "ocid1.image.oc1.phx.new"
    assert [r.headers["opc-retry-token"] for r in cloud.requests] == [
        desired.retry_token(0),
        desired.retry_token(1),
    ]


def test_past_the_deterministic_tokens_one_fresh_token_makes_the_image() -> None:
    # Every deterministic token replays a deleted image (a stack destroyed and re-created often):
    # a fresh token, never sent before, makes the image instead of failing the create for good.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["opc-retry-token"].startswith("imageops-fresh-"):
            return httpx.Response(200, json=image_json("ocid1.image.oc1.phx.new", state="PROVISIONING"))
        return httpx.Response(200, json=image_json("ocid1.image.oc1.phx.old", state="DELETED"))

    desired = spec()
    driver, cloud = make(handler)
    driver.max_token_attempts = 3
    assert driver.create(desired).id == "ocid1.image.oc1.phx.new"
    tokens = [r.headers["opc-retry-token"] for r in cloud.requests]
    assert tokens[:3] == [desired.retry_token(i) for i in range(3)]
    assert len(tokens) == 4 and tokens[3].startswith("imageops-fresh-") and len(tokens[3]) <= 64


def test_create_token_attempts_are_bounded() -> None:
    driver, cloud = make(lambda r: httpx.Response(200, json=image_json(state="DELETED")))
    driver.max_token_attempts = 3
    with pytest.raises(ConflictError, match="RetryTokenExhausted"):
        driver.create(spec())
    assert len(cloud.requests) == 4  # three deterministic tokens and one fresh


def test_get_is_one_call_and_404_is_none() -> None:
    driver, cloud = make(lambda r: httpx.Response(200, json=image_json()))
    assert driver.get("ocid1.image.oc1.phx.aaaa1").id == "ocid1.image.oc1.phx.aaaa1"
    assert len(cloud.requests) == 1
    driver, _ = make(lambda r: error(404, "NotAuthorizedOrNotFound"))
    assert driver.get("ocid1.image.oc1.phx.gone") is None


def test_list_follows_pages_and_find_filters_deleted() -> None:
    pages = {
        None: ([image_json("i1"), image_json("i2", state="DELETED")], "p2"),
        "p2": ([image_json("i3", displayName="other")], None),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        assert params["compartmentId"] == COMP and params["displayName"] == "web"
        items, nxt = pages[params.get("page")]
        return httpx.Response(200, json=items, headers={"opc-next-page": nxt} if nxt else {})

    driver, cloud = make(handler)
    assert driver.find(spec()).id == "i1"  # i2 deleted, i3 another name
    assert len(cloud.requests) == 2
    assert [i["id"] for i in driver.api.list_images(COMP, display_name="web")] == ["i1", "i2", "i3"]


def test_find_ambiguous_names_every_id() -> None:
    driver, _ = make(lambda r: httpx.Response(200, json=[image_json("i1"), image_json("i2")]))
    with pytest.raises(AmbiguousImageError) as info:
        driver.find(spec())
    assert info.value.image_ids == ["i1", "i2"]
    assert "i1" in str(info.value) and "i2" in str(info.value) and COMP in str(info.value)


def test_find_without_display_name_makes_no_call() -> None:
    driver, cloud = make(lambda r: httpx.Response(200, json=[]))
    assert driver.find(OciImageSpec.parse({"compartment_id": COMP, "instance_id": INST})) is None
    assert cloud.requests == []


def test_update_sends_only_changed_fields() -> None:
    driver, cloud = make(lambda r: httpx.Response(200, json=image_json(freeformTags={"x": "y"})))
    observed = image_from_json(image_json())
    updated = driver.update(observed, spec(), {"freeform_tags": {"x": "y"}})
    assert updated.tags == {"x": "y"}
    (request,) = cloud.requests
    assert request.method == "PUT" and request.url.path == "/20160918/images/ocid1.image.oc1.phx.aaaa1"
    assert json.loads(request.content) == {"freeformTags": {"x": "y"}}
    assert driver.update(observed, spec(), {}) is observed  # nothing to change: no call
    assert len(cloud.requests) == 1


def test_delete_absent_or_already_deleted_is_success() -> None:
    driver, _ = make(lambda r: error(404, "NotAuthorizedOrNotFound"))
    driver.delete("ocid1.image.oc1.phx.gone")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return error(409, "IncorrectState", "The image is DELETED")
        return httpx.Response(200, json=image_json(state="DELETED"))

    driver, _ = make(handler)
    driver.delete("ocid1.image.oc1.phx.aaaa1")

    def busy(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return error(409, "IncorrectState", "The image is PROVISIONING")
        return httpx.Response(200, json=image_json(state="PROVISIONING"))

    driver, _ = make(busy)
    with pytest.raises(ConflictError):
        driver.delete("ocid1.image.oc1.phx.aaaa1")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, ConflictError),
        (412, ConflictError),
        (429, ThrottledError),
        (500, CloudError),
        (418, CloudError),
    ],
)
def test_error_mapping(status: int, cls: type[CloudError]) -> None:
    driver, _ = make(lambda r: error(status, "SomeCode", "went wrong", rid="REQ-42"))
    with pytest.raises(cls) as info:
        driver.api.get_image("ocid1.image.oc1.phx.x")
    exc = info.value
    assert type(exc) is cls
    assert (exc.code, exc.message, exc.status, exc.request_id, exc.operation) == (
        "SomeCode", "went wrong", status, "REQ-42", "GetImage",
    )
    hint = "; check the tenancy, user, fingerprint and key_file" if cls is AuthError else ""
    head = f"GetImage failed: SomeCode: went wrong (HTTP {status}, request id REQ-42)"
    assert str(exc).startswith(head + hint)
    assert ("clock" in str(exc)) is (cls is AuthError)  # what to check: the credentials, and the clock


def test_error_without_json_body() -> None:
    driver, _ = make(lambda r: httpx.Response(502, text="<html>bad gateway</html>"))
    with pytest.raises(CloudError) as info:
        driver.api.delete_image("x")
    assert info.value.status == 502 and info.value.message == "Bad Gateway"
    assert info.value.operation == "DeleteImage"


def test_error_messages_are_redacted() -> None:
    leak = "bad key -----BEGIN RSA PRIVATE KEY-----\nMIIsecret\n-----END RSA PRIVATE KEY----- given"
    driver, _ = make(lambda r: error(400, "InvalidParameter", leak))
    with pytest.raises(ValidationError) as info:
        driver.api.create_image({}, "tok")
    assert "MIIsecret" not in str(info.value)
    assert "bad key *** given" in str(info.value)


def test_transport_error_names_the_operation() -> None:
    from imageops.errors import TransportError

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    driver, cloud = make(handler)
    with pytest.raises(TransportError) as info:
        driver.get("ocid1.image.oc1.phx.x")
    assert info.value.operation == "GetImage"
    assert str(info.value).startswith("GetImage failed: ConnectError: ")
    assert len(cloud.requests) == 2
