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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from imageops import registry
from imageops.errors import SpecError
from imageops.model import Image
from imageops.spec import ImageSpec, spec_errors, tag_values_as_strings

Text = Annotated[str, StringConstraints(min_length=1)]
SOURCE_KINDS = ("instance", "snapshot", "import", "copy")
COMMON_FIELDS = ("cloud", "name", "description", "source", "tags", "region", "wait", "wait_timeout")
CLOUD_OPTIONS = "cloud_options"
# The cloud spec field holding the tags, for the neutral view of an image rebuilt from attributes.
TAG_FIELDS = {"oci": "freeform_tags", "outscale": "tags", "alicloud": "tags"}
OUTSCALE_ROOT_DEVICE = "/dev/sda1"
# Each cloud spec's source fields: a source may come from cloud_options instead (an ECS image from
# several disks), and once the neutral source is refused, the cloud's "no source" errors are noise.
SOURCE_FIELDS = {
    "oci": ("instance_id", "image_source_details", "copy_from"),
    "outscale": ("vm_id", "source_image_id", "block_device_mappings", "file_location"),
    "alicloud": ("instance_id", "snapshot_id", "disk_device_mapping", "import_from", "copy_from"),
}


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


def parse(data: Mapping[str, Any]) -> NeutralImage:
    """Validate the neutral fields; every problem is reported at once as a :class:`SpecError`."""
    try:
        return NeutralImage.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        raise spec_errors(exc) from None


def _block(data: Mapping[str, Any], *path: str) -> dict[str, Any]:
    for key in path:
        value = data.get(key) if isinstance(data, Mapping) else None
        data = value if isinstance(value, Mapping) else {}
    return dict(data)


def _source_kind(data: Mapping[str, Any]) -> str | None:
    source = _block(data, "source")
    return next((kind for kind in SOURCE_KINDS if source.get(kind) is not None), None)


def _common(out: CloudInput, data: Mapping[str, Any], *, name: str, description: str | None) -> None:
    if data.get("name") is not None:
        out.set(name, data["name"], "name")
    if data.get("description") is not None:
        if description is None:
            out.refuse("description", f"{out.cloud} images have no description; leave it out for {out.cloud}")
        else:
            out.set(description, data["description"], "description")
    if data.get("region") is not None:
        out.settings["region"] = data["region"]


