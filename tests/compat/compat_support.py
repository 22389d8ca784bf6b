"""What ``capture.py`` and the compatibility tests share: where the fixtures are, how they are written,
and how an Ansible task is replayed. The Pulumi and Ansible helpers themselves are the suites' own
(``tests/pulumi/tests_pulumi_support.py``, ``tests/ansible/ansible_support.py``): their folders are put
on ``sys.path`` by ``conftest.py`` (pytest) and by ``capture.py`` (the script).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ansible_support import make_ansible_env

from imageops.emulator.testing import cli_environment
from pulumi_images._provider import PROVIDER_KEY
from pulumi_images.harness import ProviderHarness

HERE = Path(__file__).resolve().parent
RELEASE = "0.1"
FIXTURES = HERE / "fixtures" / "release_0_1"
STATE_FILE = FIXTURES / "emulator-state.json"
"""The emulator's ``--state-file`` after the captures, byte for byte as the emulator wrote it."""
PULUMI_FILE = FIXTURES / "pulumi-resources.json"
ANSIBLE_FILE = FIXTURES / "ansible-images.json"


def write_json(path: Path, data: Any) -> None:
    """Pretty, stable JSON (sorted keys, two-space indent, trailing newline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def ansible_playbook(module: str, options: dict[str, Any]) -> str:
    """One play on localhost running ``module`` with ``options`` (JSON, which YAML reads as is)."""
    play = {"hosts": "localhost", "gather_facts": False, "tasks": [{"name": "compat", module: options}]}
    return json.dumps([play], indent=2) + "\n"


def ansible_env(emulator: Any) -> dict[str, str]:
    """An ansible run authenticated as each cloud's CLI would be (OCI config file, OSC_*, ALIBABA_CLOUD_*)."""
    return make_ansible_env(emulator, **cli_environment(emulator.env))


class RecordedProviderHarness(ProviderHarness):
    """The harness, but a property bag that already holds a ``__provider`` keeps it.

    The engine sends the state's own ``__provider`` (the provider pickled by the release that wrote
    the state) with old outputs and inputs; only a new program's inputs carry the running code's.
    The stock harness always puts its own in, which would never unpickle a recorded provider.
    """

    def with_provider(self, props: dict[str, Any] | None) -> dict[str, Any]:
        if props and PROVIDER_KEY in props:
            return dict(props)
        return super().with_provider(props)
