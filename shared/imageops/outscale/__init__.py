"""OUTSCALE: spec, auth, API and driver for machine images (OMIs).

``connect(**settings)`` is what :func:`imageops.registry.connect` calls.
"""

from __future__ import annotations

from typing import Any

from imageops.model import ImageState
from imageops.outscale.spec import BlockDeviceMapping, Bsu, OutscaleImageSpec, PermissionsToLaunch, Tag

SPEC = OutscaleImageSpec

__all__ = [
    "SPEC",
    "BlockDeviceMapping",
    "Bsu",
    "OutscaleImageSpec",
    "PermissionsToLaunch",
    "Tag",
    "connect",
    "normalise_state",
]


def connect(**settings: Any) -> Any:
    raise NotImplementedError("the OUTSCALE driver is being written")


_STATES = {
    "pending": ImageState.PENDING,
    "available": ImageState.AVAILABLE,
    "failed": ImageState.FAILED,
    "deleted": ImageState.DELETED,
}


def normalise_state(raw_state: str) -> ImageState:
    """The neutral state for an OMI state (``pending``, ``available``, ``failed``)."""
    return _STATES.get(raw_state, ImageState.PENDING)
