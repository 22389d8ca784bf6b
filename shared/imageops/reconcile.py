"""The one reconciler: ``plan`` compares desired with observed, ``apply`` carries the plan out.

:func:`plan` makes no call: Pulumi's ``diff`` is just that. :func:`plan_live` is :func:`plan`
completed by the driver's :meth:`~imageops.driver.ImageDriver.pending_changes` (reads only): what the
image itself does not show but the cloud can tell, such as an OCI ``export_to`` whose object is not
there yet. Ansible's runs (check and diff modes included) and Pulumi's ``create``/``update`` plan with
it, so both tools decide the same. Nothing is written until :func:`apply`. Every cloud uses this
module unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from imageops.driver import ImageDriver
from imageops.errors import about_image
from imageops.model import Image, ImageState
from imageops.spec import ImageSpec, Update
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT


class Action(StrEnum):
    NOOP = "noop"
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any
    replace: bool


@dataclass(frozen=True)
class Pending:
    """What a driver's :meth:`~imageops.driver.ImageDriver.pending_changes` found out, with reads only.

    ``changes``: what a run must still do that the image itself does not show (in-place changes,
    carried out by ``driver.update``; on a plan that builds a new image, ``driver.create`` does them).
    ``extra_result``: values the tools report beside the image, by the names of the cloud's declared
    extra returns (OCI: ``exported``, ``export_object``), the same in check mode and in a real run.
    """

    changes: tuple[Change, ...] = ()
    extra_result: Mapping[str, Any] = field(default_factory=dict)


NOTHING_PENDING = Pending()


@dataclass(frozen=True)
class Plan:
    action: Action
    desired: ImageSpec | None
    observed: Image | None
    changes: tuple[Change, ...] = field(default_factory=tuple)
    extra_result: Mapping[str, Any] = field(default_factory=dict)
    """The cloud's extra result values (:attr:`Pending.extra_result`); empty from :func:`plan`."""

    @property
    def changed(self) -> bool:
        return self.action is not Action.NOOP

    @property
    def replace_fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.changes if c.replace)

    @property
    def update_values(self) -> dict[str, Any]:
        """The in-place fields to send, with their new values (tag maps already merged)."""
        return {c.field: c.after for c in self.changes if not c.replace}

    def diff(self) -> dict[str, dict[str, Any]]:
        """Before/after of the managed fields, as Ansible's diff mode shows them."""
        before = self.desired.observe(self.observed) if (self.desired and self.observed) else {}
        if self.observed and not self.desired:
            before = {"id": self.observed.id, "name": self.observed.name, "state": self.observed.raw_state}
        if self.action is Action.DELETE:
            return {"before": before, "after": {}}
        after = dict(before) if self.action is not Action.CREATE else {}
        if self.action in (Action.CREATE, Action.REPLACE) and self.desired:
            after = self.desired.given()
        for change in self.changes:
            after[change.field] = change.after
        return {"before": before, "after": after}


def _tag_after(observed: Any, desired: Any, purge: bool) -> Any:
    """Tags after the change: a map, or a list of ``{key, value}`` blocks kept sorted by key."""
    if isinstance(desired, list):
        merged = {t["key"]: t["value"] for t in ([] if purge else observed or [])}
        merged.update({t["key"]: t["value"] for t in desired})
        return [{"key": key, "value": merged[key]} for key in sorted(merged)]
    return dict(desired) if purge else {**(observed or {}), **desired}


