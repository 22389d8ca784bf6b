"""EcsApi over a mock transport: paging to the end, Throttling retried, auth never, error mapping."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import httpx
import pytest

from imageops.alicloud.api import RETRY, EcsApi
from imageops.alicloud.auth import RpcSigner
from imageops.errors import (
    AuthError,
    CloudError,
    ConflictError,
    NotFoundError,
    ThrottledError,
    ValidationError,
)
from imageops.transport import RetryPolicy, build_client


def api_over(handler, retry: RetryPolicy = RETRY) -> tuple[EcsApi, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(dict(parse_qsl(request.url.query.decode(), keep_blank_values=True)))
        return handler(request, seen[-1])

    client = build_client(
        base_url="http://ecs.test",
        auth=RpcSigner("LTAIx", "secret-123"),
        retry=retry,
        transport=httpx.MockTransport(record),
        sleep=lambda _s: None,
    )
    return EcsApi(client), seen


def error(status: int, code: str) -> httpx.Response:
    body = {
        "RequestId": "REQ-1",
        "HostId": "ecs.aliyuncs.com",
        "Code": code,
        "Message": f"{code} said",
        "Recommend": "",
    }
    return httpx.Response(status, json=body)


def test_describe_images_follows_every_page() -> None:
    def pages(_request: httpx.Request, params: dict[str, str]) -> httpx.Response:
        number = int(params["PageNumber"])
        count = 100 if number < 3 else 50
        items = [{"ImageId": f"m-{number}-{i}"} for i in range(count)]
        body = {"Images": {"Image": items}, "TotalCount": 250, "PageNumber": number, "PageSize": 100}
        return httpx.Response(200, json=body)

    api, seen = api_over(pages)
    assert len(list(api.iter_images("cn-hangzhou", ImageName="web"))) == 250
    assert [p["PageNumber"] for p in seen] == ["1", "2", "3"]
    first = seen[0]
    assert (first["Action"], first["Version"], first["RegionId"], first["PageSize"]) == (
        "DescribeImages",
        "2014-05-26",
        "cn-hangzhou",
        "100",
    )
    assert first["ImageOwnerAlias"] == "self" and "CreateFailed" in first["Status"] and first["Signature"]


def test_throttling_is_retried_then_raised_as_throttled() -> None:
    answers = iter(
        [error(400, "Throttling"), error(400, "Throttling.User"), httpx.Response(200, json={"ok": 1})]
    )
    api, seen = api_over(lambda _r, _p: next(answers))
    assert api.call("DeleteImage", {"RegionId": "cn-hangzhou", "ImageId": "m-1"}) == {"ok": 1}
    assert len(seen) == 3 and seen[0]["SignatureNonce"] != seen[1]["SignatureNonce"]  # re-signed each time
    api, seen = api_over(
        lambda _r, _p: error(400, "Throttling"),
        RetryPolicy(max_attempts=2, retry_response=RETRY.retry_response),
    )
    with pytest.raises(ThrottledError):
        api.call("DescribeImages", {"RegionId": "cn-hangzhou"})
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "SignatureDoesNotMatch", AuthError),
        (404, "InvalidAccessKeyId.NotFound", AuthError),
        (400, "InvalidSecurityToken.Mismatch", AuthError),
        (404, "InvalidImageId.NotFound", NotFoundError),
        (400, "InvalidImageName.Duplicated", ConflictError),
        (400, "IdempotentParameterMismatch", ConflictError),
        (403, "IncorrectImageStatus", ConflictError),
        (400, "InvalidDescription.Malformed", ValidationError),
        (500, "InternalError", CloudError),
    ],
)
def test_errors_map_by_code_and_auth_is_never_retried(status: int, code: str, kind: type) -> None:
    api, seen = api_over(lambda _r, _p: error(status, code))
    with pytest.raises(kind) as info:
        api.call("CreateImage", {"RegionId": "cn-hangzhou"})
    assert type(info.value) is kind or kind is CloudError
    assert (info.value.code, info.value.status, info.value.request_id) == (code, status, "REQ-1")
    assert info.value.operation == "CreateImage" and "secret-123" not in str(info.value)
    if kind is not CloudError:
        assert len(seen) == 1


def test_repeat_list_parameters_and_booleans() -> None:
    api, seen = api_over(lambda _r, _p: httpx.Response(200, content=json.dumps({}).encode()))
    api.tag_resources("cn-hangzhou", "m-1", {"a": "1", "b": "2"})
    api.untag_resources("cn-hangzhou", "m-1", ["c"])
    api.delete_image("cn-hangzhou", "m-1", force=True)
    tag, untag, delete = seen
    assert (tag["ResourceId.1"], tag["Tag.1.Key"], tag["Tag.2.Value"], tag["ResourceType"]) == (
        "m-1",
        "a",
        "2",
        "image",
    )
    assert untag["TagKey.1"] == "c" and delete["Force"] == "true"
