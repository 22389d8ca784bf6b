"""Credentials that may expire, and the one signing flow every cloud's ``httpx.Auth`` shares.

A cloud's signer reads its credentials from a :class:`CredentialSource` each time it signs:

* :class:`StaticSource`: keys that never change (an API key, an AccessKey pair).
* :class:`RefreshingSource`: temporary credentials (an OCI federation token, an STS AssumeRole
  answer, an instance's role credentials). They are fetched on first use and fetched again when less
  than :func:`refresh_margin` of their lifetime is left, so a long wait goes on across expiries.
  A fetch that cannot succeed (a session token the user must refresh) raises
  :class:`imageops.errors.ConfigError` with what to run.

:class:`SigningAuth` signs every request with the source's current credentials. When the cloud
answers 401 anyway (credentials revoked early, or a clock that disagrees), it asks the source to
:meth:`~CredentialSource.renew` once and, if that gave new credentials, sends the request once more:
never a second time, so a forged or dead credential costs two calls at most.

Credential values are registered with :mod:`imageops.redact` by the fetchers, and no class here
puts them in a ``repr``.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import httpx

from imageops.transport import unsigned_copy

__all__ = [
    "MAX_REFRESH_MARGIN",
    "CredentialSource",
    "Expiring",
    "RefreshingSource",
    "SigningAuth",
    "StaticSource",
    "refresh_margin",
]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

MAX_REFRESH_MARGIN = 300.0
"""Seconds before expiry at which temporary credentials are fetched again (at most; see
:func:`refresh_margin`), as the OCI and Alibaba SDKs do."""


@dataclass(frozen=True, repr=False)
class Expiring(Generic[T]):
    """Credentials and the time (epoch seconds) they stop being accepted; None = never."""

    value: T
    expires_at: float | None = None

    def __repr__(self) -> str:
        return f"Expiring(<hidden>, expires_at={self.expires_at!r})"


def refresh_margin(lifetime: float) -> float:
    """How long before expiry to fetch again: five minutes, or half the lifetime for short-lived
    credentials (the emulator's scaled clock makes an hour-long token last seconds)."""
    return min(MAX_REFRESH_MARGIN, max(lifetime, 0.0) / 2)


class CredentialSource(Protocol[T_co]):
    def current(self) -> T_co:
        """Credentials good for the next request (fetched or refreshed as needed)."""
        ...

    def renew(self) -> bool:
        """Called after the cloud refused the current credentials: True when new ones were
        obtained (worth one more try), False when there is nothing else to try."""
        ...


class StaticSource(Generic[T]):
    """Credentials that never change: :meth:`renew` has nothing to offer."""

    def __init__(self, value: T) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "StaticSource(<hidden>)"

    def current(self) -> T:
        return self._value

    def renew(self) -> bool:
        return False


class RefreshingSource(Generic[T]):
    """Temporary credentials from ``fetch``, fetched again before they expire. Thread-safe: a fan-out
    shares one source between its threads, and only one of them fetches."""

    def __init__(
        self,
        fetch: Callable[[], Expiring[T]],
        *,
        clock: Callable[[], float] = time.time,
        describe: str = "temporary credentials",
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._describe = describe
        self._lock = threading.Lock()
        self._held: Expiring[T] | None = None
        self._refresh_at = 0.0
        self.fetches = 0
        """How many times credentials were fetched (tests and benchmarks count them)."""

    def __repr__(self) -> str:
        return f"RefreshingSource({self._describe}, fetches={self.fetches})"

    def _load(self) -> Expiring[T]:
        fetched_at = self._clock()
        held = self._fetch()
        self.fetches += 1
        self._held = held
        if held.expires_at is None:
            self._refresh_at = float("inf")
        else:
            self._refresh_at = held.expires_at - refresh_margin(held.expires_at - fetched_at)
        return held

    def current(self) -> T:
        with self._lock:
            held = self._held
            if held is None or self._clock() >= self._refresh_at:
                held = self._load()
            return held.value

    def renew(self) -> bool:
        with self._lock:
            before = self._held
            held = self._load()
            return before is None or held.value != before.value


class SigningAuth(ABC, httpx.Auth, Generic[T]):
    """An ``httpx.Auth`` that signs with a :class:`CredentialSource`'s credentials and, after a 401,
    renews them and retries that request once (see the module doc)."""

    requires_request_body = True

    def __init__(self, source: CredentialSource[T]) -> None:
        self.source = source

    @abstractmethod
    def sign_with(self, request: httpx.Request, credentials: T) -> httpx.Request:
        """``request`` signed with ``credentials`` (changed in place or a new request)."""

    def refused(self, response: httpx.Response) -> bool:
        """Whether ``response`` says the credentials themselves were refused (worth one renew and
        retry): a 401. Clouds that answer otherwise (ECS: 400 with an ``InvalidSecurityToken.*``
        code) override it, with ``requires_response_body = True`` to read the code."""
        return response.status_code == 401

    def sign(self, request: httpx.Request) -> httpx.Request:
        """``request`` signed with the current credentials."""
        return self.sign_with(request, self.source.current())

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        unsigned = unsigned_copy(request)
        response = yield self.sign_with(request, self.source.current())
        if self.refused(response) and self.source.renew():
            yield self.sign_with(unsigned, self.source.current())

