"""OUTSCALE sign-in end to end (issue 16): the AWS-SigV4 path and the x509 client certificate, each
from Ansible (real ``ansible-playbook -vvvv`` runs) and from Pulumi (the real dynamic-provider server
spoken to over gRPC): create, re-run with 0 writes, delete; a forged signature refused with the API's
own error, sent once; and no secret (secret key, client private key) in any output, state or error.

Between the tools and the emulator sits a small loopback proxy (:class:`Recorder`) that writes down
how each request was signed (the ``Authorization`` algorithm) and, over TLS, which client certificate
the handshake presented, then forwards the request unchanged (Host included, so signatures still
verify). Without it a tool that ignored ``signature_version`` would still pass, since the emulator
accepts both schemes. The TLS listener requires a certificate signed by a CA made for the test.
"""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import ssl
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TESTS = Path(__file__).resolve().parents[1]
sys.path.extend(str(TESTS / suite) for suite in ("pulumi", "ansible") if str(TESTS / suite) not in sys.path)

from ansible_support import make_ansible_env, run_playbook  # noqa: E402
from tests_pulumi_support import provider_env  # noqa: E402

from imageops.emulator.testing import running_emulator  # noqa: E402
from imageops.errors import AuthError  # noqa: E402
from imageops.outscale import connect  # noqa: E402
from pulumi_images.harness import CheckFailed, Engine, ProviderCallError, ProviderHarness  # noqa: E402

pytestmark = pytest.mark.timeout(240)

CLIENT_CN = "imageops-sign-in-test-client"


# ============================================================================== the recorder
class Recorder:
    """A loopback HTTP(S) proxy to the emulator that records each request's signing algorithm and the
    client certificate's common name (None over plain HTTP)."""

    def __init__(self, upstream: str, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[tuple[str, str | None]] = []
        recorder, forward = self, httpx.Client(base_url=upstream, timeout=30)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                peer = self.connection.getpeercert() if tls else None
                cn = next(
                    (v for rdn in (peer or {}).get("subject", ()) for k, v in rdn if k == "commonName"), None
                )
                recorder.seen.append((self.headers.get("Authorization", "").split(" ")[0], cn))
                keep = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")
                }
                answer = forward.post(self.path, content=body, headers=keep)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *_: Any) -> None:  # quiet: the test reads `seen`
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.endpoint = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_address[1]}/api/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._forward = forward

    def __enter__(self) -> Recorder:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._forward.close()


# =============================================================================== certificates
def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[x509.Name, Any] | None, **kw: Any
):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer[0] if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if kw.get("server"):
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    if kw.get("client"):
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


def _pem(obj: Any) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate with its key in its own file."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("imageops test CA", ca_key, None)
    issuer = (ca.subject, ca_key)
    files = {
        "ca": _pem(ca),
        "server": _pem(_certificate("127.0.0.1", server_key, issuer, server=True)),
        "server_key": _pem(server_key),
        "client": _pem(_certificate(CLIENT_CN, client_key, issuer, client=True)),
        "client_key": _pem(client_key),
    }
    for name, data in files.items():
        (folder / f"{name}.pem").write_bytes(data)
    return {name: folder / f"{name}.pem" for name in files}


