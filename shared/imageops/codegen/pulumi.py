"""The Pulumi resource module of a cloud (``pulumi_images/<cloud>.py``), from its declaration.

Generated as the official Pulumi SDKs are: nested input types (``Image<Block>Args``), nested output
types (``Image<Block>``), ``ImageArgs`` and ``Image`` with one typed, documented output per attribute
and input; integers stay integers. Names follow the rule the hand-written classes had: a block of a
list field is named in the singular (``block_device_mappings`` -> ``ImageBlockDeviceMapping``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from imageops.codegen import common
from imageops.schema import Attribute, CloudSchema, FieldType, field_meta, spec_field_type
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

_PY = {"str": "str", "int": "int", "float": "float", "bool": "bool"}


def camel(name: str, *, singular: bool = False) -> str:
    if singular and name.endswith("s"):
        name = name[:-1]
    return "".join(part.capitalize() for part in name.split("_"))


def docstring(paragraphs: list[str], indent: int) -> str:
    pad = " " * indent
    text = "\n\n".join(common.plain(p) for p in paragraphs if p).replace('"""', "'''").replace("\\", "\\\\")
    lines: list[str] = []
    for block in text.split("\n\n"):
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(block, width=104 - indent, break_on_hyphens=False) or [""])
    if len(lines) == 1 and len(lines[0]) + indent + 6 <= 108:
        return f'{pad}"""{lines[0]}"""\n'
    body = "\n".join(f"{pad}{line}" if line else "" for line in lines)
    return f'{pad}"""{body.lstrip()}\n{pad}"""\n'


@dataclass
class Klass:
    name: str
    source: str


class Module:
    """The generated classes of one cloud, in dependency order."""

    def __init__(self, schema: CloudSchema) -> None:
        self.schema = schema
        self.inputs: list[Klass] = []
        self.outputs: list[Klass] = []
        self._seen: set[str] = set()

    # ----------------------------------------------------------- input types
    def input_type(self, kind: FieldType, prefix: str, name: str) -> str:
        if kind.kind == "block":
            assert kind.block is not None
            cls = self.input_class(kind.block, prefix + camel(name, singular=False))
            return f"pulumi.Input[{cls} | Mapping[str, Any]]"
        if kind.kind == "list":
            assert kind.elements is not None
            if kind.elements.kind == "block":
                assert kind.elements.block is not None
                cls = self.input_class(kind.elements.block, prefix + camel(name, singular=True))
                return f"pulumi.Input[Sequence[pulumi.Input[{cls} | Mapping[str, Any]]]]"
            return f"pulumi.Input[Sequence[pulumi.Input[{_PY[kind.elements.kind]}]]]"
        if kind.kind == "dict":
            return "pulumi.Input[Mapping[str, pulumi.Input[str]]]"
        return f"pulumi.Input[{_PY[kind.kind]}]"

    def input_class(self, block: type[ImageSpec], base: str) -> str:
        name = base + "Args"
        if name in self._seen:
            return name
        self._seen.add(name)
        params, props = [], []
        for field in block.model_fields:
            meta = field_meta(block, field)
            annotation = self.input_type(spec_field_type(block, field), base, field)
            params.append(f"        {field}: {annotation}" + ("," if meta.required else " | None = None,"))
            props.append(
                self._property(
                    field,
                    annotation if meta.required else f"{annotation} | None",
                    common.field_paragraphs(meta),
                )
            )
        doc = docstring([block.__doc__ or base], 4)
        source = (
            f"@pulumi.input_type\nclass {name}:\n{doc}\n    def __init__(\n        self,\n        *,\n"
            + "\n".join(params)
            + "\n    ) -> None:\n        set_given(self, locals())\n"
            + "".join(props)
        )
        self.inputs.append(Klass(name, source))
        return name

    @staticmethod
    def _property(name: str, annotation: str, paragraphs: list[str]) -> str:
        return (
            f"\n    @property\n    @pulumi.getter\n    def {name}(self) -> {annotation}:\n"
            + docstring(paragraphs, 8)
            + f'        return pulumi.get(self, "{name}")\n'
        )

    # ----------------------------------------------------------- output types
    def output_type_of_attribute(self, attr: Attribute, prefix: str) -> str:
        if attr.type == "dict":
            if attr.contains:
                return self.output_class(attr.contains, prefix + camel(attr.name), attr.doc)
            return "Mapping[str, Any]" if attr.values == "any" else "Mapping[str, str]"
        if attr.type == "list":
            if attr.contains:
                cls = self.output_class(attr.contains, prefix + camel(attr.name, singular=True), attr.doc)
                return f"Sequence[{cls}]"
            return f"Sequence[{_PY.get(attr.elements or 'str', 'Any')}]"
        return _PY[attr.type]

    def output_type_of_field(self, kind: FieldType, prefix: str, name: str, doc: str) -> str:
        if kind.kind == "block":
            assert kind.block is not None
            return self.output_class(_attributes_of(kind.block), prefix + camel(name), doc)
        if kind.kind == "list":
            assert kind.elements is not None
            if kind.elements.kind == "block":
                assert kind.elements.block is not None
                attrs = _attributes_of(kind.elements.block)
                return f"Sequence[{self.output_class(attrs, prefix + camel(name, singular=True), doc)}]"
            return f"Sequence[{_PY[kind.elements.kind]}]"
        if kind.kind == "dict":
            return "Mapping[str, str]"
        return _PY[kind.kind]

    def output_class(self, attrs: tuple[Attribute, ...], name: str, doc: str) -> str:
        if name in self._seen:
            return name
        self._seen.add(name)
        params, props = [], []
        for attr in attrs:
            annotation = self.output_type_of_attribute(attr, name)
            params.append(f"        {attr.name}: {annotation} | None = None,")
            props.append(self._property(attr.name, f"{annotation} | None", [attr.doc]))
        source = (
            f"@pulumi.output_type\nclass {name}(dict):\n{docstring([doc], 4)}\n    def __init__(\n"
            "        __self__,\n        *,\n"
            + "\n".join(params)
            + "\n    ) -> None:\n        set_given(__self__, locals())\n"
            + "".join(props)
        )
        self.outputs.append(Klass(name, source))
        return name


