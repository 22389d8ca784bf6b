"""Pulumi dynamic resources for cloud machine images, over the imageops core.

``pulumi_images.oci.Image`` is the Terraform ``oci_core_image`` as a Pulumi resource. Every cloud's
``Image`` uses the same generic :class:`pulumi_images.ImageProvider` (room is kept for ``outscale`` and
``alicloud``, which plug in the same way once the core has their drivers).
"""

from pulumi_images import oci
from pulumi_images._provider import CONNECTIONS, ImageProvider, ImageProviderError

__all__ = ["CONNECTIONS", "ImageProvider", "ImageProviderError", "oci"]
