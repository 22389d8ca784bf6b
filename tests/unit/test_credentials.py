"""The shared temporary-credential layer: refresh before expiry, one renewal after a 401, no leaks."""

from __future__ import annotations

import threading

import httpx
import pytest

from imageops.credentials import (
    MAX_REFRESH_MARGIN,
    Expiring,
    RefreshingSource,
    SigningAuth,
    StaticSource,
    refresh_margin,
)
from imageops.errors import ConfigError
from imageops.schema import Setting
from imageops.transport import build_client


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Tokens:
    """Hands out token-1, token-2, ... each valid for ``lifetime`` seconds from the clock's now."""

    def __init__(self, clock: Clock, lifetime: float = 3600.0) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.issued = 0

    def __call__(self) -> Expiring[str]:
        self.issued += 1
        return Expiring(f"token-{self.issued}", self.clock() + self.lifetime)


def test_refresh_margin_is_five_minutes_or_half_a_short_lifetime():
    assert refresh_margin(3600) == MAX_REFRESH_MARGIN == 300
    assert refresh_margin(40) == 20
    assert refresh_margin(-5) == 0


def test_credentials_are_fetched_once_and_again_only_near_expiry():
    clock = Clock()
    tokens = Tokens(clock)
    source = RefreshingSource(tokens, clock=clock)
    assert tokens.issued == 0  # nothing is fetched before it is needed
    assert source.current() == "token-1"
    clock.now += 3600 - 301
    assert source.current() == "token-1"
    clock.now += 2  # now inside the last five minutes
    assert source.current() == "token-2"
    assert source.fetches == tokens.issued == 2


def test_short_lived_credentials_refresh_at_half_their_life():
    clock = Clock()
    source = RefreshingSource(Tokens(clock, lifetime=36), clock=clock)
    assert source.current() == "token-1"
    clock.now += 17.9
    assert source.current() == "token-1"
    clock.now += 0.2
    assert source.current() == "token-2"


def test_credentials_without_expiry_are_never_fetched_again():
    calls = []

    def fetch() -> Expiring[str]:
        calls.append(1)
        return Expiring("forever")

    clock = Clock()
    source = RefreshingSource(fetch, clock=clock)
    source.current()
    clock.now += 10**9
    assert source.current() == "forever" and len(calls) == 1


def test_renew_says_whether_it_got_something_new():
    clock = Clock()
    source = RefreshingSource(Tokens(clock), clock=clock)
    source.current()
    assert source.renew() is True and source.current() == "token-2"
    same = RefreshingSource(lambda: Expiring("file-token", clock() + 60), clock=clock)
    same.current()
    assert same.renew() is False  # re-reading a file that still holds the refused token: nothing to try
    assert StaticSource("key").renew() is False


def test_a_failing_fetch_is_raised_each_time_and_not_cached():
    attempts = []

    def fetch() -> Expiring[str]:
        attempts.append(1)
        raise ConfigError("the session token expired: run `oci session refresh --profile X`")

    source = RefreshingSource(fetch)
    for _ in range(2):
        with pytest.raises(ConfigError, match="oci session refresh"):
            source.current()
    assert len(attempts) == 2


def test_one_fetch_serves_every_thread():
    clock = Clock()
    gate = threading.Event()
    tokens = Tokens(clock)

    def slow() -> Expiring[str]:
        gate.wait(1)
        return tokens()

    source = RefreshingSource(slow, clock=clock)
    seen: list[str] = []
    threads = [threading.Thread(target=lambda: seen.append(source.current())) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert seen == ["token-1"] * 8 and tokens.issued == 1


def test_no_credential_value_in_any_repr():
    clock = Clock()
    source = RefreshingSource(Tokens(clock), clock=clock, describe="OCI federation token")
    source.current()
    held = Expiring("SECRET-VALUE", 5.0)
    for text in (repr(source), repr(StaticSource("SECRET-VALUE")), repr(held), str(held)):
        assert "SECRET" not in text and "token-1" not in text


class BearerAuth(SigningAuth[str]):
    def sign_with(self, request: httpx.Request, credentials: str) -> httpx.Request:
        request.headers["authorization"] = f"Bearer {credentials}"
        return request


def _client(auth: SigningAuth[str], accepted: set[str], seen: list[str]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers["authorization"].removeprefix("Bearer ")
        seen.append(token)
        return httpx.Response(200 if token in accepted else 401, json={"token": token})

    return build_client(base_url="http://127.0.0.1:9", auth=auth, transport=httpx.MockTransport(handler))


def test_a_401_renews_once_and_the_request_goes_through():
    clock = Clock()
    source = RefreshingSource(Tokens(clock), clock=clock)
    seen: list[str] = []
    with _client(BearerAuth(source), {"token-2"}, seen) as client:
        response = client.post("/images", json={"x": 1})
    assert response.status_code == 200 and seen == ["token-1", "token-2"]


def test_a_401_is_retried_at_most_once():
    clock = Clock()
    source = RefreshingSource(Tokens(clock), clock=clock)
    seen: list[str] = []
    with _client(BearerAuth(source), set(), seen) as client:
        assert client.get("/images").status_code == 401
    assert seen == ["token-1", "token-2"]  # two calls in all, however many tokens the source could mint


def test_static_credentials_are_not_retried_after_a_401():
    seen: list[str] = []
    with _client(BearerAuth(StaticSource("forged")), set(), seen) as client:
        assert client.get("/images").status_code == 401
    assert seen == ["forged"]


def test_other_refusals_are_not_renewals():
    clock = Clock()
    source = RefreshingSource(Tokens(clock), clock=clock)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"code": "NotAuthorized"})

    client = build_client(
        base_url="http://127.0.0.1:9", auth=BearerAuth(source), transport=httpx.MockTransport(handler)
    )
    with client:
        assert client.get("/images").status_code == 403
    assert source.fetches == 1


def test_a_setting_with_choices_names_the_option_the_source_and_the_rule():
    setting = Setting(
        "auth", ("How to sign in.",), ansible="auth_type", choices=("api_key", "security_token")
    )
    assert setting.check("security_token") == "security_token"
    assert setting.check(None) is None
    with pytest.raises(ConfigError) as raised:
        setting.check("password", "OCI_CLI_AUTH")
    message = str(raised.value)
    assert "auth_type" in message and "OCI_CLI_AUTH" in message and "api_key, security_token" in message
    assert Setting("free", ("Anything.",)).check("whatever") == "whatever"


def test_a_long_value_outside_the_choices_is_not_echoed():
    setting = Setting("auth", ("How to sign in.",), ansible="auth_type", choices=("api_key",))
    with pytest.raises(ConfigError) as raised:
        setting.check("x" * 500, "OCI_CLI_AUTH")
    message = str(raised.value)
    assert "xxxx" not in message and len(message) < 100 and "must be one of api_key" in message
