"""Alibaba Cloud sign-in with temporary credentials, against the official libraries, byte for byte.

* ``AssumeRole``: our request to STS equals the one ``alibabacloud_credentials``'
  ``RamRoleArnCredentialsProvider`` sends (same clock and nonce), and both read the same key back;
* ``EcsRamRole``: our metadata requests are the ones ``EcsRamRoleCredentialsProvider`` sends (token
  PUT with its TTL header, role discovery, credentials with the token);
* an ECS request signed with the role's key equals aliyun-python-sdk-core's ``StsTokenSigner`` (RPC)
  and the tea OpenAPI's ACS3 ``Authorization``;
* a refused key is renewed and the request sent once more, never twice (counted);
* bad settings fail before any call, naming the option and the rule.

The libraries' HTTP layer (``TeaCore.do_action``) is replaced by a recorder: nothing leaves the process.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from alibabacloud_credentials.provider import ecs_ram_role, ram_role_arn
from alibabacloud_credentials.utils import parameter_helper as cred_helper
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.auth.signers.sts_token_signer import StsTokenSigner
from aliyunsdkcore.request import RpcRequest
from aliyunsdkcore.utils import parameter_helper as sdk_helper
from Tea.core import TeaCore
from Tea.response import TeaResponse

from imageops import errors
from imageops.alicloud import connect
from imageops.alicloud.auth import AccessKey, Acs3Signer, RpcSigner
from imageops.alicloud.config import load_credentials
from imageops.alicloud.signin import SignIn, credential_source
from imageops.alicloud.sts import RoleRequest, assume_role
from imageops.credentials import Expiring, RefreshingSource, StaticSource
from imageops.errors import ConfigError
from imageops.redact import redact

BASE = AccessKey("LTAI5tBaseKeyId0000", "base/secret+with=chars")
ROLE_ARN = "acs:ram::1234567890123456:role/imageopsbuilder"
STAMP, NONCE = "2026-01-01T00:00:00Z", "6f0c1f4e-0000-5000-8000-000000000001"
FIXED = 1_767_225_600.0  # STAMP
TEMP = {
    "AccessKeyId": "STS.NUtemporaryKey01",
    "AccessKeySecret": "temporary/secret+01",
    "SecurityToken": "CAIStemporary~token/01+x",
    "Expiration": "2099-01-01T00:00:00Z",  # the library refuses a key already stale by the real clock
}
EXPIRES = 4_070_908_800.0  # TEMP's Expiration
STS = "http://127.0.0.1:9/sts"
METADATA = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def no_home_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_ECS_METADATA", "ALIBABA_CLOUD_ROLE_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)


class TeaRecorder:
    """Stands in for ``TeaCore.do_action``: records each request's URL, method and headers, answers
    from ``answers`` (path -> body) in order."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    def __call__(self, request: Any, runtime: Any = None) -> TeaResponse:
        url = TeaCore.compose_url(request)
        self.sent.append((request.method, url, dict(request.headers)))
        body = self.answers[urlsplit(url).path or "/"].pop(0)
        return SimpleNamespace(status_code=200, body=body.encode())  # type: ignore[return-value]


