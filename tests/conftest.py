"""Suite-wide fixtures: ``secrets_harness`` (see ``tests/secrets_harness.py``) for every test; a line
per finished test file in quiet runs (``tests/file_progress.py``); the longest test files first
(``SLOWEST_FILES``). The repository root is importable for every test file, so
``ansible_collections.imageops.cloud`` resolves to the collection here whatever file ran first in a
worker."""

import sys
from pathlib import Path

import pytest

REPO = str(Path(__file__).resolve().parents[1])
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from file_progress import pytest_configure  # noqa: E402
from secrets_harness import secrets_harness  # noqa: E402

__all__ = ["pytest_configure", "secrets_harness"]

# The longest test files, longest first (pytest's own per-file times in make test, 2026-12-06). make
# test hands whole files to its workers (--dist loadfile) in collection order; a long file handed out
# last keeps one worker busy while the other has nothing left, so these go first and the short ones
# fill in at the end. A file missing here only runs in its usual place: the order never changes what
# a test checks.
SLOWEST_FILES = (
    "tests/ansible/test_module_examples.py",
    "tests/ansible/test_shared_behaviour.py",
    "tests/ansible/test_oci_image.py",
    "tests/ansible/test_fresh_install.py",
    "tests/integration/test_outscale_sign_in.py",
    "tests/ansible/test_oci_copy_module.py",
    "tests/ansible/test_same_result_oci_transfer.py",
    "tests/ansible/test_neutral_regions.py",
    "tests/integration/test_same_settings_both_tools.py",
    "tests/reliability/test_soak_crashes.py",
    "tests/ansible/test_alicloud_image.py",
    "tests/integration/test_alicloud_sign_in_tools.py",
    "tests/fuzz/test_secrets_streams.py",
    "tests/docs/test_code_blocks.py",
    "tests/reliability/test_bad_credentials.py",
    "tests/ansible/test_outscale_image.py",
    "tests/reliability/test_soak_faults.py",
    "tests/fuzz/test_spec_fuzz.py",
    "tests/integration/test_oci_sign_in_tools.py",
    "tests/ansible/test_regions_clouds.py",
    "tests/ansible/test_regions.py",
    "tests/ansible/test_regions_absent.py",
    "tests/pulumi/test_pulumi_demo.py",
    "tests/thirdparty/test_oci_cli.py",
)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Keep that order under xdist: its file scheduler (``--dist loadfile``) would hand out the files
    with the most tests first (``--loadscope-reorder``, on by default since pytest-xdist 3.7)."""
    if hasattr(session.config.option, "loadscopereorder"):
        session.config.option.loadscopereorder = False


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of ``SLOWEST_FILES`` first, in that order; every file's tests stay together and in
    their own order."""
    rank = {path: index for index, path in enumerate(SLOWEST_FILES)}

    def key(item: pytest.Item) -> int:
        return rank.get(item.nodeid.split("::", 1)[0], len(SLOWEST_FILES))

    items.sort(key=key)  # stable: the rest keep collection order
