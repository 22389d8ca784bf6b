"""Signing in to AWS through botocore's chain against the emulator: an assume-role profile (STS served
by moto behind the emulator) and the instance role of IMDSv2. Each converges an AMI, re-runs with no
write to EC2, and every EC2 call is logged as the account the credentials belong to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from imageops.aws import AwsImageSpec, connect
from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, is_read
from imageops.errors import AuthError
from imageops.reconcile import apply, lookup, plan_live

SIGN_IN = {"AssumeRole", "GetCallerIdentity"}
"""STS calls: they mint or read credentials, they write no image."""


@pytest.fixture(scope="module")
def emu(oci_emulator: EmulatorHandle) -> EmulatorHandle:
    return oci_emulator


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No key in the environment, empty AWS files: only what a test puts in them signs in."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_ACCESS_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SECRET_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return tmp_path


def converge(drv: Any, spec: AwsImageSpec | None, image_id: str | None = None) -> Any:
    return apply(plan_live(drv, spec, lookup(drv, spec, image_id)), drv, timeout=30)


def lifecycle(emu: EmulatorHandle, account: str, instance: str, name: str, **settings: Any) -> list[str]:
    """Create, re-run (no EC2 write, one DescribeImages), delete; the calls' accounts must be
    ``account``. Returns the STS actions seen."""
    env = emu.env
    spec = AwsImageSpec.parse({"name": name, "source_instance_id": instance, "tags": {"by": "chain"}})
    mark = emu.mark()
    with connect(
        region=env["IMAGEOPS_AWS_REGION"],
        endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        poll=PollPolicy(first=0.02, longest=0.1),
        **settings,
    ) as drv:
        image = converge(drv, spec)
        assert image.attributes["owner_id"] == account
        again = emu.mark()
        assert converge(drv, spec).id == image.id
        rerun = emu.calls(since=again, cloud="aws")
        assert [c["action"] for c in rerun if c["action"] not in SIGN_IN] == ["DescribeImages"]
        converge(drv, None, image.id)
    calls = emu.calls(since=mark, cloud="aws")
    ec2 = [c for c in calls if c["action"] not in SIGN_IN and "/imds/" not in (c.get("path") or "")]
    assert ec2 and {c["account"] for c in ec2} == {account}
    assert not [c for c in ec2 if c["status"] >= 400]
    return [c["action"] for c in calls if c["action"] in SIGN_IN]


def test_an_assume_role_profile_signs_in_as_the_roles_account(
    emu: EmulatorHandle, chain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = emu.env
    other = env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    (chain / "credentials").write_text(
        f"[source]\naws_access_key_id = {env['IMAGEOPS_AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {env['IMAGEOPS_AWS_SECRET_ACCESS_KEY']}\n"
    )
    (chain / "config").write_text(
        f"[profile builder]\nrole_arn = arn:aws:iam::{other}:role/image-builder\nsource_profile = source\n"
        f"[profile stranger]\nrole_arn = arn:aws:iam::000000000000:role/nobody\nsource_profile = source\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", env["AWS_ENDPOINT_URL_STS"])
    # the role is in the OTHER account: its AMI, and every EC2 call, are OTHER's
    sts = lifecycle(emu, other, env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"], "assumed-role", profile="builder")
    assert sts == ["AssumeRole"]  # once: botocore keeps the role's key until it nears expiry
    import botocore.session

    session = botocore.session.Session(profile="builder")
    identity = session.create_client("sts", region_name="us-east-1").get_caller_identity()
    assert identity["Account"] == other
    assert identity["Arn"].startswith(f"arn:aws:sts::{other}:assumed-role/image-builder/")
    # a role in an account the emulator does not have: AccessDenied, before any EC2 call
    mark = emu.mark()
    with (
        pytest.raises(AuthError, match="AccessDenied"),
        connect(profile="stranger", region="us-east-1", endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"]) as drv,
    ):
        drv.find(AwsImageSpec.parse({"name": "never", "source_instance_id": "i-0123456789abcdef0"}))
    assert [c["action"] for c in emu.calls(since=mark, cloud="aws")] == ["AssumeRole"]


def test_the_instance_role_of_imdsv2(
    emu: EmulatorHandle, chain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = emu.env
    base = env["IMAGEOPS_AWS_ENDPOINT"] + "/imds"
    role_path = "/latest/meta-data/iam/security-credentials/"
    # IMDSv1 (no session token) is refused: the instance requires IMDSv2
    assert httpx.get(base + role_path).status_code == 401
    token = httpx.put(base + "/latest/api/token", headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"}).text
    assert httpx.put(base + "/latest/api/token").status_code == 400
    role = httpx.get(base + role_path, headers={"X-aws-ec2-metadata-token": token}).text
    assert (
        httpx.get(base + role_path + "other", headers={"X-aws-ec2-metadata-token": token}).status_code == 404
    )
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base)
    mark = emu.mark()
    lifecycle(emu, env["IMAGEOPS_AWS_ACCOUNT_ID"], env["IMAGEOPS_AWS_INSTANCE_ID"], "instance-role")
    paths = [c.get("path") for c in emu.calls(since=mark, cloud="aws") if "/imds/" in (c.get("path") or "")]
    assert paths[:3] == ["/imds/latest/api/token", "/imds" + role_path, "/imds" + role_path + role]
    assert not [c for c in emu.calls(since=mark, cloud="aws") if is_read(c) is False and c["status"] >= 400]


SSO_PROBE = """
import sys
from imageops.aws import AwsImageSpec, connect
from imageops.errors import ImageOpsError
try:
    with connect(profile=sys.argv[1], region=sys.argv[2], endpoint_url=sys.argv[3]) as drv:
        drv.list(AwsImageSpec.parse_key({"name": "sso-probe"}))
