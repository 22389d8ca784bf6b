"""No AccessKey secret, STS token or signature in any log line, repr or exception of the core.

The lifecycle runs with STS credentials through both signers (RPC v1 carries the token and the
signature in the query string, which httpx logs) with every logger at DEBUG; error paths included.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from imageops.alicloud import AlicloudImageSpec, connect
from imageops.driver import PollPolicy
from imageops.emulator import testing
from imageops.errors import ImageOpsError
from imageops.reconcile import apply, lookup, plan


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with testing.running_emulator(time_scale=0.001, workdir=tmp_path_factory.mktemp("ali-secrets")) as emu:
        yield dict(emu.env)


@pytest.mark.parametrize("signature_version", ["1.0", "v3"])
def test_no_secret_in_logs_reprs_or_exceptions(
    env: dict[str, str], caplog: pytest.LogCaptureFixture, signature_version: str
) -> None:
    secret, token = env["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_SECRET"], env["IMAGEOPS_ALICLOUD_SECURITY_TOKEN"]
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    settings: dict[str, Any] = {
        "access_key_id": env["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_ID"],
        "access_key_secret": secret,
        "security_token": token,
        "region": env["IMAGEOPS_ALICLOUD_REGION"],
        "endpoint": env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        "poll": PollPolicy(first=0.02, longest=0.1),
    }
    with connect(signature_version=signature_version, **settings) as driver:
        messages += [repr(driver), repr(driver.api.client.auth if hasattr(driver.api.client, "auth") else "")]
        spec = AlicloudImageSpec.parse(
            {
                "image_name": f"secrets-{signature_version.replace('.', '')}",
                "snapshot_id": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
            }
        )
        image = apply(plan(spec, lookup(driver, spec, None)), driver, timeout=30)
        assert image is not None
        changed = AlicloudImageSpec.parse({**spec.given(), "description": "probe"})
        apply(plan(changed, lookup(driver, changed, image.id)), driver, timeout=30)
        for call in (
            lambda: driver.create(AlicloudImageSpec.parse({"snapshot_id": "s-bp1doesnotexist"})),
            lambda: driver.create(spec.model_copy(update={"description": "other"})),  # duplicate name
            lambda: driver.update(image, spec, {"image_name": "aliyun-reserved"}),
        ):
            with pytest.raises(ImageOpsError) as caught:
                call()
            messages += [str(caught.value), repr(caught.value)]
        apply(plan(None, image), driver, timeout=30)
    wrong = dict(settings, access_key_secret=secret + "x")
    with connect(signature_version=signature_version, **wrong) as bad, pytest.raises(ImageOpsError) as caught:
        bad.get(image.id)
    messages += [str(caught.value), repr(caught.value)]

    text = "\n".join(messages + [r.getMessage() for r in caplog.records] + [caplog.text])
    assert "DescribeImages" in text or "POST" in text, "nothing was logged: this test would prove nothing"
    for planted in (secret, token, secret + "x"):
        assert planted not in text
    assert not re.search(r"Signature=(?!\*\*\*)[A-Za-z0-9%+/=]{8,}", text)
