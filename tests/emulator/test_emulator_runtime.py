"""Fault injection, persistence, the env file and the CLI of the emulator."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import oci
import pytest
from cryptography.hazmat.primitives import serialization

from imageops.cli import main
from imageops.emulator.core import DroppedConnection, FaultInjector
from imageops.emulator.testing import EmulatorHandle, running_emulator

from .conftest import World, instance_body, live_client, make_world

IMAGES = "/20160918/images"


def _copy_world(tmp: Path, template: Path, **kwargs) -> World:
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template / "state.json", tmp / "state.json")
    shutil.copytree(template / "data", tmp / "data")
    return make_world(tmp, state_file=tmp / "state.json", data_dir=tmp / "data", **kwargs)


def _statuses(world: World, n: int) -> list[int]:
    client, out = world.client(), []
    for _ in range(n):
        try:
            out.append(client.get(f"/20160918/instances/{world.env['IMAGEOPS_OCI_INSTANCE_ID']}").status_code)
        except DroppedConnection:
            out.append(0)
    return out


def test_faults_are_reproducible_with_the_same_seed(tmp_path: Path, template: Path) -> None:
    runs = [_statuses(_copy_world(tmp_path / str(i), template, fault_rate=0.5, seed=seed), 40)
            for i, seed in enumerate((7, 7, 8))]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert {429, 500, 503, 0, 200} <= set(runs[0])
    assert 0.3 < runs[0].count(200) / 40 < 0.7


def test_fault_details_are_logged_and_throttles_say_retry_after(tmp_path: Path, template: Path) -> None:
    world = _copy_world(tmp_path, template, fault_rate=1.0, seed=3)
    client = world.client()
    seen: dict[int, httpx.Response | None] = {}
    for _ in range(30):
        try:
            response = client.get(IMAGES, params={"compartmentId": world.env["IMAGEOPS_OCI_COMPARTMENT_ID"]})
            seen[response.status_code] = response
        except DroppedConnection:
            seen[0] = None
    assert set(seen) == {429, 500, 503, 0}
    # One scaled second, but never under 50 ms: a client that ignores Retry-After shows in the call log.
    assert seen[429].headers["retry-after"] == "0.05"
    assert seen[429].json()["code"] == "TooManyRequests" and seen[429].headers["opc-request-id"]
    assert seen[500].json()["code"] == "InternalServerError"
    assert seen[503].json()["code"] == "ServiceUnavailable"
    calls = world.calls()
    assert len(calls) == 30 and {c["status"] for c in calls} == {429, 500, 503, 0}
    assert {c["action"] for c in calls} == {"ListImages"}
    assert {c["account"] for c in calls} == {world.env["IMAGEOPS_OCI_TENANCY_ID"]}


def test_a_dropped_write_still_happens(tmp_path: Path, template: Path) -> None:
    seed = next(s for s in range(100) if FaultInjector(1.0, s).decide() == "drop")
    world = _copy_world(tmp_path, template, fault_rate=1.0, seed=seed)
    with pytest.raises(DroppedConnection):
        world.client().post(IMAGES, instance_body(world.env))
    assert [(c["action"], c["status"]) for c in world.calls()] == [("CreateImage", 0)]
    assert len([i for i in world.oci["images"].values() if i["_tenancy"]]) == 1


def test_state_file_survives_a_restart(tmp_path: Path, template: Path) -> None:
    first = _copy_world(tmp_path, template)
    created = first.client().post(IMAGES, instance_body(first.env), headers={"opc-retry-token": "t"}).json()
    first.http.close()
    second = make_world(tmp_path, state_file=tmp_path / "state.json", data_dir=tmp_path / "data")
    assert second.env == first.env
    client = second.client()
    assert client.get(f"{IMAGES}/{created['id']}").json()["timeCreated"] == created["timeCreated"]
    replay = client.post(IMAGES, instance_body(second.env), headers={"opc-retry-token": "t"}).json()
    assert replay["id"] == created["id"]
    # without the old data dir the demo keys are replaced, but the world is the same
    third = make_world(tmp_path / "elsewhere", state_file=tmp_path / "state.json")
    assert third.client().get(f"{IMAGES}/{created['id']}").status_code == 200
    assert third.env["IMAGEOPS_OCI_INSTANCE_ID"] == first.env["IMAGEOPS_OCI_INSTANCE_ID"]


# -------------------------------------------------------------------------- real process and socket
def test_env_file_and_credentials(live: EmulatorHandle) -> None:
    env = live.env
    required = ["IMAGEOPS_OCI_ENDPOINT", "IMAGEOPS_OCI_REGION", "IMAGEOPS_OCI_CONFIG_FILE",
                "IMAGEOPS_OCI_TENANCY_ID", "IMAGEOPS_OCI_COMPARTMENT_ID", "IMAGEOPS_OCI_OTHER_COMPARTMENT_ID",
                "IMAGEOPS_OCI_INSTANCE_ID", "IMAGEOPS_OCI_STOPPED_INSTANCE_ID",
                "IMAGEOPS_OCI_TERMINATED_INSTANCE_ID", "IMAGEOPS_OCI_NAMESPACE", "IMAGEOPS_OCI_BUCKET",
                "IMAGEOPS_OCI_OBJECT", "IMAGEOPS_OCI_OBJECT_URI"]
    assert all(env.get(k) for k in required), env
    assert env["IMAGEOPS_OCI_ENDPOINT"].startswith("http://127.0.0.1:")
    assert env["IMAGEOPS_OCI_OBJECT_URI"] == (
        f"{env['IMAGEOPS_OCI_ENDPOINT']}/n/{env['IMAGEOPS_OCI_NAMESPACE']}/b/{env['IMAGEOPS_OCI_BUCKET']}"
        f"/o/{env['IMAGEOPS_OCI_OBJECT']}")
    assert "PRIVATE KEY" not in live.env_file.read_text()
    config_file = Path(env["IMAGEOPS_OCI_CONFIG_FILE"])
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    tenancies = set()
    for profile in ("DEFAULT", "OTHER"):
        config = oci.config.from_file(str(config_file), profile)
        oci.config.validate_config(config)
        tenancies.add(config["tenancy"])
        assert config["region"] == env["IMAGEOPS_OCI_REGION"]
        key_file = Path(config["key_file"])
        assert key_file.parent == config_file.parent and stat.S_IMODE(key_file.stat().st_mode) == 0o600
        passphrase = config.get("pass_phrase")
        assert bool(passphrase) == (profile == "OTHER")
        password = passphrase.encode() if passphrase else None
        key = serialization.load_pem_private_key(key_file.read_bytes(), password)
        der = key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
        digest = hashlib.md5(der).hexdigest()
        assert config["fingerprint"] == ":".join(digest[i:i + 2] for i in range(0, 32, 2))
    assert env["IMAGEOPS_OCI_TENANCY_ID"] in tenancies and len(tenancies) == 2


def test_real_socket_round_trip(live: EmulatorHandle) -> None:
    mark = live.mark()
    client = live_client(live)
    env = live.env
    assert client.get(f"/20160918/instances/{env['IMAGEOPS_OCI_INSTANCE_ID']}").status_code == 200
    path = env["IMAGEOPS_OCI_OBJECT_URI"].removeprefix(env["IMAGEOPS_OCI_ENDPOINT"])
    assert client.get(path).content.startswith(b"QFI\xfb")
    listed = client.get(IMAGES, params={"compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
                                        "displayName": "Oracle-Linux-8.9-2024.01.26-0"})
    assert listed.status_code == 200 and len(listed.json()) == 1
    calls = live.calls(since=mark)
    assert [c["action"] for c in calls] == ["GetInstance", "GetObject", "ListImages"]
    assert live.calls(since=mark, cloud="oci") == calls and live.calls(since=mark, cloud="nope") == []
    assert live.mark() == calls[-1]["seq"]


@pytest.mark.e2e
def test_dropped_connection_over_a_socket_and_restart(tmp_path: Path) -> None:
    seed = next(s for s in range(100) if FaultInjector(1.0, s).decide() == "drop")
    state = tmp_path / "state.json"
    with running_emulator(fault_rate=1.0, seed=seed, state_file=state, workdir=tmp_path / "a") as emu:
        with pytest.raises(httpx.RemoteProtocolError):
            live_client(emu).post(IMAGES, instance_body(emu.env, displayName="dropped"))
        assert [(c["action"], c["status"]) for c in emu.calls()] == [("CreateImage", 0)]
        env = emu.env
    saved = json.loads(state.read_text())["oci"]["images"]
    (image_id,) = [i for i, img in saved.items() if img["displayName"] == "dropped"]
    with running_emulator(state_file=state, workdir=tmp_path / "b") as emu:
        assert emu.env["IMAGEOPS_OCI_CONFIG_FILE"] == env["IMAGEOPS_OCI_CONFIG_FILE"]
        assert emu.env["IMAGEOPS_OCI_COMPARTMENT_ID"] == env["IMAGEOPS_OCI_COMPARTMENT_ID"]
        assert live_client(emu).get(f"{IMAGES}/{image_id}").json()["displayName"] == "dropped"
        emu.stop()
        assert emu.process.returncode == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_cli_refuses_non_loopback_hosts(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "serve", "--host", host]) == 2
    assert "loopback" in capsys.readouterr().err


def test_module_entry_point_refuses_non_loopback_and_stops_on_sigint(tmp_path: Path) -> None:
    root = str(Path(__file__).resolve().parents[2] / "shared")
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    refused = subprocess.run([sys.executable, "-m", "imageops", "emulator", "serve", "--host", "10.1.2.3"],
                             capture_output=True, text=True, env=env, timeout=30)
    assert refused.returncode == 2 and "loopback" in refused.stderr
    with running_emulator(workdir=tmp_path) as emu:
        emu.process.send_signal(signal.SIGINT)
        assert emu.process.wait(timeout=10) == 0


def test_in_process_emulator_helper(tmp_path: Path) -> None:
    import asyncio

    from imageops.emulator.testing import InProcessEmulator

    from .conftest import Signed, signer_for

    emu = InProcessEmulator(tmp_path / "data")
    endpoint = emu.env["IMAGEOPS_OCI_ENDPOINT"]
    assert endpoint == "http://oci.emulator.test"

    class Sync:
        def __init__(self) -> None:
            self.loop = asyncio.new_event_loop()
            self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=emu.app("oci")))

        def request(self, method, url, **kw):
            return self.loop.run_until_complete(self.client.request(method, url, **kw))

    sync = Sync()
    client = Signed(sync, endpoint, signer_for(emu.env["IMAGEOPS_OCI_CONFIG_FILE"], "DEFAULT"))
    assert client.get(f"/20160918/instances/{emu.env['IMAGEOPS_OCI_INSTANCE_ID']}").status_code == 200
    assert [c["action"] for c in emu.calls()] == ["GetInstance"] and emu.mark() == 1
    sync.loop.run_until_complete(sync.client.aclose())
    sync.loop.close()
