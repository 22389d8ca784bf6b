"""What every cloud's ``Image`` resource module shares: argument handling and ``get``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pulumi


def set_given(target: Any, values: Mapping[str, Any]) -> None:
    """``pulumi.set`` every argument that was given (the ``locals()`` of an ``__init__``)."""
    for name, value in values.items():
        if name not in ("self", "__self__") and value is not None:
            pulumi.set(target, name, value)


def resource_props(
    args: Any,
    kwargs: Mapping[str, Any],
    *,
    arg_names: Iterable[str],
    output_names: Iterable[str],
    required: Iterable[str] = (),
    reading: bool = False,
) -> dict[str, Any]:
    """The property bag of a resource from its ``*Args`` object and/or keyword arguments.

    Unknown keywords are a ``TypeError``, as in generated Pulumi SDKs; computed outputs are declared
    as ``None`` so the engine returns them. ``required`` is not enforced when ``reading`` an
    existing resource by id.
    """
    names = tuple(arg_names)
    unknown = set(kwargs) - set(names)
    if unknown:
        raise TypeError(f"Image got unexpected arguments: {', '.join(sorted(unknown))}")
    props: dict[str, Any] = {}
    if args is not None:
        props.update({name: getattr(args, name) for name in names})
    props.update(kwargs)
    props = {k: v for k, v in props.items() if v is not None}
    if not reading:
        for name in required:
            if name not in props:
                raise TypeError(f"Missing required argument '{name}'")
    for name in output_names:
        props.setdefault(name, None)
    return props


def read_options(id: pulumi.Input[str], opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """Resource options that make the engine read the resource ``id`` instead of creating it."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))


def given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
