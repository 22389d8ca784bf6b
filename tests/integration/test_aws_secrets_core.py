"""No AWS secret key or session token in any log line, repr or exception text of the core.

The whole lifecycle (create, update, copy, delete) and its error paths run with temporary credentials
(a secret key and a session token) and every logger at DEBUG (httpx and httpcore included); then
every captured log line, repr and exception message is searched for both.
"""

from __future__ import annotations

import logging

import pytest

from imageops.aws import AwsImageSpec, connect
from imageops.errors import ImageOpsError
from imageops.reconcile import apply, lookup, plan

TOKEN = "IQoJb3JpZ2luX2VjEPlanted-Session-Token-" + "x" * 200


def test_no_secret_or_session_token_in_logs_reprs_or_exceptions(
    oci_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    env = oci_env
    secret = env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"]
    messages: list[str] = []
    caplog.set_level(logging.DEBUG)
    with connect(
        access_key=env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        secret_key=secret,
        session_token=TOKEN,
        region=env["IMAGEOPS_AWS_REGION"],
        endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
    ) as driver:
        messages.append(repr(driver))
        messages.append(repr(driver.api.client.auth) if hasattr(driver.api.client, "auth") else "")
        desired = AwsImageSpec.parse(
            {
                "name": "secrets-probe",
                "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"],
                "tags": {"p": "1"},
            }
        )
        image = apply(plan(desired, lookup(driver, desired, None)), driver, timeout=60)
        changed = desired.model_copy(update={"tags": {"p": "2"}})
        apply(plan(changed, lookup(driver, changed, image.id)), driver, timeout=60)
        for call in (
            lambda: driver.create(
                desired.model_copy(
                    update={"name": "secrets-probe-2", "source_instance_id": "i-0000000000000000f"}
                )
            ),
            lambda: driver.api.delete_snapshot("snap-00000000000000000"),
            lambda: driver.api.copy_image(
                {"SourceImageId": "ami-00000000", "SourceRegion": "us-east-1", "Name": "n"}
            ),
        ):
            with pytest.raises(ImageOpsError) as caught:
                call()
            messages += [str(caught.value), repr(caught.value)]
        apply(plan(None, lookup(driver, None, image.id)), driver, timeout=60)
    with (
        connect(
            access_key=env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
            secret_key=secret[::-1],
            session_token=TOKEN[::-1],
            region=env["IMAGEOPS_AWS_REGION"],
            endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        ) as forged,
        pytest.raises(ImageOpsError) as refused,
    ):
        forged.find(desired)
    messages += [str(refused.value), repr(refused.value)]
    messages += [record.getMessage() for record in caplog.records]
    messages += [str(record.args) for record in caplog.records]
    blob = "\n".join(messages)
    assert len(caplog.records) > 10  # the DEBUG logging really ran
    for planted in (secret, TOKEN, secret[::-1], TOKEN[::-1]):
        assert planted not in blob
