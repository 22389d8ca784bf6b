"""Shared fixtures for integration tests: one emulator process per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imageops.emulator import testing


@pytest.fixture(scope="session")
def oci_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A running emulator (time scale 0.01, no faults) for the whole session."""
    workdir: Path = tmp_path_factory.mktemp("oci-emulator")
    with testing.running_emulator(time_scale=0.01, fault_rate=0.0, seed=0, workdir=workdir) as emu:
        yield emu


@pytest.fixture(scope="session")
def oci_env(oci_emulator: Any) -> dict[str, str]:
    return dict(oci_emulator.env)


@pytest.fixture(scope="session")
def oci_faulty_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A second emulator that answers 30% of calls with 429/500/503 or a dropped connection."""
    workdir: Path = tmp_path_factory.mktemp("oci-faulty-emulator")
    with testing.running_emulator(time_scale=0.01, fault_rate=0.3, seed=7, workdir=workdir) as emu:
        yield emu
