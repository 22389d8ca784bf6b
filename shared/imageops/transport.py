"""The one HTTP client factory: timeouts, retries with backoff and jitter, request ids, quiet logs.

:func:`build_client` returns an ``httpx.Client`` whose transport is a :class:`RetryingTransport`
wrapped around ``httpx.HTTPTransport`` (:class:`LazyTlsTransport`: the CA store is loaded on the
first https request only) or any transport given, e.g. ``httpx.MockTransport``.

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
"""

from __future__ import annotations

import email.utils
import functools
import logging
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import httpx

from imageops import writes
from imageops.errors import CloudError, ConfigError, TransportError
from imageops.redact import get_logger, redact

__all__ = [
    "DEFAULT_USER_AGENT",
    "IDEMPOTENT_EXTENSION",
    "REQUEST_ID_HEADERS",
    "LazyTlsTransport",
    "RetryPolicy",
    "RetryingTransport",
    "build_client",
    "default_timeout",
    "logged_failure",
    "request_id_of",
    "unsigned_copy",
]

log = get_logger("imageops.transport")

IDEMPOTENT_EXTENSION = "imageops_idempotent"
"""``request.extensions`` key marking a POST/PATCH as safe to retry."""

REQUEST_ID_HEADERS: tuple[str, ...] = (
    "opc-request-id",
    "x-request-id",
    "x-amz-request-id",
    "x-acs-request-id",
)
"""Response headers that carry the cloud's request id, first match wins."""

DEFAULT_USER_AGENT = "imageops/0.1.0 (+httpx)"

DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "IMAGEOPS_HTTP_TIMEOUT"
"""Seconds each HTTP call may take when no ``timeout`` is passed: an environment variable, so that
the Ansible modules and the Pulumi provider (which take no such option) can be given one too."""


def default_timeout() -> float:
    """The HTTP timeout per call: ``IMAGEOPS_HTTP_TIMEOUT`` seconds if set, else 30."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{TIMEOUT_ENV} must be a positive number of seconds, not {text!r}")
    return value


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


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context, built once per process, on the first https request (see
    :class:`LazyTlsTransport`): loading the CA bundle takes ~30-40 ms, paid per client otherwise (a
    fan-out opens one client per region). Contexts are thread-safe."""
    return httpx.create_ssl_context()


def _no_trust_context() -> ssl.SSLContext:
    """A TLS context that trusts no certificate at all (verification required, no CA loaded): the
    plain-http pool's, which never makes a TLS connection. Were it ever to, the handshake fails."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class LazyTlsTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport`` with httpx's default TLS verification, whose CA store is loaded on the
    first ``https`` request: a plain ``http://`` endpoint (the emulator) never pays for it.

    ``http`` requests go to a pool whose TLS context trusts nothing; every other scheme to a pool
    built, on first use, over :func:`_tls_context` (certifi's bundle, or ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR``, exactly as ``httpx.HTTPTransport()`` would verify)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plain: httpx.HTTPTransport | None = None
        self._tls: httpx.HTTPTransport | None = None

    def _pool(self, scheme: str) -> httpx.HTTPTransport:
        with self._lock:
            if scheme == "http":
                if self._plain is None:
                    self._plain = httpx.HTTPTransport(verify=_no_trust_context())
                return self._plain
            if self._tls is None:
                self._tls = httpx.HTTPTransport(verify=_tls_context())
            return self._tls

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._pool(request.url.scheme).handle_request(request)

    def close(self) -> None:
        with self._lock:
            pools, self._plain, self._tls = (self._plain, self._tls), None, None
        for pool in pools:
            if pool is not None:
                pool.close()


def _mtls_context(cert_file: str, key_file: str | None) -> ssl.SSLContext:
    """The default context plus a client certificate: one per client, since it holds the key. A
    key file that does not match (or cannot be read) is a ConfigError before any request."""
    context = httpx.create_ssl_context()
    try:
        context.load_cert_chain(cert_file, key_file)
    except (OSError, ssl.SSLError) as exc:
        # The reason only (no file content): ssl's messages name the failing step, never key bytes.
        raise ConfigError(
            f"client certificate {cert_file} cannot be used ({type(exc).__name__}): it must be a PEM "
            "certificate, with its private key in the same file or in the key file given"
        ) from None
    return context


def build_client(
    *,
    base_url: str,
    auth: httpx.Auth | None = None,
    timeout: float | httpx.Timeout = 30.0,
    retry: RetryPolicy | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    headers: dict[str, str] | None = None,
    client_cert: tuple[str, str | None] | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` for one cloud endpoint: retrying, signing per attempt, with timeouts.

    ``transport`` replaces the underlying ``httpx.HTTPTransport`` (tests pass ``httpx.MockTransport``
    or an ASGI transport); ``sleep`` is injectable so tests need not wait. ``client_cert`` is
    ``(certificate file, key file or None when the certificate file holds it)`` for mutual TLS.
    """
    inner: httpx.BaseTransport
    if transport is not None:
        inner = transport
    elif client_cert is not None:  # loaded now: a certificate that cannot be used fails before any call
        inner = httpx.HTTPTransport(verify=_mtls_context(*client_cert))
    else:
        inner = LazyTlsTransport()
    retrying = RetryingTransport(inner, retry or RetryPolicy(), auth=auth, sleep=sleep)
    return httpx.Client(
        base_url=base_url,
        transport=retrying,
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        headers={"user-agent": user_agent, "accept": "application/json", **(headers or {})},
        follow_redirects=False,
        trust_env=False,
    )


def logged_failure(logger: logging.Logger, operation: str, error: CloudError) -> CloudError:
    """``error`` (a failed call's mapped exception), logged in the one line every cloud's API writes
    for it, on that cloud's ``logger``: ``raise logged_failure(log, action, error)``."""
    logger.info(
        "%s failed: HTTP %d %s (request id %s)",
        operation,
        error.status,
        error.code,
        error.request_id or "-",
    )
    return error


class ApiClient:
    """Base of the per-cloud API classes: one client built by :func:`build_client`, and a send that
    names the operation in connection errors and hands back a fully read, closed response."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    @property
    def client(self) -> httpx.Client:
        return self._client

    def close(self) -> None:
        self._client.close()

    def _send(self, operation: str, request: httpx.Request) -> httpx.Response:
        try:
            response = self._client.send(request)
        except TransportError as exc:  # name the operation, keep the last request id
            writes.record(operation, None)  # sent or not, nobody can say: the outcome is unknown
            raise TransportError(
                exc.message, code=exc.code, request_id=exc.request_id, operation=operation
            ) from exc.__cause__
        try:
            response.read()
        finally:
            response.close()
        writes.record(operation, response.status_code)
        return response
