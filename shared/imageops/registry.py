"""Which clouds exist, and how to get each one's spec model and driver.

Pulumi and Ansible reach every cloud through these two functions, so adding a cloud is adding one
entry here and one package beside ``imageops.oci``.
"""

from __future__ import annotations

import importlib
from typing import Any

from imageops.driver import ImageDriver
from imageops.model import ImageState
from imageops.spec import ImageSpec

_CLOUDS: dict[str, str] = {
    "oci": "imageops.oci",
    "alicloud": "imageops.alicloud",
    "outscale": "imageops.outscale",
}


def clouds() -> tuple[str, ...]:
    return tuple(_CLOUDS)


def _package(cloud: str) -> Any:
    try:
        return importlib.import_module(_CLOUDS[cloud])
    except KeyError:
        raise ValueError(f"unknown cloud {cloud!r}; known: {', '.join(_CLOUDS)}") from None


def spec_type(cloud: str) -> type[ImageSpec]:
    """The desired-state model of ``cloud`` (e.g. :class:`imageops.oci.OciImageSpec`)."""
    return _package(cloud).SPEC


def connect(cloud: str, **settings: Any) -> ImageDriver:
    """A driver for ``cloud``; ``settings`` are that cloud's auth/endpoint options (None = default)."""
    return _package(cloud).connect(**settings)


def normalise_state(cloud: str, raw_state: str) -> ImageState:
    """The neutral state for one of ``cloud``'s own lifecycle words (unknown words are pending)."""
    return _package(cloud).normalise_state(raw_state)
