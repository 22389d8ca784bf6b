"""IMAGEOPS_HTTP_TIMEOUT: the per-call HTTP timeout of every driver when none is passed."""

from __future__ import annotations

import pytest

from imageops import outscale
from imageops.errors import ConfigError
from imageops.transport import TIMEOUT_ENV, default_timeout


def test_default_is_thirty_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    assert default_timeout() == 30.0


def test_the_variable_sets_every_drivers_client_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "2.5")
    assert default_timeout() == 2.5
    driver = outscale.connect(access_key="AK", secret_key="SK", region="eu-west-2",
                              endpoint="http://127.0.0.1:9/api/v1")
    assert driver.api.client.timeout.read == 2.5
    explicit = outscale.connect(access_key="AK", secret_key="SK", region="eu-west-2",
                                endpoint="http://127.0.0.1:9/api/v1", timeout=7.0)
    assert explicit.api.client.timeout.read == 7.0


@pytest.mark.parametrize("value", ["abc", "0", "-1", "inf", "nan"])
def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, value)
    with pytest.raises(ConfigError, match="IMAGEOPS_HTTP_TIMEOUT must be a positive number of seconds"):
        default_timeout()
