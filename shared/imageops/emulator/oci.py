"""The OCI part of the emulator: Core Services images (API version 20160918), GetInstance, ExportImage
and Object Storage (:mod:`imageops.emulator.oci_objectstorage`), with OCI request signatures verified
on every call.

Regions: OCI clients derive the region from the endpoint's host name, which loopback cannot vary, so
one port serves every region by path prefix: ``{endpoint}/...`` is the home region (``--region``,
``IMAGEOPS_OCI_ENDPOINT``) and ``{endpoint}/r/<region>/...`` any region of
:data:`~imageops.emulator.oci_seed.REGION_KEYS` (``IMAGEOPS_OCI_ENDPOINT_TEMPLATE``). The official SDKs
accept such an endpoint as ``service_endpoint`` unchanged. Images, buckets and retry tokens are
regional; tenancies, users and namespaces are global.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from imageops.emulator import oci_identity
from imageops.emulator import oci_images as images
from imageops.emulator.core import CallInfo, Emulator, call_info, decimal_string
from imageops.emulator.oci_auth import SignatureError, api_key_for, parse_authorization, verify_request
from imageops.emulator.oci_images import ApiError
from imageops.emulator.oci_objectstorage import READ_ACCESS, ObjectStorage
from imageops.emulator.oci_seed import REGION_KEYS, ensure_credentials, region_key, seed_world
from imageops.emulator.oci_workrequests import WorkRequestApi, WorkRequests

API = "/20160918"
REGION_PREFIX = "/r/{region}"
WORK_REQUEST = API + "/workRequests/{work_request_id}"
SECOND_REGION = "eu-frankfurt-1"
Handler = Callable[[Request], Awaitable[Response]]


def error_response(
    status: int, code: str, message: str, info: CallInfo, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(
        {"code": code, "message": message},
        status,
        headers={"opc-request-id": info.request_id, **(headers or {})},
    )


def json_response(
    body: Any, info: CallInfo, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse(body, status, headers={"opc-request-id": info.request_id, **(headers or {})})


class OciApi:
    """Request handlers over the ``oci`` section of the emulator state."""

    def __init__(self, emu: Emulator, identity: oci_identity.Identity) -> None:
        self.emu = emu
        self.state: dict[str, Any] = emu.store.section("oci")
        # API keys and security tokens (``ST$``) alike; a token acts as its tenancy.
        self.key_for = identity.key_for(lambda key_id: api_key_for(key_id, self._lookup_key))
        self.home = emu.region
        self.work_requests = WorkRequests(emu, self.state)
        self.storage = ObjectStorage(self)

    # plumbing ---------------------------------------------------------------------------------
    def _lookup_key(self, tenancy: str, user: str, fp: str) -> str | None:
        record = self.state["users"].get(user)
        if record is None or record["tenancy"] != tenancy:
            return None
        return record["keys"].get(fp)

    def region(self, request: Request) -> str:
        """The region a request is for: its ``/r/<region>`` prefix, else the home region."""
        return str(request.path_params.get("region", self.home))

    def in_region(self, record: dict[str, Any], region: str) -> bool:
        return record.get("_region", self.home) == region

    def json(self, body: Any, request: Request, headers: dict[str, str] | None = None) -> Response:
        return json_response(body, call_info(request), headers=headers)

    async def authenticate(self, request: Request, content_headers: bool = True) -> tuple[str, bytes]:
        """Verify the request signature; return the caller's tenancy and the body."""
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            caller = verify_request(
                method=request.method,
                raw_path=request.scope.get("raw_path") or request.url.path.encode(),
                query_string=request.scope.get("query_string", b""),
                headers=headers,
                body=body,
                now=self.emu.now(),
                key_for=self.key_for,
                content_headers=content_headers,
            )
        except SignatureError as exc:
            raise ApiError(
                401,
                "NotAuthenticated",
                f"The required information to complete authentication was not provided or "
                f"was incorrect: {exc}",
            ) from None
        call_info(request).account = caller.tenancy
        return caller.tenancy, body

    def endpoint(
        self, fn: Callable[[Request, str, bytes], Awaitable[Response]], content_headers: bool = True
    ) -> Handler:
        async def handle(request: Request) -> Response:
            info = call_info(request)
            try:
                region = self.region(request)
                if region != self.home and region not in REGION_KEYS:  # no such host in OCI
                    raise ApiError.not_found()
                tenancy, body = await self.authenticate(request, content_headers)
                return await fn(request, tenancy, body)
            except ApiError as exc:
                if request.method == "HEAD":
                    return Response(status_code=exc.status, headers={"opc-request-id": info.request_id})
                return error_response(exc.status, exc.code, exc.message, info, exc.headers)

        return handle

    def platform_names(self) -> set[str]:
        return {i["displayName"] for i in self.state["images"].values() if i["_tenancy"] is None}

    def own_compartment(self, tenancy: str, compartment_id: str) -> None:
        record = self.state["compartments"].get(compartment_id)
        if record is None or record["tenancy"] != tenancy:
            raise ApiError.not_found()

    def visible_image(self, tenancy: str, image_id: str, region: str) -> dict[str, Any]:
        img = self.state["images"].get(image_id)
        if img is None or img["_tenancy"] not in (None, tenancy):
            raise ApiError.not_found()
        if img["_tenancy"] is not None and not self.in_region(img, region):  # another region's image
            raise ApiError.not_found()
        return img

    def own_image(self, tenancy: str, image_id: str, region: str) -> dict[str, Any]:
        img = self.visible_image(tenancy, image_id, region)
        if img["_tenancy"] is None:  # platform images are read-only for every tenancy
            raise ApiError.not_found()
        return img

    def image_response(
        self, img: dict[str, Any], info: CallInfo, headers: dict[str, str] | None = None
    ) -> Response:
        body = images.render(img, self.emu.now())
        return json_response(body, info, headers={"etag": images.etag(body), **(headers or {})})

    # images -----------------------------------------------------------------------------------
    async def create_image(self, request: Request, tenancy: str, raw: bytes) -> Response:
        info = call_info(request)
        region = self.region(request)
        body = images.parse_json(raw)
        token = request.headers.get("opc-retry-token")
        now = self.emu.now()
        body_hash = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        tokens = self.state["retry_tokens"].setdefault(tenancy, {})
        for key in [k for k, v in tokens.items() if v["expires"] <= now]:
            del tokens[key]
        token_key = token if region == self.home else f"{region}:{token}"  # tokens are regional
        if token is not None:
            if not 1 <= len(token) <= 64:
                raise ApiError(400, "InvalidParameter", "opc-retry-token must be 1 to 64 characters")
            previous = tokens.get(token_key)
            if previous is not None:
                if previous["hash"] != body_hash:
                    raise ApiError(
                        409,
                        "InvalidatedRetryToken",
                        "The retry token was already used for a different request",
                    )
                img = self.state["images"][previous["image"]]
                return self.image_response(img, info, {"opc-work-request-id": previous["work_request"]})

        images.validate_create(body)
        images.reserved_name(body.get("displayName"), self.platform_names())
        self.own_compartment(tenancy, body["compartmentId"])
        if body.get("instanceId"):
            inst = self.state["instances"].get(body["instanceId"])
            if (
                inst is None
                or inst["_tenancy"] != tenancy
                or inst["lifecycleState"] == "TERMINATED"
                or not self.in_region(inst, region)
            ):
                raise ApiError.not_found()
            if inst["lifecycleState"] != "RUNNING":
                raise ApiError(
                    409,
                    "IncorrectState",
                    f"The instance is {inst['lifecycleState']}; an image needs a RUNNING instance",
                )
            source = self.state["images"].get(inst["imageId"], {})
            img = images.from_instance(self.emu, tenancy, body, inst, source, region)
        else:
            details = body["imageSourceDetails"]
            obj = self.resolve_import(tenancy, details, region)
            img = images.from_object(self.emu, tenancy, body, details, obj, region)
        self.state["images"][img["id"]] = img
        self.work_requests.add(
            img["_work_request"],
            operation="CreateImage" if body.get("instanceId") else "ImportImage",
            tenancy=tenancy,
            compartment=body["compartmentId"],
            region=region,
            image_id=img["id"],
            finishes_at=img["_ready_at"],
        )
        if token is not None:
            tokens[token_key] = {
                "hash": body_hash,
                "image": img["id"],
                "expires": now + 86400.0,
                "work_request": img["_work_request"],
            }
        self.emu.save()
        return self.image_response(img, info, {"opc-work-request-id": img["_work_request"]})

    def resolve_import(self, tenancy: str, details: dict[str, Any], region: str) -> dict[str, Any]:
        """The object an import reads: a tuple names an own bucket of this region; a URL may name
        another region's or tenancy's object through a pre-authenticated request."""
        storage = self.storage
        try:
            if details["sourceType"] == "objectStorageTuple":
                record = storage.own_bucket(tenancy, details["namespaceName"], details["bucketName"], region)
                return storage.ready_object(record, details["objectName"])
        except ApiError:
            raise ApiError.not_found() from None
        record, loc = storage.resolve_uri(tenancy, details["sourceUri"], region, READ_ACCESS)
        try:
            return storage.ready_object(record, loc.object)
        except ApiError:
            raise ApiError(
                400, "InvalidParameter", "sourceUri does not resolve to an object in Object Storage"
            ) from None

    async def get_image(self, request: Request, tenancy: str, _body: bytes) -> Response:
        img = self.visible_image(tenancy, request.path_params["image_id"], self.region(request))
        return self.image_response(img, call_info(request))

    async def list_images(self, request: Request, tenancy: str, _body: bytes) -> Response:
        query = request.query_params
        compartment = query.get("compartmentId")
        if not compartment:
            raise ApiError(400, "MissingParameter", "compartmentId is required")
        self.own_compartment(tenancy, compartment)
        region = self.region(request)
        records = {
            k: v
            for k, v in self.state["images"].items()
            if v["_tenancy"] is None or self.in_region(v, region)
        }
        page, next_page = images.list_page(records, compartment, query, self.emu.now(), self.emu.listed)
        headers = {"opc-next-page": next_page} if next_page else {}
        return json_response(page, call_info(request), headers=headers)

    def check_mutable(self, request: Request, img: dict[str, Any]) -> None:
        current = images.render(img, self.emu.now())
        wanted = request.headers.get("if-match")
        if wanted and wanted != images.etag(current):
            raise ApiError(412, "PreconditionFailed", "The if-match etag does not match the image's etag")
        if current["lifecycleState"] != "AVAILABLE":
            raise ApiError(409, "IncorrectState", f"The image is {current['lifecycleState']}")

    async def update_image(self, request: Request, tenancy: str, raw: bytes) -> Response:
        img = self.own_image(tenancy, request.path_params["image_id"], self.region(request))
        body = images.parse_json(raw)
        changes = images.validate_update(body)
        images.reserved_name(changes.get("displayName"), self.platform_names())
        self.check_mutable(request, img)
        img.update(changes)
        self.emu.save()
        return self.image_response(img, call_info(request))

    async def delete_image(self, request: Request, tenancy: str, _body: bytes) -> Response:
        img = self.own_image(tenancy, request.path_params["image_id"], self.region(request))
        self.check_mutable(request, img)
        img["_deleted_at"] = self.emu.now()
        self.emu.save()
        return Response(status_code=204, headers={"opc-request-id": call_info(request).request_id})

    # instances and objects -----------------------------------------------------------------------
    async def get_instance(self, request: Request, tenancy: str, _body: bytes) -> Response:
        inst = self.state["instances"].get(request.path_params["instance_id"])
        if inst is None or inst["_tenancy"] != tenancy or not self.in_region(inst, self.region(request)):
            raise ApiError.not_found()
        body = {k: v for k, v in inst.items() if not k.startswith("_")}
        return json_response(body, call_info(request), headers={"etag": images.etag(body)})


