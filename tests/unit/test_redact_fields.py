"""Credential fields are masked by name wherever a library logs them: botocore at DEBUG prints each
request's parameters (``botocore.endpoint``) and each answer's body (``botocore.parsers``), with the
keys STS, SSO and the metadata services hand out, before anything could register them as secrets."""

from __future__ import annotations

import logging

import pytest

from imageops.aws.auth import BOTOCORE_LOGGERS
from imageops.redact import CREDENTIAL_FIELDS, MASK, redact

SECRET = "Zq9SECRETvalue/with+chars="


@pytest.mark.parametrize(
    "text",
    [
        # botocore.endpoint: a query-protocol request's parameters, as a dict repr
        f"with params: {{'body': {{'Action': 'AssumeRoleWithWebIdentity', 'WebIdentityToken': '{SECRET}'}}}}",
        # botocore.parsers: STS's XML answer, as a bytes repr
        f"Response body:\nb'<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>{SECRET}"
        f"</SecretAccessKey><SessionToken>{SECRET}</SessionToken></Credentials>'",
        # botocore.parsers: SSO GetRoleCredentials' JSON answer
        f'Response body:\nb\'{{"roleCredentials":{{"secretAccessKey":"{SECRET}",'
        f'"sessionToken":"{SECRET}"}}}}\'',
        # botocore.endpoint: SSO's bearer token header; the session token header as bytes
        f"'headers': {{'x-amz-sso_bearer_token': '{SECRET}', 'X-Amz-Security-Token': b'{SECRET}'}}",
        # a form body
        f"Action=AssumeRoleWithWebIdentity&WebIdentityToken={SECRET}&RoleArn=arn",
        # Alibaba Cloud STS's JSON answer
        f'{{"Credentials": {{"AccessKeySecret": "{SECRET}", "SecurityToken": "{SECRET}"}}}}',
        # a JSON value with an escaped quote inside
        f'{{"SessionToken": "{SECRET}\\"{SECRET}"}}',
    ],
)
def test_a_credential_field_is_masked_by_name(text: str) -> None:
    masked = redact(text)
    assert SECRET not in masked and MASK in masked


def test_the_names_alone_and_other_fields_are_left_as_they_are() -> None:
    text = "SessionToken expired; <AccessKeyId>ASIA1</AccessKeyId> {'RoleArn': 'arn:aws:iam::1:role/x'}"
    assert redact(text) == text


def test_every_credential_field_is_masked_in_each_form() -> None:
    for name in CREDENTIAL_FIELDS:
        for text in (f"<{name}>{SECRET}</{name}>", f'"{name}": "{SECRET}"', f"a=1&{name}={SECRET}"):
            assert SECRET not in redact(text), (name, text)


def test_botocores_request_and_answer_loggers_are_filtered(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("botocore.endpoint", "botocore.parsers"):
        assert name in BOTOCORE_LOGGERS
        logging.getLogger(name).debug("Response body:\n%r", f"<SessionToken>{SECRET}</SessionToken>".encode())
    assert len(caplog.records) == 2
    assert all(SECRET not in record.getMessage() for record in caplog.records)
