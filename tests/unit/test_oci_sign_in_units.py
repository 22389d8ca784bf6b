"""OCI sign-in without a server: token signers byte-equal to the SDK's, settings refused before any
call, the session token's expiry, the resource principal's variables.

The instance principal's signer against the SDK's, and everything that needs the emulator, is in
``tests/integration/test_oci_sign_in.py`` (this file's name differs from it: pytest imports test
modules by their base name).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from oci._vendor import requests
from oci.auth.federation_client import AuthTokenRequestSigner
from oci.auth.signers import EphemeralResourcePrincipalSigner, SecurityTokenSigner

import imageops.oci as oci_core
from imageops.credentials import RefreshingSource, StaticSource
from imageops.errors import ConfigError
from imageops.oci.auth import OciSigner, SigningKey
from imageops.oci.config import load_credentials
from imageops.oci.federation import (
    FEDERATION_HEADERS,
    InstancePrincipal,
    federation_key_id,
    sanitize_pem,
    tenancy_of,
)
from imageops.oci.tokens import claims, resource_principal, session_token_source
from imageops.transport import RetryPolicy

DATE = "Thu, 05 Jan 2014 21:31:40 GMT"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaasignin"
BODY = json.dumps({"compartmentId": "ocid1.compartment.oc1..aaaa", "displayName": "image 1"}).encode()
URL = "https://iaas.us-ashburn-1.oraclecloud.com/20160918/images"
CASES = [
    ("GET", f"{URL}/ocid1.image.oc1.iad.abc", None),
    ("GET", f"{URL}?compartmentId=ocid1.compartment.oc1..a&limit=10", None),
    ("POST", URL, BODY),
    ("PUT", f"{URL}/ocid1.image.oc1.iad.abc", BODY),
    ("DELETE", f"{URL}/ocid1.image.oc1.iad.abc", None),
    ("POST", "http://127.0.0.1:8123/20160918/images", BODY),
]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(**claims: Any) -> str:
    """A JWT-shaped token (not verifiable: only a server verifies tokens)."""
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}.{b64url(b'signature')}"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def sdk_headers(signer: Any, method: str, url: str, body: bytes | None) -> dict[str, str]:
    prepared = requests.Request(method, url, headers={"date": DATE}, data=body).prepare()
    signer(prepared)
    return {k.lower(): v for k, v in prepared.headers.items()}


def our_headers(signer: OciSigner, method: str, url: str, body: bytes | None) -> dict[str, str]:
    request = httpx.Request(method, url, headers={"date": DATE}, content=body)
    return dict(next(signer.auth_flow(request)).headers)


# ------------------------------------------------------------------- (a) byte for byte, the SDK's
@pytest.mark.parametrize(("method", "url", "body"), CASES)
def test_security_token_signer_equals_the_sdks(key, method, url, body):
    token = make_jwt(exp=time.time() + 3600, tenant=TENANCY)
    ours = OciSigner.over(StaticSource(SigningKey.for_token(token, key)))
    theirs = SecurityTokenSigner(token, key)
    mine = our_headers(ours, method, url, body)
    assert mine["authorization"] == sdk_headers(theirs, method, url, body)["authorization"]
    assert f'keyId="ST${token}"' in mine["authorization"]


@pytest.mark.parametrize(("method", "url", "body"), CASES[:3])
def test_session_token_profile_signs_as_the_sdk(tmp_path, key, method, url, body):
    """The profile's token file and key, as ``oci session authenticate`` writes them."""
    token = make_jwt(exp=time.time() + 3600)
    (tmp_path / "token").write_text(token + "\n")
    source = session_token_source(
        token_file=str(tmp_path / "token"), key_pem=pem(key), pass_phrase=None, profile="P"
    )
    theirs = SecurityTokenSigner(token, key)
    assert (
        our_headers(OciSigner.over(source), method, url, body)["authorization"]
        == (sdk_headers(theirs, method, url, body)["authorization"])
    )


@pytest.mark.parametrize("as_files", [False, True], ids=["values", "files"])
@pytest.mark.parametrize(("method", "url", "body"), CASES[:3])
def test_resource_principal_signer_equals_the_sdks(tmp_path, key, as_files, method, url, body):
    token = make_jwt(exp=time.time() + 3600, res_tenant=TENANCY, res_compartment="c")
    rpst, private = token, pem(key).decode()
    if as_files:  # absolute paths: the SDK reads the files (the platform rotates them)
        (tmp_path / "rpst").write_text(token)
        (tmp_path / "key.pem").write_text(private)
        rpst, private = str(tmp_path / "rpst"), str(tmp_path / "key.pem")
    environ = {
        "OCI_RESOURCE_PRINCIPAL_VERSION": "2.2",
        "OCI_RESOURCE_PRINCIPAL_RPST": rpst,
        "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": private,
        "OCI_RESOURCE_PRINCIPAL_REGION": "us-ashburn-1",
    }
    source, region = resource_principal(environ)
    theirs = EphemeralResourcePrincipalSigner(session_token=rpst, private_key=private, region="us-ashburn-1")
    assert region == theirs.region == "us-ashburn-1"
    assert (
        our_headers(OciSigner.over(source), method, url, body)["authorization"]
        == (sdk_headers(theirs, method, url, body)["authorization"])
    )


