"""Alibaba Cloud credentials: explicit, env (new and old names), ~/.aliyun/config.json, STS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imageops.alicloud.config import load_credentials
from imageops.errors import ConfigError
from imageops.redact import redact


@pytest.fixture(autouse=True)
def no_home_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``~/.aliyun/config.json`` of the machine running the tests must not leak in."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def write_config(path: Path, current: str = "default") -> Path:
    path.write_text(
        json.dumps(
            {
                "current": current,
                "profiles": [
                    {
                        "name": "default",
                        "mode": "AK",
                        "access_key_id": "LTAIfile",
                        "access_key_secret": "file-secret-1",
                        "region_id": "cn-beijing",
                    },
                    {
                        "name": "sts",
                        "mode": "StsToken",
                        "access_key_id": "STS.file",
                        "access_key_secret": "sts-secret-1",
                        "sts_token": "sts-token-file",
                        "region_id": "cn-shanghai",
                    },
                    {
                        "name": "role",
                        "mode": "RamRoleArn",
                        "access_key_id": "LTAIrole",
                        "access_key_secret": "x",
                    },
                ],
            }
        )
    )
    return path


def test_explicit_arguments_win(tmp_path: Path) -> None:
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
        "ALIBABA_CLOUD_REGION_ID": "cn-beijing",
    }
    creds = load_credentials(
        access_key_id="LTAIarg", access_key_secret="arg-secret-1", region="cn-hangzhou", env=env
    )
    assert (creds.access_key_id, creds.access_key_secret, creds.region) == (
        "LTAIarg",
        "arg-secret-1",
        "cn-hangzhou",
    )
    assert creds.endpoint == "https://ecs.cn-hangzhou.aliyuncs.com"
    assert "arg-secret-1" not in repr(creds)


def test_alibaba_cloud_environment_and_sts_token() -> None:
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "STS.env",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-2",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token-2",
        "ALIBABA_CLOUD_REGION_ID": "cn-beijing",
        "ALICLOUD_ACCESS_KEY": "LTAIold",
        "ALICLOUD_SECRET_KEY": "old-secret",
    }
    creds = load_credentials(env=env)
    assert (creds.access_key_id, creds.security_token, creds.region) == (
        "STS.env",
        "env-token-2",
        "cn-beijing",
    )
    assert redact("token env-token-2 secret env-secret-2") == "token *** secret ***"


def test_older_alicloud_names() -> None:
    env = {
        "ALICLOUD_ACCESS_KEY": "LTAIold",
        "ALICLOUD_SECRET_KEY": "old-secret-3",
        "ALICLOUD_REGION": "cn-shanghai",
    }
    creds = load_credentials(env=env)
    assert (creds.access_key_id, creds.access_key_secret, creds.region) == (
        "LTAIold",
        "old-secret-3",
        "cn-shanghai",
    )


def test_pair_is_never_mixed_across_sources() -> None:
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAInew",
        "ALICLOUD_SECRET_KEY": "old-secret",
        "ALICLOUD_REGION": "x-y",
    }
    with pytest.raises(ConfigError, match="no AccessKey secret in ALIBABA_CLOUD_ACCESS_KEY_ID"):
        load_credentials(env=env)


def test_profiles_of_the_aliyun_cli(tmp_path: Path) -> None:
    path = write_config(tmp_path / "config.json")
    creds = load_credentials(config_file=path, env={})
    assert (creds.access_key_id, creds.region) == ("LTAIfile", "cn-beijing")
    sts = load_credentials(config_file=path, profile="sts", env={})
    assert (sts.access_key_id, sts.security_token, sts.region) == (
        "STS.file",
        "sts-token-file",
        "cn-shanghai",
    )
    by_env = load_credentials(config_file=path, env={"ALIBABA_CLOUD_PROFILE": "sts"})
    assert by_env.access_key_id == "STS.file"
    assert "sts-secret-1" not in str(sts) and redact("sts-secret-1") == "***"
    with pytest.raises(ConfigError, match="mode RamRoleArn"):
        load_credentials(config_file=path, profile="role", env={})
    with pytest.raises(ConfigError, match="profile 'nope' not found"):
        load_credentials(config_file=path, profile="nope", env={})


def test_region_from_the_profile_when_keys_come_from_env(tmp_path: Path) -> None:
    path = write_config(tmp_path / "config.json")
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret-4"}
    creds = load_credentials(config_file=path, env=env)
    assert (creds.access_key_id, creds.region) == ("LTAIenv", "cn-beijing")


def test_emulator_variables_and_endpoint() -> None:
    env = {
        "IMAGEOPS_ALICLOUD_ACCESS_KEY_ID": "LTAIemu",
        "IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET": "emu-secret-5",
        "IMAGEOPS_ALICLOUD_REGION": "cn-hangzhou",
        "IMAGEOPS_ALICLOUD_ENDPOINT": "http://127.0.0.1:9/",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
    }
    creds = load_credentials(env=env)
    assert (creds.access_key_id, creds.endpoint) == ("LTAIemu", "http://127.0.0.1:9")
    assert load_credentials(env=env, endpoint="http://other:1").endpoint == "http://other:1"


def test_missing_credentials_and_region(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no Alibaba Cloud credentials"):
        load_credentials(env={})
    with pytest.raises(ConfigError, match="no Alibaba Cloud region"):
        load_credentials(access_key_id="LTAIx", access_key_secret="secret-6", env={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_credentials(config_file=tmp_path / "missing.json", env={})


def test_an_explicit_secret_wins_over_the_environment_source_of_the_id(tmp_path):
    """Ansible's alicloud_secret_key given, the id from the environment: the given secret is used
    (as each option's own environment fallback did), never the environment's."""
    env = {
        "HOME": str(tmp_path),
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-from-env",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-from-env",
        "ALIBABA_CLOUD_REGION_ID": "cn-hangzhou",
    }
    got = load_credentials(access_key_secret="secret-given", env=env)
    assert (got.access_key_id, got.access_key_secret) == ("LTAI-from-env", "secret-given")
