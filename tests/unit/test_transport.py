"""The retrying transport, over httpx.MockTransport: what is retried, how long it waits, what it logs."""

from __future__ import annotations

import email.utils
import logging

import httpx
import pytest

from imageops.errors import TransportError
from imageops.transport import IDEMPOTENT_EXTENSION, RetryingTransport, RetryPolicy, build_client

FAST = RetryPolicy(max_attempts=4, backoff_base=0.5, max_backoff=2.0, max_retry_after=5.0)


class Script:
    """A MockTransport handler answering from a list; records each request it saw."""

    def __init__(self, *answers: int | Exception | httpx.Response) -> None:
        self.answers = list(answers)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(
            answer, json={"code": "X", "message": "m"}, headers={"opc-request-id": f"rid-{len(self.seen)}"}
        )


def client_for(script: Script, sleeps: list[float], policy: RetryPolicy = FAST, auth=None) -> httpx.Client:
    return build_client(
        base_url="http://cloud.test",
        transport=httpx.MockTransport(script),
        retry=policy,
        sleep=sleeps.append,
        auth=auth,
    )


def test_503_retried_then_success() -> None:
    script, sleeps = Script(503, 503, 200), []
    response = client_for(script, sleeps).get("/x")
    assert response.status_code == 200
    assert len(script.seen) == 3
    assert len(sleeps) == 2
    assert response.extensions["imageops_attempts"] == 3


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_retried(status: int) -> None:
    script, sleeps = Script(status, 200), []
    assert client_for(script, sleeps).delete("/x").status_code == 200
    assert len(script.seen) == 2


def test_429_with_retry_after_seconds_honoured() -> None:
    throttled = httpx.Response(429, headers={"retry-after": "1.5", "opc-request-id": "r1"})
    script, sleeps = Script(throttled, 200), []
    assert client_for(script, sleeps).get("/x").status_code == 200
    assert sleeps == [1.5]


def test_retry_after_http_date_honoured_and_capped() -> None:
    policy = RetryPolicy(max_retry_after=5.0)
    later = email.utils.formatdate(1_000_030.0, usegmt=True)
    assert policy.retry_after(later, now=lambda: 1_000_000.0) == 5.0  # 30s, capped at 5
    soon = email.utils.formatdate(1_000_002.0, usegmt=True)
    assert policy.retry_after(soon, now=lambda: 1_000_000.0) == pytest.approx(2.0)
    assert policy.retry_after("0.25") == 0.25
    assert policy.retry_after("3600") == 5.0
    assert policy.retry_after("-3") == 0.0
    assert policy.retry_after("soon") is None
    assert policy.retry_after(None) is None


def test_retry_after_large_value_capped_in_transport() -> None:
    throttled = httpx.Response(429, headers={"retry-after": "120"})
    script, sleeps = Script(throttled, 200), []
    client_for(script, sleeps).get("/x")
    assert sleeps == [5.0]


def test_final_429_returned_after_max_attempts() -> None:
    script, sleeps = Script(429), []
    response = client_for(script, sleeps).get("/x")
    assert response.status_code == 429
    assert len(script.seen) == FAST.max_attempts
    assert len(sleeps) == FAST.max_attempts - 1
    assert response.headers["opc-request-id"] == f"rid-{FAST.max_attempts}"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 412])
def test_other_4xx_never_retried(status: int) -> None:
    script, sleeps = Script(status, 200), []
    assert client_for(script, sleeps).get("/x").status_code == status
    assert len(script.seen) == 1
    assert sleeps == []


def test_post_not_retried_unless_marked_idempotent() -> None:
    script, sleeps = Script(503, 200), []
    client = client_for(script, sleeps)
    assert client.post("/x", content=b"{}").status_code == 503
    assert len(script.seen) == 1

    script2 = Script(503, 200)
    client = client_for(script2, sleeps)
    request = client.build_request("POST", "/x", content=b"{}", extensions={IDEMPOTENT_EXTENSION: True})
    assert client.send(request).status_code == 200
    assert len(script2.seen) == 2
    assert [r.content for r in script2.seen] == [b"{}", b"{}"]


def test_connect_errors_retried_even_for_post() -> None:
    script, sleeps = Script(httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), 200), []
    assert client_for(script, sleeps).post("/x", content=b"{}").status_code == 200
    assert len(script.seen) == 3


@pytest.mark.parametrize(
    "exc", [httpx.ReadError("reset"), httpx.RemoteProtocolError("bad"), httpx.ReadTimeout("slow")]
)
def test_maybe_sent_errors_retried_for_idempotent_only(exc: Exception) -> None:
    script, sleeps = Script(exc, 200), []
    assert client_for(script, sleeps).put("/x", content=b"{}").status_code == 200
    assert len(script.seen) == 2

    script = Script(exc, 200)
    with pytest.raises(TransportError, match="not idempotent"):
        client_for(script, sleeps).post("/x", content=b"{}")
    assert len(script.seen) == 1


