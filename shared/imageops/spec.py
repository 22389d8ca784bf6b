"""Desired state: the base of every cloud's spec model.

Each field says how a change to it is applied, as Terraform's plugin framework does: ``in_place``
fields are updated on the existing image, ``replace`` fields (Terraform's ForceNew) can only change
by building a new image. The reconciler reads those marks; nothing else decides it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from imageops.errors import SpecError
from imageops.model import Image

UNOBSERVED: Any = object()
"""What :meth:`ImageSpec.observe` returns for a field the cloud does not report back (create-only
inputs such as an instance id): such a field is compared with the previous desired state, if any."""


_DURATION = re.compile(r"(?:\d+(?:\.\d+)?[smh])+|\d+(?:\.\d+)?")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smh]?)")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}


class Update(StrEnum):
    IN_PLACE = "in_place"
    REPLACE = "replace"


def _field(
    update: Update,
    default: Any,
    *,
    description: str,
    doc: str | tuple[str, ...] = (),
    seed: str | None = None,
    aliases: tuple[str, ...] = (),
    shown_default: Any = None,
    secret: bool = False,
    reported: bool = True,
    computed: bool = False,
    version_added: str | None = None,
    change_doc: str | None = None,
    **kwargs: Any,
) -> Any:
    extra: dict[str, Any] = {"update": update}
    if doc:
        extra["doc"] = [doc] if isinstance(doc, str) else list(doc)
    for key, value in (
        ("seed", seed),
        ("aliases", list(aliases)),
        ("secret", secret),
        ("computed", computed),
        ("version_added", version_added),
        ("change_doc", change_doc),
    ):
        if value:
            extra[key] = value
    if shown_default is not None:
        extra["default"] = shown_default
    if not reported:
        extra["reported"] = False
    return Field(default, description=description, json_schema_extra=extra, **kwargs)


def in_place(default: Any = None, *, description: str, **meta: Any) -> Any:
    """A field the cloud can change on the existing image.

    Every field helper takes the metadata the generated skins need (:mod:`imageops.schema`):
    ``doc`` (the paragraphs of the option's documentation, Ansible markup; ``description`` is the
    one-line summary), ``seed`` (the Terraform name where it differs), ``aliases`` (further Ansible
    option names), ``shown_default`` (the default the skins show; the spec itself keeps None, "no
    opinion"), ``secret``, ``computed`` (reported back richer than given), ``version_added``, and
    ``change_doc`` (what a change does, where the update mode's own words would mislead).
    """
    return _field(Update.IN_PLACE, default, description=description, **meta)


def replace(default: Any = None, *, description: str, **meta: Any) -> Any:
    """A field whose change needs a new image (Terraform's ForceNew), compared with what the cloud
    reports."""
    return _field(Update.REPLACE, default, description=description, **meta)


def create_only(default: Any = None, *, description: str, **meta: Any) -> Any:
    """A field that needs a new image to change and that the cloud never reports back (a source):
    only a change of the given value is seen."""
    return _field(Update.REPLACE, default, description=description, reported=False, **meta)


def tag_values_as_strings(tags: Any) -> Any:
    """Tag values are strings in every cloud; take numbers and booleans as Terraform maps do."""
    if not isinstance(tags, Mapping):
        return tags
    return {
        key: ("true" if value else "false")
        if isinstance(value, bool)
        else str(value)
        if isinstance(value, int | float)
        else value
        for key, value in tags.items()
    }


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts) or "spec"


def spec_errors(exc: pydantic.ValidationError) -> SpecError:
    """Turn pydantic's report into ``(field, rule)`` pairs a user can act on."""
    errors = []
    for err in exc.errors(include_url=False, include_input=False):
        rule = err["msg"]
        if err["type"] == "extra_forbidden":
            rule = "is not a known argument"
        elif rule.startswith("Value error, "):
            rule = rule.removeprefix("Value error, ")
        errors.append((_location(err["loc"]), rule))
    return SpecError(errors)


class ImageSpec(BaseModel):
    """Base class of the per-cloud desired-state models.

    Subclasses declare their fields with :func:`in_place` / :func:`replace`, set ``cloud`` and
    ``tag_fields``, and implement :meth:`lookup_key`, :meth:`describe_key` and :meth:`observe`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)

    cloud: ClassVar[str] = ""
    tag_fields: ClassVar[tuple[str, ...]] = ()
    """Fields that are tag maps: with ``purge_tags=False`` the reconciler only adds and changes keys."""
    source_fields: ClassVar[tuple[str, ...]] = ()
    """The fields that each say what the image is built from; exactly one is given to create."""
    deprecated_aliases: ClassVar[dict[str, str]] = {}
    """Old argument names still accepted, mapped to the field that replaced them (Terraform's
    ``Deprecated``). :meth:`parse` moves them over and records a warning in :attr:`warnings`."""
    default_timeouts: ClassVar[dict[str, float]] = {}
    """The seed's ``timeouts`` defaults in seconds, by operation (``create``, ``update``, ``delete``)."""

    _warnings: tuple[str, ...] = PrivateAttr(default=())

    @property
    def warnings(self) -> tuple[str, ...]:
        """Deprecation notices from parsing, for the skins to surface (Ansible ``warn``, Pulumi log)."""
        return self._warnings

    def __eq__(self, other: object) -> bool:
        # Warnings say how the input was spelled, not what is desired: equal specs stay equal.
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.model_dump_json()))

    @classmethod
    def _resolve_aliases(
        cls, data: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[str], list[tuple[str, str]]]:
        values = dict(data)
        warnings: list[str] = []
        problems: list[tuple[str, str]] = []
        for old, new in cls.deprecated_aliases.items():
            if old not in values:
                continue
            value = values.pop(old)
            if value is None:
                continue
            if values.get(new) is not None and values[new] != value:
                problems.append((old, f"deprecated alias of {new}; give only {new}"))
                continue
            values[new] = value
            warnings.append(f"{old!r} is deprecated; use {new!r} instead")
        return values, warnings, problems

    @classmethod
    def _validate(cls, data: Mapping[str, Any], *, create: bool) -> Self:
        values, warnings, problems = cls._resolve_aliases(data)
        if problems:
            raise SpecError(problems)
        try:
            spec = cls.model_validate(values)
        except pydantic.ValidationError as exc:
            raise spec_errors(exc) from None
        if create:
            problems = spec.cross_field_errors()
            if problems:
                raise SpecError(problems)
        spec._warnings = tuple(warnings)
        return spec

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Self:
        """Validate user input; every problem is reported at once as a :class:`SpecError`."""
        return cls._validate(data, create=True)

    @classmethod
    def parse_key(cls, data: Mapping[str, Any]) -> Self:
        """Validate each given field, without the rules only a create needs (a source...).

        For deletes and listings, which only need what finds the image again.
        """
        return cls._validate(data, create=False)

    @classmethod
    def timeout_for(cls, operation: str, timeouts: Mapping[str, Any] | None = None) -> float | None:
        """The user's ``timeouts[operation]`` in seconds, else the seed's default (None = no default)."""
        value = (timeouts or {}).get(operation)
        if value is None:
            return cls.default_timeouts.get(operation)
        if isinstance(value, str):
            text = value.strip()
            if not _DURATION.fullmatch(text):
                raise SpecError(
                    [(f"timeouts.{operation}", 'must be seconds or a duration such as "10m" or "1h30m"')]
                )
            return sum(float(n) * _UNIT_SECONDS[unit or "s"] for n, unit in _DURATION_PART.findall(text))
        return float(value)

    def cross_field_errors(self) -> list[tuple[str, str]]:
        """Rules that span fields, as ``(field, rule)`` pairs naming the field a user should fix."""
        return []

    @classmethod
    def update_mode(cls, field: str) -> Update:
        extra = cls.model_fields[field].json_schema_extra
        mode = extra.get("update") if isinstance(extra, dict) else None
        if not isinstance(mode, str):
            raise TypeError(f"{cls.__name__}.{field} is declared without in_place() or replace()")
        return Update(mode)

    @classmethod
    def fields_by_mode(cls, mode: Update | str) -> tuple[str, ...]:
        return tuple(name for name in cls.model_fields if cls.update_mode(name) is Update(mode))

    def given(self) -> dict[str, Any]:
        """The fields the user set, in API-neutral (JSON) form; unset fields are "no opinion"."""
        return self.model_dump(mode="json", exclude_none=True)

    def lookup_key(self) -> dict[str, str] | None:
        """Where to look the image up again when its id is not known; None if the spec has no key."""
        raise NotImplementedError

    def describe_key(self) -> str:
        """The idempotency key in words, for error messages."""
        raise NotImplementedError

    def observe(self, image: Image) -> dict[str, Any]:
        """The observed value of each spec field, in the same form as :meth:`given`.

        Fields absent from the result are create-only inputs the cloud does not report back.
        """
        raise NotImplementedError

    def delete_options(self) -> dict[str, Any]:
        """Keyword arguments for the driver's ``delete`` that this spec asks for (e.g. ``force``)."""
        return {}

    def in_region(self, region: str) -> Self:
        """This spec, built as it says, in ``region`` (see :mod:`imageops.fanout`).

        Clouds whose spec names the region (ECS ``region``) return a copy naming ``region``; clouds
        whose region is the connection's (OUTSCALE, OCI) return the spec unchanged.
        """
        return self

    copy_keeps: ClassVar[tuple[str, ...]] = ()
    """The fields a copy in another region keeps from the spec it copies (name, description, tags...);
    the rest comes from the source image."""

    @classmethod
    def copy_source(cls, source_image_id: Any, source_region: Any) -> dict[str, Any]:
        """The fields that make a spec a copy of ``source_image_id`` in ``source_region`` (values may be
        Pulumi outputs: nothing is validated here)."""
        raise NotImplementedError(f"{cls.cloud or cls.__name__} images cannot be copied between regions")

    def copy_to(self, region: str, source: Image) -> Self:
        """The spec of a copy of ``source`` (this spec's image, built in ``source.region``) in
        ``region``: the same name, description and tags, with the cloud's copy source in place of
        this spec's source. Raises :class:`NotImplementedError` where the cloud cannot copy images
        between regions, :class:`SpecError` for an invalid region.
        """
        cloud = self.cloud or type(self).__name__
        raise NotImplementedError(f"{cloud} images cannot be copied between regions")

    def retry_token(self, attempt: int = 0) -> str:
        """A deterministic idempotency token for the create call of this spec.

        The same desired image always sends the same token, so a create whose response was lost is
        answered with the image it made instead of a second one. ``attempt`` moves to a new token
        when the cloud answers an old one with an image that has since been deleted.
        """
        body = json.dumps(
            {"cloud": self.cloud, "spec": self.given(), "attempt": attempt},
            sort_keys=True,
            separators=(",", ":"),
        )
        return "imageops-" + hashlib.sha256(body.encode()).hexdigest()[:48]
