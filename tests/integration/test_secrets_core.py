"""No private key, passphrase or signature in any log line or exception text of the core.

The OTHER profile of the emulator's config file uses an encrypted key with a pass_phrase. The
whole lifecycle and its error paths run with every logger at DEBUG (httpx and httpcore included);
then every captured log line and exception message is searched for the planted secrets.
"""

from __future__ import annotations

import configparser
import logging
from pathlib import Path

import pytest

from imageops.errors import ImageOpsError
from imageops.oci import OciImageSpec, connect
from imageops.reconcile import apply, lookup, plan


def secrets_of(config_file: str, profile: str) -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(config_file)
    section = parser[profile]
    pem = Path(section["key_file"]).read_text()
    lines = [line for line in pem.splitlines() if len(line) > 16 and "-----" not in line]
    return [section["pass_phrase"], *lines]


def test_no_secret_in_logs_or_exceptions(oci_env: dict[str, str], caplog: pytest.LogCaptureFixture):
    config_file = oci_env["IMAGEOPS_OCI_CONFIG_FILE"]
    secrets = secrets_of(config_file, "OTHER")
    assert secrets[0] and len(secrets) > 5
    messages: list[str] = []
    caplog.set_level(logging.DEBUG)

    with connect(
        config_file=config_file, profile="OTHER", endpoint=oci_env["IMAGEOPS_OCI_ENDPOINT"]
    ) as driver:
        messages.append(repr(driver))
        desired = OciImageSpec.parse(
            {
                "compartment_id": oci_env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
                "instance_id": oci_env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
                "display_name": "secrets-probe",
                "freeform_tags": {"probe": "1"},
            }
        )
        image = apply(plan(desired, lookup(driver, desired, None)), driver, timeout=60)
        changed = desired.model_copy(update={"freeform_tags": {"probe": "2"}})
        apply(plan(changed, lookup(driver, changed, image.id)), driver, timeout=60)
        # Error paths: another tenancy's compartment, a bad request, a missing image.
        for call in (
            lambda: driver.find(
                desired.model_copy(update={"compartment_id": oci_env["IMAGEOPS_OCI_COMPARTMENT_ID"]})
            ),
            lambda: driver.create(desired.model_copy(update={"instance_id": "ocid1.instance.oc1.iad.nope"})),
            lambda: driver.update(image, desired, {"display_name": "x" * 300}),
        ):
            with pytest.raises(ImageOpsError) as caught:
                call()
            messages.append(str(caught.value))
        apply(plan(None, lookup(driver, desired, image.id)), driver, timeout=60)

    # A wrong passphrase, and the right key used with another user's identity (401).
    with pytest.raises(ImageOpsError) as caught:
        connect(config_file=config_file, profile="OTHER", pass_phrase="not-the-passphrase-1234")
    messages.append(str(caught.value))
    with pytest.raises(ImageOpsError) as caught:
        wrong_user = connect(
            config_file=config_file,
            profile="OTHER",
            user=oci_env["IMAGEOPS_OCI_USER_ID"],
            endpoint=oci_env["IMAGEOPS_OCI_ENDPOINT"],
        )
        wrong_user.get(image.id)
    assert caught.value.status == 401
    messages.append(str(caught.value))

    haystack = "\n".join([caplog.text, *messages])
    assert "HTTP Request" in caplog.text or "imageops" in caplog.text, "nothing was logged: the test is blind"
    for secret in secrets:
        assert secret not in haystack
    assert 'signature="' not in haystack.lower()
    assert "not-the-passphrase-1234" not in haystack
