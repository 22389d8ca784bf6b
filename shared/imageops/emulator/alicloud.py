"""The Alibaba Cloud part of the emulator: the ECS RPC API (Version 2014-05-26) for custom images and
the instances, snapshots, resource groups, tasks and OSS objects they come from.

One path (``/``), GET or POST, parameters in the query or a form body, JSON answers; the action is
the ``Action`` parameter (RPC v1 signature) or the ``x-acs-action`` header (ACS3). Every request is
signed and verified (:mod:`imageops.emulator.alicloud_auth`); errors are ECS's
``{RequestId, HostId, Code, Message, Recommend}`` with the real codes.

Beside ECS, on the same port: STS (``/sts``: ``AssumeRole``, ``GetCallerIdentity``, see
:mod:`imageops.emulator.alicloud_sts`) and the instance metadata service of MAIN's demo instance
(``/latest/...``, see :mod:`imageops.emulator.alicloud_metadata`). A temporary key is refused once
expired (``InvalidSecurityToken.Expired``), with a forged token
(``InvalidSecurityToken.MismatchWithAccessKey``), and for actions its role does not allow
(``Forbidden.RAM``); its calls are logged under the role's account, as ``AssumeRole`` itself is
(a refused one under the caller's), and metadata calls under the account of the instance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from imageops.emulator import alicloud_actions as actions
from imageops.emulator import alicloud_metadata, alicloud_sts
from imageops.emulator.alicloud_auth import AuthFailure, Key, NonceBook, verify_acs3, verify_rpc
from imageops.emulator.alicloud_images import EcsError
from imageops.emulator.alicloud_seed import env_lines, seed_roles, seed_system_images, seed_world
from imageops.emulator.alicloud_sts import StsError
from imageops.emulator.core import CallInfo, Emulator, call_info

VERSION = "2014-05-26"
HOST_ID = "ecs.aliyuncs.com"
# Parameters of the protocol rather than of the call: not part of a ClientToken's request identity.
COMMON = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "AccessKeyId",
        "Signature",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "SignatureType",
        "Timestamp",
        "SecurityToken",
        "ClientToken",
        "RegionId",
    }
)


def error_body(code: str, message: str, info: CallInfo) -> dict[str, str]:
    return {
        "RequestId": info.request_id,
        "HostId": HOST_ID,
        "Code": code,
        "Message": message,
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}&product=Ecs&requestId={info.request_id}",
    }


def error_response(status: int, code: str, message: str, info: CallInfo) -> Response:
    return JSONResponse(
        error_body(code, message, info), status, headers={"x-acs-request-id": info.request_id}
    )


class EcsApi:
    """Request plumbing over the ``alicloud`` section: parameters, auth, ClientToken, dispatch."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.state: dict[str, Any] = emu.store.section("alicloud")
        self.nonces = NonceBook()

    def lookup(self, key_id: str) -> Key | None:
        record = self.state["keys"].get(key_id)
        if record is None:
            return None
        return Key(key_id, record["secret"], record["account"], record.get("token"))

    async def _params(self, request: Request, body: bytes) -> dict[str, str]:
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded") and body:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params

    def authenticate(self, request: Request, params: dict[str, str], body: bytes) -> Key:
        key = self._verify(request, params, body)
        alicloud_sts.check_expiry(key, self.state["keys"].get(key.access_key_id), self.emu.now())
        return key

    def _verify(self, request: Request, params: dict[str, str], body: bytes) -> Key:
        headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        if headers.get("authorization", [""])[0].startswith("ACS3-"):
            query = parse_qsl(request.url.query, keep_blank_values=True)
            return verify_acs3(
                request.method,
                request.url.path,
                query,
                headers,
                body,
                self.lookup,
                self.nonces,
                self.emu.now(),
            )
        return verify_rpc(request.method, params, self.lookup, self.nonces, self.emu.now())

    def idempotent(
        self, account: str, action: str, params: dict[str, str], run: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """ClientToken semantics: the same token and parameters answer the first result again."""
        token = params.get("ClientToken")
        if not token:
            return run()
        if len(token) > 64 or not token.isascii():
            raise EcsError(400, "InvalidClientToken.Malformed", "The specified ClientToken is not valid.")
        identity = {k: v for k, v in params.items() if k not in COMMON}
        identity["RegionId"] = params.get("RegionId", "")
        digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
        book = self.state["tokens"].setdefault(f"{account}/{action}", {})
        previous = book.get(token)
        if previous is not None:
            if previous["hash"] != digest:
                raise EcsError(
                    400,
                    "IdempotentParameterMismatch",
                    "Request uses a client token in a previous request but is not identical to that request.",
                )
            return dict(previous["result"])
        result = run()
        book[token] = {"hash": digest, "result": result}
        return result

    async def handle(self, request: Request) -> Response:
        info = call_info(request)
        body = await request.body()
        try:
            params = await self._params(request, body)
            action = request.headers.get("x-acs-action") or params.get("Action", "")
            info.action = action or info.action
            key = self.authenticate(request, params, body)
            info.account = key.account
            version = request.headers.get("x-acs-version") or params.get("Version", "")
            if version != VERSION:
                raise EcsError(400, "InvalidVersion", "Specified parameter Version is not valid.")
            handler = actions.HANDLERS.get(action)
            if handler is None:
                raise EcsError(
                    404,
                    "InvalidAction.NotFound",
                    "Specified api is not found, please check your url and method.",
                )
            alicloud_sts.authorize(key, self.state["keys"].get(key.access_key_id), action)
            result = handler(self, key.account, params)
            if not action.startswith("Describe"):  # reads change nothing: no state file rewrite
                self.emu.save()
        except (AuthFailure, EcsError) as exc:
            return error_response(exc.status, exc.code, exc.message, info)
        return JSONResponse(
            {"RequestId": info.request_id, **result}, headers={"x-acs-request-id": info.request_id}
        )

    async def handle_sts(self, request: Request) -> Response:
        """STS (Version 2015-04-01): RPC-signed like ECS, its own host id in errors."""
        info = call_info(request)
        body = await request.body()
        try:
            params = await self._params(request, body)
            action = params.get("Action", "")
            info.action = action or info.action
            key = self.authenticate(request, params, body)
            info.account = key.account
            if params.get("Version") != alicloud_sts.STS_VERSION:
                raise StsError(400, "InvalidVersion", "Specified parameter Version is not valid.")
            if action == "AssumeRole":
                result = alicloud_sts.assume_role(self.emu, self.state, key, params)
                # Logged in the account whose role was assumed: where the session's calls will land.
                info.account = result["AssumedRoleUser"]["Arn"].split(":")[3]
                self.emu.save()
            elif action == "GetCallerIdentity":
                result = alicloud_sts.caller_identity(self.state, key)
            else:
                raise StsError(
                    404,
                    "InvalidAction.NotFound",
                    "Specified api is not found, please check your url and method.",
                )
        except (AuthFailure, StsError) as exc:
            error = {**error_body(exc.code, exc.message, info), "HostId": alicloud_sts.STS_HOST_ID}
            return JSONResponse(error, exc.status, headers={"x-acs-request-id": info.request_id})
        return JSONResponse(
            {"RequestId": info.request_id, **result}, headers={"x-acs-request-id": info.request_id}
        )


Handler = Callable[[Request], Awaitable[Response]]


class AlicloudPlugin:
    """The Alibaba Cloud of the emulator (see :class:`imageops.emulator.core.CloudPlugin`)."""

    name = "alicloud"
    proxy_hosts = (r"ecs(-[a-z0-9-]+)?\.aliyuncs\.com", r"ecs\.[a-z0-9-]+\.aliyuncs\.com")
    """The real hostnames proxy mode answers (see :mod:`imageops.emulator.proxy`)."""

    def __init__(self) -> None:
        self._keys: dict[str, Any] = {}

    def seed(self, emulator: Emulator) -> None:
        state = emulator.store.section("alicloud")
        if not state.get("demo"):
            seed_world(emulator, state)
        seed_roles(state)
        seed_system_images(state)
        self._keys = state["keys"]

    def routes(self, emulator: Emulator) -> list[Route]:
        api = EcsApi(emulator)
        return [
            Route("/", api.handle, methods=["GET", "POST"], name="ECS"),
            Route("/sts", api.handle_sts, methods=["GET", "POST"], name="STS"),
            *alicloud_metadata.routes(emulator),
        ]

    def action_hint(self, scope: dict[str, Any], headers: dict[str, str], body: bytes | None) -> str | None:
        """The action as ``EcsApi.handle`` reads it: the ``x-acs-action`` header (ACS3), else the
        ``Action`` of the query and a form body (RPC over POST), so that a call answered by an
        injected fault is logged with it too (and counted as the read or write it is)."""
        if headers.get("x-acs-action"):
            return headers["x-acs-action"]
        params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded") and body:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params.get("Action")

    def fault_response(self, emulator: Emulator, kind: str, info: CallInfo) -> Response:
        if kind == "throttle":
            return error_response(400, "Throttling", "Request was denied due to request throttling.", info)
        if kind == "unavailable":
            return error_response(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
                info,
            )
        return error_response(
            500, "InternalError", "The request processing has failed due to some unknown error.", info
        )

    def route_error(self, emulator: Emulator, status: int, info: CallInfo) -> Response:
        return error_response(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
            info,
        )

    def account_hint(self, headers: Any) -> str | None:
        """The account of an ACS3 request's access key (RPC requests carry theirs in the query)."""
        auth = headers.get("authorization", "")
        key_id = auth.split("Credential=", 1)[1].split(",", 1)[0] if "Credential=" in auth else ""
        return (self._keys.get(key_id) or {}).get("account")

    def env(self, emulator: Emulator, endpoint: str) -> dict[str, str]:
        return env_lines(emulator.store.section("alicloud"), endpoint)


def plugin() -> AlicloudPlugin:
    return AlicloudPlugin()