except ImageOpsError as exc:
    print(type(exc).__name__, exc)
    sys.exit(3)
"""


def test_an_sso_profile_with_the_token_aws_sso_login_cached(emu: EmulatorHandle, chain: Path) -> None:
    """botocore keeps the SSO cache directory from its import (``~/.aws/sso/cache``): the probe runs in
    its own process with HOME here."""
    import hashlib
    import json
    import os
    import subprocess
    import sys

    env = emu.env
    other = env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    (chain / "config").write_text(
        f"[profile sso]\nsso_session = corp\nsso_account_id = {other}\nsso_role_name = ImageBuilder\n"
        f"[profile sso-stale]\nsso_session = stale\nsso_account_id = {other}\nsso_role_name = ImageBuilder\n"
        "[sso-session corp]\nsso_start_url = https://imageops.awsapps.com/start\nsso_region = us-east-1\n"
        "[sso-session stale]\nsso_start_url = https://imageops.awsapps.com/start\nsso_region = us-east-1\n"
    )
    cache = chain / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    for session, token in (("corp", env["IMAGEOPS_AWS_SSO_ACCESS_TOKEN"]), ("stale", "aoa-not-a-login")):
        entry = {
            "startUrl": "https://imageops.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": token,
            "expiresAt": "2099-01-01T00:00:00Z",
        }
        (cache / (hashlib.sha1(session.encode()).hexdigest() + ".json")).write_text(json.dumps(entry))
    run_env = {**os.environ, "HOME": str(chain), "AWS_ENDPOINT_URL_SSO": env["AWS_ENDPOINT_URL_SSO"]}
    argv = [env["IMAGEOPS_AWS_REGION"], env["IMAGEOPS_AWS_ENDPOINT"]]
    mark = emu.mark()
    done = subprocess.run(
        [sys.executable, "-c", SSO_PROBE, "sso", *argv],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    calls = emu.calls(since=mark, cloud="aws")
    assert [(c["action"], c["account"]) for c in calls] == [
        ("GetRoleCredentials", other),
        ("DescribeImages", other),
    ]
    stale = subprocess.run(
        [sys.executable, "-c", SSO_PROBE, "sso-stale", *argv],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert stale.returncode == 3 and "ConfigError" in stale.stdout, stale.stdout + stale.stderr
    assert "SSO" in stale.stdout and env["IMAGEOPS_AWS_SSO_ACCESS_TOKEN"] not in stale.stdout + stale.stderr