def _attributes_of(block: type[ImageSpec]) -> tuple[Attribute, ...]:
    """A block of the spec as output attributes (an echoed input, as given)."""
    result = []
    for name in block.model_fields:
        meta = field_meta(block, name)
        kind = spec_field_type(block, name)
        doc = " ".join(common.field_paragraphs(meta))
        if kind.kind == "block":
            assert kind.block is not None
            result.append(Attribute(name, "dict", doc, contains=_attributes_of(kind.block)))
        elif kind.kind == "list":
            assert kind.elements is not None
            inner = kind.elements
            if inner.kind == "block":
                assert inner.block is not None
                result.append(
                    Attribute(name, "list", doc, elements="dict", contains=_attributes_of(inner.block))
                )
            else:
                result.append(Attribute(name, "list", doc, elements=inner.kind))  # type: ignore[arg-type]
        else:
            result.append(Attribute(name, kind.kind, doc))
    return tuple(result)


def _names(schema: CloudSchema) -> tuple[list[str], list[str]]:
    """(argument names, output names) of the resource, in order."""
    aliases = list(schema.spec.deprecated_aliases)
    args = common.unique(
        [*schema.spec.model_fields, *aliases, *schema.pulumi_inputs, "wait_timeout", "timeouts"]
    )
    attributes = [a.name for a in schema.attributes if a.name != "id"]
    outputs = common.unique([*attributes, *args, "imported"])
    return args, outputs


def _setting_doc(schema: CloudSchema, name: str) -> list[str]:
    setting = schema.setting(name)
    default = (
        [f"the stack configuration ``imageops:{setting.pulumi_config}``"] if setting.pulumi_config else []
    )
    env = common.env_sentence(setting.env, setting.env_doc, tool="pulumi")
    text = list(setting.doc)
    if setting.choices:
        text.append("One of " + ", ".join(f"``{c}``" for c in setting.choices) + ".")
    if default or env:
        text.append(
            "If not set: " + ", then ".join([*default, env.removeprefix("If not set: ").rstrip(".")]) + "."
        )
    if setting.replace:
        text.append("Changing it replaces the image (another region is another image).")
    return text


