"""`make dist`: build what would be published and check it as the registries do.

Artifacts, in ``dist/`` (or ``--out``):

- ``imageops-<v>-py3-none-any.whl`` and ``imageops-<v>.tar.gz`` (PyPI), built by ``python -m build``;
- ``imageops-cloud-<v>.tar.gz`` (Galaxy), built from a *released* temporary copy of the collection:
  ``antsibull-changelog release`` turns the fragments into ``changelogs/changelog.yaml`` and
  ``CHANGELOG.md`` there, so the source tree keeps its fragments.

Checks, each printed as PASS/FAIL with its time; ``make dist`` fails if any fails:

- ``twine check --strict`` on the wheel and the sdist (what PyPI's upload validates);
- galaxy-importer (what Galaxy runs on upload) with ansible-lint, every WARNING or ERROR line a failure
  but its notice of the sanity ignore files the tarball ships on purpose (``IGNORE_FILE_NOTICE``);
- ``ansible-test sanity`` on the collection *installed* from the tarball, as ``make sanity`` runs it
  on the source tree.

galaxy-importer pins its own ansible-core and ansible-lint, so it and twine live in ``.venv-dist``,
rebuilt only when ``tools/dist-requirements.txt`` changes. ``--build-only`` builds the artifacts and
runs no check (tests/ansible/test_fresh_install.py uses it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
COLLECTION = REPO / "ansible_collections" / "imageops" / "cloud"
BIN = Path(sys.executable).parent  # the project's virtualenv: build, antsibull-changelog, ansible-test
DIST_VENV = REPO / ".venv-dist"
DIST_REQUIREMENTS = REPO / "tools" / "dist-requirements.txt"
GET_PIP = REPO / "tests" / "sanity" / "get_pip.py"

# galaxy-importer's settings for a local run: no container (ansible-test is our own step, on the
# installed tarball), ansible-lint on, and the checks Galaxy makes of every upload.
IMPORTER_CONFIG = """\
[galaxy-importer]
run_ansible_test = False
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_doc = True
check_changelog = True
check_required_tags = True
require_v1_or_greater = False
log_level_main = INFO
"""

# The importer logs through its CustomFormatter: "<LEVEL>: message" for anything above INFO.
IMPORTER_PROBLEM = re.compile(r"^(WARNING|ERROR|CRITICAL)\b", re.MULTILINE)
# The one WARNING that is no problem: the importer discloses each tests/sanity/ignore-*.txt the tarball
# ships ("Ignore files skip ansible-test sanity tests, found ignore-2.19.txt with 7 statement(s)").
# Ours ship on purpose (galaxy.yml build_ignore), so that ansible-test sanity passes on the installed
# collection; check_importer accepts the notice only for files and counts the source tree has.
IGNORE_FILE_NOTICE = re.compile(
    r"^WARNING: Ignore files skip ansible-test sanity tests, found (?P<file>ignore-[\w.]+\.txt) "
    r"with (?P<count>\d+) statement\(s\)$"
)


class CheckFailed(Exception):
    """A check found a problem; the message says which."""


@dataclass(frozen=True)
class Artifacts:
    wheel: Path
    sdist: Path
    collection: Path


def version_of_collection() -> str:
    return str(yaml.safe_load((REPO / "galaxy.yml").read_text())["version"])


def run(args: Sequence[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Runs a command; its combined output, or CheckFailed with the output's tail."""
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise CheckFailed(f"{' '.join(map(str, args[:4]))} exited {proc.returncode}:\n{output[-4000:]}")
    return output


def tool_env(*bin_dirs: Path) -> dict[str, str]:
    """The environment for a tool run: its virtualenv's bin first (ansible-doc, ansible-lint are
    found on PATH), and no ANSIBLE_* setting of the caller's that would reach into this tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env["PATH"] = os.pathsep.join([*map(str, bin_dirs), env.get("PATH", "")])
    env["ANSIBLE_NOCOLOR"] = "1"
    env["NO_COLOR"] = "1"  # twine (rich) and ansible-lint: plain lines in logs and for the parsers here
    env.pop("FORCE_COLOR", None)
    return env


# -- the checkers' virtualenv ---------------------------------------------------------------------


def ensure_dist_venv() -> Path:
    """.venv-dist with tools/dist-requirements.txt installed; reused while that file is unchanged."""
    digest = hashlib.sha256(DIST_REQUIREMENTS.read_bytes()).hexdigest()
    stamp = DIST_VENV / ".requirements.sha256"
    python = DIST_VENV / "bin" / "python"
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return DIST_VENV / "bin"
    shutil.rmtree(DIST_VENV, ignore_errors=True)
    venv.create(DIST_VENV, with_pip=True)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--upgrade", "pip"])
    run([*pip, "-r", DIST_REQUIREMENTS])
    stamp.write_text(digest)
    return DIST_VENV / "bin"


# -- building ---------------------------------------------------------------------------------------


def build_python(out: Path) -> tuple[Path, Path]:
    """Wheel and sdist with `python -m build`, in an isolated build environment as a release does."""
    for stale in [*out.glob("imageops-*.whl"), *out.glob("imageops-[0-9]*.tar.gz")]:
        stale.unlink()
    run([BIN / "python", "-m", "build", "--outdir", out, REPO])
    [wheel] = out.glob("imageops-*.whl")
    [sdist] = out.glob("imageops-[0-9]*.tar.gz")
    return wheel, sdist


def released_copy(into: Path) -> Path:
    """A copy of the collection with the fragments released into changelog.yaml and CHANGELOG.md.

    It sits at ansible_collections/imageops/cloud so ansible-doc (which antsibull-changelog runs to
    list new modules) finds it; galaxy.yml is copied as the file, not the source tree's symlink."""
    tree = into / "ansible_collections" / "imageops" / "cloud"
    shutil.copytree(
        COLLECTION,
        tree,
        symlinks=False,
        ignore=shutil.ignore_patterns("output", "__pycache__", ".molecule", ".cache", ".plugin-cache.yaml"),
    )
    env = tool_env(BIN)
    lint = run([BIN / "antsibull-changelog", "lint"], cwd=tree, env=env)
    if lint.strip():
        raise CheckFailed(f"antsibull-changelog lint:\n{lint}")
    run([BIN / "antsibull-changelog", "release", "--version", version_of_collection()], cwd=tree, env=env)
    return tree


