"""Fixtures for the emulator's own tests.

Requests are signed with the official ``oci`` SDK's signer (not our client code), then sent either
in-process (starlette's TestClient over the ASGI app) or through a real socket.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import oci
import pytest
from oci._vendor import requests as oci_requests

from imageops.emulator.core import Emulator, make_app
from imageops.emulator.oci import OciPlugin
from imageops.emulator.testing import EmulatorHandle, running_emulator

BASE = "http://emu.test"


def signer_for(config_file: str, profile: str) -> oci.signer.Signer:
    return oci.signer.Signer.from_config(oci.config.from_file(config_file, profile))


class Signed:
    """Sign with ``oci.signer.Signer`` and send with any httpx-compatible client."""

    def __init__(self, client: Any, base: str, signer: Any) -> None:
        self.client, self.base, self.signer = client, base, signer

    def prepare(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                headers: dict | None = None, raw: bytes | None = None) -> oci_requests.PreparedRequest:
        body = raw if raw is not None else (jsonlib.dumps(json).encode() if json is not None else None)
        hdrs = {"accept": "application/json", **({"content-type": "application/json"} if body else {}),
                **(headers or {})}
        if method in ("POST", "PUT") and body is None:
            body = b""
        req = oci_requests.Request(method, self.base + path, params=params, data=body, headers=hdrs).prepare()
        return self.signer(req)

    def send(self, req: oci_requests.PreparedRequest, *, body: bytes | None = None,
             url: str | None = None) -> httpx.Response:
        content = body if body is not None else req.body
        if isinstance(content, str):
            content = content.encode()
        return self.client.request(req.method, url or req.url, content=content, headers=dict(req.headers))

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.send(self.prepare(method, path, **kwargs))

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any, **kw: Any) -> httpx.Response:
        return self.request("POST", path, json=json, **kw)

    def put(self, path: str, json: Any, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)


class AsgiClient:
    """A small synchronous client over the ASGI app (httpx.ASGITransport on a private loop)."""

    def __init__(self, app: Any, base_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@dataclass
class World:
    """An in-process emulator (OCI) with signed clients for both demo tenancies."""

    emulator: Emulator
    plugin: OciPlugin
    app: Any
    env: dict[str, str]
    http: AsgiClient

    def client(self, profile: str = "DEFAULT") -> Signed:
        return Signed(self.http, BASE, signer_for(self.env["IMAGEOPS_OCI_CONFIG_FILE"], profile))

    @property
    def oci(self) -> dict[str, Any]:
        return self.emulator.store.section("oci")

    def finish(self, image_id: str) -> None:
        """Skip the rest of an image's PROVISIONING/IMPORTING time."""
        self.oci["images"][image_id]["_ready_at"] = 0.0

    def calls(self, since: int = 0) -> list[dict]:
        return self.http.get("/_emulator/calls", params={"since": since}).json()


def make_world(tmp: Path, *, time_scale: float = 0.01, fault_rate: float = 0.0, seed: int = 0,
               state_file: Path | None = None, data_dir: Path | None = None) -> World:
    emu = Emulator(state_file=state_file, data_dir=data_dir or tmp / "data", time_scale=time_scale,
                   fault_rate=fault_rate, seed=seed)
    plugin = OciPlugin()
    emu.add(plugin)
    app = make_app(emu, plugin)
    env = plugin.env(emu, BASE)
    return World(emu, plugin, app, env, AsgiClient(app, BASE))


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded state file and data dir, made once: RSA key generation is the slow part of seeding."""
    folder = tmp_path_factory.mktemp("template")
    make_world(folder, state_file=folder / "state.json", data_dir=folder / "data").http.close()
    return folder


@pytest.fixture
def world(tmp_path: Path, template: Path) -> Iterator[World]:
    shutil.copy2(template / "state.json", tmp_path / "state.json")
    shutil.copytree(template / "data", tmp_path / "data")
    w = make_world(tmp_path, state_file=tmp_path / "state.json", data_dir=tmp_path / "data")
    yield w
    w.http.close()


@pytest.fixture(scope="module")
def live() -> Iterator[EmulatorHandle]:
    """A real emulator process on a loopback port (one per test module)."""
    with running_emulator(time_scale=0.001) as handle:
        yield handle


def live_client(handle: EmulatorHandle, profile: str = "DEFAULT") -> Signed:
    http = httpx.Client(timeout=10, trust_env=False)
    return Signed(http, handle.env["IMAGEOPS_OCI_ENDPOINT"],
                  signer_for(handle.env["IMAGEOPS_OCI_CONFIG_FILE"], profile))


def instance_body(env: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "instanceId": env["IMAGEOPS_OCI_INSTANCE_ID"], **extra}


def tuple_body(env: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "imageSourceDetails": {"sourceType": "objectStorageTuple", "sourceImageType": "QCOW2",
                                   "namespaceName": env["IMAGEOPS_OCI_NAMESPACE"],
                                   "bucketName": env["IMAGEOPS_OCI_BUCKET"],
                                   "objectName": env["IMAGEOPS_OCI_OBJECT"]},
            **extra}
