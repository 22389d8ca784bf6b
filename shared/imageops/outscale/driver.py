"""The OUTSCALE OMI driver: :class:`imageops.driver.ImageDriver` over :class:`OutscaleApi`.

States: ``pending`` is pending, ``available`` available, ``failed`` failed (the reconciler replaces
it); an OMI that ReadImages no longer returns is deleted. An unknown word is pending.

Reads: ``get`` is one ReadImages by ImageIds, ``find`` one ReadImages by ImageNames (more only if the
answer spans pages). ReadImages also shows other accounts' public or shared OMIs; an OMI that is
private and shared with nobody can only be ours, so the account id is only looked up (one
ReadAccounts per driver, unless ``account_id`` was given) when a public or shared OMI carries the
name.

Creates: OUTSCALE has no client token, and OMI names are unique per account. A CreateImage whose
answer was lost (dropped connection, 5xx, throttling) is therefore never resent blindly: the driver
looks the name up, adopts the OMI if the request had made it, and only otherwise sends it again; a
``ResourceConflict`` on the name means an earlier attempt made it, and it is adopted too. A create
interrupted for good is adopted by name on the next run, like any existing OMI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from imageops.create_once import NameAdoptingDriver
from imageops.driver import PollPolicy
from imageops.errors import (
    AmbiguousImageError,
    CloudError,
    NotFoundError,
)
from imageops.model import Image, ImageState
from imageops.outscale.api import OutscaleApi
from imageops.outscale.spec import OutscaleImageSpec
from imageops.redact import get_logger
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

__all__ = ["OutscaleDriver", "create_body", "image_from_json", "normalise_state"]

log = get_logger("imageops.outscale.driver")

_STATES = {"pending": ImageState.PENDING, "available": ImageState.AVAILABLE, "failed": ImageState.FAILED}
_BSU = {
    "delete_on_vm_deletion": "DeleteOnVmDeletion",
    "iops": "Iops",
    "snapshot_id": "SnapshotId",
    "volume_size": "VolumeSize",
    "volume_type": "VolumeType",
}
_CREATE = {
    "image_name": "ImageName",
    "description": "Description",
    "vm_id": "VmId",
    "no_reboot": "NoReboot",
    "source_image_id": "SourceImageId",
    "source_region_name": "SourceRegionName",
    "root_device_name": "RootDeviceName",
    "architecture": "Architecture",
    "file_location": "FileLocation",
    "boot_modes": "BootModes",
    "tpm_mandatory": "TpmMandatory",
    "product_codes": "ProductCodes",
}
#: The largest ReadImages page (``ResultsPerPage`` 1 to 1000): listing N OMIs is ceil(N / 1000) calls.
MAX_PAGE = 1000
NAME_ERROR_CODE = "9015"


def normalise_state(raw_state: str) -> ImageState:
    return _STATES.get(raw_state, ImageState.PENDING)


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        return None


def _mapping(data: dict[str, Any]) -> dict[str, Any]:
    bsu = data.get("Bsu")
    return {
        "device_name": data.get("DeviceName"),
        "virtual_device_name": data.get("VirtualDeviceName"),
        "bsu": {snake: bsu.get(camel) for snake, camel in _BSU.items()} if isinstance(bsu, dict) else None,
    }


def image_from_json(data: dict[str, Any], region: str | None = None) -> Image:
    """OUTSCALE's Image JSON -> the neutral :class:`Image`; ``attributes`` has every seed attribute."""
    raw_state = str(data.get("State") or "unknown")
    tags = [{"key": str(t.get("Key")), "value": str(t.get("Value", ""))} for t in data.get("Tags") or []]
    perms = data.get("PermissionsToLaunch") or {}
    comment = data.get("StateComment") or {}
    sizes = [(m.get("Bsu") or {}).get("VolumeSize") for m in data.get("BlockDeviceMappings") or []]
    attributes: dict[str, Any] = {
        "account_alias": data.get("AccountAlias"),
        "account_id": data.get("AccountId"),
        "architecture": data.get("Architecture"),
        "block_device_mappings": [_mapping(m) for m in data.get("BlockDeviceMappings") or []],
        "boot_modes": list(data.get("BootModes") or []),
        "creation_date": data.get("CreationDate"),
        "description": data.get("Description"),
        "file_location": data.get("FileLocation"),
        "image_id": data.get("ImageId"),
        "image_name": data.get("ImageName"),
        "image_type": data.get("ImageType"),
        "permissions_to_launch": {
            "account_ids": list(perms.get("AccountIds") or []),
            "global_permission": bool(perms.get("GlobalPermission")),
        },
        "product_codes": list(data.get("ProductCodes") or []),
        "root_device_name": data.get("RootDeviceName"),
        "root_device_type": data.get("RootDeviceType"),
        "secure_boot": data.get("SecureBoot"),
        "state": raw_state,
        "state_comment": {
            "state_code": comment.get("StateCode"),
            "state_message": comment.get("StateMessage"),
        },
        "tags": tags,
        "tpm_mandatory": data.get("TpmMandatory"),
    }
    return Image(
        cloud="outscale",
        id=str(data.get("ImageId")),
        name=data.get("ImageName"),
        state=normalise_state(raw_state),
        raw_state=raw_state,
        region=region,
        tags={t["key"]: t["value"] for t in tags},
        created=_parse_time(data.get("CreationDate")),
        size_mb=sum(s for s in sizes if isinstance(s, int)) * 1024
        if any(isinstance(s, int) for s in sizes)
        else None,
        attributes=attributes,
    )


