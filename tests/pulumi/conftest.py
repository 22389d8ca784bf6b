"""Fixtures for the Pulumi tests: one emulator per session, one provider server per test module."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pulumi_images.harness import Engine, ProviderHarness


@pytest.fixture(scope="session")
def emulator() -> Iterator[object]:
    testing = pytest.importorskip("imageops.emulator.testing")
    with testing.running_emulator(time_scale=0.01) as handle:
        yield handle


@pytest.fixture(scope="session")
def emu_env(emulator) -> dict[str, str]:
    return dict(emulator.env)


def provider_env(emu_env: dict[str, str], **extra: str) -> dict[str, str]:
    """The provider server's environment: ours plus the emulator's (endpoint, config file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "IMAGEOPS_"))}
    env.update(emu_env)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def harness(emu_env) -> Iterator[ProviderHarness]:
    with ProviderHarness("oci", env=provider_env(emu_env)) as h:
        yield h


@pytest.fixture()
def engine(harness) -> Engine:
    return Engine(harness)
