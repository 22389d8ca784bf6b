"""One image in many regions, as one Pulumi resource per region.

:func:`fan_out` declares the image in the first region as the arguments say, and in every other region
a copy of it (ECS ``copy_from``, OUTSCALE ``source_image_id``/``source_region_name``, OCI ``copy_from``;
with the neutral :class:`pulumi_images.Image`, ``source.copy`` on any of the three). Each copy takes
the source's ``id`` as an input, so the engine creates the copies once the source exists, all at the
same time: the engine, not this helper, runs them in parallel. Each region is its own resource with
its own state, so a region that fails does not undo the others, and the next ``pulumi up`` only
retries what is missing.

The engine sends every dynamic-resource call to one provider server; ``python -m pulumi.dynamic``
serves 4 calls at a time, so with it 20 copies run 4 at a time. ``pulumi_images.dynamic`` (this
package's server, see ``docs/pulumi.md``) serves more (see :data:`pulumi_images.dynamic.MAX_CALLS`).

    import pulumi_images as images

    golden = images.fan_out(
        images.alicloud.Image, "golden", ["cn-hangzhou", "cn-shanghai", "eu-central-1"],
        image_name="golden", instance_id="i-bp1...", tags={"team": "images"},
    )
    pulumi.export("image_ids", {region: image.id for region, image in golden.items()})

    # the neutral image: the same call on any cloud
    web = images.fan_out(
        images.Image, "web", ["us-ashburn-1", "us-phoenix-1"], cloud="oci", name="web",
        source={"instance": {"id": instance_ocid}}, cloud_options={"compartment_id": compartment},
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import pulumi

from imageops import registry
from imageops.errors import SpecError
from imageops.spec import ImageSpec

__all__ = ["fan_out"]

# A cloud's own resource class lives in the module of this package named after the cloud.
_PACKAGE = "pulumi_images"

_NEUTRAL_MODULE = "pulumi_images.neutral"
# What a neutral copy does not take from the source's arguments: the source (the copy's is the first
# region's image) and the region (the copy's own). Its other neutral fields (name, description, tags)
# are what every cloud's copy keeps, and the rest are connection settings.
_NEUTRAL_NOT_KEPT = ("source", "region")


class ImageClass(Protocol):
    """An ``Image`` resource class of pulumi_images (a cloud's, or the neutral one)."""

    __module__: str
    __qualname__: str

    def __call__(
        self, resource_name: str, args: Any = None, opts: pulumi.ResourceOptions | None = None, **kwargs: Any
    ) -> pulumi.dynamic.Resource: ...


def _cloud_of(resource: ImageClass, props: dict[str, Any]) -> str:
    if resource.__module__ == _NEUTRAL_MODULE:  # pulumi_images.Image: the cloud is an argument
        cloud = props.get("cloud")
        if not isinstance(cloud, str) or cloud not in registry.clouds():
            raise SpecError([("cloud", f"must be a plain string, one of {', '.join(registry.clouds())}")])
        return cloud
    package, _, cloud = resource.__module__.rpartition(".")
    if package == _PACKAGE and cloud in registry.clouds():
        return cloud
    raise TypeError(
        f"fan_out needs an Image resource class of pulumi_images (Image, {', '.join(registry.clouds())}), "
        f"not {resource.__module__}.{resource.__qualname__}"
    )


def _copy_args(
    resource: ImageClass,
    spec_type: type[ImageSpec],
    props: dict[str, Any],
    source_id: Any,
    source_region: str,
) -> dict[str, Any]:
    """The arguments of a copy of the source resource (``source_id`` in ``source_region``).

    A cloud's own resource keeps the spec fields its cloud's copy keeps (``copy_keeps``) and every
    argument that is no spec field (a setting: profile, endpoint, timeouts...), plus the cloud's copy
    source. The neutral resource keeps its neutral fields and settings, the ``cloud_options`` its
    cloud's copy keeps (an OCI compartment, an ECS resource group), and gets ``source.copy``.
    """
    if resource.__module__ != _NEUTRAL_MODULE:
        kept = {
            k: v for k, v in props.items() if k in spec_type.copy_keeps or k not in spec_type.model_fields
        }
        return {**kept, **spec_type.copy_source(source_id, source_region)}
    kept = {k: v for k, v in props.items() if k not in _NEUTRAL_NOT_KEPT}
    options = props.get("cloud_options")
    if isinstance(options, Mapping):  # an Output (not known yet) is passed on whole: check says the rest
        kept["cloud_options"] = {k: v for k, v in options.items() if k in spec_type.copy_keeps}
    return {**kept, "source": {"copy": {"image_id": source_id, "region": source_region}}}


def _check_regions(regions: Sequence[str]) -> list[str]:
    names = list(regions) if not isinstance(regions, str) else []
    problems = []
    if not names:
        problems.append(("regions", "must list at least one region (the first is the source)"))
    elif any(not isinstance(name, str) or not name.strip() for name in names):
        problems.append(("regions", "every region must be a non-empty string"))
    elif len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        problems.append(("regions", f"each region may appear once; repeated: {', '.join(repeated)}"))
    if problems:
        raise SpecError(problems)
    return names


def fan_out(
    resource: ImageClass,
    name: str,
    regions: Sequence[str],
    /,  # positional only: the neutral Image has a ``name`` argument of its own
    opts: pulumi.ResourceOptions | None = None,
    **props: Any,
) -> dict[str, pulumi.dynamic.Resource]:
    """The image ``props`` describe in each of ``regions``: built in the first, copied to the others.

    :param resource: a cloud's ``Image`` class, e.g. :class:`pulumi_images.alicloud.Image`, or the
        neutral :class:`pulumi_images.Image` (then ``cloud`` must be a plain string).
    :param name: the resources are named ``<name>-<region>`` (positional, as are ``resource`` and
        ``regions``: a ``name=`` keyword is the image's ``name`` argument of ``pulumi_images.Image``).
    :param regions: the source region first; each region at most once.
    :param opts: options of every resource (the copies also depend on the source).
    :param props: the ``Image`` arguments (not ``region``). The copies keep what a copy can keep
        (name, description, tags... see ``copy_keeps`` of the cloud's spec in :mod:`imageops`) and the
        connection settings (``profile``, ``endpoint``, ``timeouts``...). A neutral copy keeps
        ``name``, ``description``, ``tags``, the settings and the ``cloud_options`` its cloud's copy
        keeps (OCI ``compartment_id``, ECS ``resource_group_id``...), with ``source.copy`` as source.
    :returns: region -> resource, in the order of ``regions``.
    :raises SpecError: bad ``regions``, a ``region`` argument or (neutral) a ``cloud`` that is no
        plain cloud name, before any resource is declared.
    :raises TypeError: ``resource`` is not an imageops ``Image`` class, or its cloud cannot copy.
    """
    cloud = _cloud_of(resource, props)
    spec_type = registry.spec_type(cloud)
    names = _check_regions(regions)
    if "region" in props:
        raise SpecError([("region", "give the regions in regions, not region")])
    if len(names) > 1 and not spec_type.copy_keeps:
        raise TypeError(f"{cloud} images cannot be copied between regions yet: fan_out needs one region")
    source = resource(f"{name}-{names[0]}", region=names[0], opts=opts, **props)
    resources = {names[0]: source}
    copy_opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[source]))
    copy = _copy_args(resource, spec_type, props, source.id, names[0])
    for region in names[1:]:
        resources[region] = resource(f"{name}-{region}", region=region, opts=copy_opts, **copy)
    return resources
