"""Pulumi dynamic resources for cloud machine images, over the imageops core.

``pulumi_images.oci.Image`` is the Terraform ``oci_core_image`` as a Pulumi resource. Every cloud's
``Image`` uses the same generic :class:`pulumi_images.ImageProvider`; ``pulumi_images.outscale.Image``
is the Terraform ``outscale_image`` through that same provider, and ``pulumi_images.alicloud.Image``
the Terraform ``alicloud_image`` (with import from OSS and copy across regions).
``pulumi_images.Image`` is one image on any of the three clouds, from the fields they share
(:mod:`pulumi_images.neutral`). :func:`pulumi_images.fan_out` declares one image in many regions, one
resource per region (:mod:`pulumi_images.fanout`).
"""

from pulumi_images._clouds import *  # noqa: F403 - each cloud's module, by its name (generated)
from pulumi_images._clouds import CLOUD_MODULES
from pulumi_images._provider import CONNECTIONS, ImageProvider, ImageProviderError
from pulumi_images.fanout import fan_out
from pulumi_images.neutral import (
    Image,
    ImageArgs,
    ImageSourceArgs,
    ImageSourceCopyArgs,
    ImageSourceImportArgs,
    ImageSourceInstanceArgs,
    ImageSourceSnapshotArgs,
)

__all__ = [
    "CONNECTIONS",
    "Image",
    "ImageArgs",
    "ImageProvider",
    "ImageProviderError",
    "ImageSourceArgs",
    "ImageSourceCopyArgs",
    "ImageSourceImportArgs",
    "ImageSourceInstanceArgs",
    "ImageSourceSnapshotArgs",
    "fan_out",
]
__all__ += list(CLOUD_MODULES)
