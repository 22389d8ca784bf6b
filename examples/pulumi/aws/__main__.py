"""AWS AMIs, as pulumi-aws's ``aws.ec2.AmiFromInstance``, ``AmiCopy`` and ``Ami``: one made from an
instance (tagged, deprecated at a set date), its encrypted copy in a second region, and one registered
from an EBS snapshot.

Ids come from the stack configuration (``pulumi config set imageops:instanceId i-...``, ``snapshotId``,
``copyRegion``) or, when unset, from the environment the imageops emulator writes
(``IMAGEOPS_AWS_INSTANCE_ID``, ``IMAGEOPS_AWS_SNAPSHOT_ID``, ``IMAGEOPS_AWS_OTHER_REGION``). How to
reach AWS is the provider's business, as the AWS CLI's: ``imageops:awsRegion`` / ``awsProfile`` /
``awsEndpointUrl`` / ``awsAccessKey`` and the secrets ``awsSecretKey`` / ``awsSessionToken``, else
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``, ``AWS_REGION``,
``AWS_PROFILE`` and the profile's files (SSO, assume-role, ``credential_process``), IMDSv2. No key is
written here. A second ``pulumi up`` finds nothing to do without an API call; ``pulumi refresh`` is one
DescribeImages per AMI.
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


region = setting("awsRegion", "AWS_REGION", "AWS_DEFAULT_REGION", "IMAGEOPS_AWS_REGION")
tags = {"team": "images", "managed-by": "pulumi"}

# An AMI from an instance (aws.ec2.AmiFromInstance), deprecated at a set date
web = images.aws.Image(
    "web",
    name="imageops-pulumi-web",
    description="Web server, made from its instance",
    source_instance_id=setting("instanceId", "IMAGEOPS_AWS_INSTANCE_ID"),
    snapshot_without_reboot=True,
    deprecation_time="2031-01-01T00:00:00Z",
    tags={"Name": "imageops-pulumi-web", **tags},
)

# Its copy in another region, encrypted (aws.ec2.AmiCopy)
web_copy = images.aws.Image(
    "web-copy",
    images.aws.ImageArgs(
        name="imageops-pulumi-web",
        description="Web server, an encrypted copy",
        region=setting("copyRegion", "IMAGEOPS_AWS_OTHER_REGION"),
        source_ami_id=web.image_id,
        source_ami_region=region,
        encrypted=True,
        tags={"Name": "imageops-pulumi-web", **tags},
    ),
)

# An AMI registered from an EBS snapshot (aws.ec2.Ami)
base = images.aws.Image(
    "base",
    name="imageops-pulumi-base",
    description="Base image, registered from a snapshot",
    root_device_name="/dev/xvda",
    virtualization_type="hvm",
    architecture="x86_64",
    ena_support=True,
    imds_support="v2.0",
    ebs_block_devices=[
        images.aws.ImageEbsBlockDeviceArgs(
            device_name="/dev/xvda",
            snapshot_id=setting("snapshotId", "IMAGEOPS_AWS_SNAPSHOT_ID"),
            volume_type="gp3",
            delete_on_termination=True,
        )
    ],
    tags={"Name": "imageops-pulumi-base", **tags},
)

for name, image in (("web", web), ("web_copy", web_copy), ("base", base)):
    pulumi.export(f"{name}_id", image.image_id)
    pulumi.export(f"{name}_arn", image.arn)
    pulumi.export(f"{name}_state", image.state)
