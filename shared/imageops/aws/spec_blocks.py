"""The value types and rules of an AMI's spec, and its nested blocks (EBS and ephemeral devices,
launch permissions): what :class:`imageops.aws.spec.AwsImageSpec` is built from. Messages, limits and
docs are EC2's; the rules OUTSCALE shares are in :mod:`imageops.ec2_spec`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import StringConstraints, field_validator

from imageops.ec2_spec import pattern, sorted_unique
from imageops.spec import ImageSpec, in_place, replace

NAME_RULE = (
    "must be 3-128 characters: letters, digits, spaces, parentheses, square brackets, periods, slashes, "
    "dashes, single quotes, at-signs or underscores"
)
_NAME = re.compile(r"^[A-Za-z0-9 ()\[\]./\-'@_]{3,128}$")
DEVICE_RULE = "must be a device name such as /dev/sda1, /dev/xvdb or /dev/sdf"
_DEVICE = re.compile(r"^/dev/[a-z][a-z0-9]{1,15}$")
VOLUME_TYPES = ("standard", "gp2", "gp3", "io1", "io2", "sc1", "st1")
IOPS_TYPES = ("gp3", "io1", "io2")


def hex_id(prefix: str, what: str) -> Any:
    return pattern(
        rf"^{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$", f"must be {what}: {prefix}-<8 or 17 hex digits>"
    )


AmiName = Annotated[str, pattern(_NAME.pattern, NAME_RULE)]
InstanceId = Annotated[str, hex_id("i", "an instance ID")]
AmiId = Annotated[str, hex_id("ami", "an AMI ID")]
SnapshotId = Annotated[str, hex_id("snap", "a snapshot ID")]
AccountId = Annotated[str, pattern(r"^\d{12}$", "must be an AWS account ID: 12 digits")]
RegionName = Annotated[str, pattern(r"^[a-z]{2}(-[a-z]+)+-\d+$", "must be a region name, e.g. us-east-1")]
DeviceName = Annotated[str, pattern(_DEVICE.pattern, DEVICE_RULE)]
VirtualName = Annotated[str, pattern(r"^ephemeral\d{1,2}$", "must be ephemeralN (N a number, 0 to 23)")]
OrganizationArn = Annotated[
    str,
    pattern(
        r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$",
        "must be an organization ARN: arn:aws:organizations::<account>:organization/o-<id>",
    ),
]
OrganizationalUnitArn = Annotated[
    str,
    pattern(
        r"^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$",
        "must be an organizational unit ARN: arn:aws:organizations::<account>:ou/o-<id>/ou-<id>",
    ),
]
OutpostArn = Annotated[
    str,
    pattern(
        r"^arn:aws[a-z-]*:outposts:[a-z0-9-]+:\d{12}:outpost/op-[0-9a-f]{17}$",
        "must be an Outpost ARN: arn:aws:outposts:<region>:<account>:outpost/op-<17 hex digits>",
    ),
]
KmsKeyId = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
ImageLocation = Annotated[
    str,
    StringConstraints(max_length=2048),
    pattern(r"^[a-z0-9][a-z0-9.\-]{1,62}/\S+\.xml$", "must be <bucket>/<path>.xml, the S3 manifest"),
]
Architecture = Literal["i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"]
VolumeType = Literal["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"]
BootMode = Literal["legacy-bios", "uefi", "uefi-preferred"]
DEPRECATION_RULE = "must be an RFC 3339 time, e.g. 2027-01-01T00:00:00Z"


def normalise_time(value: Any) -> str | None:
    """An RFC 3339 time as AWS keeps a deprecation time: UTC, rounded to the minute (AWS rounds the
    seconds), written ``YYYY-MM-DDTHH:MM:00Z``; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    rounded = moment.replace(second=0, microsecond=0) + timedelta(minutes=moment.second >= 30)
    return rounded.strftime("%Y-%m-%dT%H:%M:00Z")


def check_time(value: str) -> str:
    if value == "":
        return ""  # no deprecation
    normalised = normalise_time(value)
    if normalised is None:
        raise ValueError(DEPRECATION_RULE)
    return normalised


def check_tags(tags: dict[str, str] | None) -> dict[str, str] | None:
    if tags is None:
        return None
    problems = []
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            problems.append(f"key {key[:40]!r} must be 1-128 characters")
        elif key.lower().startswith("aws:"):
            problems.append(f"key {key!r} may not begin with aws: (reserved for AWS)")
        if not isinstance(value, str) or len(value) > 256:
            problems.append(f"the value of {key[:40]!r} must be a string of at most 256 characters")
    if len(tags) > 50:
        problems.append("at most 50 tags")
    if problems:
        raise ValueError("; ".join(problems))
    return dict(sorted(tags.items()))


