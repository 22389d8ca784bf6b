"""Alibaba Cloud ECS custom images: one from an instance, one imported from an image file in OSS, and
a copy of the imported one in another region.

Ids come from the stack configuration (``pulumi config set imageops:instanceId i-...``) or, when
unset, from the environment the imageops emulator writes (``IMAGEOPS_ALICLOUD_INSTANCE_ID``,
``IMAGEOPS_ALICLOUD_OSS_BUCKET``, ``IMAGEOPS_ALICLOUD_OSS_OBJECT``, ``IMAGEOPS_ALICLOUD_REGION``,
``IMAGEOPS_ALICLOUD_OTHER_REGION``). How to reach Alibaba Cloud is the provider's business:
``imageops:alicloudRegion`` / ``alicloudProfile`` / ``alicloudEndpoint`` / ``alicloudAccessKeyId`` and
the secret ``alicloudAccessKeySecret``, else the environment and ``~/.aliyun/config.json``.
"""

from __future__ import annotations

import os

import pulumi

import pulumi_images as images

config = pulumi.Config("imageops")


def setting(key: str, env: str) -> str:
    value = config.get(key) or os.environ.get(env)
    if not value:
        raise pulumi.RunError(f"set imageops:{key} (pulumi config set imageops:{key} ...) or ${env}")
    return value


region = setting("alicloudRegion", "IMAGEOPS_ALICLOUD_REGION")

golden = images.alicloud.Image(
    "golden",
    images.alicloud.ImageArgs(
        instance_id=setting("instanceId", "IMAGEOPS_ALICLOUD_INSTANCE_ID"),
        image_name="pulumi-golden-image",
        description="built by pulumi_images",
        architecture="x86_64",
        tags={"managed-by": "pulumi", "FinanceDept": "FinanceDeptJoshua"},
        timeouts=images.alicloud.ImageTimeoutsArgs(create="20m"),
    ),
)

imported = images.alicloud.Image(
    "imported",
    image_name="pulumi-imported-image",
    import_from=images.alicloud.ImageImportFromArgs(
        oss_bucket=setting("ossBucket", "IMAGEOPS_ALICLOUD_OSS_BUCKET"),
        oss_object=setting("ossObject", "IMAGEOPS_ALICLOUD_OSS_OBJECT"),
        format="QCOW2",
    ),
    platform="Ubuntu",
    tags={"managed-by": "pulumi"},
)

copied = images.alicloud.Image(
    "copied",
    image_name="pulumi-imported-image",
    region=setting("otherRegion", "IMAGEOPS_ALICLOUD_OTHER_REGION"),
    copy_from=images.alicloud.ImageCopyFromArgs(source_image_id=imported.id, source_region_id=region),
    tags={"managed-by": "pulumi"},
)

pulumi.export("golden_image_id", golden.id)
pulumi.export("golden_status", golden.status)
pulumi.export("golden_disks", golden.disk_device_mapping)
pulumi.export("imported_image_id", imported.id)
pulumi.export("copied_image_id", copied.id)
