"""Proxy mode: an HTTP(S) forward proxy that answers the clouds' real hostnames from the emulator.

With ``HTTPS_PROXY``/``HTTP_PROXY`` pointing here and the emulator's CA trusted
(:mod:`imageops.emulator.ca`), a tool with no endpoint setting (Oracle's collection, footmark) calls
``https://iaas.us-ashburn-1.oraclecloud.com/...`` and reaches the emulated OCI:

* ``CONNECT host:443``: when ``host`` is served, the proxy answers ``200``, completes TLS with a
  certificate for ``host`` and relays the decrypted bytes to that cloud's loopback port unchanged
  (the ``Host`` header and the path the client signed arrive as sent; the cloud's plugin reads the
  region from the host name, see ``host_prefix``);
* ``GET http://host/path`` (plain HTTP through a proxy): the request line becomes ``GET /path`` and
  the rest is relayed the same way.

Which hosts are served is each cloud plugin's ``proxy_hosts`` (regular expressions). Any other host
is refused with ``403`` and a line in the emulator's log and call log (cloud ``proxy``, action
``Refused``): nothing is ever forwarded anywhere but to the emulator's own loopback ports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from imageops.emulator.ca import CertificateAuthority
from imageops.emulator.core import Emulator

__all__ = ["ForwardProxy", "ProxyRoute"]

log = logging.getLogger("imageops.emulator.proxy")

_HEAD_LIMIT = 64 * 1024
_RELAY_CHUNK = 64 * 1024
_ABSOLUTE = re.compile(
    r"^(?P<method>[A-Z]+) http://(?P<authority>[^/\s]+)(?P<path>/\S*)? (?P<version>HTTP/1\.[01])$"
)


@dataclass(frozen=True)
class ProxyRoute:
    """Hosts matching ``pattern`` are served by the cloud listening on ``port`` (loopback)."""

    cloud: str
    pattern: re.Pattern[str]
    port: int


class ForwardProxy:
    """The proxy's connection handler (an ``asyncio.start_server`` callback)."""

    def __init__(
        self, emulator: Emulator, routes: Iterable[ProxyRoute], authority: CertificateAuthority, host: str
    ) -> None:
        self.emulator = emulator
        self.routes = tuple(routes)
        self.authority = authority
        self.loopback = host

    def route(self, host: str) -> ProxyRoute | None:
        """The route serving ``host`` (lower-cased, without port), None when it is not served."""
        host = host.lower().rstrip(".")
        return next((r for r in self.routes if r.pattern.fullmatch(host)), None)

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass
        except Exception:  # a broken client must not take the proxy down
            log.exception("proxy connection failed")
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > _HEAD_LIMIT:
            await self._answer(writer, 431, "Request Header Fields Too Large")
            return
        request_line, _, rest = head.partition(b"\r\n")
        line = request_line.decode("latin-1")
        if line.startswith("CONNECT "):
            authority = line.split(" ")[1] if line.count(" ") >= 2 else ""
            host, _ = _split_authority(authority, default_port=443)
            route = self.route(host)
            if route is None:
                await self._refuse(writer, "CONNECT", authority)
                return
            await self._answer(writer, 200, "Connection Established", body=False)
            await writer.start_tls(self.authority.context_for(host.lower()))
            await self._relay(reader, writer, route, b"")
            return
        match = _ABSOLUTE.match(line)
        if match is None:
            await self._answer(
                writer, 400, "Bad Request", "imageops emulator proxy: absolute-form requests only"
            )
            return
        host, _ = _split_authority(match["authority"], default_port=80)
        route = self.route(host)
        if route is None:
            await self._refuse(writer, match["method"], match["authority"])
            return
        origin_line = f"{match['method']} {match['path'] or '/'} {match['version']}".encode("latin-1")
        await self._relay(reader, writer, route, origin_line + b"\r\n" + rest)

    async def _relay(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, route: ProxyRoute, first: bytes
    ) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(self.loopback, route.port)
        try:
            if first:
                upstream_writer.write(first)
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        finally:
            with contextlib.suppress(Exception):
                upstream_writer.close()

    async def _refuse(self, writer: asyncio.StreamWriter, method: str, authority: str) -> None:
        log.warning(
            "proxy refused %s %s: not a host the emulator serves (nothing is forwarded)", method, authority
        )
        self.emulator.calls.add(
            cloud="proxy",
            account=None,
            method=method,
            path=authority,
            action="Refused",
            status=403,
            time=time.time(),
        )
        await self._answer(
            writer,
            403,
            "Forbidden",
            f"imageops emulator proxy: {authority} is not served; nothing is forwarded",
        )

    @staticmethod
    async def _answer(
        writer: asyncio.StreamWriter, status: int, reason: str, text: str = "", body: bool = True
    ) -> None:
        payload = text.encode() + (b"\n" if text else b"")
        head = f"HTTP/1.1 {status} {reason}\r\n"
        if body:
            head += f"Content-Type: text/plain\r\nContent-Length: {len(payload)}\r\nConnection: close\r\n"
        writer.write(head.encode("latin-1") + b"\r\n" + (payload if body else b""))
        await writer.drain()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(_RELAY_CHUNK):
            sink.write(chunk)
            await sink.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        with contextlib.suppress(Exception):
            if sink.can_write_eof():
                sink.write_eof()
            else:
                sink.close()


def _split_authority(authority: str, *, default_port: int) -> tuple[str, int]:
    host, sep, port = authority.rpartition(":")
    if not sep or "]" in port:
        return authority.strip("[]"), default_port
    try:
        return host.strip("[]"), int(port)
    except ValueError:
        return authority, default_port
