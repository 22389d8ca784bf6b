"""Fan-out: one spec, the same image present in many regions.

The first region is reconciled as any single image is (found again by its key, else built from the
spec's source, and waited for: copies need an available source). Every other region then holds a
*copy* of that image (:meth:`imageops.spec.ImageSpec.copy_to`: ECS CopyImage, OUTSCALE CreateImage
with ``SourceImageId``/``SourceRegionName``), reconciled in parallel on a bounded thread pool.

Each region stands on its own: its own driver, its own idempotency key (the name within that region)
and retry token (ECS ``ClientToken`` from the copy's spec), its own plan. A region that fails is
reported in its :class:`RegionOutcome` and never undoes another region; a re-run finds the regions
already done (one read each, no write) and only the missing or failed ones act.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from imageops import reconcile, registry, writes
from imageops.driver import ImageDriver
from imageops.errors import ImageOpsError, SpecError, WaitTimeoutError
from imageops.model import Image, ImageState
from imageops.progress import Listener, ProgressEvent, ProgressTracker
from imageops.reconcile import Action
from imageops.redact import redact
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

__all__ = [
    "DEFAULT_MAX_PARALLEL",
    "FanOutResult",
    "RegionOutcome",
    "check_regions",
    "connector",
    "fan_out",
    "remove",
]

DEFAULT_MAX_PARALLEL = 20
"""Copies in flight at once. Clouds rate-limit copy calls per account; 20 keeps a 20-region
fan-out to one wave while staying a bound."""

Connect = Callable[[str], ImageDriver]


@dataclass
class RegionOutcome:
    """What happened in one region: the plan's action, whether anything was (or would be) written,
    the image as it now is, or the error that stopped this region (the others went on)."""

    region: str
    action: str = Action.NOOP.value
    changed: bool = False
    image: Image | None = None
    error: str | None = None
    error_code: str | None = None
    source: bool = False
    seconds: float = 0.0
    progress: list[ProgressEvent] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (Ansible's ``regions`` values)."""
        return {
            "region": self.region,
            "image_id": self.image.id if self.image is not None else None,
            "state": self.image.raw_state if self.image is not None else None,
            "action": self.action,
            "changed": self.changed,
            "source": self.source,
            "error": self.error,
            "error_code": self.error_code,
            "seconds": round(self.seconds, 3),
            "progress": [event.as_dict() for event in self.progress],
        }


@dataclass
class FanOutResult:
    """Every region's :class:`RegionOutcome`, in the order the regions were given."""

    regions: dict[str, RegionOutcome]

    @property
    def source(self) -> RegionOutcome:
        return next(iter(self.regions.values()))

    @property
    def failed(self) -> list[str]:
        return [name for name, outcome in self.regions.items() if not outcome.ok]

    @property
    def changed(self) -> bool:
        return any(outcome.changed for outcome in self.regions.values())

    @property
    def image_ids(self) -> dict[str, str | None]:
        return {name: o.image.id if o.image is not None else None for name, o in self.regions.items()}

    def failure_message(self) -> str:
        """One sentence naming each failed region and why; empty when none failed."""
        if not self.failed:
            return ""
        reasons = "; ".join(f"{name}: {self.regions[name].error}" for name in self.failed)
        kept = len(self.regions) - len(self.failed)
        return (
            f"{len(self.failed)} of {len(self.regions)} regions failed ({reasons}); "
            f"the other {kept} are kept and a re-run retries only the failed ones"
        )


def check_regions(
    spec: ImageSpec, regions: Sequence[str], max_parallel: int, *, copies: bool = True
) -> list[str]:
    """The regions as given, or a :class:`SpecError` naming ``regions``/``max_parallel`` and the
    rule, before any API call. ``spec.in_region`` validates each name where the spec has a region."""
    problems: list[tuple[str, str]] = []
    names = list(regions) if not isinstance(regions, str) else []
    if not names:
        problems.append(("regions", "must list at least one region (the first is the source)"))
    if any(not isinstance(name, str) or not name.strip() for name in names):
        problems.append(("regions", "every region must be a non-empty string"))
    elif len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        problems.append(("regions", f"each region may appear once; repeated: {', '.join(repeated)}"))
    if copies and len(names) > 1 and type(spec).copy_to is ImageSpec.copy_to:
        problems.append(("regions", f"{spec.cloud} images cannot be copied between regions yet: give one"))
    if not isinstance(max_parallel, int) or max_parallel < 1:
        problems.append(("max_parallel", "must be a whole number of at least 1"))
    if problems:
        raise SpecError(problems)
    for index, name in enumerate(names):
        try:
            spec.in_region(name)
        except SpecError as exc:
            raise SpecError([(f"regions.{index}", rule) for _field, rule in exc.errors]) from None
    return names


def connector(cloud: str, **settings: Any) -> Connect:
    """``region -> driver`` with ``settings`` (auth, endpoint...) and that region."""

    def connect(region: str) -> ImageDriver:
        return registry.connect(cloud, **{**settings, "region": region})

    return connect


def _error_text(exc: BaseException) -> tuple[str, str | None]:
    if isinstance(exc, ImageOpsError):
        return redact(str(exc)), getattr(exc, "code", None) or type(exc).__name__
    return redact(f"{type(exc).__name__}: {exc}"), None


