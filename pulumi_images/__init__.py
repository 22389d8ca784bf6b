"""Pulumi dynamic resources for cloud machine images, over the imageops core.

``pulumi_images.oci.Image`` is the Terraform ``oci_core_image`` as a Pulumi resource. Every cloud's
``Image`` uses the same generic :class:`pulumi_images.ImageProvider`; ``pulumi_images.alicloud.Image``
is the Terraform ``alicloud_image`` (with import from OSS and copy across regions).
"""

from pulumi_images import alicloud, oci
from pulumi_images._provider import CONNECTIONS, ImageProvider, ImageProviderError

__all__ = ["CONNECTIONS", "ImageProvider", "ImageProviderError", "alicloud", "oci"]
