"""Reading a request's body before its handler does, and handing the request on unchanged.

The emulator decides a fault before the cloud's handler runs. RPC-style APIs name the action in the
form body (EC2's Query protocol, Alibaba Cloud's RPC calls over POST), so without the body a faulted
call would be logged with its route's name instead of its action, and counted as a write.
:func:`peek_body` reads the body into memory up to :data:`LIMIT`; every message it took from
``receive`` is replayed to whoever reads next, then ``receive`` itself goes on, so a handler, a fault
response or a dropped connection sees the request exactly as sent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]

LIMIT = 1 << 20
"""The most bytes held for a hint. RPC calls' bodies are a few kilobytes; a larger body (an upload)
is left to the handler and the hint goes without it, as it did before."""


async def peek_body(
    scope: MutableMapping[str, Any], receive: Receive, limit: int = LIMIT
) -> tuple[bytes | None, Receive]:
    """The whole body (``None`` if it is over ``limit`` or the client left), and the ``receive`` to
    hand on instead of the one given."""
    declared = _content_length(scope)
    if declared is not None and declared > limit:  # not worth buffering: do not touch the stream
        return None, receive
    taken: list[Message] = []
    size = 0
    while True:
        message = await receive()
        taken.append(message)
        if message["type"] != "http.request":  # http.disconnect: replayed, so the handler sees it too
            return None, _replay(taken, receive)
        size += len(message.get("body", b""))
        if size > limit:
            return None, _replay(taken, receive)
        if not message.get("more_body", False):
            break
    return b"".join(m.get("body", b"") for m in taken), _replay(taken, receive)


def _replay(taken: list[Message], receive: Receive) -> Receive:
    pending = deque(taken)

    async def replayed() -> Message:
        if pending:
            return pending.popleft()
        return await receive()

    return replayed


def _content_length(scope: MutableMapping[str, Any]) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:  # malformed: read up to the limit as for a chunked body
                return None
    return None