def create_body(spec: OutscaleImageSpec) -> dict[str, Any]:
    """The CreateImage body for ``spec`` (tags and launch permissions follow in their own calls)."""
    given = spec.given()
    body = {camel: given[snake] for snake, camel in _CREATE.items() if snake in given}
    if spec.block_device_mappings is not None:
        body["BlockDeviceMappings"] = [
            {
                **({"DeviceName": m.device_name} if m.device_name else {}),
                **({"VirtualDeviceName": m.virtual_device_name} if m.virtual_device_name else {}),
                **({"Bsu": {_BSU[k]: v for k, v in m.bsu.given().items()}} if m.bsu else {}),
            }
            for m in spec.block_device_mappings
        ]
    return body


def permission_changes(observed: dict[str, Any], wanted: dict[str, Any]) -> list[dict[str, Any]]:
    """UpdateImage ``PermissionsToLaunch`` bodies (Additions, then Removals) from observed to wanted."""
    add: dict[str, Any] = {}
    remove: dict[str, Any] = {}
    if "global_permission" in wanted and wanted["global_permission"] != observed.get("global_permission"):
        (add if wanted["global_permission"] else remove)["GlobalPermission"] = True
    if "account_ids" in wanted:
        have, want = set(observed.get("account_ids") or []), set(wanted["account_ids"] or [])
        if want - have:
            add["AccountIds"] = sorted(want - have)
        if have - want:
            remove["AccountIds"] = sorted(have - want)
    return [{"Additions": add}] * bool(add) + [{"Removals": remove}] * bool(remove)


