"""Copying an OCI image to another region, and exporting an image, through Object Storage.

OCI has no CopyImage call. A copy is the procedure OCI documents for moving a custom image between
regions: ExportImage in the source region into a bucket there (the image is EXPORTING until the
object is written), a read-only pre-authenticated request (PAR) on that object, and CreateImage in
the destination region importing it by URL (``objectStorageUri``).

Idempotency, so that a re-run after a crash anywhere in between resumes and never exports twice:

* the intermediate object's name is derived from the source image (and the export format) only:
  ``imageops-copy/<sha256>.oci``. Whoever finds it already written uses it; copies of one source to
  many regions share one export;
* before exporting, the source image is read, then the object looked up (HeadObject), in that
  order: when the image is EXPORTING, an export (an interrupted run's, or a concurrent copy's) is
  writing the object, so wait for the image to be AVAILABLE before looking; an export that ended
  between the two reads has written the object by then, so it is never made again;
* ExportImage carries a deterministic ``opc-retry-token``; a 409 (someone else's export started in
  between) is answered by waiting for that export, never by a second one;
* the destination image is found again by its display name before any of this (the reconciler's
  lookup), and CreateImage carries a retry token derived from the spec and the PAR.

Every wait (the export, the import, an export already under way) is bounded by the ``timeout`` the
caller passes: the operation's, by :mod:`imageops.timeouts`. A wait that runs out raises
:class:`~imageops.errors.WaitTimeoutError` and leaves everything as it is, so the next run resumes
(it finds the export under way, or the object, or the imported image) without exporting twice.

A source image this tenancy cannot see is refused before anything is written
(:func:`check_copy_source`, which the driver's planning calls too): the error says so.

The PAR is deleted once the import has finished; the object too with ``delete_intermediate``. A
crash between CreateImage and the end of the import leaves the PAR to expire (after
:data:`PAR_LIFETIME`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from imageops.errors import CloudError, ConflictError, NotFoundError
from imageops.model import Image, ImageState
from imageops.oci.objectstorage import OciObjectStorageApi
from imageops.redact import get_logger, register_secret

if TYPE_CHECKING:
    from imageops.oci.driver import OciDriver
    from imageops.oci.spec import CopyFrom, ExportTo, OciImageSpec

__all__ = [
    "COPY_FORMAT",
    "SOURCE_NOT_FOUND",
    "ObjectRef",
    "RegionFactory",
    "check_copy_source",
    "copy_image",
    "default_bucket",
    "ensure_exported",
    "export_needed",
    "export_target",
    "intermediate_object",
    "object_ref_from_uri",
]

log = get_logger("imageops.oci.copy")

COPY_FORMAT = "OCI"
"""The copy's export format: OCI's own, which keeps the image's launch mode and options."""
PAR_LIFETIME = timedelta(days=1)
MAX_EXPORT_ATTEMPTS = 3
_EXTENSIONS = {"OCI": "oci", "QCOW2": "qcow2", "VMDK": "vmdk", "VHD": "vhd", "VDI": "vdi"}
_URI_PATH = re.compile(
    r"^(?:/r/(?P<region>[^/]+))?(?:/p/[^/]+)?/n/(?P<ns>[^/]+)/b/(?P<bucket>[^/]+)/o/(?P<obj>.+)$"
)
_OCI_HOST = re.compile(r"^objectstorage\.(?P<region>[a-z0-9-]+)\.oraclecloud\.com$")

RegionFactory = Callable[[str], "tuple[OciDriver, OciObjectStorageApi]"]
"""Region name -> (an :class:`OciDriver` there, the Object Storage API there), same credentials."""


@dataclass(frozen=True)
class ObjectRef:
    """An Object Storage object: its region, namespace, bucket and name."""

    region: str
    namespace: str
    bucket: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.bucket}/{self.name} in {self.region}"


def intermediate_object(source_image_id: str, export_format: str = COPY_FORMAT) -> str:
    """The deterministic name of a copy's intermediate object."""
    digest = hashlib.sha256(f"{source_image_id}|{export_format}".encode()).hexdigest()[:40]
    return f"imageops-copy/{digest}.{_EXTENSIONS[export_format]}"


