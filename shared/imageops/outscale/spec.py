"""Desired state of an OUTSCALE machine image, OMI (Terraform ``outscale_image``).

Update modes follow the API: UpdateImage changes ``description``, ``permissions_to_launch`` and
``product_codes``, and CreateTags/DeleteTags change ``tags``; those are in place. Everything else
is fixed when the OMI is made and forces a new one, ``image_name`` included (UpdateImage has no
ImageName). ``tags`` keep the seed's shape, a list of ``{key, value}`` blocks; the list is kept
sorted by key so two orderings of the same tags are the same desired state.

Sources: exactly one of ``vm_id`` (create from a VM), ``source_image_id`` + ``source_region_name``
(copy), ``block_device_mappings`` + ``root_device_name`` (register from snapshots) or
``file_location`` (register from a manifest).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, StringConstraints, field_validator

from imageops.ec2_spec import Ec2StyleSpec, block_errors, given_only_with, pattern, sorted_unique
from imageops.model import Image
from imageops.spec import ImageSpec, in_place, replace

IMAGE_NAME_RULE = (
    "must be 3-128 characters: letters, digits, underscores, spaces, parentheses, slashes, periods or dashes"
)
_IMAGE_NAME = re.compile(r"^[A-Za-z0-9_ ()/.\-]{3,128}$")
_DEVICE_NAME = re.compile(r"^/dev/(sda1|(sd|xvd)[b-z][a-z]?)$")
MAX_IOPS = 13000
MAX_IOPS_PER_GIB = 300


def _check_image_name(value: str) -> str:
    if not _IMAGE_NAME.match(value):
        raise ValueError(IMAGE_NAME_RULE)
    return value


ImageName = Annotated[str, AfterValidator(_check_image_name)]
VmId = Annotated[str, pattern(r"^i-[0-9a-f]{8}$", "must be a VM ID: i-<8 hex digits>")]
OmiId = Annotated[str, pattern(r"^ami-[0-9a-f]{8}$", "must be an OMI ID: ami-<8 hex digits>")]
SnapshotId = Annotated[str, pattern(r"^snap-[0-9a-f]{8}$", "must be a snapshot ID: snap-<8 hex digits>")]
AccountId = Annotated[str, pattern(r"^\d{12}$", "must be an OUTSCALE account ID: 12 digits")]
RegionName = Annotated[str, pattern(r"^[a-z0-9]+(-[a-z0-9]+)+$", "must be a Region name, e.g. eu-west-2")]
DeviceName = Annotated[
    str,
    pattern(
        _DEVICE_NAME.pattern,
        "must be /dev/sda1 (root) or /dev/sdX, /dev/sdXX, /dev/xvdX, /dev/xvdXX (X in b-z, then a-z)",
    ),
]
RootDeviceName = Annotated[str, pattern(r"^/dev/sda1$", "must be /dev/sda1 (the root device name)")]
VirtualDeviceName = Annotated[str, pattern(r"^ephemeral\d+$", "must be ephemeralN (N a number)")]
FileLocation = Annotated[
    str,
    StringConstraints(max_length=4096),
    pattern(r"^https?://\S+$", "must be the http(s) pre-signed URL of a manifest file"),
]
VolumeType = Literal["standard", "io1", "gp2"]
BootMode = Literal["uefi", "legacy"]


class Bsu(ImageSpec):
    """The BSU volume of a block device mapping (OUTSCALE ``BsuToCreate``)."""

    delete_on_vm_deletion: bool | None = replace(
        description="Delete the volume when the VM is terminated (default true).",
        doc=(
            "By default or if set to C(true), the volume is deleted when terminating the VM. If C(false), "
            "the volume is not deleted when terminating the VM."
        ),
    )
    iops: int | None = replace(
        description=f"IOPS of an io1 volume (only io1): at most {MAX_IOPS} and {MAX_IOPS_PER_GIB} per GiB.",
        ge=1,
        doc=(
            (
                "The number of I/O operations per second (IOPS). Must be specified for, and only for, an "
                "C(io1) volume."
            ),
            (
                "The maximum number of IOPS allowed for C(io1) volumes is C(13000) with a maximum "
                "performance ratio of 300 IOPS per gibibyte."
            ),
        ),
    )
    snapshot_id: SnapshotId | None = replace(
        description="ID of the snapshot the volume is created from.",
        doc="The ID of the snapshot used to create the volume (C(snap-xxxxxxxx)).",
    )
    volume_size: int | None = replace(
        description="Size of the volume in GiB (at least the snapshot's; default the snapshot's).",
        ge=1,
        le=14901,
        doc=(
            "The size of the volume, in gibibytes (GiB).",
            (
                "If you specify a snapshot ID, the volume size must be at least equal to the snapshot "
                "size; without a size, the volume is the snapshot's size."
            ),
        ),
    )
    volume_type: VolumeType | None = replace(
        description="`standard` (default), `io1` or `gp2`.",
        doc="The type of the volume. If not specified, a C(standard) volume is created.",
    )

    def cross_field_errors(self) -> list[tuple[str, str]]:
        if self.volume_type == "io1" and self.iops is None:
            return [("iops", "required with volume_type io1")]
        if self.iops is None:
            return []
        if self.volume_type != "io1":
            return [("iops", "only allowed with volume_type io1")]
        if self.iops > MAX_IOPS:
            return [("iops", f"must be at most {MAX_IOPS}")]
        if self.volume_size is not None and self.iops > MAX_IOPS_PER_GIB * self.volume_size:
            limit = MAX_IOPS_PER_GIB * self.volume_size
            return [
                (
                    "iops",
                    f"must be at most {MAX_IOPS_PER_GIB} per GiB of volume_size ({limit} for "
                    f"{self.volume_size} GiB)",
                )
            ]
        return []


class BlockDeviceMapping(ImageSpec):
    """One block device of an OMI registered from snapshots (OUTSCALE ``BlockDeviceMappingImage``)."""

    bsu: Bsu | None = replace(
        description="The BSU volume to create for this device.",
        doc="Information about the BSU volume to create.",
    )
    device_name: DeviceName | None = replace(
        description="Device name: /dev/sda1 for the root device.",
        doc=(
            "The device name for the volume. For a root device, you must use C(/dev/sda1). For other "
            "volumes, C(/dev/sdX), C(/dev/sdXX), C(/dev/xvdX) or C(/dev/xvdXX) (where the first C(X) is a "
            "letter between C(b) and C(z), and the second C(X) a letter between C(a) and C(z))."
        ),
    )
    virtual_device_name: VirtualDeviceName | None = replace(
        description="Name of an ephemeral (instance store) device, `ephemeralN`.",
        doc="The name of the virtual device (C(ephemeralN)). Not together with I(bsu).",
    )

    def cross_field_errors(self) -> list[tuple[str, str]]:
        problems = []
        if self.bsu is not None and self.virtual_device_name is not None:
            problems.append(("virtual_device_name", "mutually exclusive with bsu"))
        if self.device_name is None and self.virtual_device_name is None:
            problems.append(("device_name", "device_name or virtual_device_name is required"))
        if self.bsu is not None:
            problems += [(f"bsu.{field}", rule) for field, rule in self.bsu.cross_field_errors()]
        return problems


class PermissionsToLaunch(ImageSpec):
    """Who may launch VMs from the OMI (OUTSCALE ``PermissionsOnResource``)."""

    global_permission: bool | None = in_place(
        description="True makes the OMI public.",
        doc="C(true) makes the OMI public, C(false) private.",
    )
    account_ids: list[AccountId] | None = in_place(
        description="Accounts allowed to launch the OMI.",
        doc="The IDs of the accounts (12 digits) allowed to launch the OMI; the complete list.",
    )

    _sorted = field_validator("account_ids")(sorted_unique)


class Tag(ImageSpec):
    """One tag (OUTSCALE ``ResourceTag``)."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=255)] = in_place(
        ...,
        description="The key, 1 to 255 characters.",
        doc="The key of the tag, with a minimum of 1 character.",
    )
    value: Annotated[str, StringConstraints(max_length=255)] = in_place(
        ...,
        description="The value, 0 to 255 characters.",
        doc="The value of the tag, between 0 and 255 characters.",
    )

    @field_validator("value", mode="before")
    @classmethod
    def _as_string(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, int | float) else value


