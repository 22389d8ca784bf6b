"""EC2's AMI shapes and the neutral ones, both ways: a DescribeImages item as an :class:`Image` (every
attribute of Terraform's ``aws_ami``), an :class:`AwsImageSpec` as the parameters of CreateImage,
RegisterImage or CopyImage, and launch permissions as ModifyImageAttribute's ``LaunchPermission``
changes. No calls: :class:`imageops.aws.driver.AwsDriver` makes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from imageops.aws.api import items
from imageops.aws.spec import AwsImageSpec
from imageops.model import Image, ImageState

__all__ = ["create_params", "image_from_xml", "normalise_state", "permission_changes", "permissions_from_xml"]

_STATES = {
    "pending": ImageState.PENDING,
    "available": ImageState.AVAILABLE,
    "disabled": ImageState.AVAILABLE,
    "failed": ImageState.FAILED,
    "error": ImageState.FAILED,
    "invalid": ImageState.FAILED,
    "deregistered": ImageState.DELETED,
    "transient": ImageState.PENDING,
}
_EBS = {
    "snapshot_id": "SnapshotId",
    "volume_size": "VolumeSize",
    "volume_type": "VolumeType",
    "iops": "Iops",
    "throughput": "Throughput",
    "encrypted": "Encrypted",
    "delete_on_termination": "DeleteOnTermination",
    "outpost_arn": "OutpostArn",
}
_REGISTER = {
    "name": "Name",
    "description": "Description",
    "image_location": "ImageLocation",
    "root_device_name": "RootDeviceName",
    "architecture": "Architecture",
    "virtualization_type": "VirtualizationType",
    "ena_support": "EnaSupport",
    "sriov_net_support": "SriovNetSupport",
    "boot_mode": "BootMode",
    "tpm_support": "TpmSupport",
    "imds_support": "ImdsSupport",
    "uefi_data": "UefiData",
    "kernel_id": "KernelId",
    "ramdisk_id": "RamdiskId",
}
_PERMISSIONS = {
    "account_ids": "UserId",
    "groups": "Group",
    "organization_arns": "OrganizationArn",
    "organizational_unit_arns": "OrganizationalUnitArn",
}
_PERMISSION_XML = {
    "userId": "account_ids",
    "group": "groups",
    "organizationArn": "organization_arns",
    "organizationalUnitArn": "organizational_unit_arns",
}


def normalise_state(raw_state: str) -> ImageState:
    return _STATES.get(raw_state, ImageState.PENDING)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    return None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _parse_time(value: Any) -> datetime | None:
    try:
        return (
            datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) and value else None
        )
    except ValueError:
        return None


def _value(attribute: Any) -> Any:
    """EC2's ``<enaSupport>true</enaSupport>`` or ``<sriovNetSupport><value>simple</value>...``."""
    return attribute.get("value") if isinstance(attribute, dict) else attribute