def default_bucket(source_region: str) -> str:
    """The bucket a copy uses when ``copy_from.bucket_name`` is not given (created if missing)."""
    return f"imageops-transfer-{source_region}"


def object_ref_from_uri(uri: str, default_region: str) -> ObjectRef:
    """Where an Object Storage URL (or a PAR URL) points. The region is the host's
    (``objectstorage.<region>.oraclecloud.com``), the emulator's ``/r/<region>`` prefix, else
    ``default_region``."""
    parts = urlsplit(uri)
    match = _URI_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or match is None:
        raise ValueError("is not an Object Storage object URL (.../n/<namespace>/b/<bucket>/o/<object>)")
    host = _OCI_HOST.match(parts.hostname or "")
    region = match["region"] or (host["region"] if host else default_region)
    return ObjectRef(region, unquote(match["ns"]), unquote(match["bucket"]), unquote(match["obj"]))


def _export_token(image_id: str, where: str, export_format: str, attempt: int) -> str:
    digest = hashlib.sha256(f"{image_id}|{where}|{export_format}|{attempt}".encode()).hexdigest()
    return "imageops-export-" + digest[:40]


SOURCE_NOT_FOUND = "SourceImageNotFound"
"""The code of the error a copy raises, before writing anything, for a source it cannot see."""


def _source_image(source: OciDriver, image_id: str, field: str, *, before_writes: bool = False) -> Image:
    image = source.get(image_id)
    if image is None or not image.is_live:
        nothing = "; nothing was written" if before_writes else ""
        raise NotFoundError(
            f"{field} {image_id} was not found in region {source.region}: it does not exist there, "
            f"or this tenancy cannot see it (copies and exports are of this tenancy's own images){nothing}",
            code=SOURCE_NOT_FOUND,
            status=404,
            operation="GetImage",
        )
    return image


def check_copy_source(regions: RegionFactory, copy: CopyFrom) -> Image:
    """The copy's source image (one GetImage in its region), or the :class:`NotFoundError` a copy of
    it would meet, raised before anything is written."""
    source, _ = regions(copy.source_region)
    return _source_image(source, copy.source_image_id, "copy_from.source_image_id", before_writes=True)


def ensure_exported(
    source: OciDriver,
    storage: OciObjectStorageApi,
    image_id: str,
    target: ObjectRef,
    body: dict[str, Any],
    *,
    timeout: float,
    field: str = "image",
    image: Image | None = None,
) -> bool:
    """Make sure ``target`` holds the export of ``image_id``; True if this call exported it.

    ``body`` is the ExportImage body for ``target``. Waits for the export to finish. ``image`` is the
    caller's own read of the source image, made just before (saves a GetImage).
    """
    for attempt in range(MAX_EXPORT_ATTEMPTS):
        image = image if attempt == 0 and image is not None else _source_image(source, image_id, field)
        waited = image.raw_state == "EXPORTING" or image.state is ImageState.PENDING
        if waited:
            # An export (an interrupted run's, or a concurrent copy's) may be writing our object.
            source.wait_for(image_id, ImageState.AVAILABLE, timeout)
        # Looked up only after the image was seen with no export under way: an export that ended
        # a moment before that read has written the object, so it is found here, not made again.
        if storage.head_object(target.namespace, target.bucket, target.name) is not None:
            if waited:
                log.info("%s was written by an export already under way; not exporting again", target)
            return False
        token = _export_token(image_id, str(target), str(body.get("exportFormat")), attempt)
        try:
            source.api.export_image(image_id, body, token)
        except ConflictError:
            continue  # an export started meanwhile (409): the next round waits for it
        source.wait_for(image_id, ImageState.AVAILABLE, timeout)
        if storage.head_object(target.namespace, target.bucket, target.name) is not None:
            return True
        # A retry token replayed from an earlier export whose object has since been deleted did
        # not export anything: the next attempt uses a new token.
    raise CloudError(
        f"ExportImage of {image_id} finished {MAX_EXPORT_ATTEMPTS} times but {target} is not there",
        code="ExportFailed",
        operation="ExportImage",
    )