def _oci(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    _common(out, data, name="display_name", description=None)
    if data.get("tags") is not None:
        out.set("freeform_tags", data["tags"], "tags")
    source = _block(data, "source", kind) if kind else {}
    if kind == "instance":
        out.set("instance_id", source.get("id"), "source.instance.id")
    elif kind == "snapshot":
        out.refuse("source.snapshot", "oci cannot build an image from a snapshot: use instance or import")
    elif kind == "import":
        details: dict[str, Any] = {}
        if source.get("url") is not None:
            details.update(source_type="objectStorageUri", source_uri=source["url"])
            for extra in ("namespace", "bucket", "object"):
                if source.get(extra) is not None:
                    out.refuse(
                        f"source.import.{extra}",
                        "not valid with url: give url, or namespace, bucket and object",
                    )
        elif all(source.get(k) is not None for k in ("namespace", "bucket", "object")):
            details.update(
                source_type="objectStorageTuple",
                namespace_name=source["namespace"],
                bucket_name=source["bucket"],
                object_name=source["object"],
            )
        else:
            out.refuse("source.import", "oci needs url, or namespace, bucket and object")
        if source.get("format") is not None:
            details["source_image_type"] = source["format"]
        out.set(
            "image_source_details",
            details,
            "source.import",
            source_uri="source.import.url",
            namespace_name="source.import.namespace",
            bucket_name="source.import.bucket",
            object_name="source.import.object",
            source_image_type="source.import.format",
        )
    elif kind == "copy":
        _oci_copy(out, source)


def _oci_copy(out: CloudInput, source: Mapping[str, Any]) -> None:
    """OCI copies through export and import (``copy_from``), where its spec has that field."""
    copy_field = registry.spec_type("oci").model_fields.get("copy_from")
    sub_fields = set(_model_fields(copy_field.annotation)) if copy_field is not None else set()
    region_name = next((n for n in ("source_region", "source_region_name") if n in sub_fields), None)
    if "source_image_id" not in sub_fields or region_name is None:
        out.refuse(
            "source.copy", "oci cannot copy an image in this version of imageops: use instance or import"
        )
        return
    out.set(
        "copy_from",
        {"source_image_id": source.get("image_id"), region_name: source.get("region")},
        "source.copy",
        source_image_id="source.copy.image_id",
        **{region_name: "source.copy.region"},
    )


def _model_fields(annotation: Any) -> dict[str, Any]:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return dict(candidate.model_fields)
    return {}


def _outscale(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    _common(out, data, name="image_name", description="description")
    tags = data.get("tags")
    if isinstance(tags, Mapping):
        blocks = [{"key": k, "value": v} for k, v in sorted(tags.items())]
        # a problem with block N is a problem with the tag the user wrote under its key
        by_index = {
            f"{i}{part}": f"tags.{b['key']}" for i, b in enumerate(blocks) for part in ("", ".key", ".value")
        }
        out.set("tags", blocks, "tags", **by_index)
    elif tags is not None:
        out.set("tags", tags, "tags")  # not known yet (a Pulumi preview): passed on as it is
    source = _block(data, "source", kind) if kind else {}
    if kind == "instance":
        out.set("vm_id", source.get("id"), "source.instance.id")
    elif kind == "snapshot":
        mapping = {"device_name": OUTSCALE_ROOT_DEVICE, "bsu": {"snapshot_id": source.get("id")}}
        out.set(
            "block_device_mappings",
            [mapping],
            "source.snapshot",
            **{"0.bsu.snapshot_id": "source.snapshot.id"},
        )
        out.set("root_device_name", OUTSCALE_ROOT_DEVICE, "source.snapshot")
    elif kind == "import":
        for extra in ("namespace", "bucket", "object", "format"):
            if source.get(extra) is not None:
                out.refuse(f"source.import.{extra}", "outscale imports from a manifest url only")
        if source.get("url") is None:
            out.refuse("source.import.url", "required for outscale: the pre-signed URL of the manifest")
        else:
            out.set("file_location", source["url"], "source.import.url")
    elif kind == "copy":
        out.set("source_image_id", source.get("image_id"), "source.copy.image_id")
        out.set("source_region_name", source.get("region"), "source.copy.region")


def _alicloud(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    _common(out, data, name="image_name", description="description")
    if data.get("region") is not None:
        out.set("region", data["region"], "region")  # where the image lives, as well as the connection's
    if data.get("tags") is not None:
        out.set("tags", data["tags"], "tags")
    source = _block(data, "source", kind) if kind else {}
    if kind == "instance":
        out.set("instance_id", source.get("id"), "source.instance.id")
    elif kind == "snapshot":
        out.set("snapshot_id", source.get("id"), "source.snapshot.id")
    elif kind == "import":
        for extra in ("url", "namespace"):
            if source.get(extra) is not None:
                out.refuse(f"source.import.{extra}", "alicloud imports from OSS: give bucket and object")
        for needed in ("bucket", "object"):
            if source.get(needed) is None:
                out.refuse(f"source.import.{needed}", "required for alicloud (the OSS bucket and object)")
        spec = {"oss_bucket": source.get("bucket"), "oss_object": source.get("object")}
        if source.get("format") is not None:
            spec["format"] = source["format"]
        out.set(
            "import_from",
            spec,
            "source.import",
            oss_bucket="source.import.bucket",
            oss_object="source.import.object",
            format="source.import.format",
        )
    elif kind == "copy":
        out.set(
            "copy_from",
            {"source_image_id": source.get("image_id"), "source_region_id": source.get("region")},
            "source.copy",
            source_image_id="source.copy.image_id",
            source_region_id="source.copy.region",
        )


_MAPPERS: dict[str, Callable[[CloudInput, Mapping[str, Any], str | None], None]] = {
    "oci": _oci,
    "outscale": _outscale,
    "alicloud": _alicloud,
}


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


def to_cloud(data: Mapping[str, Any] | NeutralImage) -> CloudInput:
    """The cloud spec's input for a neutral image (validated or not: unknown values pass through).

    Sources a cloud cannot build from, and neutral fields it has no place for, are recorded in
    :attr:`CloudInput.problems` under the neutral name; nothing is validated against the cloud yet.
    """
    values = data.given() if isinstance(data, NeutralImage) else dict(data)
    cloud = str(values.get("cloud"))
    if cloud not in _MAPPERS:
        raise SpecError([("cloud", f"must be one of {', '.join(_MAPPERS)}")])
    out = CloudInput(cloud)
    _MAPPERS[cloud](out, values, _source_kind(values))
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


def cloud_spec(
    data: Mapping[str, Any] | NeutralImage, *, create: bool = True
) -> tuple[NeutralImage, ImageSpec]:
    """Validate a neutral image all the way down: the neutral fields, then the cloud's own spec.

    ``create`` False checks only what finds the image again (for deletes). Every problem is raised
    at once as a :class:`SpecError` whose fields are the neutral paths the user wrote.
    """
    image = data if isinstance(data, NeutralImage) else parse(data)
    sources = SOURCE_FIELDS[image.cloud]
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
    """The image's tags as a map, from the cloud's own attributes (OUTSCALE keeps key/value blocks)."""
    raw = attributes.get(TAG_FIELDS.get(cloud, "tags")) or {}
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
