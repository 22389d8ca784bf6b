"""OCI sign-in against the emulator: the SDK's own signers pointed at its metadata and federation
endpoints, ours byte-equal to them, tokens refused when forged or expired, a wait that outlives its
token, and no 401 retried more than once.

Every test points the metadata base URL at the emulator (``OCI_METADATA_BASE_URL`` for the SDK, the
``metadata_base_url`` setting for us): 169.254.169.254 is never contacted.
"""

from __future__ import annotations

import base64
import configparser
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import oci
import pytest
from oci._vendor import requests
from oci.auth.signers import (
    EphemeralResourcePrincipalSigner,
    InstancePrincipalsSecurityTokenSigner,
    SecurityTokenSigner,
)

import imageops.oci as oci_core
from imageops.credentials import Expiring, RefreshingSource, StaticSource
from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, running_emulator
from imageops.errors import AuthError, ConfigError
from imageops.model import ImageState
from imageops.oci import OciImageSpec
from imageops.oci.auth import OciSigner, SigningKey, load_private_key
from imageops.oci.federation import instance_principal
from imageops.transport import RetryPolicy

pytestmark = pytest.mark.timeout(120)

DATE = "Thu, 05 Jan 2014 21:31:40 GMT"
FAST_POLL = PollPolicy(first=0.02, longest=0.1)
SHORT_SCALE = 0.02
SHORT_TOKEN = "150"
"""IMAGEOPS_EMULATOR_OCI_TOKEN_LIFETIME of the short-token emulator: at its time scale of 0.02 tokens
last 3 s there, while an import takes 6 s (long enough to outlive a token, short enough to survive
a loaded machine's delays)."""
TOKEN_LIFE = 3.0


def start(
    tmp_path_factory: pytest.TempPathFactory, name: str, scale: float = 0.01, **env: str
) -> Iterator[EmulatorHandle]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)  # read by the emulator process at start
        with running_emulator(time_scale=scale, workdir=tmp_path_factory.mktemp(name)) as handle:
            mp.undo()
            yield handle


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    yield from start(tmp_path_factory, "sign-in-emu")


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorHandle]:
    yield from start(
        tmp_path_factory, "sign-in-short", SHORT_SCALE, IMAGEOPS_EMULATOR_OCI_TOKEN_LIFETIME=SHORT_TOKEN
    )