class EbsBlockDevice(ImageSpec):
    """One EBS volume of an AMI registered from snapshots (Terraform ``ebs_block_device``)."""

    device_name: DeviceName = replace(
        ...,
        description="Path at which the device is exposed to created instances, e.g. /dev/sda1.",
        doc="The path at which the device is exposed to created instances (C(/dev/sda1), C(/dev/xvdb)).",
    )
    snapshot_id: SnapshotId | None = replace(
        description="ID of the snapshot the volume is created from.",
        doc="The ID of an EBS snapshot that will be used to initialize the created EBS volumes.",
    )
    volume_size: int | None = replace(
        description="Size of created volumes in GiB (default the snapshot's).",
        ge=1,
        le=65536,
        doc=(
            "The size of created volumes in GiB. If I(snapshot_id) is set and I(volume_size) is omitted, "
            "the volume will have the same size as the selected snapshot."
        ),
    )
    volume_type: VolumeType | None = replace(
        description="`standard`, `gp2`, `gp3`, `io1`, `io2`, `sc1` or `st1` (default standard).",
        doc="The type of EBS volume to create.",
    )
    iops: int | None = replace(
        description="IOPS of a gp3, io1 or io2 volume (only those).",
        ge=100,
        le=256000,
        doc=(
            "Number of I/O operations per second the created volumes will support.",
            "Only with C(gp3), C(io1), C(io2).",
        ),
    )
    throughput: int | None = replace(
        description="Throughput in MiB/s of a gp3 volume (125 to 1000; only gp3).",
        ge=125,
        le=1000,
        doc="The throughput that EBS supports for a C(gp3) volume, in MiB/s. Only with C(volume_type=gp3).",
    )
    encrypted: bool | None = replace(
        description="Whether the created volumes are encrypted.",
        doc="Whether created volumes will be encrypted. Cannot be used with I(snapshot_id).",
    )
    delete_on_termination: bool | None = replace(
        description="Delete the volume when the instance terminates (default true).",
        doc="Whether the EBS volume should be destroyed on instance termination.",
    )
    outpost_arn: OutpostArn | None = replace(
        description="ARN of the Outpost on which the snapshot is stored.",
        doc="The ARN of the Outpost on which the snapshot is stored.",
    )

    def cross_field_errors(self) -> list[tuple[str, str]]:
        problems = []
        if self.iops is not None and self.volume_type not in IOPS_TYPES:
            problems.append(("iops", f"only allowed with volume_type {', '.join(IOPS_TYPES)}"))
        if self.volume_type in ("io1", "io2") and self.iops is None:
            problems.append(("iops", f"required with volume_type {self.volume_type}"))
        if self.throughput is not None and self.volume_type != "gp3":
            problems.append(("throughput", "only allowed with volume_type gp3"))
        if self.encrypted is not None and self.snapshot_id is not None:
            problems.append(("encrypted", "not with snapshot_id (the volume inherits the snapshot's)"))
        if self.snapshot_id is None and self.volume_size is None:
            problems.append(("volume_size", "required without snapshot_id"))
        return problems


class EphemeralBlockDevice(ImageSpec):
    """One instance store volume of an AMI (Terraform ``ephemeral_block_device``)."""

    device_name: DeviceName = replace(
        ...,
        description="Path at which the device is exposed to created instances.",
        doc="The path at which the device is exposed to created instances.",
    )
    virtual_name: VirtualName = replace(
        ...,
        description="Instance store volume name, `ephemeralN`.",
        doc="A name for the ephemeral device, C(ephemeralN) where N is a volume number starting from zero.",
    )


class LaunchPermissions(ImageSpec):
    """Who may launch instances from the AMI (ModifyImageAttribute ``LaunchPermission``)."""

    account_ids: list[AccountId] | None = in_place(
        description="AWS accounts allowed to launch the AMI (the complete list).",
        doc="The IDs of the AWS accounts allowed to launch the AMI; the complete list.",
    )
    groups: list[Literal["all"]] | None = in_place(
        description='`["all"]` makes the AMI public; `[]` private.',
        doc='C(["all"]) makes the AMI public, C([]) keeps it private.',
    )
    organization_arns: list[OrganizationArn] | None = in_place(
        description="AWS Organizations allowed to launch the AMI.",
        doc="The ARNs of the organizations allowed to launch the AMI; the complete list.",
    )
    organizational_unit_arns: list[OrganizationalUnitArn] | None = in_place(
        description="Organizational units allowed to launch the AMI.",
        doc="The ARNs of the organizational units allowed to launch the AMI; the complete list.",
    )

    _sorted = field_validator("account_ids", "groups", "organization_arns", "organizational_unit_arns")(
        sorted_unique
    )
