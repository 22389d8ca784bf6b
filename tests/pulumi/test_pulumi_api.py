"""The Python surface of every cloud's ``Image``, as users of pulumi_oci / pulumi_alicloud expect it:
typed and documented inputs (nested blocks as nested ``*Args``), typed and documented outputs, a
``get`` static method, stack config keys, a small pickled provider -- and ``docs/pulumi.md``'s
reference equal to what the code says."""

from __future__ import annotations

import base64
import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest
from pulumi._types import is_input_type
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from imageops import registry
from pulumi_images import _reference
from pulumi_images._provider import _STACK_CONFIG, CONNECTIONS, ImageProvider, _nested_fields

CLOUDS = _reference.CLOUD_MODULES
DOC_PAGE = Path(__file__).resolve().parents[2] / "docs" / "pulumi.md"


def cloud_module(cloud: str) -> ModuleType:
    return importlib.import_module(f"pulumi_images.{cloud}")


def arg_names(module: ModuleType) -> tuple[str, ...]:
    return tuple(getattr(module, "ARG_NAMES", None) or module._arg_names())


def nested_input_classes(annotation: str, module: ModuleType) -> set[str]:
    """The ``@pulumi.input_type`` classes an annotation names, directly or through a type alias."""
    found = set()
    for name in re.findall(r"[A-Za-z_]\w*", annotation):
        obj = getattr(module, name, None)
        if inspect.isclass(obj) and is_input_type(obj):
            found.add(obj.__name__)
        elif obj is not None and not inspect.isclass(obj) and not inspect.ismodule(obj):
            found |= {c for c in re.findall(r"\.(\w+Args)\b", repr(obj)) if hasattr(module, c)}
    return found


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_input_has_a_type_and_a_docstring(cloud):
    module = cloud_module(cloud)
    classes = _reference.input_classes(module)
    assert classes[0] is module.ImageArgs
    for cls in classes:
        assert inspect.getdoc(cls), cls.__name__
        members = _reference.input_members(cls)
        assert members, cls.__name__
        for member in members:
            assert member.type.startswith("pulumi.Input["), (cls.__name__, member)
            assert len(member.doc) >= 10, (cls.__name__, member.name, "no docstring")
            prop = inspect.getattr_static(cls, member.name)
            assert isinstance(prop, property) and "return" in prop.fget.__annotations__, member.name


@pytest.mark.parametrize("cloud", CLOUDS)
def test_the_args_class_is_the_resource_arguments(cloud):
    module = cloud_module(cloud)
    names = [m.name for m in _reference.input_members(module.ImageArgs)]
    assert names == list(arg_names(module))
    # and every keyword the resource takes is one of them: anything else is refused
    with pytest.raises(TypeError, match="unexpected arguments: bogus"):
        module.Image("x", bogus=1, **{names[0]: "v"})


@pytest.mark.parametrize("cloud", CLOUDS)
def test_nested_blocks_are_nested_args_classes(cloud):
    module = cloud_module(cloud)
    spec = registry.spec_type(cloud)
    annotations = {m.name: m.type for m in _reference.input_members(module.ImageArgs)}
    nested = [name for name, info in spec.model_fields.items() if _nested_fields(info.annotation)]
    assert nested, "every cloud has nested blocks"
    for name in nested:
        if name not in annotations:
            continue  # a spec-only field (none is expected; the next test checks the outputs)
        classes = nested_input_classes(annotations[name], module)
        assert any(c.endswith("Args") for c in classes), (name, annotations[name])


@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_output_is_typed_and_documented(cloud):
    module = cloud_module(cloud)
    outputs = _reference.output_members(module.Image)
    assert [m.name for m in outputs] and len({m.name for m in outputs}) == len(outputs)
    assert {m.name for m in outputs} == set(module.OUTPUT_NAMES)
    for member in outputs:
        assert member.type.startswith("pulumi.Output["), member
        assert len(member.doc) >= 10, (member.name, "no docstring")
    for cls in _reference.output_classes(module):
        assert inspect.getdoc(cls), cls.__name__
        for member in _reference.output_type_members(cls):
            assert member.type and len(member.doc) >= 5, (cls.__name__, member)
    # every argument is echoed as an output, so a program can read back what it set
    assert set(arg_names(module)) <= set(module.OUTPUT_NAMES)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_nested_input_blocks_come_back_as_output_types(cloud):
    """An input given as a nested ``*Args`` block is read back as a typed output class, as official
    providers' ``Image.launch_options`` is an ``ImageLaunchOptions``."""
    module = cloud_module(cloud)
    outputs = {m.name: m.type for m in _reference.output_members(module.Image)}
    output_types = {c.__name__ for c in _reference.output_classes(module)}
    checked = 0
    for member in _reference.input_members(module.ImageArgs):
        if nested_input_classes(member.type, module) and member.name in outputs:
            named = set(re.findall(r"[A-Za-z_]\w*", outputs[member.name])) & output_types
            assert named, (member.name, outputs[member.name])
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize("cloud", CLOUDS)
def test_get_is_a_static_method_as_in_official_providers(cloud):
    resource = cloud_module(cloud).Image
    assert isinstance(inspect.getattr_static(resource, "get"), staticmethod)
    params = list(inspect.signature(resource.get).parameters)
    assert params[:3] == ["resource_name", "id", "opts"]
    assert inspect.getdoc(resource.get) and inspect.getdoc(resource.__init__) and inspect.getdoc(resource)


def test_docs_page_reference_is_what_the_code_says():
    text = DOC_PAGE.read_text(encoding="utf-8")
    assert _reference.generated_part(text) == _reference.render(), (
        "docs/pulumi.md is out of date: run .venv/bin/python -m pulumi_images._reference"
    )


def test_docs_page_names_every_stack_config_key():
    text = DOC_PAGE.read_text(encoding="utf-8")
    for connection in CONNECTIONS.values():
        keys = [*connection.config.values(), *connection.secret_config.values(), *connection.config_aliases]
        for key in keys:
            assert f"imageops:{key}" in text, key


@pytest.mark.parametrize("cloud", CLOUDS)
def test_pickled_provider_is_small_and_holds_the_cloud_only(cloud):
    provider = ImageProvider(cloud)
    provider.configure(ConfigureRequest(Config({"imageops:outscaleSecretKey": "s3cr3t-Zebra"}, "p")))
    blob = base64.b64decode(serialize_provider(provider))
    assert len(blob) <= 10 * 1024
    assert provider.__getstate__() == {"cloud": cloud}
    assert b"Zebra" not in blob and b"Lock" not in blob and b"httpx" not in blob
    _STACK_CONFIG.pop(id(provider), None)


def test_issue_config_key_names_are_accepted_and_the_documented_ones_win():
    provider = ImageProvider("oci")
    provider.configure(ConfigureRequest(Config({"imageops:ociConfigProfile": "OTHER"}, "p")))
    assert provider._settings({})["profile"] == "OTHER"
    both = {"imageops:ociConfigProfile": "OTHER", "imageops:ociProfile": "THIRD"}
    provider.configure(ConfigureRequest(Config(both, "p")))
    assert provider._settings({})["profile"] == "THIRD"
    assert provider._settings({"profile": "INPUT"})["profile"] == "INPUT"  # a resource input wins
    _STACK_CONFIG.pop(id(provider), None)
