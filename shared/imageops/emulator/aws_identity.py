"""AWS sign-in behind the emulator: STS (served by moto) and the instance metadata service (IMDSv2).

**STS.** A request to the AWS endpoint whose SigV4 credential scope names service ``sts`` (botocore's
STS client pointed there by ``AWS_ENDPOINT_URL_STS``, the emulator writes it, or a profile's
``endpoint_url``) is checked like an EC2 one (the demo accounts' keys, and every key handed out here)
and answered by moto's STS app (``create_backend_app("sts")``) under the signer's account. AssumeRole
is allowed into a role of any demo account (moto does not check that the role exists or trusts the
caller, nor does the emulator: there is no IAM here); an ARN of another account is refused with
``AccessDenied``. The temporary key moto answers becomes a key of the role's account, so the calls made
with it are logged, and see AMIs, as that account's. GetCallerIdentity is moto's (the assumed role's
ARN for its keys).

**SSO.** ``GET /federation/credentials`` is the SSO portal's GetRoleCredentials
(``AWS_ENDPOINT_URL_SSO``): see :class:`SsoPortal`.

**IMDSv2.** Under ``/imds`` (``AWS_EC2_METADATA_SERVICE_ENDPOINT={endpoint}/imds``), as on the demo
instance of the DEFAULT account:

* ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds`` (1-21600): a session
  token; every other call must carry it in ``X-aws-ec2-metadata-token`` (401 without or when expired:
  the instance requires IMDSv2, ``HttpTokens=required``);
* ``GET /latest/meta-data/iam/security-credentials/``: the instance role's name (:data:`ROLE`);
* ``GET /latest/meta-data/iam/security-credentials/<role>``: its temporary key (``Code``,
  ``LastUpdated``, ``Type`` ``AWS-HMAC``, ``AccessKeyId``, ``SecretAccessKey``, ``Token``,
  ``Expiration``), issued again when less than half its life is left, as the service rotates it.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from imageops.emulator.core import Emulator, call_info
from imageops.emulator.metadata_tokens import MetadataTokens

ROLE = "imageops-demo-instance-role"
"""The role of the DEFAULT account's demo instance."""
ROLE_LIFETIME = 6 * 3600.0
"""Seconds an instance role's key lives (as on EC2)."""
TOKEN_HEADER = "x-aws-ec2-metadata-token"
TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds"
CREDENTIALS = "/imds/latest/meta-data/iam/security-credentials/"
STS_ACTIONS = ("AssumeRole", "GetCallerIdentity")
"""The STS actions imageops's sign-in uses (moto serves the rest of STS too; docs/emulator.md W4)."""
STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/")


def sts_error(code: str, message: str, status: int, request_id: str) -> Response:
    kind = "Sender" if status < 500 else "Receiver"
    return Response(
        f'<ErrorResponse xmlns="{STS_XMLNS}"><Error><Type>{kind}</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        status,
        media_type="text/xml",
    )


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Sts:
    """moto's STS app, made on the first STS request; the keys it hands out join ``keys``."""

    def __init__(self, plugin: Any, emu: Emulator) -> None:
        self.plugin = plugin  # its keys: the demo accounts' and every key handed out
        self.emu = emu
        self._client: Any = None

    @property
    def accounts(self) -> set[str]:
        return {demo["account"] for demo in self.emu.store.section("aws")["demo"].values()}

    def handle(
        self, account: str, params: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, str]:
        if params.get("Action") == "AssumeRole":
            match = _ROLE_ARN.match(params.get("RoleArn", ""))
            if match is None or match.group(1) not in self.accounts:
                raise PermissionError(
                    f"User: arn:aws:iam::{account}:user/imageops is not authorized to perform: "
                    f"sts:AssumeRole on resource: {params.get('RoleArn', '')}"
                )
        if self._client is None:
            from moto.moto_server.werkzeug_app import create_backend_app
            from werkzeug.test import Client

            self._client = Client(create_backend_app("sts"))
        sent = {k: v for k, v in headers.items() if k in ("authorization", "content-type", "x-amz-date")}
        sent["x-moto-account-id"] = account
        response = self._client.post("/", data=body, headers=sent)
        content = response.get_data(as_text=True)
        if params.get("Action") == "AssumeRole" and response.status_code == 200:
            found = {
                name: re.search(rf"<{name}>([^<]+)</{name}>", content)
                for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")
            }
            if all(found.values()):
                self.plugin.keys[found["AccessKeyId"].group(1)] = {  # type: ignore[union-attr]
                    "secret": found["SecretAccessKey"].group(1),  # type: ignore[union-attr]
                    "token": found["SessionToken"].group(1),  # type: ignore[union-attr]
                    "account": match.group(1),  # type: ignore[union-attr]
                    "role_arn": params["RoleArn"],
                }
        return response.status_code, content