def build_collection(tree: Path, out: Path) -> Path:
    for stale in out.glob("imageops-cloud-*.tar.gz"):
        stale.unlink()
    run(
        [BIN / "ansible-galaxy", "collection", "build", "--force", "--output-path", out, tree],
        env=tool_env(BIN),
    )
    [tarball] = out.glob("imageops-cloud-*.tar.gz")
    return tarball


def build_all(out: Path, scratch: Path) -> Artifacts:
    out.mkdir(parents=True, exist_ok=True)
    wheel, sdist = build_python(out)
    tarball = build_collection(released_copy(scratch / "release"), out)
    return Artifacts(wheel, sdist, tarball)


# -- checks -----------------------------------------------------------------------------------------


def check_twine(artifacts: Artifacts, dist_bin: Path) -> str:
    output = run(
        [dist_bin / "twine", "--no-color", "check", "--strict", artifacts.wheel, artifacts.sdist],
        env=tool_env(dist_bin),
    )
    # twine prints one "Checking <file>: PASSED" per file; anything else is news.
    passed = re.findall(r"^Checking .*: PASSED\s*$", output, re.MULTILINE)
    if len(passed) != 2:
        raise CheckFailed(f"twine check did not pass both files:\n{output}")
    return "wheel and sdist PASSED, no warnings"


def check_changelog_in_tarball(artifacts: Artifacts) -> str:
    """The tarball carries the release: changelog.yaml lists this version, CHANGELOG.md names it."""
    version = version_of_collection()
    with tarfile.open(artifacts.collection) as tar:
        names = set(tar.getnames())
        missing = {"changelogs/changelog.yaml", "CHANGELOG.md"} - names
        if missing:
            raise CheckFailed(f"{artifacts.collection.name} lacks {sorted(missing)}")
        changes = yaml.safe_load(tar.extractfile("changelogs/changelog.yaml").read())  # type: ignore[union-attr]
        notes = tar.extractfile("CHANGELOG.md").read().decode()  # type: ignore[union-attr]
    if version not in (changes.get("releases") or {}):
        raise CheckFailed(f"changelogs/changelog.yaml has no release {version}")
    if f"v{version}".replace(".", r"\.") not in notes and f"v{version}" not in notes:
        raise CheckFailed(f"CHANGELOG.md does not name v{version}")
    fragments = [n for n in names if n.startswith("changelogs/fragments/") and n.endswith(".yml")]
    if fragments:
        raise CheckFailed(f"unreleased fragments in the tarball: {fragments}")
    return f"release {version} in changelog.yaml and CHANGELOG.md, no fragment left"


def shipped_ignore_files() -> dict[str, int]:
    """tests/sanity's ignore files (they ship in the tarball) and their statement counts."""
    return {
        path.name: len(path.read_text().splitlines())
        for path in sorted((COLLECTION / "tests" / "sanity").glob("ignore-*.txt"))
    }


def importer_problems(output: str, ignore_files: dict[str, int] | None = None) -> list[str]:
    """The WARNING/ERROR lines of a galaxy-importer run (each one is what Galaxy would show), but for
    the notice of an ignore file that ``ignore_files`` names with that many statements."""
    problems = []
    for line in output.splitlines():
        if not IMPORTER_PROBLEM.match(line):
            continue
        notice = IGNORE_FILE_NOTICE.match(line)
        if notice and (ignore_files or {}).get(notice["file"]) == int(notice["count"]):
            continue
        problems.append(line)
    return problems