class Recorder:
    """An ``httpx.MockTransport`` handler with the same answers, recording our requests."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(200, text=self.answers[request.url.path].pop(0))


def test_assume_role_request_equals_the_credentials_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cred_helper, "get_iso_8061_date", lambda: STAMP)
    monkeypatch.setattr(cred_helper, "get_uuid", lambda: NONCE)
    answer = json.dumps({"RequestId": "r", "Credentials": TEMP})
    tea = TeaRecorder({"/sts": [answer]})
    monkeypatch.setattr(TeaCore, "do_action", tea)
    provider = ram_role_arn.RamRoleArnCredentialsProvider(
        access_key_id=BASE.access_key_id,
        access_key_secret=BASE.access_key_secret,
        role_arn=ROLE_ARN,
        role_session_name="imageops",
        duration_seconds=1800,
        sts_endpoint=STS,
    )
    theirs = provider.get_credentials()

    ours = Recorder({"/sts": [answer]})
    client = httpx.Client(transport=httpx.MockTransport(ours))
    role = RoleRequest(ROLE_ARN, "imageops", 1800)
    got = assume_role(client, STS, BASE, role, clock=lambda: FIXED, nonce=lambda: NONCE)

    (method, url, _), request = tea.sent[0], ours.sent[0]
    assert (request.method, str(request.url)) == (method, url)  # the whole URL, signature included
    assert dict(parse_qsl(urlsplit(url).query))["SignatureMethod"] == "HMAC-SHA1"
    assert (got.value.access_key_id, got.value.access_key_secret, got.value.security_token) == (
        theirs.get_access_key_id(),
        theirs.get_access_key_secret(),
        theirs.get_security_token(),
    )
    assert got.expires_at == theirs.get_expiration() == EXPIRES


def test_assume_role_with_an_sts_base_key_carries_its_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cred_helper, "get_iso_8061_date", lambda: STAMP)
    monkeypatch.setattr(cred_helper, "get_uuid", lambda: NONCE)
    answer = json.dumps({"Credentials": TEMP})
    tea = TeaRecorder({"/sts": [answer]})
    monkeypatch.setattr(TeaCore, "do_action", tea)
    base = AccessKey("STS.base", "sts-base-secret", "CAISbase")
    policy = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}'
    ram_role_arn.RamRoleArnCredentialsProvider(
        access_key_id=base.access_key_id,
        access_key_secret=base.access_key_secret,
        security_token=base.security_token,
        role_arn=ROLE_ARN,
        role_session_name="ci.run-42",
        policy=policy,
        sts_endpoint=STS,
    ).get_credentials()
    ours = Recorder({"/sts": [answer]})
    client = httpx.Client(transport=httpx.MockTransport(ours))
    role = RoleRequest(ROLE_ARN, "ci.run-42", 3600, policy)
    assume_role(client, STS, base, role, clock=lambda: FIXED, nonce=lambda: NONCE)
    assert str(ours.sent[0].url) == tea.sent[0][1]


def test_ecs_ram_role_requests_equal_the_credentials_library(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = lambda: {  # noqa: E731 - one fresh copy per client
        "/latest/api/token": ["metadata-token-1", "metadata-token-2"],
        "/latest/meta-data/ram/security-credentials/": ["ImageOpsEcsRole"],
        "/latest/meta-data/ram/security-credentials/ImageOpsEcsRole": [
            json.dumps({"Code": "Success", **TEMP})
        ],
    }
    tea = TeaRecorder(answers())
    monkeypatch.setattr(TeaCore, "do_action", tea)
    provider = ecs_ram_role.EcsRamRoleCredentialsProvider(async_update_enabled=False)
    # The library has no setting for the metadata host; its one attribute is pointed at ours.
    monkeypatch.setattr(provider, "_EcsRamRoleCredentialsProvider__metadata_service_host", "127.0.0.1:9")
    theirs = provider.get_credentials()

    ours = Recorder(answers())
    sign_in = SignIn(base=None, ecs_role_name="", metadata_url=METADATA)
    source = credential_source(sign_in, transport=httpx.MockTransport(ours))
    key = source.current()

    # Each read with a fresh IMDSv2 token, the same requests in the same order, the same headers.
    assert (
        [(r.method, str(r.url)) for r in ours.sent]
        == [(m, u) for m, u, _ in tea.sent]
        == [
            ("PUT", f"{METADATA}/latest/api/token"),
            ("GET", f"{METADATA}/latest/meta-data/ram/security-credentials/"),
            ("PUT", f"{METADATA}/latest/api/token"),
            ("GET", f"{METADATA}/latest/meta-data/ram/security-credentials/ImageOpsEcsRole"),
        ]
    )
    for request, (_, _, their_headers) in zip(ours.sent, tea.sent, strict=True):
        metadata_headers = {
            k.lower(): v for k, v in their_headers.items() if k.lower().startswith("x-aliyun")
        }
        assert {k: v for k, v in request.headers.items() if k.startswith("x-aliyun")} == metadata_headers
    assert (key.access_key_id, key.access_key_secret, key.security_token) == (
        theirs.get_access_key_id(),
        theirs.get_access_key_secret(),
        theirs.get_security_token(),
    )


def _role_key() -> AccessKey:
    return AccessKey(TEMP["AccessKeyId"], TEMP["AccessKeySecret"], TEMP["SecurityToken"])


def test_an_ecs_call_signed_with_role_credentials_equals_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    """RPC: aliyun-python-sdk-core's StsTokenSigner; ACS3: the tea OpenAPI's Authorization."""
    monkeypatch.setattr(sdk_helper, "get_iso_8061_date", lambda: STAMP)
    monkeypatch.setattr(sdk_helper, "get_uuid", lambda: NONCE)
    params = {"RegionId": "cn-hangzhou", "ImageName": "web-1", "InstanceId": "i-bp1demo"}
    sdk_request = RpcRequest("Ecs", "2014-05-26", "CreateImage")
    sdk_request.set_method("POST")
    sdk_request.set_accept_format("JSON")
    for name, value in params.items():
        sdk_request.add_query_param(name, value)
    key = _role_key()
    _, sdk_url = StsTokenSigner(
        StsTokenCredential(key.access_key_id, key.access_key_secret, key.security_token)
    ).sign("cn-hangzhou", sdk_request)
    source = RefreshingSource(lambda: Expiring(key, None))
    signer = RpcSigner.over(source, clock=lambda: FIXED, nonce=lambda: NONCE)
    request = httpx.Request(
        "POST", "http://ecs.example/", params={"Action": "CreateImage", "Version": "2014-05-26", **params}
    )
    signed = next(signer.sync_auth_flow(request))
    ours = dict(parse_qsl(signed.url.query.decode()))
    theirs = dict(parse_qsl(urlsplit(sdk_url).query))
    assert ours == theirs and ours["SecurityToken"] == key.security_token

    acs3 = Acs3Signer.over(source, clock=lambda: FIXED, nonce=lambda: NONCE)
    signed = next(
        acs3.sync_auth_flow(
            httpx.Request(
                "POST",
                "http://ecs.example/",
                params={"Action": "CreateImage", "Version": "2014-05-26", **params},
            )
        )
    )
    headers = {k: v for k, v in signed.headers.items() if k == "host" or k.startswith("x-acs-")}
    tea_request = SimpleNamespace(
        pathname="/", method="POST", query=dict(parse_qsl(signed.url.query.decode())), headers=headers
    )
    expected = TeaUtils.get_authorization(
        tea_request,
        "ACS3-HMAC-SHA256",
        hashlib.sha256(b"").hexdigest(),
        key.access_key_id,
        key.access_key_secret,
    )
    assert signed.headers["authorization"] == expected
    assert signed.headers["x-acs-security-token"] == key.security_token


# ----------------------------------------------------------------------------- one renewal only
def _refusal(code: str, status: int = 400) -> httpx.Response:
    return httpx.Response(status, json={"Code": code, "Message": "m", "RequestId": "r"})


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("InvalidSecurityToken.Expired", 400),
        ("InvalidSecurityToken.MismatchWithAccessKey", 400),
        ("InvalidAccessKeyId.NotFound", 404),
    ],
)
def test_a_refused_temporary_key_is_renewed_and_the_request_sent_once_more(code: str, status: int) -> None:
    fetched: list[int] = []

    def fetch() -> Expiring[AccessKey]:
        fetched.append(1)
        return Expiring(AccessKey(f"STS.key{len(fetched)}", "s", f"CAIS{len(fetched)}"), FIXED + 3600)

    seen: list[str] = []

    def ecs(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["x-acs-accesskey-id"])
        return _refusal(code, status) if len(seen) == 1 else httpx.Response(200, json={"RequestId": "r"})

    signer = Acs3Signer.over(RefreshingSource(fetch, clock=lambda: FIXED))
    client = httpx.Client(transport=httpx.MockTransport(ecs), auth=signer)
    assert client.post("http://ecs.example/?Action=DescribeImages&Version=2014-05-26").status_code == 200
    assert seen == ["STS.key1", "STS.key2"] and len(fetched) == 2


def test_a_refusal_is_retried_once_at_most_and_never_for_static_keys() -> None:
    counter = iter(range(100))
    source = RefreshingSource(
        lambda: Expiring(AccessKey(f"STS.k{next(counter)}", "s", "CAISforged"), FIXED + 3600),
        clock=lambda: FIXED,
    )
    calls: list[httpx.Request] = []

    def always_refused(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return _refusal("InvalidSecurityToken.MismatchWithAccessKey")

    for auth, expected in ((Acs3Signer.over(source), 2), (Acs3Signer.over(StaticSource(_role_key())), 1)):
        calls.clear()
        client = httpx.Client(transport=httpx.MockTransport(always_refused), auth=auth)
        response = client.post("http://ecs.example/?Action=DescribeImages&Version=2014-05-26")
        assert response.json()["Code"] == "InvalidSecurityToken.MismatchWithAccessKey"
        assert len(calls) == expected
    # Other errors are no refusal of the key: sent once.
    calls.clear()
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: calls.append(r) or _refusal("InvalidImageName.Malformed")),
        auth=Acs3Signer.over(source),
    )
    client.post("http://ecs.example/?Action=CreateImage&Version=2014-05-26")
    assert len(calls) == 1


# ----------------------------------------------------------------------------- settings
def _profiles(path: Path) -> Path:
    path.write_text(
        json.dumps(
            {
                "current": "role",
                "profiles": [
                    {
                        "name": "role",
                        "mode": "RamRoleArn",
                        "access_key_id": "LTAIprofile",
                        "access_key_secret": "profile-secret-1",
                        "ram_role_arn": ROLE_ARN,
                        "ram_session_name": "from-profile",
                        "expired_seconds": 900,
                        "region_id": "cn-shanghai",
                    },
                    {
                        "name": "ecs",
                        "mode": "EcsRamRole",
                        "ram_role_name": "ImageOpsEcsRole",
                        "region_id": "cn-beijing",
                    },
                    {
                        "name": "bad-arn",
                        "mode": "RamRoleArn",
                        "access_key_id": "LTAIx",
                        "access_key_secret": "y",
                        "ram_role_arn": "arn:aws:iam::1:role/x",
                    },
                    {"name": "sso", "mode": "CloudSSO"},
                ],
            }
        )
    )
    return path


def test_profile_modes_of_config_json(tmp_path: Path) -> None:
    path = _profiles(tmp_path / "config.json")
    role = load_credentials(config_file=path, env={})
    assert role.sign_in is not None and role.sign_in.mode == "RamRoleArn"
    assert role.sign_in.base == AccessKey("LTAIprofile", "profile-secret-1")
    assert role.sign_in.roles == (RoleRequest(ROLE_ARN, "from-profile", 900),)
    assert role.region == "cn-shanghai" and "profile-secret-1" not in repr(role)
    ecs = load_credentials(config_file=path, profile="ecs", env={})
    assert ecs.sign_in is not None and ecs.sign_in.mode == "EcsRamRole"
    assert (ecs.sign_in.ecs_role_name, ecs.sign_in.metadata_url) == (
        "ImageOpsEcsRole",
        "http://100.100.100.200",
    )
    # A role given as an option is assumed on top of the profile's own (a chain, as Terraform does).
    chained = load_credentials(config_file=path, assume_role_arn="acs:ram::99:role/next", env={})
    assert [r.role_arn for r in chained.sign_in.roles] == [ROLE_ARN, "acs:ram::99:role/next"]  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match=r"ram_role_arn of profile bad-arn .* must be a RAM role ARN"):
        load_credentials(config_file=path, profile="bad-arn", env={})
    with pytest.raises(
        ConfigError, match="mode CloudSSO; imageops supports AK, StsToken, RamRoleArn, EcsRamRole"
    ):
        load_credentials(config_file=path, profile="sso", env={})


KEYS = {"access_key_id": "LTAIgiven", "access_key_secret": "given-secret-7", "region": "cn-hangzhou"}


@pytest.mark.parametrize(
    ("given", "env", "message"),
    [
        (
            {**KEYS, "assume_role_arn": "acs:ram::12:user/bob"},
            {},
            r"alicloud_assume_role_arn must be a RAM role ARN, acs:ram::<account id>:role/<role name>"
            r".*'acs:ram::12:user/bob'",
        ),
        (KEYS, {"ALIBABA_CLOUD_ROLE_ARN": "role/x"}, r"ALIBABA_CLOUD_ROLE_ARN must be a RAM role ARN"),
        (
            {**KEYS, "assume_role_arn": ROLE_ARN, "assume_role_session_name": "has space"},
            {},
            r"alicloud_assume_role_session_name must be 2 to 64 characters .*RoleSessionName",
        ),
        (
            {**KEYS, "assume_role_arn": ROLE_ARN, "assume_role_session_expiration": 600},
            {},
            r"alicloud_assume_role_session_expiration must be between 900 and 43200 seconds .*not 600",
        ),
        (
            {**KEYS, "assume_role_arn": ROLE_ARN},
            {"ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION": "an hour"},
            r"ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION must be a whole number of seconds",
        ),
        (
            {**KEYS, "assume_role_session_name": "ci"},
            {},
            r"alicloud_assume_role_session_name is given without alicloud_assume_role_arn",
        ),
        (
            {**KEYS, "ecs_role_name": "ImageOpsEcsRole"},
            {},
            r"ecs_role_name and alicloud_access_key are two ways to sign in",
        ),
        (
            {"region": "cn-hangzhou"},
            {
                "ALIBABA_CLOUD_ECS_METADATA": "r",
                "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIe",
                "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "e-secret-8",
            },
            r"ALIBABA_CLOUD_ECS_METADATA and ALIBABA_CLOUD_ACCESS_KEY_ID are both set: two ways to sign in",
        ),
        (
            {"region": "cn-hangzhou", "assume_role_arn": ROLE_ARN},
            {},
            r"no base credentials to assume a RAM role with",
        ),
    ],
)
def test_bad_settings_fail_before_any_call_naming_the_option_and_the_rule(
    given: dict[str, Any], env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*_a: Any, **_k: Any) -> None:
        raise AssertionError("a call was made")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", no_network)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message) as caught:
        connect(**given)
    assert "given-secret-7" not in str(caught.value) and "e-secret-8" not in str(caught.value)


def test_given_as_an_option_either_mode_wins_over_the_environment() -> None:
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-9",
        "ALIBABA_CLOUD_ECS_METADATA": "FromEnv",
    }
    ecs = load_credentials(ecs_role_name="Given", region="r", env=env)
    assert ecs.sign_in is not None and (ecs.sign_in.base, ecs.sign_in.ecs_role_name) == (None, "Given")
    keys = load_credentials(access_key_id="LTAIgiven", access_key_secret="s-10", region="r", env=env)
    assert keys.sign_in is None and keys.access_key_id == "LTAIgiven"
    on_ecs = load_credentials(ecs_role_name="Given", assume_role_arn=ROLE_ARN, region="r", env={})
    assert on_ecs.sign_in is not None and on_ecs.sign_in.base is None and len(on_ecs.sign_in.roles) == 1


def test_role_credentials_are_registered_as_secrets_as_soon_as_they_arrive() -> None:
    answer = json.dumps(
        {"Credentials": {**TEMP, "AccessKeySecret": "fresh-secret-11", "SecurityToken": "CAISfresh-token-11"}}
    )
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text=answer)))
    got = assume_role(client, STS, BASE, RoleRequest(ROLE_ARN, "imageops"))
    assert redact("fresh-secret-11 CAISfresh-token-11") == "*** ***"
    assert "fresh-secret-11" not in repr(got) and "CAISfresh" not in repr(got)


def test_sts_refusal_is_an_auth_error_naming_the_role() -> None:
    body = {
        "Code": "NoPermission",
        "Message": "You are not authorized to do this action.",
        "RequestId": "r-1",
    }
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(403, json=body)))
    with pytest.raises(errors.AuthError, match=f"AssumeRole failed: NoPermission.*{ROLE_ARN}") as caught:
        assume_role(client, STS, BASE, RoleRequest(ROLE_ARN, "imageops"))
    assert BASE.access_key_secret not in str(caught.value)


def test_imdsv1_fallback_unless_disabled() -> None:
    """A metadata service that gives no IMDSv2 token: read without one, as the library does - unless
    ALIBABA_CLOUD_IMDSV1_DISABLED, which then fails naming it, before reading anything."""
    credentials = json.dumps({"Code": "Success", **TEMP})
    sent: list[httpx.Request] = []

    def old_service(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "PUT":
            return httpx.Response(404)
        return httpx.Response(200, text=credentials)

    transport = httpx.MockTransport(old_service)
    key = credential_source(SignIn(None, "R", metadata_url=METADATA), transport=transport).current()
    assert key.access_key_id == TEMP["AccessKeyId"]
    assert [r.method for r in sent] == ["PUT", "GET"] and "x-aliyun-ecs-metadata-token" not in sent[1].headers
    sent.clear()
    strict = load_credentials(
        ecs_role_name="R", region="r", metadata_url=METADATA, env={"ALIBABA_CLOUD_IMDSV1_DISABLED": "true"}
    )
    assert strict.sign_in is not None and not strict.sign_in.imdsv1
    with pytest.raises(errors.TransportError, match="ALIBABA_CLOUD_IMDSV1_DISABLED"):
        credential_source(strict.sign_in, transport=transport).current()
    assert [r.method for r in sent] == ["PUT"]


@pytest.mark.parametrize(
    ("region", "vpc"), [(None, None), ("cn-shanghai", None), ("cn-shanghai", True), ("ap-southeast-1", False)]
)
def test_the_sts_endpoint_is_derived_as_the_credentials_library_derives_it(
    region: str | None, vpc: bool | None
) -> None:
    theirs = ram_role_arn.RamRoleArnCredentialsProvider(
        access_key_id="LTAIx", access_key_secret="s", role_arn=ROLE_ARN, sts_region_id=region, enable_vpc=vpc
    )._sts_endpoint
    env = {"ALIBABA_CLOUD_STS_REGION": region} if region else {}
    if vpc is not None:
        env["ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED"] = str(vpc).lower()
    ours = load_credentials(**KEYS, assume_role_arn=ROLE_ARN, env=env).sign_in
    assert ours is not None and ours.sts_endpoint == f"https://{theirs}"
    given = load_credentials(
        **KEYS, assume_role_arn=ROLE_ARN, sts_region=region, sts_vpc_endpoint=vpc, env={}
    )
    assert given.sign_in is not None and given.sign_in.sts_endpoint == f"https://{theirs}"


def test_ecs_metadata_disabled_refuses_the_instance_role_before_any_call(tmp_path: Path) -> None:
    env = {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}
    with pytest.raises(
        ConfigError, match=r"ecs_role_name signs in .* ALIBABA_CLOUD_ECS_METADATA_DISABLED forbids"
    ):
        load_credentials(ecs_role_name="R", region="r", env=env)
    path = _profiles(tmp_path / "config.json")
    with pytest.raises(
        ConfigError, match=r"EcsRamRole mode of profile ecs .* ALIBABA_CLOUD_ECS_METADATA_DISABLED"
    ):
        load_credentials(config_file=path, profile="ecs", env=env)
    assert load_credentials(**KEYS, env=env).sign_in is None  # keys need no metadata service
