"""The output types of :class:`pulumi_images.outscale.Image` (nested blocks as the cloud reports them, or as
given), kept apart from the resource as generated Pulumi SDKs keep their ``outputs.py``."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from pulumi_images._resource import set_given

__all__ = [
    "ImageBlockDeviceMapping",
    "ImageBlockDeviceMappingBsu",
    "ImagePermissionsToLaunch",
    "ImageStateComment",
    "ImageTag",
]


@pulumi.output_type
class ImageBlockDeviceMappingBsu(dict):
    """The BSU volume of a block device, as OUTSCALE reports it."""

    def __init__(
        __self__,
        *,
        delete_on_vm_deletion: bool | None = None,
        iops: int | None = None,
        snapshot_id: str | None = None,
        volume_size: int | None = None,
        volume_type: str | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def delete_on_vm_deletion(self) -> bool | None:
        """Whether the volume is deleted when the VM is terminated."""
        return pulumi.get(self, "delete_on_vm_deletion")

    @property
    @pulumi.getter
    def iops(self) -> int | None:
        """IOPS of an ``io1`` volume."""
        return pulumi.get(self, "iops")

    @property
    @pulumi.getter
    def snapshot_id(self) -> str | None:
        """The snapshot the volume is created from."""
        return pulumi.get(self, "snapshot_id")

    @property
    @pulumi.getter
    def volume_size(self) -> int | None:
        """The size of the volume, in GiB."""
        return pulumi.get(self, "volume_size")

    @property
    @pulumi.getter
    def volume_type(self) -> str | None:
        """``standard``, ``io1`` or ``gp2``."""
        return pulumi.get(self, "volume_type")


@pulumi.output_type
class ImageBlockDeviceMapping(dict):
    """One block device mapping of the OMI."""

    def __init__(
        __self__,
        *,
        bsu: ImageBlockDeviceMappingBsu | None = None,
        device_name: str | None = None,
        virtual_device_name: str | None = None,
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def bsu(self) -> ImageBlockDeviceMappingBsu | None:
        """Information about the BSU volume."""
        return pulumi.get(self, "bsu")

    @property
    @pulumi.getter
    def device_name(self) -> str | None:
        """The device name for the volume."""
        return pulumi.get(self, "device_name")

    @property
    @pulumi.getter
    def virtual_device_name(self) -> str | None:
        """The name of the virtual device (``ephemeralN``)."""
        return pulumi.get(self, "virtual_device_name")


@pulumi.output_type
class ImagePermissionsToLaunch(dict):
    """Permissions for the OMI."""

    def __init__(
        __self__, *, account_ids: Sequence[str] | None = None, global_permission: bool | None = None
    ) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def account_ids(self) -> Sequence[str] | None:
        """The account IDs the permission is associated with."""
        return pulumi.get(self, "account_ids")

    @property
    @pulumi.getter
    def global_permission(self) -> bool | None:
        """If true, the OMI is public; if false, private."""
        return pulumi.get(self, "global_permission")


@pulumi.output_type
class ImageStateComment(dict):
    """Information about the last change of state."""

    def __init__(__self__, *, state_code: str | None = None, state_message: str | None = None) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def state_code(self) -> str | None:
        """The code of the change of state."""
        return pulumi.get(self, "state_code")

    @property
    @pulumi.getter
    def state_message(self) -> str | None:
        """A message explaining the change of state."""
        return pulumi.get(self, "state_message")


@pulumi.output_type
class ImageTag(dict):
    """One tag of the OMI."""

    def __init__(__self__, *, key: str, value: str) -> None:
        set_given(__self__, locals())

    @property
    @pulumi.getter
    def key(self) -> str:
        """The key of the tag."""
        return pulumi.get(self, "key")

    @property
    @pulumi.getter
    def value(self) -> str:
        """The value of the tag."""
        return pulumi.get(self, "value")
