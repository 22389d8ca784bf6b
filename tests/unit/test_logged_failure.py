"""The one log line of a failed API call (:func:`imageops.transport.logged_failure`), on the
calling cloud's logger."""

from __future__ import annotations

import logging

import pytest

from imageops import errors
from imageops.transport import logged_failure


def test_the_error_comes_back_logged_on_the_given_logger(caplog: pytest.LogCaptureFixture) -> None:
    error = errors.NotFoundError("gone", code="InvalidAMIID.NotFound", status=400, operation="DescribeImages")
    with caplog.at_level(logging.INFO, logger="imageops.test.api"):
        returned = logged_failure(logging.getLogger("imageops.test.api"), "DescribeImages", error)
    assert returned is error
    [record] = [r for r in caplog.records if r.name == "imageops.test.api"]
    assert record.getMessage() == "DescribeImages failed: HTTP 400 InvalidAMIID.NotFound (request id -)"


def test_the_request_id_is_named_when_known(caplog: pytest.LogCaptureFixture) -> None:
    error = errors.ThrottledError(
        "slow down", code="6", status=429, request_id="req-1", operation="ReadImages"
    )
    with caplog.at_level(logging.INFO, logger="imageops.test.api"):
        logged_failure(logging.getLogger("imageops.test.api"), "ReadImages", error)
    assert "ReadImages failed: HTTP 429 6 (request id req-1)" in caplog.text
