"""PollingDriver.until_listed: look again while a listing lags, within a limit, sleeping the poll
policy's delays."""

from __future__ import annotations

from imageops.driver import PollingDriver, PollPolicy


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def driver(clock: Clock) -> PollingDriver:
    return PollingDriver(api=None, poll=PollPolicy(first=1.0, floor=1.0), sleep=clock.sleep)


def test_found_on_a_later_look_after_sleeping():
    clock = Clock()
    answers = iter([None, None, "ami-1"])
    assert driver(clock).until_listed(lambda: next(answers), clock=clock) == "ami-1"
    assert len(clock.slept) == 2 and all(0.8 <= s <= 1.0 for s in clock.slept)


def test_found_at_once_sleeps_nothing():
    clock = Clock()
    assert driver(clock).until_listed(lambda: "ami-1", clock=clock) == "ami-1"
    assert clock.slept == []


def test_gives_up_at_the_limit():
    clock = Clock()
    looks: list[float] = []

    def find() -> None:
        looks.append(clock.now)

    assert driver(clock).until_listed(find, limit=5.0, clock=clock) is None
    assert clock.now <= 5.0 and 4 <= len(looks) <= 7
