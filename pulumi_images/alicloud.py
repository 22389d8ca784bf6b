"""Alibaba Cloud ECS custom images as a Pulumi resource: the Terraform ``alicloud_image`` in Python.

One resource for what Terraform splits into ``alicloud_image``, ``alicloud_image_import`` and
``alicloud_image_copy``: give exactly one source -- ``instance_id``, ``snapshot_id``,
``disk_device_mapping`` (snapshots of several disks), ``import_from`` (an image file in OSS) or
``copy_from`` (an image of another region, copied into this resource's ``region``).

Inputs are the seed's arguments (snake_case); outputs are its attributes (``create_time``,
``status``, the ``disk_device_mapping`` as ECS reports it) plus every input. Connection settings
(``region``, ``profile``, ``endpoint``, ``config_file``) are optional inputs; when unset they come
from the stack configuration (``imageops:alicloudRegion``, ``imageops:alicloudProfile``,
``imageops:alicloudEndpoint``, ``imageops:alicloudConfigFile``, ``imageops:alicloudAccessKeyId``) or
from the environment as Alibaba Cloud tools find them (``ALIBABA_CLOUD_ACCESS_KEY_ID``,
``ALIBABA_CLOUD_REGION_ID``, ``ALICLOUD_ACCESS_KEY``..., ``~/.aliyun/config.json``,
``IMAGEOPS_ALICLOUD_ENDPOINT``). The AccessKey secret and an STS token are never inputs: they stay in
the environment, the CLI config file or the secret stack configuration
(``imageops:alicloudAccessKeySecret``, ``imageops:alicloudSecurityToken``), so they never reach the
state.

``timeouts`` is Terraform's block (``create``/``update``/``delete``, durations such as ``"10m"``,
10 minutes each by default) and bounds every wait of that operation. ``name`` is the deprecated
alias of ``image_name`` (deprecated since provider v1.227.0): it still works, with a warning.

Example::

    import pulumi_images as images

    image = images.alicloud.Image(
        "golden",
        instance_id=instance_id,
        image_name="golden-image",
        architecture="x86_64",
        tags={"FinanceDept": "FinanceDeptJoshua"},
        timeouts=images.alicloud.ImageTimeoutsArgs(create="20m"),
    )
    copy = images.alicloud.Image(
        "golden-copy",
        image_name="golden-image",
        region="cn-shanghai",
        copy_from=images.alicloud.ImageCopyFromArgs(source_image_id=image.id, source_region_id="cn-hangzhou"),
    )
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_images._alicloud_inputs import (
    ImageCopyFromArgs,
    ImageDiskDeviceMappingArgs,
    ImageFeaturesArgs,
    ImageImportFromArgs,
    ImageTimeoutsArgs,
)
from pulumi_images._alicloud_outputs import (
    ImageCopyFrom,
    ImageDiskDeviceMapping,
    ImageFeatures,
    ImageImportFrom,
)
from pulumi_images._provider import ImageProvider
from pulumi_images._resource import ImageTimeouts, given, read_options, resource_props, set_given

__all__ = [
    "Image",
    "ImageArgs",
    "ImageCopyFrom",
    "ImageCopyFromArgs",
    "ImageDiskDeviceMapping",
    "ImageDiskDeviceMappingArgs",
    "ImageFeatures",
    "ImageFeaturesArgs",
    "ImageImportFrom",
    "ImageImportFromArgs",
    "ImageTimeouts",
    "ImageTimeoutsArgs",
]

CLOUD = "alicloud"
NAME_DEPRECATION = (
    "name is deprecated: Field 'name' has been deprecated from provider version 1.227.0. "
    "New field 'image_name' instead."
)

#: Every argument of :class:`Image` (the seed's arguments, the two extra sources, connection and
#: call settings).
ARG_NAMES: tuple[str, ...] = (
    "architecture",
    "boot_mode",
    "description",
    "detection_strategy",
    "disk_device_mapping",
    "features",
    "force",
    "delete_auto_snapshot",
    "image_family",
    "image_name",
    "image_version",
    "instance_id",
    "license_type",
    "platform",
    "resource_group_id",
    "snapshot_id",
    "tags",
    "name",
    "import_from",
    "copy_from",
    "timeouts",
    "region",
    "profile",
    "endpoint",
    "config_file",
    "wait_timeout",
)

#: Every output of :class:`Image`: the seed's attributes, then every argument as given.
OUTPUT_NAMES: tuple[str, ...] = ("create_time", "status", *ARG_NAMES, "imported")


def _warn_name() -> None:
    """As Pulumi's generated SDKs flag a deprecated argument: a Python and an engine warning."""
    warnings.warn(NAME_DEPRECATION, DeprecationWarning, stacklevel=3)
    pulumi.log.warn(NAME_DEPRECATION)


