"""tools/dist.py's checks fail when they should (`make dist` runs them on the real artifacts; these
feed each one a bad artifact or a bad tool output, in milliseconds)."""

from __future__ import annotations

import importlib.util
import io
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("imageops_dist", REPO / "tools" / "dist.py")
assert _spec and _spec.loader
dist = importlib.util.module_from_spec(_spec)
sys.modules["imageops_dist"] = dist  # dataclasses look their module up by name
_spec.loader.exec_module(dist)

# What galaxy-importer 0.4.44 printed for a tarball built from the source tree (no released changelog).
IMPORTER_OUTPUT = """\
Importing with galaxy-importer 0.4.44
Getting doc strings via ansible-doc
WARNING: No changelog found. Add a CHANGELOG.rst or CHANGELOG.md file in the collection root or docs/ dir.
Linting collection via ansible-lint 26.10.1...
...ansible-lint run complete
Importer processing completed successfully
"""


def tarball(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def artifacts(collection: Path) -> object:
    return dist.Artifacts(Path("w.whl"), Path("s.tar.gz"), collection)


def test_importer_warnings_are_problems():
    assert dist.importer_problems(IMPORTER_OUTPUT) == [IMPORTER_OUTPUT.splitlines()[2]]
    clean = IMPORTER_OUTPUT.replace(IMPORTER_OUTPUT.splitlines()[2] + "\n", "")
    assert dist.importer_problems(clean) == []
    # indented lines of an ansible-doc dump that merely contain the word are not
    assert dist.importer_problems("    WARNING_LEVEL: 3\nERROR: boom\n") == ["ERROR: boom"]


def test_changelog_check_fails_without_a_release(tmp_path: Path):
    version = dist.version_of_collection()
    released = {"releases": {version: {"changes": {"release_summary": "x"}}}}
    good = {"changelogs/changelog.yaml": yaml.safe_dump(released), "CHANGELOG.md": f"## v{version}\n"}
    assert "release" in dist.check_changelog_in_tarball(artifacts(tarball(tmp_path / "good.tar.gz", good)))

    bad_cases = {
        "missing": {"CHANGELOG.md": f"## v{version}\n"},
        "other-version": {**good, "changelogs/changelog.yaml": yaml.safe_dump({"releases": {"0.0.1": {}}})},
        "fragments-left": {**good, "changelogs/fragments/x.yml": "minor_changes: [x]\n"},
    }
    for name, files in bad_cases.items():
        with pytest.raises(dist.CheckFailed):
            dist.check_changelog_in_tarball(artifacts(tarball(tmp_path / f"{name}.tar.gz", files)))


def test_only_the_notice_of_a_shipped_ignore_file_is_no_problem():
    """The tarball ships tests/sanity/ignore-*.txt (galaxy.yml build_ignore leaves only tests/output
    out), and galaxy-importer says so with a WARNING per file: accepted for the files and statement
    counts of the source tree, a problem for any other file or count."""
    shipped = dist.shipped_ignore_files()
    assert shipped and all(count > 0 for count in shipped.values()), shipped
    name, count = next(iter(shipped.items()))

    def notice(file: str, statements: int) -> str:
        found = f"found {file} with {statements} statement(s)"
        return f"WARNING: Ignore files skip ansible-test sanity tests, {found}"

    output = IMPORTER_OUTPUT.replace(IMPORTER_OUTPUT.splitlines()[2], notice(name, count))
    assert dist.importer_problems(output, shipped) == []
    assert dist.importer_problems(output) == [notice(name, count)]  # no file named: a problem
    for other in (notice(name, count + 1), notice("ignore-9.99.txt", count)):
        assert dist.importer_problems(other, shipped) == [other]


def test_every_ignore_entry_names_a_file_the_artifact_holds_and_says_why():
    """ansible-test's `ignores` test fails on an entry for a missing file: in the installed tarball
    there is no galaxy.yml (make sanity excludes it instead), nor anything build_ignore drops."""
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    assert "tests/output" in galaxy["build_ignore"] and "tests" not in galaxy["build_ignore"]
    collection = REPO / "ansible_collections" / "imageops" / "cloud"
    for name in dist.shipped_ignore_files():
        for line in (collection / "tests" / "sanity" / name).read_text().splitlines():
            path, _, reason = line.partition(" # ")
            assert reason.strip(), f"{name}: {line!r} says not why"
            target = path.split()[0]
            assert target != "galaxy.yml" and (collection / target).is_file(), f"{name}: {line!r}"


def test_a_failing_command_fails_its_step(capsys):
    report = dist.Report()
    assert report.step("false", lambda: dist.run(["false"])) is False
    assert report.step("true", lambda: dist.run(["true"]) and "ok") is True
    assert report.failed == ["false"]
    out = capsys.readouterr().out
    assert "== dist: FAIL false (" in out and "== dist: PASS true (" in out
