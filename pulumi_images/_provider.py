"""The one dynamic-resource provider every cloud's ``Image`` resource uses.

:class:`ImageProvider` is pickled into the Pulumi state (``__provider``) by the SDK, with ``dill``. It
therefore holds nothing but the cloud's name: no client, no lock, no credential. Every method builds
its driver inside the call, from (first match wins)

1. the resource's non-secret connection inputs (for OCI ``config_file``, ``profile``, ``region``,
   ``endpoint``),
2. the stack configuration the engine passes to ``configure`` (namespace ``imageops``, for OCI
   ``imageops:ociConfigFile``, ``imageops:ociProfile``, ``imageops:ociRegion``,
   ``imageops:ociEndpoint``, ``imageops:ociTenancy``, ``imageops:ociUser``, ``imageops:ociFingerprint``,
   ``imageops:ociKeyFile``, and the secrets ``imageops:ociKeyContent`` / ``imageops:ociPassPhrase``,
   which stay in the provider process's memory only; ``imageops:ociConfigProfile`` is read as
   ``ociProfile`` when that is unset; the other clouds' keys are in :data:`CONNECTIONS`),
3. the environment and the cloud's own config file, as the core's ``connect`` resolves them.

(pulumi 3.272's ``python -m pulumi.dynamic`` keeps the ``Configure`` arguments, the stack's
configuration with ``namespace:key`` names and secrets unwrapped, and calls ``configure`` once per
deserialized provider with them; the provider keeps them in process memory only, outside the object.)

The provider is split by concern: :mod:`pulumi_images._connecting` (stack configuration, settings,
the driver, timeouts), :mod:`pulumi_images._planning` (``check`` and ``diff``, no API call) and this
module (create, update, delete, read, and the outputs they return).

How each call maps to the core:

* ``check``: ``spec.parse``; every ``SpecError`` entry becomes one ``CheckFailure(field, rule)``.
* ``diff``: ``reconcile.plan`` of the new spec against the image rebuilt from the old outputs, with
  the old inputs as ``previous``: no API call. Replace fields are listed in ``replaces``; the replace
  is delete-before-replace when the new image would carry the old one's idempotency key.
* ``create``: lookup by the idempotency key first (an interrupted create is adopted), then apply.
* ``update``: the in-place part of the plan against the live image.
* ``delete``: the core's ``reconcile.delete`` (delete and wait); an image already gone is a success.
* ``read``: ``pulumi refresh`` and ``Image.get`` (see :meth:`ImageProvider.read`).

Timeouts: the Python dynamic-provider server does not hand ``CustomTimeouts`` to providers, so each
resource takes Terraform's ``timeouts`` block (``{"create": "10m", "update": "10m", "delete": "10m"}``;
the resource classes fill it from ``ResourceOptions(custom_timeouts=...)``). The rule is the core's,
the same as Ansible's (:mod:`imageops.timeouts`): the block's entry for the operation, then
``wait_timeout``, then the cloud's default, then 1800 seconds.

Import: a get or import read marks the outputs ``imported`` (and the read inputs, so the Check of
``pulumi import`` does not ask for the source the cloud never reports); ``diff`` and ``update`` then
take the program's create-only source as given.

Errors: every exception leaves a call as a :class:`ImageProviderError` whose message went through
:func:`imageops.redact.redact` and that carries no chained exception, so neither the message nor the
traceback the server sends to the engine can hold key material or a passphrase. A failed write to
an existing image (an update, a delete) names the image: the core puts its id in the message
(:func:`imageops.errors.about_image`), whether the cloud refused the write or its answer never came.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi import log as pulumi_log
from pulumi.dynamic import CreateResult, ReadResult, ResourceProvider, UpdateResult

import imageops.reconcile as reconcile
from imageops.driver import ImageDriver
from imageops.errors import SpecError
from imageops.model import Image
from imageops.progress import ProgressEvent, ProgressTracker
from imageops.redact import redact
from imageops.spec import ImageSpec
from pulumi_images._connecting import _STACK_CONFIG
from pulumi_images._connections import CONNECTIONS, Connection
from pulumi_images._planning import Planning
from pulumi_images._values import (
    CALL_SETTINGS,
    CONFIG_NAMESPACE,
    IMPORTED,
    PROVIDER_KEY,
    TIMEOUT_OPERATIONS,
    TIMEOUTS,
    UNKNOWN,
    WAIT_TIMEOUT,
    _cut,
    _nested_fields,
    _plain,
    covers,
    is_unknown,
)

__all__ = [  # the names tests and the neutral provider import from here
    "CALL_SETTINGS",
    "CONFIG_NAMESPACE",
    "CONNECTIONS",
    "IMPORTED",
    "PROVIDER_KEY",
    "TIMEOUTS",
    "TIMEOUT_OPERATIONS",
    "UNKNOWN",
    "WAIT_TIMEOUT",
    "_STACK_CONFIG",
    "Connection",
    "ImageProvider",
    "ImageProviderError",
    "_cut",
    "_nested_fields",
    "_plain",
    "covers",
    "is_unknown",
]



class ImageProviderError(Exception):
    """A failed provider call, with a redacted message and no chained exception."""


@contextlib.contextmanager
def _guard(action: str) -> Iterator[None]:
    try:
        yield
    except ImageProviderError:
        raise
    except SpecError as exc:
        raise ImageProviderError(redact(f"{action}: invalid inputs: {exc}")) from None
    except Exception as exc:
        kind = type(exc).__name__
        raise ImageProviderError(redact(f"{action} failed: {kind}: {exc}")) from None


def progress_log(cloud: str, spec: ImageSpec | None = None) -> ProgressTracker:
    """A wait's progress as info lines, one per state change (see docs/progress.md).

    The dynamic-provider server (``python -m pulumi.dynamic``) has no connection to the engine's log
    service, so ``pulumi.log`` writes ``info: ...`` to the plugin's stderr; the engine streams the
    stderr of dynamic-provider plugins into the update's diagnostics as it comes. Not attached to the
    resource (the server does not tell the provider its URN): each line names the image instead.
    """
    key = f" {spec.describe_key()}" if spec is not None else ""

    def log(event: ProgressEvent) -> None:
        pulumi_log.info(f"imageops {cloud} image{key}: {event.line()}")

    return ProgressTracker(log)


class ImageProvider(Planning, ResourceProvider):
    """Generic CRUD over the imageops core for one cloud. Pickled into state: holds ``cloud`` only."""

    serialize_as_secret_always = False  # nothing secret is ever captured; keep the state readable

    def __init__(self, cloud: str) -> None:
        super().__init__()
        if cloud not in CONNECTIONS:
            raise ValueError(f"unknown cloud {cloud!r}; known: {', '.join(CONNECTIONS)}")
        self.cloud = cloud

    # The object that reaches the state is exactly {"cloud": ...}.
    def __getstate__(self) -> dict[str, Any]:
        return {"cloud": self.cloud}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.cloud = state["cloud"]

    # ------------------------------------------------------------------ outputs
    def _outputs(self, props: Mapping[str, Any], given: Mapping[str, Any], image: Image) -> dict[str, Any]:
        """Outputs = the connection inputs and spec inputs as given, overlaid by every attribute the
        cloud reports (what the image really is). ``id``/``urn`` are Pulumi's own."""
        outs: dict[str, Any] = {}
        for name in (*self.connection.inputs, *CALL_SETTINGS):
            if props.get(name) is not None:
                outs[name] = _plain(props[name])
        outs.update(given)
        for key, value in image.attributes.items():
            if key not in ("id", "urn", PROVIDER_KEY):
                outs[key] = value
        return outs

    # ------------------------------------------------------------------ CRUD
    def create(self, props: dict[str, Any]) -> CreateResult:
        with _guard("create"):
            desired = self._parse(props)
            driver = self._connect(props)
            try:
                found = reconcile.lookup(driver, desired, None)
                the_plan = reconcile.plan_live(driver, desired, found, purge_tags=True)
                if the_plan.action is reconcile.Action.REPLACE:
                    assert found is not None
                    raise ImageProviderError(
                        f"image {found.id} already has {desired.describe_key()} but differs in "
                        f"{', '.join(the_plan.replace_fields)}, which cannot change in place: "
                        "rename this resource's image, or delete or rename the existing one"
                    )
                image = reconcile.apply(
                    the_plan, driver, wait=True, timeout=self._timeout(props, "create"),
                    on_progress=progress_log(self.cloud, desired),
                )  # fmt: skip
            finally:
                driver.close()
            assert image is not None
            return CreateResult(image.id, self._outputs(props, desired.given(), image))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _guard("update"):
            desired = self._parse(news)
            previous = self._previous(olds)
            driver = self._connect(news)
            try:
                observed = driver.get(id_)
                if observed is None or not observed.is_live:
                    raise ImageProviderError(
                        f"image {id_} no longer exists: run `pulumi refresh` to drop it from the state"
                    )
                the_plan = reconcile.plan_live(driver, desired, observed, previous=previous, purge_tags=True)
                if the_plan.action is reconcile.Action.REPLACE:
                    raise ImageProviderError(
                        f"image {id_} needs a replacement ({', '.join(the_plan.replace_fields)} changed "
                        "outside Pulumi): run `pulumi refresh`, then `pulumi up`"
                    )
                image = reconcile.apply(
                    the_plan, driver, wait=True, timeout=self._timeout(news, "update"),
                    on_progress=progress_log(self.cloud, desired),
                )  # fmt: skip
            finally:
                driver.close()
            assert image is not None
            return UpdateResult(self._outputs(news, desired.given(), image))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        with _guard("delete"):
            driver = self._connect(props)
            try:
                reconcile.delete(  # a failure names the image, as the core's every write to one does
                    driver, id_, timeout=self._timeout(props, "delete"), on_progress=progress_log(self.cloud),
                    options=self._delete_options(props),
                )  # fmt: skip
            finally:
                driver.close()

    def _delete_options(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The cloud's delete options (e.g. ECS ``force``) as the last applied inputs set them."""
        try:
            return dict(self.spec_type.parse_key(self._spec_fields_of(props)).delete_options())
        except SpecError:
            return {}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh (``props`` = the old outputs) or ``Image.get`` (``props`` = the resource's inputs,
        usually connection settings only).

        An image gone (or deleted) reads as id ``""``, which tells the engine it no longer exists. On
        a refresh the inputs are left as they were, so the next ``up`` puts drifted tags back; on a
        get they are rebuilt from what the cloud reports. A refresh also asks for what the cloud
        does not report with the image, for the fields the inputs manage (AWS launch permissions).

        ``pulumi import`` and ``ResourceOptions(import_=...)`` send a Read with neither outputs nor
        inputs, hence no ``__provider``: the stock ``python -m pulumi.dynamic`` fails before any
        provider code runs, ``python -m pulumi_images.dynamic`` supplies this provider for the cloud
        of the resource type (see :mod:`pulumi_images.dynamic`). Such a read (and a get) marks the
        outputs ``imported``: the cloud does not report an image's create-only source, so ``diff``
        takes the program's as given instead of replacing the image.
        """
        with _guard("read"):
            driver = self._connect(props)
            try:
                image = driver.get(id_)
                if image is None or not image.is_live:
                    return ReadResult("", {})
                refresh = self._is_refresh(props)
                given = self._spec_fields_of(props) if refresh else self._observed_inputs(image)
                outs = self._outputs(props, given, image)
                if refresh:
                    outs.update(self._asked_for(driver, props, image))
            finally:
                driver.close()
            if not refresh or props.get(IMPORTED):
                outs[IMPORTED] = True
            if refresh:
                return ReadResult(image.id, outs)
            inputs = {k: v for k, v in props.items() if k != PROVIDER_KEY and v is not None}
            inputs.update(given)
            inputs[IMPORTED] = True
            return ReadResult(image.id, outs, inputs)

    def _asked_for(self, driver: ImageDriver, props: Mapping[str, Any], image: Image) -> dict[str, Any]:
        """The live values of the managed fields the cloud reports only when asked (AWS launch
        permissions: one DescribeImageAttribute), where they differ from the last inputs: so a
        refresh shows their drift and the next ``up`` puts them back, as an Ansible run would."""
        managed = self._previous_outputs(props, key_only=True)  # outputs show the cloud's view
        if managed is None:
            return {}
        pending = reconcile.pending_changes(driver, managed, image)
        return {change.field: change.before for change in pending.changes}

    def _is_refresh(self, props: Mapping[str, Any]) -> bool:
        """Old outputs hold attributes only the cloud reports; a get's inputs never do."""
        settings = {PROVIDER_KEY, *CALL_SETTINGS, *self.connection.inputs, *self.spec_type.model_fields}
        return any(v is not None for k, v in props.items() if k not in settings)

    def _observed_inputs(self, image: Image) -> dict[str, Any]:
        """The spec fields the cloud reports, as inputs for an image Pulumi did not create: blocks cut
        to their arguments, and any field the spec refuses (a reported value no input could take,
        such as an OUTSCALE manifest path) left out. A missing source stays missing."""
        result: dict[str, Any] = {}
        for name, info in self.spec_type.model_fields.items():
            value = image.attributes.get(name)
            if value in (None, {}, []):
                continue
            sub_fields = _nested_fields(info.annotation)
            if sub_fields and isinstance(value, Mapping):
                value = _cut(value, sub_fields)
            elif sub_fields and isinstance(value, list):
                value = [_cut(v, sub_fields) if isinstance(v, Mapping) else v for v in value]
            result[name] = value
        for _ in range(len(result)):
            try:
                self.spec_type.parse(result)
                break
            except SpecError as exc:
                bad = {f.split(".")[0] for f, rule in exc.errors if "is required" not in rule} & set(result)
                if not bad:
                    break
                for name in bad:
                    result.pop(name)
        return result
