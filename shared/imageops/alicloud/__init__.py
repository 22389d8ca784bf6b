"""Alibaba Cloud ECS: spec, auth, API and driver for custom images.

``connect(**settings)`` is what :func:`imageops.registry.connect` calls.
"""

from __future__ import annotations

from typing import Any

from imageops.alicloud.spec import AlicloudImageSpec, CopyFrom, DiskDeviceMapping, Features, ImportFrom
from imageops.model import ImageState

SPEC = AlicloudImageSpec

__all__ = [
    "SPEC",
    "AlicloudImageSpec",
    "CopyFrom",
    "DiskDeviceMapping",
    "Features",
    "ImportFrom",
    "connect",
    "normalise_state",
]

_STATES = {
    "Available": ImageState.AVAILABLE,
    "Creating": ImageState.PENDING,
    "Waiting": ImageState.PENDING,
    "Deprecated": ImageState.AVAILABLE,
    "CreateFailed": ImageState.FAILED,
    "UnAvailable": ImageState.FAILED,
    "Deleted": ImageState.DELETED,
}


def normalise_state(raw_state: str) -> ImageState:
    """ECS image Status words: Creating/Waiting/Available/UnAvailable/CreateFailed/Deprecated."""
    return _STATES.get(raw_state, ImageState.PENDING)


def connect(**settings: Any) -> Any:
    raise NotImplementedError("imageops.alicloud.connect is not implemented yet")
