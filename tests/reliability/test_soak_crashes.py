"""kill -9 of ``ansible-playbook`` and of the Pulumi provider server at random points of a create, an
update, an import and a delete, for every cloud (see ``soak_crashes``): the next run converges with
exactly one image per name and the attributes asked for. And the emulator, killed (-9) and restarted
on its state file, loses nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from soak_calls import Emulator
from soak_clouds import CLOUDS, Cloud
from soak_crashes import CrashFigures, run_crashes

from imageops.model import ImageState

pytestmark = pytest.mark.e2e
SOAK = os.environ.get("IMAGEOPS_SOAK") == "1"
TOOLS = ("ansible", "pulumi")
SOAK_ONLY = (
    pytest.mark.soak,
    pytest.mark.skipif(not SOAK, reason="small scale: make soak (IMAGEOPS_SOAK=1); another cell runs here"),
)
# The small-scale cells `make test` runs: one per tool, and each cloud once in this file (OUTSCALE,
# whose CreateImage has no retry token, under list lag; AWS, whose CreateImage has none either, through
# Pulumi). Every other cell runs in `make soak`, at this scale and at full scale (test_full_scale_kills,
# test_full_scale_kills_while_listings_lag: every cloud and tool).
IN_MAKE_TEST = {("oci", "ansible"), ("alicloud", "pulumi"), ("aws", "pulumi")}
LAG_IN_MAKE_TEST = {"outscale"}  # the re-run must get the image back by the name conflict, no token


def cells(chosen: set) -> list:
    """(cloud, tool) for every cloud and tool; those not ``chosen`` only under make soak."""
    return [
        pytest.param(cloud, tool, marks=() if (cloud, tool) in chosen else SOAK_ONLY)
        for cloud in CLOUDS
        for tool in TOOLS
    ]


def record(figures: CrashFigures) -> None:
    report = os.environ.get("IMAGEOPS_SOAK_REPORT")
    if report:
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        with Path(report).open("a") as handle:
            handle.write(f"crashes {figures.row()}\n")
    print(f"\n{CrashFigures.HEADER}\n{figures.row()}")


@pytest.mark.parametrize(("cloud", "tool"), cells(IN_MAKE_TEST))
def test_a_killed_run_is_converged_by_the_next_one(cloud: str, tool: str) -> None:
    # one iteration (create, update, import, delete), each run killed unless it finished first
    figures = run_crashes(cloud, tool, kills=4, restart_every=1, max_iterations=1)
    record(figures)
    assert figures.problems == []
    assert sum(figures.kills.values()) >= 2
    assert figures.emulator_restarts >= 1


LIST_LAG = 2.0  # seconds: longer than a kill-and-re-run takes here, so re-runs cannot list the image


@pytest.mark.parametrize(
    "cloud", [pytest.param(c, marks=() if c in LAG_IN_MAKE_TEST else SOAK_ONLY) for c in CLOUDS]
)
def test_a_killed_run_is_converged_while_listings_lag(cloud: str) -> None:
    """The re-run of a killed create cannot find the image by name (the listing lags): its create
    must get the same image back (token, or the name conflict), never make a second one."""
    figures = run_crashes(cloud, "ansible", kills=4, restart_every=1, max_iterations=1, list_lag=LIST_LAG)
    record(figures)
    assert figures.problems == []
    assert sum(figures.kills.values()) >= 2


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("cloud", tuple(CLOUDS))
def test_full_scale_kills_while_listings_lag(cloud: str, tool: str) -> None:
    figures = run_crashes(cloud, tool, kills=50, list_lag=LIST_LAG)
    record(figures)
    assert figures.problems == []
    assert sum(figures.kills.values()) >= 50
    assert figures.kills["create"] > 0


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("cloud", tuple(CLOUDS))
def test_full_scale_kills(cloud: str, tool: str) -> None:
    figures = run_crashes(cloud, tool, kills=50)
    record(figures)
    assert figures.problems == []
    assert sum(figures.kills.values()) >= 50
    assert all(figures.kills[op] > 0 for op in ("create", "update", "import", "delete"))
    # the random points fell on both sides of the write
    assert figures.phases["before the write"] > 0 and figures.phases["after the write"] > 0


def test_the_emulator_killed_and_restarted_on_its_state_file_loses_nothing(tmp_path: Path) -> None:
    """Images made, changed, being made and deleted in every cloud read back the same after kill -9."""
    with Emulator(tmp_path, faults=False, time_scale=0.02) as emu:
        env = emu.env
        made: dict[str, list[str]] = {}
        for cloud in CLOUDS.values():
            with cloud.connect(env) as driver:
                kept = driver.create(cloud.spec(env, "kept", {"v": "1"}))
                gone = driver.create(cloud.spec(env, "gone", {"v": "1"}))
                for image in (kept, gone):
                    driver.wait_for(image.id, ImageState.AVAILABLE, 120)
                driver.update(driver.get(kept.id), cloud.spec(env, "kept", {"v": "2"}),
                              {cloud.tag_field: cloud.render_tags({"v": "2"})})
                driver.delete(gone.id)
                driver.wait_for(gone.id, ImageState.DELETED, 120)
                pending = driver.create(cloud.spec(env, "pending", {"v": "1"}))  # still being built
                made[cloud.name] = [kept.id, gone.id, pending.id]
        before = {name: _views(CLOUDS[name], emu, ids) for name, ids in made.items()}
        pid = emu.handle.process.pid
        emu.kill_and_restart()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # it was really killed: a new process serves the same state
        after = {name: _views(CLOUDS[name], emu, ids) for name, ids in made.items()}
    assert after == before
    for view in after.values():
        assert view[0] is not None and view[0]["tags"] == {"v": "2"} and view[0]["state"] == "available"
        assert view[1] is None
        assert view[2] is not None and view[2]["tags"] == {"v": "1"}


def _views(cloud: Cloud, emu: Emulator, ids: list[str]) -> list[dict | None]:
    """What the core reads back of each image: id, name, tags, and the state of a finished one
    (an image still being built may finish between the two reads); None once gone."""
    with cloud.connect(emu.env) as driver:
        views: list[dict | None] = []
        for index, image_id in enumerate(ids):
            image = driver.get(image_id)
            if image is None or not image.is_live:
                views.append(None)
                continue
            view = {"id": image.id, "name": image.name, "tags": cloud.tags_of(image.attributes)}
            if index == 0:
                view["state"] = image.state.value
            views.append(view)
    return views
