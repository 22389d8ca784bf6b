"""The resource reference of ``docs/pulumi.md``, rendered from the code so the page cannot drift.

Inputs are each ``*Args`` class's ``__init__`` parameters (their annotation) with the docstring of the
property of the same name; outputs are the ``pulumi.Output`` attributes of each ``Image`` class with
the docstring under each (read from the source: Python keeps no attribute docstrings at run time);
output types are the properties of each ``@pulumi.output_type`` class.

``python -m pulumi_images._reference`` rewrites the part of ``docs/pulumi.md`` between the markers;
``tests/pulumi/test_pulumi_api.py`` fails when the committed page differs from :func:`render`.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from pulumi._types import is_input_type, is_output_type

from imageops import registry
from imageops.spec import Update
from pulumi_images._provider import CONNECTIONS

__all__ = ["BEGIN", "CLOUD_MODULES", "END", "Member", "input_members", "output_members", "render"]

CLOUD_MODULES: tuple[str, ...] = registry.clouds()
"""The clouds whose ``pulumi_images.<cloud>`` module the reference documents, in page order."""
BEGIN = "<!-- BEGIN GENERATED REFERENCE: python -m pulumi_images._reference -->"
END = "<!-- END GENERATED REFERENCE -->"
DOC_PAGE = Path(__file__).resolve().parents[1] / "docs" / "pulumi.md"


@dataclass(frozen=True)
class Member:
    """One input or output: its name, its annotation as written, its docstring ("" if none)."""

    name: str
    type: str
    doc: str


def _clean(doc: str | None) -> str:
    return inspect.cleandoc(doc) if doc else ""


def type_aliases(module: ModuleType) -> dict[str, str]:
    """The module's top-level type aliases (``DiskInputs = pulumi.Input[...]``), as written."""
    aliases = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Subscript | ast.BinOp)
        ):
            aliases[node.targets[0].id] = ast.unparse(node.value)
    return aliases


def expand_aliases(annotation: str, aliases: dict[str, str]) -> str:
    """``annotation`` with each alias replaced by what it stands for (readable in the docs)."""
    for _ in range(3):  # aliases of aliases
        annotation = re.sub(r"[A-Za-z_]\w*", lambda m: aliases.get(m[0], m[0]), annotation)
    return annotation


def input_members(cls: type) -> list[Member]:
    """The ``__init__`` parameters of an ``*Args`` class, with their properties' docstrings; type
    aliases of the class's module are spelled out."""
    aliases = type_aliases(sys.modules[cls.__module__])
    members = []
    for name, param in inspect.signature(cls).parameters.items():
        if name in ("self", "__self__"):
            continue
        prop = inspect.getattr_static(cls, name, None)
        doc = prop.fget.__doc__ if isinstance(prop, property) and prop.fget else None
        annotation = "" if param.annotation is inspect.Parameter.empty else str(param.annotation)
        members.append(Member(name, expand_aliases(annotation, aliases), _clean(doc)))
    return members


def output_type_members(cls: type) -> list[Member]:
    """The properties of an ``@pulumi.output_type`` class."""
    members = []
    for name, prop in vars(cls).items():
        if isinstance(prop, property) and prop.fget is not None:
            annotation = str(prop.fget.__annotations__.get("return", ""))
            members.append(Member(name, annotation, _clean(prop.fget.__doc__)))
    return members


def output_members(resource: type) -> list[Member]:
    """The annotated attributes of a resource class, each with the string literal that follows it."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(resource)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    members = []
    for node, after in zip(body, [*body[1:], None], strict=True):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            doc = ""
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                doc = str(after.value.value)
            members.append(Member(node.target.id, ast.unparse(node.annotation), _clean(doc)))
    return members


def input_classes(module: ModuleType) -> list[type]:
    """The module's ``@pulumi.input_type`` classes (shared ones too), ``ImageArgs`` first."""
    found = {id(c): c for c in vars(module).values() if inspect.isclass(c) and is_input_type(c)}
    return sorted(found.values(), key=lambda c: (c.__name__ != "ImageArgs", c.__name__))


