"""The third-party tools' virtualenv (``.venv-thirdparty/``, pinned by ``requirements.txt``): made once,
reused while the hash of ``requirements.txt`` matches, and never made twice at once (a lock beside it).

Two callers: the ``tools_venv`` fixture of ``conftest.py`` (on first use, under pytest), and ``make
test``, which runs this file in the background as it starts, so that the install (about 20 s in a
fresh clone) overlaps the bootstrap and the stages before pytest instead of holding up a pytest
worker. Only the standard library here: it runs before the project's virtualenv exists. Whoever comes
second waits on the lock and finds the stamp.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "requirements.txt"
REPO = HERE.parents[1]
INSTALL_TIMEOUT = 1800


def venv_dir() -> Path:
    return Path(os.environ.get("IMAGEOPS_THIRDPARTY_VENV") or REPO / ".venv-thirdparty")


def requirements_hash() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def is_current(venv: Path) -> bool:
    stamp = venv / ".requirements.sha256"
    return stamp.exists() and stamp.read_text() == requirements_hash()


@contextmanager
def locked(venv: Path) -> Iterator[None]:
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def install(venv: Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    """A new virtualenv with every pinned package (``--no-deps``: the file pins them all; see its
    header for the one left out on purpose), installed by uv as the project's own bootstrap is (the
    Makefile: parallel downloads and sdist builds); the stamp is written only when the install
    succeeded."""
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    venv_python = str(venv / "bin" / "python")
    result = subprocess.run([venv_python, "-m", "pip", "install", "--quiet", "uv>=0.9"],
                            capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
    if result.returncode != 0:
        return result
    result = subprocess.run(
        [str(venv / "bin" / "uv"), "pip", "install", "--quiet", "--python", venv_python, "--no-deps",
         "-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    if result.returncode == 0:
        (venv / ".requirements.sha256").write_text(requirements_hash())
    return result


def main() -> int:
    """Make the virtualenv unless it is current; the installer's errors go to stderr (the fixture, finding no
    stamp, installs again and fails or skips the tests with the reason)."""
    venv = venv_dir()
    with locked(venv):
        if is_current(venv):
            print(f"{venv}: current")
            return 0
        started = time.monotonic()
        result = install(venv)
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        return result.returncode
    print(f"{venv}: installed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
