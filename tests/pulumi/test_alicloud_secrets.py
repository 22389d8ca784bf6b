"""No Alibaba Cloud secret ever comes back from the provider: not in outputs, ``__provider`` or errors.

The AccessKey pair is planted through the stack configuration (``imageops:alicloudAccessKeyId`` and
the secrets ``imageops:alicloudAccessKeySecret`` / ``imageops:alicloudSecurityToken``), the way a user
keeps it out of files; the full lifecycle runs, including an import without ``__provider`` through
``python -m pulumi_images.dynamic``, and every byte the provider server returns, and its stderr, is
searched for the secrets (also base64-encoded, as the pickled provider travels).
"""

from __future__ import annotations

import base64

import pytest
from tests_pulumi_support import cloud_config, cloud_harness, from_instance

from pulumi_images.harness import IMPORTING_SERVER, Engine, ProviderCallError

pytestmark = pytest.mark.timeout(120)

PLANTED_SECRET = "Planted-Ali-Secret-Zebra-4711"
PLANTED_TOKEN = "Planted-Ali-Sts-Token-Zebra-4711"


def assert_clean(received: list[bytes], secrets: list[str]) -> None:
    assert received, "nothing was received"
    blob = b"\n".join(received)
    for secret in secrets:
        assert secret.encode() not in blob, f"secret leaked: {secret[:6]}..."
        assert base64.b64encode(secret.encode())[:16] not in blob


def rpc_secret(value: str) -> dict[str, str]:
    """A value as the engine sends a ``pulumi config set --secret`` one in ``Configure``."""
    return {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": value}


def test_no_secret_in_outputs_provider_blob_or_errors(emu_env):
    secret = emu_env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"]
    inputs = from_instance("alicloud", emu_env, "pulumi-ali-secret", tags={"k": "v"})
    wrapped = {"imageops:alicloudAccessKeySecret": rpc_secret(secret)}
    with cloud_harness("alicloud", emu_env, server=IMPORTING_SERVER, **wrapped) as harness:
        engine = Engine(harness)
        state, _ = engine.up("secret", inputs)
        state, action = engine.up("secret", {**inputs, "tags": {"k": "w"}}, state)
        assert action == "update"
        assert engine.refresh(state) is not None
        assert engine.get("secret-copy", state.id) is not None
        imported = engine.pulumi_import("secret-imported", state.id)
        assert imported.outputs["imported"] is True
        engine.destroy(state)
        assert len(base64.b64decode(harness.provider_blob)) <= 10 * 1024
        assert_clean(harness.received, [secret])
        assert secret not in harness.stderr()

    bad = {
        **cloud_config("alicloud", emu_env),
        "imageops:alicloudAccessKeySecret": PLANTED_SECRET,
        "imageops:alicloudSecurityToken": PLANTED_TOKEN,
    }
    with cloud_harness("alicloud", emu_env, server=IMPORTING_SERVER, **bad) as harness:
        engine = Engine(harness)
        with pytest.raises(ProviderCallError) as caught:
            engine.up("secret", inputs)
        assert "create failed" in caught.value.details and "Signature" in caught.value.details
        with pytest.raises(ProviderCallError):
            engine.pulumi_import("secret-imported", "m-bp1nosuchimage")
        assert_clean(harness.received, [secret, PLANTED_SECRET, PLANTED_TOKEN])
        assert PLANTED_SECRET not in harness.stderr() and PLANTED_TOKEN not in harness.stderr()
