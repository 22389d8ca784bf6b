"""No secret ever comes back from the provider: not in outputs, not in ``__provider``, not in errors.

The OTHER profile of the emulator's tenancy signs with an encrypted private key. Its passphrase is
planted through the secret stack configuration (``imageops:ociPassPhrase``), the way a user keeps it
out of files, and every byte the provider server returns is searched for it and for the key's PEM.
"""

from __future__ import annotations

import base64
import configparser
from pathlib import Path

import pytest
from tests_pulumi_support import provider_env

from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

pytestmark = pytest.mark.timeout(120)

PLANTED = "Planted-Passphrase-Zebra-4711"


def other_profile(emu_env) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(emu_env["IMAGEOPS_OCI_CONFIG_FILE"])
    return parser["OTHER"]


def pem_lines(key_file: str) -> list[str]:
    lines = Path(key_file).read_text().splitlines()
    return [line for line in lines if line.strip() and len(line.strip()) >= 16]


def secret_free_config(emu_env, tmp_path: Path) -> Path:
    """The OTHER profile without its pass_phrase line: the passphrase must come from stack config."""
    section = other_profile(emu_env)
    body = "\n".join(f"{k}={v}" for k, v in section.items() if k != "pass_phrase")
    path = tmp_path / "oci-config"
    path.write_text(f"[OTHER]\n{body}\n")
    return path


def assert_clean(received: list[bytes], secrets: list[str]) -> None:
    assert received, "nothing was received"
    blob = b"\n".join(received)
    for secret in secrets:
        assert secret.encode() not in blob, f"secret leaked: {secret[:12]}..."
        # the pickled provider travels base64-encoded: look inside it too
        assert base64.b64encode(secret.encode())[:16] not in blob
    assert b"BEGIN" not in blob and b"PRIVATE KEY" not in blob


def test_no_secret_in_outputs_provider_blob_or_errors(emu_env, tmp_path):
    profile = other_profile(emu_env)
    real_passphrase = profile["pass_phrase"]
    secrets = [real_passphrase, PLANTED, *pem_lines(profile["key_file"])]
    config_file = secret_free_config(emu_env, tmp_path)
    inputs = {
        "compartment_id": emu_env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
        "instance_id": emu_env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
        "display_name": "pulumi-secret",
        "freeform_tags": {"k": "v"},
    }
    good = {
        "imageops:ociConfigFile": str(config_file),
        "imageops:ociProfile": "OTHER",
        "imageops:ociPassPhrase": real_passphrase,
    }
    with ProviderHarness("oci", env=provider_env(emu_env), config=good) as harness:
        engine = Engine(harness)
        state, _ = engine.up("secret", inputs)
        assert state.outputs["compartment_id"] == inputs["compartment_id"]
        state, action = engine.up("secret", {**inputs, "freeform_tags": {"k": "w"}}, state)
        assert action == "update"
        assert engine.refresh(state) is not None
        engine.destroy(state)
        provider_blob = base64.b64decode(harness.provider_blob)
        assert len(provider_blob) < 200 and b"cloud" in provider_blob
        assert_clean(harness.received, secrets)

    # a wrong passphrase (planted), and the key itself pasted into the stack config: the errors say
    # what is wrong without repeating either
    key_text = Path(profile["key_file"]).read_text()
    bad = {**good, "imageops:ociPassPhrase": PLANTED, "imageops:ociKeyContent": key_text}
    with ProviderHarness("oci", env=provider_env(emu_env), config=bad) as harness:
        engine = Engine(harness)
        with pytest.raises(ProviderCallError) as caught:
            engine.up("secret", inputs)
        assert "create failed" in caught.value.details
        assert "pass_phrase is wrong" in caught.value.details or "key" in caught.value.details
        with pytest.raises(ProviderCallError):
            harness.read("ocid1.image.oc1.iad.aaaaaaaanothere", engine.urn("x"), None, {})
        assert_clean(harness.received, secrets)
        assert PLANTED not in harness.stderr() and real_passphrase not in harness.stderr()
