"""The one HTTP client factory: timeouts, retries with backoff and jitter, request ids, quiet logs.

:func:`build_client` returns an ``httpx.Client`` whose transport is a :class:`RetryingTransport`
wrapped around ``httpx.HTTPTransport`` (:class:`LazyTlsTransport`: the CA store is loaded on the
first https request only) or any transport given, e.g. ``httpx.MockTransport``.

What is retried, how long each retry waits, how every attempt is signed afresh and what the
transport logs is in :mod:`imageops.transport_retry` (:class:`RetryPolicy`,
:class:`RetryingTransport`); its public names are re-exported here, so every caller imports from
this module only.

Log lines carry the method, URL path, status, request id and attempt number only: never headers,
query values or bodies. The transport's own (logger ``imageops.transport``) are written in
:mod:`imageops.transport_retry`; a failed API call is logged once, on the calling cloud's logger, by
:func:`logged_failure`.
"""

from __future__ import annotations

import functools
import logging
import os
import ssl
import threading
import time
from collections.abc import Callable

import httpx

from imageops import writes
from imageops.errors import CloudError, ConfigError, TransportError
from imageops.transport_retry import (
    IDEMPOTENT_EXTENSION,
    REQUEST_ID_HEADERS,
    RetryingTransport,
    RetryPolicy,
    request_id_of,
    unsigned_copy,
)

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
