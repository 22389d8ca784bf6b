"""No OUTSCALE secret key in any log line, repr or exception text of the core.

The whole lifecycle and its error paths run with every logger at DEBUG (httpx and httpcore
included), including a wrong secret and a manifest URL carrying a pre-signed signature; then every
captured log line and exception message is searched for the secrets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.errors import ImageOpsError
from imageops.outscale import OutscaleImageSpec, connect, load_credentials
from imageops.reconcile import apply, lookup, plan


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.002) as handle:
        yield handle


def test_no_secret_in_logs_reprs_or_exceptions(emu: EmulatorHandle, caplog: pytest.LogCaptureFixture) -> None:
    env = emu.env
    secret, wrong = env["IMAGEOPS_OUTSCALE_SECRET_KEY"], "Z" * 40
    signature = parse_qs(urlsplit(env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]).query)["Signature"][0]
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    settings = dict(region="eu-west-2", endpoint=env["IMAGEOPS_OUTSCALE_ENDPOINT"])
    messages.append(
        repr(load_credentials(access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"], secret_key=secret, **settings))
    )
    with connect(
        access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key=secret,
        poll=PollPolicy(0.02, 0.1),
        **settings,
    ) as driver:
        messages += [repr(driver), repr(driver.api.client)]
        desired = OutscaleImageSpec.parse(
            {
                "image_name": "secrets-probe",
                "file_location": env["IMAGEOPS_OUTSCALE_MANIFEST_URL"],
                "tags": [{"key": "probe", "value": "1"}],
            }
        )
        image = apply(plan(desired, lookup(driver, desired, None)), driver, timeout=30)
        for call in (
            lambda: driver.create(desired),  # name taken: adopted, no error
            lambda: driver.create(OutscaleImageSpec.parse({"image_name": "x-probe", "vm_id": "i-00000000"})),
            lambda: driver.update(image, desired, {"description": "x" * 5, "image_name": "nope"}),
        ):
            try:
                call()
            except (ImageOpsError, ValueError) as exc:
                messages.append(str(exc))
        apply(plan(None, image), driver, timeout=30)
    with connect(access_key=env["IMAGEOPS_OUTSCALE_ACCESS_KEY"], secret_key=wrong, **settings) as bad:
        with pytest.raises(ImageOpsError) as caught:
            bad.get("ami-12345678")
        messages.append(str(caught.value))
    logged = [r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records]
    assert len(logged) > 10, "nothing was logged: this test would prove nothing"
    for text in messages + logged:
        assert secret not in text and wrong not in text and signature not in text, text
