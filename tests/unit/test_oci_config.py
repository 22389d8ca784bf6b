"""OCI credentials: precedence, profiles, errors, and no secret in any repr or message."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from imageops.errors import ConfigError
from imageops.oci import connect
from imageops.oci.config import OciCredentials, load_credentials
from imageops.redact import redact

PASS = "s3cret-passphrase-xyz"
FP = "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99"


@pytest.fixture(scope="module")
def pems() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    plain = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASS.encode()),
    )
    return plain, encrypted


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pems: tuple[bytes, bytes]) -> Path:
    """A fake HOME with ~/.oci/config (DEFAULT + OTHER + ENC) and no OCI env vars."""
    for name in (
        "OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE", "IMAGEOPS_OCI_CONFIG_FILE", "OCI_CLI_PROFILE",
        "IMAGEOPS_OCI_PROFILE",
        "OCI_CLI_TENANCY", "OCI_CLI_USER", "OCI_CLI_FINGERPRINT", "OCI_CLI_KEY_FILE",
        "OCI_CLI_KEY_CONTENT", "OCI_CLI_REGION", "OCI_REGION", "IMAGEOPS_OCI_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    oci = tmp_path / ".oci"
    oci.mkdir()
    (oci / "key.pem").write_bytes(pems[0])
    (oci / "enc.pem").write_bytes(pems[1])
    (oci / "config").write_text(
        "[DEFAULT]\n"
        "tenancy = ocid1.tenancy.oc1..default\n"
        "user = ocid1.user.oc1..default\n"
        f"fingerprint = {FP}\n"
        "key_file = ~/.oci/key.pem\n"
        "region = us-phoenix-1\n"
        "\n[OTHER]\n"
        "user = ocid1.user.oc1..other\n"
        "region = eu-frankfurt-1\n"
        "\n[ENC]\n"
        "key_file = ~/.oci/enc.pem\n"
        f"pass_phrase = {PASS}\n"
    )
    return tmp_path


def test_default_profile_from_default_file(home: Path) -> None:
    creds = load_credentials()
    assert creds.tenancy == "ocid1.tenancy.oc1..default"
    assert creds.region == "us-phoenix-1"
    assert creds.key_file == str(home / ".oci" / "key.pem")  # ~ expanded
    assert creds.endpoint == "https://iaas.us-phoenix-1.oraclecloud.com"
    assert creds.key_id == f"ocid1.tenancy.oc1..default/ocid1.user.oc1..default/{FP}"
    assert creds.profile == "DEFAULT"


def test_profile_inherits_from_default(home: Path) -> None:
    creds = load_credentials(profile="OTHER")
    assert creds.user == "ocid1.user.oc1..other"
    assert creds.region == "eu-frankfurt-1"
    assert creds.tenancy == "ocid1.tenancy.oc1..default"  # inherited
    assert creds.fingerprint == FP


def test_oci_cli_profile_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCI_CLI_PROFILE", "OTHER")
    assert load_credentials().user == "ocid1.user.oc1..other"
    assert load_credentials(profile="DEFAULT").user == "ocid1.user.oc1..default"  # argument wins


def test_oci_config_file_env(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "elsewhere.ini"
    other.write_text(
        "[DEFAULT]\ntenancy = ocid1.tenancy.oc1..env\nuser = ocid1.user.oc1..env\n"
        f"fingerprint = {FP}\nkey_file = ~/.oci/key.pem\nregion = ap-tokyo-1\n"
    )
    monkeypatch.setenv("OCI_CONFIG_FILE", str(other))
    assert load_credentials().tenancy == "ocid1.tenancy.oc1..env"
    assert load_credentials(config_file=home / ".oci" / "config").tenancy == "ocid1.tenancy.oc1..default"


def test_explicit_beats_env_beats_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCI_CLI_REGION", "uk-london-1")
    monkeypatch.setenv("OCI_CLI_USER", "ocid1.user.oc1..fromenv")
    creds = load_credentials()
    assert creds.region == "uk-london-1"
    assert creds.user == "ocid1.user.oc1..fromenv"
    assert creds.tenancy == "ocid1.tenancy.oc1..default"
    creds = load_credentials(region="sa-saopaulo-1", user="ocid1.user.oc1..explicit")
    assert creds.region == "sa-saopaulo-1"
    assert creds.user == "ocid1.user.oc1..explicit"


def test_everything_explicit_needs_no_file(tmp_path: Path, monkeypatch, pems) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.oci/config at all
    for name in ("OCI_CONFIG_FILE", "IMAGEOPS_OCI_CONFIG_FILE", "OCI_CLI_PROFILE", "IMAGEOPS_OCI_PROFILE",
                 "IMAGEOPS_OCI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    creds = load_credentials(
        tenancy="ocid1.tenancy.oc1..x", user="ocid1.user.oc1..x", fingerprint=FP,
        key_content=pems[0].decode(), region="us-ashburn-1", endpoint="http://127.0.0.1:9/",
    )
    assert creds.endpoint == "http://127.0.0.1:9"
    assert creds.key_file is None and creds.config_file is None


def test_endpoint_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGEOPS_OCI_ENDPOINT", "http://127.0.0.1:4567")
    assert load_credentials().endpoint == "http://127.0.0.1:4567"
    assert load_credentials(endpoint="http://127.0.0.1:1").endpoint == "http://127.0.0.1:1"


def test_missing_profile(home: Path) -> None:
    with pytest.raises(ConfigError, match=r"profile 'NOPE' not found in OCI config file .*config"):
        load_credentials(profile="NOPE")


def test_missing_config_file_named(home: Path) -> None:
    with pytest.raises(ConfigError, match=r"does-not-exist.*does not exist"):
        load_credentials(config_file=home / "does-not-exist")


def test_missing_keys_are_named(home: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    partial.write_text("[DEFAULT]\ntenancy = ocid1.tenancy.oc1..p\nregion = us-phoenix-1\n")
    with pytest.raises(ConfigError) as info:
        load_credentials(config_file=partial)
    message = str(info.value)
    assert "user, fingerprint, key_file not set" in message
    assert "profile 'DEFAULT'" in message


def test_missing_key_file(home: Path) -> None:
    with pytest.raises(ConfigError, match=r"key_file .*nowhere\.pem does not exist"):
        load_credentials(key_file="~/nowhere.pem")


def test_key_content_refused_in_file(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("[DEFAULT]\nkey_content = abcdefgh\n")
    with pytest.raises(ConfigError, match="key_content cannot be set") as info:
        load_credentials(config_file=bad)
    assert "abcdefgh" not in str(info.value)


def test_pass_phrase_from_file_and_encrypted_key(home: Path) -> None:
    creds = load_credentials(profile="ENC")
    assert creds.pass_phrase == PASS
    driver = connect(profile="ENC")  # the key loads with the file's passphrase
    driver.close()


def test_wrong_pass_phrase_message_has_no_secret(home: Path) -> None:
    with pytest.raises(ConfigError) as info:
        connect(profile="ENC", pass_phrase="wrong-one-123")
    assert "wrong-one-123" not in str(info.value)
    assert PASS not in str(info.value)


def test_repr_and_str_hide_secrets(home: Path, pems: tuple[bytes, bytes]) -> None:
    creds = load_credentials(profile="ENC")
    for text in (repr(creds), str(creds)):
        assert PASS not in text
        assert "BEGIN" not in text
        assert "<hidden>" in text
        body_line = pems[1].decode().splitlines()[1]
        assert body_line not in text
    assert isinstance(creds, OciCredentials)


def test_secrets_registered_with_redact(home: Path, pems: tuple[bytes, bytes], caplog) -> None:
    load_credentials(profile="ENC")
    key_line = pems[1].decode().splitlines()[2]
    assert PASS not in redact(f"oops {PASS} leaked")
    assert key_line not in redact(f"fragment: {key_line}")
    with caplog.at_level(logging.INFO, logger="imageops"):
        logging.getLogger("imageops").info("passphrase is %s", PASS)
    assert PASS not in caplog.text


def test_redact_patterns() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----"
    assert redact(f"key: {pem} end") == "key: *** end"
    assert "MIIxyz" not in redact("-----BEGIN PRIVATE KEY-----\nMIIxyz truncated")
    header = 'Signature algorithm="rsa-sha256",keyId="a/b/c",signature="c2lnbmF0dXJl",version="1"'
    assert "c2lnbmF0dXJl" not in redact(header)
    assert redact("Authorization: Bearer abc.def") == "Authorization: ***"
    assert "tok" not in redact("{'authorization': 'tok', 'date': 'x'}")
    url = "GET https://ecs.aliyuncs.com/?Action=DescribeImages&Signature=abc%2Bdef&Version=2014"
    assert redact(url) == "GET https://ecs.aliyuncs.com/?Action=DescribeImages&Signature=***&Version=2014"
    assert redact("NotAuthorizedOrNotFound: Authorization failed") == (
        "NotAuthorizedOrNotFound: Authorization failed"
    )


def test_httpx_logger_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info('HTTP Request: GET http://x/?a=1&Signature=zzzSIGzzz "HTTP/1.1 200"')
    assert "zzzSIGzzz" not in caplog.text