def export_target(
    driver: OciDriver, regions: RegionFactory, export: ExportTo
) -> tuple[OciObjectStorageApi, ObjectRef, dict[str, Any]]:
    """The storage API, object and ExportImage body of an ``export_to`` block of ``driver``'s image."""
    fmt = export.export_format or COPY_FORMAT
    if export.destination_uri is not None:
        ref = object_ref_from_uri(export.destination_uri, driver.region or "")
        body = {"destinationType": "objectStorageUri", "destinationUri": export.destination_uri}
    else:
        assert export.bucket_name is not None and export.object_name is not None
        _, storage = regions(driver.region or "")
        namespace = export.namespace_name or storage.get_namespace()
        ref = ObjectRef(driver.region or "", namespace, export.bucket_name, export.object_name)
        body = {
            "destinationType": "objectStorageTuple",
            "namespaceName": namespace,
            "bucketName": export.bucket_name,
            "objectName": export.object_name,
        }
    body["exportFormat"] = fmt
    _, storage = regions(ref.region)
    return storage, ref, body


def export_needed(driver: OciDriver, regions: RegionFactory, export: ExportTo) -> bool:
    """Whether :func:`ensure_exported` would export (one HeadObject, for check mode)."""
    storage, ref, _ = export_target(driver, regions, export)
    return storage.head_object(ref.namespace, ref.bucket, ref.name) is None


def par_url(storage: OciObjectStorageApi, par: dict[str, Any]) -> str:
    """The full URL of a PAR: ``fullPath`` when the service gives it, else endpoint + ``accessUri``."""
    if par.get("fullPath"):
        return str(par["fullPath"])
    return str(storage.client.base_url).rstrip("/") + str(par["accessUri"])


def par_expiry(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + PAR_LIFETIME


def _import_token(spec_token: str, uri: str) -> str:
    # The import body holds this run's PAR URL: a token bound to it is replayed only for this body.
    return "imageops-" + hashlib.sha256(f"{spec_token}|{uri}".encode()).hexdigest()[:48]


def copy_image(dest: OciDriver, spec: OciImageSpec, regions: RegionFactory, *, timeout: float) -> Image:
    """Copy ``spec.copy_from`` into ``dest``'s region as described in the module doc; returns the new
    image once AVAILABLE (the PAR is deleted only after the import has read the object)."""
    from imageops.oci.driver import create_body  # the driver imports this module

    copy = spec.copy_from
    assert copy is not None
    source, storage = regions(copy.source_region)
    source_image = check_copy_source(regions, copy)  # before any write
    namespace = storage.get_namespace()
    bucket = copy.bucket_name or default_bucket(copy.source_region)
    if copy.bucket_name is None:
        storage.ensure_bucket(namespace, bucket, spec.compartment_id)
    ref = ObjectRef(copy.source_region, namespace, bucket, intermediate_object(copy.source_image_id))
    body = {
        "destinationType": "objectStorageTuple",
        "namespaceName": namespace,
        "bucketName": bucket,
        "objectName": ref.name,
        "exportFormat": COPY_FORMAT,
    }
    ensure_exported(
        source, storage, copy.source_image_id, ref, body, timeout=timeout, field="copy_from.source_image_id",
        image=source_image,
    )
    par = storage.create_par(
        namespace,
        bucket,
        ref.name,
        name=f"imageops-import-{dest.region}-{hashlib.sha256(spec.describe_key().encode()).hexdigest()[:12]}",
        access_type="ObjectRead",
        expires=par_expiry(),
    )
    uri = par_url(storage, par)
    register_secret(uri)  # a PAR URL is a bearer credential: never in a log line or an error
    request = create_body(spec)
    request["imageSourceDetails"] = {"sourceType": "objectStorageUri", "sourceUri": uri}
    image = dest.create_from_body(request, lambda attempt: _import_token(spec.retry_token(attempt), uri))
    image = dest.wait_for(image.id, ImageState.AVAILABLE, timeout)
    storage.delete_par(namespace, bucket, str(par.get("id")))
    if copy.delete_intermediate:
        storage.delete_object(ref.namespace, ref.bucket, ref.name)
    return image