def _server_tls(pki: dict[str, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["server"], pki["server_key"])
    context.load_verify_locations(pki["ca"])
    context.verify_mode = ssl.CERT_REQUIRED  # an API access rule with a CA: no certificate, no call
    return context


# ==================================================================================== fixtures
@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    with running_emulator(time_scale=0.01) as handle:
        yield handle


def upstream(emulator: Any) -> str:
    return emulator.env["IMAGEOPS_OUTSCALE_ENDPOINT"].removesuffix("/api/v1")


def writes_since(emulator: Any, mark: int) -> list[str]:
    calls = emulator.calls(since=mark, cloud="outscale")
    return [
        c["action"]
        for c in calls
        if not str(c["action"] or "").startswith("Read") and "/_emulator" not in c["path"]
    ]


def ansible_env(emulator: Any, endpoint: str, **extra: str) -> dict[str, str]:
    """An ansible run signed in with OSC_* variables only, to ``endpoint``."""
    env = {k: v for k, v in make_ansible_env(emulator).items() if not k.startswith("OSC_")}
    env.update(
        OSC_ACCESS_KEY=emulator.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        OSC_SECRET_KEY=emulator.env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        OSC_REGION=emulator.env["IMAGEOPS_OUTSCALE_REGION"],
        IMAGEOPS_OUTSCALE_ENDPOINT=endpoint,
        HOME=str(Path(env.get("TMPDIR", "/tmp"))),
    )
    return {**env, **extra}


def image_task(name: str, state: str, options: dict[str, str]) -> dict[str, Any]:
    args = {"image_name": name, "state": state, **options}
    if state == "present":
        args.update(vm_id="{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_VM_ID') }}", no_reboot=True)
    return {"name": state, "imageops.cloud.outscale_image": args}


def ansible_lifecycle(
    tmp_path: Path, emulator: Any, env: dict[str, str], options: dict[str, str], secrets
) -> None:
    """create, the same again (0 writes, not changed), delete: each a ``-vvvv`` run."""
    name = f"sign-in-{uuid.uuid4().hex[:8]}"
    expected = [("present", True, ["CreateImage"]), ("present", False, []), ("absent", True, ["DeleteImage"])]
    for state, changed, writes in expected:
        mark = emulator.mark()
        playbook = json.dumps(
            [{"hosts": "localhost", "gather_facts": False, "tasks": [image_task(name, state, options)]}]
        )
        run = run_playbook(tmp_path, playbook, "-vvvv", env=env)
        secrets.watch(f"ansible -vvvv ({state})", run.output)
        assert run.result(state)["changed"] is changed, run.output[-3000:]
        assert writes_since(emulator, mark) == writes, state


def pulumi_lifecycle(
    emulator: Any, config: dict[str, str], env: dict[str, str], secrets, **settings: str
) -> None:
    inputs = {
        "image_name": f"sign-in-{uuid.uuid4().hex[:8]}",
        "vm_id": emulator.env["IMAGEOPS_OUTSCALE_VM_ID"],
        **settings,
    }
    inputs["no_reboot"] = True
    with ProviderHarness("outscale", env=env, config=config) as harness:
        engine = Engine(harness)
        mark = emulator.mark()
        state, action = engine.up("sign-in", inputs)
        assert (action, writes_since(emulator, mark)) == ("create", ["CreateImage"])
        mark = emulator.mark()
        again, action = engine.up("sign-in", inputs, state)
        assert engine.refresh(again) is not None  # a real read through the same sign-in
        assert (action, writes_since(emulator, mark)) == ("same", [])
        mark = emulator.mark()
        engine.destroy(again)
        assert writes_since(emulator, mark) == ["DeleteImage"]
        secrets.watch("pulumi state, outputs and responses", b"\n".join(harness.received))
        secrets.watch("pulumi provider blob", harness.provider_blob)
    secrets.watch("pulumi provider stderr", harness.stderr())


def pulumi_env(emulator: Any, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in provider_env(dict(emulator.env)).items() if not k.startswith("OSC_")}
    return {**env, "HOME": env.get("TMPDIR", "/tmp"), **extra}


def pulumi_keys(emulator: Any, endpoint: str) -> dict[str, str]:
    return {
        "imageops:outscaleAccessKey": emulator.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        "imageops:outscaleSecretKey": emulator.env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "imageops:outscaleRegion": emulator.env["IMAGEOPS_OUTSCALE_REGION"],
        "imageops:outscaleEndpoint": endpoint,
    }


# ======================================================================================= AWS4
@pytest.mark.parametrize("source", ["option", "environment"])
def test_aws4_from_ansible_create_rerun_delete(emulator, tmp_path, secrets_harness, source) -> None:
    secrets_harness.plant_emulator(dict(emulator.env))
    option = {"signature_version": "aws4"} if source == "option" else {}
    variable = {} if source == "option" else {"IMAGEOPS_OUTSCALE_SIGNATURE_VERSION": "aws4"}
    with Recorder(upstream(emulator)) as recorder:
        env = ansible_env(emulator, recorder.endpoint, **variable)
        ansible_lifecycle(tmp_path, emulator, env, option, secrets_harness)
    assert recorder.seen and {alg for alg, _ in recorder.seen} == {"AWS4-HMAC-SHA256"}


@pytest.mark.parametrize("source", ["input", "stack config", "environment"])
def test_aws4_from_pulumi_create_rerun_delete(emulator, secrets_harness, source) -> None:
    secrets_harness.plant_emulator(dict(emulator.env))
    with Recorder(upstream(emulator)) as recorder:
        config = pulumi_keys(emulator, recorder.endpoint)
        env = pulumi_env(emulator)
        if source == "stack config":
            config["imageops:outscaleSignatureVersion"] = "aws4"
        elif source == "environment":
            env["IMAGEOPS_OUTSCALE_SIGNATURE_VERSION"] = "aws4"
        settings = {"signature_version": "aws4"} if source == "input" else {}
        pulumi_lifecycle(emulator, config, env, secrets_harness, **settings)
    assert recorder.seen and {alg for alg, _ in recorder.seen} == {"AWS4-HMAC-SHA256"}


def test_osc4_stays_the_default(emulator) -> None:
    with Recorder(upstream(emulator)) as recorder:
        driver = connect(
            access_key=emulator.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
            secret_key=emulator.env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
            region=emulator.env["IMAGEOPS_OUTSCALE_REGION"],
            endpoint=recorder.endpoint,
        )
        try:
            assert driver.get(emulator.env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"]) is not None
        finally:
            driver.close()
    assert {alg for alg, _ in recorder.seen} == {"OSC4-HMAC-SHA256"}


@pytest.mark.parametrize("signature", ["aws4", "osc4"])
def test_a_forged_signature_gets_the_api_error_once(emulator, signature, secrets_harness) -> None:
    forged = secrets_harness.plant("forged secret key", "Forged" + uuid.uuid4().hex + "Secret")
    mark = emulator.mark()
    with Recorder(upstream(emulator)) as recorder:
        driver = connect(
            access_key=emulator.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
            secret_key=forged,
            region=emulator.env["IMAGEOPS_OUTSCALE_REGION"],
            endpoint=recorder.endpoint,
            signature_version=signature,
        )
        try:
            with pytest.raises(AuthError) as caught:
                driver.get(emulator.env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"])
        finally:
            driver.close()
    secrets_harness.watch_exception("forged signature error", caught.value)
    # OUTSCALE's answer to a bad signature: 401, error code 1, type AccessDenied
    assert (caught.value.status, caught.value.code) == (401, "1"), caught.value
    assert "AccessDenied: Authentication failed." in str(caught.value)
    calls = emulator.calls(since=mark, cloud="outscale")
    assert [c["status"] for c in calls] == [401]  # a key pair cannot be renewed: no second try
    assert len(recorder.seen) == 1


# ========================================================================= client certificate
def test_the_listener_refuses_a_client_without_certificate(emulator, pki) -> None:
    with Recorder(upstream(emulator), _server_tls(pki)) as recorder:
        trusted = ssl.create_default_context(cafile=str(pki["ca"]))
        with pytest.raises(httpx.TransportError), httpx.Client(verify=trusted) as client:
            client.post(recorder.endpoint + "/ReadImages", content=b"{}")
    assert recorder.seen == []


@pytest.mark.parametrize("source", ["environment", "option"])
def test_client_certificate_from_ansible_create_rerun_delete(
    emulator, pki, tmp_path, secrets_harness, source
) -> None:
    secrets_harness.plant_emulator(dict(emulator.env))
    secrets_harness.plant("client private key", pki["client_key"].read_text())
    files = {"x509_client_cert": str(pki["client"]), "x509_client_key": str(pki["client_key"])}
    variables = {
        "OSC_X509_CLIENT_CERT": files["x509_client_cert"],
        "OSC_X509_CLIENT_KEY": files["x509_client_key"],
    }
    with Recorder(upstream(emulator), _server_tls(pki)) as recorder:
        extra = variables if source == "environment" else {}
        env = ansible_env(emulator, recorder.endpoint, SSL_CERT_FILE=str(pki["ca"]), **extra)
        ansible_lifecycle(tmp_path, emulator, env, {} if source == "environment" else files, secrets_harness)
    assert recorder.seen and {cn for _, cn in recorder.seen} == {CLIENT_CN}


@pytest.mark.parametrize("source", ["stack config", "environment"])
def test_client_certificate_from_pulumi_create_rerun_delete(emulator, pki, secrets_harness, source) -> None:
    secrets_harness.plant_emulator(dict(emulator.env))
    secrets_harness.plant("client private key", pki["client_key"].read_text())
    with Recorder(upstream(emulator), _server_tls(pki)) as recorder:
        config = {**pulumi_keys(emulator, recorder.endpoint), "imageops:outscaleSignatureVersion": "aws4"}
        env = pulumi_env(emulator, SSL_CERT_FILE=str(pki["ca"]))
        if source == "stack config":
            config["imageops:outscaleX509ClientCert"] = str(pki["client"])
            config["imageops:outscaleX509ClientKey"] = str(pki["client_key"])
        else:
            env.update(OSC_X509_CLIENT_CERT=str(pki["client"]), OSC_X509_CLIENT_KEY=str(pki["client_key"]))
        pulumi_lifecycle(emulator, config, env, secrets_harness)
    assert recorder.seen and set(recorder.seen) == {("AWS4-HMAC-SHA256", CLIENT_CN)}


def test_bad_settings_fail_in_both_tools_before_any_call(emulator, tmp_path) -> None:
    mark = emulator.mark()
    endpoint = emulator.env["IMAGEOPS_OUTSCALE_ENDPOINT"]
    (tmp_path / "k.pem").write_text("a key without its certificate")
    cases = [  # (environment, module options, what the task's message must say)
        (
            {"OSC_X509_CLIENT_KEY": str(tmp_path / "k.pem")},
            {},
            "x509_client_key is set without x509_client_cert",
        ),
        ({}, {"x509_client_cert": str(tmp_path / "none.pem")}, "x509_client_cert names"),
        ({}, {"signature_version": "sigv2"}, "signature_version must be one of: osc4, aws4"),
    ]
    for variables, options, expected in cases:
        env = ansible_env(emulator, endpoint, **variables)
        task = image_task("bad", "absent", options)
        playbook = json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}])
        run = run_playbook(tmp_path, playbook, env=env, expect_rc=None)
        assert expected in run.result("absent")["msg"], run.result("absent")

    vm = emulator.env["IMAGEOPS_OUTSCALE_VM_ID"]
    from_config = {**pulumi_keys(emulator, endpoint), "imageops:outscaleSignatureVersion": "sigv2"}
    harness = ProviderHarness("outscale", env=pulumi_env(emulator), config=from_config)
    with harness, pytest.raises(ProviderCallError) as caught:  # stack config: refused by create
        Engine(harness).up("bad", {"image_name": "bad", "vm_id": vm})
    assert "signature_version" in caught.value.details
    assert "must be one of osc4, aws4, not 'sigv2'" in caught.value.details
    harness = ProviderHarness("outscale", env=pulumi_env(emulator), config=pulumi_keys(emulator, endpoint))
    with harness, pytest.raises(CheckFailed) as refused:  # an input: refused by check, as pulumi preview
        Engine(harness).up("bad", {"image_name": "bad", "vm_id": vm, "signature_version": "sigv2"})
    assert "signature_version" in str(refused.value) and "must be one of osc4, aws4" in str(refused.value)
    assert emulator.calls(since=mark, cloud="outscale") == []
