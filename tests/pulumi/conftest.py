"""Fixtures for the Pulumi tests: one emulator per session, one provider server per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests_pulumi_support import provider_env

from pulumi_images.harness import Engine, ProviderHarness


@pytest.fixture(scope="session")
def emulator() -> Iterator[object]:
    testing = pytest.importorskip("imageops.emulator.testing")
    with testing.running_emulator(time_scale=0.01) as handle:
        yield handle


@pytest.fixture(scope="session")
def emu_env(emulator) -> dict[str, str]:
    return dict(emulator.env)


@pytest.fixture(scope="module")
def harness(emu_env) -> Iterator[ProviderHarness]:
    with ProviderHarness("oci", env=provider_env(emu_env)) as h:
        yield h


@pytest.fixture()
def engine(harness) -> Engine:
    return Engine(harness)
