"""OUTSCALE machine images (OMIs) as a Pulumi resource: the Terraform ``outscale_image`` in Python.

Inputs are the seed's arguments (snake_case, nested blocks as typed ``*Args``), plus
``permissions_to_launch`` (changed in place by UpdateImage); outputs are the seed's attributes.
An OMI comes from exactly one source: a VM (``vm_id``), a manifest (``file_location``), another OMI
(``source_image_id`` + ``source_region_name``) or BSU snapshots (``block_device_mappings`` +
``root_device_name``). ``description``, ``permissions_to_launch``, ``product_codes`` and ``tags``
change in place; any other change makes a new OMI. OMI names are unique in an account, so a
replacement that keeps ``image_name`` deletes the old OMI first (``deleteBeforeReplace``).

Connection settings (``region``, ``profile``, ``endpoint``, ``config_file``) are optional inputs;
when unset they come from the stack configuration (``imageops:outscaleRegion``,
``imageops:outscaleProfile``, ``imageops:outscaleEndpoint``, ``imageops:outscaleConfigFile``,
``imageops:outscaleAccessKey`` and the secret ``imageops:outscaleSecretKey``) or as the OUTSCALE CLI
finds them (``OSC_ACCESS_KEY``/``OSC_SECRET_KEY``/``OSC_REGION``/``OSC_PROFILE``/``OSC_ENDPOINT_API``,
``IMAGEOPS_OUTSCALE_ENDPOINT``, ``~/.osc/config.json``). Keys are never inputs, so never in state.

Example::

    import pulumi_images as images

    omi = images.outscale.Image(
        "image01",
        image_name="terraform-omi-create",
        vm_id=vm_id,
        no_reboot=True,
        tags=[images.outscale.ImageTagArgs(key="env", value="prod")],
    )
    pulumi.export("image_id", omi.image_id)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_images._outscale_inputs import (
    ImageBlockDeviceMappingArgs,
    ImageBlockDeviceMappingBsuArgs,
    ImagePermissionsToLaunchArgs,
    ImageTagArgs,
)
from pulumi_images._outscale_outputs import (
    ImageBlockDeviceMapping,
    ImageBlockDeviceMappingBsu,
    ImagePermissionsToLaunch,
    ImageStateComment,
    ImageTag,
)
from pulumi_images._provider import ImageProvider
from pulumi_images._resource import (
    ImageTimeouts,
    TimeoutsArgs,
    given,
    read_options,
    resource_props,
    set_given,
)

__all__ = [
    "Image",
    "ImageArgs",
    "ImageBlockDeviceMapping",
    "ImageBlockDeviceMappingArgs",
    "ImageBlockDeviceMappingBsu",
    "ImageBlockDeviceMappingBsuArgs",
    "ImagePermissionsToLaunch",
    "ImagePermissionsToLaunchArgs",
    "ImageStateComment",
    "ImageTag",
    "ImageTagArgs",
    "ImageTimeouts",
    "ImageTimeoutsArgs",
]

ImageTimeoutsArgs = TimeoutsArgs
"""The ``timeouts`` block (``create``/``update``/``delete`` durations); see :class:`TimeoutsArgs`."""

CLOUD = "outscale"

#: The resource's arguments: the seed's, ``permissions_to_launch``, then the connection settings.
ARG_NAMES: tuple[str, ...] = (
    "image_name",
    "description",
    "vm_id",
    "no_reboot",
    "file_location",
    "source_image_id",
    "source_region_name",
    "block_device_mappings",
    "root_device_name",
    "architecture",
    "boot_modes",
    "tpm_mandatory",
    "product_codes",
    "permissions_to_launch",
    "tags",
    "region",
    "profile",
    "endpoint",
    "config_file",
    "wait_timeout",
    "timeouts",
)

#: Every output of :class:`Image`: the seed's attributes, then the create-only inputs echoed back.
OUTPUT_NAMES: tuple[str, ...] = (
    "account_alias",
    "account_id",
    "architecture",
    "block_device_mappings",
    "boot_modes",
    "creation_date",
    "description",
    "file_location",
    "image_id",
    "image_name",
    "image_type",
    "permissions_to_launch",
    "product_codes",
    "root_device_name",
    "root_device_type",
    "secure_boot",
    "state_comment",
    "state",
    "tags",
    "tpm_mandatory",
    "vm_id",
    "no_reboot",
    "source_image_id",
    "source_region_name",
    "region",
    "profile",
    "endpoint",
    "config_file",
    "wait_timeout",
    "timeouts",
    "imported",
)


# --------------------------------------------------------------------------- input types
_Mappings = Sequence[pulumi.Input[ImageBlockDeviceMappingArgs | Mapping[str, Any]]]
_Tags = Sequence[pulumi.Input[ImageTagArgs | Mapping[str, Any]]]
_Permissions = ImagePermissionsToLaunchArgs | Mapping[str, Any]


@pulumi.input_type
class ImageArgs:
    """The arguments of :class:`Image`: the seed's arguments, plus optional connection settings."""

    def __init__(
        self,
        *,
        image_name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        vm_id: pulumi.Input[str] | None = None,
        no_reboot: pulumi.Input[bool] | None = None,
        file_location: pulumi.Input[str] | None = None,
        source_image_id: pulumi.Input[str] | None = None,
        source_region_name: pulumi.Input[str] | None = None,
        block_device_mappings: pulumi.Input[_Mappings] | None = None,
        root_device_name: pulumi.Input[str] | None = None,
        architecture: pulumi.Input[str] | None = None,
        boot_modes: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        tpm_mandatory: pulumi.Input[bool] | None = None,
        product_codes: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        permissions_to_launch: pulumi.Input[_Permissions] | None = None,
        tags: pulumi.Input[_Tags] | None = None,
        region: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
        config_file: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
        timeouts: pulumi.Input[TimeoutsArgs | Mapping[str, str]] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def image_name(self) -> pulumi.Input[str] | None:
        """A unique name for the OMI in the account: 3-128 letters, digits, underscores, spaces,
        parentheses, slashes, periods or dashes. imageops finds the OMI again by it, so an
        interrupted create is adopted instead of duplicated. Changing it replaces the OMI."""
        return pulumi.get(self, "image_name")

    @property
    @pulumi.getter
    def description(self) -> pulumi.Input[str] | None:
        """(Updatable) A description for the OMI."""
        return pulumi.get(self, "description")

    @property
    @pulumi.getter
    def vm_id(self) -> pulumi.Input[str] | None:
        """When creating from a VM: the ID of the VM (``i-xxxxxxxx``). Changing it replaces the OMI."""
        return pulumi.get(self, "vm_id")

    @property
    @pulumi.getter
    def no_reboot(self) -> pulumi.Input[bool] | None:
        """When creating from a VM: if false, the VM shuts down before the OMI is made and then
        reboots; if true, it does not."""
        return pulumi.get(self, "no_reboot")

    @property
    @pulumi.getter
    def file_location(self) -> pulumi.Input[str] | None:
        """When registering from a bucket: the pre-signed URL of the manifest file."""
        return pulumi.get(self, "file_location")

    @property
    @pulumi.getter
    def source_image_id(self) -> pulumi.Input[str] | None:
        """When copying an OMI: the ID of the OMI to copy (``ami-xxxxxxxx``)."""
        return pulumi.get(self, "source_image_id")

    @property
    @pulumi.getter
    def source_region_name(self) -> pulumi.Input[str] | None:
        """When copying an OMI: the Region of the source OMI (always your account's Region)."""
        return pulumi.get(self, "source_region_name")

    @property
    @pulumi.getter
    def block_device_mappings(self) -> pulumi.Input[_Mappings] | None:
        """When registering from a snapshot: one or more block device mappings."""
        return pulumi.get(self, "block_device_mappings")

    @property
    @pulumi.getter
    def root_device_name(self) -> pulumi.Input[str] | None:
        """When registering from a snapshot: the name of the root device (``/dev/sda1``)."""
        return pulumi.get(self, "root_device_name")

    @property
    @pulumi.getter
    def architecture(self) -> pulumi.Input[str] | None:
        """When registering from a snapshot: ``i386`` or ``x86_64``."""
        return pulumi.get(self, "architecture")

    @property
    @pulumi.getter
    def boot_modes(self) -> pulumi.Input[Sequence[pulumi.Input[str]]] | None:
        """The boot modes compatible with the OMI: ``uefi``, ``legacy``."""
        return pulumi.get(self, "boot_modes")

    @property
    @pulumi.getter
    def tpm_mandatory(self) -> pulumi.Input[bool] | None:
        """If true, VMs created from this OMI must have a vTPM enabled (default false)."""
        return pulumi.get(self, "tpm_mandatory")

    @property
    @pulumi.getter
    def product_codes(self) -> pulumi.Input[Sequence[pulumi.Input[str]]] | None:
        """(Updatable) The product codes associated with the OMI."""
        return pulumi.get(self, "product_codes")

    @property
    @pulumi.getter
    def permissions_to_launch(self) -> pulumi.Input[_Permissions] | None:
        """(Updatable) Who may launch VMs from the OMI: ``global_permission`` and ``account_ids``."""
        return pulumi.get(self, "permissions_to_launch")

    @property
    @pulumi.getter
    def tags(self) -> pulumi.Input[_Tags] | None:
        """(Updatable) Tags, as ``{key, value}`` blocks; the complete set."""
        return pulumi.get(self, "tags")

    @property
    @pulumi.getter
    def region(self) -> pulumi.Input[str] | None:
        """Region (default: ``imageops:outscaleRegion``, ``OSC_REGION``, the profile's). Changing it
        replaces the OMI."""
        return pulumi.get(self, "region")

    @property
    @pulumi.getter
    def profile(self) -> pulumi.Input[str] | None:
        """Profile of ``~/.osc/config.json`` (default: ``imageops:outscaleProfile``, ``OSC_PROFILE``)."""
        return pulumi.get(self, "profile")

    @property
    @pulumi.getter
    def endpoint(self) -> pulumi.Input[str] | None:
        """API endpoint override (default: ``imageops:outscaleEndpoint``, ``OSC_ENDPOINT_API``,
        ``IMAGEOPS_OUTSCALE_ENDPOINT``, then the Region's)."""
        return pulumi.get(self, "endpoint")

    @property
    @pulumi.getter
    def config_file(self) -> pulumi.Input[str] | None:
        """The OUTSCALE CLI config file (default: ``imageops:outscaleConfigFile``, ``~/.osc/config.json``)."""
        return pulumi.get(self, "config_file")

    @property
    @pulumi.getter
    def wait_timeout(self) -> pulumi.Input[float] | None:
        """Seconds to wait for the OMI to become available (or gone); default 1800."""
        return pulumi.get(self, "wait_timeout")

    @property
    @pulumi.getter
    def timeouts(self) -> pulumi.Input[TimeoutsArgs | Mapping[str, str]] | None:
        """Per-operation wait limits (``create``/``update``/``delete``, e.g. ``"30m"``); an entry wins
        over ``wait_timeout``. Unset, taken from ``ResourceOptions(custom_timeouts=...)``."""
        return pulumi.get(self, "timeouts")


# --------------------------------------------------------------------------- the resource
class Image(pulumi.dynamic.Resource, module="outscale", name="Image"):
    """An OUTSCALE machine image (OMI): created from a VM, registered from a manifest or from BSU
    snapshots, or copied from another OMI.

    The resource type is ``pulumi-python:dynamic/outscale:Image``; its id is the OMI ID.
    """

    account_alias: pulumi.Output[str | None]
    """The account alias of the owner of the OMI."""
    account_id: pulumi.Output[str]
    """The account ID of the owner of the OMI."""
    architecture: pulumi.Output[str | None]
    """The architecture of the OMI (``i386`` or ``x86_64``)."""
    block_device_mappings: pulumi.Output[Sequence[ImageBlockDeviceMapping]]
    """One or more block device mappings."""
    boot_modes: pulumi.Output[Sequence[str]]
    """The boot modes compatible with the OMI (``uefi``, ``legacy``)."""
    creation_date: pulumi.Output[str]
    """The date and time (UTC) at which the OMI was created."""
    description: pulumi.Output[str | None]
    """The description of the OMI."""
    file_location: pulumi.Output[str | None]
    """The location from which the OMI files were created."""
    image_id: pulumi.Output[str]
    """The ID of the OMI (also the resource's ``id``)."""
    image_name: pulumi.Output[str]
    """The name of the OMI."""
    image_type: pulumi.Output[str | None]
    """The type of the OMI."""
    permissions_to_launch: pulumi.Output[ImagePermissionsToLaunch]
    """Permissions for the OMI: ``account_ids`` and ``global_permission``."""
    product_codes: pulumi.Output[Sequence[str]]
    """The product codes associated with the OMI."""
    root_device_name: pulumi.Output[str | None]
    """The name of the root device."""
    root_device_type: pulumi.Output[str | None]
    """The type of root device used by the OMI (always ``bsu``)."""
    secure_boot: pulumi.Output[bool | None]
    """Whether secure boot is activated."""
    state_comment: pulumi.Output[ImageStateComment | None]
    """Information about the change of state: ``state_code`` and ``state_message``."""
    state: pulumi.Output[str]
    """The state of the OMI: ``pending``, ``available`` or ``failed``."""
    tags: pulumi.Output[Sequence[ImageTag]]
    """One or more tags associated with the OMI."""
    tpm_mandatory: pulumi.Output[bool | None]
    """If true, VMs created from this OMI must have a vTPM enabled."""
    vm_id: pulumi.Output[str | None]
    """The VM the OMI was created from, as given."""
    no_reboot: pulumi.Output[bool | None]
    """The ``no_reboot`` input, as given."""
    source_image_id: pulumi.Output[str | None]
    """The OMI this one was copied from, as given."""
    source_region_name: pulumi.Output[str | None]
    """The Region of the copied OMI, as given."""
    region: pulumi.Output[str | None]
    """The region input, if set."""
    profile: pulumi.Output[str | None]
    """The profile input, if set."""
    endpoint: pulumi.Output[str | None]
    """The endpoint input, if set."""
    config_file: pulumi.Output[str | None]
    """The config file input, if set."""
    wait_timeout: pulumi.Output[float | None]
    """The wait timeout input, if set."""
    timeouts: pulumi.Output[ImageTimeouts | None]
    """The timeouts block (given, or from ``custom_timeouts``), if set."""
    imported: pulumi.Output[bool | None]
    """True when the OMI was read into the state by import (``import_``, ``pulumi import``) rather
    than created: its create-only sources (``vm_id``, ``source_image_id``...) are unknown."""

    def __init__(
        self,
        resource_name: str,
        args: ImageArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Create (or adopt, by ``image_name``) an OMI.

        :param resource_name: the Pulumi name of the resource.
        :param args: the arguments as an :class:`ImageArgs`; or pass them as keyword arguments.
        :param opts: resource options (``id=`` reads an existing OMI, as :meth:`get` does).
        """
        props = resource_props(
            args,
            kwargs,
            arg_names=ARG_NAMES,
            output_names=OUTPUT_NAMES,
            required=(),
            reading=bool(opts and opts.id),
            opts=opts,
        )
        super().__init__(ImageProvider(CLOUD), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        region: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
        config_file: pulumi.Input[str] | None = None,
    ) -> Image:
        """Read an existing OMI by ID, without managing it (the Terraform import id).

        :param resource_name: the Pulumi name of the resulting resource.
        :param id: the OMI ID, ``ami-xxxxxxxx``.
        :param opts: resource options.
        :param region, profile, endpoint, config_file: how to reach it, when not the defaults.
        """
        connection = given(region=region, profile=profile, endpoint=endpoint, config_file=config_file)
        return Image(resource_name, opts=read_options(id, opts), **connection)
