"""How each neutral field lands in each cloud's spec: one mapper per cloud.

:func:`map_fields` takes the neutral fields as plain data (validated or not: a value Pulumi does not
know yet during a preview passes through as it is) and returns a :class:`CloudInput` - the cloud
spec's input, the connection settings the neutral fields decide, where each cloud field came from
(for error messages) and the neutral fields the cloud has no place for. :mod:`imageops.neutral` is
the public face; nothing here validates against the cloud.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from imageops import registry
from imageops.errors import SpecError

SOURCE_KINDS = ("instance", "snapshot", "import", "copy")
CLOUD_OPTIONS = "cloud_options"
OUTSCALE_ROOT_DEVICE = "/dev/sda1"


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
        # OCI has no CopyImage: the OCI driver exports in the source region and imports here
        out.set(
            "copy_from",
            {"source_image_id": source.get("image_id"), "source_region": source.get("region")},
            "source.copy",
            source_image_id="source.copy.image_id",
            source_region="source.copy.region",
        )


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


def map_fields(values: Mapping[str, Any]) -> CloudInput:
    """The cloud spec's input for a neutral image (validated or not: unknown values pass through).

    Sources a cloud cannot build from, and neutral fields it has no place for, are recorded in
    :attr:`CloudInput.problems` under the neutral name; nothing is validated against the cloud yet.
    """
    values = dict(values)
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
