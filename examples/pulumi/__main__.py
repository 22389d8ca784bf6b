"""Two OCI custom images: one from a running instance, one imported from Object Storage.

Ids come from the stack configuration (``pulumi config set imageops:compartmentId ocid1...``) or,
when unset, from the environment the imageops emulator writes (``IMAGEOPS_OCI_COMPARTMENT_ID``,
``IMAGEOPS_OCI_INSTANCE_ID``, ``IMAGEOPS_OCI_NAMESPACE``, ``IMAGEOPS_OCI_BUCKET``,
``IMAGEOPS_OCI_OBJECT``). How to reach OCI (config file, profile, region, endpoint) is the provider's
business: ``imageops:ociConfigFile`` / ``imageops:ociProfile`` / ``imageops:ociRegion`` /
``imageops:ociEndpoint``, else ``OCI_CONFIG_FILE``, ``OCI_CLI_PROFILE``, ``IMAGEOPS_OCI_ENDPOINT``.
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


compartment_id = setting("compartmentId", "IMAGEOPS_OCI_COMPARTMENT_ID")

golden = images.oci.Image(
    "golden",
    images.oci.ImageArgs(
        compartment_id=compartment_id,
        instance_id=setting("instanceId", "IMAGEOPS_OCI_INSTANCE_ID"),
        display_name="pulumi-golden-image",
        launch_mode="PARAVIRTUALIZED",
        freeform_tags={"managed-by": "pulumi", "Department": "Finance"},
    ),
)

imported = images.oci.Image(
    "imported",
    compartment_id=compartment_id,
    display_name="pulumi-imported-image",
    launch_mode="PARAVIRTUALIZED",
    image_source_details=images.oci.ImageImageSourceDetailsArgs(
        source_type="objectStorageTuple",
        namespace_name=setting("namespace", "IMAGEOPS_OCI_NAMESPACE"),
        bucket_name=setting("bucket", "IMAGEOPS_OCI_BUCKET"),
        object_name=setting("object", "IMAGEOPS_OCI_OBJECT"),
        source_image_type="QCOW2",
    ),
    freeform_tags={"managed-by": "pulumi"},
)

pulumi.export("golden_image_id", golden.id)
pulumi.export("golden_state", golden.state)
pulumi.export("golden_size_in_mbs", golden.size_in_mbs)
pulumi.export("imported_image_id", imported.id)
pulumi.export("imported_operating_system", imported.operating_system)
