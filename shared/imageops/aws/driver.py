"""The AWS AMI driver: :class:`imageops.driver.ImageDriver` over :class:`Ec2Api`.

States: ``pending`` is pending, ``available`` (and ``disabled``: it exists) available, ``failed``,
``error`` and ``invalid`` failed (the reconciler replaces it), ``deregistered`` deleted; an AMI that
DescribeImages no longer returns is deleted. An unknown word is pending.

Reads: ``get`` is one DescribeImages by ImageId, ``find`` one DescribeImages for ``Owner=self`` and the
``name`` filter. Launch permissions are not in DescribeImages: only a spec that manages them costs a
DescribeImageAttribute, through :meth:`AwsDriver.pending_changes`.

Creates: AMI names are unique per account and region. CopyImage carries a deterministic
``ClientToken`` (the spec's retry token), so a resent copy is answered with the AMI it made.
CreateImage and RegisterImage have no token: an attempt whose answer was lost is never resent blindly
- the driver looks the name up, adopts the AMI if the request had made it, and only otherwise sends it
again; ``InvalidAMIName.Duplicate`` means an earlier attempt made it, and it is adopted too. A create
interrupted for good is adopted by name on the next run, like any existing AMI.

Deletes: DeregisterImage with ``DeleteAssociatedSnapshots`` (``delete_snapshots``, default true) for
an AMI whose snapshots were made for it - created from an instance or copied (Terraform's
``manage_ebs_snapshots``): EC2 deletes them in the same call, so a run killed mid-delete leaves no
snapshot behind. A snapshot the answer does not report deleted is deleted with DeleteSnapshot. The
snapshots an AMI was registered from are the user's and are kept.
"""

from __future__ import annotations

import builtins
import contextlib
from collections.abc import Callable
from typing import Any

from imageops.aws.api import Ec2Api
from imageops.aws.mapping import (
    create_params,
    image_from_xml,
    normalise_state,
    permission_changes,
    permissions_from_xml,
)
from imageops.aws.spec import AwsImageSpec, normalise_time
from imageops.create_once import NameAdoptingDriver
from imageops.driver import PollPolicy
from imageops.errors import (
    AmbiguousImageError,
    CloudError,
    ConflictError,
    NotFoundError,
)
from imageops.model import Image
from imageops.reconcile import NOTHING_PENDING, Change, Pending
from imageops.redact import get_logger
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

__all__ = ["AwsDriver", "image_from_xml", "normalise_state", "permission_changes"]

log = get_logger("imageops.aws.driver")

SNAPSHOT_DELETE_ATTEMPTS = 6
DUPLICATE_NAME = "InvalidAMIName.Duplicate"