def output_classes(module: ModuleType) -> list[type]:
    found = {id(c): c for c in vars(module).values() if inspect.isclass(c) and is_output_type(c)}
    return sorted(found.values(), key=lambda c: c.__name__)


def _table(members: list[Member]) -> list[str]:
    lines = ["| Name | Type | Description |", "| --- | --- | --- |"]
    for m in members:
        doc = " ".join(m.doc.split()).replace("|", "\\|")
        kind = m.type.replace("|", "\\|")
        lines.append(f"| `{m.name}` | `{kind}` | {doc} |")
    return lines


def _config_table(cloud: str) -> list[str]:
    connection = CONNECTIONS[cloud]
    lines = ["| Stack config key | Setting | Secret |", "| --- | --- | --- |"]
    for setting, key in connection.config.items():
        lines.append(f"| `imageops:{key}` | {setting} | no |")
    for setting, key in connection.secret_config.items():
        lines.append(f"| `imageops:{key}` | {setting} | yes: set it with `pulumi config set --secret` |")
    for key, setting in connection.config_aliases.items():
        main_key = connection.config[setting]
        lines.append(f"| `imageops:{key}` | {setting} (read when `imageops:{main_key}` is unset) | no |")
    return lines


def _update_rules(cloud: str) -> list[str]:
    spec = registry.spec_type(cloud)
    connection = CONNECTIONS[cloud]
    in_place = [n for n in spec.fields_by_mode(Update.IN_PLACE) if n not in connection.computed]
    replace = sorted({*spec.fields_by_mode(Update.REPLACE), *connection.replace})
    key = ", ".join(f"`{n}`" for n in connection.name_outputs)
    return [
        f"- Changed in place: {', '.join(f'`{n}`' for n in in_place)}.",
        f"- Replaced (listed in the preview's `replaces`): {', '.join(f'`{n}`' for n in replace)}.",
        f"- A replacement deletes the old image first (`deleteBeforeReplace`) when the new one keeps its "
        f"name ({key}) in the same place, since names identify images; otherwise the new image is "
        "created first.",
        "- Connection and call settings (`profile`, `endpoint`, `config_file`, `wait_timeout`, "
        "`timeouts`) change without an API call.",
    ]


def render() -> str:
    """The generated reference: per cloud, its stack config keys, update rules, inputs, nested input
    blocks, outputs and output types."""
    out = [BEGIN, ""]
    for cloud in CLOUD_MODULES:
        module = importlib.import_module(f"pulumi_images.{cloud}")
        resource = module.Image
        out += [f"### `pulumi_images.{cloud}.Image`", "", _clean(resource.__doc__), ""]
        out += ["#### Stack configuration", "", *_config_table(cloud), ""]
        out += ["#### Updates and replacements", "", *_update_rules(cloud), ""]
        for cls in input_classes(module):
            out += [f"#### Inputs: `{cls.__name__}`", "", _clean(cls.__doc__), ""]
            out += [*_table(input_members(cls)), ""]
        out += ["#### Outputs", "", *_table(output_members(resource)), ""]
        for cls in output_classes(module):
            out += [f"#### Output type `{cls.__name__}`", "", _clean(cls.__doc__), ""]
            out += [*_table(output_type_members(cls)), ""]
    out.append(END)
    return "\n".join(out) + "\n"


def generated_part(text: str) -> str:
    """The part of ``text`` between the markers, markers included ("" if absent)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return ""
    return text[start : end + len(END)] + "\n"


def main(page: Path = DOC_PAGE) -> int:
    text = page.read_text(encoding="utf-8")
    current = generated_part(text)
    if not current:
        print(f"{page}: no {BEGIN!r} ... {END!r} markers", file=sys.stderr)
        return 1
    page.write_text(text.replace(current, render()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
