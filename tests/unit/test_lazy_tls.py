"""build_client's TLS: the CA store is loaded on the first https request only (a plain-http endpoint,
such as the emulator, never pays for it), and https is verified exactly as strictly as before: an
unknown CA is refused, ``SSL_CERT_FILE`` is honoured, a client certificate is still checked before
any call. Real sockets: an http and an https server on loopback."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from imageops import transport
from imageops.emulator.ca import CertificateAuthority
from imageops.errors import ConfigError, TransportError
from imageops.transport import LazyTlsTransport, RetryPolicy, build_client

ONCE = RetryPolicy(max_attempts=1)


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(tls: ssl.SSLContext | None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme = "https" if tls is not None else "http"
        # the CA's leaf names "localhost": the name checked against the certificate
        yield f"{scheme}://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture()
def http_url() -> Iterator[str]:
    yield from _serve(None)


@pytest.fixture()
def https_url(ca: CertificateAuthority) -> Iterator[str]:
    yield from _serve(ca.context_for("localhost"))


@pytest.fixture(autouse=True)
def fresh_tls_context() -> Iterator[None]:
    """The default context is built once per process: each test starts (and leaves) without one."""
    transport._tls_context.cache_clear()
    yield
    transport._tls_context.cache_clear()


def test_a_plain_http_endpoint_never_loads_the_ca_store(http_url: str) -> None:
    with build_client(base_url=http_url, retry=ONCE) as client:
        assert client.get("/x").json() == {"ok": True}
    assert transport._tls_context.cache_info().currsize == 0


def test_the_plain_http_pool_trusts_nothing() -> None:
    context = transport._no_trust_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.get_ca_certs() == []


def test_https_to_an_unknown_ca_is_refused(https_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with build_client(base_url=https_url, retry=ONCE) as client, pytest.raises(TransportError) as caught:
        client.get("/x")
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value.__cause__)
    assert transport._tls_context.cache_info().currsize == 1


def test_https_trusts_ssl_cert_file_as_httpx_does(
    https_url: str, ca: CertificateAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.cert_file))
    with build_client(base_url=https_url, retry=ONCE) as client:
        assert client.get("/x").json() == {"ok": True}


def test_one_client_serves_http_and_https_each_by_its_own_rules(
    http_url: str, https_url: str, ca: CertificateAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.cert_file))
    with build_client(base_url="", retry=ONCE) as client:
        assert client.get(http_url + "/x").json() == {"ok": True}
        assert transport._tls_context.cache_info().currsize == 0
        assert client.get(https_url + "/x").json() == {"ok": True}
        assert transport._tls_context.cache_info().currsize == 1


def test_a_closed_lazy_transport_closes_both_pools(http_url: str, https_url: str, ca, monkeypatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.cert_file))
    lazy = LazyTlsTransport()
    with build_client(base_url="", retry=ONCE, transport=lazy) as client:
        client.get(http_url + "/x")
        client.get(https_url + "/x")
    assert lazy._plain is None and lazy._tls is None


def test_a_client_certificate_is_still_checked_before_any_call(tmp_path: Path) -> None:
    cert = tmp_path / "c.pem"
    cert.write_text("not a certificate")
    with pytest.raises(ConfigError, match="client certificate"):
        build_client(base_url="http://127.0.0.1:1/", client_cert=(str(cert), None))
