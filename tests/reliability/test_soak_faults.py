"""Create/update/delete cycles under faults through the core, Ansible and Pulumi, for every cloud
(see ``soak_faults``): a few cycles here, the full count under ``make soak``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from soak_faults import TOOLS, FaultFigures, run_fault_cycles

CLOUD_NAMES = ("oci", "outscale", "alicloud", "aws")
# (cycles, cycles per emulator life) at small scale: each case well under a minute, one restart
SMALL = {"core": (12, 6), "ansible": (4, 2), "pulumi": (6, 3)}
FULL = {"core": 500, "ansible": 100, "pulumi": 100}
SOAK = os.environ.get("IMAGEOPS_SOAK") == "1"
SOAK_ONLY = (
    pytest.mark.soak,
    pytest.mark.skipif(not SOAK, reason="small scale: make soak (IMAGEOPS_SOAK=1); another cell runs here"),
)
# The small-scale cells `make test` runs: each tool once, each cloud once (AWS through the core, the
# quickest). The other eight run in `make soak`, at this scale and at full scale
# (test_full_scale_cycles_under_faults: every cell).
IN_MAKE_TEST = {("oci", "core"), ("outscale", "ansible"), ("alicloud", "pulumi"), ("aws", "core")}


def record(figures: FaultFigures) -> None:
    """Append the row to the soak report (``make soak`` collects them into docs/reliability.md)."""
    report = os.environ.get("IMAGEOPS_SOAK_REPORT")
    if report:
        path = Path(report)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            handle.write(f"faults {figures.row()}\n")
    print(f"\n{FaultFigures.HEADER}\n{figures.row()}")


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("cloud", "tool"),
    [
        pytest.param(cloud, tool, marks=() if (cloud, tool) in IN_MAKE_TEST else SOAK_ONLY)
        for cloud in CLOUD_NAMES
        for tool in TOOLS
    ],
)
def test_cycles_under_faults_leave_no_duplicate_no_leak_no_unhandled_error(cloud: str, tool: str) -> None:
    cycles, batch = SMALL[tool]
    figures = run_fault_cycles(cloud, tool, cycles, batch=batch)
    record(figures)
    assert figures.failures() == [], "\n".join(figures.failures())
    assert sum(figures.faults.values()) >= cycles, "too few faults fired: this run would prove nothing"
    assert figures.restarts == 1


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_full_scale_cycles_under_faults(cloud: str, tool: str) -> None:
    figures = run_fault_cycles(cloud, tool, FULL[tool])
    record(figures)
    assert figures.failures() == [], "\n".join(figures.failures())
    # every kind of fault fired, and the checks on the call log had something to check
    assert all(figures.faults[kind] > 0 for kind in ("throttle", "internal", "unavailable", "drop", "slow"))
    if cloud == "oci":  # the one cloud here that answers throttling with a Retry-After
        assert figures.retry_after_checked > 0
    if tool == "core":  # the core runs also probe with a wrong secret each batch
        assert figures.refusals > 0
