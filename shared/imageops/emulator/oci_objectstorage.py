"""OCI Object Storage for the emulator (namespaces, buckets, objects, pre-authenticated requests) and
the Core Services call that writes into it, ExportImage.

Buckets are regional, as in OCI: a bucket lives in the region of the endpoint that created it and is
only found there. Objects an export is still writing are invisible (404) until the export ends, when
the image goes from EXPORTING back to AVAILABLE. Reading or writing another region's bucket needs a
pre-authenticated request (``/p/<token>/n/...``), as OCI's cross-region copy procedure does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from datetime import datetime
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from imageops.emulator import oci_images as images
from imageops.emulator.core import call_info, iso_ms, random_token
from imageops.emulator.oci_images import ApiError
from imageops.emulator.oci_seed import qcow2_bytes, region_key

if TYPE_CHECKING:
    from imageops.emulator.oci import OciApi

EXPORT_SECONDS = 300.0
EXPORT_FORMATS = ("QCOW2", "VMDK", "OCI", "VHD", "VDI")
DESTINATION_TYPES = ("objectStorageTuple", "objectStorageUri")
READ_ACCESS = ("ObjectRead", "ObjectReadWrite", "AnyObjectRead", "AnyObjectReadWrite")
WRITE_ACCESS = ("ObjectWrite", "ObjectReadWrite", "AnyObjectWrite", "AnyObjectReadWrite")
ACCESS_TYPES = tuple(dict.fromkeys(READ_ACCESS + WRITE_ACCESS))
_OBJECT_URI = re.compile(
    r"^(?:/r/(?P<region>[^/]+))?(?:/p/(?P<par>[^/]+))?"
    r"/n/(?P<ns>[^/]+)/b/(?P<bucket>[^/]+)/o/(?P<object>.+)$"
)
_REAL_HOST = re.compile(r"^objectstorage\.([a-z0-9-]+)\.oraclecloud\.com$")


def bucket_not_found(namespace: str, bucket: str) -> ApiError:
    return ApiError(
        404,
        "BucketNotFound",
        f"Either the bucket named '{bucket}' does not exist in the "
        f"namespace '{namespace}' or you are not authorized to access it",
    )


def new_object(content: bytes, metadata: dict[str, str], now: float, ready_at: float = 0.0) -> dict[str, Any]:
    return {
        "content_b64": base64.b64encode(content).decode(),
        "contentType": "application/octet-stream",
        "md5": base64.b64encode(hashlib.md5(content).digest()).decode(),
        "etag": secrets.token_hex(16),
        "timeCreated": now,
        "metadata": metadata,
        "_ready_at": ready_at,
    }


class ObjectLocation:
    """Where an Object Storage URL points: region, namespace, bucket, object, and the PAR token if any."""

    def __init__(self, uri: str, home: str) -> None:
        parts = urlsplit(uri)
        match = _OBJECT_URI.match(parts.path)
        if parts.scheme not in ("http", "https") or match is None:
            raise ApiError(400, "InvalidParameter", "The URI does not name an object in Object Storage")
        host = _REAL_HOST.match(parts.hostname or "")
        self.region = match["region"] or (host.group(1) if host else home)
        self.par = match["par"]
        self.namespace, self.bucket, self.object = (unquote(match[g]) for g in ("ns", "bucket", "object"))


class ObjectStorage:
    """Handlers over the ``buckets`` and ``pars`` of the emulator's ``oci`` state."""

    def __init__(self, api: OciApi) -> None:
        self.api = api
        self.emu = api.emu
        self.state = api.state
        self.state.setdefault("pars", {})

    # lookups ----------------------------------------------------------------------------------
    def bucket(self, namespace: str, name: str, region: str) -> dict[str, Any]:
        record = self.state["buckets"].get(f"{namespace}/{name}")
        if record is None or record.get("_region", self.api.home) != region:
            raise bucket_not_found(namespace, name)
        return record

    def own_bucket(self, tenancy: str, namespace: str, name: str, region: str) -> dict[str, Any]:
        record = self.bucket(namespace, name, region)
        if record["tenancy"] != tenancy:  # another tenancy's private bucket looks absent
            raise bucket_not_found(namespace, name)
        return record

    def ready_object(self, record: dict[str, Any], name: str) -> dict[str, Any]:
        obj = record["objects"].get(name)
        if obj is None or obj.get("_ready_at", 0.0) > self.emu.now():  # an export still writing it
            raise ApiError(
                404, "ObjectNotFound", f"The object '{name}' was not found in the bucket '{record['name']}'"
            )
        return obj

    def par_allows(self, loc: ObjectLocation, access: tuple[str, ...]) -> bool:
        par = next((p for p in self.state["pars"].values() if p["token"] == loc.par), None)
        return (
            par is not None
            and par["namespace"] == loc.namespace
            and par["bucket"] == loc.bucket
            and par["region"] == loc.region
            and par["accessType"] in access
            and par["expires"] > self.emu.now()
            and (par["accessType"].startswith("Any") or par["objectName"] == loc.object)
        )

    def resolve_uri(
        self, tenancy: str, uri: str, region: str, access: tuple[str, ...]
    ) -> tuple[dict[str, Any], ObjectLocation]:
        """The bucket an Object Storage URL names, if this caller may use it from ``region``:
        through a pre-authenticated request from anywhere, or its own bucket in the same region."""
        loc = ObjectLocation(uri, self.api.home)
        invalid = ApiError(
            400,
            "InvalidParameter",
            "The URI does not resolve to an object you can access; an object in another "
            "region or tenancy needs a pre-authenticated request",
        )
        try:
            record = self.bucket(loc.namespace, loc.bucket, loc.region)
        except ApiError:
            raise invalid from None
        if loc.par is not None:
            if not self.par_allows(loc, access):
                raise invalid
        elif record["tenancy"] != tenancy or loc.region != region:
            raise invalid
        return record, loc

    def namespace_of(self, tenancy: str) -> str:
        return str(self.state["tenancies"][tenancy]["namespace"])

    # handlers ---------------------------------------------------------------------------------
    async def get_namespace(self, request: Request, tenancy: str, _body: bytes) -> Response:
        return self.api.json(self.namespace_of(tenancy), request)

    def _bucket_body(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "namespace": record["namespace"],
            "name": record["name"],
            "compartmentId": record["compartmentId"],
            "createdBy": record.get("createdBy", ""),
            "timeCreated": iso_ms(record.get("timeCreated", 0.0)),
            "etag": record.get("etag", ""),
            "publicAccessType": "NoPublicAccess",
            "storageTier": "Standard",
            "metadata": {},
            "freeformTags": {},
            "definedTags": {},
        }

    async def get_bucket(self, request: Request, tenancy: str, _body: bytes) -> Response:
        p = request.path_params
        record = self.own_bucket(tenancy, p["namespace"], p["bucket"], self.api.region(request))
        body = self._bucket_body(record)
        return self.api.json(body, request, headers={"etag": body["etag"]})

    async def create_bucket(self, request: Request, tenancy: str, raw: bytes) -> Response:
        namespace = request.path_params["namespace"]
        body = images.parse_json(raw)
        name, compartment = body.get("name"), body.get("compartmentId")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,256}", name):
            raise ApiError(400, "InvalidParameter", "name must be 1 to 256 letters, digits, '-', '_' or '.'")
        if not isinstance(compartment, str):
            raise ApiError(400, "MissingParameter", "compartmentId is required")
        if namespace != self.namespace_of(tenancy):
            raise ApiError(
                404,
                "NamespaceNotFound",
                f"You do not have authorization to perform this "
                f"request, or the requested resource could not be found: namespace {namespace}",
            )
        self.api.own_compartment(tenancy, compartment)
        if f"{namespace}/{name}" in self.state["buckets"]:  # bucket names are unique per namespace
            raise ApiError(
                409,
                "BucketAlreadyExists",
                "Either the bucket already exists or you are not authorized to create it",
            )
        record = {
            "tenancy": tenancy,
            "namespace": namespace,
            "name": name,
            "compartmentId": compartment,
            "objects": {},
            "_region": self.api.region(request),
            "timeCreated": self.emu.now(),
            "etag": secrets.token_hex(16),
        }
        self.state["buckets"][f"{namespace}/{name}"] = record
        self.emu.save()
        return self.api.json(self._bucket_body(record), request)

    async def list_objects(self, request: Request, tenancy: str, _body: bytes) -> Response:
        p, q = request.path_params, request.query_params
        record = self.own_bucket(tenancy, p["namespace"], p["bucket"], self.api.region(request))
        now, prefix, start = self.emu.now(), q.get("prefix", ""), q.get("start", "")
        limit = min(int(q.get("limit", "1000")) if q.get("limit", "").isdigit() else 1000, 1000)
        fields = set((q.get("fields") or "name").split(","))
        names = sorted(
            n
            for n, o in record["objects"].items()
            if n.startswith(prefix) and n >= start and o.get("_ready_at", 0.0) <= now
        )
        page = []
        for name in names[:limit]:
            obj = record["objects"][name]
            item: dict[str, Any] = {"name": name}
            extra = {
                "size": len(base64.b64decode(obj["content_b64"])),
                "md5": obj["md5"],
                "etag": obj["etag"],
                "timeCreated": iso_ms(obj["timeCreated"]),
            }
            item.update({k: v for k, v in extra.items() if k in fields})
            page.append(item)
        body: dict[str, Any] = {"objects": page, "prefixes": []}
        if len(names) > limit:
            body["nextStartWith"] = names[limit]
        return self.api.json(body, request)

    async def get_object(self, request: Request, tenancy: str, _body: bytes) -> Response:
        p = request.path_params
        record = self.own_bucket(tenancy, p["namespace"], p["bucket"], self.api.region(request))
        obj = self.ready_object(record, p["object"])
        content = base64.b64decode(obj["content_b64"])
        headers = {
            "opc-request-id": call_info(request).request_id,
            "etag": obj["etag"],
            "content-md5": obj["md5"],
            "content-type": obj["contentType"],
            "content-length": str(len(content)),
            "last-modified": formatdate(obj["timeCreated"], usegmt=True),
            "accept-ranges": "bytes",
            "archival-state": "Available",
            **{f"opc-meta-{k}": v for k, v in obj["metadata"].items()},
        }
        if request.method == "HEAD":
            return Response(status_code=200, headers=headers)
        return Response(content, status_code=200, headers=headers)

    async def put_object(self, request: Request, tenancy: str, body: bytes) -> Response:
        p = request.path_params
        record = self.own_bucket(tenancy, p["namespace"], p["bucket"], self.api.region(request))
        meta = {k[len("opc-meta-") :]: v for k, v in request.headers.items() if k.startswith("opc-meta-")}
        obj = new_object(body, meta, self.emu.now())
        obj["contentType"] = request.headers.get("content-type") or obj["contentType"]
        record["objects"][p["object"]] = obj
        self.emu.save()
        headers = {
            "opc-request-id": call_info(request).request_id,
            "etag": obj["etag"],
            "opc-content-md5": obj["md5"],
            "last-modified": formatdate(obj["timeCreated"], usegmt=True),
        }
        return Response(status_code=200, headers=headers)

    async def delete_object(self, request: Request, tenancy: str, _body: bytes) -> Response:
        p = request.path_params
        record = self.own_bucket(tenancy, p["namespace"], p["bucket"], self.api.region(request))
        self.ready_object(record, p["object"])
        del record["objects"][p["object"]]
        self.emu.save()
        return Response(status_code=204, headers={"opc-request-id": call_info(request).request_id})

    async def create_par(self, request: Request, tenancy: str, raw: bytes) -> Response:
        p = request.path_params
        region = self.api.region(request)
        self.own_bucket(tenancy, p["namespace"], p["bucket"], region)
        body = images.parse_json(raw)
        access, name, object_name = body.get("accessType"), body.get("name"), body.get("objectName")
        if access not in ACCESS_TYPES:
            raise ApiError(400, "InvalidParameter", f"accessType must be one of {', '.join(ACCESS_TYPES)}")
        if not isinstance(name, str) or not name:
            raise ApiError(400, "MissingParameter", "name is required")
        if not access.startswith("Any") and not object_name:
            raise ApiError(400, "MissingParameter", f"objectName is required with accessType {access}")
        try:
            expires = datetime.fromisoformat(str(body.get("timeExpires")).replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise ApiError(400, "InvalidParameter", "timeExpires must be an RFC 3339 date-time") from None
        if expires <= self.emu.now():
            raise ApiError(400, "InvalidParameter", "timeExpires must be in the future")
        par_id, token = random_token(40), random_token(64)
        target = f"/o/{object_name}" if object_name else "/o/"
        access_uri = f"/p/{token}/n/{p['namespace']}/b/{p['bucket']}{target}"
        par = {
            "id": par_id,
            "name": name,
            "namespace": p["namespace"],
            "bucket": p["bucket"],
            "objectName": object_name,
            "accessType": access,
            "expires": expires,
            "token": token,
            "region": region,
            "tenancy": tenancy,
            "created": self.emu.now(),
        }
        self.state["pars"][par_id] = par
        self.emu.save()
        base = str(request.base_url).rstrip("/")
        prefix = "" if region == self.api.home and "/r/" not in request.url.path else f"/r/{region}"
        reply = {
            "id": par_id,
            "name": name,
            "accessUri": access_uri,
            "objectName": object_name,
            "accessType": access,
            "timeExpires": iso_ms(expires),
            "timeCreated": iso_ms(par["created"]),
            "fullPath": f"{base}{prefix}{access_uri}",
            "bucketListingAction": "Deny",
        }
        return self.api.json(reply, request)

    async def delete_par(self, request: Request, tenancy: str, _body: bytes) -> Response:
        p = request.path_params
        self.own_bucket(tenancy, p["namespace"], p["bucket"], self.api.region(request))
        par = self.state["pars"].get(p["par_id"])
        if par is None or par["bucket"] != p["bucket"] or par["namespace"] != p["namespace"]:
            raise ApiError(404, "NotFound", "The pre-authenticated request was not found")
        del self.state["pars"][p["par_id"]]
        self.emu.save()
        return Response(status_code=204, headers={"opc-request-id": call_info(request).request_id})

    # ExportImage ------------------------------------------------------------------------------
    def _export_target(self, tenancy: str, body: dict[str, Any], region: str) -> tuple[dict[str, Any], str]:
        kind = body.get("destinationType")
        if kind not in DESTINATION_TYPES:
            raise ApiError(
                400, "InvalidParameter", f"destinationType must be one of {', '.join(DESTINATION_TYPES)}"
            )
        if kind == "objectStorageTuple":
            for name in ("namespaceName", "bucketName", "objectName"):
                if not isinstance(body.get(name), str) or not body[name]:
                    raise ApiError(400, "MissingParameter", f"{name} is required")
            record = self.own_bucket(tenancy, body["namespaceName"], body["bucketName"], region)
            return record, body["objectName"]
        if not isinstance(body.get("destinationUri"), str):
            raise ApiError(400, "MissingParameter", "destinationUri is required")
        record, loc = self.resolve_uri(tenancy, body["destinationUri"], region, WRITE_ACCESS)
        return record, loc.object

    async def export_image(self, request: Request, tenancy: str, raw: bytes) -> Response:
        info = call_info(request)
        region = self.api.region(request)
        img = self.api.own_image(tenancy, request.path_params["image_id"], region)
        body = images.parse_json(raw)
        token = request.headers.get("opc-retry-token")
        tokens = self.state["retry_tokens"].setdefault(tenancy, {})
        token_key = f"export:{region}:{token}"
        body_hash = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        if token is not None and token_key in tokens and tokens[token_key]["expires"] > self.emu.now():
            if tokens[token_key]["hash"] != body_hash:
                raise ApiError(
                    409, "InvalidatedRetryToken", "The retry token was already used for a different request"
                )
            replay = {"opc-work-request-id": tokens[token_key]["work_request"]}
            return self.api.image_response(img, info, replay)
        fmt = body.get("exportFormat") or "OCI"
        if fmt not in EXPORT_FORMATS:
            raise ApiError(
                400, "InvalidParameter", f"exportFormat must be one of {', '.join(EXPORT_FORMATS)}"
            )
        record, object_name = self._export_target(tenancy, body, region)
        self.api.check_mutable(request, img)  # if-match, and only an AVAILABLE image can be exported
        now = self.emu.now()
        done = now + self.emu.scaled(EXPORT_SECONDS)
        size_mb = int(img.get("_size_mb") or 1024)
        meta = {
            "operating-system": img.get("operatingSystem") or "Custom",
            "operating-system-version": img.get("operatingSystemVersion") or "Custom",
            "virtual-size-mb": str(size_mb),
            "export-format": fmt,
        }
        if fmt == "OCI":  # the OCI format keeps the image's launch settings
            meta["launch-mode"] = img.get("launchMode") or "PARAVIRTUALIZED"
        record["objects"][object_name] = new_object(qcow2_bytes(size_mb * 1048576), meta, now, done)
        img["_exporting_until"] = done
        work_request = f"ocid1.coreservicesworkrequest.oc1.{region_key(region)}.ab{random_token(58)}"
        self.api.work_requests.add(
            work_request,
            operation="ExportImage",
            tenancy=tenancy,
            compartment=img["compartmentId"],
            region=region,
            image_id=img["id"],
            finishes_at=done,
        )
        if token is not None:
            tokens[token_key] = {
                "hash": body_hash,
                "image": img["id"],
                "expires": now + 86400.0,
                "work_request": work_request,
            }
        self.emu.save()
        return self.api.image_response(img, info, {"opc-work-request-id": work_request})
