"""Suite-wide fixtures: ``secrets_harness`` (see ``tests/secrets_harness.py``) for every test; a line
per finished test file in quiet runs (``tests/file_progress.py``). The repository root is importable
for every test file, so ``ansible_collections.imageops.cloud`` resolves to the collection here whatever
file ran first in a worker."""

import sys
from pathlib import Path

REPO = str(Path(__file__).resolve().parents[1])
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from file_progress import pytest_configure  # noqa: E402
from secrets_harness import secrets_harness  # noqa: E402

__all__ = ["pytest_configure", "secrets_harness"]
