"""The raw OUTSCALE API calls for OMIs: ``POST {endpoint}/{Action}`` with OUTSCALE's own names and
PascalCase JSON shapes.

Every call is a POST, so the transport would retry none of them: reads, UpdateImage, DeleteImage and
the tag calls are idempotent and say so; CreateImage is not (OUTSCALE has no client token) and is
never resent blindly — :class:`imageops.outscale.driver.OutscaleDriver` adopts by name instead.

Errors ``{"Errors": [{"Code", "Type", "Details"}], "ResponseContext": {"RequestId"}}`` become
:mod:`imageops.errors`: ``AccessDenied`` (401/403) :class:`AuthError`, code 6 or HTTP 429
:class:`ThrottledError`, ``InvalidResource`` :class:`NotFoundError`, ``ResourceConflict`` and
``InvalidState`` :class:`ConflictError`, other 400s :class:`ValidationError`, the rest
:class:`CloudError`; ``code`` is OUTSCALE's numeric code, the message ``"Type: Details"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx

from imageops import errors
from imageops.redact import get_logger, redact
from imageops.transport import IDEMPOTENT_EXTENSION, ApiClient, logged_failure

__all__ = ["OutscaleApi", "error_from_response"]

log = get_logger("imageops.outscale.api")
Json = dict[str, Any]

_BY_TYPE: dict[str, type[errors.CloudError]] = {
    "AccessDenied": errors.AuthError,
    "AuthFailure": errors.AuthError,
    "WrongAuthenticationMethod": errors.AuthError,
    "InvalidResource": errors.NotFoundError,
    "ResourceConflict": errors.ConflictError,
    "InvalidState": errors.ConflictError,
    "InvalidParameterValue": errors.ValidationError,
    "InvalidParameter": errors.ValidationError,
    "MissingParameter": errors.ValidationError,
}
THROTTLED_CODE = "6"


def error_from_response(operation: str, response: httpx.Response) -> errors.CloudError:
    code, kind, details, request_id = "", "", "", None
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        reported = body.get("Errors") or [{}]
        first = reported[0] if isinstance(reported[0], dict) else {}
        code, kind, details = (
            str(first.get("Code") or ""),
            str(first.get("Type") or ""),
            str(first.get("Details") or ""),
        )
        request_id = (body.get("ResponseContext") or {}).get("RequestId")
    status = response.status_code
    if code == THROTTLED_CODE or status == 429:
        cls: type[errors.CloudError] = errors.ThrottledError
    elif status in (401, 403):
        cls = errors.AuthError
    else:
        cls = _BY_TYPE.get(kind, errors.ValidationError if status == 400 else errors.CloudError)
    message = (
        ": ".join(part for part in (kind, details) if part) or response.reason_phrase or "request failed"
    )
    hint = AUTH_HINT if cls is errors.AuthError else ""
    return cls(
        redact(message),
        code=redact(code),
        status=status,
        request_id=request_id,
        operation=operation,
        hint=hint,
    )


AUTH_HINT = (
    "check the access key and secret key (access_key/secret_key, OSC_ACCESS_KEY/OSC_SECRET_KEY or the "
    "~/.osc/config.json profile), and that this machine's clock is right"
)


class OutscaleApi(ApiClient):
    """The OMI calls (and the few reads they need) over a signing, retrying client."""

    def call(self, action: str, body: Json | None = None, *, idempotent: bool = True) -> Json:
        """One action; the parsed JSON answer, or the mapped exception."""
        content = json.dumps(body or {}, separators=(",", ":")).encode()
        request = self._client.build_request(
            "POST",
            action,
            content=content,
            headers={"content-type": "application/json; charset=utf-8"},
            extensions={IDEMPOTENT_EXTENSION: True} if idempotent else {},
        )
        response = self._send(action, request)
        if not response.is_success:
            raise logged_failure(log, action, error_from_response(action, response))
        try:
            answer = response.json()
        except ValueError:
            raise errors.CloudError(
                "the answer is not JSON", code="BadResponse", status=response.status_code, operation=action
            ) from None
        return answer if isinstance(answer, dict) else {}

    def _pages(self, action: str, key: str, filters: Json | None, per_page: int | None) -> Iterator[Json]:
        """A Read* action followed through ``NextPageToken`` to the last page."""
        body: Json = {}
        if filters:
            body["Filters"] = filters
        if per_page:
            body["ResultsPerPage"] = per_page
        while True:
            answer = self.call(action, body)
            yield from answer.get(key) or []
            token = answer.get("NextPageToken")
            if not token:
                return
            body = {**body, "NextPageToken": token}

    # OMIs ------------------------------------------------------------------------------------------
    def create_image(self, body: Json) -> Json:
        """CreateImage: sent once (no client token exists to make a resend safe)."""
        return self.call("CreateImage", body, idempotent=False)["Image"]

    def read_images(self, filters: Json | None = None, *, per_page: int | None = None) -> list[Json]:
        return list(self._pages("ReadImages", "Images", filters, per_page))

    def update_image(self, image_id: str, changes: Json) -> Json:
        return self.call("UpdateImage", {"ImageId": image_id, **changes})["Image"]

    def delete_image(self, image_id: str) -> None:
        self.call("DeleteImage", {"ImageId": image_id})

    # tags and the rest ----------------------------------------------------------------------------------
    def create_tags(self, resource_ids: list[str], tags: list[Json]) -> None:
        self.call("CreateTags", {"ResourceIds": resource_ids, "Tags": tags})

    def delete_tags(self, resource_ids: list[str], tags: list[Json]) -> None:
        self.call("DeleteTags", {"ResourceIds": resource_ids, "Tags": tags})

    def read_vms(self, filters: Json | None = None) -> list[Json]:
        return list(self._pages("ReadVms", "Vms", filters, None))

    def read_snapshots(self, filters: Json | None = None) -> list[Json]:
        return list(self._pages("ReadSnapshots", "Snapshots", filters, None))

    def read_accounts(self) -> list[Json]:
        return list(self.call("ReadAccounts").get("Accounts") or [])
