"""Fixtures of the Ansible tests; the helpers live in ``ansible_support`` (a module name of its own,
so it never collides with another folder's ``conftest``)."""

from ansible_support import ansible_env, calls_between, emulator, play  # noqa: F401