def test_federation_request_is_signed_as_the_sdks_auth_token_request_signer(key):
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "instance"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"opc-tenant:{TENANCY}", _validate=False),
        ]
    )
    now = time.time()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime.fromtimestamp(now - 60, dt.UTC))
        .not_valid_after(dt.datetime.fromtimestamp(now + 3600, dt.UTC))
        .sign(key, hashes.SHA256())
    )
    assert tenancy_of(cert) == TENANCY

    class Retriever:  # what AuthTokenRequestSigner asks of the SDK's certificate retriever
        def get_private_key(self) -> rsa.RSAPrivateKey:
            return key

    fingerprint = federation_key_id(TENANCY, cert).split("/fed-x509/")[1]
    theirs = AuthTokenRequestSigner(TENANCY, fingerprint, Retriever())
    ours = OciSigner(federation_key_id(TENANCY, cert), key, generic_headers=FEDERATION_HEADERS)
    body = json.dumps({"certificate": sanitize_pem(cert.public_bytes(serialization.Encoding.PEM))}).encode()
    url = "https://auth.us-ashburn-1.oraclecloud.com/v1/x509"
    mine = our_headers(ours, "POST", url, body)["authorization"]
    assert mine == sdk_headers(theirs, "POST", url, body)["authorization"]
    assert 'headers="date (request-target) content-length content-type x-content-sha256"' in mine


def test_a_token_never_shows_in_a_repr(key):
    token = make_jwt(exp=time.time() + 3600)
    signing_key = SigningKey.for_token(token, key)
    signer = OciSigner.over(StaticSource(signing_key))
    for text in (repr(signing_key), repr(signer), str(signer)):
        assert token not in text and "eyJ" not in text


# ------------------------------------------------------------------- session token expiry
def session_profile(tmp_path: Path, key: rsa.RSAPrivateKey, token: str, profile: str = "SESSION") -> Path:
    (tmp_path / "key.pem").write_bytes(pem(key))
    (tmp_path / "token").write_text(token)
    config = tmp_path / "config"
    config.write_text(
        f"[{profile}]\nfingerprint=aa:bb\nkey_file={tmp_path / 'key.pem'}\ntenancy={TENANCY}\n"
        f"region=us-ashburn-1\nsecurity_token_file={tmp_path / 'token'}\n"
    )
    return config


