"""Signing in to AWS through botocore's chain against the emulator: an assume-role profile (STS served
by moto behind the emulator), the instance role of IMDSv2, SSO, web identity (the environment's
``AWS_ROLE_ARN`` + ``AWS_WEB_IDENTITY_TOKEN_FILE``, or a profile's) with a token of the emulator's OIDC
issuer, and container credentials (``AWS_CONTAINER_CREDENTIALS_FULL_URI`` on loopback, with an
authorization token file, as EKS Pod Identity). Each converges an AMI, re-runs with no write to EC2,
and every EC2 call is logged as the account the credentials belong to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from imageops.aws import AwsImageSpec, connect
from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, is_read
from imageops.errors import AuthError, ConfigError
from imageops.reconcile import apply, lookup, plan_live

SIGN_IN = {"AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity"}
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
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
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


# ------------------------------------------------------------------------------------ web identity
def oidc_token(emu: EmulatorHandle, **params: str) -> str:
    """A JWT of the emulator's OIDC issuer (as a CI runner's or a pod's token)."""
    answer = httpx.get(emu.env["IMAGEOPS_AWS_ENDPOINT"] + "/oidc/token", params=params)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["value"])


def test_web_identity_from_the_environment_signs_in_as_the_roles_account(
    emu: EmulatorHandle, chain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub Actions OIDC / EKS IRSA: ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE``."""
    env = emu.env
    other = env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    token_file = chain / "web-identity-token"
    token_file.write_text(oidc_token(emu, subject="repo:imageops/imageops:ref:refs/heads/main"))
    monkeypatch.setenv("AWS_ROLE_ARN", f"arn:aws:iam::{other}:role/github-actions-builder")
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "ci-run-42")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", env["AWS_ENDPOINT_URL_STS"])
    mark = emu.mark()
    sts = lifecycle(emu, other, env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"], "web-identity-env")
    assert sts == ["AssumeRoleWithWebIdentity"]  # once: botocore keeps the role's key
    signin = [c for c in emu.calls(since=mark, cloud="aws") if c["action"] == "AssumeRoleWithWebIdentity"]
    assert [(c["account"], c["status"]) for c in signin] == [(other, 200)]
    import botocore.session

    identity = botocore.session.Session().create_client("sts", region_name="us-east-1").get_caller_identity()
    assert identity["Account"] == other
    assert identity["Arn"] == f"arn:aws:sts::{other}:assumed-role/github-actions-builder/ci-run-42"


def test_a_web_identity_profile_signs_in_as_the_roles_account(
    emu: EmulatorHandle, chain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile's ``role_arn`` + ``web_identity_token_file``, STS at the profile's ``endpoint_url``
    (nothing in the environment)."""
    env = emu.env
    account = env["IMAGEOPS_AWS_ACCOUNT_ID"]
    token_file = chain / "token"
    token_file.write_text(oidc_token(emu, subject="system:serviceaccount:ci:image-builder"))
    monkeypatch.delenv("AWS_ENDPOINT_URL_STS", raising=False)
    (chain / "config").write_text(
        f"[profile irsa]\nrole_arn = arn:aws:iam::{account}:role/irsa-image-builder\n"
        f"web_identity_token_file = {token_file}\nrole_session_name = pod\n"
        f"services = emulator\n[services emulator]\nsts =\n  endpoint_url = {env['AWS_ENDPOINT_URL_STS']}\n"
    )
    sts = lifecycle(emu, account, env["IMAGEOPS_AWS_INSTANCE_ID"], "web-identity-profile", profile="irsa")
    assert sts == ["AssumeRoleWithWebIdentity"]


def test_a_bad_web_identity_token_fails_naming_the_cause_and_no_token(
    emu: EmulatorHandle,
    chain: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """STS's own answers (InvalidIdentityToken, ExpiredTokenException: 400), before any EC2 call; the
    token is in no message and no log line (DEBUG, botocore's own included)."""
    import base64
    import json
    import logging
    import time

    caplog.set_level(logging.DEBUG)
    env = emu.env
    other = env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    good = oidc_token(emu)
    head, claims, signature = good.split(".")
    # same claims, another signature: a token of an issuer STS does not trust
    forged = f"{head}.{claims}.{base64.urlsafe_b64encode(b'x' * 32).rstrip(b'=').decode()}"
    # a token the issuer signed for another audience (EKS Pod Identity's)
    elsewhere = oidc_token(emu, audience="pods.eks.amazonaws.com")
    short = oidc_token(emu, ttl="1")
    cases = {
        "forged": (forged, "InvalidIdentityToken", "signature could not be verified"),
        "audience": (elsewhere, "InvalidIdentityToken", "Incorrect token audience"),
        "garbage": ("not-a-jwt-" + "z" * 40, "InvalidIdentityToken", "not a valid JWT"),
        "expired": (short, "ExpiredTokenException", "Token expired"),
    }
    time.sleep(1.5)  # `short` expires
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", env["AWS_ENDPOINT_URL_STS"])
    monkeypatch.setenv("AWS_ROLE_ARN", f"arn:aws:iam::{other}:role/github-actions-builder")
    messages: list[str] = []
    for name, (token, code, cause) in cases.items():
        token_file = chain / f"{name}-token"
        token_file.write_text(token)
        monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
        mark = emu.mark()
        with (
            pytest.raises(AuthError) as failed,
            connect(region="us-east-1", endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"]) as drv,
        ):
            drv.find(AwsImageSpec.parse({"name": "never", "source_instance_id": "i-0123456789abcdef0"}))
        text = str(failed.value)
        assert code in text and cause in text, (name, text)
        messages.append(text + repr(failed.value))
        calls = emu.calls(since=mark, cloud="aws")
        assert [(c["action"], c["status"]) for c in calls] == [("AssumeRoleWithWebIdentity", 400)], name
    # the same as STS's wire answer
    answer = httpx.post(
        env["AWS_ENDPOINT_URL_STS"],
        data={
            "Action": "AssumeRoleWithWebIdentity",
            "Version": "2011-06-15",
            "RoleArn": f"arn:aws:iam::{other}:role/github-actions-builder",
            "RoleSessionName": "probe",
            "WebIdentityToken": forged,
        },
    )
    assert answer.status_code == 400 and "<Code>InvalidIdentityToken</Code>" in answer.text
    messages.append(answer.text)
    # a good token for a role of an account the emulator does not have: AccessDenied
    (chain / "good-token").write_text(good)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(chain / "good-token"))
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::000000000000:role/nobody")
    with (
        pytest.raises(AuthError, match="AccessDenied") as denied,
        connect(region="us-east-1", endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"]) as drv,
    ):
        drv.find(AwsImageSpec.parse({"name": "never", "source_instance_id": "i-0123456789abcdef0"}))
    messages.append(str(denied.value))
    logged = list(caplog.records)  # botocore.endpoint's and botocore.parsers' included
    messages += [record.getMessage() for record in logged]
    messages += [str(record.args) for record in logged]
    assert len(logged) > 10  # the DEBUG logging really ran
    everything = "\n".join(messages)
    for token, _, _ in cases.values():
        assert token.split(".")[-1] not in everything
    assert signature not in everything and json.dumps(good) not in everything


def test_no_web_identity_token_or_key_sts_hands_out_in_a_debug_log_line(
    emu: EmulatorHandle,
    chain: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    env = emu.env
    token = oidc_token(emu)
    (chain / "token").write_text(token)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", env["AWS_ENDPOINT_URL_STS"])
    monkeypatch.setenv("AWS_ROLE_ARN", f"arn:aws:iam::{env['IMAGEOPS_AWS_ACCOUNT_ID']}:role/ci")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(chain / "token"))
    with connect(region=env["IMAGEOPS_AWS_REGION"], endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"]) as drv:
        drv.list(AwsImageSpec.parse_key({"name": "web-identity-probe"}))
    # the keys STS hands out for the token: botocore.parsers logs STS's answer before anyone knows them
    from imageops.aws.config import load_connection

    key = load_connection(region=env["IMAGEOPS_AWS_REGION"]).credentials.current()
    assert key.session_token
    names = {r.name for r in caplog.records}
    assert {"botocore.endpoint", "botocore.parsers"} <= names  # DEBUG really ran, request and answer
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    for secret in (token.split(".")[-1], key.secret_key, key.session_token):
        assert secret not in logged
    assert "<SessionToken>***</SessionToken>" in logged  # the answer was logged, masked


# ---------------------------------------------------------------------------- container credentials
class ContainerEndpoint:
    """The container credentials endpoint of an ECS task or an EKS pod (the agent on a link-local
    address; here on loopback, which botocore allows): the OTHER demo account's temporary key (the env
    file's) for a GET carrying the pod's token in ``Authorization``, 401 without it."""

    def __init__(self, env: dict[str, str], token: str) -> None:
        import http.server
        import json
        import threading

        self.seen: list[tuple[str, bool]] = []  # path, whether the token was right
        body = json.dumps(
            {
                "AccessKeyId": env["IMAGEOPS_AWS_OTHER_SESSION_ACCESS_KEY_ID"],
                "SecretAccessKey": env["IMAGEOPS_AWS_OTHER_SESSION_SECRET_ACCESS_KEY"],
                "Token": env["IMAGEOPS_AWS_OTHER_SESSION_TOKEN"],
                "AccountId": env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"],
                "Expiration": "2099-01-01T00:00:00Z",
            }
        ).encode()
        seen = self.seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                right = self.headers.get("Authorization") == token
                seen.append((self.path, right))
                answer = body if right else b'{"code":"AccessDenied","message":"invalid token"}'
                self.send_response(200 if right else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/credentials"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_container_credentials_with_an_authorization_token_file(
    emu: EmulatorHandle,
    chain: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """ECS task roles and EKS Pod Identity: ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` (loopback) and
    ``AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE``; a wrong token fails as a configuration error naming
    the endpoint's refusal, without the token or the key."""
    import logging

    caplog.set_level(logging.DEBUG)
    env = emu.env
    other = env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    token = oidc_token(emu, audience="pods.eks.amazonaws.com")
    endpoint = ContainerEndpoint(env, token)
    try:
        (chain / "pod-token").write_text(token)
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url)
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(chain / "pod-token"))
        assert lifecycle(emu, other, env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"], "container-role") == []
        assert endpoint.seen and set(endpoint.seen) == {("/v1/credentials", True)}
        # the token given inline, wrong: refused by the endpoint, before any EC2 call
        monkeypatch.delenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-" + token[-20:])
        mark = emu.mark()
        with (
            pytest.raises(ConfigError, match="401") as failed,
            connect(region="us-east-1", endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"]) as drv,
        ):
            drv.find(AwsImageSpec.parse({"name": "never", "source_instance_id": "i-0123456789abcdef0"}))
        assert "container" in str(failed.value)
        assert emu.calls(since=mark, cloud="aws") == []
        assert endpoint.seen[-1] == ("/v1/credentials", False)
    finally:
        endpoint.close()
    messages = [str(failed.value), repr(failed.value)]
    messages += [record.getMessage() for record in caplog.records]
    messages += [str(record.args) for record in caplog.records]
    everything = "\n".join(messages)
    for secret in (
        token,
        token[-20:],
        env["IMAGEOPS_AWS_OTHER_SESSION_SECRET_ACCESS_KEY"],
        env["IMAGEOPS_AWS_OTHER_SESSION_TOKEN"],
    ):
        assert secret not in everything
