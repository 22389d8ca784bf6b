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

How each call maps to the core:

* ``check``: ``spec.parse``; every ``SpecError`` entry becomes one ``CheckFailure(field, rule)``.
* ``diff``: ``reconcile.plan`` of the new spec against the image rebuilt from the old outputs, with
  the old inputs as ``previous``: no API call. Replace fields are listed in ``replaces``; the replace
  is delete-before-replace when the new image would carry the old one's idempotency key.
* ``create``: lookup by the idempotency key first (an interrupted create is adopted), then apply.
* ``update``: the in-place part of the plan against the live image.
* ``delete``: delete and wait; an image already gone is a success.
* ``read``: ``pulumi refresh`` and ``Image.get`` (see :meth:`ImageProvider.read`).

Timeouts: the Python dynamic-provider server does not hand ``CustomTimeouts`` to providers, so each
resource takes Terraform's ``timeouts`` block (``{"create": "10m", "update": "10m", "delete": "10m"}``;
the resource classes fill it from ``ResourceOptions(custom_timeouts=...)``), whose entry for the
operation wins, then a ``wait_timeout`` input (seconds) used for every wait; the spec's
``default_timeouts`` (the seed's defaults) come last.

Import: a get or import read marks the outputs ``imported`` (and the read inputs, so the Check of
``pulumi import`` does not ask for the source the cloud never reports); ``diff`` and ``update`` then
take the program's create-only source as given.

Errors: every exception leaves a call as a :class:`ImageProviderError` whose message went through
:func:`imageops.redact.redact` and that carries no chained exception, so neither the message nor the
traceback the server sends to the engine can hold key material or a passphrase.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi import log as pulumi_log
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

import imageops.reconcile as reconcile
from imageops import registry
from imageops.errors import SpecError
from imageops.model import Image, ImageState
from imageops.progress import ProgressEvent, ProgressTracker
from imageops.redact import redact, register_secret
from imageops.spec import ImageSpec, Update
from imageops.timeouts import check_wait_timeout, wait_timeout
from pulumi_images._connections import CONNECTIONS, Connection
from pulumi_images._values import UNKNOWN, _cut, _nested_fields, _plain, covers, is_unknown

__all__ = [
    "CALL_SETTINGS",
    "CONFIG_NAMESPACE",
    "CONNECTIONS",
    "PROVIDER_KEY",
    "UNKNOWN",
    "Connection",
    "ImageProvider",
    "ImageProviderError",
    "covers",
    "is_unknown",
]

PROVIDER_KEY = "__provider"
IMPORTED = "imported"  # output: read into the state by import, create-only sources unknown
CONFIG_NAMESPACE = "imageops"
WAIT_TIMEOUT = "wait_timeout"
TIMEOUTS = "timeouts"
TIMEOUT_OPERATIONS = ("create", "update", "delete")
# Settings that shape the calls, never the image: not spec fields, echoed as outputs, never replace.
CALL_SETTINGS = (WAIT_TIMEOUT, TIMEOUTS)


# Stack configuration handed to ``configure``, per provider object. Kept out of the instance so it can
# never be pickled with it, whatever the SDK does with the object later.
_STACK_CONFIG: dict[int, dict[str, Any]] = {}


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


class ImageProvider(ResourceProvider):
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

    # ------------------------------------------------------------------ plumbing
    @property
    def spec_type(self) -> type[ImageSpec]:
        return registry.spec_type(self.cloud)

    @property
    def connection(self) -> Connection:
        return CONNECTIONS[self.cloud]

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack configuration (namespace ``imageops``) for the settings of each call."""
        values: dict[str, Any] = {}
        conn = self.connection
        for setting, key in {**conn.config, **conn.secret_config}.items():
            value = req.config.get(f"{CONFIG_NAMESPACE}:{key}")
            if value not in (None, ""):
                values[setting] = _plain(value)
                if setting in conn.secret_config:
                    register_secret(str(values[setting]))
        for key, setting in conn.config_aliases.items():
            value = req.config.get(f"{CONFIG_NAMESPACE}:{key}")
            if setting not in values and value not in (None, ""):
                values[setting] = _plain(value)
                if setting in conn.secret_config:
                    register_secret(str(values[setting]))
        _STACK_CONFIG[id(self)] = values

    def _settings(self, props: Mapping[str, Any]) -> dict[str, Any]:
        settings = dict(_STACK_CONFIG.get(id(self), {}))
        for name in self.connection.inputs:
            value = props.get(name)
            if value is not None and not is_unknown(value):
                settings[name] = value
        return settings

    def _connect(self, props: Mapping[str, Any]) -> Any:
        return registry.connect(self.cloud, **self._settings(props))

    def _timeout(self, props: Mapping[str, Any], operation: str) -> float:
        """Seconds for the waits of ``operation`` (copies and exports included), by the core's one rule
        (:func:`imageops.timeouts.wait_timeout`): ``timeouts.<operation>``, else ``wait_timeout``,
        else the seed's default for the operation, else ``imageops.timeouts.DEFAULT_WAIT_TIMEOUT``."""
        timeouts = _plain(props.get(TIMEOUTS))
        value = props.get(WAIT_TIMEOUT)
        return wait_timeout(
            self.spec_type,
            operation,
            wait_timeout=None if value is None or is_unknown(value) else _plain(value),
            timeouts=timeouts if isinstance(timeouts, Mapping) else None,
        )

    def _spec_input(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The spec's part of a property bag: no connection inputs, no ``__provider``, no nulls."""
        fields = self.spec_type.model_fields
        connection_only = (n for n in self.connection.inputs if n not in fields)
        skip = {PROVIDER_KEY, IMPORTED, *CALL_SETTINGS, *connection_only}
        return {k: _plain(v) for k, v in props.items() if k not in skip and v is not None}

    def _spec_fields_of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        fields = self.spec_type.model_fields
        return {k: _plain(v) for k, v in props.items() if k in fields and v is not None}

    def _parse(self, props: Mapping[str, Any]) -> ImageSpec:
        # Outputs declared on the resource class arrive as null inputs; anything else unknown to the
        # spec is reported by the spec itself.
        return self.spec_type.parse(self._spec_input(props))

    def _previous(self, olds: Mapping[str, Any]) -> ImageSpec | None:
        """The last applied create-only inputs, recovered from the old outputs.

        Only the ``input_only`` fields are kept: every other output is overlaid by what the cloud
        reports (a description ``""``, default launch permissions...), which is not what was given,
        and the plan compares those fields with the cloud anyway. Kept, they would read as "set
        before, unset now" and make a change on every ``up``. An imported image has none: nothing
        was given for it.
        """
        if _plain(olds.get(IMPORTED)):
            return None
        spec = self._previous_outputs(olds)
        if spec is None:
            return None
        reported = [name for name in spec.given() if name not in self.connection.input_only]
        return spec.model_copy(update=dict.fromkeys(reported)) if reported else spec

    def _previous_outputs(self, olds: Mapping[str, Any]) -> ImageSpec | None:
        """The spec the old outputs parse to, leaving out the fields that make them invalid."""
        data = self._spec_fields_of(olds)
        for name in self.connection.computed:
            data.pop(name, None)  # the cloud's view, not what was given
        for _ in range(len(data) + 1):
            try:
                return self.spec_type.parse(data)
            except SpecError as exc:
                bad = {f.split(".")[0] for f, _ in exc.errors} & set(data)
                if not bad:
                    return None
                for name in bad:
                    data.pop(name)
        return None

    def _image_from_outputs(self, image_id: str, olds: Mapping[str, Any]) -> Image:
        skip = {PROVIDER_KEY, *self.connection.input_only}
        attrs = {k: _plain(v) for k, v in olds.items() if k not in skip}
        conn = self.connection
        raw = str(attrs.get(conn.state_output) or "AVAILABLE")
        names = [attrs.get(name) for name in (*conn.name_outputs, "name")]
        return Image(
            cloud=self.cloud,
            id=image_id,
            name=next((n for n in names if n), None),
            region=attrs.get("region") if isinstance(attrs.get("region"), str) else None,
            state=registry.normalise_state(self.cloud, raw),
            raw_state=raw,
            attributes=attrs,
        )

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

    # ------------------------------------------------------------------ check / diff
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        unknown = {k for k, v in news.items() if is_unknown(v)}
        # Inputs read by `pulumi import`: the cloud never reports the source an image was made from.
        imported = news.get(IMPORTED) is True
        data = {k: v for k, v in self._spec_input(news).items() if k not in unknown}
        try:
            self.spec_type.parse(data)
        except SpecError as exc:
            for name, rule in exc.errors:
                if name.split(".")[0] in unknown:
                    continue  # decided at apply time, once the value is known
                if "is required" in rule and (imported or unknown & set(self.spec_type.model_fields)):
                    continue  # a required-one-of rule may be met by a value not yet known
                if any(re.search(rf"\b{re.escape(other)}\b", rule) for other in unknown):
                    continue  # a rule naming a value not yet known ("only valid with vm_id")
                failures.append(CheckFailure(name, redact(rule)))
        except Exception as exc:  # never raise from check: the engine wants failures
            failures.append(CheckFailure("", redact(str(exc))))
        timeout = news.get(WAIT_TIMEOUT)
        if timeout is not None and not is_unknown(timeout):
            try:
                check_wait_timeout(_plain(timeout), WAIT_TIMEOUT)  # the core's rule, as Ansible's
            except SpecError as exc:
                failures.extend(CheckFailure(name, rule) for name, rule in exc.errors)
        failures.extend(CheckFailure(name, rule) for name, rule in self._timeouts_errors(news.get(TIMEOUTS)))
        for name in self.connection.inputs:
            value = news.get(name)
            if value is not None and not is_unknown(value) and not isinstance(value, str):
                failures.append(CheckFailure(name, "must be a string"))
        return CheckResult(news, failures)

    def _timeouts_errors(self, value: Any) -> list[tuple[str, str]]:
        """``(field, rule)`` for each problem of a ``timeouts`` block (unknown values wait for apply)."""
        if value is None or isinstance(value, Unknown) or value == UNKNOWN:
            return []
        value = _plain(value)
        if not isinstance(value, Mapping):
            return [(TIMEOUTS, "must be a block of create, update and delete durations")]
        errors: list[tuple[str, str]] = []
        for key, item in value.items():
            if key not in TIMEOUT_OPERATIONS:
                errors.append((f"{TIMEOUTS}.{key}", "is not a known argument: create, update or delete"))
            elif item is not None and not is_unknown(item):
                try:
                    seconds = self.spec_type.timeout_for(key, {key: item})
                except SpecError as exc:
                    errors.extend(exc.errors)
                    continue
                except (TypeError, ValueError):
                    seconds = None
                if seconds is None or seconds <= 0:
                    errors.append((f"{TIMEOUTS}.{key}", 'must be a positive duration such as "10m"'))
        return errors

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        with _guard("diff"):
            return self._diff(id_, olds, news)

    def _diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        spec_cls = self.spec_type
        conn = self.connection
        replaces: set[str] = set()
        changes: set[str] = set()

        imported = bool(_plain(olds.get(IMPORTED)))
        # Connection inputs: the region is where the image lives; the rest only says how to reach it.
        for name in (*conn.inputs, *CALL_SETTINGS):
            if name in spec_cls.model_fields:
                continue  # also desired state (a region the cloud reports): the plan compares it
            new, old = news.get(name), olds.get(name)
            if new == old:
                continue  # a removed setting falls back to stack config / environment: a change
            if imported and old is None:
                continue  # the import found the image as configured: the program's setting is that
            (replaces if name in conn.replace else changes).add(name)

        unknown = {k for k, v in news.items() if is_unknown(v) and k in spec_cls.model_fields}
        for name in unknown:
            if spec_cls.update_mode(name) is Update.REPLACE:
                replaces.add(name)
            else:
                changes.add(name)

        known = {k: v for k, v in news.items() if k not in unknown}
        # An unknown field takes its old value for planning the rest (it is already in the sets).
        for name in unknown:
            if name in olds:
                known[name] = olds[name]
        desired = spec_cls.parse(self._spec_input(known))
        observed = self._image_from_outputs(id_, olds)
        previous = self._previous(olds)
        planned = self._without_computed(desired)
        the_plan = reconcile.plan(planned, observed, previous=previous, purge_tags=True)
        for change in the_plan.changes:
            (replaces if change.replace else changes).add(change.field)
        for name in self._computed_changes(desired, olds) - unknown:
            (replaces if spec_cls.update_mode(name) is Update.REPLACE else changes).add(name)

        # Create-only fields the cloud does not report: the plan compares them with ``previous`` only
        # when both sides are set; Pulumi knows the old inputs exactly, so set <-> unset counts too.
        new_given = desired.given()
        for name in conn.input_only:
            if name in unknown:
                continue
            if imported and _plain(olds.get(name)) is None:
                continue  # an imported image's source is not known: the program's is taken as given
            if _plain(olds.get(name)) != new_given.get(name):
                (replaces if spec_cls.update_mode(name) is Update.REPLACE else changes).add(name)

        if not replaces and not changes:
            return DiffResult(
                changes=False, replaces=[], stables=self._stables(), delete_before_replace=False
            )
        delete_first = bool(replaces) and self._key_collides(desired, olds, news)
        return DiffResult(
            changes=True,
            replaces=sorted(replaces),
            stables=self._stables(),
            delete_before_replace=delete_first,
        )

    def _without_computed(self, spec: ImageSpec) -> ImageSpec:
        """``spec`` for planning: computed blocks are compared by :func:`covers`, not by the plan."""
        computed = [name for name in self.connection.computed if getattr(spec, name, None) is not None]
        return spec.model_copy(update=dict.fromkeys(computed)) if computed else spec

    def _computed_changes(self, desired: ImageSpec, olds: Mapping[str, Any]) -> set[str]:
        given = desired.given()
        return {
            name
            for name in self.connection.computed
            if name in given and not covers(_plain(olds.get(name)), given[name])
        }

    def _stables(self) -> list[str]:
        return sorted(self.spec_type.fields_by_mode(Update.REPLACE))

    def _key_collides(self, desired: ImageSpec, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Would the replacement carry the old image's idempotency key? Then it must be created after
        the old one is deleted, or the create would find (and adopt) the old image."""
        key = desired.lookup_key()
        if key is None:
            return False
        for name in self.connection.replace:  # another region: another namespace of keys
            if news.get(name) is not None and news.get(name) != olds.get(name):
                return False
        # An unset key part ("" or None: the connection's default, checked above) matches any.
        return all(not value or olds.get(name) == value for name, value in key.items())

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
                planned = self._without_computed(desired)
                the_plan = reconcile.plan_live(driver, planned, observed, previous=previous, purge_tags=True)
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
                driver.delete(id_, **self._delete_options(props))
                driver.wait_for(
                    id_, ImageState.DELETED, self._timeout(props, "delete"), progress_log(self.cloud)
                )
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
        get they are rebuilt from what the cloud reports.

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
            finally:
                driver.close()
            if image is None or not image.is_live:
                return ReadResult("", {})
            refresh = self._is_refresh(props)
            given = self._spec_fields_of(props) if refresh else self._observed_inputs(image)
            outs = self._outputs(props, given, image)
            if not refresh or props.get(IMPORTED):
                outs[IMPORTED] = True
            if refresh:
                return ReadResult(image.id, outs)
            inputs = {k: v for k, v in props.items() if k != PROVIDER_KEY and v is not None}
            inputs.update(given)
            inputs[IMPORTED] = True
            return ReadResult(image.id, outs, inputs)

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
