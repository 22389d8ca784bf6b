"""A create call the cloud offers no client token for (OUTSCALE's CreateImage, EC2's CreateImage and
RegisterImage), made safe by the image's unique name: such a call is never resent blindly.

When the answer is lost (a dropped connection, throttling, a 5xx), the image may or may not have been
made: the name is looked up, the image adopted if the call made it, and only otherwise is the call
sent again (at most :data:`CREATE_ATTEMPTS` times, with a growing pause). When the cloud refuses the
name as taken, an earlier attempt (or run) made the image: it is adopted too, once the listing shows
it (listings lag behind creates). Any other error is the caller's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from imageops.driver import PollingDriver
from imageops.errors import CloudError, ConflictError, ThrottledError, TransportError

__all__ = ["CREATE_ATTEMPTS", "NameAdoptingDriver"]

CREATE_ATTEMPTS = 5
T = TypeVar("T")


class NameAdoptingDriver(PollingDriver):
    """A :class:`PollingDriver` whose creates go through :meth:`create_once`."""

    def create_once(
        self,
        send: Callable[[], T],
        adopt: Callable[[], T | None],
        *,
        operation: str,
        noun: str,
        name_taken: str,
        log: logging.Logger,
        describe: Callable[[T], str] = str,
        can_adopt: bool = True,
    ) -> T:
        """``send()``'s answer, or what ``adopt()`` (the one image holding the spec's name, if any)
        finds when the answer was lost or the cloud says the name is taken (``ConflictError`` with
        code ``name_taken``). ``can_adopt`` false (no name to look up) leaves a lost answer lost.
        Log lines name the ``operation`` and the image as ``noun`` ``describe(image)``, on the
        cloud's ``log``."""
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return send()
            except ConflictError as exc:
                # the name is taken: the image holding it may not be listed yet (listings lag)
                if exc.code != name_taken:
                    raise
                adopted = self.until_listed(adopt)
                if adopted is None:
                    raise
                log.info("%s: %s %s already holds the name; adopting it", operation, noun, describe(adopted))
                return adopted
            except (TransportError, ThrottledError, CloudError) as exc:
                retryable = isinstance(exc, TransportError | ThrottledError) or (exc.status or 0) >= 500
                if not retryable or not can_adopt or attempt == CREATE_ATTEMPTS:
                    raise
                adopted = adopt()
                if adopted is not None:
                    log.info(
                        "%s answer lost; %s %s was made, adopting it", operation, noun, describe(adopted)
                    )
                    return adopted
                log.warning(
                    "%s attempt %d failed (%s); nothing was made, sending it again",
                    operation,
                    attempt,
                    exc.code or type(exc).__name__,
                )
                if self._sleep is not None:
                    self._sleep(self.poll.first * attempt)
        raise AssertionError("unreachable")
