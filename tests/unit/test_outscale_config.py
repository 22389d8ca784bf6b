"""OUTSCALE credentials: explicit > OSC_* environment > ~/.osc/config.json profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imageops.errors import ConfigError
from imageops.outscale.config import load_credentials
from imageops.redact import redact


def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "default": {
                    "access_key": "FILEAK",
                    "secret_key": "FILESECRET0123456789",
                    "region": "us-east-2",
                },
                "other": {
                    "access_key": "OTHERAK",
                    "secret_key": "OTHERSECRET012345678",
                    "region": "eu-west-2",
                    "endpoints": {"api": "http://127.0.0.1:1/api/v1"},
                },
            }
        )
    )
    return path


def test_profile_from_file(tmp_path: Path) -> None:
    creds = load_credentials(config_file=config(tmp_path), profile="other", environ={})
    assert (creds.access_key, creds.region, creds.endpoint) == (
        "OTHERAK",
        "eu-west-2",
        "http://127.0.0.1:1/api/v1",
    )
    assert "OTHERSECRET012345678" not in repr(creds) and redact("x OTHERSECRET012345678") == "x ***"


def test_env_beats_file_and_explicit_beats_env(tmp_path: Path) -> None:
    env = {
        "OSC_ACCESS_KEY": "ENVAK",
        "OSC_SECRET_KEY": "ENVSECRET0123456789",
        "OSC_REGION": "us-west-1",
        "OSC_CONFIG_FILE": str(config(tmp_path)),
    }
    creds = load_credentials(environ=env)
    assert (creds.access_key, creds.region) == ("ENVAK", "us-west-1")
    assert creds.endpoint == "https://api.us-west-1.outscale.com/api/v1"
    assert load_credentials(access_key="ARGAK", region="eu-west-2", environ=env).access_key == "ARGAK"
    assert (
        load_credentials(environ={**env, "OSC_PROFILE": "other", "OSC_ACCESS_KEY": ""}).access_key
        == "OTHERAK"
    )


def test_missing_named_profile_and_missing_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ConfigError, match="profile 'nope'"):
        load_credentials(config_file=config(tmp_path), profile="nope", environ={})
    with pytest.raises(ConfigError, match="access_key and secret_key"):
        load_credentials(environ={})  # no ~/.osc/config.json, no OSC_* variables
