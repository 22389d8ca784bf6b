"""Whether a run changed anything, from what the cloud answered to each write call.

Every cloud API call goes through :meth:`imageops.transport.ApiClient._send`, which reports each
write here. A run (an Ansible task, one region of a fan-out) records them with :func:`recording`;
its ``changed`` is then the one rule both tools follow:

* a write the cloud accepted (2xx) changed something;
* a write whose outcome is unknown (sent, then no answer, or a 5xx) may have: changed, so that the
  user looks, and the next run adopts what it made;
* a write the cloud refused (4xx) changed nothing.

A call is a write unless its operation reads (``Get``/``List``/``Describe``/``Read``/``Head``) or
only fetches credentials (:data:`CREDENTIAL_OPERATIONS`). The log lives in a context variable: each
thread of a fan-out records its own region.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["CREDENTIAL_OPERATIONS", "READ_PREFIXES", "WriteLog", "is_write", "record", "recording", "start"]

READ_PREFIXES = ("Get", "List", "Describe", "Read", "Head")
CREDENTIAL_OPERATIONS = frozenset({"AssumeRole", "GetMetadataToken", "GetEcsRamRoleCredentials"})
"""Calls that obtain credentials for the run: they change nothing the user manages."""


def is_write(operation: str) -> bool:
    return not operation.startswith(READ_PREFIXES) and operation not in CREDENTIAL_OPERATIONS


@dataclass
class WriteLog:
    """The write calls of one run, by outcome (operation names, in call order)."""

    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.accepted or self.unknown)


_CURRENT: ContextVar[WriteLog | None] = ContextVar("imageops_write_log", default=None)


@contextmanager
def recording() -> Iterator[WriteLog]:
    """Record the write calls made in this context (thread) until the block ends."""
    log = WriteLog()
    token = _CURRENT.set(log)
    try:
        yield log
    finally:
        _CURRENT.reset(token)


def start() -> WriteLog:
    """Record from now on in this context, in a new log (a run that is its context's only run: an
    Ansible module's process). Prefer :func:`recording` where a block can hold the run."""
    log = WriteLog()
    _CURRENT.set(log)
    return log


def record(operation: str, status: int | None) -> None:
    """Note one call's outcome: ``status`` is the HTTP status, None when no answer came."""
    log = _CURRENT.get()
    if log is None or not is_write(operation):
        return
    if status is None or status >= 500:
        log.unknown.append(operation)
    elif status >= 400:
        log.refused.append(operation)
    else:
        log.accepted.append(operation)
