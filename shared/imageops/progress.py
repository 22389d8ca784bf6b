"""Progress of long waits, as events a person can read: one per state change (or new percent).

:func:`imageops.driver.wait_for_state` hands every polled :class:`Image` to its ``on_progress``
callback. A :class:`ProgressTracker` is such a callback: it keeps only what changed (the cloud's
state word, the percent where the cloud reports one, its status message) as :class:`ProgressEvent`
records with the elapsed time, and passes each to a listener — the CLI's progress bar, the Ansible
``progress`` return value, the Pulumi provider's log lines.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from imageops.model import Image, ImageState

__all__ = ["ProgressEvent", "ProgressTracker", "percent_of", "status_message_of"]

_PERCENT = re.compile(r"^\s*(\d{1,3})(?:\.\d+)?\s*%?\s*$")


def percent_of(image: Image) -> int | None:
    """How far the cloud says the image is, 0-100, where it reports it (ECS ``Progress``: "45%",
    OCI work requests ``percent_complete``); None where it does not (OUTSCALE)."""
    if image.state is ImageState.AVAILABLE:
        return 100
    for name in ("progress", "percent_complete"):
        value = image.attributes.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return max(0, min(100, int(value)))
        match = _PERCENT.match(value) if isinstance(value, str) else None
        if match:
            return max(0, min(100, int(match.group(1))))
    return None


def status_message_of(image: Image) -> str | None:
    """The cloud's own words about the state, where it gives some (OUTSCALE ``StateComment``)."""
    comment = image.attributes.get("state_comment")
    if isinstance(comment, dict):
        message = comment.get("state_message") or comment.get("state_code")
        return str(message) if message else None
    return None


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a wait: the image's state (the cloud's word and the neutral one), how far it is
    (percent, when the cloud says), after how many seconds, and when (UTC)."""

    image_id: str
    state: str
    status: ImageState
    elapsed: float
    at: datetime
    percent: int | None = None
    message: str | None = None
    region: str | None = None

    def line(self) -> str:
        """One human line: ``m-bp1... Creating 45% after 12.3s (cn-hangzhou)``."""
        parts = [self.image_id, self.state]
        if self.percent is not None:
            parts.append(f"{self.percent}%")
        parts.append(f"after {self.elapsed:.1f}s")
        if self.region:
            parts.append(f"({self.region})")
        if self.message:
            parts.append(f"- {self.message}")
        return " ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (Ansible's ``progress`` items)."""
        data = asdict(self)
        data["status"] = self.status.value
        data["at"] = self.at.isoformat().replace("+00:00", "Z")
        data["elapsed"] = round(self.elapsed, 3)
        return data


Listener = Callable[[ProgressEvent], None]


class ProgressTracker:
    """An ``on_progress`` callback that turns polled images into :class:`ProgressEvent` records.

    An event is recorded when the image (its id), its state word, its percent or its message
    changes, so a 30-minute wait polled 200 times gives a handful of events, not 200. ``events``
    is the whole history; ``listener`` (optional) hears each event as it happens. Safe to share
    between the threads of a fan-out.
    """

    def __init__(
        self,
        listener: Listener | None = None,
        *,
        region: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.listener = listener
        self.region = region
        self._clock = clock
        self._start = clock()
        self._lock = threading.Lock()
        self._last: dict[str, tuple[str, int | None, str | None]] = {}
        self.events: list[ProgressEvent] = []

    def __call__(self, image: Image) -> None:
        percent, message = percent_of(image), status_message_of(image)
        key = (image.raw_state, percent, message)
        with self._lock:
            if self._last.get(image.id) == key:
                return
            self._last[image.id] = key
            event = ProgressEvent(
                image_id=image.id,
                state=image.raw_state,
                status=image.state,
                elapsed=self._clock() - self._start,
                at=datetime.now(UTC),
                percent=percent,
                message=message,
                region=image.region or self.region,
            )
            self.events.append(event)
        if self.listener is not None:
            self.listener(event)

    def as_list(self) -> list[dict[str, Any]]:
        return [event.as_dict() for event in self.events]
