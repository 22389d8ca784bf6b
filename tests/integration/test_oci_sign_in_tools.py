"""Every OCI way of signing in, from Ansible and from Pulumi, against the emulator: create, re-run with
0 writes, delete -- and no token, certificate or key in ``-vvvv`` output, Pulumi state or logs.

One emulator for the module (time scale 0.01: an image from the instance is ready in about a
second). The demo tenancy signs in four ways: its API key (``api_key``), the emulator's ``SESSION``
profile (``security_token``), the instance's certificates through the metadata service and the
federation endpoint (``instance_principal``) and the resource principal variables the emulator writes
(``resource_principal``). The metadata base URL and the federation endpoint are the emulator's
(``IMAGEOPS_OCI_METADATA_BASE_URL``, ``IMAGEOPS_OCI_FEDERATION_ENDPOINT``): 169.254.169.254 is never
contacted.
"""

from __future__ import annotations

import configparser
import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.extend(str(TESTS / suite) for suite in ("pulumi", "ansible") if str(TESTS / suite) not in sys.path)

from ansible_support import make_ansible_env, run_playbook  # noqa: E402
from secrets_harness import plant_oci_sign_in  # noqa: E402
from tests_pulumi_support import api_calls, provider_env  # noqa: E402

import imageops.oci as oci_core  # noqa: E402
from imageops.emulator.testing import EmulatorHandle, is_read, running_emulator  # noqa: E402
from pulumi_images.harness import Engine, ProviderHarness  # noqa: E402

pytestmark = pytest.mark.timeout(240)

MODES = ("api_key", "security_token", "instance_principal", "resource_principal")
FEDERATION = "FederateX509"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.01, workdir=tmp_path_factory.mktemp("sign-in-tools")) as handle:
        yield handle


def mode_env(env: dict[str, str], mode: str) -> dict[str, str]:
    """What a user of ``mode`` has in the environment beyond the emulator's endpoints.

    Beyond ``api_key``, the config file holds the session profiles only: no API key is in reach, so
    a tool that ignored the mode would fail instead of passing as the demo user.
    """
    if mode == "api_key":
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(env["IMAGEOPS_OCI_CONFIG_FILE"])
    sessions = Path(env["IMAGEOPS_OCI_CONFIG_FILE"]).with_name("sessions-only.config")
    sessions.write_text(
        "".join(
            f"[{name}]\n" + "".join(f"{k}={v}\n" for k, v in parser[name].items()) + "\n"
            for name in parser.sections()
            if name.endswith("SESSION")
        )
    )
    only_sessions = {"IMAGEOPS_OCI_CONFIG_FILE": str(sessions), "OCI_CONFIG_FILE": str(sessions)}
    if mode != "resource_principal":
        return only_sessions
    # As an OCI service sets them; the emulator writes them under IMAGEOPS_ names.
    return only_sessions | {
        name.removeprefix("IMAGEOPS_"): value
        for name, value in env.items()
        if name.startswith("IMAGEOPS_OCI_RESOURCE_PRINCIPAL_")
    }


def image_writes(emulator: EmulatorHandle, since: int) -> list[dict]:
    """Calls that write images (the federation call reads a token, it writes no image)."""
    return [c for c in api_calls(emulator, since, "oci") if not is_read(c) and c["action"] != FEDERATION]


def federated(emulator: EmulatorHandle, since: int) -> bool:
    return any(c["action"] == FEDERATION for c in api_calls(emulator, since, "oci"))


def accounts(emulator: EmulatorHandle, since: int) -> set[str | None]:
    return {c["account"] for c in api_calls(emulator, since, "oci")}


# ================================================================================== Ansible
def image_task(name: str, mode: str, state: str = "present") -> dict[str, Any]:
    options: dict[str, Any] = {
        "compartment_id": "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_COMPARTMENT_ID') }}",
        "display_name": name,
        "state": state,
    }
    if state == "present":
        options["instance_id"] = "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_INSTANCE_ID') }}"
    if mode != "api_key":
        options["auth_type"] = mode
    if mode == "security_token":
        options["config_profile_name"] = "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_SESSION_PROFILE') }}"
    return {"name": "image", "imageops.cloud.oci_image": options}


def playbook(task: dict[str, Any]) -> str:
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}])


@pytest.mark.parametrize("mode", MODES)
def test_ansible_create_rerun_delete(mode, emulator, tmp_path, secrets_harness):
    plant_oci_sign_in(secrets_harness, emulator.env)
    env = make_ansible_env(emulator, **mode_env(emulator.env, mode))
    tenancy = emulator.env["IMAGEOPS_OCI_TENANCY_ID"]
    name = f"ansible-{mode}-{uuid.uuid4().hex[:6]}"

    start = emulator.mark()
    created = run_playbook(tmp_path, playbook(image_task(name, mode)), env=env)
    assert created.result("image")["changed"] is True
    image_id = created.result("image")["image"]["id"]
    assert len(image_writes(emulator, start)) == 1 and accounts(emulator, start) == {tenancy}
    assert federated(emulator, start) == (mode == "instance_principal")

    start = emulator.mark()
    again = run_playbook(tmp_path, playbook(image_task(name, mode)), "-vvvv", env=env)
    assert again.result("image")["changed"] is False and again.result("image")["image"]["id"] == image_id
    assert image_writes(emulator, start) == [] and accounts(emulator, start) == {tenancy}
    secrets_harness.watch(f"ansible -vvvv ({mode})", again.output)

    start = emulator.mark()
    deleted = run_playbook(tmp_path, playbook(image_task(name, mode, state="absent")), env=env)
    assert deleted.result("image")["changed"] is True
    assert [c["action"] for c in image_writes(emulator, start)] == ["DeleteImage"]
    for run in (created, deleted):
        secrets_harness.watch(f"ansible ({mode})", run.output)
    secrets_harness.watch_file("emulator log", emulator.env_file.parent / "emulator.log")


