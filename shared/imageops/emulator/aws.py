"""The AWS part of the emulator: EC2 served by moto (an emulator nobody here wrote, our external
oracle), mounted inside our app so that the call log, fault injection, latency and kill tests wrap it
like every other cloud.

Each request is ``POST /`` in the EC2 Query protocol. The plugin checks its SigV4 signature (service
``ec2``, any region, the demo accounts' keys; botocore recomputes it), records the action and account
in the call log, and hands the request to moto's WSGI app for EC2 with ``x-moto-account-id`` set to
the signer's account, so accounts stay apart. Where moto is wrong about AWS, :mod:`.aws_shim` fixes
it (and says which upstream issue each fix stands for).

moto is imported on the first EC2 request, not at start (its import costs about two seconds, which
the other clouds' tests should not pay); the demo instance and snapshot get the ids written to the env
file then. moto keeps its state in memory; the shim saves each backend a call changed to the state
file and puts it back after a restart, so AMIs survive a restart (even a kill -9) as the demo
accounts, keys and ids do, and ``aws.images`` in the state file indexes every AMI ever made
(deregistered ones as tombstones).
"""

from __future__ import annotations

import re
import secrets
import string
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from imageops.emulator.core import CallInfo, Emulator, call_info

REGION = "us-east-1"
"""Where the demo instances and snapshots are (moto serves every region)."""
OTHER_REGION = "us-west-2"
REGIONS = (REGION, OTHER_REGION, "eu-west-1", "ap-southeast-2")
"""Regions the examples and tests use (moto serves any region name)."""
PROFILES = ("DEFAULT", "OTHER")
CLI_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "IMAGEOPS_AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY": "IMAGEOPS_AWS_SECRET_ACCESS_KEY",
    "AWS_REGION": "IMAGEOPS_AWS_REGION",
}
"""The demo account as the AWS CLI's variables (:func:`imageops.emulator.testing.cli_environment`)."""
IMAGE_ACTIONS = (
    "CreateImage",
    "RegisterImage",
    "CopyImage",
    "DescribeImages",
    "DescribeImageAttribute",
    "ModifyImageAttribute",
    "EnableImageDeprecation",
    "DisableImageDeprecation",
    "DeregisterImage",
    "CreateTags",
    "DeleteTags",
    "DescribeSnapshots",
    "DeleteSnapshot",
    "ImportImage",
)
"""The EC2 actions of images (and the resources they come from) that imageops calls or that users of
images expect; moto serves the rest of EC2 too, unchecked. docs/emulator.md has a row for each."""
MAX_SKEW_SECONDS = 15 * 60
XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)"
    r"/(?P<service>[^/,\s]+)"
    r"/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]{64})$"
)


class Ec2Error(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def error_xml(code: str, message: str, request_id: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
        f"<Code>{code}</Code><Message>{_escape(message)}</Message></Error></Errors>"
        f"<RequestID>{request_id}</RequestID></Response>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def request_id(info: CallInfo) -> str:
    raw = info.request_id[-32:].rjust(32, "0").lower()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:32]}"


def error_response(exc: Ec2Error, info: CallInfo) -> Response:
    return Response(error_xml(exc.code, exc.message, request_id(info)), exc.status, media_type="text/xml")


