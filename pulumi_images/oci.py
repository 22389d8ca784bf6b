"""OCI custom images as a Pulumi resource: the Terraform ``oci_core_image`` in Python.

Inputs are the seed's arguments (snake_case); outputs are its attributes plus the extras GetImage
returns. Connection settings (``config_file``, ``profile``, ``region``, ``endpoint``) are optional
inputs; when unset they come from the stack configuration (``imageops:ociConfigFile``,
``imageops:ociProfile``, ``imageops:ociRegion``, ``imageops:ociEndpoint``) or from the environment
(``OCI_CONFIG_FILE``, ``OCI_CLI_PROFILE``, ``IMAGEOPS_OCI_ENDPOINT``, ``~/.oci/config``). Secrets
(key contents, passphrases) are never inputs: they stay in the OCI config file or in the secret stack
configuration (``imageops:ociKeyContent``, ``imageops:ociPassPhrase``), so they never reach the state.

Example::

    import pulumi_images as images

    image = images.oci.Image(
        "golden",
        compartment_id=compartment_id,
        instance_id=instance_id,
        display_name="golden-image",
        freeform_tags={"Department": "Finance"},
    )
    pulumi.export("image_id", image.id)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_images._oci_inputs import (
    ImageCopyFromArgs,
    ImageExportToArgs,
    ImageImageSourceDetailsArgs,
    ImageLaunchOptionsArgs,
)
from pulumi_images._oci_outputs import (
    ImageAgentFeatures,
    ImageCopyFrom,
    ImageExportTo,
    ImageImageSourceDetails,
    ImageLaunchOptions,
)
from pulumi_images._provider import ImageProvider
from pulumi_images._resource import (
    ImageTimeouts,
    TimeoutsArgs,
    given,
    read_options,
    resource_props,
)

__all__ = [
    "Image",
    "ImageAgentFeatures",
    "ImageArgs",
    "ImageCopyFrom",
    "ImageCopyFromArgs",
    "ImageExportTo",
    "ImageExportToArgs",
    "ImageImageSourceDetails",
    "ImageImageSourceDetailsArgs",
    "ImageLaunchOptions",
    "ImageLaunchOptionsArgs",
    "ImageTimeouts",
    "ImageTimeoutsArgs",
]

ImageTimeoutsArgs = TimeoutsArgs
"""The ``timeouts`` block (``create``/``update``/``delete`` durations); see :class:`TimeoutsArgs`."""

CLOUD = "oci"

#: Every output of :class:`Image` (the seed's attributes first, then GetImage extras).
OUTPUT_NAMES: tuple[str, ...] = (
    "base_image_id",
    "compartment_id",
    "create_image_allowed",
    "defined_tags",
    "display_name",
    "freeform_tags",
    "launch_mode",
    "launch_options",
    "operating_system",
    "operating_system_version",
    "size_in_mbs",
    "state",
    "time_created",
    "billable_size_in_gbs",
    "listing_type",
    "agent_features",
    "image_volume_details",
    "instance_id",
    "image_source_details",
    "should_include_data_volumes",
    "copy_from",
    "export_to",
    "config_file",
    "profile",
    "region",
    "endpoint",
    "wait_timeout",
    "timeouts",
    "imported",
)


# --------------------------------------------------------------------------- input types
@pulumi.input_type
class ImageArgs:
    """The arguments of :class:`Image`: the seed's arguments, plus optional connection settings."""

    def __init__(
        self,
        *,
        compartment_id: pulumi.Input[str],
        instance_id: pulumi.Input[str] | None = None,
        display_name: pulumi.Input[str] | None = None,
        launch_mode: pulumi.Input[str] | None = None,
        image_source_details: pulumi.Input[ImageImageSourceDetailsArgs | Mapping[str, Any]] | None = None,
        launch_options: pulumi.Input[ImageLaunchOptionsArgs | Mapping[str, Any]] | None = None,
        should_include_data_volumes: pulumi.Input[bool] | None = None,
        freeform_tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        defined_tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        copy_from: pulumi.Input[ImageCopyFromArgs | Mapping[str, Any]] | None = None,
        export_to: pulumi.Input[ImageExportToArgs | Mapping[str, Any]] | None = None,
        config_file: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        region: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
        timeouts: pulumi.Input[TimeoutsArgs | Mapping[str, str]] | None = None,
    ) -> None:
        pulumi.set(self, "compartment_id", compartment_id)
        for name, value in (
            ("instance_id", instance_id),
            ("display_name", display_name),
            ("launch_mode", launch_mode),
            ("image_source_details", image_source_details),
            ("launch_options", launch_options),
            ("should_include_data_volumes", should_include_data_volumes),
            ("freeform_tags", freeform_tags),
            ("defined_tags", defined_tags),
            ("copy_from", copy_from),
            ("export_to", export_to),
            ("config_file", config_file),
            ("profile", profile),
            ("region", region),
            ("endpoint", endpoint),
            ("wait_timeout", wait_timeout),
            ("timeouts", timeouts),
        ):
            if value is not None:
                pulumi.set(self, name, value)

    @property
    @pulumi.getter
    def compartment_id(self) -> pulumi.Input[str]:
        """(Required) The OCID of the compartment containing the instance you want to use as the basis
        for the image (and where the image is created). Changing it replaces the image."""
        return pulumi.get(self, "compartment_id")

    @property
    @pulumi.getter
    def instance_id(self) -> pulumi.Input[str] | None:
        """The OCID of the instance to use as the basis for the image (required when not specifying
        ``image_source_details``). Changing it replaces the image."""
        return pulumi.get(self, "instance_id")

    @property
    @pulumi.getter
    def display_name(self) -> pulumi.Input[str] | None:
        """(Updatable) A user-friendly name for the image. imageops finds an image again by it within
        the compartment, so an interrupted create is adopted instead of duplicated."""
        return pulumi.get(self, "display_name")

    @property
    @pulumi.getter
    def launch_mode(self) -> pulumi.Input[str] | None:
        """NATIVE, EMULATED, PARAVIRTUALIZED, VDPA or CUSTOM (CUSTOM uses ``launch_options``).
        Changing it replaces the image."""
        return pulumi.get(self, "launch_mode")

    @property
    @pulumi.getter
    def image_source_details(self) -> pulumi.Input[ImageImageSourceDetailsArgs | Mapping[str, Any]] | None:
        """Details for creating an image through import from Object Storage (exclusive with
        ``instance_id``). Changing it replaces the image."""
        return pulumi.get(self, "image_source_details")

    @property
    @pulumi.getter
    def launch_options(self) -> pulumi.Input[ImageLaunchOptionsArgs | Mapping[str, Any]] | None:
        """Launch options (with ``launch_mode`` CUSTOM). Changing them replaces the image."""
        return pulumi.get(self, "launch_options")

    @property
    @pulumi.getter
    def should_include_data_volumes(self) -> pulumi.Input[bool] | None:
        """Include the instance's attached data volumes in the image (``instance_id`` only)."""
        return pulumi.get(self, "should_include_data_volumes")

    @property
    @pulumi.getter
    def freeform_tags(self) -> pulumi.Input[Mapping[str, pulumi.Input[str]]] | None:
        """(Updatable) Free-form tags, e.g. ``{"Department": "Finance"}``."""
        return pulumi.get(self, "freeform_tags")

    @property
    @pulumi.getter
    def defined_tags(self) -> pulumi.Input[Mapping[str, pulumi.Input[str]]] | None:
        """(Updatable) Defined tags as ``"namespace.key" -> value``, e.g.
        ``{"Operations.CostCenter": "42"}``."""
        return pulumi.get(self, "defined_tags")

    @property
    @pulumi.getter
    def copy_from(self) -> pulumi.Input[ImageCopyFromArgs | Mapping[str, Any]] | None:
        """Copy an image from another region into ``region`` instead of ``instance_id`` or
        ``image_source_details`` (requires ``display_name``): ExportImage there, an import here. A
        re-run after an interruption resumes without exporting twice. Changing it replaces the image."""
        return pulumi.get(self, "copy_from")

    @property
    @pulumi.getter
    def export_to(self) -> pulumi.Input[ImageExportToArgs | Mapping[str, Any]] | None:
        """(Updatable) Also export the image to Object Storage; skipped when the object exists.
        Changing it exports again (to the new object) without touching the image."""
        return pulumi.get(self, "export_to")

    @property
    @pulumi.getter
    def config_file(self) -> pulumi.Input[str] | None:
        """OCI CLI config file (default: ``imageops:ociConfigFile``, then the environment)."""
        return pulumi.get(self, "config_file")

    @property
    @pulumi.getter
    def profile(self) -> pulumi.Input[str] | None:
        """Profile in the config file (default: ``imageops:ociProfile``, ``OCI_CLI_PROFILE``, DEFAULT)."""
        return pulumi.get(self, "profile")

    @property
    @pulumi.getter
    def region(self) -> pulumi.Input[str] | None:
        """Region (default: ``imageops:ociRegion``, then the profile's). Changing it replaces the image."""
        return pulumi.get(self, "region")

    @property
    @pulumi.getter
    def endpoint(self) -> pulumi.Input[str] | None:
        """API endpoint override (default: ``imageops:ociEndpoint``, ``IMAGEOPS_OCI_ENDPOINT``)."""
        return pulumi.get(self, "endpoint")

    @property
    @pulumi.getter
    def wait_timeout(self) -> pulumi.Input[float] | None:
        """Seconds to wait for the image to become AVAILABLE (or DELETED); default 1800. The Python
        dynamic-provider server does not pass ``CustomTimeouts`` to providers, hence this input."""
        return pulumi.get(self, "wait_timeout")

    @property
    @pulumi.getter
    def timeouts(self) -> pulumi.Input[TimeoutsArgs | Mapping[str, str]] | None:
        """Per-operation wait limits (``create``/``update``/``delete``, e.g. ``"30m"``); an entry wins
        over ``wait_timeout``. Unset, taken from ``ResourceOptions(custom_timeouts=...)``."""
        return pulumi.get(self, "timeouts")