class BrokenBody(httpx.SyncByteStream):
    def __iter__(self):
        yield b'{"id": "par'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def test_connection_dropped_mid_body_is_retried() -> None:
    broken = httpx.Response(200, stream=BrokenBody(), headers={"opc-request-id": "rid-broken"})
    script, sleeps = Script(broken, httpx.Response(200, json={"id": "whole"})), []
    client = client_for(script, sleeps)
    request = client.build_request("POST", "/x", content=b"{}", extensions={IDEMPOTENT_EXTENSION: True})
    assert client.send(request).json() == {"id": "whole"}
    assert len(script.seen) == 2

    script = Script(httpx.Response(200, stream=BrokenBody(), headers={"opc-request-id": "rid-broken"}))
    with pytest.raises(TransportError, match="not idempotent") as info:
        client_for(script, sleeps).post("/x", content=b"{}")
    assert info.value.request_id == "rid-broken"


def test_connection_errors_exhausted_raise_transport_error_with_last_request_id() -> None:
    script, sleeps = Script(503, httpx.ConnectError("refused")), []
    with pytest.raises(TransportError) as info:
        client_for(script, sleeps).get("/images/x")
    error = info.value
    assert error.request_id == "rid-1"
    assert "rid-1" in str(error)
    assert "gave up after 4 attempts" in str(error)
    assert len(script.seen) == FAST.max_attempts


def test_backoff_is_bounded_full_jitter() -> None:
    policy = RetryPolicy(max_attempts=10, backoff_base=0.5, max_backoff=3.0)
    assert [policy.backoff(n, rng=lambda: 1.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert policy.backoff(5, rng=lambda: 0.0) == 0.0

    script, sleeps = Script(httpx.ConnectError("down")), []
    with pytest.raises(TransportError):
        client_for(script, sleeps, policy=policy).get("/x")
    assert len(sleeps) == 9
    assert all(0.0 <= s <= 3.0 for s in sleeps)


def test_each_attempt_is_signed_afresh() -> None:
    class CountingAuth(httpx.Auth):
        def __init__(self) -> None:
            self.calls = 0

        def auth_flow(self, request: httpx.Request):
            self.calls += 1
            assert "authorization" not in request.headers  # a clean copy each time
            request.headers["authorization"] = f"sig-{self.calls}"
            request.headers.setdefault("date", f"date-{self.calls}")
            yield request

    auth, sleeps = CountingAuth(), []
    script = Script(503, 503, 200)
    client_for(script, sleeps, auth=auth).get("/x")
    assert [r.headers["authorization"] for r in script.seen] == ["sig-1", "sig-2", "sig-3"]
    assert [r.headers["date"] for r in script.seen] == ["date-1", "date-2", "date-3"]


def test_logs_carry_no_headers_or_bodies(caplog: pytest.LogCaptureFixture) -> None:
    class SecretAuth(httpx.Auth):
        def auth_flow(self, request: httpx.Request):
            request.headers["authorization"] = 'Signature keyId="k",signature="SECRETSIG"'
            yield request

    script, sleeps = Script(503, 200), []
    with caplog.at_level(logging.DEBUG, logger="imageops"):
        client_for(script, sleeps, auth=SecretAuth()).put("/images/abc?x=querysecret", content=b"BODYSECRET")
    text = caplog.text
    assert "PUT /images/abc -> 503 (request id rid-1, attempt 1/4)" in text
    assert "PUT /images/abc -> 200 (request id rid-2, attempt 2)" in text
    for secret in ("SECRETSIG", "BODYSECRET", "querysecret", "authorization"):
        assert secret not in text


def test_user_agent_and_timeout() -> None:
    script, sleeps = Script(200), []
    client = build_client(
        base_url="http://cloud.test",
        transport=httpx.MockTransport(script),
        timeout=7.0,
        user_agent="me/1",
        sleep=sleeps.append,
    )
    client.get("/x")
    assert script.seen[0].headers["user-agent"] == "me/1"
    assert client.timeout.read == 7.0
    assert isinstance(client._transport, RetryingTransport)


def test_non_transient_transport_errors_not_retried() -> None:
    script, sleeps = Script(httpx.UnsupportedProtocol("ftp?"), 200), []
    with pytest.raises(TransportError, match="not a transient error"):
        client_for(script, sleeps).get("/x")
    assert len(script.seen) == 1
