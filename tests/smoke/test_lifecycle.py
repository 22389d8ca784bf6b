"""One lifecycle per cloud and tool, for ``make check``'s quick loop (and in ``make test``): create,
a re-run that writes nothing, delete -- an Ansible playbook and the Pulumi provider server against
one emulator. The thorough versions live beside each tool's suite."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.extend(str(TESTS / suite) for suite in ("pulumi", "ansible") if str(TESTS / suite) not in sys.path)

from ansible_support import make_ansible_env, run_playbook  # noqa: E402
from shared_clouds import CLOUDS as ANSIBLE_CLOUDS  # noqa: E402
from tests_pulumi_support import cloud_harness, from_instance  # noqa: E402

from imageops import registry  # noqa: E402
from imageops.emulator.testing import cli_environment, is_read, running_emulator  # noqa: E402
from pulumi_images.harness import Engine  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
CLOUD_NAMES = registry.clouds()


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with running_emulator(time_scale=0.002, workdir=tmp_path_factory.mktemp("smoke")) as handle:
        yield handle


def writes(emulator, since: int, cloud: str) -> list[str]:
    calls = emulator.calls(since=since, cloud=cloud)
    return [
        c.get("action") or c["path"]
        for c in calls
        if not is_read(c) and not c["path"].startswith("/_emulator")
    ]


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_ansible_create_rerun_delete(emulator, tmp_path: Path, cloud: str):
    spec = ANSIBLE_CLOUDS[cloud]
    name = f"smoke-{cloud}-{uuid.uuid4().hex[:6]}"
    make = spec.task("create", name, tags={"smoke": "yes"})
    absent = spec.task("delete", name, state="absent")
    env = make_ansible_env(emulator, **cli_environment(emulator.env))
    mark = emulator.mark()
    first = run_playbook(tmp_path, spec.playbook([make]), env=env)
    assert first.result("create")["changed"] is True
    made_writes = writes(emulator, mark, cloud)
    mark = emulator.mark()
    again = run_playbook(tmp_path, spec.playbook([make]), env=env)
    assert again.result("create")["changed"] is False and writes(emulator, mark, cloud) == []
    gone = run_playbook(tmp_path, spec.playbook([absent]), env=env)
    assert gone.result("delete")["changed"] is True and made_writes


@pytest.mark.parametrize("cloud", CLOUD_NAMES)
def test_pulumi_create_rerun_delete(emulator, cloud: str):
    name = f"smoke-{cloud}-{uuid.uuid4().hex[:6]}"
    inputs = from_instance(cloud, emulator.env, name)
    with cloud_harness(cloud, emulator.env) as harness:
        engine = Engine(harness)
        state, action = engine.up("smoke", inputs)
        assert action == "create" and state.id
        mark = emulator.mark()
        _, action = engine.up("smoke", inputs, state)
        assert action == "same" and emulator.calls(since=mark, cloud=cloud) == []  # no call at all
        engine.destroy(state)
        assert json.dumps(state.outputs)  # outputs are plain JSON
