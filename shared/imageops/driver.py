"""The small protocol every cloud's driver implements, and the waiter they share."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar, runtime_checkable

from imageops.errors import CloudError, WaitTimeoutError
from imageops.model import Image, ImageState
from imageops.redact import get_logger
from imageops.spec import ImageSpec
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT

if TYPE_CHECKING:
    from imageops.reconcile import Pending


@runtime_checkable
class ImageDriver(Protocol):
    """One cloud's image operations, over the neutral :class:`Image` model.

    ``get`` returns None for an image that does not exist (or this account may not see);
    ``find`` raises :class:`imageops.errors.AmbiguousImageError` when the key matches more than one
    live image; ``delete`` of an image already gone is a success.

    ``create`` and ``update`` take the operation's ``timeout`` (seconds, by the rule of
    :mod:`imageops.timeouts`; :func:`imageops.reconcile.apply` passes it): every wait they make inside
    the call (an OCI copy's export and import, an export, an OUTSCALE permission change on a new
    image) is bounded by it. Called without one, :data:`imageops.timeouts.DEFAULT_WAIT_TIMEOUT`.
    """

    cloud: str
    spec_type: type[ImageSpec]

    def get(self, image_id: str) -> Image | None: ...

    def find(self, spec: ImageSpec) -> Image | None: ...

    def list(self, spec: ImageSpec, **filters: Any) -> list[Image]:
        """The live images in the spec's scope (matching its key when it has one), for listings."""
        ...

    def create(self, spec: ImageSpec, *, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Image: ...

    def update(
        self, image: Image, spec: ImageSpec, values: dict[str, Any], *, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Image: ...

    def pending_changes(self, desired: ImageSpec, observed: Image | None) -> Pending:
        """What ``desired`` still needs that the image itself does not show, found with reads only
        (:func:`imageops.reconcile.plan_live` asks; ``observed`` is None when the plan builds a new
        image). Most clouds have nothing to add: :class:`PollingDriver` returns nothing pending."""
        ...

    def delete(self, image_id: str, **options: Any) -> None:
        """Delete; ``options`` are the spec's :meth:`~imageops.spec.ImageSpec.delete_options`."""
        ...

    def wait_for(
        self,
        image_id: str,
        wanted: ImageState,
        timeout: float,
        on_progress: Callable[[Image], None] | None = None,
    ) -> Image: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class PollPolicy:
    """How often to poll while waiting: growing by ``factor`` from ``first`` up to ``longest``, but
    never past ``max(floor, share x the time waited so far)``, and jitter only ever shortens a delay.

    The bound is the promise in BENCHMARKS.md: a wait returns at most max(1 s, 10 % of the wait)
    after the image is ready. Plain doubling would overshoot it (an image ready after 4 s was seen
    at 7.75 s); this costs a read per second for the first ten seconds, then one per 10 % of the wait.
    """

    first: float = 0.25
    longest: float = 10.0
    factor: float = 2.0
    floor: float = 1.0
    share: float = 0.1

    def delays(self) -> Any:
        delay, waited = self.first, 0.0
        while True:
            delay = min(delay, self.longest, max(self.floor, self.share * waited))
            slept = delay * random.uniform(0.8, 1.0)
            yield slept
            waited += slept
            delay *= self.factor


def wait_for_state(
    get: Callable[[str], Image | None],
    image_id: str,
    wanted: ImageState,
    timeout: float,
    *,
    policy: PollPolicy = PollPolicy(),
    on_progress: Callable[[Image], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Image:
    """Poll ``get`` until the image is in ``wanted`` state; a vanished image counts as deleted.

    Raises :class:`WaitTimeoutError` (which names the image) on timeout, and :class:`CloudError` when
    the image fails while we wait for it to become available.
    """
    deadline = clock() + timeout
    last_state = "unknown"
    for delay in policy.delays():
        image = get(image_id)
        if image is None:
            if wanted is ImageState.DELETED:
                gone = Image(cloud="", id=image_id, state=ImageState.DELETED, raw_state="NOT_FOUND")
                if on_progress is not None:  # the last state change of a delete: gone
                    on_progress(gone)
                return gone
            raise CloudError(f"image {image_id} disappeared while waiting for it", code="NotFound")
        last_state = image.raw_state
        if on_progress is not None:
            on_progress(image)
        if image.state is wanted:
            return image
        if image.state is ImageState.FAILED and wanted is ImageState.AVAILABLE:
            raise CloudError(f"image {image_id} failed ({image.raw_state})", code="ImageFailed")
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeoutError(image_id, wanted.value, last_state, timeout)
        sleep(min(delay, remaining))
    raise AssertionError("unreachable")


log = get_logger("imageops.driver")

LISTING_LAG_LIMIT = 30.0
"""Seconds to keep looking for an image a cloud says exists but does not list yet."""

T = TypeVar("T")


class PollingDriver:
    """What every driver shares: a context manager over ``self.api``, and :meth:`wait_for` polling
    ``self.get`` with ``self.poll`` (and an injectable ``self._sleep`` for tests)."""

    api: Any
    poll: PollPolicy
    max_token_attempts: int
    _sleep: Callable[[float], None] | None = None

    def __init__(
        self,
        api: Any,
        *,
        poll: PollPolicy | None = None,
        max_token_attempts: int = 10,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.api = api
        self.poll = poll or PollPolicy()
        self.max_token_attempts = max_token_attempts
        self._sleep = sleep

    def get(self, image_id: str) -> Image | None:
        raise NotImplementedError

    def until_listed(
        self,
        find: Callable[[], T | None],
        *,
        limit: float = LISTING_LAG_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> T | None:
        """``find()``, and again with the poll policy's delays until it finds something or ``limit``
        seconds have passed. The clouds' listings lag behind a create (eventual consistency): an
        image the cloud just said exists (a name conflict) may not be listed for a few seconds."""
        sleep = self._sleep or time.sleep
        deadline = clock() + limit
        for delay in self.poll.delays():
            found = find()
            if found is not None or clock() + delay > deadline:
                return found
            log.info("the listing does not show it yet; looking again in %.2fs", delay)
            sleep(delay)
        return None

    def pending_changes(self, desired: ImageSpec, observed: Image | None) -> Pending:
        """Nothing beyond what the image shows (see :meth:`ImageDriver.pending_changes`)."""
        from imageops.reconcile import NOTHING_PENDING  # reconcile imports this module

        return NOTHING_PENDING

    def creation_tokens(self, token_for: Callable[[int], str]) -> Iterator[str]:
        """The idempotency tokens a create tries in turn: ``token_for(0 … max_token_attempts - 1)``,
        then one token never sent before.

        A cloud answers a replayed token with the image it first made; the caller moves on when that
        image has since been deleted. A stack destroyed and re-created more often than there are
        deterministic tokens (within the cloud's token lifetime) would otherwise be stuck; the fresh
        token then makes the image. That is safe because every run looks the image up by its name
        before creating, so an interrupted create is adopted by name even without its token.
        """
        for attempt in range(self.max_token_attempts):
            yield token_for(attempt)
        yield f"imageops-fresh-{uuid.uuid4().hex}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(region={getattr(self, 'region', None)!r})"

    def checked_spec(self, spec: ImageSpec) -> Any:
        """``spec`` if it is this driver's spec type; a TypeError naming both types otherwise."""
        wanted: type[ImageSpec] = getattr(self, "spec_type", ImageSpec)
        if not isinstance(spec, wanted):
            raise TypeError(f"{type(self).__name__} needs an {wanted.__name__}, not {type(spec).__name__}")
        return spec

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_for(
        self,
        image_id: str,
        wanted: ImageState,
        timeout: float,
        on_progress: Callable[[Image], None] | None = None,
    ) -> Image:
        extra: dict[str, Any] = {"sleep": self._sleep} if self._sleep is not None else {}
        return wait_for_state(
            self.get, image_id, wanted, timeout, policy=self.poll, on_progress=on_progress, **extra
        )

    def close(self) -> None:
        self.api.close()
