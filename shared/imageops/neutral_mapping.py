"""How the neutral fields land in a cloud's spec: the machinery every cloud's mapping shares.

Each cloud maps the neutral fields in its own package (``imageops.<cloud>.neutral``), named by its
declaration (:attr:`imageops.schema.CloudSchema.neutral`) and imported only when needed; this
module knows no cloud. :func:`map_fields` takes the neutral fields as plain data (validated or not: a
value Pulumi does not know yet during a preview passes through as it is) and returns a
:class:`CloudInput` - the cloud spec's input, the connection settings the neutral fields decide, where
each cloud field came from (for error messages) and the neutral fields the cloud has no place for.
:mod:`imageops.neutral` is the public face; nothing here validates against the cloud.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from imageops import registry
from imageops.errors import SpecError

SOURCE_KINDS = ("instance", "snapshot", "import", "copy")
CLOUD_OPTIONS = "cloud_options"


@dataclass
class CloudInput:
    """A neutral image translated for its cloud, before the cloud's spec validates it."""

    cloud: str
    fields: dict[str, Any] = field(default_factory=dict)
    """The cloud spec's input: the mapped neutral fields with ``cloud_options`` merged in."""
    settings: dict[str, Any] = field(default_factory=dict)
    """Connection settings the neutral fields decide (the region)."""
    paths: dict[str, str] = field(default_factory=dict)
    """Cloud field path -> the neutral path it came from, for error messages."""
    problems: list[tuple[str, str]] = field(default_factory=list)

    def set(self, cloud_field: str, value: Any, neutral_path: str, **sub_paths: str) -> None:
        self.fields[cloud_field] = value
        self.paths[cloud_field] = neutral_path
        for sub, path in sub_paths.items():
            self.paths[f"{cloud_field}.{sub}"] = path

    def refuse(self, neutral_path: str, rule: str) -> None:
        self.problems.append((neutral_path, rule))

    def neutral_path(self, cloud_path: str) -> str:
        """Where the user wrote what ``cloud_path`` of the cloud's spec holds."""
        parts = cloud_path.split(".")
        for end in range(len(parts), 0, -1):
            mapped = self.paths.get(".".join(parts[:end]))
            if mapped is not None:
                return ".".join([mapped, *parts[end:]])
        return f"{CLOUD_OPTIONS}.{cloud_path}"


def block(data: Mapping[str, Any], *path: str) -> dict[str, Any]:
    """The mapping at ``path`` inside ``data`` (empty where a level is missing or no mapping)."""
    for key in path:
        value = data.get(key) if isinstance(data, Mapping) else None
        data = value if isinstance(value, Mapping) else {}
    return dict(data)


def _source_kind(data: Mapping[str, Any]) -> str | None:
    source = block(data, "source")
    return next((kind for kind in SOURCE_KINDS if source.get(kind) is not None), None)


def map_common(out: CloudInput, data: Mapping[str, Any], *, name: str, description: str | None) -> None:
    """``name``, ``description`` and ``region``, the same way on every cloud: ``name`` and
    ``description`` go to the cloud's fields of those names (a cloud without descriptions passes
    None and refuses one), ``region`` to the connection settings."""
    if data.get("name") is not None:
        out.set(name, data["name"], "name")
    if data.get("description") is not None:
        if description is None:
            out.refuse("description", f"{out.cloud} images have no description; leave it out for {out.cloud}")
        else:
            out.set(description, data["description"], "description")
    if data.get("region") is not None:
        out.settings["region"] = data["region"]


NeutralMapper = Callable[[CloudInput, Mapping[str, Any], str | None], None]
"""A cloud's mapping (``imageops.<cloud>.neutral.to_spec``): fills the :class:`CloudInput` from the
neutral fields and the neutral source kind given (None when no source is)."""


def mapper(cloud: str) -> NeutralMapper:
    """The neutral mapping ``cloud`` declares; a :class:`SpecError` on ``cloud`` for an unknown cloud
    or one with no neutral image."""
    if cloud not in registry.clouds():
        raise SpecError([("cloud", f"must be one of {', '.join(registry.clouds())}")])
    mapping = registry.schema(cloud).neutral_mapper()
    if mapping is None:
        raise SpecError([("cloud", f"{cloud} has no neutral image: use its own module or resource")])
    return mapping


def _merge(out: CloudInput, mapped: Any, options: Any, path: str) -> Any:
    """``cloud_options`` on top of the mapped fields: blocks merge key by key (an OCI
    ``image_source_details.operating_system`` beside ``source.import``); a value both set is an error."""
    if isinstance(mapped, Mapping) and isinstance(options, Mapping):
        merged = dict(mapped)
        for key, value in options.items():
            merged[key] = _merge(out, mapped[key], value, f"{path}.{key}") if key in mapped else value
        return merged
    out.refuse(f"{CLOUD_OPTIONS}.{path}", f"already set by {out.neutral_path(path)}; give it there only")
    return mapped


def map_fields(values: Mapping[str, Any]) -> CloudInput:
    """The cloud spec's input for a neutral image (validated or not: unknown values pass through).

    Sources a cloud cannot build from, and neutral fields it has no place for, are recorded in
    :attr:`CloudInput.problems` under the neutral name; nothing is validated against the cloud yet.
    """
    values = dict(values)
    cloud = str(values.get("cloud"))
    mapping = mapper(cloud)
    out = CloudInput(cloud)
    mapping(out, values, _source_kind(values))
    tag_fields = registry.spec_type(cloud).tag_fields
    for key, value in (values.get(CLOUD_OPTIONS) or {}).items():
        if key in out.fields and key in tag_fields:  # two tag maps merged would hide which one wins
            out.refuse(
                f"{CLOUD_OPTIONS}.{key}", f"already set by {out.neutral_path(key)}; give it there only"
            )
        elif key in out.fields:
            out.fields[key] = _merge(out, out.fields[key], value, key)
        else:
            out.fields[key] = value
    return out
