"""The raw EC2 calls for AMIs: the EC2 Query protocol (``POST /`` with ``Action``, ``Version`` and the
flattened parameters as a form; XML answers), with EC2's own names.

Reads, ModifyImageAttribute, the tag calls, the deprecation calls, DeregisterImage, DeleteSnapshot and
CopyImage (it carries a ``ClientToken``) are idempotent and say so, so the transport retries them.
CreateImage and RegisterImage have no client token and are sent once:
:class:`imageops.aws.driver.AwsDriver` adopts by name instead.

Errors ``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`` become
:mod:`imageops.errors`: ``AuthFailure`` and the other credential codes :class:`AuthError`,
``RequestLimitExceeded``/``Throttling`` :class:`ThrottledError`, ``*.NotFound`` and
``InvalidAMIID.Unavailable`` :class:`NotFoundError`, ``InvalidAMIName.Duplicate``,
``IdempotentParameterMismatch``, ``IncorrectState`` and ``InvalidSnapshot.InUse`` :class:`ConflictError`,
other 4xx :class:`ValidationError`, the rest :class:`CloudError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx

from imageops import errors
from imageops.redact import get_logger, redact
from imageops.transport import IDEMPOTENT_EXTENSION, ApiClient, logged_failure

__all__ = ["VERSION", "Ec2Api", "error_from_response", "flatten", "items", "parse_xml"]

log = get_logger("imageops.aws.api")
VERSION = "2016-11-15"
CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
Json = dict[str, Any]

_AUTH_CODES = {
    "AuthFailure",
    "UnauthorizedOperation",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "RequestExpired",
    "OptInRequired",
    "Blocked",
}
_CONFLICT_CODES = {
    "InvalidAMIName.Duplicate",
    "IdempotentParameterMismatch",
    "IncorrectState",
    "InvalidSnapshot.InUse",
    "IncorrectInstanceState",
}
_THROTTLED_CODES = {"RequestLimitExceeded", "Throttling", "ThrottlingException"}
AUTH_HINT = (
    "check the credentials (access_key/secret_key/session_token, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
    "or the AWS profile), that the session is not expired, and that this machine's clock is right"
)


def flatten(params: Json, prefix: str = "") -> list[tuple[str, str]]:
    """EC2 Query parameters: lists as ``Name.1``, ``Name.2``..., structures as ``Name.Member``,
    booleans as ``true``/``false``; None is left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        if value is None:
            continue
        if isinstance(value, dict):
            pairs += flatten(value, name + ".")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value, 1):
                if isinstance(item, dict):
                    pairs += flatten(item, f"{name}.{index}.")
                else:
                    pairs += flatten({f"{index}": item}, name + ".")
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        else:
            pairs.append((name, str(value)))
    return pairs


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _convert(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    if all(_local(child.tag) == "item" for child in children):
        return [_convert(child) for child in children]
    return {_local(child.tag): _convert(child) for child in children}


def parse_xml(content: bytes) -> Json:
    """An EC2 XML answer as nested dicts (``item`` sequences as lists, leaves as strings)."""
    root = ElementTree.fromstring(content)
    converted = _convert(root)
    return converted if isinstance(converted, dict) else {}


def items(value: Any) -> list[Any]:
    """A parsed ``...Set`` as a list (an empty set parses as an empty string)."""
    return value if isinstance(value, list) else []


def error_from_response(operation: str, response: httpx.Response) -> errors.CloudError:
    code, message, request_id = "", "", None
    try:
        body = parse_xml(response.content)
    except ElementTree.ParseError:
        body = {}
    error = body.get("Errors", {}).get("Error") if isinstance(body.get("Errors"), dict) else body.get("Error")
    if isinstance(error, dict):
        code, message = str(error.get("Code") or ""), str(error.get("Message") or "")
    request_id = body.get("RequestID") or body.get("RequestId") or body.get("requestId") or None
    status = response.status_code
    cls: type[errors.CloudError]
    if code in _THROTTLED_CODES or status == 429:
        cls = errors.ThrottledError
    elif code in _AUTH_CODES or status in (401, 403):
        cls = errors.AuthError
    elif code.endswith(".NotFound") or code in ("InvalidAMIID.Unavailable", "InvalidAMIID.NotFound"):
        cls = errors.NotFoundError
    elif code in _CONFLICT_CODES:
        cls = errors.ConflictError
    elif 400 <= status < 500:
        cls = errors.ValidationError
    else:
        cls = errors.CloudError
    return cls(
        redact(message or response.reason_phrase or "request failed"),
        code=redact(code),
        status=status,
        request_id=str(request_id) if request_id else None,
        operation=operation,
        hint=AUTH_HINT if cls is errors.AuthError else "",
    )


class Ec2Api(ApiClient):
    """The AMI calls (and the few reads they need) over a signing, retrying client."""

    def call(self, action: str, params: Json | None = None, *, idempotent: bool = True) -> Json:
        """One action; the parsed XML answer, or the mapped exception."""
        body = urlencode([("Action", action), ("Version", VERSION), *flatten(params or {})])
        request = self._client.build_request(
            "POST",
            "/",
            content=body.encode(),
            headers={"content-type": CONTENT_TYPE, "accept": "text/xml"},
            extensions={IDEMPOTENT_EXTENSION: True} if idempotent else {},
        )
        response = self._send(action, request)
        if not response.is_success:
            raise logged_failure(log, action, error_from_response(action, response))
        try:
            return parse_xml(response.content)
        except ElementTree.ParseError:
            raise errors.CloudError(
                "the answer is not XML", code="BadResponse", status=response.status_code, operation=action
            ) from None

    def _pages(self, action: str, key: str, params: Json) -> Iterator[Json]:
        body = dict(params)
        while True:
            answer = self.call(action, body)
            yield from items(answer.get(key))
            token = answer.get("nextToken")
            if not token:
                return
            body = {**body, "NextToken": token}

    # AMIs ------------------------------------------------------------------------------------------
    def describe_images(self, params: Json) -> list[Json]:
        return list(self._pages("DescribeImages", "imagesSet", params))

    def create_image(self, params: Json) -> str:
        """CreateImage: sent once (EC2 has no client token for it)."""
        return str(self.call("CreateImage", params, idempotent=False).get("imageId"))

    def register_image(self, params: Json) -> str:
        """RegisterImage: sent once (no client token either)."""
        return str(self.call("RegisterImage", params, idempotent=False).get("imageId"))

    def copy_image(self, params: Json) -> str:
        """CopyImage with its ``ClientToken``: a resend is answered with the same AMI."""
        return str(self.call("CopyImage", params).get("imageId"))

    def modify_image_attribute(self, image_id: str, params: Json) -> None:
        self.call("ModifyImageAttribute", {"ImageId": image_id, **params})

    def launch_permissions(self, image_id: str) -> list[Json]:
        answer = self.call("DescribeImageAttribute", {"ImageId": image_id, "Attribute": "launchPermission"})
        return [p for p in items(answer.get("launchPermission")) if isinstance(p, dict)]

    def enable_deprecation(self, image_id: str, when: str) -> None:
        self.call("EnableImageDeprecation", {"ImageId": image_id, "DeprecateAt": when})

    def disable_deprecation(self, image_id: str) -> None:
        self.call("DisableImageDeprecation", {"ImageId": image_id})

    def deregister_image(self, image_id: str, *, delete_snapshots: bool = False) -> dict[str, str]:
        """DeregisterImage; with ``delete_snapshots`` EC2 deletes the AMI's snapshots in the same call
        (``DeleteAssociatedSnapshots``). Snapshot id -> its return code (``success``, ``skipped``...)."""
        params: Json = {"ImageId": image_id}
        if delete_snapshots:
            params["DeleteAssociatedSnapshots"] = True
        answer = self.call("DeregisterImage", params)
        return {
            str(r.get("snapshotId")): str(r.get("returnCode"))
            for r in items(answer.get("deleteSnapshotResultSet"))
            if isinstance(r, dict)
        }

    # tags and snapshots --------------------------------------------------------------------------------
    def create_tags(self, resource_ids: list[str], tags: dict[str, str]) -> None:
        self.call(
            "CreateTags",
            {"ResourceId": resource_ids, "Tag": [{"Key": k, "Value": v} for k, v in tags.items()]},
        )

    def delete_tags(self, resource_ids: list[str], keys: list[str]) -> None:
        self.call("DeleteTags", {"ResourceId": resource_ids, "Tag": [{"Key": k} for k in keys]})

    def delete_snapshot(self, snapshot_id: str) -> None:
        self.call("DeleteSnapshot", {"SnapshotId": snapshot_id})

    def describe_snapshots(self, params: Json) -> list[Json]:
        return list(self._pages("DescribeSnapshots", "snapshotSet", params))
