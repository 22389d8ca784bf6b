"""The one declaration of AWS's image resource: attributes and the schema, over the settings of
:mod:`imageops.aws.settings` (see :mod:`imageops.schema`). ``make generate`` writes both skins from it."""

from __future__ import annotations

from imageops.aws import texts
from imageops.aws.settings import SETTINGS
from imageops.aws.spec import AwsImageSpec
from imageops.schema import Attribute, CloudSchema, InfoFilter

_EBS_CONTAINS = (
    Attribute("device_name", "str", "Path at which the device is exposed.", sample="/dev/xvda"),
    Attribute(
        "snapshot_id",
        "str",
        "ID of the snapshot the volume is created from.",
        sample="snap-0123456789abcdef0",
    ),
    Attribute("volume_size", "int", "Size of the volume in GiB.", sample=8),
    Attribute("volume_type", "str", "Type of the volume.", sample="gp3"),
    Attribute("iops", "int", "IOPS of the volume.", sample=3000, returned="when set"),
    Attribute("throughput", "int", "Throughput of a gp3 volume in MiB/s.", sample=125, returned="when set"),
    Attribute("encrypted", "bool", "Whether the volume is encrypted.", sample=False),
    Attribute(
        "delete_on_termination", "bool", "Whether the volume is deleted with the instance.", sample=True
    ),
    Attribute("outpost_arn", "str", "ARN of the Outpost of the snapshot.", sample=None, returned="when set"),
)

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("arn", "str", "ARN of the AMI.", sample="arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"),
    Attribute("id", "str", "ID of the AMI (same as I(image_id)).", sample="ami-0123456789abcdef0"),
    Attribute("image_id", "str", "ID of the AMI.", sample="ami-0123456789abcdef0", optional=False),
    Attribute("name", "str", "Name of the AMI.", sample="web-2026-12-01", optional=False),
    Attribute("description", "str", "Description of the AMI.", sample="web server"),
    Attribute("architecture", "str", "Machine architecture.", sample="x86_64"),
    Attribute("boot_mode", "str", "Boot mode of the AMI.", sample="uefi"),
    Attribute("creation_date", "str", "When the AMI was created.", sample="2026-12-01T10:00:00.000Z"),
    Attribute(
        "deprecation_time", "str", "When the AMI becomes deprecated.", sample="2027-06-01T00:00:00.000Z"
    ),
    Attribute(
        "ebs_block_devices",
        "list",
        "The EBS volumes of the AMI.",
        sample=[{"device_name": "/dev/xvda", "snapshot_id": "snap-0123456789abcdef0", "volume_size": 8}],
        elements="dict",
        contains=_EBS_CONTAINS,
        optional=False,
    ),
    Attribute(
        "ephemeral_block_devices",
        "list",
        "The instance store volumes of the AMI.",
        sample=[{"device_name": "/dev/sdb", "virtual_name": "ephemeral0"}],
        elements="dict",
        contains=(
            Attribute("device_name", "str", "Path at which the device is exposed.", sample="/dev/sdb"),
            Attribute("virtual_name", "str", "Name of the instance store volume.", sample="ephemeral0"),
        ),
        optional=False,
    ),
    Attribute("ena_support", "bool", "Whether enhanced networking with ENA is enabled.", sample=True),
    Attribute("hypervisor", "str", "Hypervisor type of the image.", sample="xen"),
    Attribute(
        "image_location",
        "str",
        "Location of the AMI (owner/name, or its S3 manifest).",
        sample="123456789012/web",
    ),
    Attribute(
        "image_owner_alias",
        "str",
        "Owner alias (C(amazon), C(aws-marketplace)) of public images.",
        sample=None,
    ),
    Attribute("image_type", "str", "Type of image.", sample="machine"),
    Attribute("imds_support", "str", "C(v2.0) when instances must use IMDSv2.", sample="v2.0"),
    Attribute("kernel_id", "str", "Kernel of a paravirtual AMI.", sample=None),
    Attribute(
        "manage_ebs_snapshots",
        "bool",
        "Whether the snapshots were made for the AMI (from an instance, or copied) and go with it.",
        sample=True,
    ),
    Attribute("owner_id", "str", "AWS account ID of the image owner.", sample="123456789012"),
    Attribute("platform", "str", "C(windows) for Windows AMIs, else not set.", sample=None),
    Attribute("platform_details", "str", "Platform details of the AMI.", sample="Linux/UNIX"),
    Attribute("public", "bool", "Whether the AMI has public launch permissions.", sample=False),
    Attribute("ramdisk_id", "str", "RAM disk of a paravirtual AMI.", sample=None),
    Attribute("root_device_name", "str", "Name of the root device.", sample="/dev/xvda"),
    Attribute(
        "root_device_type", "str", "Type of the root device (C(ebs) or C(instance-store)).", sample="ebs"
    ),
    Attribute("root_snapshot_id", "str", "Snapshot ID of the root device.", sample="snap-0123456789abcdef0"),
    Attribute(
        "source_image_id", "str", "The AMI this one was copied from.", sample=None, returned="for copies"
    ),
    Attribute(
        "source_image_region",
        "str",
        "Region of the AMI this one was copied from.",
        sample=None,
        returned="for copies",
    ),
    Attribute(
        "source_instance_id", "str", "The instance this AMI was created from.", sample="i-0123456789abcdef0"
    ),
    Attribute(
        "sriov_net_support",
        "str",
        "C(simple) when Intel 82599 enhanced networking is enabled.",
        sample="simple",
    ),
    Attribute(
        "state",
        "str",
        "State of the AMI (C(pending), C(available), C(failed)...).",
        sample="available",
        optional=False,
    ),
    Attribute(
        "state_reason",
        "dict",
        "Why the state changed.",
        sample={"code": None, "message": None},
        contains=(
            Attribute("code", "str", "The reason code.", sample="Client.InvalidSnapshot.NotFound"),
            Attribute("message", "str", "The message.", sample="The snapshot does not exist"),
        ),
    ),
    Attribute("tags", "dict", "Tags of the AMI.", sample={"env": "prod"}, optional=False),
    Attribute(
        "tags_all",
        "dict",
        "All tags of the AMI (no provider default tags here: same as I(tags)).",
        sample={"env": "prod"},
    ),
    Attribute("tpm_support", "str", "C(v2.0) when instances get NitroTPM.", sample=None),
    Attribute(
        "usage_operation", "str", "Operation of the EC2 instance and its billing code.", sample="RunInstances"
    ),
    Attribute("virtualization_type", "str", "C(hvm) or C(paravirtual).", sample="hvm"),
)


SCHEMA = CloudSchema(
    cloud="aws",
    title="AWS",
    terraform="aws_ami",
    spec=AwsImageSpec,
    settings=SETTINGS,
    attributes=ATTRIBUTES,
    image_module=texts.IMAGE_MODULE,
    info_module=texts.INFO_MODULE,
    info_key=("name",),
    info_filters=(
        InfoFilter(
            "states",
            texts.INFO_MODULE.option_docs["states"],
            choices=("pending", "available", "failed", "disabled"),
            type="list",
        ),
    ),
    key_options=("name",),
    state_attribute="state",
    name_attributes=("name",),
    pulumi_doc=texts.PULUMI_DOC,
    pulumi_example=texts.PULUMI_EXAMPLE,
    emulator="imageops.emulator.aws",
    id_prefix=None,  # "ami-" is OUTSCALE's too: an id alone cannot tell the two clouds apart
    neutral_tags="tags",
    neutral="imageops.aws.neutral:to_spec",
)