class OciPlugin:
    """The OCI cloud of the emulator (see :class:`imageops.emulator.core.CloudPlugin`)."""

    name = "oci"
    proxy_hosts = (r"(iaas|objectstorage|auth|identity)\.[a-z0-9-]+\.(oci\.)?oraclecloud\.com",)
    """The real hostnames proxy mode answers (see :mod:`imageops.emulator.proxy`)."""

    def __init__(self) -> None:
        self.config_file: str | None = None
        self.identity: oci_identity.Identity | None = None

    def route_path(self, emulator: Emulator, host: str, path: str) -> str:
        """Proxy mode: a real hostname names the region, served under its ``/r/<region>`` prefix (the
        home region under none), while the signed path stays as sent."""
        match = re.fullmatch(r"[a-z]+\.([a-z0-9-]+)\.(?:oci\.)?oraclecloud\.com", host.split(":")[0].lower())
        if match is None or match[1] == emulator.region or path.startswith("/r/"):
            return path
        return REGION_PREFIX.format(region=match[1]) + path

    def seed(self, emulator: Emulator) -> None:
        state = emulator.store.section("oci")
        if not state.get("demo"):
            seed_world(emulator, state)
        config = ensure_credentials(emulator, state)
        self.identity = oci_identity.Identity(emulator, state)
        oci_identity.write_session_profiles(self.identity, state, config)
        self.config_file = str(config)

    def routes(self, emulator: Emulator) -> list[Route]:
        assert self.identity is not None
        api = OciApi(emulator, self.identity)
        ep, st = api.endpoint, api.storage
        work = WorkRequestApi(api, api.work_requests)
        bucket = "/n/{namespace}/b/{bucket}"
        obj = bucket + "/o/{object:path}"
        table: list[tuple[str, Handler, str, str]] = [
            (f"{API}/images", ep(api.create_image), "POST", "CreateImage"),
            (f"{API}/images", ep(api.list_images), "GET", "ListImages"),
            (f"{API}/images/{{image_id}}", ep(api.get_image), "GET", "GetImage"),
            (f"{API}/images/{{image_id}}", ep(api.update_image), "PUT", "UpdateImage"),
            (f"{API}/images/{{image_id}}", ep(api.delete_image), "DELETE", "DeleteImage"),
            (f"{API}/images/{{image_id}}/actions/export", ep(st.export_image), "POST", "ExportImage"),
            (f"{API}/instances/{{instance_id}}", ep(api.get_instance), "GET", "GetInstance"),
            (f"{API}/workRequests", ep(work.list_work_requests), "GET", "ListWorkRequests"),
            (f"{WORK_REQUEST}", ep(work.get_work_request), "GET", "GetWorkRequest"),
            (f"{WORK_REQUEST}/errors", ep(work.list_errors), "GET", "ListWorkRequestErrors"),
            (f"{WORK_REQUEST}/logs", ep(work.list_logs), "GET", "ListWorkRequestLogs"),
            ("/n", ep(st.get_namespace), "GET", "GetNamespace"),
            ("/n/{namespace}/b", ep(st.create_bucket), "POST", "CreateBucket"),
            (bucket, ep(st.get_bucket), "GET", "GetBucket"),
            (bucket + "/o", ep(st.list_objects), "GET", "ListObjects"),
            (bucket + "/p", ep(st.create_par), "POST", "CreatePreauthenticatedRequest"),
            (bucket + "/p/{par_id}", ep(st.delete_par), "DELETE", "DeletePreauthenticatedRequest"),
            (obj, ep(st.get_object), "HEAD", "HeadObject"),
            (obj, ep(st.get_object), "GET", "GetObject"),
            (obj, ep(st.put_object, content_headers=False), "PUT", "PutObject"),
            (obj, ep(st.delete_object), "DELETE", "DeleteObject"),
        ]
        return [
            Route(prefix + path, handler, methods=[method], name=name)
            for prefix in ("", REGION_PREFIX)
            for path, handler, method, name in table
        ] + oci_identity.routes(self.identity)

    def fault_response(self, emulator: Emulator, kind: str, info: CallInfo) -> Response:
        if kind == "throttle":
            # At least 50 ms whatever the time scale: a client that ignores Retry-After and comes
            # back sooner shows in the call log's timestamps (tests/reliability checks them).
            return error_response(
                429,
                "TooManyRequests",
                "Too many requests for the tenancy",
                info,
                {"retry-after": decimal_string(max(emulator.scaled(1.0), 0.05))},
            )
        if kind == "unavailable":
            return error_response(503, "ServiceUnavailable", "The service is temporarily unavailable", info)
        return error_response(500, "InternalServerError", "An internal error occurred", info)

    def route_error(self, emulator: Emulator, status: int, info: CallInfo) -> Response:
        if status == 405:
            return error_response(405, "MethodNotAllowed", "The method is not allowed on this resource", info)
        return error_response(
            404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found.", info
        )

    def account_hint(self, headers: Any) -> str | None:
        try:
            key_id = parse_authorization(headers.get("authorization", "")).get("keyId", "")
            if key_id.startswith(oci_identity.TOKEN_PREFIX):  # never the token itself in the log
                return oci_identity.token_tenancy(key_id[len(oci_identity.TOKEN_PREFIX) :])
            return key_id.split("/")[0] or None
        except SignatureError:
            return None

    def env(self, emulator: Emulator, endpoint: str) -> dict[str, str]:
        state = emulator.store.section("oci")
        env = {
            "IMAGEOPS_OCI_ENDPOINT": endpoint,
            "IMAGEOPS_OCI_ENDPOINT_TEMPLATE": endpoint + REGION_PREFIX,
            "IMAGEOPS_OCI_REGIONS": ",".join(dict.fromkeys([emulator.region, *REGION_KEYS])),
            "IMAGEOPS_OCI_SECOND_REGION": (
                SECOND_REGION if emulator.region != SECOND_REGION else "us-phoenix-1"
            ),
            "IMAGEOPS_OCI_REGION": emulator.region,
            "IMAGEOPS_OCI_REGION_KEY": region_key(emulator.region),
            "IMAGEOPS_OCI_CONFIG_FILE": self.config_file or "",
            "IMAGEOPS_OCI_PROFILE": "DEFAULT",
            "IMAGEOPS_OCI_OTHER_PROFILE": "OTHER",
            "IMAGEOPS_OCI_PLATFORM_IMAGE_ID": next(
                i for i, img in state["images"].items() if img["_tenancy"] is None
            ),
            **(oci_identity.env(self.identity, endpoint) if self.identity is not None else {}),
        }
        for profile, prefix in (("DEFAULT", "IMAGEOPS_OCI_"), ("OTHER", "IMAGEOPS_OCI_OTHER_")):
            demo = state["demo"][profile]
            uri = (
                f"{endpoint}/n/{quote(demo['namespace'], safe='')}/b/{quote(demo['bucket'], safe='')}"
                f"/o/{quote(demo['object'], safe='')}"
            )
            env.update(
                {
                    f"{prefix}TENANCY_ID": demo["tenancy"],
                    f"{prefix}USER_ID": demo["user"],
                    f"{prefix}COMPARTMENT_ID": demo["compartment"],
                    f"{prefix}INSTANCE_ID": demo["instance"],
                    f"{prefix}STOPPED_INSTANCE_ID": demo["stopped_instance"],
                    f"{prefix}TERMINATED_INSTANCE_ID": demo["terminated_instance"],
                    f"{prefix}NAMESPACE": demo["namespace"],
                    f"{prefix}BUCKET": demo["bucket"],
                    f"{prefix}OBJECT": demo["object"],
                    f"{prefix}CORRUPT_OBJECT": demo.get("corrupt_object", ""),
                    f"{prefix}OBJECT_URI": uri,
                }
            )
        return env


def plugin() -> OciPlugin:
    return OciPlugin()
