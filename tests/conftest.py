"""Suite-wide fixtures: ``secrets_harness`` (see ``tests/secrets_harness.py``) for every test."""

from secrets_harness import secrets_harness

__all__ = ["secrets_harness"]
