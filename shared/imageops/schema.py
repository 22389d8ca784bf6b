"""The one declaration of a cloud's image resource, from which both skins are generated.

A cloud declares, in its own package (``imageops.<cloud>.schema``), one :class:`CloudSchema`:

* its **fields** are the fields of its spec model (:mod:`imageops.spec`), each declared once with
  :func:`imageops.spec.in_place` / :func:`~imageops.spec.replace` / :func:`~imageops.spec.create_only`
  and the metadata the skins need (doc, seed name, aliases, defaults, secret, update mode);
* its **settings** (:class:`imageops.settings.Setting`, declared apart in ``imageops.<cloud>.settings``:
  the core reads them at every run, which needs nothing else of this declaration) say how the driver
  is reached: the keyword ``connect`` takes, the environment variables the core reads for it (for
  every tool), the Ansible option and the Pulumi input or stack configuration key that feed it;
* its **attributes** (:class:`Attribute`) are what the cloud reports about an image: the seed's
  exported attributes, Ansible's ``RETURN`` and the Pulumi resource's typed outputs;
* its **texts** (:class:`ModuleText`) are the prose around them.

``python -m imageops.codegen`` (``make generate``) writes every skin-facing file from these.
"""

from __future__ import annotations

import importlib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from imageops.settings import Setting, env_names, first_env
from imageops.spec import ImageSpec, Update

__all__ = [
    "Attribute",
    "CloudSchema",
    "FieldMeta",
    "FieldType",
    "Mode",
    "ModuleText",
    "Setting",
    "env_names",
    "field_meta",
    "field_type",
    "fields_of",
    "first_env",
]


class Mode(StrEnum):
    """How a change to a field reaches the image (Terraform's plan modifiers)."""

    IN_PLACE = "in_place"
    """Changed on the existing image."""
    REPLACE = "replace"
    """Compared with what the cloud reports; a change builds a new image (ForceNew)."""
    CREATE_ONLY = "create_only"
    """Never reported back by the cloud (a source): compared with the last given value only."""
    COMPUTED = "computed"
    """Reported back richer than given (Optional+Computed): a change only where it differs."""


@dataclass(frozen=True)
class FieldMeta:
    """What a spec field declares beyond its type (see :func:`imageops.spec.in_place`)."""

    name: str
    description: str
    doc: tuple[str, ...]
    update: Update
    mode: Mode
    required: bool
    default: Any = None
    """The value a skin shows as the default (Ansible ``default``); the spec itself keeps None."""
    seed: str | None = None
    """The seed's (Terraform's) name for the field, when it differs."""
    aliases: tuple[str, ...] = ()
    secret: bool = False
    reported: bool = True
    """The cloud reports the field back (else only a change of the given value can be seen)."""
    change_doc: str | None = None
    """What a change does, in the declaration's words, instead of the update mode's."""
    version_added: str = "0.1.0"


def field_meta(spec: type[ImageSpec], name: str) -> FieldMeta:
    info = spec.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    update = spec.update_mode(name)
    if extra.get("computed"):
        mode = Mode.COMPUTED
    elif update is Update.REPLACE and not extra.get("reported", True):
        mode = Mode.CREATE_ONLY
    else:
        mode = Mode(update.value)
    doc = extra.get("doc") or ()
    return FieldMeta(
        name=name,
        description=info.description or "",
        doc=tuple(str(p) for p in doc) if isinstance(doc, list | tuple) else (str(doc),),
        update=update,
        mode=mode,
        required=info.is_required(),
        default=extra.get("default"),
        seed=extra.get("seed"),  # type: ignore[arg-type]
        aliases=tuple(extra.get("aliases") or ()),  # type: ignore[arg-type]
        secret=bool(extra.get("secret")),
        reported=bool(extra.get("reported", True)),
        change_doc=str(extra["change_doc"]) if extra.get("change_doc") else None,
        version_added=str(extra.get("version_added") or "0.1.0"),
    )


def fields_of(spec: type[ImageSpec]) -> tuple[FieldMeta, ...]:
    """Every field of ``spec`` in declaration order."""
    return tuple(field_meta(spec, name) for name in spec.model_fields)