# ================================================================================== Pulumi
def provider(emulator: EmulatorHandle, mode: str, via: str) -> ProviderHarness:
    """The provider server for ``mode``, chosen by the resource input ``auth`` or by the stack
    configuration ``imageops:ociAuth`` (``via``)."""
    config: dict[str, Any] = {}
    if via == "config" and mode != "api_key":
        config["imageops:ociAuth"] = mode
    if mode == "security_token":
        config["imageops:ociProfile"] = emulator.env["IMAGEOPS_OCI_SESSION_PROFILE"]
    return ProviderHarness(
        "oci", env=provider_env(emulator.env, **mode_env(emulator.env, mode)), config=config
    )


@pytest.mark.parametrize(
    ("mode", "via"),
    [(m, "config") for m in MODES] + [(m, "input") for m in MODES if m != "api_key"],
)
def test_pulumi_create_rerun_delete(mode, via, emulator, secrets_harness):
    plant_oci_sign_in(secrets_harness, emulator.env)
    env = emulator.env
    tenancy = env["IMAGEOPS_OCI_TENANCY_ID"]
    inputs: dict[str, Any] = {
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
        "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": f"pulumi-{mode}-{via}-{uuid.uuid4().hex[:6]}",
    }
    if via == "input":
        inputs["auth"] = mode
    with provider(emulator, mode, via) as harness:
        engine = Engine(harness)
        start = emulator.mark()
        state, action = engine.up("signed-in", inputs)
        assert action == "create" and state.outputs["state"] == "AVAILABLE"
        assert len(image_writes(emulator, start)) == 1 and accounts(emulator, start) == {tenancy}
        assert federated(emulator, start) == (mode == "instance_principal")

        start = emulator.mark()
        state, action = engine.up("signed-in", inputs, state)
        refreshed = engine.refresh(state)
        assert action == "same" and refreshed is not None and refreshed.id == state.id
        assert image_writes(emulator, start) == []

        start = emulator.mark()
        engine.destroy(state)
        assert [c["action"] for c in image_writes(emulator, start)] == ["DeleteImage"]
        assert accounts(emulator, start) <= {tenancy}
        secrets_harness.watch(f"pulumi state and answers ({mode}, {via})", b"\n".join(harness.received))
        secrets_harness.watch(f"pulumi provider stderr ({mode}, {via})", harness.stderr())


# ================================================================================== the core, in process
@pytest.mark.parametrize("mode", MODES[1:])
def test_no_secret_in_logs_reprs_or_errors_of_the_core(mode, emulator, monkeypatch, secrets_harness):
    """Every log record of a session at DEBUG, the driver's and its credentials' reprs, and the text
    of a refused call's error: none holds a token, a certificate or a key."""
    plant_oci_sign_in(secrets_harness, emulator.env)
    env = emulator.env
    for name, value in {**env, **mode_env(env, mode)}.items():
        monkeypatch.setenv(name, value)
    settings = {"profile": env["IMAGEOPS_OCI_SESSION_PROFILE"]} if mode == "security_token" else {}
    credentials = oci_core.load_credentials(auth=mode, **settings)
    source, completed = oci_core.credential_source(credentials)
    with oci_core.connect(auth=mode, **settings) as driver:
        assert driver.get(env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]) is not None
        with pytest.raises(Exception) as caught:
            driver.api.get_image("ocid1.image.oc1.iad.aaaaaaaanotthere")
        secrets_harness.watch_exception("error of a refused call", caught.value)
        secrets_harness.watch("reprs", [repr(driver), repr(credentials), repr(completed), repr(source)])
        secrets_harness.watch("signer", repr(source.current()))


# ================================================================================== the neutral module
def test_the_neutral_image_module_signs_in_as_the_instance_principal(emulator, tmp_path):
    """``imageops.cloud.image`` passes its ``oci_auth`` block to the same core: create, re-run with 0
    writes and delete as the instance principal (a federation call, and no API key in reach)."""
    env = make_ansible_env(emulator, **mode_env(emulator.env, "instance_principal"))
    name = f"neutral-ip-{uuid.uuid4().hex[:6]}"

    def task(state: str) -> dict[str, Any]:
        options: dict[str, Any] = {
            "cloud": "oci",
            "name": name,
            "state": state,
            "cloud_options": {
                "compartment_id": "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_COMPARTMENT_ID') }}"
            },
            "oci_auth": {"auth_type": "instance_principal"},
        }
        if state == "present":
            options["source"] = {
                "instance": {"id": "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_INSTANCE_ID') }}"}
            }
        return {"name": "image", "imageops.cloud.image": options}

    start = emulator.mark()
    created = run_playbook(tmp_path, playbook(task("present")), env=env)
    assert created.result("image")["changed"] is True
    assert len(image_writes(emulator, start)) == 1 and federated(emulator, start)
    start = emulator.mark()
    again = run_playbook(tmp_path, playbook(task("present")), env=env)
    assert again.result("image")["changed"] is False and image_writes(emulator, start) == []
    start = emulator.mark()
    deleted = run_playbook(tmp_path, playbook(task("absent")), env=env)
    assert deleted.result("image")["changed"] is True
    assert [c["action"] for c in image_writes(emulator, start)] == ["DeleteImage"]
