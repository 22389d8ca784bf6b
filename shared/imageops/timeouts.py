"""How long a wait may take: one rule for Ansible, Pulumi and the CLI.

For an operation (``create``, ``update``, ``delete``), the first of these that is set wins:

1. ``timeouts[operation]`` -- Terraform's per-operation block (a number of seconds, or a duration
   such as ``"10m"`` or ``"1h30m"``); in Pulumi also ``ResourceOptions(custom_timeouts=...)``;
2. ``wait_timeout`` -- seconds, for every operation;
3. the cloud's default for the operation (the seed's ``timeouts`` defaults, e.g. ECS's 10 minutes);
4. :data:`DEFAULT_WAIT_TIMEOUT`.

The most specific setting wins, as in Terraform. Every wait of the operation is bounded by the
result, copies and exports included (an OCI copy is an export there and an import here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imageops.errors import SpecError
from imageops.spec import ImageSpec

__all__ = ["DEFAULT_WAIT_TIMEOUT", "OPERATIONS", "check_wait_timeout", "timeout_errors", "wait_timeout"]

DEFAULT_WAIT_TIMEOUT = 1800.0
"""Seconds a wait may take when nothing else says (30 minutes)."""
OPERATIONS = ("create", "update", "delete")


def check_wait_timeout(value: Any, field: str = "wait_timeout") -> float | None:
    """``value`` as seconds (None stays None), or a :class:`SpecError`.

    0 is allowed and means "do not wait": a wait whose image is not there yet times out at once
    (the image is kept, and the next run adopts it).
    """
    rule = "must be a number of seconds, 0 or more"
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise SpecError([(field, rule)])
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise SpecError([(field, rule)]) from None
    if not 0 <= seconds < float("inf"):
        raise SpecError([(field, rule)])
    return seconds


def wait_timeout(
    spec_type: type[ImageSpec],
    operation: str,
    *,
    wait_timeout: Any = None,
    timeouts: Mapping[str, Any] | None = None,
) -> float:
    """Seconds the waits of ``operation`` may take, by the rule of this module."""
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; one of {', '.join(OPERATIONS)}")
    if timeouts and timeouts.get(operation) not in (None, ""):
        seconds = spec_type.timeout_for(operation, timeouts)
        if seconds is None or not 0 <= seconds < float("inf"):
            raise SpecError([(f"timeouts.{operation}", 'must be a duration such as "10m", 0 or more')])
        return seconds
    explicit = check_wait_timeout(wait_timeout)
    if explicit is not None:
        return explicit
    default = spec_type.timeout_for(operation)
    return default if default is not None else DEFAULT_WAIT_TIMEOUT


def timeout_errors(
    spec_type: type[ImageSpec], *, wait_timeout: Any = None, timeouts: Any = None
) -> list[tuple[str, str]]:
    """Every problem of a ``wait_timeout`` and a ``timeouts`` block, as ``(field, rule)`` pairs: what
    the tools check before any API call (Ansible before it connects, Pulumi in ``check``)."""
    problems: list[tuple[str, str]] = []
    try:
        check_wait_timeout(wait_timeout)
    except SpecError as exc:
        problems += exc.errors
    if timeouts is None:
        return problems
    if not isinstance(timeouts, Mapping):
        return [*problems, ("timeouts", "must be a block of create, update and delete durations")]
    for key, value in timeouts.items():
        if key not in OPERATIONS:
            problems.append((f"timeouts.{key}", "is not a known argument: create, update or delete"))
        elif value not in (None, ""):
            try:
                seconds = spec_type.timeout_for(key, {key: value})
            except SpecError as exc:
                problems += exc.errors
                continue
            except (TypeError, ValueError):
                seconds = None
            if seconds is None or not 0 <= seconds < float("inf"):
                problems.append((f"timeouts.{key}", 'must be a duration such as "10m", 0 or more'))
    return problems
