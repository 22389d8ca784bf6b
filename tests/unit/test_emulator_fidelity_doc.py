"""``docs/emulator.md`` keeps up with the emulator (issue 17, item 7): each cloud's fidelity table has a
row for every route and action the emulator serves, every "yes" row names a test that exists, and
every "partly"/"no" row names a gap that the Gaps list explains (and no gap is left unnamed).

The routes come from the plugins' own ``routes()`` (built without seeding, which would mint keys);
the actions of Alibaba's RPC routes from ``alicloud_actions.HANDLERS`` and the STS handler."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest

from imageops import registry
from imageops.emulator import alicloud, alicloud_actions, aws, aws_identity, oci_identity
from imageops.emulator.alicloud import AlicloudPlugin
from imageops.emulator.core import Emulator
from imageops.emulator.oci import OciPlugin
from imageops.emulator.outscale import OutscalePlugin

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "emulator.md"
CLOUDS = tuple(registry.clouds())
TEST_REF = re.compile(r"`(tests/[\w/.-]+\.py)::([\w:]+)`")
NAME = re.compile(r"`([A-Z][A-Za-z0-9]+)`")
GAP_CITED = re.compile(r"\(gap ([A-Z]\d+)\)")
GAP_LISTED = re.compile(r"^- \*\*([A-Z]\d+)\*\*", re.M)
# Alibaba's ECS and STS share one path each: their actions, not the routes, are the calls.
RPC_ROUTES = {"ECS", "STS"}


# ------------------------------------------------------------------------------------ the document
def sections() -> dict[str, str]:
    """The text under each ``## ... (`cloud`)`` heading, and the Gaps list under ``gaps``."""
    found: dict[str, str] = {}
    parts = re.split(r"^## ", DOC.read_text(encoding="utf-8"), flags=re.M)
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        cloud = re.search(r"\(`(\w+)`\)", heading)
        if cloud:
            found[cloud[1]] = body
        elif heading.strip() == "Gaps":
            found["gaps"] = body
    return found


def rows(body: str) -> list[dict[str, str]]:
    """The table rows (Call, Real service, Emulator, Test) of one cloud's section."""
    out = []
    for line in body.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if cells[0] == "Call":
            continue
        assert len(cells) == 4, f"a fidelity row needs four cells: {line[:120]}"
        out.append(dict(zip(("call", "real", "emulator", "test"), cells, strict=True)))
    return out


# --------------------------------------------------------------------------------- the emulator
@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """The calls each cloud of the emulator serves, from the plugins' own routes."""
    emulator = Emulator(data_dir=tmp_path)
    oci = OciPlugin()
    # Only the routes are wanted: a stand-in for the seeded identity (whose keys take a second to
    # mint); its methods are called only when a request arrives.
    oci.identity = SimpleNamespace(key_for=lambda lookup: lookup, emu=emulator, leaf_key=None)
    monkeypatch.setattr(oci_identity, "private_pem", lambda key: b"")
    names = {"oci": {r.name for r in oci.routes(emulator)}}
    names["outscale"] = {r.name for r in OutscalePlugin().routes(emulator)}
    ali = {r.name for r in AlicloudPlugin().routes(emulator)}
    assert ali >= RPC_ROUTES, "the ECS and STS routes moved: update this test"
    names["alicloud"] = (ali - RPC_ROUTES) | set(alicloud_actions.HANDLERS) | sts_actions()
    # EC2 (and STS, told apart by the signature's service) is one route (moto behind it serves all of
    # EC2): the image actions and the STS actions are the calls; the metadata service's routes too
    aws_routes = {r.name for r in aws.AwsPlugin().routes(emulator)}
    assert "EC2" in aws_routes
    names["aws"] = set(aws.IMAGE_ACTIONS) | set(aws_identity.STS_ACTIONS) | (aws_routes - {"EC2"})
    return names


def sts_actions() -> set[str]:
    """The actions ``EcsApi.handle_sts`` compares ``action`` with."""
    tree = ast.parse(Path(alicloud.__file__).read_text(encoding="utf-8"))
    handler = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.AsyncFunctionDef) and node.name == "handle_sts"
    )
    found = {
        comparator.value
        for node in ast.walk(handler)
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "action"
        for comparator in node.comparators
        if isinstance(comparator, ast.Constant) and isinstance(comparator.value, str)
    }
    assert found, "no STS action found in handle_sts: update this test"
    return found


@cache
def defined_tests(path: str) -> frozenset[str]:
    """``name`` and ``Class::name`` of each test function in a test file."""
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test_"):
                    names.add(f"{node.name}::{item.name}")
    return frozenset(names)


# -------------------------------------------------------------------------------------- the tests
def test_each_cloud_has_a_table_and_the_gaps_are_listed():
    found = sections()
    for cloud in CLOUDS:
        assert cloud in found and rows(found[cloud]), f"no fidelity table for {cloud}"
    assert GAP_LISTED.findall(found.get("gaps", "")), "no Gaps list"


def test_every_served_call_has_a_row(served):
    found = sections()
    for cloud in CLOUDS:
        assert cloud in served, f"teach this test which calls the emulator serves for {cloud}"
        covered = {name for row in rows(found[cloud]) for name in NAME.findall(row["call"])}
        missing = sorted(served[cloud] - covered)
        assert not missing, f"{cloud}: no row in docs/emulator.md for {', '.join(missing)}"


def test_every_yes_row_names_tests_that_exist():
    for cloud, body in sections().items():
        if cloud == "gaps":
            continue
        for row in rows(body):
            verdict = row["emulator"].split(":")[0].strip()
            assert verdict in ("yes", "partly", "no"), f"{cloud} {row['call']}: {row['emulator'][:40]}"
            refs = TEST_REF.findall(row["test"])
            if verdict == "yes":
                assert refs, f"{cloud} {row['call']}: a 'yes' row names no test"
            for path, name in refs:
                assert (REPO / path).is_file(), f"{cloud} {row['call']}: no file {path}"
                assert name in defined_tests(path), f"{cloud} {row['call']}: no test {path}::{name}"


def test_every_partly_or_no_row_names_a_listed_gap_and_every_gap_is_named():
    found = sections()
    listed = GAP_LISTED.findall(found["gaps"])
    assert len(listed) == len(set(listed)), "a gap is listed twice"
    cited = set()
    for cloud in CLOUDS:
        for row in rows(found[cloud]):
            gaps = GAP_CITED.findall(row["emulator"])
            if not row["emulator"].startswith("yes"):
                assert gaps, f"{cloud} {row['call']}: a '{row['emulator'][:6]}' row names no gap"
            cited.update(gaps)
    assert cited <= set(listed), f"gaps named but not listed: {sorted(cited - set(listed))}"
    assert set(listed) <= cited, f"gaps listed but named by no row: {sorted(set(listed) - cited)}"
