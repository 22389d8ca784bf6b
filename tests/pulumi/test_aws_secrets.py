"""No AWS secret key or session token ever comes back from the provider: not in outputs, state,
``__provider`` or errors.

The credentials are planted through the stack configuration (``imageops:awsAccessKey`` and the
secrets ``imageops:awsSecretKey`` and ``imageops:awsSessionToken``), the way a user keeps them out of
files; every byte the provider server returns, and its stderr, is searched for them.
"""

from __future__ import annotations

import base64

import pytest
from tests_pulumi_support import cloud_config, cloud_env, from_instance

from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

pytestmark = pytest.mark.timeout(120)

TOKEN = "IQoJb3JpZ2luX2VjEPlanted-Pulumi-Session-Token-Kestrel-0815"
PLANTED = "Planted-Aws-Secret-Key-Zebra-4711-abcdefghij"


def assert_clean(received: list[bytes], secrets: list[str]) -> None:
    assert received, "nothing was received"
    blob = b"\n".join(received)
    for secret in secrets:
        assert secret.encode() not in blob, f"secret leaked: {secret[:6]}..."
        assert base64.b64encode(secret.encode())[:16] not in blob  # the pickled provider is base64


def test_no_secret_key_or_session_token_in_outputs_state_provider_blob_or_errors(emu_env):
    secret = emu_env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"]
    config = {**cloud_config("aws", emu_env), "imageops:awsSessionToken": TOKEN}
    inputs = from_instance("aws", emu_env, "pulumi-aws-secret", tags={"k": "v"})
    with ProviderHarness("aws", env=cloud_env("aws", emu_env), config=config) as harness:
        engine = Engine(harness)
        state, _ = engine.up("secret", inputs)
        assert state.outputs["owner_id"] == emu_env["IMAGEOPS_AWS_ACCOUNT_ID"]
        state, action = engine.up("secret", {**inputs, "tags": {"k": "w"}}, state)
        assert action == "update"
        assert engine.refresh(state) is not None
        assert engine.get("secret-copy", state.id) is not None
        everything = repr(state.inputs) + repr(state.outputs)
        engine.destroy(state)
        provider_blob = base64.b64decode(harness.provider_blob)
        assert len(provider_blob) < 200 and b"aws" in provider_blob
        assert_clean(harness.received, [secret, TOKEN])
        assert secret not in harness.stderr() and TOKEN not in harness.stderr()
        assert secret not in everything and TOKEN not in everything

    # a wrong secret key: EC2's authentication error, without the key or the token
    with ProviderHarness(
        "aws", env=cloud_env("aws", emu_env), config={**config, "imageops:awsSecretKey": PLANTED}
    ) as harness:
        engine = Engine(harness)
        with pytest.raises(ProviderCallError) as caught:
            engine.up("secret", inputs)
        assert "AuthFailure" in caught.value.details or "401" in caught.value.details
        with pytest.raises(ProviderCallError):
            harness.read("ami-00000000000000000", engine.urn("x"), None, {})
        assert_clean(harness.received, [secret, PLANTED, TOKEN])
        for planted in (PLANTED, secret, TOKEN):
            assert planted not in harness.stderr() and planted not in caught.value.details
