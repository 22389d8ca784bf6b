"""Retries for the one HTTP client (:func:`imageops.transport.build_client`): which failures are
transient, how long to wait, and a transport that signs every attempt afresh.

What is retried (up to ``RetryPolicy.max_attempts`` attempts in all):

* connection failures: ``ConnectError``/``ConnectTimeout``/``PoolTimeout`` always (the request never
  left), ``ReadError``/``WriteError``/``RemoteProtocolError``/``ReadTimeout``/``WriteTimeout`` only
  for idempotent requests (the server may have acted on it);
* responses with status 429, 500, 502, 503, 504, for idempotent requests only. ``Retry-After``
  (seconds, possibly fractional, or an HTTP date) is honoured, capped at
  ``RetryPolicy.max_retry_after``; otherwise the delay is exponential backoff with full jitter.

No other 4xx is ever retried. GET, HEAD, OPTIONS, PUT and DELETE are idempotent; POST and PATCH only
when the request says so with ``request.extensions["imageops_idempotent"] = True`` (e.g. OCI
CreateImage, which carries an ``opc-retry-token``).

Signing and retries: httpx runs a client's auth flow once per ``client.send``, so a retry inside an
ordinary transport would resend the first attempt's signature and date. Instead, ``build_client``
gives ``auth`` to the :class:`RetryingTransport`, which signs a fresh copy of the unsigned request
for every attempt: each retry carries its own ``date`` and signature, however long the backoff was.
(The client itself then has no auth of its own; don't pass another one to ``client.send``.)

Response bodies are read inside the retry loop, so a connection dropped while the body is being
received is retried like any other connection error (and responses come back fully buffered).

Log lines (logger ``imageops.transport``) carry the method, URL path, status, request id and
attempt number only: never headers, query values or bodies.

Every public name here is also importable from :mod:`imageops.transport`.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from imageops.errors import TransportError
from imageops.redact import get_logger, redact

__all__ = [
    "IDEMPOTENT_EXTENSION",
    "REQUEST_ID_HEADERS",
    "RetryPolicy",
    "RetryingTransport",
    "request_id_of",
    "unsigned_copy",
]

log = get_logger("imageops.transport")  # the transport's one logger, as before the split

IDEMPOTENT_EXTENSION = "imageops_idempotent"
"""``request.extensions`` key marking a POST/PATCH as safe to retry."""

REQUEST_ID_HEADERS: tuple[str, ...] = (
    "opc-request-id",
    "x-request-id",
    "x-amz-request-id",
    "x-acs-request-id",
)
"""Response headers that carry the cloud's request id, first match wins."""

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
# The request cannot have reached the server: safe to retry whatever the method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The server may have received (and acted on) the request: retry idempotent requests only.
_MAYBE_SENT = (
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times, and how patiently, to retry.

    The n-th retry (n = 1, 2, ...) sleeps ``uniform(0, min(max_backoff, backoff_base * 2**(n-1)))``
    ("full jitter"), or the server's ``Retry-After`` capped at ``max_retry_after``.
    """

    max_attempts: int = 5
    backoff_base: float = 0.5
    max_backoff: float = 20.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 500, 502, 503, 504}))
    retry_response: Callable[[httpx.Response], bool] | None = None
    """Also retry a response this says is transient (clouds that throttle with a 400 and an error
    code, such as ECS's ``Throttling``). The body has been read when it is called."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def backoff(self, retry: int, rng: Callable[[], float] = random.random) -> float:
        """Sleep before retry number ``retry`` (1-based), without a Retry-After hint."""
        ceiling = min(self.max_backoff, self.backoff_base * (2 ** max(retry - 1, 0)))
        return ceiling * rng()

    def retry_after(self, value: str | None, now: Callable[[], float] = time.time) -> float | None:
        """Seconds to wait per a ``Retry-After`` header value, capped; None when absent or unreadable."""
        if not value:
            return None
        value = value.strip()
        try:
            seconds = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
            if when is None:
                return None
            seconds = when.timestamp() - now()
        if seconds != seconds:  # NaN
            return None
        return min(max(seconds, 0.0), self.max_retry_after)


def request_id_of(response: httpx.Response, headers: Iterable[str] = REQUEST_ID_HEADERS) -> str | None:
    """The cloud's request id of ``response``, if it sent one."""
    for name in headers:
        value = response.headers.get(name)
        if value:
            return value
    return None


def _is_idempotent(request: httpx.Request) -> bool:
    return request.method.upper() in _IDEMPOTENT_METHODS or bool(request.extensions.get(IDEMPOTENT_EXTENSION))


class RetryingTransport(httpx.BaseTransport):
    """Retries around another transport, signing each attempt with ``auth`` (see the module doc)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        auth: httpx.Auth | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        now: Callable[[], float] = time.time,
        request_id_headers: Iterable[str] = REQUEST_ID_HEADERS,
    ) -> None:
        self._inner = inner
        self._policy = policy or RetryPolicy()
        self._auth = auth
        self._sleep = sleep
        self._rng = rng
        self._now = now
        self._rid_headers = tuple(request_id_headers)

    @property
    def policy(self) -> RetryPolicy:
        return self._policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = self._policy
        idempotent = _is_idempotent(request)
        request.read()  # buffered: the body is signed, and re-sent as is on retries
        path = request.url.path
        last_request_id: str | None = None
        attempt = 0
        while True:
            attempt += 1
            can_retry = attempt < policy.max_attempts
            try:
                response = self._send_once(unsigned_copy(request) if self._auth is not None else request)
                request_id = request_id_of(response, self._rid_headers)
                last_request_id = request_id or last_request_id
                # Read the body here, inside the retry loop: a connection dropped mid-body is a
                # connection error like any other (the API layer buffers every answer anyway).
                response.read()
            except httpx.TransportError as exc:
                kind = type(exc).__name__
                retryable = isinstance(exc, _NOT_SENT) or (isinstance(exc, _MAYBE_SENT) and idempotent)
                if retryable and can_retry:
                    delay = policy.backoff(attempt, self._rng)
                    log.warning(
                        "%s %s: %s (attempt %d/%d), retrying in %.2fs",
                        request.method,
                        path,
                        kind,
                        attempt,
                        policy.max_attempts,
                        delay,
                    )
                    self._sleep(delay)
                    continue
                if retryable:
                    why = f"gave up after {attempt} attempts"
                elif isinstance(exc, _MAYBE_SENT):
                    why = "not retried: the request is not idempotent"
                else:
                    why = "not retried: not a transient error"
                log.error("%s %s: %s (attempt %d), %s", request.method, path, kind, attempt, why)
                raise TransportError(
                    redact(f"{request.method} {path}: {kind}: {exc or 'connection failed'}; {why}"),
                    code=kind,
                    request_id=last_request_id,
                ) from exc

            response.extensions = {**response.extensions, "imageops_attempts": attempt}
            status = response.status_code
            transient = status in policy.retry_statuses or (
                policy.retry_response is not None and policy.retry_response(response)
            )
            if transient and idempotent and can_retry:
                hinted = policy.retry_after(response.headers.get("retry-after"), self._now)
                delay = hinted if hinted is not None else policy.backoff(attempt, self._rng)
                log.warning(
                    "%s %s -> %d (request id %s, attempt %d/%d), retrying in %.2fs",
                    request.method,
                    path,
                    status,
                    request_id or "-",
                    attempt,
                    policy.max_attempts,
                    delay,
                )
                response.close()
                self._sleep(delay)
                continue
            log.debug(
                "%s %s -> %d (request id %s, attempt %d)",
                request.method,
                path,
                status,
                request_id or "-",
                attempt,
            )
            return response

    def _send_once(self, request: httpx.Request) -> httpx.Response:
        if self._auth is None:
            return self._inner.handle_request(request)
        flow = self._auth.sync_auth_flow(request)
        try:
            signed = next(flow)
            while True:
                response = self._inner.handle_request(signed)
                try:
                    signed = flow.send(response)
                except StopIteration:
                    return response
                response.read()
                response.close()
        finally:
            flow.close()

    def close(self) -> None:
        self._inner.close()


def unsigned_copy(request: httpx.Request) -> httpx.Request:
    """An unsigned copy of ``request`` (body already read), for one attempt to sign and send."""
    return httpx.Request(
        request.method,
        request.url,
        headers=request.headers.copy(),
        content=request.content,
        extensions=dict(request.extensions),
    )
