"""One golden image in each cloud: OCI from an instance, OUTSCALE from a VM, Alibaba Cloud from an
instance -- the same name, the same tags, the same timeouts, three providers' worth of outputs.

Ids come from the stack configuration (``pulumi config set imageops:ociCompartmentId ocid1...``,
``ociInstanceId``, ``outscaleVmId``, ``alicloudInstanceId``) or, when unset, from the environment the
imageops emulator writes. How to reach each cloud is the provider's business (see docs/pulumi.md):
``imageops:ociProfile``, ``imageops:outscaleRegion``, ``imageops:alicloudRegion``... then each CLI's
own environment and files.
"""

from __future__ import annotations

import os

import pulumi

import pulumi_images as images

config = pulumi.Config("imageops")
NAME = "pulumi-multicloud-golden"
TAGS = {"managed-by": "pulumi", "project": "multicloud"}
# Honoured by every Image: the Python dynamic-provider server drops CustomTimeouts, so each resource
# carries them as its `timeouts` input.
WAITS = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="30m", delete="15m"))


def setting(key: str, env: str) -> str:
    value = config.get(key) or os.environ.get(env)
    if not value:
        raise pulumi.RunError(f"set imageops:{key} (pulumi config set imageops:{key} ...) or ${env}")
    return value


oci_image = images.oci.Image(
    "oci-golden",
    images.oci.ImageArgs(
        compartment_id=setting("ociCompartmentId", "IMAGEOPS_OCI_COMPARTMENT_ID"),
        instance_id=setting("ociInstanceId", "IMAGEOPS_OCI_INSTANCE_ID"),
        display_name=NAME,
        freeform_tags=TAGS,
    ),
    opts=WAITS,
)

outscale_image = images.outscale.Image(
    "outscale-golden",
    images.outscale.ImageArgs(
        image_name=NAME,
        vm_id=setting("outscaleVmId", "IMAGEOPS_OUTSCALE_VM_ID"),
        no_reboot=True,
        tags=[images.outscale.ImageTagArgs(key=k, value=v) for k, v in TAGS.items()],
    ),
    opts=WAITS,
)

alicloud_image = images.alicloud.Image(
    "alicloud-golden",
    images.alicloud.ImageArgs(
        image_name=NAME,
        instance_id=setting("alicloudInstanceId", "IMAGEOPS_ALICLOUD_INSTANCE_ID"),
        tags=TAGS,
    ),
    opts=WAITS,
)

pulumi.export(
    "images",
    {
        "oci": {"id": oci_image.id, "state": oci_image.state, "size_in_mbs": oci_image.size_in_mbs},
        "outscale": {"id": outscale_image.id, "state": outscale_image.state},
        "alicloud": {"id": alicloud_image.id, "status": alicloud_image.status},
    },
)