def _partition(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def image_from_xml(data: dict[str, Any], region: str | None = None) -> Image:
    """One ``imagesSet`` item -> the neutral :class:`Image`; ``attributes`` has every attribute of
    Terraform's ``aws_ami``."""
    raw_state = str(data.get("imageState") or "unknown")
    tags = {
        str(t.get("key")): str(t.get("value") or "") for t in items(data.get("tagSet")) if isinstance(t, dict)
    }
    ebs: list[dict[str, Any]] = []
    ephemeral: list[dict[str, Any]] = []
    for mapping in items(data.get("blockDeviceMapping")):
        if not isinstance(mapping, dict):
            continue
        device = mapping.get("deviceName")
        volume = mapping.get("ebs")
        if isinstance(volume, dict):
            ebs.append(
                {
                    "device_name": device,
                    "snapshot_id": _str(volume.get("snapshotId")),
                    "volume_size": _int(volume.get("volumeSize")),
                    "volume_type": _str(volume.get("volumeType")),
                    "iops": _int(volume.get("iops")),
                    "throughput": _int(volume.get("throughput")),
                    "encrypted": _bool(volume.get("encrypted")),
                    "delete_on_termination": _bool(volume.get("deleteOnTermination")),
                    "outpost_arn": _str(volume.get("outpostArn")),
                }
            )
        elif _str(mapping.get("virtualName")):
            ephemeral.append({"device_name": device, "virtual_name": mapping.get("virtualName")})
    image_id = str(data.get("imageId"))
    root = _str(data.get("rootDeviceName"))
    root_snapshot = next((d["snapshot_id"] for d in ebs if d["device_name"] == root), None)
    reason_data = data.get("stateReason")
    reason: dict[str, Any] = reason_data if isinstance(reason_data, dict) else {}
    source_instance = _str(data.get("sourceInstanceId"))
    source_image = _str(data.get("sourceImageId"))
    attributes: dict[str, Any] = {
        "arn": f"arn:{_partition(region)}:ec2:{region or ''}::image/{image_id}",
        "id": image_id,
        "image_id": image_id,
        "name": _str(data.get("name")),
        "description": _str(data.get("description")),
        "architecture": _str(data.get("architecture")),
        "boot_mode": _str(data.get("bootMode")),
        "creation_date": _str(data.get("creationDate")),
        "deprecation_time": _str(data.get("deprecationTime")),
        "ebs_block_devices": ebs,
        "ephemeral_block_devices": ephemeral,
        "ena_support": _bool(data.get("enaSupport")),
        "hypervisor": _str(data.get("hypervisor")),
        "image_location": _str(data.get("imageLocation")),
        "image_owner_alias": _str(data.get("imageOwnerAlias")),
        "image_type": _str(data.get("imageType")),
        "imds_support": _str(_value(data.get("imdsSupport"))),
        "kernel_id": _str(data.get("kernelId")),
        "manage_ebs_snapshots": bool(source_instance or source_image),
        "owner_id": _str(data.get("imageOwnerId")),
        "platform": _str(data.get("platform")),
        "platform_details": _str(data.get("platformDetails")),
        "public": bool(_bool(data.get("isPublic"))),
        "ramdisk_id": _str(data.get("ramdiskId")),
        "root_device_name": root,
        "root_device_type": _str(data.get("rootDeviceType")),
        "root_snapshot_id": root_snapshot,
        "source_image_id": source_image,
        "source_image_region": _str(data.get("sourceImageRegion")),
        "source_instance_id": source_instance,
        "sriov_net_support": _str(_value(data.get("sriovNetSupport"))),
        "state": raw_state,
        "state_reason": {"code": _str(reason.get("code")), "message": _str(reason.get("message"))},
        "tags": tags,
        "tags_all": dict(tags),
        "tpm_support": _str(data.get("tpmSupport")),
        "usage_operation": _str(data.get("usageOperation")),
        "virtualization_type": _str(data.get("virtualizationType")),
    }
    sizes = [d["volume_size"] for d in ebs if isinstance(d["volume_size"], int)]
    return Image(
        cloud="aws",
        id=image_id,
        name=attributes["name"],
        state=normalise_state(raw_state),
        raw_state=raw_state,
        region=region,
        tags=tags,
        created=_parse_time(data.get("creationDate")),
        size_mb=sum(sizes) * 1024 if sizes else None,
        attributes=attributes,
    )


def _tag_specs(tags: dict[str, str] | None, *kinds: str) -> list[dict[str, Any]]:
    if not tags:
        return []
    return [
        {"ResourceType": kind, "Tag": [{"Key": k, "Value": v} for k, v in tags.items()]} for kind in kinds
    ]


def create_params(spec: AwsImageSpec) -> dict[str, Any]:
    """The CreateImage, RegisterImage or CopyImage parameters for ``spec`` (without a client token)."""
    if spec.source == "instance":
        return {
            "InstanceId": spec.source_instance_id,
            "Name": spec.name,
            "Description": spec.description or None,
            "NoReboot": spec.snapshot_without_reboot,
            "TagSpecification": _tag_specs(spec.tags, "image", "snapshot"),
        }
    if spec.source == "copy":
        return {
            "SourceImageId": spec.source_ami_id,
            "SourceRegion": spec.source_ami_region,
            "Name": spec.name,
            "Description": spec.description or None,
            "Encrypted": spec.encrypted,
            "KmsKeyId": spec.kms_key_id,
            "DestinationOutpostArn": spec.destination_outpost_arn,
            "TagSpecification": _tag_specs(spec.tags, "image", "snapshot"),
        }
    given = spec.given()
    params: dict[str, Any] = {ec2: given[name] for name, ec2 in _REGISTER.items() if name in given}
    if params.get("Description") == "":
        del params["Description"]
    mappings: list[dict[str, Any]] = []
    for device in spec.ebs_block_devices or []:
        volume = {_EBS[k]: v for k, v in device.given().items() if k in _EBS}
        mappings.append({"DeviceName": device.device_name, "Ebs": volume})
    for eph in spec.ephemeral_block_devices or []:
        mappings.append({"DeviceName": eph.device_name, "VirtualName": eph.virtual_name})
    if mappings:
        params["BlockDeviceMapping"] = mappings
    params["TagSpecification"] = _tag_specs(spec.tags, "image")
    return params


def permission_changes(observed: dict[str, list[str]], wanted: dict[str, list[str]]) -> dict[str, Any]:
    """ModifyImageAttribute ``LaunchPermission`` (``Add``/``Remove`` lists) from observed to wanted;
    only the lists given in ``wanted`` are touched. Empty when nothing changes."""
    add: list[dict[str, str]] = []
    remove: list[dict[str, str]] = []
    for name, key in _PERMISSIONS.items():
        if name not in wanted:
            continue
        have, want = set(observed.get(name) or []), set(wanted[name] or [])
        add += [{key: value} for value in sorted(want - have)]
        remove += [{key: value} for value in sorted(have - want)]
    change: dict[str, Any] = {}
    if add:
        change["Add"] = add
    if remove:
        change["Remove"] = remove
    return change


def permissions_from_xml(permissions: list[dict[str, Any]]) -> dict[str, list[str]]:
    """DescribeImageAttribute's ``launchPermission`` items, by the spec's list names."""
    seen: dict[str, list[str]] = {name: [] for name in _PERMISSIONS}
    for permission in permissions:
        for key, name in _PERMISSION_XML.items():
            if _str(permission.get(key)):
                seen[name].append(permission[key])
    return {name: sorted(set(values)) for name, values in seen.items()}