@pytest.fixture
def sdk_env(emu: EmulatorHandle, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The SDK's environment: its metadata variable at the emulator, the resource principal's set."""
    env = emu.env
    monkeypatch.setenv("OCI_METADATA_BASE_URL", env["IMAGEOPS_OCI_METADATA_BASE_URL"])
    for name, value in env.items():
        if name.startswith("IMAGEOPS_OCI_RESOURCE_PRINCIPAL_"):
            monkeypatch.setenv(name.removeprefix("IMAGEOPS_"), value)
    return env


def principal_settings(env: dict[str, str]) -> dict[str, Any]:
    return {
        "metadata_base_url": env["IMAGEOPS_OCI_METADATA_BASE_URL"],
        "federation_endpoint": env["IMAGEOPS_OCI_FEDERATION_ENDPOINT"],
        "endpoint": env["IMAGEOPS_OCI_ENDPOINT"],
    }


def compute(env: dict[str, str], signer: Any) -> oci.core.ComputeClient:
    config = {"region": env["IMAGEOPS_OCI_REGION"]}
    return oci.core.ComputeClient(config, signer=signer, service_endpoint=env["IMAGEOPS_OCI_ENDPOINT"])


def sdk_authorization(signer: Any, url: str) -> str:
    prepared = requests.Request("GET", url, headers={"date": DATE}).prepare()
    signer(prepared)
    return prepared.headers["authorization"]


def our_authorization(key: SigningKey, url: str) -> str:
    request = httpx.Request("GET", url, headers={"date": DATE})
    return next(OciSigner.over(StaticSource(key)).auth_flow(request)).headers["authorization"]


def session_token(env: dict[str, str]) -> tuple[str, Any]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(env["IMAGEOPS_OCI_CONFIG_FILE"])
    section = parser[env["IMAGEOPS_OCI_SESSION_PROFILE"]]
    with open(section["security_token_file"]) as fh:
        token = fh.read().strip()
    with open(section["key_file"], "rb") as fh:
        key = load_private_key(fh.read())
    return token, key


# ---------------------------------------------- (b) the SDK's own signers, unchanged, on the emulator
def test_the_sdks_instance_principal_signer_works_against_the_emulator(sdk_env):
    signer = InstancePrincipalsSecurityTokenSigner(
        federation_endpoint=sdk_env["IMAGEOPS_OCI_FEDERATION_ENDPOINT"]
    )
    assert signer.tenancy_id == sdk_env["IMAGEOPS_OCI_TENANCY_ID"]
    assert signer.region == sdk_env["IMAGEOPS_OCI_REGION"]  # from /instance/region's short name
    image = compute(sdk_env, signer).get_image(sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]).data
    assert image.id == sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]


def test_the_sdks_resource_principal_signer_works_against_the_emulator(sdk_env):
    signer = oci.auth.signers.get_resource_principals_signer()
    assert isinstance(signer, EphemeralResourcePrincipalSigner)
    assert signer.tenancy_id == sdk_env["IMAGEOPS_OCI_TENANCY_ID"]
    image = compute(sdk_env, signer).get_image(sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]).data
    assert image.id == sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]


def test_the_sdks_security_token_signer_works_with_the_session_profile(sdk_env):
    token, key = session_token(sdk_env)
    image = compute(sdk_env, SecurityTokenSigner(token, key)).get_image(
        sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]
    )
    assert image.data.id == sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]


# ---------------------------------------------- (a) the instance principal's signer, byte for byte
def test_our_instance_principal_signs_as_the_sdks(sdk_env):
    url = f"{sdk_env['IMAGEOPS_OCI_ENDPOINT']}/20160918/images/{sdk_env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}"
    theirs = InstancePrincipalsSecurityTokenSigner(
        federation_endpoint=sdk_env["IMAGEOPS_OCI_FEDERATION_ENDPOINT"]
    )
    expected = sdk_authorization(theirs, url)  # the SDK may refresh here: read its key afterwards
    token = theirs.api_key.removeprefix("ST$")
    assert our_authorization(SigningKey.for_token(token, theirs.private_key), url) == expected
    # and our own federation gets a token the same emulator accepts, for the same tenancy
    source, principal = instance_principal(
        metadata_base_url=sdk_env["IMAGEOPS_OCI_METADATA_BASE_URL"],
        federation_endpoint=sdk_env["IMAGEOPS_OCI_FEDERATION_ENDPOINT"],
    )
    assert source.current().is_token and principal.tenancy == theirs.tenancy_id


# ---------------------------------------------- our modes: calls act as the demo tenancy
@pytest.mark.parametrize("mode", ["security_token", "instance_principal", "resource_principal"])
def test_each_mode_reads_as_the_demo_tenancy(sdk_env, emu, mode):
    settings: dict[str, Any] = {"endpoint": sdk_env["IMAGEOPS_OCI_ENDPOINT"]}
    if mode == "security_token":
        settings |= {"config_file": sdk_env["IMAGEOPS_OCI_CONFIG_FILE"], "profile": "SESSION"}
    elif mode == "instance_principal":
        settings |= principal_settings(sdk_env)
    mark = emu.mark()
    with oci_core.connect(auth=mode, **settings) as driver:
        assert driver.get(sdk_env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]) is not None
    calls = [c for c in emu.calls(since=mark) if c["action"] == "GetImage"]
    assert [(c["status"], c["account"]) for c in calls] == [(200, sdk_env["IMAGEOPS_OCI_TENANCY_ID"])]


def test_metadata_needs_the_imdsv2_header(emu):
    url = f"{emu.env['IMAGEOPS_OCI_METADATA_BASE_URL']}/identity/key.pem"
    with httpx.Client(trust_env=False) as client:
        assert client.get(url).status_code == 401
        assert client.get(url, headers={"Authorization": "Bearer Oracle"}).status_code == 200


# ---------------------------------------------- (d) forged and expired tokens, one retry at most
def forged(token: str) -> str:
    head, body, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0xFF
    return f"{head}.{body}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def get_image_calls(env: dict[str, str], source: Any, handle: EmulatorHandle) -> tuple[list[dict], Exception]:
    mark = handle.mark()
    driver = oci_core.OciDriver(
        oci_core.OciComputeApi(
            oci_core.build_client(
                base_url=env["IMAGEOPS_OCI_ENDPOINT"], auth=OciSigner.over(source), timeout=10
            )
        ),
        region=env["IMAGEOPS_OCI_REGION"],
    )
    with pytest.raises(AuthError) as caught:
        driver.get(env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
    driver.close()
    return [c for c in handle.calls(since=mark) if c["action"] == "GetImage"], caught.value


def test_a_forged_token_is_refused_and_retried_once_at_most(emu):
    env = emu.env
    token, key = session_token(env)
    # a source that cannot renew: one call
    calls, error = get_image_calls(env, StaticSource(SigningKey.for_token(forged(token), key)), emu)
    assert [c["status"] for c in calls] == [401]
    assert "NotAuthenticated" in str(error) and token not in str(error)
    # a source that renews (to another forged token): exactly one more call, then the error
    fetched: list[int] = []

    def fetch() -> Expiring[SigningKey]:
        fetched.append(1)
        return Expiring(SigningKey.for_token(forged(token) + "x" * len(fetched), key), time.time() + 3600)

    calls, error = get_image_calls(env, RefreshingSource(fetch), emu)
    assert [c["status"] for c in calls] == [401, 401] and len(fetched) == 2
    assert "eyJ" not in json.dumps(emu.calls(since=0))  # no token in the call log


def test_an_expired_token_gets_the_clouds_401(short):
    env = short.env
    source, _ = instance_principal(
        metadata_base_url=env["IMAGEOPS_OCI_METADATA_BASE_URL"],
        federation_endpoint=env["IMAGEOPS_OCI_FEDERATION_ENDPOINT"],
    )
    key = source.current()
    time.sleep(TOKEN_LIFE + 0.2)
    calls, error = get_image_calls(env, StaticSource(key), short)
    assert [c["status"] for c in calls] == [401]
    assert "NotAuthenticated" in str(error) and "expired" in str(error)


def test_a_token_that_expires_during_a_long_wait_is_refreshed_and_the_wait_goes_on(short):
    """An import takes 6 s; the instance principal's token lasts 3 s: the wait fetches new tokens
    (before expiry: never a 401) and the image becomes AVAILABLE."""
    env = short.env
    mark = short.mark()
    spec = OciImageSpec.parse(
        {
            "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "display_name": f"long-wait-{uuid.uuid4().hex[:8]}",
            "image_source_details": {
                "source_type": "objectStorageUri",
                "source_uri": env["IMAGEOPS_OCI_OBJECT_URI"],
            },
        }
    )
    started = time.monotonic()
    with oci_core.connect(
        auth="instance_principal",
        poll=FAST_POLL,
        retry=RetryPolicy(max_attempts=2),
        **principal_settings(env),
    ) as driver:
        image = driver.create(spec)
        ready = driver.wait_for(image.id, ImageState.AVAILABLE, 30.0)
        assert ready.state is ImageState.AVAILABLE
        driver.delete(image.id)
    waited = time.monotonic() - started
    calls = short.calls(since=mark)
    federations = [c for c in calls if c["action"] == "FederateX509"]
    assert waited > TOKEN_LIFE * 1.5, "the wait must outlive a token for this test to mean anything"
    assert len(federations) >= 3, f"{len(federations)} tokens for a {waited:.1f}s wait"
    assert [c for c in calls if c["status"] == 401] == []
    assert {c["account"] for c in calls if c["action"] == "GetImage"} == {env["IMAGEOPS_OCI_TENANCY_ID"]}


def test_the_default_metadata_address_is_not_used_when_a_base_url_is_set(emu, monkeypatch):
    """Guard for this module: nothing here may fall back to 169.254.169.254."""
    sent: list[str] = []
    real = httpx.HTTPTransport.handle_request

    def spy(self: Any, request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        assert "169.254.169.254" not in str(request.url)
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", spy)
    with oci_core.connect(auth="instance_principal", **principal_settings(emu.env)) as driver:
        driver.get(emu.env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"])
    assert any("/opc/v2/" in url for url in sent) and os.environ.get("OCI_METADATA_BASE_URL") is None


def test_a_session_token_that_expires_during_a_wait_fails_once_naming_oci_session_refresh(short, tmp_path):
    """A session token cannot be refreshed from here: when the file still holds the expired token,
    the wait stops with one message naming the command, and no call is signed with the dead token
    (a poll signed in the token's last moments may reach the service after it expired, as with OCI:
    its one 401 sends the source back to the file, which ends the wait with no further call)."""
    env = short.env
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(env["IMAGEOPS_OCI_CONFIG_FILE"])
    session = dict(parser[env["IMAGEOPS_OCI_SESSION_PROFILE"]])
    # A copy nobody refreshes, taken just after the emulator rewrote the file (its whole life left).
    first = Path(session["security_token_file"]).read_text()
    deadline = time.monotonic() + 5
    while Path(session["security_token_file"]).read_text() == first and time.monotonic() < deadline:
        time.sleep(0.01)
    shutil.copy(session["security_token_file"], tmp_path / "token")
    session["security_token_file"] = str(tmp_path / "token")
    (tmp_path / "config").write_text("[MINE]\n" + "".join(f"{k}={v}\n" for k, v in session.items()))
    spec = OciImageSpec.parse(
        {
            "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "display_name": f"session-wait-{uuid.uuid4().hex[:8]}",
            "image_source_details": {
                "source_type": "objectStorageUri",
                "source_uri": env["IMAGEOPS_OCI_OBJECT_URI"],
            },
        }
    )
    mark = short.mark()
    with (
        oci_core.connect(
            auth="security_token",
            config_file=str(tmp_path / "config"),
            profile="MINE",
            endpoint=env["IMAGEOPS_OCI_ENDPOINT"],
            poll=FAST_POLL,
        ) as driver,
        pytest.raises(ConfigError) as caught,
    ):
        image = driver.create(spec)
        driver.wait_for(image.id, ImageState.AVAILABLE, 30.0)
    message = str(caught.value)
    assert "oci session refresh --profile MINE" in message and message.count("expired") == 1
    calls = short.calls(since=mark)
    refused = [n for n, c in enumerate(calls) if c["status"] == 401]
    assert refused in ([], [len(calls) - 1]), calls
    created = [c for c in calls if c["action"] == "CreateImage" and c["status"] == 200]
    assert created and any(c["action"] == "GetImage" for c in calls), "the token expired before the wait"
