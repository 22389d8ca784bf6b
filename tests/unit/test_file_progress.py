"""A quiet pytest run (``make test``'s) prints one line per finished test file, with xdist too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("workers", [[], ["-n", "2", "--dist", "loadfile"]])
def test_each_file_gets_a_line_when_it_finishes(tmp_path: Path, workers: list[str]):
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(TESTS)!r})\nfrom file_progress import pytest_configure\n"
    )
    (tmp_path / "test_one.py").write_text("def test_a():\n    pass\n\ndef test_b():\n    pass\n")
    (tmp_path / "test_two.py").write_text(
        "import pytest\n\ndef test_c():\n    assert False\n\n"
        "@pytest.mark.skip('no')\ndef test_d():\n    pass\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *workers, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    lines = [line for line in run.stdout.splitlines() if "files]" in line]
    assert len(lines) == 2, run.stdout
    one = next(line for line in lines if "test_one.py" in line)
    two = next(line for line in lines if "test_two.py" in line)
    assert "2 passed" in one and "1 failed" in two and "1 skipped" in two
    assert {line.split("]")[0] for line in lines} == {"[1/2 files", "[2/2 files"}
