"""Every bad-credential case, per cloud, through the core, the Ansible modules and the Pulumi
provider: one clear error naming what to fix, and at most one API call (counted in the emulator's
call log) — never a retry of a 401/403 (OUTSCALE locks an account after repeated bad
authentications). Cases the client can detect (a missing profile, an unreadable key or config file,
a wrong pass phrase) make no call at all.

Only the case's settings authenticate: the credential variables of every cloud are removed from the
environment and ``HOME`` is an empty directory with only the config files a case writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from soak_clouds import CLOUDS, Cloud, tool_environment
from soak_faults import ansible_env, provider_error_is_ours, run_ansible

from imageops import registry
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.errors import AuthError, ConfigError, ImageOpsError
from imageops.reconcile import lookup
from pulumi_images._provider import CONFIG_NAMESPACE, CONNECTIONS

pytestmark = pytest.mark.e2e
MODULE_OPTION = {  # core setting -> the Ansible module's option
    cloud: {setting: option for option, setting in registry.schema(cloud).ansible_settings.items()}
    for cloud in registry.clouds()
}
# Every variable the core reads for a setting (the declarations), and the emulator's own.
CREDENTIAL_ENV = tuple(
    sorted(
        {name for cloud in registry.clouds() for s in registry.schema(cloud).settings for name in s.env}
        | {"IMAGEOPS_OUTSCALE_ACCESS_KEY", "IMAGEOPS_OUTSCALE_SECRET_KEY"}
    )
)


@dataclass(frozen=True)
class Case:
    name: str
    settings: dict[str, str | None]
    """Core settings replacing the good ones (None: not given); ``{dir}`` is the case's directory."""
    names: tuple[str, ...]
    """Words the error must contain (case-insensitive): what to fix."""
    calls: int
    """API calls the case makes: 1 when only the cloud can tell (a refused signature), else 0."""


CASES: dict[str, list[Case]] = {
    "oci": [
        Case("wrong key", {"key_file": "{dir}/another_key.pem"}, ("key_file",), 1),
        Case("wrong fingerprint", {"fingerprint": ":".join(["00"] * 16)}, ("fingerprint",), 1),
        Case("missing profile", {"profile": "NOPE"}, ("profile", "nope"), 0),
        Case("unreadable key file", {"key_file": "{dir}/no_such_key.pem"},
             ("key_file", "no_such_key.pem"), 0),
        Case("key file that is not a key", {"key_file": "{dir}/garbage.pem"}, ("key_file", "not a pem"), 0),
        Case("wrong passphrase", {"profile": "OTHER", "pass_phrase": "not-the-pass-phrase"},
             ("pass_phrase",), 0),
    ],
    "outscale": [
        Case("wrong key", {"access_key": "AKNOTAKEY00000000000"}, ("access key",), 1),
        Case("wrong secret", {"secret_key": "NOTTHESECRET" * 3}, ("secret key",), 1),
        Case("missing profile", {"access_key": None, "secret_key": None, "profile": "nope",
                                 "config_file": "{dir}/osc.json"}, ("profile", "nope"), 0),
        Case("unreadable config file", {"access_key": None, "secret_key": None, "profile": "default",
                                        "config_file": "{dir}/garbage.json"},
             ("config file", "garbage.json"), 0),
    ],
    "alicloud": [
        Case("wrong key", {"access_key_id": "LTAInotakey0000000000"}, ("accesskey id", "access key"), 1),
        Case("wrong secret", {"access_key_secret": "not-the-secret-at-all"}, ("secret", "signature"), 1),
        Case("missing profile", {"access_key_id": None, "access_key_secret": None, "profile": "nope",
                                 "config_file": "{dir}/aliyun.json"}, ("profile", "nope"), 0),
        Case("unreadable config file", {"access_key_id": None, "access_key_secret": None,
                                        "config_file": "{dir}/garbage.json"},
             ("config file", "garbage.json"), 0),
    ],
    "aws": [
        Case("wrong key", {"access_key": "AKIANOTAKEY000000000"}, ("access_key",), 1),
        Case("wrong secret", {"secret_key": "NOTTHESECRET" * 3}, ("secret_key",), 1),
        Case("temporary key without its session token",
             {"access_key": "{env:IMAGEOPS_AWS_SESSION_ACCESS_KEY_ID}",
              "secret_key": "{env:IMAGEOPS_AWS_SESSION_SECRET_ACCESS_KEY}"}, ("session_token",), 1),
        Case("missing profile", {"access_key": None, "secret_key": None, "profile": "nope"},
             ("profile", "nope"), 0),
    ],
}
CLOCK_SKEW = Case("expired date (clock skew)", {}, ("clock",), 1)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.001) as handle:
        yield handle


@pytest.fixture(scope="module")
def skewed_emulator() -> Iterator[EmulatorHandle]:
    """The clouds' clock two hours ahead of ours: every date we sign looks expired."""
    with running_emulator(time_scale=0.001, extra_args=["--clock-offset", "7200"]) as handle:
        yield handle