def _random(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _hex_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


def seed_world(state: dict[str, Any]) -> None:
    """Two accounts (DEFAULT and OTHER), each with an access key, temporary credentials (an ``ASIA``
    key that is refused without its session token), a running instance and a completed snapshot in
    :data:`REGION`: ids chosen now, made in moto on the first request."""
    state["keys"] = {}
    state["demo"] = {}
    accounts = set()
    for profile in PROFILES:
        account = _random(string.digits, 12)
        while account in accounts or account.startswith("0"):
            account = _random(string.digits, 12)
        accounts.add(account)
        access_key = "AKIA" + _random(string.ascii_uppercase + "234567", 16)
        state["keys"][access_key] = {
            "secret": _random(string.ascii_letters + string.digits + "+/", 40),
            "account": account,
        }
        session_key = "ASIA" + _random(string.ascii_uppercase + "234567", 16)
        state["keys"][session_key] = {
            "secret": _random(string.ascii_letters + string.digits + "+/", 40),
            "account": account,
            "token": "IQoJb3JpZ2luX2VjE" + _random(string.ascii_letters + string.digits, 180),
        }
        state["demo"][profile] = {
            "access_key": access_key,
            "session_key": session_key,
            "manifest": f"imageops-demo-{account}/images/web.manifest.xml",
            "account": account,
            "instance": _hex_id("i"),
            "snapshot": _hex_id("snap"),
        }


def verify(
    request_url: str,
    method: str,
    headers: dict[str, str],
    body: bytes,
    now: float,
    keys: dict[str, Any],
    services: tuple[str, ...] = ("ec2",),
) -> str:
    """The account of a correctly SigV4-signed request for one of ``services``; :class:`Ec2Error`
    (AuthFailure) otherwise. botocore recomputes the signature from the headers the request says it
    signed."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    match = _AUTH.match(headers.get("authorization", "").strip())
    if match is None:
        raise Ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
    if match.group("service") not in services:
        raise Ec2Error("AuthFailure", "Credential should be scoped to correct service: 'ec2'.", 401)
    record = keys.get(match.group("key"))
    if record is None:
        raise Ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
    if record.get("token") and not secrets.compare_digest(
        headers.get("x-amz-security-token", ""), record["token"]
    ):  # temporary credentials: the session token is part of them
        raise Ec2Error("AuthFailure", "The security token included in the request is invalid.", 401)
    stamp = headers.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise Ec2Error("AuthFailure", "X-Amz-Date is missing or malformed", 401) from None
    if not stamp.startswith(match.group("date")) or abs(now - signed_at) > MAX_SKEW_SECONDS:
        raise Ec2Error("RequestExpired", "Request has expired.", 400)
    signed = match.group("signed").split(";")
    if "host" not in signed or any(name not in headers for name in signed):
        raise Ec2Error("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
    aws = AWSRequest(
        method=method, url=request_url, data=body, headers={name: headers[name] for name in signed}
    )
    aws.context["timestamp"] = stamp
    signer = SigV4Auth(
        Credentials(match.group("key"), record["secret"], headers.get("x-amz-security-token")),
        match.group("service"),
        match.group("region"),
    )
    expected = signer.signature(signer.string_to_sign(aws, signer.canonical_request(aws)), aws)
    if not secrets.compare_digest(expected, match.group("sig")):
        raise Ec2Error(
            "AuthFailure",
            "AWS was not able to validate the provided access credentials (the signature does not match)",
            401,
        )
    return str(record["account"])


class AwsPlugin:
    """The AWS cloud of the emulator (see :class:`imageops.emulator.core.CloudPlugin`)."""

    name = "aws"
    proxy_hosts = (r"ec2\.[a-z0-9-]+\.amazonaws\.com(\.cn)?",)

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._moto: Any = None

    def seed(self, emulator: Emulator) -> None:
        state = emulator.store.section("aws")
        if not state.get("demo"):
            seed_world(state)
        if not state.get("sso_token"):  # an `aws sso login` to the emulator (SsoPortal)
            state["sso_token"] = "aoa" + secrets.token_urlsafe(120)
        self.keys = state["keys"]

    def moto(self, emulator: Emulator) -> Any:
        """The shim over moto's EC2 app, made (and the demo world put in it) on first use."""
        with self._lock:
            if self._moto is None:
                from imageops.emulator.aws_shim import MotoEc2

                self._moto = MotoEc2(
                    emulator.data_dir,
                    emulator.time_scale,
                    now=emulator.now,
                    listed=emulator.listed,
                    state=emulator.store.section("aws"),
                    save=emulator.save,
                )
                for demo in emulator.store.section("aws")["demo"].values():
                    self._moto.seed(demo["account"], REGION, demo["instance"], demo["snapshot"])
            return self._moto

    def routes(self, emulator: Emulator) -> list[Route]:
        from imageops.emulator.aws_identity import (
            UNSIGNED_STS_ACTIONS,
            InstanceMetadata,
            SsoPortal,
            Sts,
            metadata_routes,
            sts_error,
        )

        sts = Sts(self, emulator)
        imds = InstanceMetadata(emulator, self)

        async def handle(request: Request) -> Response:
            info = call_info(request)
            body = await request.body()
            params = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            if request.method == "GET":
                params.update(dict(request.query_params))
            info.action = params.get("Action") or info.action
            headers = {k.lower(): v for k, v in request.headers.items()}
            scope = _AUTH.match(headers.get("authorization", "").strip())
            if scope is None and params.get("Action") in UNSIGNED_STS_ACTIONS:  # web identity: unsigned
                self.moto(emulator)  # moto's import (and the demo world) first
                return sts.unsigned(info, params, headers, body)
            if scope is not None and scope.group("service") == "sts":
                try:
                    info.account = verify(
                        str(request.url), request.method, headers, body, emulator.now(), self.keys, ("sts",)
                    )
                    self.moto(emulator)  # moto's import (and the demo world) first
                    status, content = sts.handle(info.account, params, headers, body)
                except Ec2Error as exc:
                    return sts_error(
                        "InvalidClientTokenId" if exc.status == 401 else exc.code,
                        exc.message,
                        403 if exc.status == 401 else exc.status,
                        request_id(info),
                    )
                except PermissionError as exc:
                    return sts_error("AccessDenied", str(exc), 403, request_id(info))
                return Response(content, status, media_type="text/xml")
            try:
                info.account = verify(
                    str(request.url), request.method, headers, body, emulator.now(), self.keys
                )
                region = _AUTH.match(headers["authorization"].strip()).group("region")  # type: ignore[union-attr]
                status, content = self.moto(emulator).handle(info.account, region, params, headers, body)
            except Ec2Error as exc:
                return error_response(exc, info)
            return Response(content, status, media_type="text/xml")

        return [
            Route("/", handle, methods=["GET", "POST"], name="EC2"),
            *metadata_routes(imds, SsoPortal(emulator, self)),
        ]

    def action_hint(self, scope: Any, headers: Any, body: bytes | None) -> str | None:
        """The action as ``handle`` reads it (the form body's ``Action``; on a GET the query's wins),
        so that a call answered by an injected fault is logged with it too (and counted as the read or
        write it is)."""
        query = dict(parse_qsl((scope.get("query_string") or b"").decode("latin-1")))
        params = dict(parse_qsl((body or b"").decode("utf-8", "replace"), keep_blank_values=True))
        if scope.get("method") == "GET":
            params.update(query)
        return params.get("Action") or query.get("Action")

    def fault_response(self, emulator: Emulator, kind: str, info: CallInfo) -> Response:
        if kind == "throttle":
            return error_response(Ec2Error("RequestLimitExceeded", "Request limit exceeded.", 503), info)
        if kind == "unavailable":
            return error_response(
                Ec2Error("Unavailable", "The server is overloaded and can't handle the request.", 503), info
            )
        return error_response(
            Ec2Error("InternalError", "An internal error has occurred. Retry your request.", 500), info
        )

    def route_error(self, emulator: Emulator, status: int, info: CallInfo) -> Response:
        return error_response(
            Ec2Error("InvalidAction", "The action or operation is not valid.", status), info
        )

    def account_hint(self, headers: Any) -> str | None:
        match = _AUTH.match(str(headers.get("authorization", "")).strip())
        return self.keys.get(match.group("key"), {}).get("account") if match else None

    def env(self, emulator: Emulator, endpoint: str) -> dict[str, str]:
        state = emulator.store.section("aws")
        env = {
            "IMAGEOPS_AWS_ENDPOINT": endpoint,
            "IMAGEOPS_AWS_REGION": REGION,
            "IMAGEOPS_AWS_OTHER_REGION": OTHER_REGION,
            "IMAGEOPS_AWS_REGIONS": ",".join(REGIONS),
            # botocore's STS (assume-role profiles) is the emulator's, served by moto
            "AWS_ENDPOINT_URL_STS": endpoint,
            # and the SSO portal's GetRoleCredentials, with the token an `aws sso login` would cache
            "AWS_ENDPOINT_URL_SSO": endpoint,
            "IMAGEOPS_AWS_SSO_ACCESS_TOKEN": state.get("sso_token", ""),
            # the instance metadata service is at {endpoint}/imds, but botocore's chain looks for it
            # only when a test or user asks (AWS_EC2_METADATA_SERVICE_ENDPOINT, this set to false)
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        for profile, prefix in (("DEFAULT", "IMAGEOPS_AWS_"), ("OTHER", "IMAGEOPS_AWS_OTHER_")):
            demo = state["demo"][profile]
            env.update(
                {
                    f"{prefix}ACCESS_KEY_ID": demo["access_key"],
                    f"{prefix}SECRET_ACCESS_KEY": state["keys"][demo["access_key"]]["secret"],
                    f"{prefix}SESSION_ACCESS_KEY_ID": demo.get("session_key", ""),
                    f"{prefix}SESSION_SECRET_ACCESS_KEY": state["keys"]
                    .get(demo.get("session_key"), {})
                    .get("secret", ""),
                    f"{prefix}SESSION_TOKEN": state["keys"].get(demo.get("session_key"), {}).get("token", ""),
                    f"{prefix}ACCOUNT_ID": demo["account"],
                    f"{prefix}INSTANCE_ID": demo["instance"],
                    f"{prefix}SNAPSHOT_ID": demo["snapshot"],
                    f"{prefix}IMAGE_LOCATION": demo.get("manifest", ""),
                }
            )
        return env


def plugin() -> AwsPlugin:
    return AwsPlugin()
