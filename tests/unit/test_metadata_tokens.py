"""The IMDSv2 session tokens both emulated metadata services share
(:class:`imageops.emulator.metadata_tokens.MetadataTokens`), on a clock the test moves."""

from __future__ import annotations

from typing import cast

from starlette.requests import Request

from imageops.emulator.core import Emulator
from imageops.emulator.metadata_tokens import MetadataTokens

TTL, TOKEN = "x-test-ttl-seconds", "x-test-token"


class Clock:
    def __init__(self, scale: float) -> None:
        self.at, self.time_scale = 1000.0, scale

    def now(self) -> float:
        return self.at

    def scaled(self, seconds: float) -> float:
        return seconds * self.time_scale


def request(**headers: str) -> Request:
    raw = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


def asking(ttl: str) -> Request:
    return request(x_test_ttl_seconds=ttl)


def carrying(token: str) -> Request:
    return request(x_test_token=token)


def tokens(clock: Clock, *, scaled: bool, echo_ttl: bool) -> MetadataTokens:
    emu = cast(Emulator, clock)
    return MetadataTokens(emu, ttl_header=TTL, token_header=TOKEN, scaled=scaled, echo_ttl=echo_ttl)


def test_a_token_lives_its_ttl_in_plain_seconds_and_the_ttl_is_echoed() -> None:
    clock = Clock(scale=0.01)
    service = tokens(clock, scaled=False, echo_ttl=True)
    answer = service.issue(asking("60"))
    assert answer.status_code == 200 and answer.headers[TTL] == "60"
    token = bytes(answer.body).decode()
    assert service.refused(carrying(token), required=True) is None
    refused = service.refused(request(), required=True)  # IMDSv2 only: no token, no answer
    assert refused is not None and refused.status_code == 401
    clock.at += 60
    expired = service.refused(carrying(token), required=True)
    assert expired is not None and expired.status_code == 401


def test_a_scaled_token_lives_on_the_scaled_clock_and_no_token_may_be_allowed() -> None:
    clock = Clock(scale=0.5)
    service = tokens(clock, scaled=True, echo_ttl=False)
    answer = service.issue(asking("60"))
    assert TTL not in answer.headers
    token = bytes(answer.body).decode()
    clock.at += 29
    assert service.refused(carrying(token), required=False) is None
    clock.at += 1
    assert service.refused(carrying(token), required=False) is not None
    assert service.refused(carrying("forged"), required=False) is not None
    assert service.refused(request(), required=False) is None  # IMDSv1 allowed: no token goes on


def test_expired_tokens_are_forgotten_when_the_next_is_issued() -> None:
    clock = Clock(scale=1.0)
    service = tokens(clock, scaled=False, echo_ttl=True)
    service.issue(asking("1"))
    clock.at += 1
    service.issue(asking("1"))
    assert len(service.tokens) == 1


def test_a_lifetime_out_of_range_or_unreadable_is_a_bad_request() -> None:
    service = tokens(Clock(scale=1.0), scaled=False, echo_ttl=True)
    for ttl in ("0", "21601", "soon", ""):
        assert service.issue(asking(ttl)).status_code == 400
    assert service.issue(request()).status_code == 400
    assert service.issue(asking("21600")).status_code == 200
