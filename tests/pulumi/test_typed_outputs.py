"""The engine hands every number over as a float (protobuf ``Struct``); the generated resource classes
declare the seeds' integer attributes as ``int``, so programs get integers back, in blocks too."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from imageops import registry
from imageops.schema import Attribute
from pulumi_images import CLOUD_MODULES


def _as_sent(attrs: tuple[Attribute, ...]) -> dict[str, Any]:
    """A value for every attribute that holds an integer somewhere, with each integer a float."""
    values: dict[str, Any] = {}
    for attr in attrs:
        if attr.type == "int":
            values[attr.name] = 42.0
        elif attr.contains and (inner := _as_sent(attr.contains)):
            values[attr.name] = [inner] if attr.type == "list" else inner
    return values


def _integers_are_ints(sent: Any, got: Any, where: str) -> None:
    if isinstance(sent, dict):
        for key, value in sent.items():
            _integers_are_ints(value, got[key], f"{where}.{key}")
    elif isinstance(sent, list):
        _integers_are_ints(sent[0], got[0], f"{where}[0]")
    else:
        assert got == sent and type(got) is int, (where, got)


class FloatMocks(pulumi.runtime.Mocks):
    def __init__(self, outputs: dict) -> None:
        self.outputs = outputs

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return f"{args.name}-id", {**args.inputs, **self.outputs}

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


def resolved(output: pulumi.Output):
    return pulumi.runtime.sync_await._sync_await(output.future())


@pytest.mark.parametrize("cloud", registry.clouds())
def test_integer_attributes_come_back_as_integers(cloud):
    sent = _as_sent(registry.schema(cloud).attributes)
    assert sent, f"{cloud} declares no integer attribute"
    pulumi.runtime.set_mocks(FloatMocks(sent), project="ints", stack="test", preview=False)
    image = CLOUD_MODULES[cloud].Image("typed", opts=pulumi.ResourceOptions(id="image-id"))
    for name, value in sent.items():
        _integers_are_ints(value, resolved(getattr(image, name)), f"{cloud}.{name}")
