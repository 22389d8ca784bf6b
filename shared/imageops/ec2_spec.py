"""The spec rules OUTSCALE and AWS share because OUTSCALE's API is EC2's, renamed: an image is found
again by its unique name, is made from exactly one of four sources (an instance/VM, a copy, block
devices over snapshots, a manifest), a copy keeps the name, description and tags, and each block
device is checked on its own.

Only the rules are here; every field, with its name, default, doc and message, stays declared in its
cloud's spec (:mod:`imageops.outscale.spec`, :mod:`imageops.aws.spec`), as do the rules that differ
(tags are a list of blocks on OUTSCALE and a map on AWS; the IOPS limits; which devices a root may be).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Self

from pydantic import AfterValidator

from imageops.model import Image
from imageops.spec import ImageSpec

__all__ = ["Ec2StyleSpec", "block_errors", "given_only_with", "pattern", "sorted_unique"]

Problems = list[tuple[str, str]]


def pattern(regex: str, rule: str) -> Any:
    """A validator (for ``Annotated``) that refuses a string ``regex`` does not match, with ``rule``
    as the message."""
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(rule)
        return value

    return AfterValidator(check)


def sorted_unique(values: list[str] | None) -> list[str] | None:
    """A list whose order and repeats mean nothing (account ids, product codes...), in one form, so two
    spellings of the same set are the same desired state."""
    return sorted(set(values)) if values is not None else None


def given_only_with(spec: ImageSpec, names: Iterable[str], rule: str) -> Problems:
    """``(name, rule)`` for each of ``names`` the spec gives: fields of a source the spec did not
    choose (the caller decides when that is)."""
    return [(name, rule) for name in names if getattr(spec, name) is not None]


def block_errors(
    field: str, blocks: Sequence[ImageSpec], root_device_name: str | None, noun: str
) -> Problems:
    """The rules every list of block devices keeps: at least one ``noun``, each block's own rules
    (named ``field.<index>.<its field>``), and a root device name to go with them."""
    problems: Problems = []
    if not blocks:
        problems.append((field, f"must hold at least one {noun}"))
    for index, block in enumerate(blocks):
        problems += [(f"{field}.{index}.{name}", rule) for name, rule in block.cross_field_errors()]
    if root_device_name is None:
        problems.append(("root_device_name", f"required with {field}"))
    return problems


class Ec2StyleSpec(ImageSpec):
    """The part of an EC2-style image spec that is the same on OUTSCALE and AWS. A subclass names its
    idempotency key (``name_field``), its four ``source_fields`` and its ``copy_keeps``."""

    name_field: ClassVar[str]
    """The field holding the image's name, unique in the account (and region): the idempotency key."""
    sources_together: ClassVar[tuple[frozenset[str], ...]] = ()
    """Pairs of source fields that may be given together (not mutually exclusive)."""

    def source_modes(self) -> list[str]:
        """The source fields given: a valid create names exactly one (or one pair of
        :attr:`sources_together`)."""
        return [name for name in self.source_fields if getattr(self, name) is not None]

    def source_errors(self) -> Problems:
        """No source, or two that do not go together."""
        problems: Problems = []
        modes = self.source_modes()
        if not modes:
            *first, last = self.source_fields
            problems.append((self.source_fields[0], f"one source is required: {', '.join(first)} or {last}"))
        for extra in modes[1:]:
            if frozenset((modes[0], extra)) in self.sources_together:
                continue
            problems.append((extra, f"mutually exclusive with {modes[0]}: give exactly one source"))
        return problems

    def copy_to(self, region: str, source: Image) -> Self:
        # The copy is made by the connection of ``region``; the copy source names where it comes from.
        kept = {name: value for name, value in self.given().items() if name in self.copy_keeps}
        return type(self).parse({**kept, **self.copy_source(source.id, source.region)})

    def lookup_key(self) -> dict[str, str] | None:
        name = getattr(self, self.name_field)
        if name is None:
            return None
        return {self.name_field: name}

    def drop_unasked_blanks(self, seen: dict[str, Any], *names: str) -> None:
        """Leave out of ``seen`` each of ``names`` the spec does not give and the image has blank:
        an image without a description is no difference from a spec that does not ask for one."""
        for name in names:
            if getattr(self, name) is None and not seen[name]:
                del seen[name]
