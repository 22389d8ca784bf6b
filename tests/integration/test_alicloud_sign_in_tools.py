"""Every Alibaba Cloud sign-in mode from Ansible and from Pulumi, against the emulator: create, re-run
with 0 writes, delete - and no role key or token in ``-vvvv`` output, Pulumi state or provider output.

Modes: a RAM role assumed with options / stack configuration, with the environment
(``ALIBABA_CLOUD_ROLE_ARN``...), cross-account as a Pulumi input; the ECS instance's role as an
option / configuration and from ``ALIBABA_CLOUD_ECS_METADATA``; and each ``~/.aliyun/config.json``
mode (``AK``, ``StsToken``, ``RamRoleArn``, ``EcsRamRole``). The emulator's call log tells which
account each ECS call was made as, and how many writes each step made. The temporary keys the
emulator issued (read back from its state file) are planted in the secrets harness afterwards.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from imageops.emulator.testing import EmulatorHandle, running_emulator
from pulumi_images.harness import Engine, ProviderHarness

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "ansible"), str(TESTS / "pulumi")]
from ansible_support import make_ansible_env, run_playbook  # noqa: E402

pytestmark = [pytest.mark.timeout(240), pytest.mark.e2e]

MAIN, OTHER = "IMAGEOPS_ALICLOUD_", "IMAGEOPS_ALICLOUD_OTHER_"
# What the emulator's env file says that no sign-in setting reads: where its STS and metadata are.
ENDPOINTS = ("IMAGEOPS_ALICLOUD_ENDPOINT", "IMAGEOPS_ALICLOUD_STS_ENDPOINT", "IMAGEOPS_ALICLOUD_METADATA_URL")


@dataclass
class Mode:
    """One way of signing in, as each tool takes it (``{NAME}`` = an emulator env-file value)."""

    account: str
    ansible: dict[str, Any] = field(default_factory=dict)
    pulumi_config: dict[str, Any] = field(default_factory=dict)
    pulumi_inputs: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    via: str = ""
    """What the emulator must have been asked: "sts", "metadata" or "" (the keys as they are)."""
    sessions: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Per tool, the STS session name and duration the role must have been assumed with."""


def keys_options(prefix: str = MAIN) -> dict[str, str]:
    return {
        "alicloud_access_key": f"{{{prefix}ACCESS_KEY_ID}}",
        "alicloud_secret_key": f"{{{prefix}ACCESS_KEY_SECRET}}",
    }


def keys_config(prefix: str = MAIN) -> dict[str, str]:
    return {
        "imageops:alicloudAccessKeyId": f"{{{prefix}ACCESS_KEY_ID}}",
        "imageops:alicloudAccessKeySecret": f"{{{prefix}ACCESS_KEY_SECRET}}",
    }


def profile(name: str) -> tuple[dict[str, str], dict[str, str]]:
    return (
        {"config_file": "{CONFIG_FILE}", "profile": name},
        {"imageops:alicloudConfigFile": "{CONFIG_FILE}", "imageops:alicloudProfile": name},
    )


MODES: dict[str, Mode] = {
    "assume-role-options": Mode(
        "MAIN",
        ansible={
            **keys_options(),
            "alicloud_assume_role_arn": "{IMAGEOPS_ALICLOUD_ROLE_ARN}",
            "alicloud_assume_role_session_name": "ansible-run",
            "alicloud_assume_role_session_expiration": 1800,
        },
        pulumi_config={
            **keys_config(),
            "imageops:alicloudAssumeRoleArn": "{IMAGEOPS_ALICLOUD_ROLE_ARN}",
            "imageops:alicloudAssumeRoleSessionName": "pulumi-up",
            "imageops:alicloudAssumeRoleSessionExpiration": "1800",
        },
        via="sts",
        sessions={"ansible": ("ansible-run", 1800), "pulumi": ("pulumi-up", 1800)},
    ),
    "assume-role-env": Mode(
        "MAIN",
        ansible=keys_options(),
        pulumi_config=keys_config(),
        env={
            "ALIBABA_CLOUD_ROLE_ARN": "{IMAGEOPS_ALICLOUD_ROLE_ARN}",
            "ALIBABA_CLOUD_ROLE_SESSION_NAME": "from-env",
            "ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION": "900",
        },
        via="sts",
        sessions={"ansible": ("from-env", 900), "pulumi": ("from-env", 900)},
    ),
    "assume-role-cross-account": Mode(
        "MAIN",
        ansible={
            **keys_options(OTHER),
            "alicloud_assume_role_arn": "{IMAGEOPS_ALICLOUD_CROSS_ACCOUNT_ROLE_ARN}",
        },
        pulumi_config=keys_config(OTHER),
        pulumi_inputs={"assume_role_arn": "{IMAGEOPS_ALICLOUD_CROSS_ACCOUNT_ROLE_ARN}"},
        via="sts",
    ),
    "ecs-role-option": Mode(
        "MAIN",
        ansible={"ecs_role_name": "{IMAGEOPS_ALICLOUD_ECS_ROLE_NAME}"},
        pulumi_config={"imageops:alicloudEcsRoleName": "{IMAGEOPS_ALICLOUD_ECS_ROLE_NAME}"},
        via="metadata",
    ),
    "ecs-role-env": Mode(
        "MAIN", env={"ALIBABA_CLOUD_ECS_METADATA": "{IMAGEOPS_ALICLOUD_ECS_ROLE_NAME}"}, via="metadata"
    ),
    "profile-AK": Mode("OTHER", *profile("ak")),
    "profile-StsToken": Mode("MAIN", *profile("sts")),
    "profile-RamRoleArn": Mode(
        "MAIN",
        *profile("role"),
        via="sts",
        sessions={"ansible": ("cli-profile", 900), "pulumi": ("cli-profile", 900)},
    ),
    "profile-EcsRamRole": Mode("MAIN", *profile("ecs"), via="metadata"),
}


