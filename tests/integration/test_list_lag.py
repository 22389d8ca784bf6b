"""Listings that lag behind new images (``imageops emulator serve --list-lag``), as the real clouds'
eventually consistent listings do: a get by id sees a new image at once, a list by name only later,
and a create repeated inside that window -- a re-run after an interrupted create, which cannot adopt
what it cannot list -- still ends with one image, because creates carry deterministic tokens."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "pulumi"))

from tests_pulumi_support import from_instance

from imageops import registry
from imageops.emulator.testing import cli_environment, running_emulator
from imageops.model import ImageState

LAG = 4.0  # long enough that the steps inside it fit even on a loaded machine


@pytest.fixture(scope="module")
def lagging(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("lag")
    with running_emulator(workdir=workdir, extra_args=["--list-lag", str(LAG)]) as handle:
        yield handle


@pytest.mark.parametrize("cloud", registry.clouds())
def test_a_new_image_is_gettable_at_once_listed_later_and_a_repeated_create_makes_no_duplicate(
    lagging, monkeypatch, cloud
):
    for name, value in {**lagging.env, **cli_environment(lagging.env)}.items():
        monkeypatch.setenv(name, value)
    spec = registry.spec_type(cloud).parse(from_instance(cloud, lagging.env, f"lag-{uuid.uuid4().hex[:8]}"))
    driver = registry.connect(cloud)
    try:
        first = driver.create(spec, timeout=0)  # interrupted: the run ends before the image is ready
        started = time.monotonic()
        assert driver.get(first.id) is not None  # by id: at once
        assert driver.find(spec) is None  # by name: not yet
        assert time.monotonic() - started < LAG, "too slow to have tested inside the lag"
        # The re-run cannot adopt it by name; its create gets the same image back: by its token
        # (OCI, ECS), or, where CreateImage takes none (OUTSCALE), from the name conflict, once the
        # listing shows the image holding the name.
        again = driver.create(spec, timeout=0)
        assert again.id == first.id
        time.sleep(max(0.0, LAG - (time.monotonic() - started)) + 0.1)
        found = driver.find(spec)
        assert found is not None and found.id == first.id
        assert [i.id for i in driver.list(spec)].count(first.id) == 1
        named = [i for i in driver.list(spec) if i.name == found.name]
        assert len(named) == 1
        driver.wait_for(first.id, ImageState.AVAILABLE, timeout=60)  # clouds refuse to delete it sooner
        driver.delete(first.id)
    finally:
        driver.close()
