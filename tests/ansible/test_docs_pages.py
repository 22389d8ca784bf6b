"""docs/ansible/<module>.md are generated from the modules' own documentation (docs/generate.py)
and the committed pages are what the modules' docs generate now."""

from __future__ import annotations

import copy
import importlib.util

import pytest
from ansible_support import REPO

_spec = importlib.util.spec_from_file_location("docs_generate", REPO / "docs" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


@pytest.fixture(scope="module")
def all_docs():
    return generate.load_docs()


def test_committed_pages_are_what_the_modules_generate(all_docs):
    differing = generate.stale(generate.pages(all_docs))
    assert not differing, (
        f"{[str(p.relative_to(REPO)) for p in differing]} differ from the modules' documentation: "
        "run `python docs/generate.py` (or `make docs`) and commit the pages"
    )


def test_a_changed_option_or_return_makes_the_check_fail(all_docs):
    changed = copy.deepcopy(all_docs)
    changed["alicloud_image"]["doc"]["options"]["image_name"]["description"] = ["Something else."]
    del changed["oci_image_info"]["return"]["images"]["contains"]["state"]
    differing = generate.stale(generate.pages(changed))
    assert differing == [generate.OUT / "alicloud_image.md", generate.OUT / "oci_image_info.md"]
    assert generate.main(["--check"]) == 0


def _dotted(tree: dict, child: str, prefix: str = "") -> set[str]:
    names = set()
    for name, spec in tree.items():
        names.add(prefix + name)
        names |= _dotted(spec.get(child) or {}, child, f"{prefix}{name}.")
    return names


@pytest.mark.parametrize("module", generate.MODULES)
def test_page_has_every_option_return_and_example(module, all_docs):
    page = (generate.OUT / f"{module}.md").read_text()
    docs = all_docs[module]
    for option in _dotted(docs["doc"]["options"], "suboptions"):
        assert f"| `{option}` |" in page, option
    for key in _dotted(docs["return"], "contains"):
        assert f"| `{key}` |" in page, key
    assert docs["examples"].strip() in page
    assert f"({module}.md)" in (generate.OUT / "README.md").read_text()
