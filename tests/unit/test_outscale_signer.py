"""The OSC4 signer equals osc-sdk-python's ``Authentication`` byte for byte, and is a working
``httpx.Auth`` (checked by the emulator's verifier)."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from osc_sdk_python import authentication as sdk_auth
from osc_sdk_python.credentials import Profile

from imageops.emulator.outscale_auth import SignatureError, verify
from imageops.outscale.auth import OscSigner

ACCESS, SECRET, REGION = "AKIDEXAMPLE0123456789", "S" * 40, "eu-west-2"
WHEN = dt.datetime(2024, 5, 17, 8, 30, 12, tzinfo=dt.UTC)


class _FixedDatetime(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return WHEN


def sdk_headers(monkeypatch: pytest.MonkeyPatch, host: str, uri: str, body: str) -> dict[str, str]:
    monkeypatch.setattr(sdk_auth.datetime, "datetime", _FixedDatetime)
    profile = Profile(access_key=ACCESS, secret_key=SECRET, region=REGION)
    return sdk_auth.Authentication(profile, host).forge_headers_signed(uri, body)


def signed_request(url: str, body: str) -> httpx.Request:
    request = httpx.Request("POST", url, content=body.encode())
    signer = OscSigner(ACCESS, SECRET, REGION, clock=lambda: WHEN)
    return next(signer.auth_flow(request))


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("https://api.eu-west-2.outscale.com/api/v1/ReadImages", "{}"),
        (
            "http://127.0.0.1:40123/api/v1/CreateImage",
            json.dumps({"ImageName": "omi é ü", "VmId": "i-12345678"}),
        ),
        (
            "https://api.eu-west-2.outscale.com/api/v1/CreateTags",
            json.dumps({"ResourceIds": ["ami-1"], "Tags": []}),
        ),
    ],
)
def test_headers_equal_the_sdk_byte_for_byte(monkeypatch: pytest.MonkeyPatch, url: str, body: str) -> None:
    request = signed_request(url, body)
    # The SDK signs urllib3's parse_url(endpoint).host (no port) and the request's path_url.
    expected = sdk_headers(monkeypatch, httpx.URL(url).host, httpx.URL(url).raw_path.decode(), body)
    for name in ("Content-Type", "X-Osc-Date", "Authorization"):
        assert request.headers[name].encode() == expected[name].encode(), name


def test_emulator_accepts_the_signature_and_rejects_a_wrong_secret() -> None:
    url, body = "http://127.0.0.1:40123/api/v1/ReadImages", "{}"
    request = signed_request(url, body)
    headers = {k.lower(): v for k, v in request.headers.items()}
    args = dict(
        method="POST",
        path="/api/v1/ReadImages",
        query="",
        headers=headers,
        body=body.encode(),
        region=REGION,
        now=WHEN.timestamp(),
    )
    assert verify(**args, secret_for=lambda ak: (SECRET, "123456789012")).account == "123456789012"
    with pytest.raises(SignatureError):
        verify(**args, secret_for=lambda ak: ("T" * 40, "123456789012"))
    with pytest.raises(SignatureError):
        verify(**{**args, "body": b"{ }"}, secret_for=lambda ak: (SECRET, "123456789012"))


def test_secret_is_not_in_repr() -> None:
    assert SECRET not in repr(OscSigner(ACCESS, SECRET, REGION))