@dataclass(frozen=True)
class FieldType:
    """A spec field's type as the skins see it: a scalar, a map of strings, a block, or a list."""

    kind: Literal["str", "int", "float", "bool", "dict", "block", "list"]
    choices: tuple[str, ...] = ()
    elements: FieldType | None = None
    block: type[ImageSpec] | None = None


_SCALARS: dict[Any, Literal["str", "int", "float", "bool"]] = {
    str: "str",
    int: "int",
    float: "float",
    bool: "bool",
}


def field_type(annotation: Any) -> FieldType:
    """The skin-facing type of a spec annotation (``Annotated`` and ``None`` stripped)."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return field_type(members[0])
    if origin is Literal:
        return FieldType("str", choices=tuple(str(v) for v in get_args(annotation)))
    if origin in (list, Sequence, tuple):
        return FieldType("list", elements=field_type(get_args(annotation)[0]))
    if origin in (dict, Mapping):
        return FieldType("dict")
    if isinstance(annotation, type) and issubclass(annotation, ImageSpec):
        return FieldType("block", block=annotation)
    if annotation in _SCALARS:
        return FieldType(_SCALARS[annotation])
    if isinstance(annotation, typing.TypeAliasType):  # type: ignore[attr-defined]
        return field_type(annotation.__value__)
    raise TypeError(f"unsupported field type {annotation!r}")


def spec_field_type(spec: type[ImageSpec], name: str) -> FieldType:
    info: FieldInfo = spec.model_fields[name]
    return field_type(info.annotation)


@dataclass(frozen=True)
class Attribute:
    """One attribute the cloud reports about an image (Ansible RETURN, Pulumi output)."""

    name: str
    type: Literal["str", "int", "float", "bool", "dict", "list"]
    doc: str
    sample: Any = None
    elements: Literal["str", "int", "dict"] | None = None
    contains: tuple[Attribute, ...] = ()
    """The keys of a block (a dict, or each dict of a list) with a typed Pulumi output class."""
    returned: str = "success"
    optional: bool = True
    """The Pulumi output may be None (the cloud may leave it out)."""
    values: Literal["str", "any"] = "str"
    """For a dict without ``contains``: the type of its values."""


@dataclass(frozen=True)
class ModuleText:
    """The prose of one Ansible module (everything the schema cannot say)."""

    short_description: str
    description: tuple[str, ...]
    examples: str
    notes: tuple[str, ...] = ()
    seealso: tuple[Mapping[str, str], ...] = ()
    option_docs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The cloud's wording of the options every module has (``state``, ``image_id``...), and of the
    info module's own options. ``{replace_fields}`` stands for the options that replace the image."""
    extra_returns: Mapping[str, Any] = field(default_factory=dict)
    """RETURN entries only this module has, as Ansible's RETURN YAML would hold them."""
    return_doc: tuple[str, ...] = ()
    """The info module's description of ``images``."""
    check_mode_details: str = (
        "The same single read as a real run; C(changed) is exactly what a real run would do."
    )


@dataclass(frozen=True)
class InfoFilter:
    """An option of the ``<cloud>_image_info`` module that filters the listing."""

    name: str
    doc: tuple[str, ...]
    choices: tuple[str, ...] = ()
    type: Literal["str", "bool", "int", "list"] = "str"
    aliases: tuple[str, ...] = ()
    default: Any = None
    driver_filter: bool = True
    """Passed to the driver's ``list`` as a keyword (else handled by the spec key)."""