def write_profiles(e: dict[str, str], path: Path) -> Path:
    """The aliyun CLI's config.json, one profile per mode, fields as the CLI writes them."""
    region = e["IMAGEOPS_ALICLOUD_REGION"]
    profiles = [
        {"name": "ak", "mode": "AK", "access_key_id": e[f"{OTHER}ACCESS_KEY_ID"],
         "access_key_secret": e[f"{OTHER}ACCESS_KEY_SECRET"], "region_id": region},
        {"name": "sts", "mode": "StsToken", "access_key_id": e[f"{MAIN}STS_ACCESS_KEY_ID"],
         "access_key_secret": e[f"{MAIN}STS_ACCESS_KEY_SECRET"], "sts_token": e[f"{MAIN}SECURITY_TOKEN"],
         "region_id": region},
        {"name": "role", "mode": "RamRoleArn", "access_key_id": e[f"{MAIN}ACCESS_KEY_ID"],
         "access_key_secret": e[f"{MAIN}ACCESS_KEY_SECRET"], "ram_role_arn": e[f"{MAIN}ROLE_ARN"],
         "ram_session_name": "cli-profile", "expired_seconds": 900, "region_id": region},
        {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": e[f"{MAIN}ECS_ROLE_NAME"],
         "region_id": region},
    ]  # fmt: skip
    path.write_text(json.dumps({"current": "ak", "profiles": profiles}))
    return path


def fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return values[value[1:-1]]
    return value


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    work = tmp_path_factory.mktemp("ali-sign-in-tools")
    with running_emulator(time_scale=0.01, workdir=work, state_file=work / "state.json") as handle:
        handle.values = {**handle.env, "CONFIG_FILE": str(write_profiles(handle.env, work / "config.json"))}  # type: ignore[attr-defined]
        handle.state_file = work / "state.json"  # type: ignore[attr-defined]
        yield handle


def issued_keys(emu: EmulatorHandle) -> list[dict[str, Any]]:
    """The temporary keys the emulator handed out (AssumeRole, instance metadata), from its state file."""
    state = json.loads(emu.state_file.read_text())["alicloud"]  # type: ignore[attr-defined]
    return [k for k in state["keys"].values() if k.get("expires")]


def check_session(emu: EmulatorHandle, mode: Mode, tool: str) -> None:
    """The session name and duration reached STS (the call log shows accounts, not sessions)."""
    if tool in mode.sessions:
        name, duration = mode.sessions[tool]
        sessions = {(k["identity"].rsplit("/", 1)[-1], k.get("duration")) for k in issued_keys(emu)}
        assert (name, duration) in sessions, sessions


def plant_issued_keys(secrets_harness: Any, emu: EmulatorHandle) -> int:
    """Every secret and token the emulator handed out, to search for."""
    issued = issued_keys(emu)
    for n, key in enumerate(issued):
        secrets_harness.plant(f"temporary key secret {n}", key["secret"])
        secrets_harness.plant(f"temporary key token {n}", key["token"])
    secrets_harness.plant_emulator(emu.env)
    return len(issued)


def check_calls(emu: EmulatorHandle, mark: int, mode: Mode) -> list[dict[str, Any]]:
    calls = emu.calls(since=mark, cloud="alicloud")
    ecs = [c for c in calls if c["path"] == "/"]
    account = emu.env["IMAGEOPS_ALICLOUD_ACCOUNT_ID" if mode.account == "MAIN" else f"{OTHER}ACCOUNT_ID"]
    assert {c["account"] for c in ecs} == {account}, "every ECS call is made as the expected account"
    assert all(c["status"] == 200 for c in calls), [c for c in calls if c["status"] != 200]
    asked = {("sts" if c["path"] == "/sts" else "metadata") for c in calls if c["path"] != "/"}
    assert asked == ({mode.via} if mode.via else set())
    return ecs


