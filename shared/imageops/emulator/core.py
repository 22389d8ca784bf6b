"""Cloud-independent parts of the emulator.

One :class:`Emulator` holds the shared state (persisted to an optional JSON state file), the call log,
the fault injector and the clock. Each cloud is a :class:`CloudPlugin` that seeds its demo accounts,
builds a starlette app for its wire protocol and contributes ``KEY=VALUE`` lines to the env file.
:func:`make_app` wraps a plugin's router with what every cloud shares: ``/_emulator/*`` routes, call
logging and fault injection.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import random
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route, Router

from imageops.emulator.body_peek import peek_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SCOPE_KEY = "imageops.emulator"
FAULT_KINDS = ("throttle", "internal", "unavailable", "drop")
#: The extra fault kind of an emulator started with a slow-response delay: the request is handled
#: (a write happens) but the answer comes only after the delay, past the client's timeout.
SLOW = "slow"

log = logging.getLogger("imageops.emulator")


# ----------------------------------------------------------------------------------------- helpers
def iso_ms(ts: float) -> str:
    """RFC 3339 with milliseconds and ``Z``: ``2016-08-25T21:10:29.600Z``."""
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def random_token(n: int = 32) -> str:
    """A lowercase base32 string of ``n`` characters."""
    raw = base64.b32encode(secrets.token_bytes(n)).decode().lower().rstrip("=")
    return raw[:n]


def decimal_string(x: float) -> str:
    """``0.01`` rather than ``1e-02``."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def atomic_write(path: Path, data: str | bytes, mode: int = 0o600) -> None:
    """Write to a temp file beside ``path`` then rename, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------------------------- state
class StateStore:
    """A JSON document, one section per cloud, saved atomically after each mutation."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.data: dict[str, Any] = {}
        self.loaded = False
        if self.path and self.path.exists():
            self.data = json.loads(self.path.read_text() or "{}")
            self.loaded = True

    def section(self, name: str) -> dict[str, Any]:
        return self.data.setdefault(name, {})

    def has(self, name: str) -> bool:
        return bool(self.data.get(name))

    def save(self) -> None:
        if self.path is not None:
            atomic_write(self.path, json.dumps(self.data, indent=1, sort_keys=True))


# ---------------------------------------------------------------------------------------- call log
class CallLog:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._seq = 0

    def add(
        self,
        *,
        cloud: str,
        account: str | None,
        method: str,
        path: str,
        action: str | None,
        status: int,
        time: float | None = None,
        fault: str | None = None,
        retry_after: str | None = None,
    ) -> dict[str, Any]:
        """Log one call. ``time`` is when the request arrived, ``fault`` the injected fault (None for
        a genuine answer) and ``retry_after`` the answer's Retry-After header, so that tests can
        check from the log alone that clients waited as told and never retried a refusal."""
        self._seq += 1
        entry = {
            "seq": self._seq,
            "cloud": cloud,
            "account": account,
            "method": method,
            "path": path,
            "action": action,
            "status": status,
            "time": time,
            "fault": fault,
            "retry_after": retry_after,
        }
        self.entries.append(entry)
        return entry

    def query(self, since: int = 0, cloud: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["seq"] > since and (cloud is None or e["cloud"] == cloud)]