def check_importer(artifacts: Artifacts, dist_bin: Path, scratch: Path) -> str:
    workdir = scratch / "importer"  # it writes importer_result.json into its working directory
    workdir.mkdir()
    config = workdir / "galaxy-importer.cfg"
    config.write_text(IMPORTER_CONFIG)
    env = tool_env(dist_bin)
    env["GALAXY_IMPORTER_CONFIG"] = str(config)
    output = run(
        [dist_bin / "python", "-m", "galaxy_importer.main", artifacts.collection], cwd=workdir, env=env
    )
    problems = importer_problems(output, shipped_ignore_files())
    if problems:
        raise CheckFailed("galaxy-importer:\n" + "\n".join(problems))
    # It would skip ansible-lint quietly if it could not find it: make sure the lint ran.
    if "...ansible-lint run complete" not in output:
        raise CheckFailed(f"galaxy-importer did not run ansible-lint:\n{output[-3000:]}")
    if "Importer processing completed successfully" not in output:
        raise CheckFailed(f"galaxy-importer did not complete:\n{output[-3000:]}")
    lint_version = re.search(r"ansible-lint (\S+?)\.\.\.", output)
    notices = sum(1 for line in output.splitlines() if IGNORE_FILE_NOTICE.match(line))
    lint = lint_version[1] if lint_version else "?"
    return f"no warning but the notices of the {notices} shipped ignore files, ansible-lint {lint} clean"


def check_sanity_installed(artifacts: Artifacts, scratch: Path) -> str:
    collections = scratch / "installed"
    env = tool_env(BIN)
    run(
        [BIN / "ansible-galaxy", "collection", "install", "--force", artifacts.collection, "-p", collections],
        env=env,
    )
    installed = collections / "ansible_collections" / "imageops" / "cloud"
    # with its own tests/sanity/ignore-*.txt, as shipped: nothing of the source tree's is added
    shipped = sorted(p.name for p in (installed / "tests" / "sanity").glob("ignore-*.txt"))
    if not shipped:
        raise CheckFailed("the installed collection lacks tests/sanity/ignore-*.txt: galaxy.yml build_ignore")
    run([BIN / "python", GET_PIP, "--install-into-cache"], env=env)
    output = run(
        [BIN / "ansible-test", "sanity", "--python", "3.11", "--venv", "--color", "no"],
        cwd=installed,
        env=env,
    )
    ran = len(re.findall(r"^Running sanity test ", output, re.MULTILINE))
    if ran == 0:
        raise CheckFailed(f"ansible-test ran no sanity test:\n{output[-3000:]}")
    return f"{ran} sanity tests on the installed tarball, with its {len(shipped)} ignore files"


# -- driver ---------------------------------------------------------------------------------------------


class Report:
    """PASS/FAIL per step with its time, printed as each step ends."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def step(self, name: str, action: Callable[[], str | None]) -> bool:
        start = time.monotonic()
        try:
            detail = action() or ""
        except CheckFailed as exc:
            self._line("FAIL", name, start, str(exc))
            self.failed.append(name)
            return False
        self._line("PASS", name, start, detail)
        return True

    @staticmethod
    def _line(verdict: str, name: str, start: float, detail: str) -> None:
        first, _, rest = detail.partition("\n")
        print(
            f"== dist: {verdict} {name} ({time.monotonic() - start:.0f}s){': ' + first if first else ''}",
            flush=True,
        )
        if rest:
            print(rest, flush=True)


@contextmanager
def scratch_dir(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="imageops-dist-"))
    try:
        yield path
    finally:
        if keep:
            print(f"== dist: scratch kept in {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="where the artifacts go (dist/)")
    parser.add_argument("--build-only", action="store_true", help="build the three artifacts, no check")
    parser.add_argument("--keep-scratch", action="store_true", help="keep the temporary release and installs")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    report = Report()
    built: list[Artifacts] = []

    with scratch_dir(args.keep_scratch) as scratch:

        def build() -> str:
            built.append(build_all(out, scratch))
            a = built[0]
            return ", ".join(str(p.relative_to(out.parent)) for p in (a.wheel, a.sdist, a.collection))

        if not report.step("build wheel, sdist, released collection", build):
            return 1
        if args.build_only:
            return 0
        artifacts = built[0]
        dist_bin: list[Path] = []
        if not report.step("bootstrap .venv-dist (galaxy-importer, twine)", lambda: _bootstrap(dist_bin)):
            return 1
        report.step("twine check --strict", lambda: check_twine(artifacts, dist_bin[0]))
        report.step("changelog released into the tarball", lambda: check_changelog_in_tarball(artifacts))
        report.step("galaxy-importer + ansible-lint", lambda: check_importer(artifacts, dist_bin[0], scratch))
        report.step(
            "ansible-test sanity (installed tarball)", lambda: check_sanity_installed(artifacts, scratch)
        )

    if report.failed:
        print(f"== dist: FAILED: {', '.join(report.failed)}")
        return 1
    print(f"== dist: all checks passed; artifacts in {out}")
    return 0


def _bootstrap(holder: list[Path]) -> str:
    holder.append(ensure_dist_venv())
    return str(DIST_VENV.relative_to(REPO))


if __name__ == "__main__":
    sys.exit(main())