def instance_of(mode: Mode, values: dict[str, str]) -> str:
    """The demo instance of the account the mode signs in as."""
    return values[f"{MAIN if mode.account == 'MAIN' else OTHER}INSTANCE_ID"]


def writes(ecs: list[dict[str, Any]]) -> list[str]:
    return [c["action"] for c in ecs if not str(c["action"]).startswith("Describe")]


@pytest.mark.parametrize("mode_name", MODES)
def test_ansible_create_rerun_delete(
    mode_name: str, emu: EmulatorHandle, tmp_path: Path, secrets_harness: Any
) -> None:
    mode, values = MODES[mode_name], emu.values  # type: ignore[attr-defined]
    name = f"ansible-{mode_name}-{uuid.uuid4().hex[:6]}".lower()
    options = {k: fill(v, values) for k, v in mode.ansible.items()}
    image = {"image_name": name, "instance_id": instance_of(mode, values)}
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {"group/imageops.cloud.alicloud": options},
            "tasks": [
                {"name": "create", "imageops.cloud.alicloud_image": image},
                {"name": "again", "imageops.cloud.alicloud_image": image},
                {"name": "delete", "imageops.cloud.alicloud_image": {"image_name": name, "state": "absent"}},
            ],
        }
    ]
    # The emulator's env file is sourced, but its AccessKey variables are not: they would be a
    # sign-in of their own (and, beside ALIBABA_CLOUD_ECS_METADATA, two at once).
    env = make_ansible_env(
        emu,
        IMAGEOPS_ALICLOUD_ACCESS_KEY_ID=None,
        IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET=None,
        IMAGEOPS_ALICLOUD_SECURITY_TOKEN=None,
        **{k: fill(v, values) for k, v in mode.env.items()},
    )
    env["HOME"] = str(tmp_path)  # no ~/.aliyun/config.json of the machine
    mark = emu.mark()
    run = run_playbook(tmp_path, textwrap.dedent(yaml.safe_dump(play)), "-vvvv", env=env)
    secrets_harness.watch(f"ansible-playbook -vvvv ({mode_name})", run.output)
    secrets_harness.watch(f"ansible results ({mode_name})", run.results_json)
    assert [run.result(t)["changed"] for t in ("create", "again", "delete")] == [True, False, True]
    ecs = check_calls(emu, mark, mode)
    # The create wrote once, the delete once: the re-run wrote nothing.
    assert writes(ecs) == ["CreateImage", "DeleteImage"], writes(ecs)
    check_session(emu, mode, "ansible")
    assert plant_issued_keys(secrets_harness, emu) >= (1 if mode.via else 0)


@pytest.mark.parametrize("mode_name", MODES)
def test_pulumi_create_rerun_delete(
    mode_name: str, emu: EmulatorHandle, tmp_path: Path, secrets_harness: Any
) -> None:
    mode, values = MODES[mode_name], emu.values  # type: ignore[attr-defined]
    server_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OCI_", "IMAGEOPS_", "ALIBABA_CLOUD_", "ALICLOUD_"))
    }
    server_env.update({k: emu.env[k] for k in ENDPOINTS})
    server_env.update({k: fill(v, values) for k, v in mode.env.items()})
    server_env["HOME"] = str(tmp_path)
    config = {"imageops:alicloudRegion": values["IMAGEOPS_ALICLOUD_REGION"]}
    config.update({k: fill(v, values) for k, v in mode.pulumi_config.items()})
    inputs = {
        "image_name": f"pulumi-{mode_name}-{uuid.uuid4().hex[:6]}".lower(),
        "instance_id": instance_of(mode, values),
        **{k: fill(v, values) for k, v in mode.pulumi_inputs.items()},
    }
    with ProviderHarness("alicloud", env=server_env, config=config) as harness:
        engine = Engine(harness)
        mark = emu.mark()
        state, action = engine.up("signed-in", inputs)
        assert action == "create"
        rerun = emu.mark()
        again, action = engine.up("signed-in", inputs, state)
        assert action == "same" and emu.calls(since=rerun, cloud="alicloud") == []
        refreshed = engine.refresh(again)
        assert refreshed is not None and refreshed.id == state.id
        engine.destroy(refreshed)
        ecs = check_calls(emu, mark, mode)
        assert writes(ecs) == ["CreateImage", "DeleteImage"], writes(ecs)
        for what, value in (("state", state), ("refreshed state", refreshed)):
            secrets_harness.watch(
                f"Pulumi {what} ({mode_name})", {"inputs": value.inputs, "outputs": value.outputs}
            )
        secrets_harness.watch(f"provider gRPC answers ({mode_name})", b"\n".join(harness.received))
        stderr = harness.stderr()
    secrets_harness.watch(f"provider stderr ({mode_name})", stderr)
    check_session(emu, mode, "pulumi")
    assert plant_issued_keys(secrets_harness, emu) >= (1 if mode.via else 0)
