"""No OUTSCALE secret key ever comes back from the provider: not in outputs, ``__provider`` or errors.

The key pair is planted through the stack configuration (``imageops:outscaleAccessKey`` and the
secret ``imageops:outscaleSecretKey``), the way a user keeps it out of files; every byte the
provider server returns, and its stderr, is searched for the secret key.
"""

from __future__ import annotations

import base64

import pytest
from test_outscale_lifecycle import from_vm, osc_config, osc_env

from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

pytestmark = pytest.mark.timeout(120)

PLANTED = "Planted-Osc-Secret-Key-Zebra-4711"


def assert_clean(received: list[bytes], secrets: list[str]) -> None:
    assert received, "nothing was received"
    blob = b"\n".join(received)
    for secret in secrets:
        assert secret.encode() not in blob, f"secret leaked: {secret[:6]}..."
        assert base64.b64encode(secret.encode())[:16] not in blob  # the pickled provider is base64


def test_no_secret_key_in_outputs_provider_blob_or_errors(emu_env):
    secret = emu_env["IMAGEOPS_OUTSCALE_OTHER_SECRET_KEY"]
    config = osc_config(emu_env, "IMAGEOPS_OUTSCALE_OTHER_")
    inputs = from_vm(emu_env, "pulumi-osc-secret", tags=[{"key": "k", "value": "v"}])
    inputs["vm_id"] = emu_env["IMAGEOPS_OUTSCALE_OTHER_VM_ID"]
    with ProviderHarness("outscale", env=osc_env(emu_env), config=config) as harness:
        engine = Engine(harness)
        state, _ = engine.up("secret", inputs)
        assert state.outputs["account_id"] == emu_env["IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID"]
        state, action = engine.up("secret", {**inputs, "tags": [{"key": "k", "value": "w"}]}, state)
        assert action == "update"
        assert engine.refresh(state) is not None
        assert engine.get("secret-copy", state.id) is not None
        engine.destroy(state)
        provider_blob = base64.b64decode(harness.provider_blob)
        assert len(provider_blob) < 200 and b"outscale" in provider_blob
        assert_clean(harness.received, [secret])
        assert secret not in harness.stderr()

    # a wrong secret key: the API's authentication error, without the key
    with ProviderHarness(
        "outscale", env=osc_env(emu_env), config={**config, "imageops:outscaleSecretKey": PLANTED}
    ) as harness:
        engine = Engine(harness)
        with pytest.raises(ProviderCallError) as caught:
            engine.up("secret", inputs)
        assert "create failed" in caught.value.details
        assert "401" in caught.value.details or "Auth" in caught.value.details
        with pytest.raises(ProviderCallError):
            harness.read("ami-12345678", engine.urn("x"), None, {})
        assert_clean(harness.received, [secret, PLANTED])
        assert PLANTED not in harness.stderr() and secret not in harness.stderr()
