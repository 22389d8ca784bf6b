"""The neutral image on AWS: how :mod:`imageops.neutral`'s fields land in
:class:`~imageops.aws.spec.AwsImageSpec`.

``name`` is the AMI ``name``, ``tags`` the tag map. An instance source is CreateImage's
``source_instance_id``; a snapshot source is registered as the root device (``/dev/xvda``, HVM,
x86_64, ENA) of ``ebs_block_devices``; a copy is ``source_ami_id`` + ``source_ami_region``. An import
takes the S3 manifest path only (``image_location``: ``<bucket>/<object>``). Named by the
declaration (:attr:`imageops.schema.CloudSchema.neutral`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imageops.neutral_mapping import CloudInput, block, map_common

ROOT_DEVICE = "/dev/xvda"
"""The root device a neutral snapshot source is registered as."""


def to_spec(out: CloudInput, data: Mapping[str, Any], kind: str | None) -> None:
    """Fill ``out`` with the AWS spec's input for the neutral fields ``data`` (source ``kind``)."""
    map_common(out, data, name="name", description="description")
    if data.get("tags") is not None:
        out.set("tags", data["tags"], "tags")
    source = block(data, "source", kind) if kind else {}
    if kind == "instance":
        out.set("source_instance_id", source.get("id"), "source.instance.id")
    elif kind == "snapshot":
        device = {"device_name": ROOT_DEVICE, "snapshot_id": source.get("id")}
        out.set("ebs_block_devices", [device], "source.snapshot", **{"0.snapshot_id": "source.snapshot.id"})
        out.set("root_device_name", ROOT_DEVICE, "source.snapshot")
        out.set("virtualization_type", "hvm", "source.snapshot")
        out.set("architecture", "x86_64", "source.snapshot")
        out.set("ena_support", True, "source.snapshot")
    elif kind == "import":
        for extra in ("namespace", "url", "format"):
            if source.get(extra) is not None:
                out.refuse(
                    f"source.import.{extra}", "aws registers from an S3 manifest: give bucket and object"
                )
        if source.get("bucket") is None or source.get("object") is None:
            out.refuse("source.import.bucket", "required for aws: the S3 bucket and the manifest object")
        else:
            out.set("image_location", f"{source['bucket']}/{source['object']}", "source.import.object")
    elif kind == "copy":
        out.set("source_ami_id", source.get("image_id"), "source.copy.image_id")
        out.set("source_ami_region", source.get("region"), "source.copy.region")
