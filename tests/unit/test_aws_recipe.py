"""Issue 20, acceptance 1: AWS was added by the recipe (docs/adding-a-cloud.md).

The commits that add AWS (subject beginning "AWS") after :data:`BASE` touch, among the product's
files, only the cloud's package, its emulator module(s), the one registration line, the files
``make generate`` writes, and the dependency lines of pyproject.toml; everything else they touch is a
test, a benchmark or documentation. Run as a script, it prints the figures the recipe quotes:
``python tests/unit/test_aws_recipe.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = "d2e761a3d3b38df1949321573cbbea0eee322386"
"""The commit before the first AWS commit."""
PACKAGE = re.compile(r"^shared/imageops/aws/[^/]+\.py$")
EMULATOR = re.compile(r"^shared/imageops/emulator/aws[a-z_]*\.py$")
GENERATED = re.compile(
    r"^(ansible_collections/imageops/cloud/plugins/(modules|action)/[a-z_]+\.py"
    r"|ansible_collections/imageops/cloud/meta/runtime\.yml"
    r"|pulumi_images/(aws|_clouds)\.py"
    r"|docs/reference/[a-z]+\.md|docs/ansible/[a-z_]+\.md|docs/pulumi\.md)$"
)
NOT_PRODUCT = re.compile(r"^(tests/|bench/|docs/|README\.md$|BENCHMARKS\.md$)")
REGISTRY = "shared/imageops/registry.py"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, check=True, capture_output=True, text=True).stdout


def aws_commits() -> list[str]:
    log = git("log", "--format=%H %s", f"{BASE}..HEAD")
    return [line.split()[0] for line in log.splitlines() if line.split(" ", 1)[1].startswith("AWS")]


def touched(commits: list[str]) -> set[str]:
    files: set[str] = set()
    for commit in commits:
        files |= set(git("show", "--format=", "--name-only", commit).split())
    return files


def classify(path: str) -> str:
    if PACKAGE.match(path):
        return "package"
    if EMULATOR.match(path):
        return "emulator"
    if path == REGISTRY:
        return "registration"
    if GENERATED.match(path):
        return "generated"
    if path == "pyproject.toml":
        return "dependencies"
    if NOT_PRODUCT.match(path):
        return "tests, benchmarks, docs"
    return "OUTSIDE THE RECIPE"


def lines(path: str) -> int:
    file = REPO / path
    return len(file.read_text(encoding="utf-8").splitlines()) if file.is_file() else 0


def figures() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for path in sorted(touched(aws_commits())):
        groups.setdefault(classify(path), []).append(path)
    return groups


needs_history = pytest.mark.skipif(
    shutil.which("git") is None
    or not (REPO / ".git").exists()
    or subprocess.run(["git", "cat-file", "-e", BASE], cwd=REPO, capture_output=True).returncode != 0,
    reason="needs the repository's history (a git checkout holding the commit before AWS)",
)


@needs_history
def test_the_aws_commits_touch_only_what_the_recipe_allows() -> None:
    assert aws_commits(), "no AWS commit found after the base"
    groups = figures()
    assert "OUTSIDE THE RECIPE" not in groups, groups.get("OUTSIDE THE RECIPE")
    assert {p for p in groups["package"]} >= {
        f"shared/imageops/aws/{n}.py" for n in ("spec", "schema", "driver")
    }
    # the registration: exactly one line, added
    diff = [
        line
        for commit in aws_commits()
        for line in git("show", "--format=", "--unified=0", commit, "--", REGISTRY).splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ['+    "aws": "imageops.aws",'], diff
    # pyproject.toml: dependency and type-checking lines only
    changed = [
        line
        for commit in aws_commits()
        for line in git("show", "--format=", "--unified=0", commit, "--", "pyproject.toml").splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert all(
        re.search(r"botocore|moto|^[+-]\s*#|^[+-]emulator = |^[+-]module = ", line) for line in changed
    ), changed
    # every generated file the commits touched says so in its header
    for path in groups.get("generated", []):
        if (REPO / path).is_file() and path.endswith(".py"):
            assert "generated" in (REPO / path).read_text(encoding="utf-8")[:600].lower(), path


if __name__ == "__main__":
    for group, paths in figures().items():
        total = sum(lines(p) for p in paths)
        print(f"{group}: {len(paths)} files, {total} lines")
        for path in paths:
            print(f"    {lines(path):6d}  {path}")
    sys.exit(0)
