"""Desired state of an AWS EC2 machine image, AMI (Terraform ``aws_ami``, ``aws_ami_from_instance`` and
``aws_ami_copy`` in one resource; field names are pulumi-aws's, Terraform's where they differ are
Ansible aliases).

Update modes follow the EC2 API: ModifyImageAttribute changes ``description`` and the launch
permissions, CreateTags/DeleteTags the ``tags``, Enable/DisableImageDeprecation the
``deprecation_time``; those are in place. AWS cannot rename an AMI: ``name`` and everything else is
fixed when the AMI is made and forces a new one. ``delete_snapshots`` only says what a delete does.

Sources: exactly one of ``source_instance_id`` (CreateImage), ``source_ami_id`` + ``source_ami_region``
(CopyImage), ``ebs_block_devices`` + ``root_device_name`` (RegisterImage from snapshots) or
``image_location`` (RegisterImage from an S3 manifest).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, StringConstraints, field_validator

from imageops.aws.spec_blocks import (
    NAME_RULE,
    AmiId,
    AmiName,
    Architecture,
    BootMode,
    DeviceName,
    EbsBlockDevice,
    EphemeralBlockDevice,
    ImageLocation,
    InstanceId,
    KmsKeyId,
    LaunchPermissions,
    OutpostArn,
    RegionName,
    check_tags,
    check_time,
    hex_id,
    normalise_time,
)
from imageops.ec2_spec import Ec2StyleSpec, block_errors, given_only_with
from imageops.model import Image
from imageops.spec import create_only, in_place, replace, tag_values_as_strings

__all__ = ["AwsImageSpec", "EbsBlockDevice", "EphemeralBlockDevice", "LaunchPermissions", "normalise_time"]

REGISTER_ONLY = (
    "root_device_name",
    "ephemeral_block_devices",
    "architecture",
    "virtualization_type",
    "ena_support",
    "sriov_net_support",
    "boot_mode",
    "tpm_support",
    "imds_support",
    "uefi_data",
    "kernel_id",
    "ramdisk_id",
)
COPY_ONLY = ("encrypted", "kms_key_id", "destination_outpost_arn")


class AwsImageSpec(Ec2StyleSpec):
    """Desired state of an AMI: the arguments of Terraform's ``aws_ami``, ``aws_ami_from_instance``
    and ``aws_ami_copy``."""

    cloud = "aws"
    name_field = "name"
    tag_fields = ("tags",)
    source_fields: ClassVar[tuple[str, ...]] = (
        "source_instance_id", "source_ami_id", "ebs_block_devices", "image_location",
    )  # fmt: skip
    # an instance store AMI (image_location) may also map EBS volumes
    sources_together: ClassVar[tuple[frozenset[str], ...]] = (
        frozenset(("ebs_block_devices", "image_location")),
    )
    default_timeouts: ClassVar[dict[str, float]] = {"create": 2400.0, "update": 2400.0, "delete": 5400.0}

    name: AmiName | None = replace(
        description="Region-unique name of the AMI; imageops finds the AMI again by it. "
        + NAME_RULE.replace("must be", "Constraints:")
        + ".",
        doc=(
            "Region-unique name for the AMI (unique within the account and region).",
            "AWS cannot rename an AMI: a new name means a new AMI.",
            "The idempotency key of the module.",
        ),
    )
    description: Annotated[str, StringConstraints(max_length=255)] | None = in_place(
        description="Longer, human-readable description of the AMI (at most 255 characters).",
        doc=(
            "Longer, human-readable description for the AMI.",
            "Not given, the AMI's description is left alone.",
        ),
    )
    source_instance_id: InstanceId | None = create_only(
        description="Create from this instance (CreateImage, source mode 1).",
        doc=(
            "ID of the instance to use as the basis of the AMI (Terraform C(aws_ami_from_instance)).",
            (
                "One of the four sources - exactly one of I(source_instance_id), I(source_ami_id), "
                "I(ebs_block_devices) or I(image_location) is required."
            ),
        ),
    )
    snapshot_without_reboot: bool | None = create_only(
        description="With source_instance_id: do not stop the instance while the AMI is made.",
        doc=(
            "With I(source_instance_id) - if C(true), the instance is not stopped before the snapshots "
            "are taken (NoReboot): the file systems may not be consistent."
        ),
    )
    source_ami_id: AmiId | None = create_only(
        description="Copy this AMI (CopyImage, source mode 2).",
        doc="ID of the AMI to copy (Terraform C(aws_ami_copy)). Requires I(source_ami_region).",
    )
    source_ami_region: RegionName | None = create_only(
        description="With source_ami_id: the region the source AMI is in.",
        doc="Region from which the AMI will be copied. Only with, and required with, I(source_ami_id).",
    )
    encrypted: bool | None = create_only(
        description="With source_ami_id: encrypt the snapshots of the copy.",
        doc="With I(source_ami_id) - whether the destination snapshots of the copied image are encrypted.",
    )
    kms_key_id: KmsKeyId | None = create_only(
        description="With encrypted: the KMS key (id, ARN or alias) for the copy's snapshots.",
        doc=(
            "With I(encrypted=true) - the full ARN (or id or alias) of the KMS key to use when encrypting "
            "the snapshots of the copy. Default the account's default EBS key."
        ),
    )
    destination_outpost_arn: OutpostArn | None = create_only(
        description="With source_ami_id: copy to this Outpost.",
        doc="With I(source_ami_id) - the ARN of the Outpost to which to copy the AMI.",
    )
    ebs_block_devices: list[EbsBlockDevice] | None = replace(
        description="Register from snapshots with these EBS volumes (RegisterImage, source mode 3).",
        doc=(
            "Nested blocks describing the EBS volumes of the AMI, when registering from snapshots "
            "(Terraform C(aws_ami)). Requires I(root_device_name)."
        ),
        aliases=("ebs_block_device",),
    )
    image_location: ImageLocation | None = replace(
        description="Register from this S3 manifest, <bucket>/<path>.xml (source mode 4).",
        doc="Path to an S3 object containing an image manifest (an instance store-backed AMI).",
    )
    root_device_name: DeviceName | None = replace(
        description="When registering: the root device name, e.g. /dev/xvda.",
        doc=(
            "When registering - the name of the root device (for example, C(/dev/sda1), or C(/dev/xvda)). "
            "With I(ebs_block_devices), one of them must have it as I(device_name)."
        ),
    )
    ephemeral_block_devices: list[EphemeralBlockDevice] | None = replace(
        description="When registering: instance store volumes to attach.",
        doc="When registering - nested blocks describing the ephemeral (instance store) volumes of the AMI.",
        aliases=("ephemeral_block_device",),
    )
    architecture: Architecture | None = replace(
        description="When registering: machine architecture (default x86_64).",
        doc="When registering - the machine architecture for created instances.",
    )
    virtualization_type: Literal["hvm", "paravirtual"] | None = replace(
        description="When registering: `hvm` or `paravirtual` (AWS's default).",
        doc="When registering - the kind of virtualization the AMI uses.",
    )
    ena_support: bool | None = replace(
        description="When registering: whether enhanced networking with ENA is enabled.",
        doc="When registering - whether enhanced networking with ENA is enabled.",
    )
    sriov_net_support: Literal["simple"] | None = replace(
        description="When registering: `simple` enables enhanced networking (Intel 82599 VF).",
        doc="When registering - C(simple) enables enhanced networking for created instances.",
    )
    boot_mode: BootMode | None = replace(
        description="When registering: `legacy-bios`, `uefi` or `uefi-preferred`.",
        doc="When registering - the boot mode of the AMI.",
    )
    tpm_support: Literal["v2.0"] | None = replace(
        description="When registering: `v2.0` gives instances NitroTPM (needs boot_mode uefi).",
        doc="When registering - C(v2.0) makes instances launched from the AMI have NitroTPM enabled.",
    )
    imds_support: Literal["v2.0"] | None = replace(
        description="When registering: `v2.0` makes instances require IMDSv2.",
        doc="When registering - C(v2.0) makes instances launched from the AMI require IMDSv2 tokens.",
    )
    uefi_data: Annotated[str, StringConstraints(max_length=65536)] | None = create_only(
        description="When registering: base64 of the non-volatile UEFI variable store.",
        doc="When registering - base64 representation of the non-volatile UEFI variable store.",
    )
    kernel_id: Annotated[str, hex_id("aki", "a kernel ID")] | None = replace(
        description="When registering: ID of the kernel of a paravirtual AMI.",
        doc="When registering - ID of the kernel image (AKI) for a paravirtual AMI.",
    )
    ramdisk_id: Annotated[str, hex_id("ari", "a RAM disk ID")] | None = replace(
        description="When registering: ID of the initrd of a paravirtual AMI.",
        doc="When registering - ID of an initrd image (ARI) for a paravirtual AMI.",
    )
    deprecation_time: Annotated[str, AfterValidator(check_time)] | None = in_place(
        description="When the AMI becomes deprecated (RFC 3339; AWS rounds to the minute).",
        doc=(
            "Date and time, in RFC 3339 format, to deprecate the AMI (EnableImageDeprecation); AWS "
            "rounds the seconds to the nearest minute.",
            "C('') removes the deprecation. Not given, the deprecation is left alone.",
        ),
    )
    launch_permissions: LaunchPermissions | None = in_place(
        description="Who may launch the AMI: account_ids, groups, organization(al unit) ARNs.",
        doc=(
            "Who may launch instances from the AMI (Terraform's C(aws_ami_launch_permission)); each list "
            "given is complete, a list not given is left alone.",
            "Not given, the AMI's launch permissions are left alone.",
        ),
        reported=False,
    )
    tags: dict[str, str] | None = in_place(
        description='Tags of the AMI, as a map, e.g. {"env": "prod"}.',
        doc=(
            "Tags to put on the AMI (and, on create, on the snapshots made for it).",
            (
                "With I(purge_tags=true), tags not listed here are removed; C({}) removes them all. Not "
                "given at all, the AMI's tags are left alone."
            ),
        ),
    )
    delete_snapshots: bool | None = in_place(
        description="On delete, also delete the snapshots made for the AMI (default true).",
        doc=(
            "When the AMI is deleted - also delete the EBS snapshots made for it (by CreateImage or "
            "CopyImage), as Terraform does. Snapshots an AMI was registered from are the user's and kept.",
        ),
        shown_default=True,
        reported=False,
        change_doc="Changes what a delete does; nothing is written.",
    )

    _tags_as_strings = field_validator("tags", mode="before")(tag_values_as_strings)
    _check_tags = field_validator("tags")(check_tags)

    @property
    def source(self) -> str:
        """``instance``, ``copy`` or ``register`` (after :meth:`parse`)."""
        if self.source_instance_id is not None:
            return "instance"
        if self.source_ami_id is not None:
            return "copy"
        return "register"

    def cross_field_errors(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if self.name is None:
            problems.append(("name", "required to create an AMI (AMI names are unique per region)"))
        problems += self.source_errors()
        if self.source_instance_id is None:
            problems += given_only_with(
                self, ("snapshot_without_reboot",), "only valid with source_instance_id"
            )
        if (self.source_ami_id is None) != (self.source_ami_region is None):
            problems.append(("source_ami_region", "source_ami_id and source_ami_region go together"))
        if self.source_ami_id is None:
            problems += given_only_with(self, COPY_ONLY, "only valid with source_ami_id")
        if self.kms_key_id is not None and self.encrypted is not True:
            problems.append(("kms_key_id", "only valid with encrypted: true"))
        registering = self.ebs_block_devices is not None or self.image_location is not None
        if not registering:
            rule = "only valid when registering (ebs_block_devices or image_location)"
            problems += given_only_with(self, REGISTER_ONLY, rule)
        devices = self.ebs_block_devices
        if devices is not None:
            problems += block_errors("ebs_block_devices", devices, self.root_device_name, "device")
            if (
                self.root_device_name is not None
                and self.image_location is None
                and not any(d.device_name == self.root_device_name and d.snapshot_id for d in devices)
            ):
                problems.append(
                    (
                        "root_device_name",
                        "must be the device_name of an ebs_block_devices entry with a snapshot_id",
                    )
                )
        names = [d.device_name for d in (devices or [])] + [
            d.device_name for d in self.ephemeral_block_devices or []
        ]
        if len(names) != len(set(names)):
            problems.append(
                ("ebs_block_devices", "each device_name may appear once (EBS and ephemeral together)")
            )
        if self.tpm_support is not None and self.boot_mode != "uefi":
            problems.append(("tpm_support", "requires boot_mode uefi"))
        if self.uefi_data is not None and self.boot_mode not in ("uefi", "uefi-preferred"):
            problems.append(("uefi_data", "requires boot_mode uefi or uefi-preferred"))
        if (self.kernel_id or self.ramdisk_id) and self.virtualization_type == "hvm":
            problems.append(("kernel_id", "kernel_id and ramdisk_id are for paravirtual AMIs only"))
        return problems

    copy_keeps: ClassVar[tuple[str, ...]] = (
        "name", "description", "tags", "deprecation_time", "launch_permissions", "delete_snapshots",
    )  # fmt: skip

    @classmethod
    def copy_source(cls, source_image_id: Any, source_region: Any) -> dict[str, Any]:
        return {"source_ami_id": source_image_id, "source_ami_region": source_region}

    def delete_options(self) -> dict[str, Any]:
        return {} if self.delete_snapshots is None else {"delete_snapshots": self.delete_snapshots}

    def describe_key(self) -> str:
        return f"name {self.name!r} in the account and region"

    def observe(self, image: Image) -> dict[str, Any]:
        attrs = image.attributes
        seen: dict[str, Any] = {
            "name": attrs.get("name"),
            "description": attrs.get("description") or "",
            "tags": dict(sorted((attrs.get("tags") or {}).items())),
            "architecture": attrs.get("architecture"),
            "virtualization_type": attrs.get("virtualization_type"),
            "ena_support": attrs.get("ena_support"),
            "sriov_net_support": attrs.get("sriov_net_support"),
            "boot_mode": attrs.get("boot_mode"),
            "tpm_support": attrs.get("tpm_support"),
            "imds_support": attrs.get("imds_support"),
            "kernel_id": attrs.get("kernel_id"),
            "ramdisk_id": attrs.get("ramdisk_id"),
            "root_device_name": attrs.get("root_device_name"),
            "deprecation_time": normalise_time(attrs.get("deprecation_time")) or "",
        }
        self.drop_unasked_blanks(seen, "description", "deprecation_time")
        if self.image_location is not None:
            seen["image_location"] = attrs.get("image_location")
        if self.ebs_block_devices is not None:
            by_device = {d.get("device_name"): d for d in attrs.get("ebs_block_devices") or []}
            seen["ebs_block_devices"] = [
                _project(d.given(), by_device.get(d.device_name)) for d in self.ebs_block_devices
            ]
        if self.ephemeral_block_devices is not None:
            seen["ephemeral_block_devices"] = sorted(
                attrs.get("ephemeral_block_devices") or [], key=lambda d: str(d.get("device_name"))
            )
        return seen

    @field_validator("ephemeral_block_devices")
    @classmethod
    def _sorted_ephemeral(
        cls, devices: list[EphemeralBlockDevice] | None
    ) -> list[EphemeralBlockDevice] | None:
        return sorted(devices, key=lambda d: d.device_name) if devices is not None else None


def _project(wanted: dict[str, Any], observed: dict[str, Any] | None) -> Any:
    """``observed`` cut down to the keys ``wanted`` names, so AWS's defaults are no difference."""
    if observed is None:
        return None
    return {key: observed.get(key) for key in wanted}
