"""A temporary copy of the working tree, to change a declaration and run ``make generate`` there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "ansible"))


PRODUCT = ("shared", "pulumi_images", "ansible_collections", "docs")


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", *PRODUCT],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return [name for name in listed if (REPO / name).is_file()]


class Tree:
    """A copy of the product files; ``run`` runs a Python command with this copy first on the path."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.root / "shared"), str(self.root)])
        env.update(extra)
        return env

    def python(self, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=self.root, env=self.env(**extra),
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip

    def generate(self) -> subprocess.CompletedProcess[str]:
        done = self.python("-m", "imageops.codegen", "--root", str(self.root))
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} not found once in {relative}"
        path.write_text(text.replace(old, new))


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    root = tmp_path / "tree"
    for name in tracked_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return Tree(root)
