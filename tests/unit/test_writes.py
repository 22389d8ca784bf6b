"""imageops.writes: a run's ``changed`` from what the cloud answered to each write."""

from __future__ import annotations

import threading

import httpx
import pytest

from imageops import writes
from imageops.errors import TransportError
from imageops.transport import ApiClient, RetryPolicy, build_client


def _api(handler) -> ApiClient:
    retry = RetryPolicy(max_attempts=1)
    return ApiClient(
        build_client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(handler), retry=retry)
    )


def _send(api: ApiClient, operation: str, method: str = "POST") -> None:
    api._send(operation, api.client.build_request(method, "/x"))


def test_accepted_refused_and_unknown_writes():
    answers = {"CreateImage": 200, "DeleteImage": 404, "UpdateImage": 503, "ListImages": 200}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(answers[request.headers["x-op"]])

    api = _api(handler)
    with writes.recording() as log:
        for operation in ("ListImages", "DeleteImage"):
            api._send(operation, api.client.build_request("GET", "/x", headers={"x-op": operation}))
        assert not log.changed and log.refused == ["DeleteImage"]  # a refusal changed nothing
        api._send("UpdateImage", api.client.build_request("PUT", "/x", headers={"x-op": "UpdateImage"}))
        assert log.changed and log.unknown == ["UpdateImage"]  # a 5xx may have acted
        api._send("CreateImage", api.client.build_request("POST", "/x", headers={"x-op": "CreateImage"}))
        assert log.accepted == ["CreateImage"]


def test_a_write_with_no_answer_is_unknown_so_changed():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    api = _api(handler)
    with writes.recording() as log, pytest.raises(TransportError):
        _send(api, "CreateImage")
    assert log.unknown == ["CreateImage"] and log.changed


@pytest.mark.parametrize(
    "operation", ["GetImage", "ListImages", "DescribeImages", "ReadImages", "HeadObject", "AssumeRole"]
)
def test_reads_and_credential_calls_are_not_writes(operation):
    assert not writes.is_write(operation)


def test_nothing_is_recorded_outside_a_run_and_each_thread_records_its_own():
    writes.record("CreateImage", 200)  # no run: ignored, no error
    seen: dict[str, list[str]] = {}

    def region(name: str, operation: str) -> None:
        with writes.recording() as log:
            writes.record(operation, 200)
            seen[name] = log.accepted

    threads = [
        threading.Thread(target=region, args=(n, op))
        for n, op in (("a", "CreateImage"), ("b", "DeleteImage"))
    ]
    with writes.recording() as outer:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert seen == {"a": ["CreateImage"], "b": ["DeleteImage"]} and not outer.changed