def _args_class(module: Module, args: list[str]) -> str:
    schema = module.schema
    params, props = [], []
    for name in args:
        required = False
        if name in schema.spec.model_fields:
            meta = field_meta(schema.spec, name)
            required = meta.required
            annotation = module.input_type(spec_field_type(schema.spec, name), "Image", name)
            doc = [*common.field_paragraphs(meta), common.mode_sentence(meta, tool="pulumi")]
            if name in schema.spec_settings.values():
                doc = _setting_doc(schema, name)
        elif name in schema.spec.deprecated_aliases:
            target = schema.spec.deprecated_aliases[name]
            annotation = module.input_type(spec_field_type(schema.spec, target), "Image", target)
            doc = [f"Deprecated: use ``{target}`` instead (the same value; a warning says so)."]
        elif name == "wait_timeout":
            annotation = "pulumi.Input[float]"
            doc = [
                "Seconds every wait of every operation may take (copies and exports included). A "
                "``timeouts`` entry for the operation wins over it; without either, the cloud's default "
                f"for the operation applies, else {DEFAULT_WAIT_TIMEOUT:g} seconds.",
            ]
        elif name == "timeouts":
            annotation = "pulumi.Input[TimeoutsArgs | Mapping[str, str]]"
            doc = [
                'Per-operation wait limits (``create``/``update``/``delete``, e.g. ``"30m"``); an entry wins '
                "over ``wait_timeout``. Unset, taken from ``ResourceOptions(custom_timeouts=...)``.",
            ]
        else:
            annotation = "pulumi.Input[str]"
            doc = _setting_doc(schema, name)
        params.append(f"        {name}: {annotation}" + ("," if required else " | None = None,"))
        props.append(Module._property(name, annotation if required else f"{annotation} | None", doc))
    params.sort(key=lambda line: "=" in line)  # required (keyword-only) first, as Pulumi SDKs do
    return (
        "@pulumi.input_type\nclass ImageArgs:\n"
        + docstring(
            [
                f"The arguments of :class:`Image`: the arguments of Terraform's ``{schema.terraform}``, "
                "plus optional connection settings."
            ],
            4,
        )
        + "\n    def __init__(\n        self,\n        *,\n"
        + "\n".join(params)
        + "\n    ) -> None:\n"
        + ("        warn_deprecated(None, locals(), DEPRECATED)\n" if schema.spec.deprecated_aliases else "")
        + "        set_given(self, locals())\n"
        + "".join(props)
    )


def _outputs(module: Module, outputs: list[str]) -> str:
    schema = module.schema
    attributes = {a.name: a for a in schema.attributes}
    lines = []
    for name in outputs:
        if name in attributes:
            attr = attributes[name]
            annotation = module.output_type_of_attribute(attr, "Image")
            optional = attr.optional
            doc = attr.doc
        elif name in schema.spec.model_fields:
            meta = field_meta(schema.spec, name)
            annotation = module.output_type_of_field(
                spec_field_type(schema.spec, name), "Image", name, meta.description
            )
            optional = True
            doc = f"{meta.description.rstrip('.')}, as given."
        elif name in schema.spec.deprecated_aliases:
            annotation, optional, doc = "str", True, f"The deprecated ``{name}`` input, if set."
        elif name == "wait_timeout":
            annotation, optional, doc = "float", True, "The wait timeout input, if set."
        elif name == "timeouts":
            annotation, optional, doc = (
                "ImageTimeouts",
                True,
                "The timeouts block (given, or from ``custom_timeouts``), if set.",
            )
        elif name == "imported":
            annotation, optional = "bool", True
            doc = (
                "True when the image was read into the state by import (``import_``, ``pulumi import``) "
                "rather than created: its create-only sources are unknown."
            )
        else:
            annotation, optional, doc = "str", True, f"The ``{name}`` input, if set."
        full = f"{annotation} | None" if optional else annotation
        lines.append(f"    {name}: pulumi.Output[{full}]\n" + docstring([doc], 4))
    return "".join(lines)


