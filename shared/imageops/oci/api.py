"""The raw OCI Core image calls, with OCI's own names and camelCase JSON shapes.

Every non-2xx answer becomes one of :mod:`imageops.errors` from the ``{"code", "message"}`` body, the
HTTP status and the ``opc-request-id`` header, named after the operation (``CreateImage``...):
404 :class:`NotFoundError`, 409/412 :class:`ConflictError`, 429 :class:`ThrottledError`, 401/403
:class:`AuthError`, 400 :class:`ValidationError`, anything else :class:`CloudError`. Messages go
through :func:`imageops.redact.redact`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx

from imageops.errors import (
    AuthError,
    CloudError,
    ConflictError,
    NotFoundError,
    ThrottledError,
    ValidationError,
)
from imageops.redact import get_logger, redact
from imageops.transport import IDEMPOTENT_EXTENSION, ApiClient, logged_failure

__all__ = ["API_VERSION", "OciApiClient", "OciComputeApi", "error_from_response"]

API_VERSION = "20160918"

log = get_logger("imageops.oci.api")

AUTH_HINT = (
    "check the tenancy, user, fingerprint and key_file (or key_content) of the OCI config profile, "
    "and that this machine's clock is right"
)
_ERRORS: dict[int, type[CloudError]] = {
    400: ValidationError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    412: ConflictError,
    429: ThrottledError,
}

Json = dict[str, Any]


def error_from_response(operation: str, response: httpx.Response) -> CloudError:
    """The exception for a failed call: class by status, with OCI's code, message and request id."""
    code, message = "", ""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        code = str(body.get("code") or "")
        message = str(body.get("message") or "")
    if not message:
        message = response.reason_phrase or "request failed"
    cls = _ERRORS.get(response.status_code, CloudError)
    return cls(
        redact(message),
        code=redact(code),
        status=response.status_code,
        request_id=response.headers.get("opc-request-id"),
        operation=operation,
        hint=AUTH_HINT if cls is AuthError else "",
    )


def _segment(value: str) -> str:
    return quote(value, safe="")


class OciApiClient(ApiClient):
    """One OCI service over a signing, retrying client; paths are relative to ``base_path``."""

    base_path = ""

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Json | None = None,
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
    ) -> httpx.Response:
        content = None
        all_headers = dict(headers or {})
        if body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()
            all_headers["content-type"] = "application/json"
        extensions = {IDEMPOTENT_EXTENSION: True} if idempotent else {}
        request = self._client.build_request(
            method,
            f"{self.base_path}{path}",
            params={k: v for k, v in (params or {}).items() if v is not None} or None,
            content=content,
            headers=all_headers,
            extensions=extensions,
        )
        response = self._send(operation, request)
        if response.is_success:
            return response
        raise logged_failure(log, operation, error_from_response(operation, response))

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        if not response.content:
            return None
        return response.json()


class OciComputeApi(OciApiClient):
    """CreateImage, GetImage, ListImages, UpdateImage, DeleteImage, ExportImage."""

    base_path = f"/{API_VERSION}"

    def export_image(self, image_id: str, body: Json, retry_token: str) -> tuple[Json, httpx.Headers]:
        """ExportImage (``ExportImageViaObjectStorageTupleDetails`` / ``...UriDetails`` body); the
        image turns EXPORTING until the object is written. Retryable through ``opc-retry-token``."""
        response = self._call(
            "ExportImage",
            "POST",
            f"/images/{_segment(image_id)}/actions/export",
            body=body,
            headers={"opc-retry-token": retry_token},
            idempotent=True,
        )
        return self._json(response), response.headers

    def create_image(self, body: Json, retry_token: str) -> tuple[Json, httpx.Headers]:
        """CreateImage. ``retry_token`` goes in ``opc-retry-token``; that is what makes it retryable."""
        response = self._call(
            "CreateImage",
            "POST",
            "/images",
            body=body,
            headers={"opc-retry-token": retry_token},
            idempotent=True,
        )
        return self._json(response), response.headers

    def get_image(self, image_id: str) -> tuple[Json, httpx.Headers]:
        response = self._call("GetImage", "GET", f"/images/{_segment(image_id)}")
        return self._json(response), response.headers

    def iter_images(
        self,
        compartment_id: str,
        *,
        display_name: str | None = None,
        lifecycle_state: str | None = None,
        limit: int | None = None,
        operating_system: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> Iterator[Json]:
        """ListImages, following ``opc-next-page`` to the last page."""
        params: dict[str, Any] = {
            "compartmentId": compartment_id,
            "displayName": display_name,
            "lifecycleState": lifecycle_state,
            "limit": limit,
            "operatingSystem": operating_system,
            "sortBy": sort_by,
            "sortOrder": sort_order,
        }
        page: str | None = None
        while True:
            response = self._call("ListImages", "GET", "/images", params={**params, "page": page})
            items = self._json(response) or []
            if isinstance(items, dict):  # some list calls wrap their items
                items = items.get("items", [])
            yield from items
            page = response.headers.get("opc-next-page")
            if not page:
                return

    def list_images(
        self,
        compartment_id: str,
        *,
        display_name: str | None = None,
        lifecycle_state: str | None = None,
        limit: int | None = None,
    ) -> list[Json]:
        """Every image of ListImages (all pages)."""
        return list(
            self.iter_images(
                compartment_id, display_name=display_name, lifecycle_state=lifecycle_state, limit=limit
            )
        )

    def update_image(
        self, image_id: str, body: Json, if_match: str | None = None
    ) -> tuple[Json, httpx.Headers]:
        headers = {"if-match": if_match} if if_match else None
        response = self._call(
            "UpdateImage", "PUT", f"/images/{_segment(image_id)}", body=body, headers=headers
        )
        return self._json(response), response.headers

    def delete_image(self, image_id: str, if_match: str | None = None) -> httpx.Headers:
        headers = {"if-match": if_match} if if_match else None
        response = self._call("DeleteImage", "DELETE", f"/images/{_segment(image_id)}", headers=headers)
        return response.headers