# ------------------------------------------------------------------------------------------ faults
class FaultInjector:
    """A seeded decision per logged request: ``None`` or one of :data:`FAULT_KINDS`, evenly, plus
    :data:`SLOW` when ``slow_response`` (seconds) is set."""

    def __init__(self, rate: float = 0.0, seed: int = 0, slow_response: float | None = None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        if slow_response is not None and slow_response <= 0:
            raise ValueError("the slow-response delay must be positive")
        self.rate = rate
        self.rng = random.Random(seed)
        self.slow_response = slow_response
        # Without a delay the kinds (and so a seed's sequence of faults) are as they always were.
        self.kinds = FAULT_KINDS + ((SLOW,) if slow_response else ())

    def decide(self) -> str | None:
        if self.rate <= 0:
            return None
        if self.rng.random() >= self.rate:
            return None
        return self.kinds[self.rng.randrange(len(self.kinds))]


class DroppedConnection(Exception):
    """Raised after a deliberately truncated response so the server closes the connection."""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


def quiet_dropped_connections() -> None:
    """Keep uvicorn from logging a traceback for each injected dropped connection."""
    for name in ("uvicorn.error", "uvicorn"):
        logging.getLogger(name).addFilter(_DropFilter())


# ----------------------------------------------------------------------------------------- plugins
@dataclass
class CallInfo:
    """Filled in while a request is handled; read back by the call log."""

    request_id: str
    account: str | None = None
    action: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def call_info(request: Request) -> CallInfo:
    info = request.scope.get(SCOPE_KEY)
    if info is None:  # a router used without make_app (unit tests)
        info = CallInfo(request_id=new_request_id(request.headers.get("opc-request-id")))
        request.scope[SCOPE_KEY] = info
    return info


def new_request_id(client_id: str | None = None) -> str:
    server = secrets.token_hex(16).upper()
    return f"{client_id}/{server}" if client_id else server


class CloudPlugin(Protocol):
    """What each cloud module provides (see :mod:`imageops.emulator.oci`)."""

    name: str

    def seed(self, emulator: Emulator) -> None:
        """Create (or refresh after a restart) the demo accounts and their credential files."""

    def routes(self, emulator: Emulator) -> list[Route]:
        """The cloud's routes; each route's ``name`` is the action recorded in the call log."""

    def fault_response(self, emulator: Emulator, kind: str, info: CallInfo) -> Response:
        """The cloud's own error response for an injected 429/500/503."""

    def route_error(self, emulator: Emulator, status: int, info: CallInfo) -> Response:
        """The cloud's own error for an unknown path (404) or a method the path lacks (405)."""

    def account_hint(self, headers: Any) -> str | None:
        """The account a request claims (unverified), for the call log of faulted requests."""

    def env(self, emulator: Emulator, endpoint: str) -> dict[str, str]:
        """The ``KEY=VALUE`` lines for this cloud once it listens on ``endpoint``."""

    # Optional: ``action_hint(scope, headers, body) -> str | None`` names the action of a request
    # whose route alone does not (RPC-style APIs on one path), for the call log of faulted requests
    # too. ``body`` is the request body, or None when it is too large to hold (see body_peek).


class Emulator:
    """The shared in-memory world of every emulated cloud."""

    def __init__(
        self,
        *,
        state_file: Path | None = None,
        data_dir: Path,
        time_scale: float = 0.01,
        fault_rate: float = 0.0,
        seed: int = 0,
        region: str = "us-ashburn-1",
        latency: float = 0.0,
        slow_response: float | None = None,
        clock_offset: float = 0.0,
        list_lag: float = 0.0,
    ) -> None:
        if time_scale < 0:
            raise ValueError("time scale must not be negative")
        if latency < 0:
            raise ValueError("latency must not be negative")
        if list_lag < 0:
            raise ValueError("list lag must not be negative")
        self.list_lag = list_lag
        """Seconds before a new image shows in list and describe calls (a get by id sees it at once):
        the eventual consistency of the real clouds' listings."""
        self.store = StateStore(state_file)
        self.data_dir = Path(data_dir)
        self.time_scale = time_scale
        self.calls = CallLog()
        self.faults = FaultInjector(fault_rate, seed, slow_response)
        self.region = region
        self.latency = latency
        self.clock_offset = clock_offset
        """Seconds the emulated clouds' clock runs ahead of this host's (negative: behind), so that
        signed requests look stale or early, as from a client whose clock is skewed."""
        """Seconds added to every cloud API call (not ``/_emulator/*``), as a real service's round trip."""
        self.plugins: list[CloudPlugin] = []

    # time -----------------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.clock_offset

    def listed(self, created: float) -> bool:
        """Whether an image created at ``created`` (this clock) shows in listings yet (:attr:`list_lag`)."""
        return self.list_lag <= 0 or self.now() >= created + self.list_lag

    def scaled(self, seconds: float) -> float:
        """A duration of the real service, in emulated wall-clock seconds."""
        return seconds * self.time_scale

    # plugins --------------------------------------------------------------------------------
    def add(self, plugin: CloudPlugin) -> CloudPlugin:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        plugin.seed(self)
        self.plugins.append(plugin)
        self.store.save()
        return plugin

    def save(self) -> None:
        self.store.save()


# ---------------------------------------------------------------------------------------- the app
def _calls_endpoint(emulator: Emulator) -> Callable[[Request], Awaitable[Response]]:
    async def calls(request: Request) -> Response:
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            return JSONResponse({"code": "InvalidParameter", "message": "since must be an integer"}, 400)
        cloud = request.query_params.get("cloud") or None
        return JSONResponse(emulator.calls.query(since, cloud))

    return calls


def _action_for(router: Router, scope: Scope) -> tuple[str | None, bool]:
    """The matching route's name (the action), and whether some route matched the path only."""
    partial = False
    for route in router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return getattr(route, "name", None), False
        partial = partial or match is Match.PARTIAL
    return None, partial


class _EmulatorMiddleware:
    """Logs each call, injects faults, and routes ``/_emulator/*`` to the emulator's own API."""

    def __init__(self, emulator: Emulator, plugin: CloudPlugin, router: Router, internal: Router) -> None:
        self.emulator = emulator
        self.plugin = plugin
        self.router = router
        self.internal = internal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                return
            await self.router(scope, receive, send)
            return
        if scope["path"].startswith("/_emulator/"):
            await self.internal(scope, receive, send)
            return

        arrived = time.time()
        route_path = getattr(self.plugin, "route_path", None)
        if route_path is not None:
            # The path the service routes by may differ from the one sent (a region named by the
            # host in proxy mode, an API alias): route by it; signatures are checked on raw_path.
            routed = route_path(self.emulator, _header(scope, b"host"), scope["path"])
            if routed and routed != scope["path"]:
                scope = {**scope, "path": routed}
        if self.emulator.latency:
            # Awaited, so concurrent calls overlap as they do against a real endpoint.
            await asyncio.sleep(self.emulator.latency)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        info = CallInfo(request_id=new_request_id(headers.get("opc-request-id")))
        scope[SCOPE_KEY] = info
        info.action, partial = _action_for(self.router, scope)
        hint = getattr(self.plugin, "action_hint", None)
        if info.action is not None and hint is not None:
            # RPC-style clouds name the action in a parameter, a header or the form body, not in the
            # path: the body is read now (and replayed to the handler) so that a call faulted below,
            # whose handler never runs, is logged with its own action too. No random draw happens
            # here, so a seed's sequence of faults is the same as without the read.
            body, receive = await peek_body(scope, receive)
            info.action = hint(scope, headers, body) or info.action
        method, path = scope["method"], scope["path"]
        if info.action is None:
            response = self.plugin.route_error(self.emulator, 405 if partial else 404, info)
            self._log(info, method, path, response.status_code, arrived)
            await response(scope, receive, send)
            return
        fault = self.emulator.faults.decide()

        if fault in ("throttle", "internal", "unavailable"):
            info.account = self.plugin.account_hint(headers)
            response = self.plugin.fault_response(self.emulator, fault, info)
            self._log(
                info, method, path, response.status_code, arrived, fault, response.headers.get("retry-after")
            )
            await response(scope, receive, send)
            return

        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self.router(scope, receive, capture)
        except Exception:
            log.exception("emulator handler failed")
            messages = []
            info_resp = self.plugin.fault_response(self.emulator, "internal", info)
            await info_resp(scope, receive, capture)

        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        status = start["status"] if start else 500
        if fault == "drop" and start is not None:
            self._log(info, method, path, 0, arrived, fault)
            await self._send_truncated(start, messages, send)
            raise DroppedConnection(f"{method} {path}")
        retry_after = next(
            (v.decode("latin-1") for k, v in (start or {}).get("headers", []) if k.lower() == b"retry-after"),
            None,
        )
        self._log(info, method, path, status, arrived, fault if fault == SLOW else None, retry_after)
        if fault == SLOW:  # the work is done; the answer arrives after the client stopped waiting
            await asyncio.sleep(self.emulator.faults.slow_response or 0)
        for message in messages:
            await send(message)

    @staticmethod
    async def _send_truncated(start: Message, messages: list[Message], send: Send) -> None:
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body) + 512).encode()))
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})

    def _log(
        self,
        info: CallInfo,
        method: str,
        path: str,
        status: int,
        arrived: float,
        fault: str | None = None,
        retry_after: str | None = None,
    ) -> None:
        self.emulator.calls.add(
            cloud=self.plugin.name,
            account=info.account,
            method=method,
            path=path,
            action=info.action,
            status=status,
            time=arrived,
            fault=fault,
            retry_after=retry_after,
        )


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name), "")


def make_app(emulator: Emulator, plugin: CloudPlugin) -> ASGIApp:
    """The ASGI app of one cloud: its routes plus logging, faults and ``/_emulator/*``."""
    router = Router(routes=plugin.routes(emulator))
    internal = Router(routes=[Route("/_emulator/calls", _calls_endpoint(emulator), methods=["GET"])])
    return _EmulatorMiddleware(emulator, plugin, router, internal)
