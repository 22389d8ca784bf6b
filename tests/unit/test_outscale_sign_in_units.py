"""OUTSCALE sign-in, unit level (issue 16): the AWS-SigV4 path equals botocore's ``SigV4Auth`` byte for
byte and the emulator verifies it; the signer is a ``SigningAuth`` that never retries a 401 (an access
key cannot be renewed); the settings osc-sdk-python reads that we now take (client certificate, the
profile's fields) load as it loads them, and bad settings fail before any call, naming the option
and the rule."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from imageops import transport
from imageops.credentials import SigningAuth, StaticSource
from imageops.emulator.outscale_auth import SignatureError, verify
from imageops.errors import ConfigError
from imageops.outscale import connect
from imageops.outscale.auth import CONTENT_TYPE, SIGNATURES, OscSigner
from imageops.outscale.config import load_credentials
from imageops.outscale.schema import SETTINGS
from imageops.redact import redact

ACCESS, SECRET, REGION = "AKIDEXAMPLE0123456789", "S3cr3t/" + "k" * 33, "eu-west-2"
WHEN = dt.datetime(2024, 5, 17, 8, 30, 12, tzinfo=dt.UTC)


def botocore_headers(monkeypatch: pytest.MonkeyPatch, url: str, body: str) -> dict[str, str]:
    import botocore.auth

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: WHEN.replace(tzinfo=None))
    request = AWSRequest(method="POST", url=url, data=body.encode(), headers={"Content-Type": CONTENT_TYPE})
    SigV4Auth(Credentials(ACCESS, SECRET), "oapi", REGION).add_auth(request)
    return dict(request.headers.items())


def aws4_request(url: str, body: str) -> httpx.Request:
    signer = OscSigner(ACCESS, SECRET, REGION, signature="aws4", clock=lambda: WHEN)
    return next(signer.auth_flow(httpx.Request("POST", url, content=body.encode())))


URLS = [
    ("https://api.eu-west-2.outscale.com/api/v1/ReadImages", "{}"),
    ("http://127.0.0.1:40123/api/v1/CreateImage", json.dumps({"ImageName": "omi é ü", "VmId": "i-1"})),
    ("https://api.eu-west-2.outscale.com:8443/api/v1/CreateTags", json.dumps({"ResourceIds": ["ami-1"]})),
    ("https://api.eu-west-2.outscale.com/api/v1/ReadImages?b=2&a=x%20y", "{}"),
]


@pytest.mark.parametrize(("url", "body"), URLS)
def test_aws4_headers_equal_botocore_byte_for_byte(
    monkeypatch: pytest.MonkeyPatch, url: str, body: str
) -> None:
    ours = aws4_request(url, body)
    theirs = botocore_headers(monkeypatch, url, body)
    for name in ("Content-Type", "X-Amz-Date", "Authorization"):
        assert ours.headers[name].encode() == theirs[name].encode(), name
    assert "X-Osc-Date" not in ours.headers


@pytest.mark.parametrize("port", ["", ":40123"])
def test_emulator_verifies_aws4_and_refuses_a_forged_one(port: str) -> None:
    url, body = f"http://127.0.0.1{port}/api/v1/ReadImages", "{}"
    request = aws4_request(url, body)
    headers = {k.lower(): v for k, v in request.headers.items()}
    args = dict(method="POST", path="/api/v1/ReadImages", query="", body=body.encode(), region=REGION)
    args["now"] = WHEN.timestamp()
    found = verify(**args, headers=headers, secret_for=lambda ak: (SECRET, "123456789012"))
    assert found.account == "123456789012"
    forged = {**headers, "authorization": headers["authorization"][:-4] + "0000"}
    with pytest.raises(SignatureError):
        verify(**args, headers=forged, secret_for=lambda ak: (SECRET, "123456789012"))
    with pytest.raises(SignatureError):  # the OSC4 key derivation does not verify an AWS4 scope
        verify(**args, headers=headers, secret_for=lambda ak: ("OSC4" + SECRET, "123456789012"))


def test_the_signer_is_a_signing_auth_over_a_static_source_and_sends_a_401_once() -> None:
    signer = OscSigner(ACCESS, SECRET, REGION, signature="aws4")
    assert isinstance(signer, SigningAuth) and isinstance(signer.source, StaticSource)
    sent: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(401, json={"Errors": [{"Code": "1", "Type": "AccessDenied"}]})

    with httpx.Client(transport=httpx.MockTransport(refuse), auth=signer) as client:
        assert client.post("http://127.0.0.1:1/api/v1/ReadImages", content=b"{}").status_code == 401
    assert len(sent) == 1 and sent[0].headers["Authorization"].startswith("AWS4-HMAC-SHA256 ")


def test_no_secret_in_reprs() -> None:
    signer = OscSigner(ACCESS, SECRET, REGION, signature="aws4")
    for text in (repr(signer), repr(signer.source), repr(signer.source.current())):
        assert SECRET not in text and ACCESS in repr(signer)


def test_the_declared_choices_are_the_signer_schemes() -> None:
    setting = next(s for s in SETTINGS if s.name == "signature_version")
    assert setting.choices == SIGNATURES == ("osc4", "aws4")


# ------------------------------------------------------------------------------ settings
def profile_file(tmp_path: Path, **fields: object) -> Path:
    path = tmp_path / "config.json"
    base = {"access_key": "FILEAK", "secret_key": "FILESECRET0123456789", "region": "eu-west-2"}
    path.write_text(json.dumps({"default": {**base, **fields}}))
    return path


def test_signature_version_from_argument_and_environment(tmp_path: Path) -> None:
    path = str(profile_file(tmp_path))
    env = {"OSC_CONFIG_FILE": path}
    assert load_credentials(environ=env).signature_version == "osc4"
    aws_env = {**env, "IMAGEOPS_OUTSCALE_SIGNATURE_VERSION": "aws4"}
    assert load_credentials(environ=aws_env).signature_version == "aws4"
    assert load_credentials(signature_version="osc4", environ=aws_env).signature_version == "osc4"


@pytest.mark.parametrize(
    ("kwargs", "env", "expected"),
    [
        ({"signature_version": "sigv2"}, {}, "signature_version must be one of osc4, aws4, not 'sigv2'"),
        ({}, {"IMAGEOPS_OUTSCALE_SIGNATURE_VERSION": "OSC4"}, "IMAGEOPS_OUTSCALE_SIGNATURE_VERSION) must be"),
        ({"x509_client_key": "KEY"}, {}, "x509_client_key is set without x509_client_cert"),
        ({"x509_client_cert": "missing.pem"}, {}, "x509_client_cert names missing.pem, which is not a file"),
        ({}, {"OSC_X509_CLIENT_CERT": "nowhere/c.pem"}, "x509_client_cert names nowhere/c.pem"),
    ],
)
def test_bad_settings_fail_before_any_call_naming_option_and_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kwargs: dict, env: dict, expected: str
) -> None:
    if kwargs.get("x509_client_key") == "KEY":
        kwargs = {**kwargs, "x509_client_key": str(tmp_path / "key.pem")}
        (tmp_path / "key.pem").write_text("not used")
    monkeypatch.setattr("imageops.outscale.build_client", _no_client)
    with pytest.raises(ConfigError, match="^.*" + expected.replace("(", r"\(").replace(")", r"\)")):
        connect(config_file=profile_file(tmp_path), **kwargs, **_env(monkeypatch, env))


def _env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> dict[str, str]:
    for name in ("IMAGEOPS_OUTSCALE_SIGNATURE_VERSION", "OSC_X509_CLIENT_CERT", "OSC_X509_CLIENT_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return {}


def _no_client(**_: object) -> httpx.Client:
    raise AssertionError("a client was built: the bad setting was not refused first")


def test_a_profile_with_a_login_and_no_key_pair_says_why(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"default": {"login": "me@example.com", "password": "Pa55-planted-word"}}))
    with pytest.raises(ConfigError) as caught:
        load_credentials(config_file=path, environ={})
    message = str(caught.value)
    assert "login and password only for access-key and API-access calls, never for images" in message
    assert "Pa55-planted-word" not in message


def test_client_certificate_from_the_profile_and_environment(tmp_path: Path) -> None:
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("cert"), key.write_text("key")
    path = profile_file(tmp_path, x509_client_cert=str(cert), x509_client_key=str(key))
    loaded = load_credentials(config_file=path, environ={})
    assert (loaded.x509_client_cert, loaded.x509_client_key) == (str(cert), str(key))
    other = tmp_path / "other.pem"
    other.write_text("cert and key")
    from_env = load_credentials(config_file=path, environ={"OSC_X509_CLIENT_CERT": str(other)})
    assert from_env.x509_client_cert == str(other)


def test_a_certificate_that_is_not_pem_is_a_config_error_without_its_content(tmp_path: Path) -> None:
    cert = tmp_path / "c.pem"
    cert.write_text("-----BEGIN PRIVATE KEY-----\nplanted-key-bytes\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ConfigError, match="cannot be used") as caught:
        transport.build_client(base_url="https://127.0.0.1:1/", client_cert=(str(cert), None))
    assert "planted-key-bytes" not in str(caught.value)


def test_a_profile_with_a_login_and_a_key_pair_signs_with_the_key_pair(tmp_path: Path) -> None:
    path = profile_file(tmp_path, login="me@example.com", password="Pa55-planted-word")
    loaded = load_credentials(config_file=path, environ={})
    assert loaded.access_key == "FILEAK" and "Pa55-planted-word" not in repr(loaded)
    assert redact("password Pa55-planted-word") == "password ***"
