"""One image in many regions, as one Pulumi resource per region.

:func:`fan_out` declares the image in the first region as the arguments say, and in every other region
a copy of it (ECS ``copy_from``, OUTSCALE ``source_image_id``/``source_region_name``). Each copy takes
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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from imageops import registry
from imageops.errors import SpecError

__all__ = ["fan_out"]

# The resource modules of this package, by cloud (a resource class knows its cloud by its module).
_CLOUD_OF_MODULE = {
    "pulumi_images.oci": "oci",
    "pulumi_images.outscale": "outscale",
    "pulumi_images.alicloud": "alicloud",
}


def _cloud_of(resource: type) -> str:
    try:
        return _CLOUD_OF_MODULE[resource.__module__]
    except KeyError:
        raise TypeError(
            f"fan_out needs an Image resource class of pulumi_images (oci, outscale, alicloud), "
            f"not {resource.__module__}.{resource.__qualname__}"
        ) from None


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
    resource: type[pulumi.dynamic.Resource],
    name: str,
    regions: Sequence[str],
    opts: pulumi.ResourceOptions | None = None,
    **props: Any,
) -> dict[str, pulumi.dynamic.Resource]:
    """The image ``props`` describe in each of ``regions``: built in the first, copied to the others.

    :param resource: a cloud's ``Image`` class, e.g. :class:`pulumi_images.alicloud.Image`.
    :param name: the resources are named ``<name>-<region>``.
    :param regions: the source region first; each region at most once.
    :param opts: options of every resource (the copies also depend on the source).
    :param props: the ``Image`` arguments (not ``region``). The copies keep what a copy can keep
        (name, description, tags... see ``copy_keeps`` of the cloud's spec in :mod:`imageops`) and the
        connection settings (``profile``, ``endpoint``, ``timeouts``...).
    :returns: region -> resource, in the order of ``regions``.
    :raises SpecError: bad ``regions`` or a ``region`` argument, before any resource is declared.
    :raises TypeError: ``resource`` is not an imageops ``Image`` class, or its cloud cannot copy.
    """
    cloud = _cloud_of(resource)
    spec_type = registry.spec_type(cloud)
    names = _check_regions(regions)
    if "region" in props:
        raise SpecError([("region", "give the regions in regions, not region")])
    if len(names) > 1 and not spec_type.copy_keeps:
        raise TypeError(f"{cloud} images cannot be copied between regions yet: fan_out needs one region")
    source = resource(f"{name}-{names[0]}", region=names[0], opts=opts, **props)
    resources = {names[0]: source}
    # spec fields a copy does not keep (the source, architecture...) are dropped; settings that are not
    # spec fields (profile, endpoint, timeouts, wait_timeout, the deprecated name alias) are kept
    kept = {
        key: value
        for key, value in props.items()
        if key in spec_type.copy_keeps or key not in spec_type.model_fields
    }
    copy_opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[source]))
    for region in names[1:]:
        copy_source = spec_type.copy_source(source.id, names[0])
        resources[region] = resource(f"{name}-{region}", region=region, opts=copy_opts, **kept, **copy_source)
    return resources
