"""A toy fourth cloud, for tests/codegen/test_toy_cloud.py only: copied into a temporary tree as
``imageops/toy/`` (its package) to show that adding a cloud is one package and one registration.

Its "API" is a JSON file (the ``state_file`` setting, or ``TOY_STATE_FILE``): a tiny fake cloud that
survives from one process to the next, as Ansible's modules and Pulumi's provider server need.
"""

from __future__ import annotations

import os
from typing import Any

from imageops.toy.driver import ToyDriver, normalise_state
from imageops.toy.spec import ToyImageSpec

SPEC = ToyImageSpec

__all__ = ["SPEC", "ToyDriver", "ToyImageSpec", "connect", "normalise_state"]


def connect(*, state_file: str | None = None, region: str | None = None, **_ignored: Any) -> ToyDriver:
    from imageops.schema import first_env
    from imageops.toy.schema import SETTINGS

    path = state_file or first_env(SETTINGS, "state_file", os.environ)
    if not path:
        from imageops.errors import ConfigError

        raise ConfigError("no toy state file: set state_file or TOY_STATE_FILE")
    return ToyDriver(path, region=region or first_env(SETTINGS, "region", os.environ) or "toy-1")
