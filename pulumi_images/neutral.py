"""One image on any cloud as a Pulumi resource: ``pulumi_images.Image``.

The inputs are what every cloud has in common -- ``cloud``, ``name``, ``description``, ``source``
(exactly one of an instance, a snapshot, an import from object storage, a copy from another region),
``tags``, ``region`` -- so one program can declare the "same" image on OCI, OUTSCALE and Alibaba
Cloud in a loop. What only one cloud has goes in ``cloud_options`` under the names of that cloud's own
resource (``pulumi_images.oci.Image``...), and that cloud's rules check it. Underneath, each image is
managed by its cloud's provider exactly as the cloud's own resource would be: same idempotency, same
in-place updates and replacements, same no-call ``diff``.

Credentials never are inputs: they come from the stack configuration of the cloud
(``imageops:ociProfile``, ``imageops:outscaleAccessKey``, ``imageops:alicloudAccessKeyId``...) or from
the environment and the cloud's CLI configuration, as for the cloud's own resource.

Example::

    import pulumi_images as images

    for cloud, instance, options in [
        ("oci", oci_instance_id, {"compartment_id": compartment_id}),
        ("outscale", vm_id, {}),
        ("alicloud", ecs_instance_id, {}),
    ]:
        images.Image(
            f"golden-{cloud}",
            cloud=cloud,
            name="golden-web",
            source=images.ImageSourceArgs(instance=images.ImageSourceInstanceArgs(id=instance)),
            tags={"role": "web"},
            cloud_options=options,
        )
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from pulumi_images._neutral_provider import NeutralImageProvider
from pulumi_images._resource import given, read_options, resource_props, set_given

__all__ = [
    "Image",
    "ImageArgs",
    "ImageSourceArgs",
    "ImageSourceCopyArgs",
    "ImageSourceImportArgs",
    "ImageSourceInstanceArgs",
    "ImageSourceSnapshotArgs",
]

ARG_NAMES: tuple[str, ...] = (
    "cloud",
    "name",
    "description",
    "source",
    "tags",
    "region",
    "cloud_options",
    "config_file",
    "profile",
    "endpoint",
    "wait_timeout",
)
#: Every output of :class:`Image` besides the echoed inputs.
OUTPUT_NAMES: tuple[str, ...] = (*ARG_NAMES, "state", "raw_state", "attributes")


# --------------------------------------------------------------------------- source types
@pulumi.input_type
class ImageSourceInstanceArgs:
    """Build the image from an instance (OCI ``instance_id``, OUTSCALE ``vm_id``, ECS ``instance_id``)."""

    def __init__(self, *, id: pulumi.Input[str]) -> None:
        pulumi.set(self, "id", id)

    @property
    @pulumi.getter
    def id(self) -> pulumi.Input[str]:
        """(Required) The instance's id: an OCI OCID, an OUTSCALE ``i-...``, an ECS ``i-...``."""
        return pulumi.get(self, "id")


@pulumi.input_type
class ImageSourceSnapshotArgs:
    """Build the image from a system disk snapshot (OUTSCALE: as ``/dev/sda1``; ECS ``snapshot_id``).
    OCI cannot: ``check`` fails on ``source.snapshot``."""

    def __init__(self, *, id: pulumi.Input[str]) -> None:
        pulumi.set(self, "id", id)

    @property
    @pulumi.getter
    def id(self) -> pulumi.Input[str]:
        """(Required) The snapshot's id: an OUTSCALE ``snap-...``, an ECS ``s-...``."""
        return pulumi.get(self, "id")


