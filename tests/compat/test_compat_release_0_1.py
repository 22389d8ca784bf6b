"""Release 0.1 compatibility: state and images made by release 0.1 keep working with the code of today.

The fixtures (``fixtures/release_0_1/``, written once by ``capture.py`` with the 0.1 code) hold the
emulator's state file with the images, the Pulumi state of six resources (two source modes per
cloud) and the options and result of one Ansible task per cloud. With the emulator restarted from a
copy of that state file:

* Pulumi, per resource: ``pulumi refresh`` (a Read with the recorded outputs and inputs, and the
  recorded ``__provider``, the provider pickled by 0.1) is exactly one read API call, gives the same
  id and the recorded outputs key by key; then a Diff of the recorded outputs against the recorded
  inputs, and the Check + Diff of the next ``pulumi up`` of the same program, are "no changes", no
  replacement, and no API call.
* Ansible, per image: the same task again reports ``changed=false``, writes nothing, and returns
  the recorded ``image`` key by key.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_support import run_playbook
from compat_support import (
    ANSIBLE_FILE,
    PULUMI_FILE,
    STATE_FILE,
    RecordedProviderHarness,
    ansible_env,
    ansible_playbook,
    read_json,
)
from tests_pulumi_support import api_calls, cloud_config, cloud_env, image_reads, image_writes

from imageops.emulator.testing import running_emulator
from pulumi_images._provider import PROVIDER_KEY
from pulumi_images.harness import resource_type

pytestmark = pytest.mark.timeout(300)

#: The clouds release 0.1 had: its recorded states and fixtures hold these (AWS came later).
RELEASE_CLOUDS = ("oci", "outscale", "alicloud")

PULUMI = read_json(PULUMI_FILE)
ANSIBLE = read_json(ANSIBLE_FILE)

#: Outputs / result fields allowed to differ from the recording. None today: every attribute comes
#: from the state file (creation times included), so nothing moves between the capture and a replay.
MOVING: frozenset[str] = frozenset()


def assert_same_fields(recorded: dict[str, Any], got: dict[str, Any], what: str) -> None:
    """Key by key: a renamed, dropped or added field, or a changed value, fails and is named."""
    missing = sorted(set(recorded) - set(got) - MOVING)
    added = sorted(set(got) - set(recorded) - MOVING)
    assert not missing and not added, f"{what}: fields gone {missing}, fields new {added}"
    compared = sorted(set(recorded) - MOVING)
    changed = {key: (recorded[key], got[key]) for key in compared if got[key] != recorded[key]}
    assert not changed, f"{what}: changed fields (recorded, now): {changed}"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[Any]:
    """The emulator restarted from a copy of the recorded state file (the copy is written to)."""
    work = tmp_path_factory.mktemp("compat-emulator")
    state = work / "emulator-state.json"
    shutil.copyfile(STATE_FILE, state)
    with running_emulator(time_scale=0.01, state_file=state, workdir=work) as handle:
        yield handle


@pytest.fixture(scope="module")
def harnesses(emulator) -> Iterator[dict[str, RecordedProviderHarness]]:
    env = dict(emulator.env)
    started: dict[str, RecordedProviderHarness] = {}
    try:
        for cloud in RELEASE_CLOUDS:
            harness = RecordedProviderHarness(
                cloud, env=cloud_env(cloud, env), config=cloud_config(cloud, env)
            )
            harness.start()
            started[cloud] = harness
        yield started
    finally:
        for harness in started.values():
            harness.close()


def test_the_fixtures_cover_every_cloud_and_source_mode():
    assert sorted((r["cloud"], r["mode"]) for r in PULUMI) == sorted(
        [
            ("oci", "instance"),
            ("oci", "tuple"),
            ("outscale", "vm"),
            ("outscale", "copy"),
            ("alicloud", "instance"),
            ("alicloud", "snapshot"),
        ]
    )
    assert sorted(i["cloud"] for i in ANSIBLE) == sorted(RELEASE_CLOUDS)


@pytest.mark.parametrize("recorded", PULUMI, ids=[r["name"] for r in PULUMI])
def test_pulumi_state_refreshes_unchanged_and_diffs_to_nothing(emulator, harnesses, recorded):
    cloud, urn, id_ = recorded["cloud"], recorded["urn"], recorded["id"]
    outputs, inputs = recorded["outputs"], recorded["inputs"]
    assert recorded["type"] == resource_type(cloud) and f"::{recorded['type']}::" in urn
    harness = harnesses[cloud]

    # pulumi refresh: the state's outputs and inputs, with the state's own pickled provider
    mark = emulator.mark()
    got_id, got_outputs, got_inputs = harness.read(id_, urn, outputs, inputs)
    reads = image_reads(emulator, mark, cloud)
    assert len(reads) == 1, reads
    assert image_writes(emulator, mark, cloud) == []
    assert got_id == id_
    assert_same_fields(outputs, got_outputs, f"{recorded['name']} refreshed outputs")
    if got_inputs is not None:  # a refresh may hand back inputs; then they must be the recorded ones
        assert_same_fields(inputs, got_inputs, f"{recorded['name']} refreshed inputs")

    # Diff of the recorded state (news: the recorded inputs, with today's provider as a new
    # program's inputs carry it), then the Check + Diff of `pulumi up` with the same program
    mark = emulator.mark()
    news = {k: v for k, v in inputs.items() if k != PROVIDER_KEY}
    diff = harness.diff(id_, urn, outputs, news)
    assert diff.changes == diff.DIFF_NONE, diff
    assert list(diff.replaces) == []
    checked, failures = harness.check(urn, inputs, recorded["program_inputs"])
    assert failures == []
    diff = harness.diff(id_, urn, outputs, checked)
    assert diff.changes == diff.DIFF_NONE, diff
    assert list(diff.replaces) == []
    assert api_calls(emulator, mark, cloud) == []


@pytest.mark.parametrize("recorded", ANSIBLE, ids=[i["cloud"] for i in ANSIBLE])
def test_ansible_task_again_changes_nothing(emulator, tmp_path, recorded):
    cloud = recorded["cloud"]
    mark = emulator.mark()
    run = run_playbook(
        tmp_path, ansible_playbook(recorded["module"], recorded["options"]), env=ansible_env(emulator)
    )
    result = run.result("compat")
    assert result["changed"] is False, result
    assert image_writes(emulator, mark, cloud) == []
    assert_same_fields(recorded["image"], result["image"], f"{recorded['module']} image")
