"""One golden image on OCI, OUTSCALE and Alibaba Cloud, declared once with ``pulumi_images.Image``.

The name, the source (an instance) and the tags are the same on the three clouds; only what one cloud
alone has goes in ``cloud_options`` (OCI's compartment). A second ``pulumi up`` changes nothing and
calls no API in ``diff``.
"""

from __future__ import annotations

import os

import pulumi

import pulumi_images as images

config = pulumi.Config("imageops")


def setting(key: str, variable: str) -> str:
    """A stack setting, else the emulator's variable (``imageops emulator serve`` prints them)."""
    value = config.get(key) or os.environ.get(variable)
    if not value:
        raise ValueError(f"set imageops:{key} (pulumi config set) or {variable}")
    return value


GOLDEN_NAME = "golden-web"
GOLDEN_TAGS = {"role": "web", "release": "2024.06"}

# cloud -> (the instance to build from, what only that cloud has)
CLOUDS: dict[str, tuple[str, dict[str, str]]] = {
    "oci": (
        setting("ociInstanceId", "IMAGEOPS_OCI_INSTANCE_ID"),
        {"compartment_id": setting("ociCompartmentId", "IMAGEOPS_OCI_COMPARTMENT_ID")},
    ),
    "outscale": (setting("outscaleVmId", "IMAGEOPS_OUTSCALE_VM_ID"), {}),
    "alicloud": (setting("alicloudInstanceId", "IMAGEOPS_ALICLOUD_INSTANCE_ID"), {}),
}

golden = {
    cloud: images.Image(
        f"golden-{cloud}",
        images.ImageArgs(
            cloud=cloud,
            name=GOLDEN_NAME,
            source=images.ImageSourceArgs(instance=images.ImageSourceInstanceArgs(id=instance_id)),
            tags=GOLDEN_TAGS,
            cloud_options=options,
        ),
    )
    for cloud, (instance_id, options) in CLOUDS.items()
}

for cloud, image in golden.items():
    pulumi.export(f"{cloud}_image_id", image.id)
    pulumi.export(f"{cloud}_image_state", image.state)