class InstanceMetadata:
    """The IMDSv2 of the DEFAULT account's demo instance (see the module doc)."""

    def __init__(self, emu: Emulator, plugin: Any) -> None:
        self.emu = emu
        self.plugin = plugin  # its keys: the demo accounts' and every key handed out
        self.tokens = MetadataTokens(
            emu, ttl_header=TTL_HEADER, token_header=TOKEN_HEADER, scaled=False, echo_ttl=True
        )
        self.issued: tuple[str, float, float] | None = None  # key id, issued at, expires at

    @property
    def account(self) -> str:
        return str(self.emu.store.section("aws")["demo"]["DEFAULT"]["account"])

    def _refused(self, request: Request) -> Response | None:
        call_info(request).account = self.account
        return self.tokens.refused(request, required=True)  # HttpTokens=required: IMDSv2 only

    async def token(self, request: Request) -> Response:
        call_info(request).account = self.account
        return self.tokens.issue(request)

    async def role_name(self, request: Request) -> Response:
        return self._refused(request) or PlainTextResponse(ROLE)

    async def credentials(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if request.path_params["role"] != ROLE:
            return PlainTextResponse("Not Found", 404)
        now = self.emu.now()
        if self.issued is None or now > self.issued[1] + (self.issued[2] - self.issued[1]) / 2:
            key = "ASIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))
            self.plugin.keys[key] = {
                "secret": secrets.token_urlsafe(30)[:40],
                "token": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(135),
                "account": self.account,
                "role_arn": f"arn:aws:iam::{self.account}:role/{ROLE}",
            }
            self.issued = (key, now, now + ROLE_LIFETIME)
        key, issued_at, expires_at = self.issued
        record = self.plugin.keys[key]
        body = {
            "Code": "Success",
            "LastUpdated": _iso(issued_at),
            "Type": "AWS-HMAC",
            "AccessKeyId": key,
            "SecretAccessKey": record["secret"],
            "Token": record["token"],
            "Expiration": _iso(expires_at),
        }
        return Response(json.dumps(body, indent=2), media_type="text/plain")


class SsoPortal:
    """The SSO portal's GetRoleCredentials (``GET /federation/credentials``, the bearer token of
    ``aws sso login`` in ``x-amz-sso_bearer_token``): the env file's ``IMAGEOPS_AWS_SSO_ACCESS_TOKEN``
    stands for a login to the emulator's identity center, whose users may take any role name in
    either demo account."""

    def __init__(self, emu: Emulator, plugin: Any) -> None:
        self.emu = emu
        self.plugin = plugin

    @staticmethod
    def _error(kind: str, message: str, status: int) -> Response:
        return Response(
            json.dumps({"message": message}),
            status,
            media_type="application/json",
            headers={"x-amzn-ErrorType": kind},
        )

    async def credentials(self, request: Request) -> Response:
        state = self.emu.store.section("aws")
        token = request.headers.get("x-amz-sso_bearer_token", "")
        if not state.get("sso_token") or not secrets.compare_digest(token, state["sso_token"]):
            return self._error("UnauthorizedException", "Session token not found or invalid", 401)
        account = request.query_params.get("account_id", "")
        role = request.query_params.get("role_name", "")
        if account not in {demo["account"] for demo in state["demo"].values()} or not role:
            return self._error("ForbiddenException", "No access", 403)
        call_info(request).account = account
        key = "ASIA" + "".join(secrets.choice(string.ascii_uppercase + "234567") for _ in range(16))
        record = {
            "secret": secrets.token_urlsafe(30)[:40],
            "token": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(135),
            "account": account,
            "role_arn": f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_{role}",
        }
        self.plugin.keys[key] = record
        expires = self.emu.now() + 3600
        body = {
            "roleCredentials": {
                "accessKeyId": key,
                "secretAccessKey": record["secret"],
                "sessionToken": record["token"],
                "expiration": int(expires * 1000),
            }
        }
        return Response(json.dumps(body), media_type="application/json")


def metadata_routes(service: InstanceMetadata, portal: SsoPortal | None = None) -> list[Route]:
    sso = (
        []
        if portal is None
        else [
            Route("/federation/credentials", portal.credentials, methods=["GET"], name="GetRoleCredentials")
        ]
    )
    return [
        *sso,
        Route("/imds/latest/api/token", service.token, methods=["PUT"], name="GetMetadataToken"),
        Route(CREDENTIALS, service.role_name, methods=["GET"], name="GetInstanceRoleName"),
        Route(
            CREDENTIALS + "{role}", service.credentials, methods=["GET"], name="GetInstanceRoleCredentials"
        ),
    ]