def plan(
    desired: ImageSpec | None,
    observed: Image | None,
    *,
    previous: ImageSpec | None = None,
    purge_tags: bool = True,
) -> Plan:
    """Decide what to do, without any API call.

    ``desired`` None means the image should not exist. ``previous`` is the last desired state the
    caller applied (Pulumi's old inputs): create-only fields the cloud does not report back are
    compared with it. Unset desired fields are "no opinion" and never cause a change.
    """
    live = observed if observed is not None and observed.is_live else None
    if desired is None:
        return Plan(Action.DELETE if live else Action.NOOP, None, live)
    if live is None:
        return Plan(Action.CREATE, desired, None)

    seen = desired.observe(live)
    given = desired.given()
    earlier = previous.given() if previous is not None else {}
    # Create-only inputs the cloud does not report back are compared with the previous inputs,
    # set <-> unset included; without previous inputs there is nothing to compare them with.
    dropped = [name for name in earlier if name not in given and name not in seen]
    changes: list[Change] = []
    computed = {name for name in given if _is_computed(type(desired), name)}
    for name in [*given, *dropped]:
        wanted = given.get(name)
        if name in computed:
            # reported back richer than given (Terraform's Optional+Computed): only what is given
            # is compared, against what the cloud reports
            before = live.attributes.get(name)
            if not covers(before, wanted):
                changes.append(Change(name, before, wanted, desired.update_mode(name) is Update.REPLACE))
            continue
        if name in seen:
            before = seen[name]
        elif previous is not None:
            before = earlier.get(name)
        else:
            continue
        if name in desired.tag_fields:
            wanted = _tag_after(before, wanted, purge_tags)
        if before != wanted:
            changes.append(Change(name, before, wanted, desired.update_mode(name) is Update.REPLACE))
    if live.state is ImageState.FAILED:
        changes.append(Change("state", live.raw_state, "available", True))

    if any(c.replace for c in changes):
        return Plan(Action.REPLACE, desired, live, tuple(changes))
    if changes:
        return Plan(Action.UPDATE, desired, live, tuple(changes))
    return Plan(Action.NOOP, desired, live)


def pending_changes(driver: ImageDriver, desired: ImageSpec, observed: Image | None) -> Pending:
    """``driver.pending_changes(desired, observed)``: what only the cloud can tell, with reads only;
    nothing for a driver (or a test double) written before the hook."""
    hook = getattr(driver, "pending_changes", None)
    return NOTHING_PENDING if hook is None else hook(desired, observed)


def plan_live(
    driver: ImageDriver,
    desired: ImageSpec | None,
    observed: Image | None,
    *,
    previous: ImageSpec | None = None,
    purge_tags: bool = True,
) -> Plan:
    """:func:`plan`, completed by what only the cloud can tell: ``driver.pending_changes``.

    Reads only, never a write, so check mode may use it: it says ``changed`` exactly when a real run
    would write. The driver is asked about every plan that keeps or builds an image (not about a
    delete), with ``observed`` None when the plan builds a new one (create, replace). A pending
    change of a field replaces the :func:`plan`'s change of it (the live answer wins); a pending
    in-place change turns a no-op into an update. The driver may raise the error a real run would
    meet before its first write (an OCI copy whose source cannot be seen): then nothing is written,
    and a replace never deletes an image for a create that cannot succeed.
    """
    the_plan = plan(desired, observed, previous=previous, purge_tags=purge_tags)
    if desired is None:
        return the_plan
    builds = the_plan.action in (Action.CREATE, Action.REPLACE)
    pending = pending_changes(driver, desired, None if builds else the_plan.observed)
    if not pending.changes and not pending.extra_result:
        return the_plan
    live = {change.field for change in pending.changes}
    changes = (*(c for c in the_plan.changes if c.field not in live), *pending.changes)
    action = the_plan.action
    if not builds:
        if any(c.replace for c in changes):
            action = Action.REPLACE
        elif changes:
            action = Action.UPDATE
    return Plan(action, desired, the_plan.observed, tuple(changes), dict(pending.extra_result))


def covers(reported: Any, wanted: Any) -> bool:
    """Whether ``reported`` already is what ``wanted`` asks for: every given (non-null) entry of a
    block equal, lists element by element, anything else equal (Terraform's Optional+Computed)."""
    if isinstance(wanted, Mapping):
        return isinstance(reported, Mapping) and all(
            covers(reported.get(k), v) for k, v in wanted.items() if v is not None
        )
    if isinstance(wanted, list | tuple):
        return (
            isinstance(reported, list | tuple)
            and len(reported) == len(wanted)
            and all(map(covers, reported, wanted))
        )
    return bool(reported == wanted)