@dataclass(frozen=True)
class CloudSchema:
    """Everything skin-facing about one cloud's image resource."""

    cloud: str
    title: str
    """The cloud's name in prose, e.g. "Oracle Cloud Infrastructure"."""
    terraform: str
    spec: type[ImageSpec]
    settings: tuple[Setting, ...]
    attributes: tuple[Attribute, ...]
    image_module: ModuleText
    info_module: ModuleText
    info_key: tuple[str, ...]
    """Spec fields the info module takes to scope its listing (the idempotency key's parts)."""
    info_filters: tuple[InfoFilter, ...] = ()
    info_required_one_of: tuple[tuple[str, ...], ...] = ()
    key_options: tuple[str, ...] = ()
    """Options one of which (or ``image_id``) must be given to find the image again."""
    state_attribute: str = "state"
    name_attributes: tuple[str, ...] = ("display_name",)
    regions: bool = True
    """The cloud copies images between regions: modules take ``regions`` (fan-out)."""
    pulumi_doc: str = ""
    """The Pulumi resource's docstring body."""
    pulumi_example: str = ""
    emulator: str | None = None
    """Module of the cloud's emulator service (``imageops.emulator.<cloud>``), if any."""
    spec_settings: Mapping[str, str] = field(default_factory=dict)
    """Setting -> the spec field it also feeds (ECS: the region scopes the name and is part of the
    desired state): one option or input for both."""
    id_prefix: str | None = None
    """How the cloud's image ids begin (``ocid1.image.``, ``ami-``, ``m-``): a Pulumi import whose
    resource type does not name the cloud finds it by the id's shape. None = ids cannot tell."""
    neutral_tags: str | None = None
    """The one spec field (and reported attribute) holding the image's tags as the neutral ``tags``
    map (OCI ``freeform_tags``; ``tags`` elsewhere), for the neutral view of an image rebuilt from
    the cloud's attributes. None = the cloud's images have no tags."""
    neutral: str | None = None
    """Where the cloud maps the neutral image's fields onto its spec's input, as
    ``"module:function"`` (``imageops.<cloud>.neutral:to_spec``), imported only when a neutral image
    of the cloud is mapped (see :meth:`neutral_mapper`). The function is called as
    ``function(out, data, kind)`` with a :class:`imageops.neutral_mapping.CloudInput` to fill, the
    neutral fields as plain data and the neutral source kind given (or None). None = the cloud has
    no neutral image."""

    # ------------------------------------------------------------------ derived
    def fields(self) -> tuple[FieldMeta, ...]:
        return fields_of(self.spec)

    def fields_in_mode(self, *modes: Mode) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields() if f.mode in modes)

    @property
    def input_only(self) -> tuple[str, ...]:
        """Spec fields the cloud never reports back: outputs echo them as given."""
        return tuple(f.name for f in self.fields() if not f.reported)

    @property
    def computed(self) -> tuple[str, ...]:
        return self.fields_in_mode(Mode.COMPUTED)

    @property
    def tag_fields(self) -> tuple[str, ...]:
        return self.spec.tag_fields

    @property
    def source_fields(self) -> tuple[str, ...]:
        return self.spec.source_fields

    def neutral_mapper(self) -> Callable[..., None] | None:
        """The function :attr:`neutral` names, imported now (None when the cloud declares none)."""
        if self.neutral is None:
            return None
        module, _, function = self.neutral.partition(":")
        mapper: Callable[..., None] = getattr(importlib.import_module(module), function or "to_spec")
        return mapper

    def setting(self, name: str) -> Setting:
        for setting in self.settings:
            if setting.name == name:
                return setting
        raise KeyError(f"{self.cloud} has no setting {name!r}")

    @property
    def pulumi_inputs(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.settings if s.pulumi_input and not s.secret)

    @property
    def pulumi_config(self) -> dict[str, str]:
        return {s.name: s.pulumi_config for s in self.settings if s.pulumi_config and not s.secret}

    @property
    def pulumi_secret_config(self) -> dict[str, str]:
        return {s.name: s.pulumi_config for s in self.settings if s.pulumi_config and s.secret}

    @property
    def pulumi_config_aliases(self) -> dict[str, str]:
        return {alias: s.name for s in self.settings for alias in s.pulumi_config_aliases}

    @property
    def replace_settings(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.settings if s.replace)

    @property
    def ansible_settings(self) -> dict[str, str]:
        """Ansible option -> ``connect`` keyword."""
        return {s.option: s.name for s in self.settings if s.option}

    def environment(self) -> dict[str, tuple[str, ...]]:
        """``connect`` keyword -> the environment variables the core reads for it."""
        return {s.name: s.env for s in self.settings if s.env}