# --------------------------------------------------------------------------- input types
DiskInputs = pulumi.Input[Sequence[pulumi.Input[ImageDiskDeviceMappingArgs | Mapping[str, Any]]]]


@pulumi.input_type
class ImageArgs:
    """The arguments of :class:`Image`: the seed's arguments, the sources, and connection settings."""

    def __init__(
        self,
        *,
        architecture: pulumi.Input[str] | None = None,
        boot_mode: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        detection_strategy: pulumi.Input[str] | None = None,
        disk_device_mapping: DiskInputs | None = None,
        features: pulumi.Input[ImageFeaturesArgs | Mapping[str, Any]] | None = None,
        force: pulumi.Input[bool] | None = None,
        delete_auto_snapshot: pulumi.Input[bool] | None = None,
        image_family: pulumi.Input[str] | None = None,
        image_name: pulumi.Input[str] | None = None,
        image_version: pulumi.Input[str] | None = None,
        instance_id: pulumi.Input[str] | None = None,
        license_type: pulumi.Input[str] | None = None,
        platform: pulumi.Input[str] | None = None,
        resource_group_id: pulumi.Input[str] | None = None,
        snapshot_id: pulumi.Input[str] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        name: pulumi.Input[str] | None = None,
        import_from: pulumi.Input[ImageImportFromArgs | Mapping[str, Any]] | None = None,
        copy_from: pulumi.Input[ImageCopyFromArgs | Mapping[str, Any]] | None = None,
        timeouts: pulumi.Input[ImageTimeoutsArgs | Mapping[str, Any]] | None = None,
        region: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
        config_file: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
    ) -> None:
        if name is not None:
            _warn_name()
        set_given(self, locals())

    @property
    @pulumi.getter
    def architecture(self) -> pulumi.Input[str] | None:
        """``i386``, ``x86_64`` (default) or ``arm64``: the system disk's architecture. Replaces."""
        return pulumi.get(self, "architecture")

    @property
    @pulumi.getter(name="boot_mode")
    def boot_mode(self) -> pulumi.Input[str] | None:
        """(Updatable) ``BIOS``, ``UEFI`` or ``UEFI-Preferred``."""
        return pulumi.get(self, "boot_mode")

    @property
    @pulumi.getter
    def description(self) -> pulumi.Input[str] | None:
        """(Updatable) 2 to 256 characters, not starting with ``http://`` or ``https://``."""
        return pulumi.get(self, "description")

    @property
    @pulumi.getter(name="detection_strategy")
    def detection_strategy(self) -> pulumi.Input[str] | None:
        """(Updatable) Check the image after it is made: ``Standard`` (the only mode). Unset: no check."""
        return pulumi.get(self, "detection_strategy")

    @property
    @pulumi.getter(name="disk_device_mapping")
    def disk_device_mapping(self) -> DiskInputs | None:
        """Build the image from these disk snapshots (one system disk, up to 16 data disks). Replaces."""
        return pulumi.get(self, "disk_device_mapping")

    @property
    @pulumi.getter
    def features(self) -> pulumi.Input[ImageFeaturesArgs | Mapping[str, Any]] | None:
        """Image features: ``nvme_support``. Replaces."""
        return pulumi.get(self, "features")

    @property
    @pulumi.getter
    def force(self) -> pulumi.Input[bool] | None:
        """Delete the image even if instances use it (DeleteImage ``Force``); default false."""
        return pulumi.get(self, "force")

    @property
    @pulumi.getter(name="delete_auto_snapshot")
    def delete_auto_snapshot(self) -> pulumi.Input[bool] | None:
        """Also delete the snapshots the image was built from when deleting it."""
        return pulumi.get(self, "delete_auto_snapshot")

    @property
    @pulumi.getter(name="image_family")
    def image_family(self) -> pulumi.Input[str] | None:
        """(Updatable) Image family: 2-128 characters, starts with a letter, not ``acs:``/``aliyun``."""
        return pulumi.get(self, "image_family")

    @property
    @pulumi.getter(name="image_name")
    def image_name(self) -> pulumi.Input[str] | None:
        """(Updatable) 2-128 characters, starts with a letter, not ``acs:``/``aliyun``, no URL. The
        idempotency key: an interrupted create is adopted by its name in the account and region."""
        return pulumi.get(self, "image_name")

    @property
    @pulumi.getter(name="image_version")
    def image_version(self) -> pulumi.Input[str] | None:
        """The image version. Replaces."""
        return pulumi.get(self, "image_version")

    @property
    @pulumi.getter(name="instance_id")
    def instance_id(self) -> pulumi.Input[str] | None:
        """Source: the (Running or Stopped) instance to image; every disk gets a snapshot. A change is
        recorded without a new image (the seed does not mark it ForceNew)."""
        return pulumi.get(self, "instance_id")

    @property
    @pulumi.getter(name="license_type")
    def license_type(self) -> pulumi.Input[str] | None:
        """(Updatable) License for an imported OS (``import_from`` only): ``Auto``, ``Aliyun``, ``BYOL``."""
        return pulumi.get(self, "license_type")

    @property
    @pulumi.getter
    def platform(self) -> pulumi.Input[str] | None:
        """OS distribution of the system disk (``Aliyun``, ``Ubuntu``... ``Others Linux``). Replaces."""
        return pulumi.get(self, "platform")

    @property
    @pulumi.getter(name="resource_group_id")
    def resource_group_id(self) -> pulumi.Input[str] | None:
        """(Updatable) Resource group of the image; default: the account's default group."""
        return pulumi.get(self, "resource_group_id")

    @property
    @pulumi.getter(name="snapshot_id")
    def snapshot_id(self) -> pulumi.Input[str] | None:
        """Source: a system disk snapshot. A change is recorded without a new image (as the seed)."""
        return pulumi.get(self, "snapshot_id")

    @property
    @pulumi.getter
    def tags(self) -> pulumi.Input[Mapping[str, pulumi.Input[str]]] | None:
        """(Updatable) Tags, e.g. ``{"FinanceDept": "FinanceDeptJoshua"}``."""
        return pulumi.get(self, "tags")

    @property
    @pulumi.getter
    def name(self) -> pulumi.Input[str] | None:
        """Deprecated since provider v1.227.0: use ``image_name``."""
        return pulumi.get(self, "name")

    @property
    @pulumi.getter(name="import_from")
    def import_from(self) -> pulumi.Input[ImageImportFromArgs | Mapping[str, Any]] | None:
        """Source: an image file in OSS (``alicloud_image_import``). Replaces."""
        return pulumi.get(self, "import_from")

    @property
    @pulumi.getter(name="copy_from")
    def copy_from(self) -> pulumi.Input[ImageCopyFromArgs | Mapping[str, Any]] | None:
        """Source: an image of another region, copied into ``region`` (``alicloud_image_copy``)."""
        return pulumi.get(self, "copy_from")

    @property
    @pulumi.getter
    def timeouts(self) -> pulumi.Input[ImageTimeoutsArgs | Mapping[str, Any]] | None:
        """How long create/update/delete may wait (``10m`` each by default)."""
        return pulumi.get(self, "timeouts")

    @property
    @pulumi.getter
    def region(self) -> pulumi.Input[str] | None:
        """Region of the image (with ``copy_from``, the destination); default ``imageops:alicloudRegion``,
        ``ALIBABA_CLOUD_REGION_ID``, the profile's. Replaces."""
        return pulumi.get(self, "region")

    @property
    @pulumi.getter
    def profile(self) -> pulumi.Input[str] | None:
        """Profile of ``~/.aliyun/config.json`` (default ``imageops:alicloudProfile``, then current)."""
        return pulumi.get(self, "profile")

    @property
    @pulumi.getter
    def endpoint(self) -> pulumi.Input[str] | None:
        """ECS endpoint override (default ``imageops:alicloudEndpoint``, ``IMAGEOPS_ALICLOUD_ENDPOINT``)."""
        return pulumi.get(self, "endpoint")

    @property
    @pulumi.getter(name="config_file")
    def config_file(self) -> pulumi.Input[str] | None:
        """The Alibaba Cloud CLI config file (default ``~/.aliyun/config.json``)."""
        return pulumi.get(self, "config_file")

    @property
    @pulumi.getter(name="wait_timeout")
    def wait_timeout(self) -> pulumi.Input[float] | None:
        """Seconds for any wait ``timeouts`` leaves unset (default: the seed's 10 minutes)."""
        return pulumi.get(self, "wait_timeout")


