"""The nested input types of :class:`pulumi_images.outscale.Image` (its blocks, as ``*Args``
classes), kept apart from the resource as generated Pulumi SDKs keep their ``_inputs.py``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from pulumi_images._resource import set_given

__all__ = [
    "ImageBlockDeviceMappingArgs",
    "ImageBlockDeviceMappingBsuArgs",
    "ImagePermissionsToLaunchArgs",
    "ImageTagArgs",
]


@pulumi.input_type
class ImageBlockDeviceMappingBsuArgs:
    """The BSU volume to create for a block device (OUTSCALE ``BsuToCreate``)."""

    def __init__(
        self,
        *,
        delete_on_vm_deletion: pulumi.Input[bool] | None = None,
        iops: pulumi.Input[int] | None = None,
        snapshot_id: pulumi.Input[str] | None = None,
        volume_size: pulumi.Input[int] | None = None,
        volume_type: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def delete_on_vm_deletion(self) -> pulumi.Input[bool] | None:
        """By default or if true, the volume is deleted when the VM is terminated; if false, kept."""
        return pulumi.get(self, "delete_on_vm_deletion")

    @property
    @pulumi.getter
    def iops(self) -> pulumi.Input[int] | None:
        """IOPS, only (and required) for an ``io1`` volume: at most 13000 and 300 per GiB."""
        return pulumi.get(self, "iops")

    @property
    @pulumi.getter
    def snapshot_id(self) -> pulumi.Input[str] | None:
        """The ID of the snapshot used to create the volume (``snap-xxxxxxxx``)."""
        return pulumi.get(self, "snapshot_id")

    @property
    @pulumi.getter
    def volume_size(self) -> pulumi.Input[int] | None:
        """The size of the volume in GiB; at least the snapshot's, which is the default."""
        return pulumi.get(self, "volume_size")

    @property
    @pulumi.getter
    def volume_type(self) -> pulumi.Input[str] | None:
        """``standard`` (the default), ``io1`` or ``gp2``."""
        return pulumi.get(self, "volume_type")


@pulumi.input_type
class ImageBlockDeviceMappingArgs:
    """One block device of an OMI registered from snapshots (OUTSCALE ``BlockDeviceMappingImage``)."""

    def __init__(
        self,
        *,
        bsu: pulumi.Input[ImageBlockDeviceMappingBsuArgs | Mapping[str, Any]] | None = None,
        device_name: pulumi.Input[str] | None = None,
        virtual_device_name: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def bsu(self) -> pulumi.Input[ImageBlockDeviceMappingBsuArgs | Mapping[str, Any]] | None:
        """Information about the BSU volume to create."""
        return pulumi.get(self, "bsu")

    @property
    @pulumi.getter
    def device_name(self) -> pulumi.Input[str] | None:
        """``/dev/sda1`` for the root device; else ``/dev/sdX``, ``/dev/sdXX``, ``/dev/xvdX`` or
        ``/dev/xvdXX`` (first X a letter b-z, second a-z)."""
        return pulumi.get(self, "device_name")

    @property
    @pulumi.getter
    def virtual_device_name(self) -> pulumi.Input[str] | None:
        """The name of the virtual device (``ephemeralN``)."""
        return pulumi.get(self, "virtual_device_name")


@pulumi.input_type
class ImagePermissionsToLaunchArgs:
    """Who may launch VMs from the OMI (OUTSCALE ``PermissionsOnResource``). Changes in place."""

    def __init__(
        self,
        *,
        account_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        global_permission: pulumi.Input[bool] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def account_ids(self) -> pulumi.Input[Sequence[pulumi.Input[str]]] | None:
        """The account IDs (12 digits) allowed to launch the OMI; the complete list."""
        return pulumi.get(self, "account_ids")

    @property
    @pulumi.getter
    def global_permission(self) -> pulumi.Input[bool] | None:
        """True makes the OMI public; false makes it private."""
        return pulumi.get(self, "global_permission")


@pulumi.input_type
class ImageTagArgs:
    """One tag of the OMI (OUTSCALE ``ResourceTag``)."""

    def __init__(self, *, key: pulumi.Input[str], value: pulumi.Input[str]) -> None:
        pulumi.set(self, "key", key)
        pulumi.set(self, "value", value)

    @property
    @pulumi.getter
    def key(self) -> pulumi.Input[str]:
        """(Required) The key of the tag, with a minimum of 1 character."""
        return pulumi.get(self, "key")

    @property
    @pulumi.getter
    def value(self) -> pulumi.Input[str]:
        """(Required) The value of the tag, between 0 and 255 characters."""
        return pulumi.get(self, "value")


_Permissions = ImagePermissionsToLaunchArgs | Mapping[str, Any]
