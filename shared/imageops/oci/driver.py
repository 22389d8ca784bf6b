"""The OCI image driver: :class:`imageops.driver.ImageDriver` over :class:`OciComputeApi`.

States: PROVISIONING, IMPORTING and EXPORTING are *pending* (the image is being built or exported
and will be AVAILABLE again), AVAILABLE is *available*, DELETED is *deleted*, and DISABLED is
*failed*: a disabled image cannot launch instances, so it does not satisfy a desired image and the
reconciler replaces it. An unknown future state is *pending* (wait rather than destroy).

Reads: ``get`` is exactly one GetImage, ``find`` one ListImages (more only if the key spans pages).
Creates always carry ``opc-retry-token = spec.retry_token(attempt)``: a create whose answer was lost
is answered again with the same image. When the cloud replays a token whose image has since been
deleted, the driver moves to the next attempt's token (at most ``max_token_attempts`` times).

``copy_from`` and ``export_to`` go through Object Storage (:mod:`imageops.oci.copy`) and need
``regions``, the factory of same-credential drivers for other regions that :func:`imageops.oci.connect`
passes. Both run to the end inside ``create``/``update`` (an export or import of a large image takes
a while); every wait they make is bounded by the ``timeout`` of the call, which
:func:`imageops.reconcile.apply` sets to the operation's (:mod:`imageops.timeouts`: the user's
``timeouts.<operation>``, else ``wait_timeout``, else the default).

Whether an existing image still needs its ``export_to`` is part of the plan:
:meth:`OciDriver.pending_changes` (one HeadObject, and a GetNamespace without ``namespace_name``)
reports an in-place ``export_to`` change when the object is missing, and the ``exported`` and
``export_object`` results; ``update`` then exports. For a new copy it also checks, before anything is
written, that the source image can be seen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from imageops.driver import PollingDriver, PollPolicy
from imageops.errors import AmbiguousImageError, ConfigError, ConflictError, NotFoundError
from imageops.model import Image, ImageState
from imageops.oci import copy as transfer
from imageops.oci.api import OciComputeApi
from imageops.oci.spec import ExportTo, OciImageSpec
from imageops.reconcile import NOTHING_PENDING, Change, Pending
from imageops.redact import get_logger
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

__all__ = [
    "LAUNCH_OPTION_FIELDS",
    "OciDriver",
    "create_body",
    "flatten_defined_tags",
    "image_from_json",
    "unflatten_defined_tags",
    "update_body",
]

log = get_logger("imageops.oci.driver")

#: The largest ListImages page (``limit`` maximum): listing N images is ceil(N / 1000) calls.
MAX_PAGE = 1000

_STATES: dict[str, ImageState] = {
    "PROVISIONING": ImageState.PENDING,
    "IMPORTING": ImageState.PENDING,
    "EXPORTING": ImageState.PENDING,
    "AVAILABLE": ImageState.AVAILABLE,
    "DISABLED": ImageState.FAILED,
    "DELETED": ImageState.DELETED,
}


def normalise_state(raw_state: str) -> ImageState:
    """OCI lifecycle word -> neutral state; an unknown word is pending (wait, never destroy)."""
    return _STATES.get(raw_state, ImageState.PENDING)


# snake_case (seed) -> camelCase (API)
LAUNCH_OPTION_FIELDS: dict[str, str] = {
    "boot_volume_type": "bootVolumeType",
    "firmware": "firmware",
    "network_type": "networkType",
    "remote_data_volume_type": "remoteDataVolumeType",
    "is_pv_encryption_in_transit_enabled": "isPvEncryptionInTransitEnabled",
    "is_consistent_volume_naming_enabled": "isConsistentVolumeNamingEnabled",
}
_SOURCE_FIELDS: dict[str, str] = {
    "source_type": "sourceType",
    "bucket_name": "bucketName",
    "namespace_name": "namespaceName",
    "object_name": "objectName",
    "source_uri": "sourceUri",
    "source_image_type": "sourceImageType",
    "operating_system": "operatingSystem",
    "operating_system_version": "operatingSystemVersion",
}
_UPDATABLE: dict[str, str] = {
    "display_name": "displayName",
    "freeform_tags": "freeformTags",
    "defined_tags": "definedTags",
}


def flatten_defined_tags(tags: dict[str, dict[str, Any]] | None) -> dict[str, str]:
    """``{"Operations": {"CostCenter": "42"}}`` -> ``{"Operations.CostCenter": "42"}`` (as the seed)."""
    flat: dict[str, str] = {}
    for namespace, values in (tags or {}).items():
        for key, value in (values or {}).items():
            flat[f"{namespace}.{key}"] = value if isinstance(value, str) else str(value)
    return flat


def unflatten_defined_tags(tags: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """``{"Operations.CostCenter": "42"}`` -> ``{"Operations": {"CostCenter": "42"}}`` (as the API)."""
    nested: dict[str, dict[str, str]] = {}
    for flat_key, value in (tags or {}).items():
        namespace, _, key = flat_key.partition(".")
        nested.setdefault(namespace, {})[key] = value
    return nested


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _launch_options(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    return {snake: data.get(camel) for snake, camel in LAUNCH_OPTION_FIELDS.items()}


def _agent_features(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    return {
        "is_management_supported": data.get("isManagementSupported"),
        "is_monitoring_supported": data.get("isMonitoringSupported"),
    }


def _image_volume_details(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    volumes = data.get("dataVolumes")
    return {
        "data_volumes": [
            {"display_name": v.get("displayName"), "index": v.get("index"), "size_in_mbs": v.get("sizeInMBs")}
            for v in (volumes or [])
            if isinstance(v, dict)
        ]
    }


def image_from_json(data: dict[str, Any], region: str | None = None) -> Image:
    """OCI's Image JSON -> the neutral :class:`Image`; ``attributes`` has every seed attribute."""
    raw_state = str(data.get("lifecycleState") or "UNKNOWN")
    freeform = dict(data.get("freeformTags") or {})
    attributes: dict[str, Any] = {
        "base_image_id": data.get("baseImageId"),
        "compartment_id": data.get("compartmentId"),
        "create_image_allowed": data.get("createImageAllowed"),
        "defined_tags": flatten_defined_tags(data.get("definedTags")),
        "display_name": data.get("displayName"),
        "freeform_tags": freeform,
        "id": data.get("id"),
        "launch_mode": data.get("launchMode"),
        "launch_options": _launch_options(data.get("launchOptions")),
        "operating_system": data.get("operatingSystem"),
        "operating_system_version": data.get("operatingSystemVersion"),
        "size_in_mbs": data.get("sizeInMBs"),
        "state": raw_state,
        "time_created": data.get("timeCreated"),
        # GetImage extras beyond the Terraform seed
        "billable_size_in_gbs": data.get("billableSizeInGBs"),
        "listing_type": data.get("listingType"),
        "agent_features": _agent_features(data.get("agentFeatures")),
        "image_volume_details": _image_volume_details(data.get("imageVolumeDetails")),
    }
    size = data.get("sizeInMBs")
    return Image(
        cloud="oci",
        id=str(data.get("id")),
        name=data.get("displayName"),
        state=normalise_state(raw_state),
        raw_state=raw_state,
        region=region,
        tags={str(k): str(v) for k, v in freeform.items()},
        created=_parse_time(data.get("timeCreated")),
        size_mb=int(size) if isinstance(size, int | float) else None,
        attributes=attributes,
    )


