"""The raw ECS image calls (Version 2014-05-26), with ECS's own action and parameter names.

Every call is ``POST /?Action=<action>&Version=2014-05-26&RegionId=..&<parameters>``, signed by the
client's auth (:mod:`imageops.alicloud.auth`); answers are JSON. Failures carry ECS's
``{RequestId, HostId, Code, Message, Recommend}`` and become :mod:`imageops.errors` by code:
``Throttling*``/``ServiceUnavailable`` are retried by the transport (see :data:`RETRY`) and end as
:class:`errors.ThrottledError`; signature and key errors are :class:`errors.AuthError` and never retried;
``*.NotFound`` is :class:`errors.NotFoundError`; duplicates, token mismatches and ``Incorrect*Status`` are
:class:`errors.ConflictError`; other 4xx :class:`errors.ValidationError`.

Every ECS call imageops makes is safe to repeat (reads, attribute sets, deletes, and creates that
carry a ClientToken), so every call is marked idempotent for the transport's retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from imageops import errors
from imageops.redact import get_logger, redact
from imageops.transport import IDEMPOTENT_EXTENSION, ApiClient, RetryPolicy, logged_failure

__all__ = ["ALL_STATUSES", "API_VERSION", "RETRY", "EcsApi", "error_from_response", "is_throttled"]

API_VERSION = "2014-05-26"
ALL_STATUSES = "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"
PAGE_SIZE = 100
_THROTTLED = ("Throttling", "ServiceUnavailable")
_AUTH = (
    "SignatureDoesNotMatch", "InvalidAccessKeyId", "IncompleteSignature", "InvalidSecurityToken",
    "MissingSecurityToken", "InvalidTimeStamp", "SignatureNonceUsed", "Forbidden", "InvalidAuthorization",
    "InvalidSignature",
)  # fmt: skip
_CONFLICT = (
    "InvalidImageName.Duplicated",
    "IdempotentParameterMismatch",
    "IncorrectImageStatus",
    "IncorrectInstanceStatus",
    "IncorrectSnapshotStatus",
    "IncorrectResourceStatus",
)

log = get_logger("imageops.alicloud.api")
Json = dict[str, Any]


def _code_of(response: httpx.Response) -> tuple[str, str, str | None]:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return "", response.reason_phrase or "request failed", None
    return str(body.get("Code") or ""), str(body.get("Message") or ""), body.get("RequestId")


def is_throttled(response: httpx.Response) -> bool:
    """ECS throttles with HTTP 400 and code ``Throttling`` (or ``Throttling.User``...)."""
    return response.status_code >= 400 and _code_of(response)[0].startswith(_THROTTLED)


RETRY = RetryPolicy(retry_response=is_throttled)


def _error_class(status: int, code: str) -> type[errors.CloudError]:
    if code.startswith(_THROTTLED):
        return errors.ThrottledError
    if code.startswith(_AUTH):
        return errors.AuthError
    if code.endswith(".NotFound"):
        return errors.NotFoundError
    if code.startswith(_CONFLICT):
        return errors.ConflictError
    if status in (401, 403):
        return errors.AuthError if not code.startswith("Incorrect") else errors.ConflictError
    if 400 <= status < 500:
        return errors.ValidationError
    return errors.CloudError


def error_from_response(operation: str, response: httpx.Response) -> errors.CloudError:
    code, message, request_id = _code_of(response)
    cls = _error_class(response.status_code, code)
    return cls(
        redact(message or "request failed"),
        code=redact(code),
        status=response.status_code,
        request_id=request_id or response.headers.get("x-acs-request-id"),
        operation=operation,
        hint=(EXPIRED_HINT if code == "InvalidSecurityToken.Expired" else AUTH_HINT)
        if cls is errors.AuthError
        else "",
    )


AUTH_HINT = (
    "check the AccessKey ID and secret (and security token, if any) given as options, in "
    "ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET or in the ~/.aliyun/config.json profile, "
    "and that this machine's clock is right"
)


EXPIRED_HINT = (
    "the STS security token has expired, and a token given as is cannot be refreshed: get a new one "
    "(aliyun configure --mode StsToken, or aliyun sts AssumeRole) or let imageops get and refresh it "
    "(alicloud_assume_role_arn, ecs_role_name, or a RamRoleArn/EcsRamRole profile)"
)


def flatten(prefix: str, items: list[dict[str, Any]]) -> dict[str, str]:
    """``[{"Key": "a"}]`` -> ``{"Tag.1.Key": "a"}``: ECS's repeat-list parameters."""
    out = {}
    for n, item in enumerate(items, start=1):
        for name, value in item.items():
            if value is not None:
                out[f"{prefix}.{n}.{name}"] = _text(value)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class EcsApi(ApiClient):
    """The ECS actions imageops uses, over a signing, retrying client."""

    def call(self, action: str, params: dict[str, Any]) -> Json:
        """One ECS action; ``None`` parameters are left out, booleans sent as true/false."""
        query = {"Action": action, "Version": API_VERSION}
        query.update({k: _text(v) for k, v in params.items() if v is not None})
        request = self._client.build_request(
            "POST", "/", params=query, extensions={IDEMPOTENT_EXTENSION: True}
        )
        response = self._send(action, request)
        if response.is_success:
            return response.json()
        raise logged_failure(log, action, error_from_response(action, response))

    # images ------------------------------------------------------------------------------------
    def iter_images(self, region: str, **filters: Any) -> Iterator[Json]:
        """DescribeImages of this account's own images in every status, all pages."""
        params = {
            "RegionId": region,
            "ImageOwnerAlias": "self",
            "Status": ALL_STATUSES,
            "PageSize": PAGE_SIZE,
            **filters,
        }
        number = 1
        while True:
            page = self.call("DescribeImages", {**params, "PageNumber": number})
            items = (page.get("Images") or {}).get("Image") or []
            yield from items
            if not items or number * int(page.get("PageSize") or PAGE_SIZE) >= int(
                page.get("TotalCount") or 0
            ):
                return
            number += 1

    def create_image(self, params: dict[str, Any]) -> Json:
        return self.call("CreateImage", params)

    def import_image(self, params: dict[str, Any]) -> Json:
        return self.call("ImportImage", params)

    def copy_image(self, params: dict[str, Any]) -> Json:
        return self.call("CopyImage", params)

    def modify_image_attribute(self, region: str, image_id: str, **attrs: Any) -> Json:
        return self.call("ModifyImageAttribute", {"RegionId": region, "ImageId": image_id, **attrs})

    def join_resource_group(self, region: str, image_id: str, resource_group_id: str) -> Json:
        return self.call("JoinResourceGroup", {
            "RegionId": region, "ResourceId": image_id, "ResourceType": "image",
            "ResourceGroupId": resource_group_id,
        })  # fmt: skip

    def tag_resources(self, region: str, image_id: str, tags: dict[str, str]) -> Json:
        pairs = [{"Key": k, "Value": v} for k, v in tags.items()]
        return self.call("TagResources", {
            "RegionId": region, "ResourceType": "image", "ResourceId.1": image_id, **flatten("Tag", pairs),
        })  # fmt: skip

    def untag_resources(self, region: str, image_id: str, keys: list[str]) -> Json:
        params = {"RegionId": region, "ResourceType": "image", "ResourceId.1": image_id}
        params.update({f"TagKey.{n}": key for n, key in enumerate(keys, start=1)})
        return self.call("UntagResources", params)

    def delete_image(self, region: str, image_id: str, force: bool | None = None) -> Json:
        return self.call("DeleteImage", {"RegionId": region, "ImageId": image_id, "Force": force})

    def delete_snapshot(self, snapshot_id: str, force: bool | None = None) -> Json:
        return self.call("DeleteSnapshot", {"SnapshotId": snapshot_id, "Force": force})

    def describe_tasks(self, region: str, task_ids: list[str]) -> list[Json]:
        page = self.call("DescribeTasks", {"RegionId": region, "TaskIds": ",".join(task_ids)})
        return (page.get("TaskSet") or {}).get("Task") or []
