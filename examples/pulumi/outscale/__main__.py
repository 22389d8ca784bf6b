"""The four examples of Terraform's ``outscale_image`` as Pulumi resources.

Ids come from the stack configuration (``pulumi config set imageops:vmId i-...``, ``snapshotId``,
``manifestUrl``) or, when unset, from the environment the imageops emulator writes
(``IMAGEOPS_OUTSCALE_VM_ID``, ``IMAGEOPS_OUTSCALE_SNAPSHOT_ID``, ``IMAGEOPS_OUTSCALE_MANIFEST_URL``).
How to reach OUTSCALE is the provider's business: ``imageops:outscaleRegion`` / ``outscaleProfile`` /
``outscaleEndpoint`` / ``outscaleAccessKey`` / secret ``outscaleSecretKey``, else the OUTSCALE CLI's
``OSC_*`` variables and ``~/.osc/config.json``.
"""

from __future__ import annotations

import os

import pulumi

import pulumi_images as images

config = pulumi.Config("imageops")


def setting(key: str, *envs: str) -> str:
    value = config.get(key) or next((os.environ[e] for e in envs if os.environ.get(e)), None)
    if not value:
        raise pulumi.RunError(f"set imageops:{key} (pulumi config set imageops:{key} ...) or ${envs[0]}")
    return value


region = setting("outscaleRegion", "OSC_REGION", "IMAGEOPS_OUTSCALE_REGION")

# Create an image (from a VM)
image01 = images.outscale.Image(
    "image01",
    image_name="terraform-omi-create",
    vm_id=setting("vmId", "IMAGEOPS_OUTSCALE_VM_ID"),
    no_reboot=True,
)

# Import an image (register from a manifest file; make sure the pre-signed URL is still valid)
image02 = images.outscale.Image(
    "image02",
    description="Terraform register OMI",
    image_name="terraform-omi-register",
    file_location=setting("manifestUrl", "IMAGEOPS_OUTSCALE_MANIFEST_URL"),
)

# Copy an image (here: the one made from the VM)
image03 = images.outscale.Image(
    "image03",
    images.outscale.ImageArgs(
        description="Terraform copy OMI",
        image_name="terraform-omi-copy",
        source_image_id=image01.image_id,
        source_region_name=region,
    ),
)

# Create an image with a Block Storage Unit (BSU) volume
image04 = images.outscale.Image(
    "image04",
    image_name="terraform-omi-bsu",
    block_device_mappings=[
        images.outscale.ImageBlockDeviceMappingArgs(
            device_name="/dev/sda1",
            bsu=images.outscale.ImageBlockDeviceMappingBsuArgs(
                snapshot_id=setting("snapshotId", "IMAGEOPS_OUTSCALE_SNAPSHOT_ID"),
                volume_size=120,
                volume_type="io1",
                iops=150,
                delete_on_vm_deletion=True,
            ),
        )
    ],
    root_device_name="/dev/sda1",
    description="Terraform OMI with BSU",
)

for name, image in (("image01", image01), ("image02", image02), ("image03", image03), ("image04", image04)):
    pulumi.export(f"{name}_id", image.image_id)
    pulumi.export(f"{name}_state", image.state)