def create_body(spec: OciImageSpec) -> dict[str, Any]:
    """The CreateImage body (``CreateImageDetails``) for ``spec``."""
    body: dict[str, Any] = {"compartmentId": spec.compartment_id}
    if spec.display_name is not None:
        body["displayName"] = spec.display_name
    if spec.instance_id is not None:
        body["instanceId"] = spec.instance_id
    if spec.image_source_details is not None:
        given = spec.image_source_details.given()
        body["imageSourceDetails"] = {_SOURCE_FIELDS[k]: v for k, v in given.items()}
    if spec.launch_mode is not None:
        body["launchMode"] = spec.launch_mode
    if spec.launch_options is not None:
        body["launchOptions"] = {LAUNCH_OPTION_FIELDS[k]: v for k, v in spec.launch_options.given().items()}
    if spec.should_include_data_volumes is not None:
        body["shouldIncludeDataVolumes"] = spec.should_include_data_volumes
    if spec.freeform_tags is not None:
        body["freeformTags"] = dict(spec.freeform_tags)
    if spec.defined_tags is not None:
        body["definedTags"] = unflatten_defined_tags(spec.defined_tags)
    return body


def update_body(values: dict[str, Any]) -> dict[str, Any]:
    """The UpdateImage body (``UpdateImageDetails``) for the in-place ``values`` of a plan."""
    unknown = set(values) - set(_UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable in place on OCI: {', '.join(sorted(unknown))}")
    body: dict[str, Any] = {}
    for name, value in values.items():
        if name == "defined_tags":
            value = unflatten_defined_tags(value)
        elif name == "freeform_tags":
            value = dict(value or {})
        body[_UPDATABLE[name]] = value
    return body


class OciDriver(PollingDriver):
    """OCI custom images through the neutral driver protocol."""

    cloud = "oci"
    spec_type: type[ImageSpec] = OciImageSpec

    def __init__(
        self,
        api: OciComputeApi,
        *,
        region: str | None = None,
        poll: PollPolicy | None = None,
        max_token_attempts: int = 10,
        sleep: Callable[[float], None] | None = None,
        regions: transfer.RegionFactory | None = None,
    ) -> None:
        super().__init__(api, poll=poll, max_token_attempts=max_token_attempts, sleep=sleep)
        self.region = region
        self.regions = regions

    def __repr__(self) -> str:
        return f"OciDriver(region={self.region!r})"

    def _image(self, data: dict[str, Any]) -> Image:
        return image_from_json(data, self.region)

    @staticmethod
    def _spec(spec: ImageSpec) -> OciImageSpec:
        if not isinstance(spec, OciImageSpec):
            raise TypeError(f"OciDriver needs an OciImageSpec, not {type(spec).__name__}")
        return spec

    def get(self, image_id: str) -> Image | None:
        try:
            data, _ = self.api.get_image(image_id)
        except NotFoundError:
            return None
        return self._image(data)

    def _in_compartment(
        self, compartment_id: str, display_name: str | None, lifecycle_state: str | None = None
    ) -> list[dict[str, Any]]:
        """ListImages followed to the end, keeping the compartment's own images (not platform
        images) and, unless a state is asked for, only live ones."""
        return [
            item
            for item in self.api.iter_images(
                compartment_id, display_name=display_name, lifecycle_state=lifecycle_state, limit=MAX_PAGE
            )
            if (lifecycle_state is not None or item.get("lifecycleState") != "DELETED")
            and (display_name is None or item.get("displayName") == display_name)
            and item.get("compartmentId", compartment_id) == compartment_id
        ]

    def find(self, spec: ImageSpec) -> Image | None:
        spec = self._spec(spec)
        key = spec.lookup_key()
        if key is None:
            return None
        matches = self._in_compartment(key["compartment_id"], key["display_name"])
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("id")) for m in matches])
        return self._image(matches[0]) if matches else None

    def list(self, spec: ImageSpec, *, lifecycle_state: str | None = None) -> list[Image]:
        """The compartment's images (named ``display_name`` when the spec has one)."""
        spec = self._spec(spec)
        items = self._in_compartment(spec.compartment_id, spec.display_name, lifecycle_state)
        return [self._image(item) for item in items]

    def _regions(self) -> transfer.RegionFactory:
        if self.regions is None:
            raise ConfigError("copy_from and export_to need a driver made by imageops.oci.connect")
        return self.regions

    def create(self, spec: ImageSpec, *, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Image:
        """CreateImage, or the copy ``copy_from`` asks for, then the export ``export_to`` asks for;
        each wait of the copy and the export is bounded by ``timeout``."""
        spec = self._spec(spec)
        if spec.copy_from is not None:
            image = transfer.copy_image(self, spec, self._regions(), timeout=timeout)
        else:
            image = self.create_from_body(create_body(spec), spec.retry_token)
        if spec.export_to is not None:
            image = self.wait_for(image.id, ImageState.AVAILABLE, timeout)
            self.export(image.id, spec.export_to, timeout=timeout, image=image)
        return image

    def export(
        self,
        image_id: str,
        export: ExportTo,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        image: Image | None = None,
    ) -> bool:
        """Export the image as ``export`` says unless the object is there; True if it exported.
        Waits (at most ``timeout`` seconds each time) for the export, or one already under way.
        ``image`` is the caller's latest read of it, if any (else it is read first: see
        :func:`imageops.oci.copy.ensure_exported` for why the read comes before the object's lookup)."""
        storage, ref, body = transfer.export_target(self, self._regions(), export)
        return transfer.ensure_exported(
            self, storage, image_id, ref, body, timeout=timeout, field="image_id", image=image
        )

    def export_needed(self, export: ExportTo) -> bool:
        """Whether :meth:`export` would export (one HeadObject)."""
        return transfer.export_needed(self, self._regions(), export)

    def pending_changes(self, desired: ImageSpec, observed: Image | None) -> Pending:
        """``export_to`` as a pending in-place change when its object is missing (one HeadObject, and
        a GetNamespace without ``namespace_name``), with the ``exported`` and ``export_object``
        results. A new copy (``observed`` None) first checks that its source can be seen, so that a
        copy that cannot succeed fails before anything is written, in check mode too."""
        spec = self._spec(desired)
        if observed is None and spec.copy_from is not None:
            transfer.check_copy_source(self._regions(), spec.copy_from)
        if spec.export_to is None:
            return NOTHING_PENDING
        storage, ref, _ = transfer.export_target(self, self._regions(), spec.export_to)
        needed = storage.head_object(ref.namespace, ref.bucket, ref.name) is None
        changes = (Change("export_to", None, spec.export_to.given(), replace=False),) if needed else ()
        where = {
            "region": ref.region,
            "namespace_name": ref.namespace,
            "bucket_name": ref.bucket,
            "object_name": ref.name,
        }
        return Pending(changes, {"exported": needed, "export_object": where})

    def create_from_body(self, body: dict[str, Any], token_for: Callable[[int], str]) -> Image:
        """CreateImage with ``token_for(attempt)`` as retry token, moving on past deleted replays."""
        for attempt, token in enumerate(self.creation_tokens(token_for)):
            data, _ = self.api.create_image(body, token)
            image = self._image(data)
            if image.state is not ImageState.DELETED:
                return image
            log.info(
                "CreateImage replayed retry token %d with deleted image %s; trying the next token",
                attempt,
                image.id,
            )
        raise ConflictError(
            "even a fresh retry token was answered with a deleted image",
            code="RetryTokenExhausted",
            operation="CreateImage",
        )

    def update(
        self, image: Image, spec: ImageSpec, values: dict[str, Any], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Image:
        """UpdateImage for the updatable fields of ``values``; an ``export_to`` among them exports
        (unless the object is there by now), each wait bounded by ``timeout``."""
        spec = self._spec(spec)
        values = dict(values)
        export = spec.export_to if values.pop("export_to", None) is not None else None
        if export is not None and self.export(image.id, export, timeout=timeout, image=image):
            image = self.get(image.id) or image  # AVAILABLE again, as the export left it
        if not values:
            return image
        data, _ = self.api.update_image(image.id, update_body(values))
        return self._image(data)

    def close(self) -> None:
        super().close()
        closer = getattr(self.regions, "close", None)
        if closer is not None:
            closer()

    def delete(self, image_id: str) -> None:
        """DeleteImage; an image already gone (404, or 409 because it is DELETED) is a success."""
        try:
            self.api.delete_image(image_id)
        except NotFoundError:
            return
        except ConflictError:
            current = self.get(image_id)
            if current is None or current.state is ImageState.DELETED:
                return
            raise
