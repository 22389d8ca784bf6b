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

**Web identity.** AssumeRoleWithWebIdentity is sent unsigned (botocore's web identity provider:
``AWS_ROLE_ARN`` + ``AWS_WEB_IDENTITY_TOKEN_FILE``, or a profile's ``role_arn`` +
``web_identity_token_file``), so the EC2 route hands it here by its ``Action`` (no EC2 action has that
name). The token must be one the emulator's OIDC issuer signed (``GET /oidc/token?audience=...``, see
:class:`OidcIssuer`: it stands for GitHub Actions' token service or a projected Kubernetes service
account token) for the audience ``sts.amazonaws.com`` and not expired; else STS's own errors
(``InvalidIdentityToken`` 400, ``ExpiredTokenException`` 400), whose messages never carry the token.
The role, as for AssumeRole, must be in a demo account (else ``AccessDenied`` 403); moto's answer is
made under the role's account and its key becomes that account's.

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

import base64
import hashlib
import hmac
import json
import re
import secrets
import string
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from imageops.emulator.core import CallInfo, Emulator, call_info
from imageops.emulator.metadata_tokens import MetadataTokens

ROLE = "imageops-demo-instance-role"
"""The role of the DEFAULT account's demo instance."""
ROLE_LIFETIME = 6 * 3600.0
"""Seconds an instance role's key lives (as on EC2)."""
TOKEN_HEADER = "x-aws-ec2-metadata-token"
TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds"
CREDENTIALS = "/imds/latest/meta-data/iam/security-credentials/"
STS_ACTIONS = ("AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity")
"""The STS actions imageops's sign-in uses (moto serves the rest of STS too; docs/emulator.md W4)."""
UNSIGNED_STS_ACTIONS = ("AssumeRoleWithWebIdentity",)
"""STS actions botocore sends unsigned: the EC2 route hands them to :meth:`Sts.unsigned` by name."""
WEB_IDENTITY_AUDIENCE = "sts.amazonaws.com"
"""The audience STS requires of a web identity token (GitHub Actions' and EKS IRSA's)."""
TOKEN_LIFETIME = 3600.0
"""Seconds a web identity token of the emulator's OIDC issuer lives (at most)."""
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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenRefused(Exception):
    """A web identity token STS refuses: ``code`` and a message that never carries the token."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class OidcIssuer:
    """The emulator's OpenID Connect provider: ``GET /oidc/token`` answers ``{"value": <JWT>}`` (as
    GitHub Actions' ``ACTIONS_ID_TOKEN_REQUEST_URL`` does) for ``audience`` (default
    :data:`WEB_IDENTITY_AUDIENCE`), ``subject`` (default a GitHub Actions workflow's) and
    ``ttl`` seconds (1-3600). The JWT is signed with HS256 and a key kept in the AWS state (a real
    provider signs with RS256 and publishes its keys; STS here trusts only this issuer)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def _key(self) -> bytes:
        state = self.emu.store.section("aws")
        if not state.get("oidc_key"):
            state["oidc_key"] = secrets.token_hex(32)
        return bytes.fromhex(state["oidc_key"])

    def mint(self, issuer: str, audience: str, subject: str, ttl: float = TOKEN_LIFETIME) -> str:
        now = self.emu.now()
        header = {"alg": "HS256", "typ": "JWT", "kid": "imageops-emulator"}
        claims = {
            "iss": issuer,
            "sub": subject,
            "aud": audience,
            "iat": int(now),
            "nbf": int(now),
            "exp": int(now + ttl),
            "jti": secrets.token_hex(8),
        }
        signed = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        signature = hmac.new(self._key(), signed.encode("ascii"), hashlib.sha256).digest()
        return signed + "." + _b64(signature)

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        """The token's claims, or :class:`TokenRefused` (messages as STS words them)."""
        parts = token.strip().split(".")
        try:
            if len(parts) != 3:
                raise ValueError
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
            signature = _unb64(parts[2])
            if not isinstance(header, dict) or not isinstance(claims, dict):
                raise ValueError
        except ValueError:
            raise TokenRefused("InvalidIdentityToken", "The ID Token provided is not a valid JWT.") from None
        expected = hmac.new(self._key(), f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
        if header.get("alg") != "HS256" or not hmac.compare_digest(signature, expected):
            raise TokenRefused(
                "InvalidIdentityToken",
                "The web identity token's signature could not be verified: it was not issued by an "
                "OpenID Connect provider of this account (the emulator's issuer, GET /oidc/token).",
            )
        audiences = claims.get("aud")
        if audience not in (audiences if isinstance(audiences, list) else [audiences]):
            raise TokenRefused("InvalidIdentityToken", "Incorrect token audience")
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= self.emu.now():
            raise TokenRefused(
                "ExpiredTokenException", "Token expired: the web identity token's exp has passed"
            )
        return claims

    async def token(self, request: Request) -> Response:
        audience = request.query_params.get("audience") or WEB_IDENTITY_AUDIENCE
        subject = request.query_params.get("subject") or "repo:imageops/imageops:ref:refs/heads/main"
        try:
            ttl = float(request.query_params.get("ttl") or TOKEN_LIFETIME)
        except ValueError:
            ttl = 0.0
        if not 1 <= ttl <= TOKEN_LIFETIME:
            return Response(
                json.dumps({"message": "ttl must be 1-3600 seconds"}), 400, media_type="application/json"
            )
        issuer = str(request.base_url).rstrip("/") + "/oidc"
        value = self.mint(issuer, audience, subject, ttl)
        return Response(json.dumps({"value": value}), media_type="application/json")


class Sts:
    """moto's STS app, made on the first STS request; the keys it hands out join ``keys``."""

    def __init__(self, plugin: Any, emu: Emulator) -> None:
        self.plugin = plugin  # its keys: the demo accounts' and every key handed out
        self.emu = emu
        self._client: Any = None
        self.issuer = OidcIssuer(emu)

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
        status, content = self._moto(account, headers, body)
        if params.get("Action") == "AssumeRole" and status == 200:
            self._keep(content, match.group(1), params["RoleArn"])  # type: ignore[union-attr]
        return status, content

    def _moto(self, account: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        if self._client is None:
            from moto.moto_server.werkzeug_app import create_backend_app
            from werkzeug.test import Client

            self._client = Client(create_backend_app("sts"))
        sent = {k: v for k, v in headers.items() if k in ("authorization", "content-type", "x-amz-date")}
        sent["x-moto-account-id"] = account
        response = self._client.post("/", data=body, headers=sent)
        return response.status_code, response.get_data(as_text=True)

    def _keep(self, content: str, account: str, role_arn: str) -> None:
        """The temporary key in moto's answer becomes a key of ``account`` (EC2 accepts it)."""
        found = {
            name: re.search(rf"<{name}>([^<]+)</{name}>", content)
            for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")
        }
        if all(found.values()):
            self.plugin.keys[found["AccessKeyId"].group(1)] = {  # type: ignore[union-attr]
                "secret": found["SecretAccessKey"].group(1),  # type: ignore[union-attr]
                "token": found["SessionToken"].group(1),  # type: ignore[union-attr]
                "account": account,
                "role_arn": role_arn,
            }

    def unsigned(
        self, info: CallInfo, params: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response:
        """AssumeRoleWithWebIdentity (botocore sends it unsigned): see the module doc."""
        from imageops.emulator.aws import request_id  # aws imports this module on its first request

        for name in ("RoleArn", "RoleSessionName", "WebIdentityToken"):
            if not params.get(name):
                return sts_error(
                    "MissingParameter",
                    f"The request must contain the parameter {name}",
                    400,
                    request_id(info),
                )
        try:
            claims = self.issuer.verify(params["WebIdentityToken"], WEB_IDENTITY_AUDIENCE)
        except TokenRefused as exc:
            return sts_error(exc.code, exc.message, 400, request_id(info))
        role_arn = params["RoleArn"]
        match = _ROLE_ARN.match(role_arn)
        if match is None or match.group(1) not in self.accounts:
            return sts_error(
                "AccessDenied",
                "Not authorized to perform sts:AssumeRoleWithWebIdentity",
                403,
                request_id(info),
            )
        info.account = match.group(1)
        status, content = self._moto(info.account, headers, body)
        if status == 200:
            self._keep(content, info.account, role_arn)
            subject = re.sub(r"[<>&]", "", str(claims.get("sub", "")))
            content = content.replace(
                "<AssumedRoleUser>",
                f"<SubjectFromWebIdentityToken>{subject}</SubjectFromWebIdentityToken>"
                f"<Audience>{WEB_IDENTITY_AUDIENCE}</Audience><AssumedRoleUser>",
                1,
            )
        return Response(content, status, media_type="text/xml")


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
    issuer = OidcIssuer(service.emu)
    sso = (
        []
        if portal is None
        else [
            Route("/federation/credentials", portal.credentials, methods=["GET"], name="GetRoleCredentials")
        ]
    )
    return [
        *sso,
        Route("/oidc/token", issuer.token, methods=["GET"], name="IssueWebIdentityToken"),
        Route("/imds/latest/api/token", service.token, methods=["PUT"], name="GetMetadataToken"),
        Route(CREDENTIALS, service.role_name, methods=["GET"], name="GetInstanceRoleName"),
        Route(
            CREDENTIALS + "{role}", service.credentials, methods=["GET"], name="GetInstanceRoleCredentials"
        ),
    ]
