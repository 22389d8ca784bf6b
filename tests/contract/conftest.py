"""Fixtures for contract tests: the official SDKs, unchanged apart from the endpoint, against a real
emulator process on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import oci
import pytest

from imageops.emulator.testing import EmulatorHandle, running_emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.002) as handle:
        yield handle


@pytest.fixture(scope="module")
def oci_config(emu: EmulatorHandle) -> dict:
    return oci.config.from_file(emu.env["IMAGEOPS_OCI_CONFIG_FILE"], "DEFAULT")


@pytest.fixture(scope="module")
def compute(emu: EmulatorHandle, oci_config: dict) -> oci.core.ComputeClient:
    return oci.core.ComputeClient(oci_config, service_endpoint=emu.env["IMAGEOPS_OCI_ENDPOINT"])


@pytest.fixture(scope="module")
def other_compute(emu: EmulatorHandle) -> oci.core.ComputeClient:
    config = oci.config.from_file(emu.env["IMAGEOPS_OCI_CONFIG_FILE"], "OTHER")
    return oci.core.ComputeClient(config, service_endpoint=emu.env["IMAGEOPS_OCI_ENDPOINT"])
