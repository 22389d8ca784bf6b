"""One image, any cloud: the neutral spec and how it maps onto each cloud's own spec.

A neutral image says what every cloud has in common: ``cloud``, ``name``, ``description``, a
``source`` (exactly one of ``instance``, ``snapshot``, ``import``, ``copy``), ``tags``, ``region``,
``wait`` and ``wait_timeout``. What only one cloud has (an OCI compartment, an ECS image family...)
goes in ``cloud_options``, under that cloud's own argument names, and that cloud's spec validates it.

Nothing here plans or applies anything: :func:`to_cloud` turns the neutral fields into the input of
the cloud's spec (``imageops.<cloud>.spec``), and the one reconciler does the rest, so a neutral
image behaves exactly like the same image declared with the cloud's own module or resource. Errors
come back under the neutral names the user wrote (``source.import.url``, ``cloud_options.launch_mode``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from imageops import registry
from imageops.errors import SpecError
from imageops.model import Image
from imageops.neutral_mapping import SOURCE_KINDS, CloudInput, map_fields
from imageops.spec import ImageSpec, spec_errors, tag_values_as_strings

Text = Annotated[str, StringConstraints(min_length=1)]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class InstanceSource(_Block):
    """Build the image from a running or stopped instance (OUTSCALE: a VM)."""

    id: Text = Field(description="The instance's id (OCI OCID, OUTSCALE i-..., Alibaba Cloud i-...).")


class SnapshotSource(_Block):
    """Build the image from a snapshot of a system (root) disk."""

    id: Text = Field(description="The snapshot's id (OUTSCALE snap-..., Alibaba Cloud s-...).")


class ImportSource(_Block):
    """Import the image from an object in object storage."""

    url: Text | None = Field(None, description="URL of the image file or manifest (OCI, OUTSCALE).")
    namespace: Text | None = Field(
        None, description="Object Storage namespace (OCI, with bucket and object)."
    )
    bucket: Text | None = Field(None, description="Bucket holding the image file (OCI, Alibaba Cloud OSS).")
    object: Text | None = Field(None, description="Object name of the image file (OCI, Alibaba Cloud OSS).")
    format: Text | None = Field(None, description="Format of the image file, e.g. QCOW2 or VMDK.")


class CopySource(_Block):
    """Copy an existing image from another region."""

    image_id: Text = Field(description="The id of the image to copy.")
    region: Text = Field(description="The region the image to copy lives in.")


class Source(_Block):
    """Where the image comes from: exactly one of ``instance``, ``snapshot``, ``import``, ``copy``."""

    instance: InstanceSource | None = None
    snapshot: SnapshotSource | None = None
    import_: ImportSource | None = Field(None, alias="import")
    copy_: CopySource | None = Field(None, alias="copy")

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [kind for kind in SOURCE_KINDS if self.block(kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(SOURCE_KINDS)} (got {len(given)})")
        return self

    def block(self, kind: str) -> _Block | None:
        return getattr(self, {"import": "import_", "copy": "copy_"}.get(kind, kind))


class NeutralImage(BaseModel):
    """The desired state of one image in one cloud, in words every cloud understands."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cloud: str = Field(description="oci, outscale or alicloud.")
    name: Text | None = Field(None, description="The image's name; the image is found again by it.")
    description: Text | None = Field(None, description="A description (OUTSCALE, Alibaba Cloud).")
    source: Source | None = Field(None, description="Where the image comes from (needed to create it).")
    tags: dict[str, str] | None = Field(None, description="Tags as a map of key to value.")
    region: Text | None = Field(None, description="Region of the image (default: the connection's).")
    wait: bool = Field(True, description="Wait for the image to be available (or gone).")
    wait_timeout: float | None = Field(None, gt=0, description="Seconds to wait; default: the cloud's.")
    cloud_options: dict[str, Any] = Field(
        default_factory=dict, description="The cloud's own spec arguments, validated by that cloud's spec."
    )

    _tags_as_strings = field_validator("tags", mode="before")(tag_values_as_strings)

    @field_validator("cloud")
    @classmethod
    def _known_cloud(cls, value: str) -> str:
        if value not in registry.clouds():
            raise ValueError(f"must be one of {', '.join(registry.clouds())}")
        return value

    def given(self) -> dict[str, Any]:
        """The fields the user set, under the neutral (wire) names, ``import``/``copy`` included."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def parse(data: Mapping[str, Any]) -> NeutralImage:
    """Validate the neutral fields; every problem is reported at once as a :class:`SpecError`."""
    try:
        return NeutralImage.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        raise spec_errors(exc) from None


def to_cloud(data: Mapping[str, Any] | NeutralImage) -> CloudInput:
    """The cloud spec's input for a neutral image (validated or not: unknown values pass through).

    Sources a cloud cannot build from, and neutral fields it has no place for, are recorded in
    :attr:`CloudInput.problems` under the neutral name; nothing is validated against the cloud yet.
    """
    return map_fields(data.given() if isinstance(data, NeutralImage) else data)


def cloud_spec(
    data: Mapping[str, Any] | NeutralImage, *, create: bool = True
) -> tuple[NeutralImage, ImageSpec]:
    """Validate a neutral image all the way down: the neutral fields, then the cloud's own spec.

    ``create`` False checks only what finds the image again (for deletes). Every problem is raised
    at once as a :class:`SpecError` whose fields are the neutral paths the user wrote.
    """
    image = data if isinstance(data, NeutralImage) else parse(data)
    # The cloud spec's source fields: a source may come from cloud_options instead (an ECS image from
    # several disks), and once the neutral source is refused, the cloud's "no source" errors are noise.
    sources = registry.schema(image.cloud).source_fields
    if create and image.source is None and not set(image.cloud_options) & set(sources):
        raise SpecError([("source", f"required to create an image: one of {', '.join(SOURCE_KINDS)}")])
    mapped = to_cloud(image)
    problems = list(mapped.problems)
    refused = [path for path, _rule in problems]
    spec_type = registry.spec_type(image.cloud)
    try:
        spec = spec_type.parse(mapped.fields) if create else spec_type.parse_key(mapped.fields)
    except SpecError as exc:
        for name, rule in exc.errors:
            path = mapped.neutral_path(name)
            if any(_overlaps(path, other) for other in refused):
                continue  # already said, in neutral words
            if name.split(".")[0] in sources and any(p.startswith("source") for p in refused):
                continue  # the cloud misses the source the mapping refused
            problems.append((path, rule))
        spec = None
    if problems:
        raise SpecError(list(dict.fromkeys(problems)))
    assert spec is not None
    return image, spec


def _overlaps(path: str, other: str) -> bool:
    return path == other or path.startswith(other + ".") or other.startswith(path + ".")


def connection_settings(image: NeutralImage) -> dict[str, Any]:
    """The connection settings the neutral image decides (its region), for ``registry.connect``."""
    return dict(to_cloud(image).settings)


def tags_of(cloud: str, attributes: Mapping[str, Any]) -> dict[str, str]:
    """The image's tags as a map, from the cloud's own attributes (OUTSCALE keeps key/value blocks):
    the attribute the cloud declares as its neutral tags (:attr:`CloudSchema.neutral_tags
    <imageops.schema.CloudSchema.neutral_tags>`), ``tags`` for a cloud not registered."""
    field = registry.schema(cloud).neutral_tags if cloud in registry.clouds() else "tags"
    raw = (attributes.get(field) if field else None) or {}
    if isinstance(raw, list):
        return {str(t.get("key")): str(t.get("value", "")) for t in raw if isinstance(t, Mapping)}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def view(image: Image) -> dict[str, Any]:
    """The neutral view of an image: the same keys on every cloud, plus the cloud's own attributes."""
    return {
        "cloud": image.cloud,
        "id": image.id,
        "name": image.name,
        "state": image.state.value,
        "raw_state": image.raw_state,
        "region": image.region,
        "tags": dict(image.tags) or tags_of(image.cloud, image.attributes),
        "attributes": dict(image.attributes),
    }
