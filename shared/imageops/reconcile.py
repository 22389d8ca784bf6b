"""The one reconciler: ``plan`` compares desired with observed, ``apply`` carries the plan out.

Ansible's check and diff modes and Pulumi's ``diff`` are all just :func:`plan`; nothing is written
until :func:`apply`. Every cloud uses this module unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from imageops.driver import ImageDriver
from imageops.model import Image, ImageState
from imageops.spec import ImageSpec, Update


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
class Plan:
    action: Action
    desired: ImageSpec | None
    observed: Image | None
    changes: tuple[Change, ...] = field(default_factory=tuple)

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
    for name in [*given, *dropped]:
        wanted = given.get(name)
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


Progress = Callable[[Image], None]


def apply(
    the_plan: Plan,
    driver: ImageDriver,
    *,
    wait: bool = True,
    timeout: float = 1800.0,
    on_progress: Progress | None = None,
    delete_options: Mapping[str, Any] | None = None,
) -> Image | None:
    """Carry out a plan. Returns the image as it now is (None after a delete).

    ``delete_options`` are passed to ``driver.delete`` (e.g. ECS ``force``); a replace without them
    uses the desired spec's :meth:`~imageops.spec.ImageSpec.delete_options`.
    """
    action, desired, observed = the_plan.action, the_plan.desired, the_plan.observed
    if delete_options is None and desired is not None:
        delete_options = desired.delete_options()
    delete_kwargs = dict(delete_options or {})
    if action is not Action.NOOP and observed is not None and observed.state is ImageState.PENDING:
        # Clouds refuse to change or delete an image that is still being built: let it finish first.
        observed = driver.wait_for(observed.id, ImageState.AVAILABLE, timeout, on_progress)
    if action is Action.NOOP:
        if observed is not None and wait and observed.state is ImageState.PENDING:
            return driver.wait_for(observed.id, ImageState.AVAILABLE, timeout, on_progress)
        return observed
    if action is Action.DELETE:
        assert observed is not None
        driver.delete(observed.id, **delete_kwargs)
        if wait:
            driver.wait_for(observed.id, ImageState.DELETED, timeout, on_progress)
        return None
    if action is Action.UPDATE:
        assert observed is not None and desired is not None
        image = driver.update(observed, desired, the_plan.update_values)
        if wait and image.state is ImageState.PENDING:
            return driver.wait_for(image.id, ImageState.AVAILABLE, timeout, on_progress)
        return image
    assert desired is not None
    if action is Action.REPLACE:
        assert observed is not None
        # Delete first: the replacement carries the same idempotency key, and two live images with
        # one key would make every later lookup ambiguous.
        driver.delete(observed.id, **delete_kwargs)
        driver.wait_for(observed.id, ImageState.DELETED, timeout, on_progress)
    image = driver.create(desired)
    if wait:
        return driver.wait_for(image.id, ImageState.AVAILABLE, timeout, on_progress)
    return image


def lookup(driver: ImageDriver, desired: ImageSpec | None, image_id: str | None) -> Image | None:
    """Find the image again: by id when known, else by the spec's idempotency key.

    Exactly one read either way (a key lookup that spans several pages follows them all).
    """
    if image_id:
        return driver.get(image_id)
    if desired is not None and desired.lookup_key() is not None:
        return driver.find(desired)
    return None
