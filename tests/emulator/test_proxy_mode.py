"""Proxy mode: tools that only know the clouds' real hostnames reach the emulator unchanged, through
``HTTPS_PROXY`` and the emulator's CA; any other host is refused and logged, never forwarded."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest

from imageops.emulator.testing import running_emulator

PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    with running_emulator(workdir=tmp_path_factory.mktemp("proxy"), extra_args=["--proxy"]) as handle:
        yield handle


@pytest.fixture
def proxy_env(proxied, monkeypatch):
    for name in (*PROXY_VARIABLES, "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(name, proxied.env[name])
    return proxied.env


def _proxy_address(env: dict[str, str]) -> tuple[str, int]:
    host, port = env["IMAGEOPS_EMULATOR_PROXY"].removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _connect(env: dict[str, str], authority: str) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(_proxy_address(env), timeout=10)
    sock.sendall(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return sock, answer


def test_env_file_names_the_proxy_and_a_bundle_holding_the_ca(proxied):
    env = proxied.env
    assert env["HTTPS_PROXY"] == env["HTTP_PROXY"] == env["IMAGEOPS_EMULATOR_PROXY"]
    assert env["HTTPS_PROXY"].startswith("http://127.0.0.1:")
    assert "127.0.0.1" in env["NO_PROXY"].split(",")
    ca = Path(env["IMAGEOPS_EMULATOR_CA_FILE"]).read_text()
    bundle = Path(env["REQUESTS_CA_BUNDLE"]).read_text()
    assert env["SSL_CERT_FILE"] == env["REQUESTS_CA_BUNDLE"] and bundle.startswith(ca.strip())
    assert bundle.count("BEGIN CERTIFICATE") > 1  # the system CAs follow ours


def test_tls_to_a_real_hostname_presents_a_certificate_the_ca_vouches_for(proxied):
    sock, answer = _connect(proxied.env, "iaas.us-ashburn-1.oraclecloud.com:443")
    assert answer.startswith(b"HTTP/1.1 200")
    context = ssl.create_default_context(cafile=proxied.env["IMAGEOPS_EMULATOR_CA_FILE"])
    with context.wrap_socket(sock, server_hostname="iaas.us-ashburn-1.oraclecloud.com") as tls:
        tls.sendall(
            b"GET /20160918/images HTTP/1.1\r\nHost: iaas.us-ashburn-1.oraclecloud.com\r\n"
            b"Connection: close\r\n\r\n"
        )
        reply = b""
        while chunk := tls.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 401")  # the emulated OCI answered: the call is unsigned
    assert b"NotAuthenticated" in reply


@pytest.mark.parametrize(
    "authority", ["example.com:443", "169.254.169.254:80", "oraclecloud.com.evil.test:443"]
)
def test_a_host_the_emulator_does_not_serve_is_refused_and_logged(proxied, authority):
    since = proxied.mark()
    sock, answer = _connect(proxied.env, authority)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 403")
    refused = [c for c in proxied.calls(since, cloud="proxy")]
    assert [(c["action"], c["path"], c["status"]) for c in refused] == [("Refused", authority, 403)]


def test_plain_http_through_the_proxy_to_an_unserved_host_is_refused(proxied):
    sock = socket.create_connection(_proxy_address(proxied.env), timeout=10)
    sock.sendall(b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")
    assert sock.recv(4096).startswith(b"HTTP/1.1 403")
    sock.close()


def test_the_oci_sdk_without_an_endpoint_creates_and_reads_by_region(proxied, proxy_env):
    oci = pytest.importorskip("oci")
    config = oci.config.from_file(proxied.env["IMAGEOPS_OCI_CONFIG_FILE"], "DEFAULT")
    compartment = proxied.env["IMAGEOPS_OCI_COMPARTMENT_ID"]
    since = proxied.mark()
    home = oci.core.ComputeClient(config)
    assert home.base_client.endpoint.startswith(f"https://iaas.{config['region']}.")  # the real host
    created = home.create_image(
        oci.core.models.CreateImageDetails(
            compartment_id=compartment,
            display_name="through-the-proxy",
            instance_id=proxied.env["IMAGEOPS_OCI_INSTANCE_ID"],
        )
    ).data
    # the SDK's own waiter, as a tool would wait
    ready = oci.wait_until(
        home,
        home.get_image(created.id),
        "lifecycle_state",
        "AVAILABLE",
        max_wait_seconds=60,
        max_interval_seconds=1,
    )
    assert ready.data.display_name == "through-the-proxy"
    other_region = proxied.env["IMAGEOPS_OCI_SECOND_REGION"]
    other = oci.core.ComputeClient({**config, "region": other_region})
    assert all(i.id != created.id for i in other.list_images(compartment_id=compartment).data)
    home.delete_image(created.id)
    calls = proxied.calls(since, cloud="oci")
    actions = [c["action"] for c in calls]
    assert actions[0] == "CreateImage" and actions[-2:] == ["ListImages", "DeleteImage"]
    assert set(actions[1:-2]) == {"GetImage"} and all(c["status"] < 400 for c in calls)
    # the host named the region: the list went to the other region, the rest stayed home
    assert [c["path"].startswith(f"/r/{other_region}/") for c in calls][-2:] == [True, False]
    assert not any(c["path"].startswith("/r/") for c in calls[:-2])
    assert not proxied.calls(since, cloud="proxy")  # nothing refused, nothing else asked for


def test_the_outscale_sdk_reaches_the_emulator_by_its_real_hostname(proxied, proxy_env):
    osc = pytest.importorskip("osc_sdk_python")
    since = proxied.mark()
    gateway = osc.Gateway(
        access_key=proxied.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key=proxied.env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        region=proxied.env["IMAGEOPS_OUTSCALE_REGION"],
    )
    images = gateway.ReadImages(Filters={"AccountIds": [proxied.env.get("IMAGEOPS_OUTSCALE_ACCOUNT_ID", "")]})
    assert "Images" in images
    assert [c["action"] for c in proxied.calls(since, cloud="outscale")] == ["ReadImages"]
