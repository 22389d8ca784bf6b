"""A call answered by an injected fault is logged with its own action (gap W5 of docs/emulator.md).

EC2 and Alibaba Cloud's RPC calls name the action in the form body; the fault is decided before the
handler (which reads the body) runs, so the emulator reads the body first and lets the plugin's
``action_hint`` name the action from it. OUTSCALE and OCI name theirs in the path: checked alongside.
The fault is decided before any signature check, so these requests go unsigned.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from imageops.emulator.body_peek import peek_body
from imageops.emulator.core import DroppedConnection, FaultInjector
from imageops.emulator.testing import InProcessEmulator, is_read

from .conftest import AsgiClient

FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
EC2 = {"Version": "2016-11-15"}
ECS = {"Version": "2014-05-26", "RegionId": "cn-hangzhou"}
STS = {"Version": "2011-06-15"}

# (cloud, method, path, query, form body, extra headers, the action it must be logged with)
CALLS: list[tuple[str, str, str, dict[str, str], dict[str, str] | None, dict[str, str], str]] = [
    # AWS: botocore's EC2 and STS Query requests, action in the form body; a GET names it in the query
    ("aws", "POST", "/", {}, {"Action": "DescribeImages", **EC2, "Owner.1": "self"}, FORM, "DescribeImages"),
    ("aws", "POST", "/", {}, {"Action": "CreateImage", **EC2, "InstanceId": "i-1"}, FORM, "CreateImage"),
    ("aws", "POST", "/", {}, {"Action": "DeregisterImage", **EC2}, FORM, "DeregisterImage"),
    ("aws", "POST", "/", {}, {"Action": "GetCallerIdentity", **STS}, FORM, "GetCallerIdentity"),
    ("aws", "GET", "/", {"Action": "DescribeImages", **EC2}, None, {}, "DescribeImages"),
    # Alibaba Cloud: RPC over POST with the action in the form body (ECS and STS), in the query, or
    # in the x-acs-action header (ACS3)
    ("alicloud", "POST", "/", {}, {"Action": "DescribeImages", **ECS}, FORM, "DescribeImages"),
    ("alicloud", "POST", "/", {}, {"Action": "CreateImage", **ECS, "InstanceId": "i-1"}, FORM, "CreateImage"),
    ("alicloud", "POST", "/sts", {}, {"Action": "AssumeRole", "Version": "2015-04-01"}, FORM, "AssumeRole"),
    ("alicloud", "POST", "/", {"Action": "CreateImage", **ECS}, {"InstanceId": "i-1"}, FORM, "CreateImage"),
    ("alicloud", "POST", "/", {}, None, {"x-acs-action": "DescribeImages"}, "DescribeImages"),
    # OUTSCALE and OCI: the action is the path
    ("outscale", "POST", "/api/v1/ReadImages", {}, None, {}, "ReadImages"),
    ("outscale", "POST", "/api/latest/CreateImage", {}, None, {}, "CreateImage"),
    ("oci", "GET", "/20160918/images", {"compartmentId": "c"}, None, {}, "ListImages"),
    ("oci", "POST", "/20160918/images", {}, None, {}, "CreateImage"),
]


def _seed_without_drops(count: int) -> int:
    """A seed whose first ``count`` faults all answer at once (no drop, whose handler would run and
    name the action itself): every call below then takes the path of gap W5."""
    for seed in range(10_000):
        injector = FaultInjector(1.0, seed)
        if all(injector.decide() != "drop" for _ in range(count)):
            return seed
    raise AssertionError("no seed without drops")


def _send(emu: InProcessEmulator, clients: dict[str, AsgiClient]) -> None:
    for cloud, method, path, query, form, headers, _ in CALLS:
        body = "&".join(f"{k}={v}" for k, v in form.items()).encode() if form is not None else b"{}"
        clients[cloud].request(method, path, params=query, content=body, headers=headers)


def test_faulted_calls_are_logged_with_their_own_action(tmp_path: Path) -> None:
    seed = _seed_without_drops(len(CALLS))
    emu = InProcessEmulator(tmp_path, time_scale=0.001, fault_rate=1.0, seed=seed)
    clients = {cloud: AsgiClient(emu.app(cloud), f"http://{cloud}.emulator.test") for cloud in emu.apps}
    try:
        _send(emu, clients)
    finally:
        for client in clients.values():
            client.close()
    calls = emu.calls()
    assert all(c["fault"] in ("throttle", "internal", "unavailable") for c in calls)
    logged = [(c["cloud"], c["action"], is_read(c)) for c in calls]
    reads = ("Describe", "Read", "List", "Get")
    expected = [(cloud, action, action.startswith(reads)) for cloud, *_, action in CALLS]
    assert logged == expected
    # The body read draws nothing: the faults are the seed's sequence, call for call.
    injector = FaultInjector(1.0, seed)
    assert [c["fault"] for c in calls] == [injector.decide() for _ in calls]


@pytest.mark.parametrize("cloud", ["aws", "alicloud"])
def test_a_dropped_form_bodied_call_still_reaches_its_handler(tmp_path: Path, cloud: str) -> None:
    """Dropped after the handler ran on the replayed body: its own reading names the action."""
    seed = next(s for s in range(100) if FaultInjector(1.0, s).decide() == "drop")
    emu = InProcessEmulator(tmp_path, time_scale=0.001, fault_rate=1.0, seed=seed)
    client = AsgiClient(emu.app(cloud), f"http://{cloud}.emulator.test")
    form = EC2 if cloud == "aws" else ECS
    try:
        with pytest.raises(DroppedConnection):
            client.request("POST", "/", content=f"Action=CreateImage&Version={form['Version']}", headers=FORM)
    finally:
        client.close()
    assert [(c["action"], c["status"], c["fault"]) for c in emu.calls()] == [("CreateImage", 0, "drop")]


# ------------------------------------------------------------------------------------ peek_body
def _receiver(messages: list[dict[str, Any]]) -> Any:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    return receive


def _run(coroutine: Any) -> Any:
    """``asyncio.run`` without its side effect: when done it leaves the main thread with no current
    event loop, and tests that run later in the same pytest worker (Pulumi's mocks) need one."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def _drain(receive: Any, n: int) -> list[dict[str, Any]]:
    async def run() -> list[dict[str, Any]]:
        return [await receive() for _ in range(n)]

    return _run(run())


def test_peek_body_reads_a_chunked_body_and_replays_it() -> None:
    chunks = [
        {"type": "http.request", "body": b"Action=", "more_body": True},
        {"type": "http.request", "body": b"CreateImage", "more_body": False},
    ]
    body, receive = _run(peek_body({"headers": []}, _receiver(chunks)))
    assert body == b"Action=CreateImage"
    assert _drain(receive, 3) == [*chunks, {"type": "http.disconnect"}]


def test_peek_body_leaves_a_large_body_to_the_handler() -> None:
    chunks = [{"type": "http.request", "body": b"x" * 6, "more_body": True}] * 2 + [
        {"type": "http.request", "body": b"", "more_body": False}
    ]
    body, receive = _run(peek_body({"headers": []}, _receiver(chunks), limit=10))
    assert body is None and _drain(receive, 3) == chunks
    # A declared length over the limit: nothing is read at all.
    original = _receiver(chunks)
    body, receive = _run(peek_body({"headers": [(b"content-length", b"12")]}, original, limit=10))
    assert body is None and receive is original