def resource_module(schema: CloudSchema) -> str:
    module = Module(schema)
    args, outputs = _names(schema)
    args_class = _args_class(module, args)
    output_lines = _outputs(module, outputs)
    required = [n for n in schema.spec.model_fields if field_meta(schema.spec, n).required]
    getters = schema.pulumi_inputs
    get_params = "".join(f"        {n}: pulumi.Input[str] | None = None,\n" for n in getters)
    get_call = ", ".join(f"{n}={n}" for n in getters)
    exported = sorted(
        {k.name for k in module.inputs}
        | {k.name for k in module.outputs}
        | {"Image", "ImageArgs", "ImageTimeouts", "ImageTimeoutsArgs"}
    )
    deprecated = {
        old: f"{old!r} is deprecated; use {new!r} instead"
        for old, new in schema.spec.deprecated_aliases.items()
    }
    intro = _module_docstring(schema)
    body = [
        intro,
        "from __future__ import annotations\n\n"
        "from collections.abc import {abc}\nfrom typing import Any\n\n"
        "import pulumi\nimport pulumi.dynamic\n\n"
        "from pulumi_images._provider import ImageProvider\n"
        "from pulumi_images._resource import (\n    ImageTimeouts,\n    TimeoutsArgs,\n    given,\n"
        "    read_options,\n    resource_props,\n    set_given,\n    warn_deprecated,\n)\n\n",
        "__all__ = [\n" + "".join(f'    "{n}",\n' for n in exported) + "]\n\n",
        f'CLOUD = "{schema.cloud}"\n',
        "ImageTimeoutsArgs = TimeoutsArgs\n",
        f"ARG_NAMES: tuple[str, ...] = {tuple(args)!r}\n",
        f"OUTPUT_NAMES: tuple[str, ...] = {tuple(outputs)!r}\n",
        f"REQUIRED: tuple[str, ...] = {tuple(required)!r}\n",
        f"DEPRECATED: dict[str, str] = {deprecated!r}\n\n\n",
        "\n\n".join(k.source for k in module.inputs) + ("\n\n" if module.inputs else ""),
        "\n\n".join(k.source for k in module.outputs) + ("\n\n" if module.outputs else ""),
        args_class,
        f'\n\nclass Image(pulumi.dynamic.Resource, module="{schema.cloud}", name="Image"):\n',
        docstring(
            [
                schema.pulumi_doc,
                f"The resource type is ``pulumi-python:dynamic/{schema.cloud}:Image``. "
                + _modes_line(schema),
            ],
            4,
        )
        + "\n",
        output_lines,
        RESOURCE_METHODS.format(get_params=get_params, get_call=get_call),
    ]
    text = "".join(body)
    abc = ", ".join(name for name in ("Mapping", "Sequence") if f"{name}[" in text)
    return common.header(f"imageops.{schema.cloud}.schema") + text.replace("{abc}", abc, 1)


def _modes_line(schema: CloudSchema) -> str:
    in_place = [f"``{f.name}``" for f in schema.fields() if f.update.value == "in_place" and f.reported]
    return (
        f"{', '.join(in_place)} change in place; a change of any other argument replaces the image "
        "(deleted first when the new image would carry the same name)."
    )


def _module_docstring(schema: CloudSchema) -> str:
    text = (
        f"{schema.title} images as a Pulumi resource: Terraform's ``{schema.terraform}`` in Python.\n\n"
        "Inputs are the seed's arguments (snake_case); outputs are its attributes plus every input as\n"
        "given. Connection settings are optional inputs; unset, they come from the stack configuration\n"
        f"(namespace ``imageops``) or the environment, as docs/reference/{schema.cloud}.md lists them.\n"
        "Secrets are never inputs, so they never reach the state.\n\n"
        "Example::\n\n" + textwrap.indent(schema.pulumi_example, "    ")
    )
    return f'"""{text}"""\n\n'


RESOURCE_METHODS = '''
    def __init__(
        self,
        resource_name: str,
        args: ImageArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Create (or adopt) an image.

        :param resource_name: the Pulumi name of the resource.
        :param args: the arguments as an :class:`ImageArgs`; or pass them as keyword arguments.
        :param opts: resource options (``id=`` reads an existing image, as :meth:`get` does).
        """
        warn_deprecated(args, kwargs, DEPRECATED)
        props = resource_props(
            args,
            kwargs,
            arg_names=ARG_NAMES,
            output_names=OUTPUT_NAMES,
            required=REQUIRED,
            reading=bool(opts and opts.id),
            opts=opts,
        )
        super().__init__(ImageProvider(CLOUD), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
{get_params}    ) -> Image:
        """Read an existing image by id, without managing it (as every Pulumi provider's ``get``).

        :param resource_name: the Pulumi name of the resulting resource.
        :param id: the image's id.
        :param opts: resource options.
        The keyword arguments say how to reach it, when not the defaults.
        """
        return Image(resource_name, opts=read_options(id, opts), **given({get_call}))
'''


def clouds_module(schemas: list[CloudSchema]) -> str:
    names = [s.cloud for s in schemas]
    return (
        common.header("the clouds of imageops.registry")
        + '"""Each cloud\'s resource module, by cloud (the one list of clouds is the registry)."""\n\n'
        + "from __future__ import annotations\n\n"
        + "from types import ModuleType\n\n"
        + f"from pulumi_images import {', '.join(sorted(names))}\n\n"
        + '__all__ = ["CLOUD_MODULES", '
        + ", ".join(f'"{n}"' for n in sorted(names))
        + "]\n\n"
        + "CLOUD_MODULES: dict[str, ModuleType] = {\n"
        + "".join(f'    "{n}": {n},\n' for n in names)
        + "}\n"
    )