# --------------------------------------------------------------------------- the resource
class Image(pulumi.dynamic.Resource, module="alicloud", name="Image"):
    """An Alibaba Cloud ECS custom image: from an instance, snapshots, an OSS file or another region.

    The resource type is ``pulumi-python:dynamic/alicloud:Image``. ``image_name``, ``description``,
    ``image_family``, ``boot_mode``, ``resource_group_id`` and ``tags`` change in place; a source or
    another ForceNew argument replaces the image (deleted first when the new image would carry the
    same ``image_name``), and another ``region`` is another image.
    """

    create_time: pulumi.Output[str]
    """The create time."""
    status: pulumi.Output[str]
    """The status of the image: ``Creating``, ``Waiting``, ``Available``, ``UnAvailable``,
    ``CreateFailed``."""
    disk_device_mapping: pulumi.Output[Sequence[ImageDiskDeviceMapping]]
    """Snapshot information for the image: device, disk_type, size, snapshot_id, format,
    import_oss_bucket, import_oss_object, progress, remain_time."""
    architecture: pulumi.Output[str]
    """The system architecture: ``i386``, ``x86_64`` or ``arm64``."""
    boot_mode: pulumi.Output[str]
    """The boot mode: ``BIOS``, ``UEFI`` or ``UEFI-Preferred``."""
    description: pulumi.Output[str | None]
    """The description of the image."""
    detection_strategy: pulumi.Output[str | None]
    """The image check mode, as given."""
    features: pulumi.Output[ImageFeatures]
    """The image's features (``nvme_support``)."""
    force: pulumi.Output[bool | None]
    """Forced deletion, as given."""
    delete_auto_snapshot: pulumi.Output[bool | None]
    """Whether the source snapshots are deleted with the image, as given."""
    image_family: pulumi.Output[str | None]
    """The image family."""
    image_name: pulumi.Output[str]
    """The name of the image."""
    image_version: pulumi.Output[str | None]
    """The image version."""
    instance_id: pulumi.Output[str | None]
    """The source instance, as given."""
    license_type: pulumi.Output[str | None]
    """The license type of an imported image, as given."""
    platform: pulumi.Output[str]
    """The OS distribution of the system disk."""
    resource_group_id: pulumi.Output[str]
    """The resource group of the image."""
    snapshot_id: pulumi.Output[str | None]
    """The source snapshot, as given."""
    tags: pulumi.Output[Mapping[str, str]]
    """The tags of the image."""
    name: pulumi.Output[str | None]
    """Deprecated since provider v1.227.0: the ``name`` input, as given; read ``image_name``."""
    import_from: pulumi.Output[ImageImportFrom | None]
    """The OSS file the image was imported from, as given."""
    copy_from: pulumi.Output[ImageCopyFrom | None]
    """The image this one was copied from, as given."""
    timeouts: pulumi.Output[ImageTimeouts | None]
    """The timeouts block, as given."""
    region: pulumi.Output[str | None]
    """The region of the image (the region input, if set)."""
    profile: pulumi.Output[str | None]
    """The profile input, if set."""
    endpoint: pulumi.Output[str | None]
    """The endpoint input, if set."""
    config_file: pulumi.Output[str | None]
    """The config file input, if set."""
    wait_timeout: pulumi.Output[float | None]
    """The wait timeout input, if set."""
    imported: pulumi.Output[bool | None]
    """True when the image was read into the state by import (``import_``, ``pulumi import``) rather
    than created: its create-only sources (``instance_id``, ``snapshot_id``...) are unknown."""

    def __init__(
        self,
        resource_name: str,
        args: ImageArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Create (or import, or copy) an image.

        :param resource_name: the Pulumi name of the resource.
        :param args: the arguments as an :class:`ImageArgs`; or pass them as keyword arguments.
        :param opts: resource options (``id=`` reads an existing image, as :meth:`get` does).
        """
        if kwargs.get("name") is not None:
            _warn_name()
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
        """Read an existing image by ID (``m-...``), without managing it.

        :param resource_name: the Pulumi name of the resulting resource.
        :param id: the image ID.
        :param opts: resource options.
        :param region, profile, endpoint, config_file: how to reach it, when not the defaults.
        """
        connection = given(region=region, profile=profile, endpoint=endpoint, config_file=config_file)
        return Image(resource_name, opts=read_options(id, opts), **connection)