class OutscaleDriver(NameAdoptingDriver):
    """OUTSCALE OMIs through the neutral driver protocol."""

    cloud = "outscale"
    spec_type: type[ImageSpec] = OutscaleImageSpec

    def __init__(
        self,
        api: OutscaleApi,
        *,
        region: str | None = None,
        account_id: str | None = None,
        poll: PollPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.api = api
        self.region = region
        self._account_id = account_id
        self.poll = poll or PollPolicy()
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"OutscaleDriver(region={self.region!r})"

    @staticmethod
    def _spec(spec: ImageSpec) -> OutscaleImageSpec:
        if not isinstance(spec, OutscaleImageSpec):
            raise TypeError(f"OutscaleDriver needs an OutscaleImageSpec, not {type(spec).__name__}")
        return spec

    def _image(self, data: dict[str, Any]) -> Image:
        return image_from_json(data, self.region)

    def account_id(self) -> str:
        """This account's id (ReadAccounts once, unless given to the driver)."""
        if self._account_id is None:
            accounts = self.api.read_accounts()
            if not accounts:
                raise CloudError(
                    "ReadAccounts returned no account", code="NoAccount", operation="ReadAccounts"
                )
            self._account_id = str(accounts[0]["AccountId"])
        return self._account_id

    def _own(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        def private(item: dict[str, Any]) -> bool:
            perms = item.get("PermissionsToLaunch") or {}
            return not perms.get("GlobalPermission") and not perms.get("AccountIds")

        if self._account_id is None and all(private(i) for i in items):
            return items  # another account's OMI is only visible when public or shared with us
        return [i for i in items if i.get("AccountId") == self.account_id()]

    def get(self, image_id: str) -> Image | None:
        try:
            items = self.api.read_images({"ImageIds": [image_id]})
        except NotFoundError:
            return None
        match = [i for i in items if i.get("ImageId") == image_id]
        return self._image(match[0]) if match else None

    def _named(self, name: str) -> list[dict[str, Any]]:
        filters: dict[str, Any] = {"ImageNames": [name]}
        if self._account_id is not None:
            filters["AccountIds"] = [self._account_id]
        items = self.api.read_images(filters, per_page=MAX_PAGE)
        return [i for i in self._own(items) if i.get("ImageName") == name]

    def find(self, spec: ImageSpec) -> Image | None:
        spec = self._spec(spec)
        if spec.image_name is None:
            return None
        matches = self._named(spec.image_name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("ImageId")) for m in matches])
        return self._image(matches[0]) if matches else None

    def list(self, spec: ImageSpec, *, states: list[str] | None = None) -> list[Image]:
        """This account's OMIs (named ``image_name`` when the spec has one).

        By name it is one ReadImages, as :meth:`find`. Without a name, ReadImages would also list
        every public OMI, and it has no "mine" filter: the account id (ReadAccounts, once) goes in
        ``AccountIds``.
        """
        spec = self._spec(spec)
        if spec.image_name is not None:
            items = self._named(spec.image_name)
            wanted = set(states or ())
            return [self._image(i) for i in items if not wanted or i.get("State") in wanted]
        filters: dict[str, Any] = {"AccountIds": [self.account_id()]}
        if states:
            filters["States"] = list(states)
        return [self._image(i) for i in self.api.read_images(filters, per_page=MAX_PAGE)]

    def create(self, spec: ImageSpec, *, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Image:
        """CreateImage (adopting an OMI a lost attempt made), then its tags and launch permissions;
        a permission change waits, at most ``timeout`` seconds, for the OMI to be built."""
        spec = self._spec(spec)
        data = self._create_once(spec, create_body(spec))
        image = self._image(data)
        if spec.tags:
            self.api.create_tags([image.id], [{"Key": t.key, "Value": t.value} for t in spec.tags])
        if spec.permissions_to_launch is not None:
            wanted = spec.permissions_to_launch.given()
            changes = permission_changes(image.attributes["permissions_to_launch"], wanted)
            if changes:  # UpdateImage needs a built OMI
                image = self.wait_for(image.id, ImageState.AVAILABLE, timeout)
                for change in changes:
                    self.api.update_image(image.id, {"PermissionsToLaunch": change})
        if spec.tags or spec.permissions_to_launch is not None:
            return self.get(image.id) or image
        return image

    def _create_once(self, spec: OutscaleImageSpec, body: dict[str, Any]) -> dict[str, Any]:
        """CreateImage, resent only when a lookup by name shows the lost attempt made nothing."""
        return self.create_once(
            lambda: self.api.create_image(body),
            lambda: self._adopt(spec),
            operation="CreateImage",
            noun="OMI",
            name_taken=NAME_ERROR_CODE,
            log=log,
            describe=lambda image: str(image["ImageId"]),
            can_adopt=spec.image_name is not None,  # without a name there is nothing to look up
        )

    def _adopt(self, spec: OutscaleImageSpec) -> dict[str, Any] | None:
        assert spec.image_name is not None
        matches = self._named(spec.image_name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("ImageId")) for m in matches])
        return matches[0] if matches else None

    def update(
        self, image: Image, spec: ImageSpec, values: dict[str, Any], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Image:
        """UpdateImage and tag calls for what changed (no wait: ``timeout`` is the protocol's)."""
        self._spec(spec)
        unknown = set(values) - {"description", "permissions_to_launch", "product_codes", "tags"}
        if unknown:
            raise ValueError(f"not updatable in place on OUTSCALE: {', '.join(sorted(unknown))}")
        if not values:
            return image
        changes: dict[str, Any] = {}
        if "description" in values:
            changes["Description"] = values["description"] or ""
        if "product_codes" in values:
            changes["ProductCodes"] = list(values["product_codes"] or [])
        if changes:
            self.api.update_image(image.id, changes)
        if "permissions_to_launch" in values:
            for change in permission_changes(
                image.attributes["permissions_to_launch"], values["permissions_to_launch"]
            ):
                self.api.update_image(image.id, {"PermissionsToLaunch": change})
        if "tags" in values:
            self._retag(image, values["tags"] or [])
        return self.get(image.id) or image

    def _retag(self, image: Image, wanted: Iterable[Mapping[str, str]]) -> None:
        want = {t["key"]: t["value"] for t in wanted}
        gone = [{"Key": k, "Value": v} for k, v in image.tags.items() if k not in want]
        new = [{"Key": k, "Value": v} for k, v in sorted(want.items()) if image.tags.get(k) != v]
        if gone:
            self.api.delete_tags([image.id], gone)
        if new:
            self.api.create_tags([image.id], new)

    def delete(self, image_id: str) -> None:
        """DeleteImage; an OMI already gone is a success."""
        try:
            self.api.delete_image(image_id)
        except NotFoundError:
            return
