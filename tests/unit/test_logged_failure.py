"""The one log line of a failed API call (:func:`imageops.transport.logged_failure`), on the
calling cloud's logger: OCI's and Alibaba Cloud's API clients write it too."""

from __future__ import annotations

import logging

import httpx
import pytest

from imageops import errors
from imageops.transport import build_client, logged_failure


def test_the_error_comes_back_logged_on_the_given_logger(caplog: pytest.LogCaptureFixture) -> None:
    error = errors.NotFoundError("gone", code="InvalidAMIID.NotFound", status=400, operation="DescribeImages")
    with caplog.at_level(logging.INFO, logger="imageops.test.api"):
        returned = logged_failure(logging.getLogger("imageops.test.api"), "DescribeImages", error)
    assert returned is error
    [record] = [r for r in caplog.records if r.name == "imageops.test.api"]
    assert record.getMessage() == "DescribeImages failed: HTTP 400 InvalidAMIID.NotFound (request id -)"


def test_the_request_id_is_named_when_known(caplog: pytest.LogCaptureFixture) -> None:
    error = errors.ThrottledError(
        "slow down", code="6", status=429, request_id="req-1", operation="ReadImages"
    )
    with caplog.at_level(logging.INFO, logger="imageops.test.api"):
        logged_failure(logging.getLogger("imageops.test.api"), "ReadImages", error)
    assert "ReadImages failed: HTTP 429 6 (request id req-1)" in caplog.text


def test_oci_logs_its_failed_call_in_the_one_line(caplog: pytest.LogCaptureFixture) -> None:
    from imageops.oci.api import OciComputeApi

    def gone(_request: httpx.Request) -> httpx.Response:
        body = {"code": "NotAuthorizedOrNotFound", "message": "no such image"}
        return httpx.Response(404, json=body, headers={"opc-request-id": "OPC-REQ-1"})

    client = build_client(base_url="http://oci.test", transport=httpx.MockTransport(gone))
    with caplog.at_level(logging.INFO, logger="imageops.oci.api"), pytest.raises(errors.NotFoundError):
        OciComputeApi(client).get_image("ocid1.image.oc1..secretish")
    [record] = [r for r in caplog.records if r.name == "imageops.oci.api"]
    assert record.getMessage() == "GetImage failed: HTTP 404 NotAuthorizedOrNotFound (request id OPC-REQ-1)"


def test_alicloud_logs_its_failed_call_in_the_one_line_without_query_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from imageops.alicloud.api import RETRY, EcsApi
    from imageops.alicloud.auth import RpcSigner

    def refused(_request: httpx.Request) -> httpx.Response:
        body = {"RequestId": "ACS-REQ-1", "Code": "InvalidImageName.Malformed", "Message": "bad name"}
        return httpx.Response(400, json=body)

    client = build_client(
        base_url="http://ecs.test",
        auth=RpcSigner("LTAIkeyid", "secret-xyz-123"),
        retry=RETRY,
        transport=httpx.MockTransport(refused),
        sleep=lambda _s: None,
    )
    with caplog.at_level(logging.DEBUG, logger="imageops"), pytest.raises(errors.ValidationError):
        EcsApi(client).call("CreateImage", {"RegionId": "cn-hangzhou", "ImageName": "name-value-x"})
    [record] = [r for r in caplog.records if r.name == "imageops.alicloud.api"]
    expected = "CreateImage failed: HTTP 400 InvalidImageName.Malformed (request id ACS-REQ-1)"
    assert record.getMessage() == expected
    for value in ("LTAIkeyid", "secret-xyz-123", "name-value-x", "Signature"):
        assert value not in caplog.text
