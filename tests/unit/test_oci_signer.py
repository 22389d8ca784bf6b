"""Our OciSigner against the official SDK's oci.signer.Signer: identical Authorization headers."""

from __future__ import annotations

import json

import httpx
import oci.signer as oci_signer
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oci._vendor import requests

from imageops.errors import ConfigError
from imageops.oci.auth import OciSigner, load_private_key

TENANCY = "ocid1.tenancy.oc1..aaaaaaaatenancy"
USER = "ocid1.user.oc1..aaaaaaaauser"
FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34"
DATE = "Thu, 05 Jan 2014 21:31:40 GMT"
PASS_PHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def plain_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="module")
def encrypted_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASS_PHRASE.encode()),
    )


def sdk_authorization(pem: bytes, pass_phrase: str | None, method: str, url: str, headers, body) -> dict:
    signer = oci_signer.Signer(
        TENANCY, USER, FINGERPRINT, None, pass_phrase=pass_phrase, private_key_content=pem.decode()
    )
    prepared = requests.Request(method, url, headers=dict(headers), data=body).prepare()
    signer(prepared)
    return {k.lower(): v for k, v in prepared.headers.items()}


def our_authorization(pem: bytes, pass_phrase: str | None, method: str, url: str, headers, body) -> dict:
    signer = OciSigner.from_pem(
        tenancy=TENANCY, user=USER, fingerprint=FINGERPRINT, key_pem=pem, pass_phrase=pass_phrase
    )
    request = httpx.Request(method, url, headers=dict(headers), content=body)
    flow = signer.auth_flow(request)
    signed = next(flow)
    return dict(signed.headers)


BODY = json.dumps({"compartmentId": "ocid1.compartment.oc1..aaaa", "displayName": "image 1"}).encode()
CASES = [
    ("GET", "https://iaas.us-phoenix-1.oraclecloud.com/20160918/images/ocid1.image.oc1.phx.abc", None),
    (
        "GET",
        "https://iaas.us-phoenix-1.oraclecloud.com/20160918/images?compartmentId=ocid1.compartment.oc1..a&limit=10",
        None,
    ),
    ("POST", "https://iaas.us-phoenix-1.oraclecloud.com/20160918/images", BODY),
    ("PUT", "https://iaas.us-phoenix-1.oraclecloud.com/20160918/images/ocid1.image.oc1.phx.abc", BODY),
    ("DELETE", "https://iaas.us-phoenix-1.oraclecloud.com/20160918/images/ocid1.image.oc1.phx.abc", None),
    ("GET", "http://127.0.0.1:8123/20160918/images/ocid1.image.oc1.phx.abc", None),
    ("POST", "http://127.0.0.1:8123/20160918/images", BODY),
]


IDS = [f"{m}-{i}" for i, (m, _, _) in enumerate(CASES)]


@pytest.mark.parametrize(("method", "url", "body"), CASES, ids=IDS)
def test_same_authorization_as_sdk(plain_pem: bytes, method: str, url: str, body: bytes | None) -> None:
    headers = {"date": DATE}
    if body is not None:
        headers["content-type"] = "application/json"
    ours = our_authorization(plain_pem, None, method, url, headers, body)
    theirs = sdk_authorization(plain_pem, None, method, url, headers, body)
    assert ours["authorization"] == theirs["authorization"]
    if body is not None:
        for name in ("content-length", "content-type", "x-content-sha256"):
            assert ours[name] == theirs[name]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_same_authorization_with_encrypted_key(encrypted_pem: bytes, method: str) -> None:
    url = "https://iaas.eu-frankfurt-1.oraclecloud.com/20160918/images/ocid1.image.oc1.fra.xyz"
    body = BODY if method in ("POST", "PUT") else None
    headers = {"date": DATE}
    ours = our_authorization(encrypted_pem, PASS_PHRASE, method, url, headers, body)
    theirs = sdk_authorization(encrypted_pem, PASS_PHRASE, method, url, headers, body)
    assert ours["authorization"] == theirs["authorization"]


def test_post_without_content_type_defaults_to_json(plain_pem: bytes) -> None:
    url = "https://iaas.us-ashburn-1.oraclecloud.com/20160918/images"
    ours = our_authorization(plain_pem, None, "POST", url, {"date": DATE}, BODY)
    theirs = sdk_authorization(plain_pem, None, "POST", url, {"date": DATE}, BODY)
    assert ours["content-type"] == "application/json"
    assert ours["authorization"] == theirs["authorization"]


def test_header_shape_and_signed_headers(plain_pem: bytes) -> None:
    get = our_authorization(plain_pem, None, "GET", CASES[0][1], {"date": DATE}, None)["authorization"]
    assert get.startswith('Signature algorithm="rsa-sha256",headers="date (request-target) host",keyId="')
    assert f'keyId="{TENANCY}/{USER}/{FINGERPRINT}"' in get
    assert get.endswith('",version="1"')
    post = our_authorization(plain_pem, None, "POST", CASES[2][1], {"date": DATE}, BODY)["authorization"]
    assert 'headers="date (request-target) host content-length content-type x-content-sha256"' in post


def test_date_from_injectable_clock(key: rsa.RSAPrivateKey) -> None:
    signer = OciSigner("t/u/f", key, clock=lambda: 1_700_000_000.0)
    request = httpx.Request("GET", "https://example.test/x")
    signer.sign(request)
    assert request.headers["date"] == "Tue, 14 Nov 2023 22:13:20 GMT"


def test_signature_verifies_with_public_key(key: rsa.RSAPrivateKey) -> None:
    import base64
    import re

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signer = OciSigner("t/u/f", key, clock=lambda: 0.0)
    request = httpx.Request("DELETE", "http://127.0.0.1:9/20160918/images/x?a=b")
    signer.sign(request)
    signature = re.search(r'signature="([^"]+)"', request.headers["authorization"]).group(1)
    message = (
        f"date: {request.headers['date']}\n"
        "(request-target): delete /20160918/images/x?a=b\n"
        "host: 127.0.0.1:9"
    )
    key.public_key().verify(
        base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_key_errors_name_no_secret(encrypted_pem: bytes, key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigError, match="pass_phrase is required") as missing:
        load_private_key(encrypted_pem, None)
    with pytest.raises(ConfigError, match="pass_phrase is wrong") as wrong:
        load_private_key(encrypted_pem, "not the passphrase")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ConfigError, match="public key"):
        load_private_key(public, None)
    for exc in (missing.value, wrong.value):
        assert "not the passphrase" not in str(exc)
        assert "BEGIN" not in str(exc)


def test_passphrase_ignored_for_plain_key(plain_pem: bytes) -> None:
    assert isinstance(load_private_key(plain_pem, "inherited from DEFAULT"), rsa.RSAPrivateKey)


def test_repr_hides_key(key: rsa.RSAPrivateKey) -> None:
    assert repr(OciSigner("t/u/f", key)) == "OciSigner(key_id='t/u/f')"
