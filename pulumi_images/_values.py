"""Property values as the dynamic-provider server hands them over: unknowns (preview), RPC secrets,
and the comparisons a diff needs for blocks the cloud reports richer than given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown
from pydantic import BaseModel

from imageops.reconcile import covers

__all__ = [
    "CALL_SETTINGS",
    "CONFIG_NAMESPACE",
    "IMPORTED",
    "PROVIDER_KEY",
    "TIMEOUTS",
    "TIMEOUT_OPERATIONS",
    "UNKNOWN",
    "WAIT_TIMEOUT",
    "_cut",
    "_nested_fields",
    "_plain",
    "covers",
    "is_unknown",
]

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi.runtime.rpc.UNKNOWN, the wire sentinel


def is_unknown(value: Any) -> bool:
    """True if ``value`` is, or contains, a value not known until apply (preview): the server hands
    them over as :class:`pulumi.output.Unknown` (or, raw, as the wire sentinel string)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def _plain(value: Any) -> Any:
    """Unwrap RPC secrets (the server may hand them over when secrets are accepted)."""
    if isinstance(value, Mapping):
        if value.get("4dabf18193072939515e22adb298388d") == "1b47061264138c4ac30d75fd1eb44270":
            return _plain(value.get("value"))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _nested_fields(annotation: Any) -> set[str]:
    """Field names of the spec model inside ``annotation`` (``Model | None``, ``list[Model] | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return set(annotation.model_fields)
    for candidate in getattr(annotation, "__args__", ()):
        if fields := _nested_fields(candidate):
            return fields
    return set()


def _cut(block: Mapping[str, Any], fields: set[str]) -> dict[str, Any]:
    return {k: v for k, v in block.items() if k in fields and v is not None}

PROVIDER_KEY = "__provider"
IMPORTED = "imported"  # output: read into the state by import, create-only sources unknown
CONFIG_NAMESPACE = "imageops"
WAIT_TIMEOUT = "wait_timeout"
TIMEOUTS = "timeouts"
TIMEOUT_OPERATIONS = ("create", "update", "delete")
# Settings that shape the calls, never the image: not spec fields, echoed as outputs, never replace.
CALL_SETTINGS = (WAIT_TIMEOUT, TIMEOUTS)
