"""OCI work requests (``/20160918/workRequests``): what CreateImage, an import and ExportImage return
as ``opc-work-request-id``, and what Oracle's tools (``oci work-requests``, ``oracle.oci``'s waits)
follow to the end.

A work request moves on the emulator's clock with the operation it tracks: ``ACCEPTED``, then
``IN_PROGRESS`` with ``percentComplete`` growing, then ``SUCCEEDED`` -- or ``FAILED`` with an entry
in its errors when the operation failed (an import of an object that is no image). Shapes are the
``oci.work_requests.models`` ones: WorkRequest, WorkRequestSummary, WorkRequestResource,
WorkRequestError and WorkRequestLogEntry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from imageops.emulator.core import Emulator, call_info, iso_ms
from imageops.emulator.oci_images import ApiError

__all__ = ["WorkRequestApi", "WorkRequests"]

_MAX_LIMIT = 1000

# The share of an operation's time spent ACCEPTED before it starts.
_QUEUED_SHARE = 0.05
# What the resource shows while the work runs, and once it is done, per operation.
_ACTIONS = {
    "CreateImage": ("IN_PROGRESS", "CREATED"),
    "ImportImage": ("IN_PROGRESS", "CREATED"),
    "ExportImage": ("IN_PROGRESS", "RELATED"),
}


class WorkRequests:
    """The work requests of the emulated OCI, kept in its state (they outlive a restart)."""

    def __init__(self, emulator: Emulator, state: dict[str, Any]) -> None:
        self.emu = emulator
        self.records: dict[str, dict[str, Any]] = state.setdefault("work_requests", {})

    def add(
        self,
        work_request_id: str,
        *,
        operation: str,
        tenancy: str,
        compartment: str,
        region: str,
        image_id: str,
        finishes_at: float,
    ) -> None:
        """Track an operation on ``image_id`` that is done at ``finishes_at`` (the emulator's clock)."""
        if operation not in _ACTIONS:
            raise ValueError(f"no work request for {operation}")
        self.records.setdefault(
            work_request_id,
            {
                "id": work_request_id,
                "operationType": operation,
                "compartmentId": compartment,
                "_tenancy": tenancy,
                "_region": region,
                "_image": image_id,
                "_accepted": self.emu.now(),
                "_finishes": finishes_at,
            },
        )

    def visible(self, work_request_id: str, tenancy: str, region: str) -> dict[str, Any] | None:
        record = self.records.get(work_request_id)
        if record is None or record["_tenancy"] != tenancy or record["_region"] != region:
            return None
        return record

    def listed(
        self,
        tenancy: str,
        region: str,
        compartment: str,
        resource: str | None,
        images: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """Summaries of a compartment's work requests, newest first (``resourceId`` narrows them)."""
        found = [
            r
            for r in self.records.values()
            if r["_tenancy"] == tenancy
            and r["_region"] == region
            and r["compartmentId"] == compartment
            and (resource is None or r["_image"] == resource)
        ]
        found.sort(key=lambda r: (r["_accepted"], r["id"]), reverse=True)
        summaries = []
        for record in found:
            body = self.render(record, images)
            del body["resources"]  # a WorkRequestSummary has none
            summaries.append(body)
        return summaries

    # ------------------------------------------------------------------------------- rendering
    def _timeline(self, record: Mapping[str, Any]) -> tuple[float, float, float]:
        accepted, finishes = record["_accepted"], record["_finishes"]
        started = accepted + (finishes - accepted) * _QUEUED_SHARE
        return accepted, started, finishes

    def status(self, record: Mapping[str, Any], images: Mapping[str, Any]) -> tuple[str, float]:
        """``(status, percentComplete)`` now."""
        accepted, started, finishes = self._timeline(record)
        now = self.emu.now()
        if now < started:
            return "ACCEPTED", 0.0
        if now < finishes:
            return "IN_PROGRESS", round(100.0 * (now - accepted) / max(finishes - accepted, 1e-9), 1)
        failure = self.failure(record, images)
        return ("FAILED", 100.0) if failure else ("SUCCEEDED", 100.0)

    @staticmethod
    def failure(record: Mapping[str, Any], images: Mapping[str, Any]) -> tuple[str, str] | None:
        image = images.get(record["_image"]) or {}
        error = image.get("_import_error") if record["operationType"] != "ExportImage" else None
        if not error:
            return None
        code, message = error  # a list once the state file has been read back
        return str(code), str(message)

    def render(self, record: Mapping[str, Any], images: Mapping[str, Any]) -> dict[str, Any]:
        status, percent = self.status(record, images)
        accepted, started, finishes = self._timeline(record)
        running, done = _ACTIONS[record["operationType"]]
        body: dict[str, Any] = {
            "compartmentId": record["compartmentId"],
            "id": record["id"],
            "operationType": record["operationType"],
            "percentComplete": percent,
            "resources": [
                {
                    "actionType": done if status in ("SUCCEEDED", "FAILED") else running,
                    "entityType": "image",
                    "entityUri": f"/20160918/images/{record['_image']}",
                    "identifier": record["_image"],
                }
            ],
            "status": status,
            "timeAccepted": iso_ms(accepted),
        }
        if status != "ACCEPTED":
            body["timeStarted"] = iso_ms(started)
        if status in ("SUCCEEDED", "FAILED"):
            body["timeFinished"] = iso_ms(finishes)
        return body

    def errors(self, record: Mapping[str, Any], images: Mapping[str, Any]) -> list[dict[str, Any]]:
        status, _ = self.status(record, images)
        failure = self.failure(record, images)
        if status != "FAILED" or failure is None:
            return []
        code, message = failure
        return [{"code": code, "message": message, "timestamp": iso_ms(record["_finishes"])}]

    def logs(self, record: Mapping[str, Any], images: Mapping[str, Any]) -> list[dict[str, Any]]:
        status, _ = self.status(record, images)
        accepted, started, finishes = self._timeline(record)
        operation = record["operationType"]
        entries = [{"message": f"{operation} accepted", "timestamp": iso_ms(accepted)}]
        if status != "ACCEPTED":
            entries.append({"message": f"{operation} started", "timestamp": iso_ms(started)})
        if status == "SUCCEEDED":
            entries.append({"message": f"{operation} succeeded", "timestamp": iso_ms(finishes)})
        elif status == "FAILED":
            entries.append({"message": f"{operation} failed", "timestamp": iso_ms(finishes)})
        return entries


class WorkRequestApi:
    """GetWorkRequest, ListWorkRequests, ListWorkRequestErrors and ListWorkRequestLogs, over an
    ``OciApi`` (its state, its region and compartment checks)."""

    def __init__(self, api: Any, work_requests: WorkRequests) -> None:
        self.api = api
        self.work_requests = work_requests

    def _own(self, request: Request, tenancy: str) -> dict[str, Any]:
        record = self.work_requests.visible(
            request.path_params["work_request_id"], tenancy, self.api.region(request)
        )
        if record is None:
            raise ApiError.not_found()
        return record

    def _answer(self, request: Request, body: Any, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse(
            body, headers={"opc-request-id": call_info(request).request_id, **(headers or {})}
        )

    async def get_work_request(self, request: Request, tenancy: str, _body: bytes) -> Response:
        record = self._own(request, tenancy)
        return self._answer(request, self.work_requests.render(record, self.api.state["images"]))

    async def list_work_requests(self, request: Request, tenancy: str, _body: bytes) -> Response:
        query = request.query_params
        compartment = query.get("compartmentId")
        if not compartment:
            raise ApiError(400, "MissingParameter", "compartmentId is required")
        self.api.own_compartment(tenancy, compartment)
        summaries = self.work_requests.listed(
            tenancy, self.api.region(request), compartment, query.get("resourceId"), self.api.state["images"]
        )
        return self._paged(request, summaries)

    async def list_errors(self, request: Request, tenancy: str, _body: bytes) -> Response:
        record = self._own(request, tenancy)
        return self._paged(request, self.work_requests.errors(record, self.api.state["images"]))

    async def list_logs(self, request: Request, tenancy: str, _body: bytes) -> Response:
        record = self._own(request, tenancy)
        return self._paged(request, self.work_requests.logs(record, self.api.state["images"]))

    def _paged(self, request: Request, items: list[dict[str, Any]]) -> Response:
        """``limit``/``page`` as OCI pages (the page token is an opaque offset), ``opc-next-page``."""
        query = request.query_params
        try:
            limit = min(int(query.get("limit", _MAX_LIMIT)), _MAX_LIMIT)
            start = int(query.get("page", "0"))
        except ValueError:
            raise ApiError(400, "InvalidParameter", "limit and page must be integers") from None
        if limit < 1 or start < 0:
            raise ApiError(400, "InvalidParameter", "limit must be at least 1")
        if query.get("sortOrder") == "DESC":  # errors and logs come oldest first unless asked
            items = list(reversed(items))
        page = items[start : start + limit]
        more = start + limit < len(items)
        return self._answer(request, page, {"opc-next-page": str(start + limit)} if more else None)
