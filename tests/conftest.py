"""Suite-wide fixtures: ``secrets_harness`` (see ``tests/secrets_harness.py``) for every test; a line
per finished test file in quiet runs (``tests/file_progress.py``)."""

from file_progress import pytest_configure
from secrets_harness import secrets_harness

__all__ = ["pytest_configure", "secrets_harness"]
