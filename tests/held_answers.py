"""A loopback proxy that lets each write reach the emulator and then holds its answer past the client's
HTTP timeout: a write whose outcome is unknown (the cloud did the work; the caller never heard).

Used by the unknown-outcome tests of both tools (``tests/ansible/test_shared_behaviour.py``,
``tests/pulumi/test_unanswered_writes.py``): point the cloud's endpoint variable at the proxy and set
``IMAGEOPS_HTTP_TIMEOUT`` to :data:`CLIENT_TIMEOUT`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from imageops.emulator.testing import is_read

__all__ = ["CLIENT_TIMEOUT", "answers_held_after_writes"]

# The client's HTTP timeout in the unknown-outcome test (IMAGEOPS_HTTP_TIMEOUT, seconds): the proxy holds
# each write's answer a little longer.
CLIENT_TIMEOUT = 1.0
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@contextlib.contextmanager
def answers_held_after_writes(emulator, upstream: str) -> Iterator[str]:
    """A loopback proxy in front of ``upstream`` (an emulator endpoint): each call goes through to the
    emulator, which does the work; when its call log shows that the call wrote, the answer is held
    until the client has given up (then the connection closes), as a timeout after the write reached
    the cloud. Reads are answered. Yields the proxy's URL, with ``upstream``'s path."""
    seen = [emulator.mark()]
    origin = httpx.URL(upstream).copy_with(path="/", query=None)  # the proxy's URL keeps the path

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def forward(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP]
            with httpx.Client(timeout=30, trust_env=False) as client:  # the Host header is kept (signed)
                answer = client.request(
                    self.command, str(origin).rstrip("/") + self.path, headers=headers, content=body
                )
            calls = emulator.calls(since=seen[0])
            seen[0] = max((c["seq"] for c in calls), default=seen[0])
            if any(not is_read(c) for c in calls if not str(c.get("path", "")).startswith("/_emulator")):
                time.sleep(CLIENT_TIMEOUT + 0.5)  # the write was done; its answer never comes in time
                self.close_connection = True
                return
            self.send_response(answer.status_code)
            for key, value in answer.headers.multi_items():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("content-length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(httpx.URL(upstream).copy_with(port=server.server_address[1]))
    finally:
        server.shutdown()
        server.server_close()
