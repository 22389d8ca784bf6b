"""The ECS instance metadata service of the Alibaba Cloud emulator, served under the emulator's
endpoint as the real one is under ``http://100.100.100.200``: for the demo instance of the MAIN
account at the root, for any demo instance under ``/ecs-instance/<instance id>`` (OTHER's has a role
of its own), each with:

* ``PUT /latest/api/token`` with ``X-aliyun-ecs-metadata-token-ttl-seconds`` (1-21600): an IMDSv2
  token, sent back as ``X-aliyun-ecs-metadata-token``; a wrong or expired one is refused with 401;
* ``GET /latest/meta-data/ram/security-credentials/``: the name of the instance's RAM role;
* ``GET /latest/meta-data/ram/security-credentials/<role>``: its temporary key, as the service
  answers it (``Code: Success``, ``Expiration``...), issued again when less than half its life is left,
  as the real service rotates it ahead of expiry.

Text answers are ``text/plain``, and an unknown role is a plain 404, as on an instance.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from imageops.emulator.alicloud_sts import issue_key
from imageops.emulator.core import Emulator, call_info, iso_ms
from imageops.emulator.metadata_tokens import MetadataTokens

TOKEN_HEADER = "x-aliyun-ecs-metadata-token"
TTL_HEADER = "x-aliyun-ecs-metadata-token-ttl-seconds"
ROLE_LIFETIME = 3600.0
"""Seconds (of the real service, scaled) an instance role's key lives."""
CREDENTIALS = "/latest/meta-data/ram/security-credentials/"


class MetadataService:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.state: dict[str, Any] = emu.store.section("alicloud")
        self.tokens = MetadataTokens(
            emu, ttl_header=TTL_HEADER, token_header=TOKEN_HEADER, scaled=True, echo_ttl=False
        )

    def _instance_role(self, request: Request) -> dict[str, Any] | None:
        """The RAM role attached to the instance the request's path names (MAIN's at the root)."""
        instance = request.path_params.get("instance", self.state["demo"]["MAIN"]["instance"])
        demo = next((d for d in self.state["demo"].values() if d["instance"] == instance), None)
        if demo is None:
            return None
        call_info(request).account = demo["account"]  # the call log shows whose instance asked
        if not demo.get("ecs_role"):
            return None
        wanted = (demo["account"], demo["ecs_role"])
        return next(
            (r for r in self.state["roles"].values() if (r["account"], r["RoleName"]) == wanted), None
        )

    async def token(self, request: Request) -> Response:
        self._instance_role(request)  # for the call log's account
        return self.tokens.issue(request)

    async def role_name(self, request: Request) -> Response:
        refused = self.tokens.refused(request, required=False)
        if refused is not None:
            return refused
        role = self._instance_role(request)
        if role is None:
            return PlainTextResponse("Not Found", 404)
        return PlainTextResponse(role["RoleName"])

    async def credentials(self, request: Request) -> Response:
        refused = self.tokens.refused(request, required=False)
        if refused is not None:
            return refused
        role = self._instance_role(request)
        if role is None or request.path_params["role"] != role["RoleName"]:
            return PlainTextResponse("Not Found", 404)
        now = self.emu.now()
        held = self.state.setdefault("instance_keys", {}).get(role["Arn"])
        record = self.state["keys"].get(held["AccessKeyId"]) if held else None
        if record is None or record["expires"] - now < self.emu.scaled(ROLE_LIFETIME) / 2:
            held = issue_key(self.emu, self.state, role, "ecs-instance", ROLE_LIFETIME)
            self.state["keys"][held["AccessKeyId"]]["ecs"] = True
            self.state["instance_keys"][role["Arn"]] = {**held, "LastUpdated": iso_ms(now)[:19] + "Z"}
            self.emu.save()
        body = {"Code": "Success", **self.state["instance_keys"][role["Arn"]]}
        return Response(json.dumps(body, indent=2), media_type="text/plain")


def routes(emu: Emulator) -> list[Route]:
    service = MetadataService(emu)
    return [
        route
        for prefix in ("", "/ecs-instance/{instance}")
        for route in (
            Route(f"{prefix}/latest/api/token", service.token, methods=["PUT"], name="GetMetadataToken"),
            Route(f"{prefix}{CREDENTIALS}", service.role_name, methods=["GET"], name="GetEcsRamRoleName"),
            Route(
                f"{prefix}{CREDENTIALS}{{role}}",
                service.credentials,
                methods=["GET"],
                name="GetEcsRamRoleCredentials",
            ),
        )
    ]
