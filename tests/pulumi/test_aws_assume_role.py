"""pulumi_images.aws.Image signed in through an assume-role profile (``imageops:awsProfile``, role_arn +
source_profile): botocore's chain calls STS AssumeRole on the emulator (AWS_ENDPOINT_URL_STS) in the
provider server, the AMI is the role's account's, a no-change up calls nothing, and no key of either
account reaches state."""

from __future__ import annotations

import json

import pytest
from tests_pulumi_support import api_calls, cloud_env

from pulumi_images.harness import Engine, ProviderHarness

pytestmark = [pytest.mark.timeout(180), pytest.mark.e2e]


def test_an_assume_role_profile_creates_as_the_roles_account(emulator, emu_env, tmp_path):
    other = emu_env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    secret = emu_env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"]
    (tmp_path / "credentials").write_text(
        f"[source]\naws_access_key_id = {emu_env['IMAGEOPS_AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {secret}\n"
    )
    (tmp_path / "config").write_text(
        f"[profile builder]\nrole_arn = arn:aws:iam::{other}:role/image-builder\nsource_profile = source\n"
    )
    env = {
        **cloud_env("aws", emu_env),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_ENDPOINT_URL_STS": emu_env["AWS_ENDPOINT_URL_STS"],
    }
    config = {"imageops:awsProfile": "builder", "imageops:awsRegion": emu_env["IMAGEOPS_AWS_REGION"]}
    inputs = {"name": "pulumi-aws-assumed", "source_instance_id": emu_env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"]}
    with ProviderHarness("aws", env=env, config=config) as harness:
        engine = Engine(harness)
        mark = emulator.mark()
        state, action = engine.up("assumed", inputs)
        assert action == "create" and state.outputs["owner_id"] == other
        calls = api_calls(emulator, mark, "aws")
        assert calls[0]["action"] == "AssumeRole"
        assert {c["account"] for c in calls if c["action"] != "AssumeRole"} == {other}
        mark = emulator.mark()
        same, action = engine.up("assumed", inputs, state)
        assert action == "same" and api_calls(emulator, mark, "aws") == []
        blob = json.dumps(same.outputs) + json.dumps(same.inputs)
        assert secret not in blob and "aws_secret_access_key" not in blob
        engine.destroy(same)
        assert engine.refresh(same) is None
