"""Which clouds exist: the one registration point.

A cloud is one package beside ``imageops.oci`` that declares its resource (``<package>.schema.SCHEMA``,
see :mod:`imageops.schema`) and exposes ``SPEC``, ``connect`` and ``normalise_state``. Adding a cloud
is adding that package and one entry to :data:`_CLOUDS`; every other file that needs the set of
clouds (the emulator, the Ansible collection, the Pulumi package, the docs) asks this module, or is
generated from it by ``make generate``.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import sys
from pathlib import Path
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


def emulator_module(cloud: str) -> str | None:
    """The emulator module ``cloud``'s declaration names (:attr:`imageops.schema.CloudSchema.emulator`),
    as ``schema(cloud).emulator`` gives it, but without importing the cloud's package if it can.

    Importing ``<package>.schema`` runs the package's ``__init__``: its driver, HTTP client and
    signer (botocore for AWS), about a third of the emulator's start-up, and the emulator needs none
    of them. So while the package is not imported yet, the ``emulator=`` of the schema module's
    ``SCHEMA = CloudSchema(...)`` is read from its source; a declaration that does not say it there
    as a literal is imported after all."""
    if cloud not in _CLOUDS:
        raise ValueError(f"unknown cloud {cloud!r}; known: {', '.join(_CLOUDS)}")
    if f"{_CLOUDS[cloud]}.schema" not in sys.modules:
        source = _schema_source(_CLOUDS[cloud])
        if source is not None:
            with contextlib.suppress(LookupError, SyntaxError):
                return _literal_emulator(source)
    return schema(cloud).emulator


def _schema_source(package: str) -> str | None:
    """The text of ``<package>/schema.py``, found without executing the package (None: not a file)."""
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for location in (found.submodule_search_locations or ()) if found is not None else ():
        path = Path(location) / "schema.py"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _literal_emulator(source: str) -> str | None:
    """``emulator=`` of the module-level ``SCHEMA = CloudSchema(...)`` in ``source`` (None when the
    call leaves it to the default); LookupError when the source does not say it plainly: SCHEMA
    bound more than once or otherwise, positional or ``**`` arguments, a computed value."""
    tree = ast.parse(source)
    bindings = [
        node
        for node in ast.walk(tree)
        if (isinstance(node, ast.Name) and node.id == "SCHEMA" and isinstance(node.ctx, ast.Store))
        or (isinstance(node, ast.alias) and (node.asname or node.name) == "SCHEMA")
    ]
    if len(bindings) != 1:
        raise LookupError("SCHEMA is bound more than once, or not by assignment")
    call = next(
        (node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets == [bindings[0]]),
        None,
    )
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "CloudSchema"
        and not call.args
        and all(keyword.arg is not None for keyword in call.keywords)
    ):
        raise LookupError("SCHEMA is not one CloudSchema(...) call with keywords")
    for keyword in call.keywords:
        if keyword.arg == "emulator":
            value = keyword.value
            if isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, str)):
                return value.value
            raise LookupError("emulator= is not a literal")
    return None


def spec_type(cloud: str) -> type[ImageSpec]:
    """The desired-state model of ``cloud`` (e.g. :class:`imageops.oci.OciImageSpec`)."""
    return _package(cloud).SPEC


def connect(cloud: str, **settings: Any) -> ImageDriver:
    """A driver for ``cloud``; ``settings`` are that cloud's auth/endpoint options (None = default)."""
    return _package(cloud).connect(**settings)


def normalise_state(cloud: str, raw_state: str) -> ImageState:
    """The neutral state for one of ``cloud``'s own lifecycle words (unknown words are pending)."""
    return _package(cloud).normalise_state(raw_state)
