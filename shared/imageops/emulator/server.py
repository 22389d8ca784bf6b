"""Run every emulated cloud on its own loopback port, concurrently on one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ipaddress
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from imageops import registry
from imageops.emulator.core import CloudPlugin, Emulator, atomic_write, make_app, quiet_dropped_connections


class NotLoopbackError(ValueError):
    """The emulator only listens on loopback addresses."""


def check_loopback(host: str) -> str:
    """Return the address to bind for ``host``, refusing anything but loopback."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise NotLoopbackError(f"--host {host!r} is not a loopback address (use 127.0.0.1 or ::1)") from None
    if not address.is_loopback:
        raise NotLoopbackError(
            f"--host {host!r} is not a loopback address; the emulator listens on "
            "loopback only (127.0.0.0/8 or ::1)"
        )
    return host


def emulator_modules(names: Sequence[str] | None = None) -> list[str]:
    """The emulator module each cloud declares (:attr:`imageops.schema.CloudSchema.emulator`), in
    port order (the registry's, or ``names``'); a cloud that declares none is skipped.

    Read with :func:`imageops.registry.emulator_module`, not ``schema(name)``: the emulator needs
    nothing else of a cloud's core package, and importing it would load the cloud's driver and
    client stack at every start (``tests/emulator/test_startup_imports.py``)."""
    modules = []
    for name in registry.clouds() if names is None else names:
        module = registry.emulator_module(name)
        if module is not None:
            modules.append(module)
    return modules


def default_plugins(names: Sequence[str] | None = None) -> list[CloudPlugin]:
    """One plugin per emulated cloud (every registered cloud, or ``names``), in port order; a
    declared module that does not exist yet is skipped."""
    plugins = []
    for module_name in emulator_modules(names):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        plugins.append(module.plugin())
    return plugins


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 0
    env_file: Path | None = None
    state_file: Path | None = None
    data_dir: Path | None = None
    time_scale: float = 0.01
    fault_rate: float = 0.0
    seed: int = 0
    region: str = "us-ashburn-1"
    latency: float = 0.0
    slow_response: float | None = None
    clock_offset: float = 0.0
    list_lag: float = 0.0
    proxy: bool = False
    """Also listen as an HTTP(S) forward proxy for the clouds' real hostnames (:mod:`.proxy`)."""
    proxy_port: int = 0


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to :func:`serve_async`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose proto says TCP.
    # With Nagle on, every answer on a kept-alive connection waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(False)
    return sock


def _endpoint(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def render_env(env: dict[str, str]) -> str:
    return "".join(f"{k}={v}\n" for k, v in env.items())


@contextlib.contextmanager
def _data_dir(options: ServeOptions) -> Iterator[Path]:
    if options.data_dir is not None:
        yield Path(options.data_dir)
    elif options.state_file is not None:
        state = Path(options.state_file)
        yield state.with_name(state.name + ".data")
    else:
        path = Path(tempfile.mkdtemp(prefix="imageops-emulator-"))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)


async def serve_async(emulator: Emulator, options: ServeOptions) -> None:
    host = check_loopback(options.host)
    quiet_dropped_connections()
    servers: list[_Server] = []
    env: dict[str, str] = {}
    sockets = []
    for index, plugin in enumerate(emulator.plugins):
        sock = _bind(host, options.port + index if options.port else 0)
        sockets.append(sock)
        config = uvicorn.Config(
            make_app(emulator, plugin),
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=2,
            server_header=False,
        )
        servers.append(_Server(config))
        env.update(plugin.env(emulator, _endpoint(sock)))
    env["IMAGEOPS_EMULATOR_URL"] = _endpoint(sockets[0])
    env["IMAGEOPS_EMULATOR_PID"] = str(os.getpid())
    env["IMAGEOPS_EMULATOR_DATA_DIR"] = str(emulator.data_dir)
    proxy_server = None
    if options.proxy:
        proxy_server, proxy_env = await _start_proxy(emulator, options, host, sockets)
        env.update(proxy_env)

    tasks = [asyncio.create_task(s.serve(sockets=[sock])) for s, sock in zip(servers, sockets, strict=True)]
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for s in servers:
            if s.should_exit:
                s.force_exit = True
            s.should_exit = True

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop)
    try:
        while not all(s.started for s in servers):
            if any(t.done() for t in tasks):
                stop()
                break
            await asyncio.sleep(0.01)
        else:
            text = render_env(env)
            if options.env_file is not None:
                atomic_write(Path(options.env_file), text, mode=0o600)
            sys.stdout.write(text)
            sys.stdout.flush()
        await asyncio.gather(*tasks)
    finally:
        stop()
        if proxy_server is not None:
            proxy_server.close()
        for sock in sockets:
            sock.close()
        emulator.save()


async def _start_proxy(
    emulator: Emulator, options: ServeOptions, host: str, sockets: Sequence[socket.socket]
) -> tuple[asyncio.Server, dict[str, str]]:
    """Listen as the forward proxy; return the server and the variables that make tools use it."""
    from imageops.emulator.ca import CertificateAuthority
    from imageops.emulator.proxy import ForwardProxy, ProxyRoute

    routes = [
        ProxyRoute(plugin.name, re.compile(pattern), sock.getsockname()[1])
        for plugin, sock in zip(emulator.plugins, sockets, strict=True)
        for pattern in getattr(plugin, "proxy_hosts", ())
    ]
    authority = CertificateAuthority(Path(emulator.data_dir) / "proxy")
    bundle = authority.write_bundle()
    sock = _bind(host, options.proxy_port)
    server = await asyncio.start_server(ForwardProxy(emulator, routes, authority, host), sock=sock)
    url = _endpoint(sock)
    loopback = "127.0.0.1,localhost,::1"
    env = {
        "IMAGEOPS_EMULATOR_PROXY": url,
        "IMAGEOPS_EMULATOR_CA_FILE": str(authority.cert_file),
        "HTTPS_PROXY": url,
        "HTTP_PROXY": url,
        "https_proxy": url,
        "http_proxy": url,
        # the emulator's own endpoints stay direct
        "NO_PROXY": loopback,
        "no_proxy": loopback,
        "REQUESTS_CA_BUNDLE": str(bundle),
        "SSL_CERT_FILE": str(bundle),
    }
    return server, env


def serve(options: ServeOptions, plugins: Sequence[CloudPlugin] | None = None) -> None:
    """Build the emulator, seed every cloud, listen, write the env file, run until signalled."""
    check_loopback(options.host)
    with _data_dir(options) as data_dir:
        emulator = Emulator(
            state_file=options.state_file,
            data_dir=data_dir,
            time_scale=options.time_scale,
            fault_rate=options.fault_rate,
            seed=options.seed,
            region=options.region,
            latency=options.latency,
            slow_response=options.slow_response,
            clock_offset=options.clock_offset,
            list_lag=options.list_lag,
        )
        for plugin in plugins if plugins is not None else default_plugins():
            emulator.add(plugin)
        asyncio.run(serve_async(emulator, options))