def _reconcile_region(
    outcome: RegionOutcome,
    desired: ImageSpec | None,
    connect: Connect,
    *,
    key: ImageSpec | None = None,
    check_mode: bool,
    wait: bool,
    timeout: float,
    purge_tags: bool,
    allow_replace: bool,
    listener: Listener | None,
) -> None:
    """Plan and apply one region, recording everything in ``outcome``; never raises.

    ``desired`` None deletes the image ``key`` finds (with ``key``'s delete options).
    """
    started = time.monotonic()
    tracker = ProgressTracker(listener, region=outcome.region)
    driver: Any = None
    with writes.recording() as written:  # this region's thread records its own writes
        try:
            driver = connect(outcome.region)
            observed = reconcile.lookup(driver, desired if desired is not None else key, None)
            the_plan = reconcile.plan_live(driver, desired, observed, purge_tags=purge_tags)
            outcome.action, outcome.changed, outcome.image = the_plan.action.value, the_plan.changed, observed
            if the_plan.action is Action.REPLACE and not allow_replace:
                fields = ", ".join(the_plan.replace_fields)
                raise SpecError([(fields, "cannot change on an existing image; allow replace to rebuild it")])
            if not check_mode:
                delete_options = key.delete_options() if key is not None else None
                image = reconcile.apply(
                    the_plan,
                    driver,
                    wait=wait,
                    timeout=timeout,
                    on_progress=tracker,
                    delete_options=delete_options,
                )
                outcome.image = image if desired is not None else observed
        except Exception as exc:  # one region's failure, whatever it is, must not stop the others
            outcome.error, outcome.error_code = _error_text(exc)
            if isinstance(exc, WaitTimeoutError):  # the image exists, still on its way: say which
                outcome.image = Image(
                    cloud=desired.cloud if desired is not None else "", id=exc.image_id,
                    state=ImageState.PENDING, raw_state=exc.last_state, region=outcome.region,
                )  # fmt: skip
            # changed: a write the cloud accepted or may have acted on, or an image that exists but
            # was not ready in time; a refused write changed nothing
            exists = isinstance(exc, WaitTimeoutError)
            outcome.changed = written.changed or exists or (check_mode and outcome.changed)
        finally:
            outcome.progress = list(tracker.events)
            outcome.seconds = time.monotonic() - started
            if driver is not None:
                with contextlib.suppress(Exception):  # closing a spent connection must not mask the outcome
                    driver.close()


def fan_out(
    spec: ImageSpec,
    regions: Sequence[str],
    connect: Connect,
    *,
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    check_mode: bool = False,
    wait: bool = True,
    timeout: float = DEFAULT_WAIT_TIMEOUT,
    purge_tags: bool = True,
    allow_replace: bool = False,
    on_progress: Listener | None = None,
) -> FanOutResult:
    """Make ``spec``'s image present in every region of ``regions``; the first is the source.

    ``connect(region)`` gives a driver for a region (see :func:`connector`). The source region is
    reconciled first and always waited for (a copy needs an available source); the others are
    copies of it, reconciled ``max_parallel`` at a time, waited for when ``wait``. In
    ``check_mode`` nothing is written: each region reports the action it would take. Bad input
    raises :class:`SpecError` before any call; a cloud's refusal in a region is that region's
    ``error`` in the result, never an exception.
    """
    names = check_regions(spec, regions, max_parallel)
    outcomes = {name: RegionOutcome(region=name, source=index == 0) for index, name in enumerate(names)}
    common: dict[str, Any] = dict(
        check_mode=check_mode, timeout=timeout, purge_tags=purge_tags, allow_replace=allow_replace,
        listener=on_progress,
    )  # fmt: skip
    first = outcomes[names[0]]
    _reconcile_region(first, spec.in_region(names[0]), connect, wait=True, **common)
    source = first.image
    usable = source is not None and source.state is ImageState.AVAILABLE
    if first.error is not None or (not check_mode and not usable):
        reason = first.error or f"source image is {source.raw_state if source else 'missing'}"
        for outcome in list(outcomes.values())[1:]:
            outcome.error = f"not copied: the source region {names[0]} failed ({reason})"
            outcome.error_code = "SourceFailed"
        return FanOutResult(outcomes)

    def copy(name: str) -> None:
        outcome = outcomes[name]
        try:
            # In check mode a source still to be built has no id: plan with the key alone.
            desired = spec.copy_to(name, source) if source is not None else spec.in_region(name)
        except Exception as exc:
            outcome.error, outcome.error_code = _error_text(exc)
            return
        _reconcile_region(outcome, desired, connect, wait=wait, **common)

    others = names[1:]
    if others:
        workers = min(max_parallel, len(others))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="imageops-fanout") as pool:
            list(pool.map(copy, others))
    return FanOutResult(outcomes)


def remove(
    spec: ImageSpec,
    regions: Sequence[str],
    connect: Connect,
    *,
    max_parallel: int = DEFAULT_MAX_PARALLEL,
    check_mode: bool = False,
    wait: bool = True,
    timeout: float = DEFAULT_WAIT_TIMEOUT,
    on_progress: Listener | None = None,
) -> FanOutResult:
    """Delete the image ``spec`` finds (by its key) in every region of ``regions``, in parallel.

    ``spec`` only needs what finds the image (:meth:`ImageSpec.parse_key`). Regions without the
    image are no-ops; a region that fails is reported and the others still go.
    """
    names = check_regions(spec, regions, max_parallel, copies=False)
    outcomes = {name: RegionOutcome(region=name) for name in names}

    def delete(name: str) -> None:
        _reconcile_region(
            outcomes[name], None, connect, key=spec.in_region(name), check_mode=check_mode, wait=wait,
            timeout=timeout, purge_tags=True, allow_replace=False, listener=on_progress,
        )  # fmt: skip

    with ThreadPoolExecutor(
        max_workers=min(max_parallel, len(names)), thread_name_prefix="imageops-fanout"
    ) as pool:
        list(pool.map(delete, names))
    return FanOutResult(outcomes)