class AwsDriver(NameAdoptingDriver):
    """AWS AMIs through the neutral driver protocol."""

    cloud = "aws"
    spec_type: type[ImageSpec] = AwsImageSpec

    def __init__(
        self,
        api: Ec2Api,
        *,
        region: str,
        poll: PollPolicy | None = None,
        max_token_attempts: int = 10,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(api, poll=poll, max_token_attempts=max_token_attempts, sleep=sleep)
        self.region = region

    def _spec(self, spec: ImageSpec) -> AwsImageSpec:
        checked: AwsImageSpec = self.checked_spec(spec)
        return checked

    def _image(self, data: dict[str, Any]) -> Image:
        return image_from_xml(data, self.region)

    # reads -------------------------------------------------------------------------------------------
    def get(self, image_id: str) -> Image | None:
        try:
            found = self.api.describe_images({"ImageId": [image_id]})
        except NotFoundError:
            return None
        match = [i for i in found if isinstance(i, dict) and i.get("imageId") == image_id]
        if not match or match[0].get("imageState") == "deregistered":
            return None
        return self._image(match[0])

    def _named(self, name: str) -> list[dict[str, Any]]:
        found = self.api.describe_images({"Owner": ["self"], "Filter": [{"Name": "name", "Value": [name]}]})
        return [
            i
            for i in found
            if isinstance(i, dict) and i.get("name") == name and i.get("imageState") != "deregistered"
        ]

    def find(self, spec: ImageSpec) -> Image | None:
        spec = self._spec(spec)
        if spec.name is None:
            return None
        matches = self._named(spec.name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("imageId")) for m in matches])
        return self._image(matches[0]) if matches else None

    def list(self, spec: ImageSpec, *, states: list[str] | None = None) -> list[Image]:
        """This account's AMIs in the region (named ``name`` when the spec has one)."""
        spec = self._spec(spec)
        filters: list[dict[str, Any]] = []
        if spec.name is not None:
            filters.append({"Name": "name", "Value": [spec.name]})
        if states:
            filters.append({"Name": "state", "Value": list(states)})
        found = self.api.describe_images({"Owner": ["self"], "Filter": filters})
        return [
            self._image(i) for i in found if isinstance(i, dict) and i.get("imageState") != "deregistered"
        ]

    def launch_permissions(self, image_id: str) -> dict[str, builtins.list[str]]:
        """The AMI's launch permissions (one DescribeImageAttribute), by the spec's list names."""
        return permissions_from_xml(self.api.launch_permissions(image_id))

    def pending_changes(self, desired: ImageSpec, observed: Image | None) -> Pending:
        """The launch permissions, when the spec manages them and the AMI exists (one
        DescribeImageAttribute): EC2 does not report them with the image."""
        spec = self._spec(desired)
        if spec.launch_permissions is None or observed is None:
            return NOTHING_PENDING
        wanted = spec.launch_permissions.given()
        live = self.launch_permissions(observed.id)
        before = {name: live[name] for name in wanted}
        if before == wanted:
            return NOTHING_PENDING
        return Pending((Change("launch_permissions", before, wanted, replace=False),))

    # writes ------------------------------------------------------------------------------------------
    def create(self, spec: ImageSpec, *, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Image:
        """CreateImage, RegisterImage or CopyImage (adopting an AMI a lost attempt made), then the
        launch permissions and the deprecation time; one DescribeImages for the result."""
        spec = self._spec(spec)
        params = create_params(spec)
        image_id = self._copy(spec, params) if spec.source == "copy" else self._create_once(spec, params)
        if spec.launch_permissions is not None:
            change = permission_changes({}, spec.launch_permissions.given())
            if change:
                self.api.modify_image_attribute(image_id, {"LaunchPermission": change})
        if spec.deprecation_time:
            self.api.enable_deprecation(image_id, spec.deprecation_time)
        image = self.get(image_id)
        if image is None:
            raise CloudError(
                f"AMI {image_id} was made but is not found", code="NotFound", operation="DescribeImages"
            )
        return image

    def _copy(self, spec: AwsImageSpec, params: dict[str, Any]) -> str:
        for attempt, token in enumerate(self.creation_tokens(spec.retry_token)):
            try:
                image_id = self.api.copy_image({**params, "ClientToken": token})
            except ConflictError as exc:
                if exc.code != DUPLICATE_NAME:
                    raise
                adopted = self.until_listed(lambda: self._adopt(spec))
                if adopted is None:
                    raise
                log.info("CopyImage: AMI %s already holds the name; adopting it", adopted)
                return adopted
            if self.get(image_id) is not None:
                return image_id
            log.info(
                "CopyImage replayed client token %d with deregistered AMI %s; next token", attempt, image_id
            )
        raise ConflictError(
            "even a fresh client token was answered with a deregistered AMI",
            code="ClientTokenExhausted",
            operation="CopyImage",
        )

    def _create_once(self, spec: AwsImageSpec, params: dict[str, Any]) -> str:
        """CreateImage or RegisterImage, resent only when a lookup by name shows the lost attempt
        made nothing."""
        send = self.api.create_image if spec.source == "instance" else self.api.register_image
        return self.create_once(
            lambda: send(params),
            lambda: self._adopt(spec),
            operation="CreateImage" if spec.source == "instance" else "RegisterImage",
            noun="AMI",
            name_taken=DUPLICATE_NAME,
            log=log,
        )

    def _adopt(self, spec: AwsImageSpec) -> str | None:
        assert spec.name is not None
        matches = self._named(spec.name)
        if len(matches) > 1:
            raise AmbiguousImageError(spec.describe_key(), [str(m.get("imageId")) for m in matches])
        return str(matches[0]["imageId"]) if matches else None

    def update(
        self, image: Image, spec: ImageSpec, values: dict[str, Any], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Image:
        """ModifyImageAttribute, tag and deprecation calls for what changed (no wait)."""
        self._spec(spec)
        updatable = {"description", "tags", "deprecation_time", "launch_permissions", "delete_snapshots"}
        unknown = set(values) - updatable
        if unknown:
            raise ValueError(f"not updatable in place on AWS: {', '.join(sorted(unknown))}")
        wrote = False
        if "description" in values:
            self.api.modify_image_attribute(image.id, {"Description": {"Value": values["description"] or ""}})
            wrote = True
        if "tags" in values:
            want = dict(values["tags"] or {})
            gone = [k for k in image.tags if k not in want]
            new = {k: v for k, v in sorted(want.items()) if image.tags.get(k) != v}
            if gone:
                self.api.delete_tags([image.id], gone)
            if new:
                self.api.create_tags([image.id], new)
            wrote = wrote or bool(gone or new)
        if "deprecation_time" in values:
            when = values["deprecation_time"]
            if when:
                self.api.enable_deprecation(image.id, normalise_time(when) or when)
            else:
                self.api.disable_deprecation(image.id)
            wrote = True
        if values.get("launch_permissions") is not None:
            change = permission_changes(self.launch_permissions(image.id), values["launch_permissions"])
            if change:
                self.api.modify_image_attribute(image.id, {"LaunchPermission": change})
                wrote = True
        return (self.get(image.id) or image) if wrote else image

    def delete(self, image_id: str, *, delete_snapshots: bool = True) -> None:
        """DeregisterImage, deleting the snapshots made for the AMI in the same call (see the module
        doc); an AMI or snapshot already gone is a success."""
        image = self.get(image_id)
        if image is None:
            return
        snapshots = (
            [d["snapshot_id"] for d in image.attributes["ebs_block_devices"] if d.get("snapshot_id")]
            if delete_snapshots and image.attributes.get("manage_ebs_snapshots")
            else []
        )
        results: dict[str, str] = {}
        with contextlib.suppress(NotFoundError):
            results = self.api.deregister_image(image_id, delete_snapshots=bool(snapshots))
        for snapshot_id in snapshots:
            if results.get(snapshot_id) not in ("success", "skipped"):  # skipped: another AMI uses it
                self._delete_snapshot(snapshot_id)

    def _delete_snapshot(self, snapshot_id: str) -> None:
        delays = self.poll.delays()
        for attempt in range(1, SNAPSHOT_DELETE_ATTEMPTS + 1):
            try:
                self.api.delete_snapshot(snapshot_id)
                return
            except NotFoundError:
                return
            except ConflictError:  # still in use for a moment after DeregisterImage
                if attempt == SNAPSHOT_DELETE_ATTEMPTS:
                    raise
                delay = next(delays)
                log.info("snapshot %s still in use; deleting it again in %.2fs", snapshot_id, delay)
                (self._sleep or _sleep)(delay)


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)
