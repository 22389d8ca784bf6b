"""Both Alibaba Cloud signers against the official SDKs, byte for byte, for the same request.

RPC v1: ``aliyunsdkcore.auth.composer.rpc_signature_composer`` (aliyun-python-sdk-core) with its
clock and nonce pinned. ACS3: ``alibabacloud_tea_openapi.utils.Utils.get_authorization`` (tea
OpenAPI) over the very query and headers our signer produced.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from urllib.parse import parse_qsl

import httpx
import pytest
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from aliyunsdkcore.utils import parameter_helper

from imageops.alicloud.auth import Acs3Signer, RpcSigner

AK, SECRET, TOKEN = "LTAI5tExampleKeyId1234", "ExampleSecret/With+Special=Chars", "CAISsts~token"
FIXED = 1_767_225_600.0  # 2026-01-01T00:00:00Z
NONCE = "3f1c6b0d-nonce-0001"
PARAMS = {
    "Action": "CreateImage",
    "Version": "2014-05-26",
    "RegionId": "cn-hangzhou",
    "ImageName": "web image:v1",
    "Description": "a~b*c d/é",
    "DiskDeviceMapping.1.SnapshotId": "s-bp1abc",
    "DiskDeviceMapping.1.Size": "40",
    "Tag.1.Key": "Cost Center",
    "Tag.1.Value": "42&more",
    "ClientToken": "imageops-0123",
}


def _sign(auth: httpx.Auth, request: httpx.Request) -> httpx.Request:
    flow = auth.sync_auth_flow(request)
    return next(flow)


def _request(params: dict[str, str], **kwargs: object) -> httpx.Request:
    return httpx.Request("POST", "http://ecs.cn-hangzhou.aliyuncs.com/", params=params, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("token", [None, TOKEN])
def test_rpc_signature_equals_aliyun_python_sdk_core(
    monkeypatch: pytest.MonkeyPatch, token: str | None
) -> None:
    monkeypatch.setattr(parameter_helper, "get_iso_8061_date", lambda: "2026-01-01T00:00:00Z")
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: NONCE)
    sdk_params = dict(PARAMS)
    if token:
        sdk_params["SecurityToken"] = token  # the SDK's STS signer adds it before composing
    url, sdk_string_to_sign = rpc_signature_composer.get_signed_url(
        sdk_params, AK, SECRET, "JSON", "POST", {}
    )
    sdk_query = dict(parse_qsl(url.removeprefix("/?"), keep_blank_values=True))

    signer = RpcSigner(AK, SECRET, token, clock=lambda: FIXED, nonce=lambda: NONCE)
    signed = _sign(signer, _request(PARAMS))
    ours = dict(parse_qsl(signed.url.query.decode(), keep_blank_values=True))
    assert ours == sdk_query
    assert ours["Signature"] == sdk_query["Signature"]
    theirs = {k: v for k, v in sdk_query.items() if k != "Signature"}
    from imageops.alicloud.auth import rpc_string_to_sign

    assert rpc_string_to_sign("POST", theirs) == sdk_string_to_sign


def test_rpc_signature_covers_form_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parameter_helper, "get_iso_8061_date", lambda: "2026-01-01T00:00:00Z")
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: NONCE)
    query = {"Action": "DescribeImages", "Version": "2014-05-26"}
    body = {"RegionId": "cn-hangzhou", "ImageName": "x y"}
    url, _ = rpc_signature_composer.get_signed_url(dict(query), AK, SECRET, "JSON", "POST", body)
    sdk_signature = dict(parse_qsl(url.removeprefix("/?")))["Signature"]
    signer = RpcSigner(AK, SECRET, clock=lambda: FIXED, nonce=lambda: NONCE)
    signed = _sign(signer, _request(query, data=body))
    ours = dict(parse_qsl(signed.url.query.decode()))
    assert ours["Signature"] == sdk_signature
    assert "ImageName" not in ours  # form parameters stay in the body


def test_rpc_signature_changes_with_the_secret() -> None:
    one = _sign(RpcSigner(AK, SECRET, clock=lambda: FIXED, nonce=lambda: NONCE), _request(PARAMS))
    two = _sign(RpcSigner(AK, SECRET + "x", clock=lambda: FIXED, nonce=lambda: NONCE), _request(PARAMS))
    assert one.url.params["Signature"] != two.url.params["Signature"]


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize("body", [b"", b"RegionId=cn-hangzhou&ImageName=a%20b"])
def test_acs3_authorization_equals_tea_openapi(token: str | None, body: bytes) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"} if body else {}
    signer = Acs3Signer(AK, SECRET, token, clock=lambda: FIXED, nonce=lambda: NONCE)
    signed = _sign(signer, _request(PARAMS, content=body, headers=headers))

    assert signed.headers["x-acs-action"] == "CreateImage"
    assert signed.headers["x-acs-version"] == "2014-05-26"
    assert signed.headers["x-acs-date"] == "2026-01-01T00:00:00Z"
    assert signed.headers["x-acs-content-sha256"] == hashlib.sha256(body).hexdigest()
    assert "Action" not in signed.url.params
    if token:
        assert signed.headers["x-acs-security-token"] == token
    query = dict(parse_qsl(signed.url.query.decode(), keep_blank_values=True))
    signed_headers = {
        k: v for k, v in signed.headers.items() if k in ("host", "content-type") or k.startswith("x-acs-")
    }
    tea_request = SimpleNamespace(pathname="/", method="POST", query=query, headers=signed_headers)
    expected = TeaUtils.get_authorization(
        tea_request, "ACS3-HMAC-SHA256", hashlib.sha256(body).hexdigest(), AK, SECRET
    )
    assert signed.headers["authorization"] == expected


def test_signers_hide_the_secret_in_repr() -> None:
    for signer in (RpcSigner(AK, SECRET, TOKEN), Acs3Signer(AK, SECRET, TOKEN)):
        assert SECRET not in repr(signer) and TOKEN not in repr(signer)
        assert AK in repr(signer)