@pulumi.input_type
class ImageSourceImportArgs:
    """Import the image from object storage: OCI ``image_source_details`` (``url``, or ``namespace``,
    ``bucket`` and ``object``), OUTSCALE ``file_location`` (``url``), ECS ``import_from`` (``bucket``
    and ``object`` in OSS)."""

    def __init__(
        self,
        *,
        url: pulumi.Input[str] | None = None,
        namespace: pulumi.Input[str] | None = None,
        bucket: pulumi.Input[str] | None = None,
        object: pulumi.Input[str] | None = None,
        format: pulumi.Input[str] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def url(self) -> pulumi.Input[str] | None:
        """URL of the image file (OCI) or pre-signed URL of the manifest (OUTSCALE)."""
        return pulumi.get(self, "url")

    @property
    @pulumi.getter
    def namespace(self) -> pulumi.Input[str] | None:
        """Object Storage namespace (OCI, with ``bucket`` and ``object``)."""
        return pulumi.get(self, "namespace")

    @property
    @pulumi.getter
    def bucket(self) -> pulumi.Input[str] | None:
        """Bucket of the image file (OCI Object Storage, Alibaba Cloud OSS)."""
        return pulumi.get(self, "bucket")

    @property
    @pulumi.getter
    def object(self) -> pulumi.Input[str] | None:
        """Object name of the image file (OCI Object Storage, Alibaba Cloud OSS)."""
        return pulumi.get(self, "object")

    @property
    @pulumi.getter
    def format(self) -> pulumi.Input[str] | None:
        """Format of the file: OCI ``QCOW2``/``VMDK``; ECS ``RAW``/``VHD``/``QCOW2``/``VMDK``."""
        return pulumi.get(self, "format")


@pulumi.input_type
class ImageSourceCopyArgs:
    """Copy an image from another region into ``region`` (OUTSCALE ``source_image_id`` +
    ``source_region_name``, ECS ``copy_from``, OCI ``copy_from``: an export there, an import here)."""

    def __init__(self, *, image_id: pulumi.Input[str], region: pulumi.Input[str]) -> None:
        pulumi.set(self, "image_id", image_id)
        pulumi.set(self, "region", region)

    @property
    @pulumi.getter
    def image_id(self) -> pulumi.Input[str]:
        """(Required) The id of the image to copy."""
        return pulumi.get(self, "image_id")

    @property
    @pulumi.getter
    def region(self) -> pulumi.Input[str]:
        """(Required) The region the image to copy lives in."""
        return pulumi.get(self, "region")


@pulumi.input_type
class ImageSourceArgs:
    """Where the image comes from: exactly one of ``instance``, ``snapshot``, ``import_``, ``copy``.
    Changing it replaces the image."""

    def __init__(
        self,
        *,
        instance: pulumi.Input[ImageSourceInstanceArgs | Mapping[str, Any]] | None = None,
        snapshot: pulumi.Input[ImageSourceSnapshotArgs | Mapping[str, Any]] | None = None,
        import_: pulumi.Input[ImageSourceImportArgs | Mapping[str, Any]] | None = None,
        copy: pulumi.Input[ImageSourceCopyArgs | Mapping[str, Any]] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def instance(self) -> pulumi.Input[ImageSourceInstanceArgs | Mapping[str, Any]] | None:
        """Build the image from an instance."""
        return pulumi.get(self, "instance")

    @property
    @pulumi.getter
    def snapshot(self) -> pulumi.Input[ImageSourceSnapshotArgs | Mapping[str, Any]] | None:
        """Build the image from a system disk snapshot (OUTSCALE, Alibaba Cloud)."""
        return pulumi.get(self, "snapshot")

    @property
    @pulumi.getter(name="import")
    def import_(self) -> pulumi.Input[ImageSourceImportArgs | Mapping[str, Any]] | None:
        """Import the image from object storage (``import`` on the wire: a Python keyword here)."""
        return pulumi.get(self, "import_")

    @property
    @pulumi.getter
    def copy(self) -> pulumi.Input[ImageSourceCopyArgs | Mapping[str, Any]] | None:
        """Copy an image from another region."""
        return pulumi.get(self, "copy")


# --------------------------------------------------------------------------- the arguments
@pulumi.input_type
class ImageArgs:
    """The arguments of :class:`Image`: the neutral fields, ``cloud_options``, connection settings."""

    def __init__(
        self,
        *,
        cloud: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        source: pulumi.Input[ImageSourceArgs | Mapping[str, Any]] | None = None,
        tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        region: pulumi.Input[str] | None = None,
        cloud_options: pulumi.Input[Mapping[str, Any]] | None = None,
        config_file: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
    ) -> None:
        set_given(self, locals())

    @property
    @pulumi.getter
    def cloud(self) -> pulumi.Input[str]:
        """(Required) ``oci``, ``outscale`` or ``alicloud``. Changing it replaces the image."""
        return pulumi.get(self, "cloud")

    @property
    @pulumi.getter
    def name(self) -> pulumi.Input[str] | None:
        """The image's name (OCI ``display_name``, OUTSCALE and ECS ``image_name``); the image is found
        again by it, so an interrupted create is adopted. In place on OCI and ECS; on OUTSCALE a new
        name replaces the image."""
        return pulumi.get(self, "name")

    @property
    @pulumi.getter
    def description(self) -> pulumi.Input[str] | None:
        """(Updatable) A description (OUTSCALE, Alibaba Cloud). OCI images have none: refused there."""
        return pulumi.get(self, "description")

    @property
    @pulumi.getter
    def source(self) -> pulumi.Input[ImageSourceArgs | Mapping[str, Any]] | None:
        """Where the image comes from (required to create one). Changing it replaces the image."""
        return pulumi.get(self, "source")

    @property
    @pulumi.getter
    def tags(self) -> pulumi.Input[Mapping[str, pulumi.Input[str]]] | None:
        """(Updatable) Tags as a map (OCI ``freeform_tags``, OUTSCALE key/value ``tags``, ECS ``tags``)."""
        return pulumi.get(self, "tags")

    @property
    @pulumi.getter
    def region(self) -> pulumi.Input[str] | None:
        """The region of the image (for a copy, the destination); default: the stack configuration's
        or the environment's. Changing it replaces the image."""
        return pulumi.get(self, "region")

    @property
    @pulumi.getter
    def cloud_options(self) -> pulumi.Input[Mapping[str, Any]] | None:
        """Arguments of the cloud's own resource with no neutral name, under that resource's names:
        ``compartment_id`` (required for OCI), ``launch_mode``; ``no_reboot``; ``platform``... Checked by
        the cloud's rules; an argument a neutral input already sets is refused."""
        return pulumi.get(self, "cloud_options")

    @property
    @pulumi.getter
    def config_file(self) -> pulumi.Input[str] | None:
        """The cloud CLI's configuration file (default: stack configuration, then the environment)."""
        return pulumi.get(self, "config_file")

    @property
    @pulumi.getter
    def profile(self) -> pulumi.Input[str] | None:
        """The profile of that file (default: stack configuration, then the environment)."""
        return pulumi.get(self, "profile")

    @property
    @pulumi.getter
    def endpoint(self) -> pulumi.Input[str] | None:
        """API endpoint override, e.g. the imageops emulator (default: ``IMAGEOPS_<CLOUD>_ENDPOINT``)."""
        return pulumi.get(self, "endpoint")

    @property
    @pulumi.getter
    def wait_timeout(self) -> pulumi.Input[float] | None:
        """Seconds to wait for the image to be available (or deleted); default: the cloud's. The
        provider always waits: outputs are the final image's."""
        return pulumi.get(self, "wait_timeout")


# --------------------------------------------------------------------------- the resource
class Image(pulumi.dynamic.Resource, module="neutral", name="Image"):
    """A machine image on OCI, OUTSCALE or Alibaba Cloud, declared with the fields they share.

    The resource type is ``pulumi-python:dynamic/neutral:Image``; its provider is the cloud's, so what
    changes in place and what replaces the image is what the cloud's own ``Image`` says.
    """

    cloud: pulumi.Output[str]
    """The cloud the image is in."""
    name: pulumi.Output[str | None]
    """The image's name, as the cloud reports it."""
    description: pulumi.Output[str | None]
    """The image's description (OUTSCALE, Alibaba Cloud)."""
    source: pulumi.Output[Mapping[str, Any] | None]
    """The source the image was made from, as given."""
    tags: pulumi.Output[Mapping[str, str]]
    """The image's tags as a map, as the cloud reports them."""
    region: pulumi.Output[str | None]
    """The region of the image (as reported where the cloud reports it, else as given)."""
    cloud_options: pulumi.Output[Mapping[str, Any] | None]
    """The cloud options, as given."""
    state: pulumi.Output[str]
    """The state in the same words on every cloud: ``pending``, ``available``, ``failed``."""
    raw_state: pulumi.Output[str]
    """The state in the cloud's own words (OCI ``AVAILABLE``, ECS ``Available``...)."""
    attributes: pulumi.Output[Mapping[str, Any]]
    """Every output of the cloud's own ``Image`` resource, under its names (``compartment_id``,
    ``image_name``, ``platform``...)."""
    config_file: pulumi.Output[str | None]
    """The config file input, if set."""
    profile: pulumi.Output[str | None]
    """The profile input, if set."""
    endpoint: pulumi.Output[str | None]
    """The endpoint input, if set."""
    wait_timeout: pulumi.Output[float | None]
    """The wait timeout input, if set."""

    def __init__(
        self,
        resource_name: str,
        args: ImageArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declare an image.

        :param resource_name: the Pulumi name of the resource.
        :param args: the arguments as an :class:`ImageArgs`; or pass them as keyword arguments.
        :param opts: resource options (``id=`` reads an existing image, as :meth:`get` does).
        """
        props = resource_props(
            args,
            kwargs,
            arg_names=ARG_NAMES,
            output_names=OUTPUT_NAMES,
            required=("cloud",),
            reading=False,
        )
        cloud = props["cloud"]
        if not isinstance(cloud, str):
            raise TypeError("Image's cloud must be a plain string: it picks the provider")
        super().__init__(NeutralImageProvider(cloud), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        *,
        cloud: str,
        region: pulumi.Input[str] | None = None,
        config_file: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        endpoint: pulumi.Input[str] | None = None,
    ) -> Image:
        """Read an existing image by id, without managing it (as every Pulumi provider's ``get``).

        :param resource_name: the Pulumi name of the resulting resource.
        :param id: the image's id.
        :param opts: resource options.
        :param cloud: the cloud the image is in.
        :param region, config_file, profile, endpoint: how to reach it, when not the defaults.
        """
        connection = given(region=region, config_file=config_file, profile=profile, endpoint=endpoint)
        return Image(resource_name, opts=read_options(id, opts), cloud=cloud, **connection)
