"""What every cloud's ``Image`` resource module shares: argument handling and ``get``."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import pulumi

from pulumi_images._provider import TIMEOUT_OPERATIONS


def set_given(target: Any, values: Mapping[str, Any]) -> None:
    """``pulumi.set`` every argument that was given (the ``locals()`` of an ``__init__``)."""
    for name, value in values.items():
        if name not in ("self", "__self__") and value is not None:
            pulumi.set(target, name, value)


def warn_deprecated(args: Any, kwargs: Mapping[str, Any], deprecated: Mapping[str, str]) -> None:
    """As Pulumi's generated SDKs flag a deprecated argument: a Python and an engine warning."""
    for name, message in deprecated.items():
        given_value = kwargs.get(name) if args is None else getattr(args, name, None) or kwargs.get(name)
        if given_value is not None:
            warnings.warn(message, DeprecationWarning, stacklevel=3)
            pulumi.log.warn(message)


def resource_props(
    args: Any,
    kwargs: Mapping[str, Any],
    *,
    arg_names: Iterable[str],
    output_names: Iterable[str],
    required: Iterable[str] = (),
    reading: bool = False,
    opts: pulumi.ResourceOptions | None = None,
) -> dict[str, Any]:
    """The property bag of a resource from its ``*Args`` object and/or keyword arguments.

    Unknown keywords are a ``TypeError``, as in generated Pulumi SDKs; computed outputs are declared
    as ``None`` so the engine returns them. ``required`` is not enforced when ``reading`` an
    existing resource by id. ``opts.custom_timeouts`` becomes the ``timeouts`` input when neither
    ``timeouts`` nor ``wait_timeout`` is given (see :func:`timeouts_from_options`).
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
    if "timeouts" in names and props.get("timeouts") is None and props.get("wait_timeout") is None:
        block = timeouts_from_options(opts)
        if block:
            props["timeouts"] = block
    if not reading:
        for name in required:
            if name not in props:
                raise TypeError(f"Missing required argument '{name}'")
    for name in output_names:
        props.setdefault(name, None)
    return props


def timeouts_from_options(opts: pulumi.ResourceOptions | None) -> dict[str, str]:
    """``ResourceOptions(custom_timeouts=CustomTimeouts(create="30m", ...))`` as a ``timeouts`` block.

    The engine sends ``CustomTimeouts`` in each Create/Update/Delete request, but the Python
    dynamic-provider server (``python -m pulumi.dynamic``) never hands them to the provider; carried
    as an input instead, they bound the provider's waits. Durations are Go's (``"30m"``, ``"1h30m"``).
    """
    custom = opts.custom_timeouts if opts is not None else None
    if custom is None:
        return {}
    return {op: value for op in TIMEOUT_OPERATIONS if (value := getattr(custom, op, None))}


@pulumi.input_type
class TimeoutsArgs:
    """Terraform's ``timeouts`` block: how long each operation may wait (Go durations, e.g. ``10m``).

    Unset, it is taken from ``ResourceOptions(custom_timeouts=...)``; an entry left out falls back to
    ``wait_timeout``, then to the cloud's default.
    """

    def __init__(
        self,
        *,
        create: pulumi.Input[str] | None = None,
        update: pulumi.Input[str] | None = None,
        delete: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def create(self) -> pulumi.Input[str] | None:
        """Bounds the waits of a create (or import, copy), e.g. ``"30m"``."""
        return pulumi.get(self, "create")

    @property
    @pulumi.getter
    def update(self) -> pulumi.Input[str] | None:
        """Bounds the waits of an in-place update, e.g. ``"10m"``."""
        return pulumi.get(self, "update")

    @property
    @pulumi.getter
    def delete(self) -> pulumi.Input[str] | None:
        """Bounds the wait for a deleted image to be gone, e.g. ``"10m"``."""
        return pulumi.get(self, "delete")


@pulumi.output_type
class ImageTimeouts(dict):
    """The ``timeouts`` block as applied: per-operation wait limits (Go durations)."""

    def __init__(
        __self__, *, create: str | None = None, update: str | None = None, delete: str | None = None
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def create(self) -> str | None:
        """The limit of a create's waits, e.g. ``"30m"``."""
        return pulumi.get(self, "create")

    @property
    @pulumi.getter
    def update(self) -> str | None:  # type: ignore[override]  # Terraform's key; shadows dict.update
        """The limit of an update's waits."""
        return pulumi.get(self, "update")

    @property
    @pulumi.getter
    def delete(self) -> str | None:
        """The limit of a delete's wait."""
        return pulumi.get(self, "delete")


def read_options(id: pulumi.Input[str], opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """Resource options that make the engine read the resource ``id`` instead of creating it."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))


def given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
