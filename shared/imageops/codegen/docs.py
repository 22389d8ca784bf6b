"""``docs/reference/<cloud>.md``: one page per cloud, from its declaration.

Every argument with its Ansible option, Pulumi input, type, update mode and seed name; every
connection setting with the environment variables the core reads for it (the same for Ansible,
Pulumi and the CLI) and its Pulumi stack configuration key; every attribute.
"""

from __future__ import annotations

import re

from imageops.codegen import common
from imageops.schema import Attribute, CloudSchema, FieldType, Mode, spec_field_type

_MARKDOWN = [
    (re.compile(r"L\(([^)]+?),\s*([^)]+)\)"), r"[\1](\2)"),
    (re.compile(r"U\(([^)]+)\)"), r"<\1>"),
    (re.compile(r"B\(([^)]+)\)"), r"**\1**"),
    (re.compile(r"(?:I|C|M|O|V|RV|E)\(([^)]+)\)"), r"`\1`"),
]
MODE_WORDS = {
    Mode.IN_PLACE: "in place",
    Mode.REPLACE: "replaces the image",
    Mode.CREATE_ONLY: "create-only (replaces; not reported back)",
    Mode.COMPUTED: "computed (replaces where it differs)",
}


def markdown(text: str) -> str:
    for pattern, repl in _MARKDOWN:
        text = pattern.sub(repl, text)
    return text.replace("|", "\\|").replace("\n", " ")


def type_name(kind: FieldType) -> str:
    if kind.kind == "block":
        return "block"
    if kind.kind == "list":
        assert kind.elements is not None
        return f"list of {type_name(kind.elements)}"
    if kind.choices:
        return "one of " + ", ".join(f"`{c}`" for c in kind.choices)
    return {"dict": "map of string", "str": "string"}.get(kind.kind, kind.kind)


def _attribute_rows(attrs: tuple[Attribute, ...], prefix: str = "") -> list[str]:
    rows = []
    for attr in attrs:
        kind = attr.type + (f" of {attr.elements}" if attr.elements else "")
        rows.append(f"| `{prefix}{attr.name}` | {kind} | {markdown(attr.doc)} |")
        rows += _attribute_rows(attr.contains, f"{prefix}{attr.name}.")
    return rows


def reference_page(schema: CloudSchema) -> str:
    lines = [
        common.header(f"imageops.{schema.cloud}.schema", comment="<!--").rstrip("\n") + " -->",
        "",
        f"# {schema.title}: the `{schema.cloud}` image resource",
        "",
        f"Terraform's `{schema.terraform}`, as the Ansible modules `imageops.cloud.{schema.cloud}_image` /"
        f" `{schema.cloud}_image_info` and the Pulumi resource `pulumi_images.{schema.cloud}.Image`. Both"
        " skins are generated from one declaration (`imageops." + schema.cloud + ".schema`), so a name,"
        " a type or an update mode is the same in both.",
        "",
        "## Arguments",
        "",
        "| argument (Ansible option = Pulumi input) | type | on change | description |",
        "|---|---|---|---|",
    ]
    for meta in schema.fields():
        kind = type_name(spec_field_type(schema.spec, meta.name))
        names = [f"`{meta.name}`", *(f"`{a}` (alias)" for a in meta.aliases)]
        names += [
            f"`{old}` (deprecated)" for old, new in schema.spec.deprecated_aliases.items() if new == meta.name
        ]
        required = " (required)" if meta.required else ""
        mode, summary = MODE_WORDS[meta.mode], markdown(meta.description)
        lines.append(f"| {', '.join(names)}{required} | {kind} | {mode} | {summary} |")
    lines += [
        "",
        "## Connection settings",
        "",
        "Read by the core for every tool, the first found winning: the Ansible option or Pulumi input,"
        " then the Pulumi stack configuration, then the environment variables in the order given, then"
        " the cloud's own configuration file.",
        "",
        "| setting | Ansible option | Pulumi | environment | otherwise | description |",
        "|---|---|---|---|---|---|",
    ]
    for setting in schema.settings:
        option = f"`{setting.option}`" if setting.option else "-"
        if setting.ansible_aliases:
            option += " (" + ", ".join(f"`{a}`" for a in setting.ansible_aliases) + ")"
        pulumi = []
        if setting.pulumi_input and not setting.secret:
            pulumi.append(f"input `{setting.name}`")
        if setting.pulumi_config:
            pulumi.append(f"`imageops:{setting.pulumi_config}`" + (" (secret)" if setting.secret else ""))
        env = ", ".join(f"`{name}`" for name in setting.env) or "-"
        doc = " ".join(setting.doc) + (" Secret: never logged, never in state." if setting.secret else "")
        if setting.choices:
            doc += " One of " + ", ".join(f"C({c})" for c in setting.choices) + "."
        lines.append(
            f"| `{setting.name}` | {option} | {'; '.join(pulumi) or '-'} | {env} |"
            f" {markdown(setting.env_doc) or '-'} | {markdown(doc)} |"
        )
    lines += [
        "",
        "## Attributes",
        "",
        "Ansible returns them in `image` (and `images`); Pulumi as outputs of the same name.",
        "",
        "| attribute | type | description |",
        "|---|---|---|",
        *_attribute_rows(schema.attributes),
        "",
    ]
    return "\n".join(lines)


def index_page(schemas: list[CloudSchema]) -> str:
    lines = [
        common.header("the clouds of imageops.registry", comment="<!--").rstrip("\n") + " -->",
        "",
        "# Reference: one page per cloud",
        "",
        "Generated from each cloud's declaration by `make generate` (see docs/adding-a-cloud.md).",
        "",
        *(f"- [{s.title}]({s.cloud}.md): Terraform's `{s.terraform}`" for s in schemas),
        "",
    ]
    return "\n".join(lines)