def _is_computed(spec_type: type[ImageSpec], name: str) -> bool:
    extra = spec_type.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("computed"))


Progress = Callable[[Image], None]


def apply(
    the_plan: Plan,
    driver: ImageDriver,
    *,
    wait: bool = True,
    timeout: float = DEFAULT_WAIT_TIMEOUT,
    on_progress: Progress | None = None,
    delete_options: Mapping[str, Any] | None = None,
) -> Image | None:
    """Carry out a plan. Returns the image as it now is (None after a delete).

    ``timeout`` bounds every wait (:mod:`imageops.timeouts` says which): this function's own, and
    those ``driver.create``/``driver.update`` make inside the call (an OCI copy's export and import,
    an export), which is why they receive it too. ``delete_options`` are passed to ``driver.delete``
    (e.g. ECS ``force``); a replace without them uses the desired spec's
    :meth:`~imageops.spec.ImageSpec.delete_options`.
    """
    action, desired, observed = the_plan.action, the_plan.desired, the_plan.observed
    if delete_options is None and desired is not None:
        delete_options = desired.delete_options()
    delete_kwargs = dict(delete_options or {})
    if action is Action.NOOP:
        if observed is not None and wait and observed.state is ImageState.PENDING:
            return driver.wait_for(observed.id, ImageState.AVAILABLE, timeout, on_progress)
        return observed
    if observed is not None and action is not Action.CREATE:
        # Every write to the image that was found is about it: a failure names it (errors.about_image)
        with about_image(observed.id):
            if observed.state is ImageState.PENDING:
                # Clouds refuse to change or delete an image that is still being built: let it finish.
                observed = driver.wait_for(observed.id, ImageState.AVAILABLE, timeout, on_progress)
            if action is Action.DELETE:
                delete(
                    driver,
                    observed.id,
                    wait=wait,
                    timeout=timeout,
                    on_progress=on_progress,
                    options=delete_kwargs,
                )
                return None
            if action is Action.UPDATE:
                assert desired is not None
                image = driver.update(observed, desired, the_plan.update_values, timeout=timeout)
                if wait and image.state is ImageState.PENDING:
                    return driver.wait_for(image.id, ImageState.AVAILABLE, timeout, on_progress)
                return image
            assert action is Action.REPLACE
            # Delete first: the replacement carries the same idempotency key, and two live images with
            # one key would make every later lookup ambiguous.
            delete(
                driver,
                observed.id,
                wait=True,
                timeout=timeout,
                on_progress=on_progress,
                options=delete_kwargs,
            )
    assert action in (Action.CREATE, Action.REPLACE) and desired is not None
    image = driver.create(desired, timeout=timeout)
    if wait:
        return driver.wait_for(image.id, ImageState.AVAILABLE, timeout, on_progress)
    return image


def delete(
    driver: ImageDriver,
    image_id: str,
    *,
    wait: bool = True,
    timeout: float = DEFAULT_WAIT_TIMEOUT,
    on_progress: Progress | None = None,
    options: Mapping[str, Any] | None = None,
) -> None:
    """Delete image ``image_id`` (already gone is a success) and, with ``wait``, wait until it is.

    A failure names the image (:func:`imageops.errors.about_image`), whatever the cloud answered:
    ``image_id`` on the error, its message saying which image. ``options`` go to ``driver.delete``.
    """
    with about_image(image_id):
        driver.delete(image_id, **dict(options or {}))
        if wait:
            driver.wait_for(image_id, ImageState.DELETED, timeout, on_progress)


def lookup(driver: ImageDriver, desired: ImageSpec | None, image_id: str | None) -> Image | None:
    """Find the image again: by id when known, else by the spec's idempotency key.

    Exactly one read either way (a key lookup that spans several pages follows them all).
    """
    if image_id:
        return driver.get(image_id)
    if desired is not None and desired.lookup_key() is not None:
        return driver.find(desired)
    return None