class OutscaleImageSpec(Ec2StyleSpec):
    """Desired state of an OMI: every argument of Terraform's ``outscale_image``."""

    cloud = "outscale"
    name_field = "image_name"
    tag_fields = ("tags",)
    source_fields: ClassVar[tuple[str, ...]] = (
        "vm_id", "source_image_id", "block_device_mappings", "file_location",
    )  # fmt: skip

    image_name: ImageName | None = replace(
        description="Unique name of the OMI in the account; imageops finds the OMI again by it. "
        + IMAGE_NAME_RULE.replace("must be", "Constraints:")
        + ".",
        doc=(
            "A unique name for the OMI within the account.",
            (
                "Constraints - 3-128 alphanumeric characters, underscores (C(_)), spaces, parentheses "
                "(C(())), slashes (C(/)), periods (C(.)) or dashes (C(-))."
            ),
            "The idempotency key of the module.",
        ),
        aliases=("name",),
    )
    description: str | None = in_place(
        description="A description of the OMI.",
        doc=(
            "A description for the OMI.",
            "Not given, the OMI's description is left alone.",
        ),
    )
    vm_id: VmId | None = replace(
        description="Create from this VM (source mode 1).",
        doc=(
            "When creating from a VM - the ID of the VM from which to create the OMI (C(i-xxxxxxxx)).",
            (
                "One of the four sources - exactly one of I(vm_id), I(file_location), I(source_image_id) "
                "or I(block_device_mappings) is required."
            ),
        ),
        reported=False,
    )
    no_reboot: bool | None = replace(
        description="With vm_id: if false, the VM shuts down before the OMI is made, then reboots.",
        doc=(
            "When creating from a VM - if C(false), the VM shuts down before creating the OMI and then "
            "reboots. If C(true), the VM does not. Only with I(vm_id)."
        ),
        reported=False,
    )
    source_image_id: OmiId | None = replace(
        description="Copy this OMI (source mode 2).",
        doc=(
            "When copying an OMI - the ID of the OMI you want to copy (C(ami-xxxxxxxx)). Requires "
            "I(source_region_name)."
        ),
        reported=False,
    )
    source_region_name: RegionName | None = replace(
        description="With source_image_id: the Region of the source OMI (your account's Region).",
        doc=(
            "When copying an OMI - the name of the source Region (always the same as the Region of your "
            "account). Only with, and required with, I(source_image_id)."
        ),
        reported=False,
    )
    block_device_mappings: list[BlockDeviceMapping] | None = replace(
        description="Register from snapshots with these block devices (source mode 3).",
        doc=(
            "When registering from a snapshot - one or more block device mappings. Requires "
            "I(root_device_name)."
        ),
    )
    root_device_name: RootDeviceName | None = replace(
        description="With block_device_mappings: the root device name, /dev/sda1.",
        doc=(
            "When registering from a snapshot - the name of the root device for the new OMI "
            "(C(/dev/sda1)); one of the I(block_device_mappings) must have it as I(device_name)."
        ),
    )
    architecture: Literal["i386", "x86_64"] | None = replace(
        description="With block_device_mappings: the architecture (default x86_64).",
        doc=(
            "When registering from a snapshot - the architecture of the OMI. Only with "
            "I(block_device_mappings)."
        ),
    )
    file_location: FileLocation | None = replace(
        description="Register from the manifest at this pre-signed URL (source mode 4).",
        doc=(
            "When registering from a bucket by using a manifest file - the pre-signed URL of the manifest "
            "file for the OMI you want to register. Make sure the manifest is still valid."
        ),
    )
    boot_modes: list[BootMode] | None = replace(
        description="Boot modes of the OMI: `uefi`, `legacy`.",
        doc="The boot modes compatible with the OMI.",
    )
    tpm_mandatory: bool | None = replace(
        description="If true, VMs from the OMI must have a vTPM.",
        doc=(
            "By default or if set to C(false), a virtual Trusted Platform Module (vTPM) is not mandatory "
            "on VMs created from this OMI. If C(true), VMs created from this OMI must have a vTPM enabled."
        ),
    )
    permissions_to_launch: PermissionsToLaunch | None = in_place(
        description="Launch permissions: global_permission and account_ids.",
        doc=(
            (
                "Who may launch VMs from the OMI. Changeable in place (UpdateImage adds and removes "
                "permissions to reach exactly what is given here)."
            ),
            "Not given, the OMI's permissions are left alone.",
        ),
    )
    product_codes: list[Annotated[str, StringConstraints(min_length=1)]] | None = in_place(
        description="Product codes of the OMI (UpdateImage replaces the whole list).",
        doc="The product codes associated with the OMI. Changeable in place (the whole list).",
    )
    tags: list[Tag] | None = in_place(
        description='Tags as a list of blocks, e.g. [{"key": "env", "value": "prod"}].',
        doc=(
            "Tags to put on the OMI, as a list of C(key)/C(value) pairs, as in Terraform.",
            (
                "With I(purge_tags=true), tags not listed here are removed; C([]) removes them all. Not "
                "given at all, the OMI's tags are left alone."
            ),
        ),
    )

    @field_validator("tags")
    @classmethod
    def _unique_sorted_tags(cls, tags: list[Tag] | None) -> list[Tag] | None:
        if tags is None:
            return None
        keys = [tag.key for tag in tags]
        duplicated = sorted({key for key in keys if keys.count(key) > 1})
        if duplicated:
            raise ValueError(f"each key may appear once; repeated: {', '.join(duplicated)}")
        return sorted(tags, key=lambda tag: tag.key)

    _sorted_codes = field_validator("product_codes")(sorted_unique)
    _unique_modes = field_validator("boot_modes")(sorted_unique)

    def cross_field_errors(self) -> list[tuple[str, str]]:
        problems = self.source_errors()
        if self.vm_id is None:
            problems += given_only_with(self, ("no_reboot",), "only valid with vm_id")
        if self.source_image_id is not None and self.source_region_name is None:
            problems.append(("source_region_name", "required with source_image_id"))
        if self.source_region_name is not None and self.source_image_id is None:
            problems.append(("source_region_name", "only valid with source_image_id"))
        mappings = self.block_device_mappings
        if mappings is not None:
            problems += block_errors("block_device_mappings", mappings, self.root_device_name, "mapping")
            if self.root_device_name is not None and not any(
                m.device_name == self.root_device_name for m in mappings
            ):
                problems.append(
                    ("root_device_name", "must be the device_name of one block_device_mappings entry")
                )
            names = [m.device_name for m in mappings if m.device_name is not None]
            if len(names) != len(set(names)):
                problems.append(("block_device_mappings", "each device_name may appear once"))
        else:
            problems += given_only_with(
                self, ("root_device_name", "architecture"), "only valid with block_device_mappings"
            )
        return problems

    copy_keeps: ClassVar[tuple[str, ...]] = (
        "image_name", "description", "tags", "permissions_to_launch", "product_codes",
    )  # fmt: skip

    @classmethod
    def copy_source(cls, source_image_id: Any, source_region: Any) -> dict[str, Any]:
        return {"source_image_id": source_image_id, "source_region_name": source_region}

    def describe_key(self) -> str:
        return f"image_name {self.image_name!r} in the account"

    def observe(self, image: Image) -> dict[str, Any]:
        attrs = image.attributes
        seen: dict[str, Any] = {
            "image_name": attrs.get("image_name"),
            "description": attrs.get("description") or "",
            "tags": sorted(attrs.get("tags") or [], key=lambda tag: tag["key"]),
            "product_codes": sorted(set(attrs.get("product_codes") or [])),
            "architecture": attrs.get("architecture"),
            "boot_modes": sorted(set(attrs.get("boot_modes") or [])),
            "tpm_mandatory": attrs.get("tpm_mandatory"),
            "root_device_name": attrs.get("root_device_name"),
        }
        self.drop_unasked_blanks(seen, "description")
        if self.permissions_to_launch is not None:
            observed = attrs.get("permissions_to_launch") or {}
            wanted = self.permissions_to_launch.given()
            seen["permissions_to_launch"] = {
                "global_permission": bool(observed.get("global_permission")),
                "account_ids": sorted(observed.get("account_ids") or []),
            }
            seen["permissions_to_launch"] = {k: seen["permissions_to_launch"][k] for k in wanted}
        if self.file_location is not None:
            seen["file_location"] = attrs.get("file_location")
        if self.block_device_mappings is not None:
            seen["block_device_mappings"] = _observe_mappings(
                [m.given() for m in self.block_device_mappings], attrs.get("block_device_mappings") or []
            )
        return seen


def _project(wanted: Any, observed: Any) -> Any:
    """``observed`` cut down to the keys ``wanted`` names, so cloud defaults are no difference."""
    if isinstance(wanted, dict):
        if not isinstance(observed, dict):
            return observed
        return {key: _project(value, observed.get(key)) for key, value in wanted.items()}
    return observed


def _observe_mappings(wanted: list[dict[str, Any]], observed: list[dict[str, Any]]) -> list[Any]:
    by_device = {m.get("device_name") or m.get("virtual_device_name"): m for m in observed}
    result = []
    for mapping in wanted:
        match = by_device.get(mapping.get("device_name") or mapping.get("virtual_device_name"))
        result.append(_project(mapping, match) if match is not None else None)
    return result
