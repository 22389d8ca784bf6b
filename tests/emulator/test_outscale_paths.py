"""OUTSCALE answers under ``/api/v1/`` and ``/api/latest/``, repeated slashes taken as one (osc-cli
posts to ``{endpoint}//api/latest/{Action}``), with the signature checked on the path as sent."""

from __future__ import annotations

import json
import warnings

import httpx
import pytest

with warnings.catch_warnings():
    # Starlette's TestClient prefers httpx2 and warns when it falls back to httpx, which the product
    # itself uses (Kludex/starlette#3291): the fallback is what we want here.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from starlette.testclient import TestClient  # as tests/emulator does

from imageops.emulator.core import Emulator, make_app
from imageops.emulator.outscale import OutscalePlugin
from imageops.outscale.auth import OscSigner


@pytest.fixture(scope="module")
def outscale(tmp_path_factory):
    emulator = Emulator(data_dir=tmp_path_factory.mktemp("osc"), time_scale=0.0)
    plugin = emulator.add(OutscalePlugin())
    state = emulator.store.section("outscale")
    access = state["demo"]["DEFAULT"]["access_key"]
    demo = (access, state["keys"][access]["secret"])
    client = TestClient(make_app(emulator, plugin), base_url="http://127.0.0.1:8080")  # no lifespan
    yield emulator, client, demo


def _keys(demo: tuple[str, str]) -> tuple[str, str]:
    return demo


@pytest.mark.parametrize(
    "path", ["/api/v1/ReadImages", "/api/latest/ReadImages", "//api/latest/ReadImages", "/api//v1/ReadImages"]
)
@pytest.mark.parametrize("signature", ["osc4", "aws4"])
def test_every_path_the_service_accepts_answers_signed_requests(outscale, path, signature):
    emulator, client, demo = outscale
    access, secret = _keys(demo)
    signer = OscSigner(access, secret, "eu-west-2", signature=signature)
    request = httpx.Request("POST", f"http://127.0.0.1:8080{path}", content=json.dumps({}).encode())
    signed = signer.sign(request)
    before = len(emulator.calls.entries)
    response = client.post(str(signed.url), content=signed.content, headers=dict(signed.headers))
    assert response.status_code == 200, response.text
    assert "Images" in response.json()
    assert [c["action"] for c in emulator.calls.entries[before:]] == ["ReadImages"]


def test_a_signature_over_another_path_is_refused(outscale):
    _, client, demo = outscale
    access, secret = _keys(demo)
    signed = OscSigner(access, secret, "eu-west-2").sign(
        httpx.Request("POST", "http://127.0.0.1:8080/api/v1/ReadImages", content=b"{}")
    )
    url = "http://127.0.0.1:8080//api/latest/ReadImages"
    response = client.post(url, content=signed.content, headers=dict(signed.headers))
    assert response.status_code == 401


def test_an_unknown_api_version_is_not_an_action(outscale):
    _, client, _ = outscale
    assert client.post("/api/v2/ReadImages", content=b"{}").status_code == 404


def test_osc_cli_signs_the_path_with_one_slash_and_posts_it_with_two(outscale):
    """osc-cli signs ``/api/latest/{Action}`` and posts to ``{endpoint}//api/latest/{Action}``."""
    _, client, demo = outscale
    access, secret = _keys(demo)
    signed = OscSigner(access, secret, "eu-west-2").sign(
        httpx.Request("POST", "http://127.0.0.1:8080/api/latest/ReadImages", content=b"{}")
    )
    response = client.post(
        "http://127.0.0.1:8080//api/latest/ReadImages", content=signed.content, headers=dict(signed.headers)
    )
    assert response.status_code == 200, response.text