def case_files(directory: Path, env: dict[str, str]) -> None:
    """The files the cases point at: another valid RSA key, garbage, and config files whose only
    profile is ``default`` (valid credentials)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "another_key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (directory / "garbage.pem").write_text("this is not a key\n")
    (directory / "garbage.json").write_text("{this is not json")
    (directory / "osc.json").write_text(json.dumps({"default": {
        "access_key": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"], "secret_key": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "region": env["IMAGEOPS_OUTSCALE_REGION"]}}))
    (directory / "aliyun.json").write_text(json.dumps({"current": "default", "profiles": [{
        "name": "default", "mode": "AK", "access_key_id": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "access_key_secret": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "region_id": env["IMAGEOPS_ALICLOUD_REGION"]}]}))


def settings_of(cloud: Cloud, env: dict[str, str], case: Case, directory: Path) -> dict[str, str]:
    """The case's settings: ``{dir}`` is its directory, ``{env:NAME}`` the emulator's variable."""
    merged = {**cloud.settings(env), **case.settings}
    resolved = {}
    for key, value in merged.items():
        if value is not None:
            if value.startswith("{env:"):
                value = env[value[5:-1]]
            resolved[key] = value.replace("{dir}", str(directory))
    return resolved


def assert_clear(message: str, case: Case) -> None:
    text = message.lower()
    assert any(word in text for word in case.names), f"{case.name}: {message!r} names none of {case.names}"
    assert "traceback" not in text


def check_case(cloud: Cloud, emu: EmulatorHandle, case: Case, tmp_path: Path) -> None:
    case_files(tmp_path, emu.env)
    settings = settings_of(cloud, emu.env, case, tmp_path)
    spec_args = cloud.spec_args(emu.env, "bad-credentials")
    isolated = {key: None for key in CREDENTIAL_ENV}
    home = tmp_path / "home"
    home.mkdir()

    # the core
    mark = emu.mark()
    with pytest.raises(ImageOpsError) as caught, registry.connect(cloud.name, **settings) as driver:
        lookup(driver, cloud.spec(emu.env, "bad-credentials"), None)
    assert isinstance(caught.value, AuthError if case.calls else ConfigError), caught.value
    assert_clear(str(caught.value), case)
    assert len(emu.calls(since=mark, cloud=cloud.name)) == case.calls

    # Ansible: the settings as the module's options
    options = {MODULE_OPTION[cloud.name][k]: v for k, v in settings.items()}
    playbook = tmp_path / "bad.json"
    task = {"name": "image", f"imageops.cloud.{cloud.name}_image": {**spec_args, **options}}
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}]))
    mark = emu.mark()
    report = run_ansible(playbook, ansible_env(emu.env, tmp_path, HOME=str(home), **isolated))
    failed = [t for t in report["tasks"] if t["status"] == "failed"]
    assert len(failed) == 1, report["output"][-2000:]
    assert_clear(failed[0]["result"]["msg"], case)
    assert "MODULE FAILURE" not in report["output"]
    assert len(emu.calls(since=mark, cloud=cloud.name)) == case.calls

    # Pulumi: the settings as stack configuration
    from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

    conn = CONNECTIONS[cloud.name]
    keys = {**conn.config, **conn.secret_config}
    config = {f"{CONFIG_NAMESPACE}:{keys[k]}": v for k, v in settings.items()}
    env = tool_environment(emu.env, HOME=str(home), **isolated)
    mark = emu.mark()
    with (
        ProviderHarness(cloud.name, env=env, config=config) as harness,
        pytest.raises(ProviderCallError) as refused,
    ):
        Engine(harness).up("bad-credentials", spec_args)
    assert refused.value.method == "Create"
    assert provider_error_is_ours(refused.value.details), refused.value.details
    assert_clear(refused.value.details.strip().splitlines()[-1], case)
    assert len(emu.calls(since=mark, cloud=cloud.name)) == case.calls


@pytest.mark.parametrize(
    ("cloud_name", "case"),
    [(cloud, case) for cloud, cases in CASES.items() for case in cases],
    ids=[f"{cloud}-{case.name}" for cloud, cases in CASES.items() for case in cases],
)
def test_bad_credentials_give_one_clear_error_and_at_most_one_call(cloud_name: str, case: Case, emulator,
                                                                   tmp_path: Path) -> None:
    check_case(CLOUDS[cloud_name], emulator, case, tmp_path)


@pytest.mark.parametrize("cloud_name", tuple(CLOUDS))
def test_a_skewed_clock_gives_one_clear_error_and_one_call(cloud_name: str, skewed_emulator,
                                                           tmp_path: Path) -> None:
    check_case(CLOUDS[cloud_name], skewed_emulator, CLOCK_SKEW, tmp_path)
