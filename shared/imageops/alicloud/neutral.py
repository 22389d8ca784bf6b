"""The neutral image on Alibaba Cloud: how :mod:`imageops.neutral`'s fields land in
:class:`~imageops.alicloud.spec.AlicloudImageSpec`.

``name`` is the ``image_name``; ``region`` is where the image lives as well as the connection's. An
import is from OSS (bucket and object), a copy is ``copy_from``. Named by the declaration
(:attr:`imageops.schema.CloudSchema.neutral`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imageops.neutral_mapping import CloudInput, block, map_common


def to_spec(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    """Fill ``out`` with the alicloud spec's input for the neutral fields ``data`` (source ``kind``)."""
    map_common(out, data, name="image_name", description="description")
    if data.get("region") is not None:
        out.set("region", data["region"], "region")  # where the image lives, as well as the connection's
    if data.get("tags") is not None:
        out.set("tags", data["tags"], "tags")
    source = block(data, "source", kind) if kind else {}
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
