"""The raw OCI Object Storage calls an image copy or export needs, with OCI's names and shapes.

Paths have no version prefix (``/n/{namespace}/b/{bucket}/o/{object}``); errors are mapped exactly as
:mod:`imageops.oci.api` maps Core Services errors. Reads that find nothing return None instead of
raising, since "absent" is an answer the callers act on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from imageops.errors import ConflictError, NotFoundError
from imageops.oci.api import OciApiClient

__all__ = ["OciObjectStorageApi"]

Json = dict[str, Any]


def _seg(value: str) -> str:
    return quote(value, safe="")


def _object_path(namespace: str, bucket: str, name: str) -> str:
    # Object names may contain "/", which stays a path separator, as the SDK sends it.
    return f"/n/{_seg(namespace)}/b/{_seg(bucket)}/o/{quote(name, safe='/')}"


class OciObjectStorageApi(OciApiClient):
    """GetNamespace, GetBucket, CreateBucket, HeadObject, DeleteObject and (Create|Delete)
    PreauthenticatedRequest."""

    def get_namespace(self) -> str:
        """The tenancy's Object Storage namespace (GetNamespace answers a JSON string)."""
        return str(self._json(self._call("GetNamespace", "GET", "/n")))

    def head_object(self, namespace: str, bucket: str, name: str) -> httpx.Headers | None:
        """The object's headers (etag, content-length, ``opc-meta-*``), or None if it does not exist
        (yet: an export still writing it is not there)."""
        try:
            return self._call("HeadObject", "HEAD", _object_path(namespace, bucket, name)).headers
        except NotFoundError:
            return None

    def delete_object(self, namespace: str, bucket: str, name: str) -> None:
        """DeleteObject; an object already gone is a success."""
        try:
            self._call("DeleteObject", "DELETE", _object_path(namespace, bucket, name))
        except NotFoundError:
            return

    def get_bucket(self, namespace: str, bucket: str) -> Json | None:
        try:
            return self._json(self._call("GetBucket", "GET", f"/n/{_seg(namespace)}/b/{_seg(bucket)}"))
        except NotFoundError:
            return None

    def ensure_bucket(self, namespace: str, bucket: str, compartment_id: str) -> bool:
        """Create the bucket unless it exists; True if this call created it."""
        if self.get_bucket(namespace, bucket) is not None:
            return False
        try:
            self._call(
                "CreateBucket",
                "POST",
                f"/n/{_seg(namespace)}/b",
                body={"name": bucket, "compartmentId": compartment_id},
            )
        except ConflictError:  # created meanwhile by a concurrent copy: what we wanted
            return False
        return True

    def create_par(
        self, namespace: str, bucket: str, object_name: str, *, name: str, access_type: str, expires: datetime
    ) -> Json:
        """CreatePreauthenticatedRequest for one object. The answer's ``accessUri`` is shown only once."""
        body = {
            "name": name,
            "objectName": object_name,
            "accessType": access_type,
            "timeExpires": expires.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        path = f"/n/{_seg(namespace)}/b/{_seg(bucket)}/p"
        response = self._call("CreatePreauthenticatedRequest", "POST", path, body=body)
        return dict(self._json(response) or {})

    def delete_par(self, namespace: str, bucket: str, par_id: str) -> None:
        """DeletePreauthenticatedRequest; one already gone is a success."""
        try:
            self._call(
                "DeletePreauthenticatedRequest",
                "DELETE",
                f"/n/{_seg(namespace)}/b/{_seg(bucket)}/p/{_seg(par_id)}",
            )
        except NotFoundError:
            return
