"""The neutral image on OUTSCALE: how :mod:`imageops.neutral`'s fields land in
:class:`~imageops.outscale.spec.OutscaleImageSpec`.

``name`` is the ``image_name``, ``tags`` become OUTSCALE's key/value blocks. A snapshot source is
registered as the root device (``/dev/sda1``) of ``block_device_mappings``; an import takes the
manifest URL only (``file_location``). Named by the declaration
(:attr:`imageops.schema.CloudSchema.neutral`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imageops.neutral_mapping import CloudInput, block, map_common

ROOT_DEVICE = "/dev/sda1"
"""The root device a neutral snapshot source is registered as."""


def to_spec(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    """Fill ``out`` with the outscale spec's input for the neutral fields ``data`` (source ``kind``)."""
    map_common(out, data, name="image_name", description="description")
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
    source = block(data, "source", kind) if kind else {}
    if kind == "instance":
        out.set("vm_id", source.get("id"), "source.instance.id")
    elif kind == "snapshot":
        mapping = {"device_name": ROOT_DEVICE, "bsu": {"snapshot_id": source.get("id")}}
        out.set(
            "block_device_mappings",
            [mapping],
            "source.snapshot",
            **{"0.bsu.snapshot_id": "source.snapshot.id"},
        )
        out.set("root_device_name", ROOT_DEVICE, "source.snapshot")
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