# --------------------------------------------------------------------------- the resource
class Image(pulumi.dynamic.Resource, module="oci", name="Image"):
    """An OCI custom image, created from an instance, imported from Object Storage, or copied from
    another region (``copy_from``); ``export_to`` also exports it to Object Storage.

    The resource type is ``pulumi-python:dynamic/oci:Image``. ``display_name``, ``freeform_tags`` and
    ``defined_tags`` change in place; any other argument change replaces the image (deleted first
    when the new image would carry the same ``display_name`` in the same compartment).
    """

    base_image_id: pulumi.Output[str | None]
    """The OCID of the image originally used to launch the instance."""
    compartment_id: pulumi.Output[str]
    """The OCID of the compartment containing the image."""
    create_image_allowed: pulumi.Output[bool | None]
    """Whether instances launched with this image can be used to create new images."""
    defined_tags: pulumi.Output[Mapping[str, str]]
    """Defined tags, ``"namespace.key" -> value``."""
    display_name: pulumi.Output[str | None]
    """The user-friendly name of the image."""
    freeform_tags: pulumi.Output[Mapping[str, str]]
    """Free-form tags."""
    launch_mode: pulumi.Output[str | None]
    """The configuration mode for launching VM instances (NATIVE, EMULATED, PARAVIRTUALIZED, CUSTOM...)."""
    launch_options: pulumi.Output[ImageLaunchOptions | None]
    """The launch options: boot_volume_type, firmware, network_type, remote_data_volume_type..."""
    operating_system: pulumi.Output[str | None]
    """The image's operating system, e.g. ``Oracle Linux``."""
    operating_system_version: pulumi.Output[str | None]
    """The image's operating system version, e.g. ``7.2``."""
    size_in_mbs: pulumi.Output[int | None]
    """Image size in MB (1 MB = 1048576 bytes)."""
    state: pulumi.Output[str]
    """The current lifecycle state: PROVISIONING, IMPORTING, AVAILABLE, EXPORTING, DISABLED, DELETED."""
    time_created: pulumi.Output[str | None]
    """When the image was created, RFC 3339."""
    billable_size_in_gbs: pulumi.Output[int | None]
    """The billable size of the image in GB (GetImage extra)."""
    listing_type: pulumi.Output[str | None]
    """The listing type of the image (GetImage extra)."""
    agent_features: pulumi.Output[ImageAgentFeatures | None]
    """Oracle Cloud Agent features supported on the image (GetImage extra)."""
    image_volume_details: pulumi.Output[Mapping[str, Any] | None]
    """Data volumes included in the image (GetImage extra)."""
    instance_id: pulumi.Output[str | None]
    """The instance the image was built from, as given."""
    image_source_details: pulumi.Output[ImageImageSourceDetails | None]
    """The Object Storage source the image was imported from, as given."""
    should_include_data_volumes: pulumi.Output[bool | None]
    """Whether data volumes were included, as given."""
    copy_from: pulumi.Output[ImageCopyFrom | None]
    """The region copy the image was made by, as given."""
    export_to: pulumi.Output[ImageExportTo | None]
    """Where the image was exported to, as given."""
    config_file: pulumi.Output[str | None]
    """The OCI config file input, if set."""
    profile: pulumi.Output[str | None]
    """The OCI profile input, if set."""
    region: pulumi.Output[str | None]
    """The region input, if set."""
    endpoint: pulumi.Output[str | None]
    """The endpoint input, if set."""
    wait_timeout: pulumi.Output[float | None]
    """The wait timeout input, if set."""
    timeouts: pulumi.Output[ImageTimeouts | None]
    """The timeouts block (given, or from ``custom_timeouts``), if set."""
    imported: pulumi.Output[bool | None]
    """True when the image was read into the state by import (``import_``, ``pulumi import``) rather
    than created: its create-only sources (``instance_id``, ``image_source_details``) are unknown."""

    def __init__(
        self,
        resource_name: str,
        args: ImageArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Create an image.

        :param resource_name: the Pulumi name of the resource.
        :param args: the arguments as an :class:`ImageArgs`; or pass them as keyword arguments.
        :param opts: resource options (``id=`` reads an existing image, as :meth:`get` does).
        """
        props = resource_props(
            args,
            kwargs,
            arg_names=_arg_names(),
            output_names=OUTPUT_NAMES,
            required=("compartment_id",),
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
        config_file: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        region: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
    ) -> Image:
        """Read an existing image by OCID, without managing it (as every Pulumi provider's ``get``).

        :param resource_name: the Pulumi name of the resulting resource.
        :param id: the OCID of the image.
        :param opts: resource options.
        :param config_file, profile, region, endpoint: how to reach it, when not the defaults.
        """
        connection = given(config_file=config_file, profile=profile, region=region, endpoint=endpoint)
        return Image(resource_name, opts=read_options(id, opts), **connection)


def _arg_names() -> tuple[str, ...]:
    return (
        "compartment_id",
        "instance_id",
        "display_name",
        "launch_mode",
        "image_source_details",
        "launch_options",
        "should_include_data_volumes",
        "freeform_tags",
        "defined_tags",
        "copy_from",
        "export_to",
        "config_file",
        "profile",
        "region",
        "endpoint",
        "wait_timeout",
        "timeouts",
    )