def no_calls(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Any HTTP request the core would send is recorded (and refused) instead."""
    sent: list[httpx.Request] = []

    def refuse(self: Any, request: httpx.Request, *args: Any, **kwargs: Any) -> httpx.Response:
        sent.append(request)
        raise AssertionError(f"no call expected, got {request.method} {request.url}")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)
    return sent


def test_an_expired_session_token_fails_before_any_call_naming_oci_session_refresh(
    tmp_path, key, monkeypatch
):
    sent = no_calls(monkeypatch)
    token = make_jwt(exp=time.time() - 10)
    config = session_profile(tmp_path, key, token, profile="WORK")
    with pytest.raises(ConfigError) as caught:
        oci_core.connect(auth="security_token", config_file=str(config), profile="WORK")
    message = str(caught.value)
    assert "oci session refresh --profile WORK" in message
    assert message.count("expired") == 1 and token not in message
    assert sent == []


def test_a_refreshed_token_file_is_read_again_before_failing(tmp_path, key):
    """The token file is read again when the token held nears expiry: `oci session refresh` run
    meanwhile is picked up, and only a token still expired in the file fails."""
    now = [1_000_000.0]
    first, second = make_jwt(exp=now[0] + 100), make_jwt(exp=now[0] + 3700)
    config = session_profile(tmp_path, key, first)
    creds = load_credentials(auth="security_token", config_file=str(config), profile="SESSION")
    source = session_token_source(
        token_file=creds.security_token_file or "",
        key_pem=creds.key_pem,
        pass_phrase=None,
        profile="SESSION",
        clock=lambda: now[0],
    )
    assert source.current().key_id == f"ST${first}"
    (tmp_path / "token").write_text(second)  # the user ran `oci session refresh`
    now[0] += 90
    assert source.current().key_id == f"ST${second}"
    now[0] += 3700
    with pytest.raises(ConfigError, match="oci session refresh --profile SESSION"):
        source.current()


# ------------------------------------------------------------------- (f) bad settings, no call
BAD = [
    ({"auth": "password"}, {}, r"auth_type must be one of api_key, security_token, instance_principal"),
    ({}, {"OCI_CLI_AUTH": "instance-principal"}, r"auth_type \(from the environment variable OCI_CLI_AUTH\)"),
    ({"auth": "instance_principal", "user": "ocid1.user.oc1..u"}, {}, r"api_user cannot be combined"),
    (
        {"auth": "resource_principal", "key_file": "/k.pem", "pass_phrase": "x"},
        {},
        r"api_user_key_file, api_user_key_pass_phrase cannot be combined with auth_type=resource_principal",
    ),
    ({"auth": "security_token", "fingerprint": "aa:bb"}, {}, r"api_user_fingerprint cannot be combined"),
    ({"auth": "resource_principal"}, {}, r"needs the OCI_RESOURCE_PRINCIPAL_VERSION variable"),
    (
        {"auth": "resource_principal"},
        {"OCI_RESOURCE_PRINCIPAL_VERSION": "1.1"},
        r"OCI_RESOURCE_PRINCIPAL_VERSION must be 2.2, not '1.1'",
    ),
    (
        {"auth": "resource_principal"},
        {"OCI_RESOURCE_PRINCIPAL_VERSION": "2.2", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": "x"},
        r"needs OCI_RESOURCE_PRINCIPAL_RPST",
    ),
]


@pytest.mark.parametrize(("settings", "environ", "rule"), BAD)
def test_bad_settings_fail_before_any_call_naming_the_option_and_rule(
    tmp_path, monkeypatch, settings, environ, rule
):
    sent = no_calls(monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("OCI_CLI_AUTH", "OCI_ANSIBLE_AUTH_TYPE", "OCI_RESOURCE_PRINCIPAL_VERSION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=rule):
        oci_core.connect(region="us-ashburn-1", endpoint="http://127.0.0.1:9", **settings)
    assert sent == []


def test_a_missing_token_file_fails_naming_the_profile_and_the_command(tmp_path, key, monkeypatch):
    sent = no_calls(monkeypatch)
    config = session_profile(tmp_path, key, make_jwt(exp=time.time() + 3600))
    (tmp_path / "token").unlink()
    with pytest.raises(ConfigError, match=r"security_token_file .*token of profile 'SESSION' does not exist"):
        oci_core.connect(auth="security_token", config_file=str(config), profile="SESSION")
    no_token_file = tmp_path / "plain"
    no_token_file.write_text(f"[DEFAULT]\nkey_file={tmp_path / 'key.pem'}\nregion=us-ashburn-1\n")
    with pytest.raises(ConfigError, match=r"auth_type=security_token needs security_token_file"):
        oci_core.connect(auth="security_token", config_file=str(no_token_file))
    assert sent == []


def test_environment_variables_of_another_mode_are_ignored_not_refused(tmp_path, key, monkeypatch):
    """Only explicit API-key settings are ambiguous; OCI_CLI_USER in the environment is ignored by a
    session-token profile, as the OCI CLI ignores it."""
    config = session_profile(tmp_path, key, make_jwt(exp=time.time() + 3600))
    creds = load_credentials(
        auth="security_token",
        config_file=str(config),
        profile="SESSION",
        environ={"OCI_CLI_USER": "ocid1.user.oc1..ignored", "OCI_ANSIBLE_AUTH_TYPE": "api_key"},
    )
    assert creds.auth == "security_token" and creds.security_token_file == str(tmp_path / "token")


def test_jwt_claims_are_read_without_the_token_in_errors():
    assert claims(make_jwt(exp=5, a="b")) == {"exp": 5, "a": "b"}
    with pytest.raises(ValueError) as caught:
        claims("secret-not-a-jwt")
    assert "secret" not in str(caught.value)


# ------------------------------------------------------------------- (d) a 401 is retried once at most
def count_401s(source: Any) -> tuple[int, httpx.Response]:
    """Requests sent through our signer to a server that refuses every one of them."""
    seen: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401, json={"code": "NotAuthenticated", "message": "no"})

    with httpx.Client(transport=httpx.MockTransport(refuse), auth=OciSigner.over(source)) as client:
        response = client.get("http://127.0.0.1:9/20160918/images/x")
    return len(seen), response


def test_an_api_key_401_is_not_retried(key):
    sent, response = count_401s(StaticSource(SigningKey("t/u/f", key)))
    assert (sent, response.status_code) == (1, 401)


def test_a_session_token_401_is_retried_only_if_the_file_holds_a_new_token(tmp_path, key):
    token = make_jwt(exp=time.time() + 3600)
    (tmp_path / "token").write_text(token)
    source = session_token_source(
        token_file=str(tmp_path / "token"), key_pem=pem(key), pass_phrase=None, profile="P"
    )
    assert count_401s(source)[0] == 1  # the same token again: nothing to retry with

    class Rotating:  # the file changes at every read: still one retry, never two
        def __init__(self) -> None:
            self.reads = 0

        def current(self) -> SigningKey:
            return SigningKey.for_token(make_jwt(exp=time.time() + 3600, n=self.reads), key)

        def renew(self) -> bool:
            self.reads += 1
            return True

    rotating = Rotating()
    assert count_401s(rotating)[0] == 2 and rotating.reads == 1


# ------------------------------------------------------------------- instance principal, mocked
def test_instance_principal_federation_is_retried_on_5xx_and_fetched_again_before_expiry(key):
    """A mock metadata service and federation endpoint: the federation POST is retried after a 503
    (it changes nothing), a new token (with a new session key) is fetched once less than five
    minutes of it are left, and every metadata GET carries the IMDSv2 header."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "instance"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"opc-tenant:{TENANCY}", _validate=False),
        ]
    )
    start = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(start - dt.timedelta(minutes=1))
        .not_valid_after(start + dt.timedelta(hours=1))
        .sign(key, hashes.SHA256())
    )
    now = [1_000_000.0]
    served = {
        "/opc/v2/identity/cert.pem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "/opc/v2/identity/key.pem": pem(key).decode(),
        "/opc/v2/identity/intermediate.pem": cert.public_bytes(serialization.Encoding.PEM).decode(),
        "/opc/v2/instance/canonicalRegionName": "us-phoenix-1",
    }
    log: list[tuple[str, str, int]] = []
    answers = iter([503, 200, 200])

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/x509":
            status = next(answers)
            log.append(("POST", request.headers["authorization"], status))
            body = json.loads(request.content)
            assert set(body) == {"certificate", "publicKey", "intermediateCertificates"}
            token = make_jwt(exp=now[0] + 1200, tenant=TENANCY, key=body["publicKey"][-24:])
            return httpx.Response(status, json={"token": token} if status == 200 else {"code": "Busy"})
        assert request.headers["authorization"] == "Bearer Oracle"
        log.append(("GET", request.url.path, 200))
        return httpx.Response(200, text=served[request.url.path])

    principal = InstancePrincipal(
        metadata_base_url="http://metadata.test/opc/v2",
        clock=lambda: now[0],
        transport=httpx.MockTransport(handle),
        retry=RetryPolicy(max_attempts=3, backoff_base=0.001),
    )
    assert principal.region() == "us-phoenix-1"
    assert principal.federation_endpoint() == "https://auth.us-phoenix-1.oraclecloud.com/v1/x509"
    principal = InstancePrincipal(
        metadata_base_url="http://metadata.test/opc/v2",
        federation_endpoint="http://auth.test/v1/x509",
        region="us-phoenix-1",
        clock=lambda: now[0],
        transport=httpx.MockTransport(handle),
        retry=RetryPolicy(max_attempts=3, backoff_base=0.001),
    )
    source = RefreshingSource(principal.fetch, clock=lambda: now[0])
    first = source.current()
    posts = [entry for entry in log if entry[0] == "POST"]
    assert [status for _, _, status in posts] == [503, 200]
    assert posts[0][1].startswith(
        'Signature algorithm="rsa-sha256",headers="date (request-target) content-length'
    )
    assert f'keyId="{TENANCY}/fed-x509/' in posts[0][1] and principal.tenancy == TENANCY
    now[0] += 500  # 700 s of 1200 left: the same token
    assert source.current() is first
    now[0] += 400  # 300 s left (the refresh margin): fetched again, with a new session key
    second = source.current()
    assert second.key_id != first.key_id and second.private_key is not first.private_key
    assert source.fetches == 2


def test_a_session_profile_used_as_an_api_key_says_which_auth_type_to_set(tmp_path, key):
    config = session_profile(tmp_path, key, make_jwt(exp=time.time() + 3600))
    with pytest.raises(ConfigError, match=r"user not set .*set auth_type to security_token$"):
        load_credentials(config_file=str(config), profile="SESSION", environ={})
