"""A create with no client token, made safe by the image's name
(:meth:`imageops.create_once.NameAdoptingDriver.create_once`): lost answers and taken names adopt,
nothing is resent blindly."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from imageops.create_once import CREATE_ATTEMPTS, NameAdoptingDriver
from imageops.driver import PollPolicy
from imageops.errors import CloudError, ConflictError, TransportError, ValidationError

log = logging.getLogger("imageops.test.driver")


def driver() -> NameAdoptingDriver:
    return NameAdoptingDriver(None, poll=PollPolicy(first=0.01, longest=0.01), sleep=lambda _: None)


def sender(*outcomes: Exception | str) -> tuple[Callable[[], str], list[int]]:
    calls: list[int] = []

    def send() -> str:
        calls.append(1)
        outcome = outcomes[min(len(calls), len(outcomes)) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return send, calls


def create(send: Callable[[], str], adopt: Callable[[], str | None], **options: bool) -> str:
    return driver().create_once(
        send, adopt, operation="CreateImage", noun="AMI", name_taken="Taken", log=log, **options
    )


def test_a_lost_answer_that_made_nothing_is_sent_again() -> None:
    send, calls = sender(TransportError("dropped"), "ami-1")
    assert create(send, lambda: None) == "ami-1"
    assert len(calls) == 2


def test_a_lost_answer_that_made_the_image_adopts_it(caplog: pytest.LogCaptureFixture) -> None:
    send, calls = sender(CloudError("boom", status=503))
    with caplog.at_level(logging.INFO, logger=log.name):
        assert create(send, lambda: "ami-2") == "ami-2"
    assert len(calls) == 1
    assert "CreateImage answer lost; AMI ami-2 was made, adopting it" in caplog.messages


def test_a_taken_name_adopts_the_image_holding_it(caplog: pytest.LogCaptureFixture) -> None:
    send, _ = sender(ConflictError("taken", code="Taken"))
    with caplog.at_level(logging.INFO, logger=log.name):
        assert create(send, lambda: "ami-3") == "ami-3"
    assert "CreateImage: AMI ami-3 already holds the name; adopting it" in caplog.messages


def test_other_errors_and_the_last_attempt_are_the_callers() -> None:
    for error in (ConflictError("other", code="Else"), ValidationError("bad", status=400)):
        send, calls = sender(error)
        with pytest.raises(type(error)):
            create(send, lambda: None)
        assert len(calls) == 1
    send, calls = sender(TransportError("dropped"))
    with pytest.raises(TransportError):
        create(send, lambda: None)
    assert len(calls) == CREATE_ATTEMPTS


def test_without_a_name_to_look_up_a_lost_answer_stays_lost() -> None:
    send, calls = sender(TransportError("dropped"), "ami-4")
    with pytest.raises(TransportError):
        create(send, lambda: "never asked", can_adopt=False)
    assert len(calls) == 1
