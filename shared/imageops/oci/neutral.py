"""The neutral image on OCI: how :mod:`imageops.neutral`'s fields land in
:class:`~imageops.oci.spec.OciImageSpec`.

``name`` is the ``display_name``, ``tags`` the ``freeform_tags``; OCI images have no description. A
source is an instance, an import (``image_source_details``, by URL or by namespace, bucket and object)
or a copy (``copy_from``); OCI cannot build an image from a snapshot. Named by the declaration
(:attr:`imageops.schema.CloudSchema.neutral`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imageops.neutral_mapping import CloudInput, block, map_common


def to_spec(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    """Fill ``out`` with the oci spec's input for the neutral fields ``data`` (source ``kind``)."""
    map_common(out, data, name="display_name", description=None)
    if data.get("tags") is not None:
        out.set("freeform_tags", data["tags"], "tags")
    source = block(data, "source", kind) if kind else {}
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
