"""Which clouds exist: the one registration point.

A cloud is one package beside ``imageops.oci`` that declares its resource (``<package>.schema.SCHEMA``,
see :mod:`imageops.schema`) and exposes ``SPEC``, ``connect`` and ``normalise_state``. Adding a cloud
is adding that package and one entry to :data:`_CLOUDS`; every other file that needs the set of
clouds (the emulator, the Ansible collection, the Pulumi package, the docs) asks this module, or is
generated from it by ``make generate``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from imageops.driver import ImageDriver
from imageops.model import ImageState
from imageops.spec import ImageSpec

if TYPE_CHECKING:
    from imageops.schema import CloudSchema

_CLOUDS: dict[str, str] = {
    "oci": "imageops.oci",
    "outscale": "imageops.outscale",
    "alicloud": "imageops.alicloud",
    "aws": "imageops.aws",
}


def clouds() -> tuple[str, ...]:
    return tuple(_CLOUDS)


def _package(cloud: str) -> Any:
    try:
        return importlib.import_module(_CLOUDS[cloud])
    except KeyError:
        raise ValueError(f"unknown cloud {cloud!r}; known: {', '.join(_CLOUDS)}") from None


def schema(cloud: str) -> CloudSchema:
    """The declaration of ``cloud``'s image resource (:class:`imageops.schema.CloudSchema`)."""
    if cloud not in _CLOUDS:
        raise ValueError(f"unknown cloud {cloud!r}; known: {', '.join(_CLOUDS)}")
    declared: CloudSchema = importlib.import_module(f"{_CLOUDS[cloud]}.schema").SCHEMA
    return declared


def spec_type(cloud: str) -> type[ImageSpec]:
    """The desired-state model of ``cloud`` (e.g. :class:`imageops.oci.OciImageSpec`)."""
    return _package(cloud).SPEC


def connect(cloud: str, **settings: Any) -> ImageDriver:
    """A driver for ``cloud``; ``settings`` are that cloud's auth/endpoint options (None = default)."""
    return _package(cloud).connect(**settings)


def normalise_state(cloud: str, raw_state: str) -> ImageState:
    """The neutral state for one of ``cloud``'s own lifecycle words (unknown words are pending)."""
    return _package(cloud).normalise_state(raw_state)
