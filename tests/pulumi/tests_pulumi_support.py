"""Helpers shared by the Pulumi tests (imported by name: ``tests/pulumi`` is on ``sys.path``)."""

from __future__ import annotations

import os


def provider_env(emu_env: dict[str, str], **extra: str) -> dict[str, str]:
    """The provider server's environment: ours without OCI settings, plus the emulator's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OCI_", "IMAGEOPS_"))}
    env.update(emu_env)
    env.update(extra)
    return env
