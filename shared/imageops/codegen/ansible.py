"""The Ansible collection's cloud-facing files, from each cloud's declaration.

For each cloud: ``plugins/modules/<cloud>_image.py`` and ``<cloud>_image_info.py`` (DOCUMENTATION,
EXAMPLES, RETURN, the argument spec and a ``main`` that hands them to the module base), their action
plugins; for the collection: ``meta/runtime.yml`` (one action group per cloud) and the neutral
``image`` module's per-cloud parts.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from imageops.codegen import common
from imageops.schema import CloudSchema, FieldMeta, FieldType, Setting, field_meta, spec_field_type
from imageops.spec import ImageSpec

_SECRET_LOOKING = re.compile(r"(^|_)(key|token|secret|pass\w*)(_|$)")
AUTHOR = ["imageops contributors (@imageops)"]
REQUIREMENTS = [
    "python >= 3.11",
    "imageops (the provider core; C(pip install -r requirements.txt) from this collection)",
]

#: Every module's last note: where it runs (plugins/plugin_utils/image_action.py).
EXECUTION_NOTE = (
    "A task whose connection is local (C(connection: local), C(delegate_to: localhost)) runs this module "
    "in the controller's worker process instead of a new Python: the core is imported once per task and "
    "a loop reuses one connection and sign-in. The results are the same. A task on a remote host, with "
    "C(become) or C(async), or with another C(ansible_python_interpreter) runs the module as usual; set "
    "the variable C(imageops_execution=module) (default: env C(IMAGEOPS_ANSIBLE_EXECUTION), else C(auto)) "
    "to run it as usual everywhere."
)


# ------------------------------------------------------------------ options from the declaration
def _argspec_type(kind: FieldType) -> dict[str, Any]:
    if kind.kind == "block":
        assert kind.block is not None
        return {"type": "dict", "options": _block_argspec(kind.block)}
    if kind.kind == "list":
        assert kind.elements is not None
        inner = _argspec_type(kind.elements)
        spec: dict[str, Any] = {"type": "list", "elements": inner["type"]}
        if "options" in inner:
            spec["options"] = inner["options"]
        if "choices" in inner:
            spec["choices"] = inner["choices"]
        return spec
    spec = {"type": kind.kind}
    if kind.choices:
        spec["choices"] = list(kind.choices)
    return spec


def _field_argspec(spec: type[ImageSpec], meta: FieldMeta, *, nested: bool) -> dict[str, Any]:
    argspec = _argspec_type(spec_field_type(spec, meta.name))
    if nested and meta.required:
        argspec["required"] = True
    if meta.default is not None:
        argspec["default"] = meta.default
    if meta.aliases:
        argspec["aliases"] = list(meta.aliases)
    if meta.secret:
        argspec["no_log"] = True
    elif _SECRET_LOOKING.search(meta.name) and argspec["type"] == "str":
        argspec["no_log"] = False
    return argspec


def _block_argspec(block: type[ImageSpec]) -> dict[str, Any]:
    return {name: _field_argspec(block, field_meta(block, name), nested=True) for name in block.model_fields}


def _doc_from_argspec(argspec: dict[str, Any], description: list[str]) -> dict[str, Any]:
    doc: dict[str, Any] = {"description": description}
    for key in ("type", "elements", "required", "choices", "default", "aliases"):
        if key in argspec:
            doc[key] = argspec[key]
    doc["version_added"] = "0.1.0"
    return doc


def _field_doc(
    spec: type[ImageSpec], meta: FieldMeta, argspec: dict[str, Any], *, top: bool
) -> dict[str, Any]:
    paragraphs = common.field_paragraphs(meta)
    if top:
        paragraphs = [*paragraphs, common.mode_sentence(meta, tool="ansible")]
    doc = _doc_from_argspec(argspec, paragraphs)
    kind = spec_field_type(spec, meta.name)
    block = kind.block if kind.kind == "block" else (kind.elements.block if kind.elements else None)
    if block is not None:
        doc["suboptions"] = {
            name: _field_doc(block, field_meta(block, name), argspec["options"][name], top=False)
            for name in block.model_fields
        }
    return doc


def setting_argspec(setting: Setting) -> dict[str, Any]:
    argspec: dict[str, Any] = {"type": setting.type}
    if setting.choices:
        argspec["choices"] = list(setting.choices)
    if setting.ansible_aliases:
        argspec["aliases"] = list(setting.ansible_aliases)
    if setting.secret:
        argspec["no_log"] = True
    elif _SECRET_LOOKING.search(setting.option or ""):
        argspec["no_log"] = False
    return argspec


def setting_doc(setting: Setting, argspec: dict[str, Any]) -> dict[str, Any]:
    paragraphs = list(setting.doc)
    if setting.secret:
        paragraphs[-1] = paragraphs[-1] + " Never logged."
    env = common.env_sentence(setting.env, setting.env_doc, tool="ansible")
    if env:
        paragraphs.append(env)
    return _doc_from_argspec(argspec, paragraphs)


class Options:
    """An ordered set of options: the argument spec and the documentation of each, side by side."""

    def __init__(self) -> None:
        self.argspec: dict[str, Any] = {}
        self.docs: dict[str, Any] = {}

    def add(self, name: str, argspec: dict[str, Any], doc: dict[str, Any]) -> None:
        self.argspec[name] = argspec
        self.docs[name] = doc

    def simple(self, name: str, description: list[str], **argspec: Any) -> None:
        self.add(name, argspec, _doc_from_argspec(argspec, description))


def _settings(options: Options, schema: CloudSchema) -> None:
    for setting in schema.settings:
        if setting.option:
            argspec = setting_argspec(setting)
            options.add(setting.option, argspec, setting_doc(setting, argspec))


def _spec_field_option(options: Options, schema: CloudSchema, meta: FieldMeta) -> None:
    argspec = _field_argspec(schema.spec, meta, nested=False)
    deprecated = [old for old, new in schema.spec.deprecated_aliases.items() if new == meta.name]
    doc = _field_doc(schema.spec, meta, argspec, top=True)
    if deprecated:
        argspec["aliases"] = [*argspec.get("aliases", []), *deprecated]
        argspec["deprecated_aliases"] = [
            {"name": old, "version": "2.0.0", "collection_name": common.COLLECTION} for old in deprecated
        ]
        doc["aliases"] = argspec["aliases"]
    options.add(meta.name, argspec, doc)


def image_options(schema: CloudSchema) -> Options:
    """Every option of ``<cloud>_image``, in the order of its documentation."""
    options = Options()
    options.simple(
        "state",
        common.cloud_doc(schema, "state", ["C(present) makes the image; C(absent) deletes it."]),
        type="str",
        choices=["present", "absent"],
        default="present",
    )
    options.simple("image_id", common.cloud_doc(schema, "image_id", ["Id of an existing image."]), type="str")
    fed_by_settings = set(schema.spec_settings.values())
    for meta in schema.fields():
        if meta.name not in fed_by_settings:
            _spec_field_option(options, schema, meta)
    if schema.tag_fields:
        options.simple(
            "purge_tags", common.cloud_doc(schema, "purge_tags", common.DEFAULT_PURGE_TAGS_DOC),
            type="bool", default=True,
        )  # fmt: skip
    options.simple(
        "allow_replace", common.cloud_doc(schema, "allow_replace", ["Replace the image when needed."]),
        type="bool", default=False,
    )  # fmt: skip
    default = [
        "How long to wait for each operation, as the Pulumi resource's C(timeouts) block says it (seconds, "
        "or a duration such as C(10m) or C(1h30m))."
    ]
    suboptions = {op: {"type": "str"} for op in ("create", "update", "delete")}
    options.add(
        "timeouts",
        {"type": "dict", "options": suboptions},
        {
            "description": [*common.cloud_doc(schema, "timeouts", default), common.TIMEOUTS_DOC_SUFFIX],
            "type": "dict",
            "version_added": "0.1.0",
            "suboptions": {
                op: {"description": f"Limit of the waits of a {op}.", "type": "str", "version_added": "0.1.0"}
                for op in suboptions
            },
        },
    )
    options.simple("wait", common.WAIT_DOC, type="bool", default=True)
    options.simple("wait_timeout", common.wait_timeout_doc(True), type="float")
    if schema.regions:
        options.simple("regions", common.REGIONS_DOC, type="list", elements="str")
        options.simple("max_parallel", common.MAX_PARALLEL_DOC, type="int", default=20)
    _settings(options, schema)
    return options


def info_options(schema: CloudSchema) -> Options:
    options = Options()
    words = schema.info_module.option_docs
    options.simple("image_id", list(words.get("image_id", ["Id of the image to return."])), type="str")
    for name in schema.info_key:
        meta = field_meta(schema.spec, name)
        argspec = _field_argspec(schema.spec, meta, nested=False)
        deprecated = [old for old, new in schema.spec.deprecated_aliases.items() if new == name]
        doc = _doc_from_argspec(argspec, list(words.get(name, common.field_paragraphs(meta))))
        if deprecated:
            argspec["aliases"] = doc["aliases"] = [*argspec.get("aliases", []), *deprecated]
            argspec["deprecated_aliases"] = [
                {"name": old, "version": "2.0.0", "collection_name": common.COLLECTION} for old in deprecated
            ]
        options.add(name, argspec, doc)
    for item in schema.info_filters:
        argspec = {"type": item.type}
        if item.type == "list":
            argspec["elements"] = "str"
        if item.choices:
            argspec["choices"] = list(item.choices)
        options.add(item.name, argspec, _doc_from_argspec(argspec, list(item.doc)))
    options.simple("tags", common.TAGS_FILTER_DOC, type="dict")
    _settings(options, schema)
    return options


# ------------------------------------------------------------------ return values
def attribute_return(attr: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"description": attr.doc, "returned": attr.returned, "type": attr.type}
    if attr.elements:
        entry["elements"] = attr.elements
    if attr.contains:
        entry["contains"] = {inner.name: attribute_return(inner) for inner in attr.contains}
    if attr.sample is not None:
        entry["sample"] = attr.sample
    return entry


def image_returns(schema: CloudSchema) -> dict[str, Any]:
    attributes = {attr.name: attribute_return(attr) for attr in schema.attributes}
    returns: dict[str, Any] = {
        "changed": {
            "description": "Whether a write call was made (or, in check mode, would be).",
            "returned": "always", "type": "bool", "sample": True,
        },
        "action": {
            "description": [
                "What the module did (or, in check mode, would do)",
                "C(noop), C(create), C(update), C(replace) or C(delete).",
            ],
            "returned": "success", "type": "str", "sample": "create",
        },
        "diff": {
            "description": [
                "The managed options before and after, as shown in diff mode (C(--diff)).",
                "For a create, C(before) is empty; for a delete, C(after) is empty.",
            ],
            "returned": "success", "type": "dict",
            "contains": {
                "before": {"description": "The managed options as observed before the run.",
                           "returned": "success", "type": "dict"},
                "after": {"description": "The managed options as they are (or would be) after the run.",
                          "returned": "success", "type": "dict"},
            },
        },
        "image_id": {
            "description": [
                "Id of the image a failed task was about: the image that did not reach its final state "
                "in time, or the existing image whose update or delete failed (the cloud refused the "
                "write, or its answer never came, when C(changed=true)).",
                "The failed task's I(image) then holds its C(id) (and C(state) after a wait timeout).",
            ],
            "returned": "when the task failed on a known image (a wait timeout, an update or delete of "
            "an existing one)",
            "type": "str",
        },
        "last_state": {
            "description": "The state the image was last seen in, in the cloud's words (only on a wait "
            "timeout).",
            "returned": "when the wait timed out", "type": "str",
        },
        "progress": common.progress_return(),
        "image": {
            "description": [
                f"The image, with every attribute of Terraform's C({schema.terraform}).",
                "With I(state=absent), the image as it was before it was deleted (empty when there was "
                "none).",
                "In check mode, the image as found (empty when it would be created).",
            ],
            "returned": "success", "type": "dict", "contains": attributes,
        },
    }  # fmt: skip
    if schema.regions:
        returns["regions"] = {
            "description": [
                "With I(regions), what happened in each region, by region name, in the order given (the "
                "first is the source).",
                "Also returned when the task fails because some regions failed - the other regions' images "
                "are kept, and listed here.",
            ],
            "returned": "when I(regions) is given", "type": "dict",
        }  # fmt: skip
        returns["failed_regions"] = {
            "description": "The regions that failed, when some did (the task then fails; the others are "
            "kept).",
            "returned": "when some regions failed", "type": "list", "elements": "str",
        }  # fmt: skip
    returns.update(schema.image_module.extra_returns)
    return returns


def info_returns(schema: CloudSchema) -> dict[str, Any]:
    return {
        "images": {
            "description": list(schema.info_module.return_doc)
            or [f"The images found, each with every attribute of Terraform's C({schema.terraform})."],
            "returned": "always",
            "type": "list",
            "elements": "dict",
            "contains": {attr.name: attribute_return(attr) for attr in schema.attributes},
        }
    }


# ------------------------------------------------------------------ module files
def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, width=100, default_flow_style=False, allow_unicode=True)


def documentation(schema: CloudSchema, module: str, *, info: bool, options: Options) -> dict[str, Any]:
    text = schema.info_module if info else schema.image_module
    doc: dict[str, Any] = {
        "module": module,
        "short_description": text.short_description,
        "version_added": "0.1.0",
        "description": list(text.description),
        "author": AUTHOR,
        "requirements": REQUIREMENTS,
    }
    doc["notes"] = [*text.notes, EXECUTION_NOTE]
    doc["extends_documentation_fragment"] = [
        "ansible.builtin.action_common_attributes",
        "ansible.builtin.action_common_attributes.ACTIONGROUPS",
    ]
    doc["attributes"] = {
        "check_mode": {"support": "full", "details": text.check_mode_details},
        "diff_mode": {"support": "none" if info else "full"},
        "platform": {"platforms": "all"},
        "action_group": {"support": "full", "membership": [f"{common.COLLECTION}.{schema.cloud}"]},
    }
    doc["options"] = options.docs
    if text.seealso:
        doc["seealso"] = [dict(item) for item in text.seealso]
    return doc



def module_file(schema: CloudSchema, *, info: bool) -> str:
    module = f"{schema.cloud}_image" + ("_info" if info else "")
    options = info_options(schema) if info else image_options(schema)
    text = schema.info_module if info else schema.image_module
    returns = info_returns(schema) if info else image_returns(schema)
    # the options that feed the spec: the info module's ``tags`` is a filter, not the spec's tags
    fields = schema.info_key if info else schema.spec.model_fields
    spec_names = {name: name for name in options.argspec if name in fields}
    for setting, field in schema.spec_settings.items():
        spec_names[schema.setting(setting).option or setting] = field
    run: dict[str, Any] = {
        "cloud": schema.cloud,
        "info": info,
        "settings": schema.ansible_settings,
        "spec_names": spec_names,
    }
    if info:
        run["filters"] = [item.name for item in schema.info_filters]
        run["required_one_of"] = [list(group) for group in schema.info_required_one_of]
    else:
        run["regions"] = schema.regions
        run["required_if"] = [
            ["state", "present", ["image_id", *schema.key_options], True],
            ["state", "absent", ["image_id", *schema.key_options], True],
        ]
    argspec = common.literal(options.argspec)
    settings = common.literal(run)
    return (
        "#!/usr/bin/python\n"
        + common.header(f"imageops.{schema.cloud}.schema")
        + "# Copyright: imageops contributors\n"
        "# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)\n"
        "from __future__ import annotations\n\n"
        f'DOCUMENTATION = r"""\n{_yaml(documentation(schema, module, info=info, options=options))}"""\n\n'
        f'EXAMPLES = r"""{text.examples}"""\n\n'
        f'RETURN = r"""\n{_yaml(returns)}"""\n\n'
        "from ansible_collections.imageops.cloud.plugins.module_utils.image_module import (  # noqa: E402\n"
        "    run_module,\n)\n\n"
        f"ARGUMENT_SPEC = {argspec}\n\n"
        f"MODULE = {settings}\n\n\n"
        "def main():\n"
        "    run_module(ARGUMENT_SPEC, **MODULE)\n\n\n"
        'if __name__ == "__main__":\n'
        "    main()\n"
    )


ACTION_PLUGIN = """from __future__ import annotations

from ansible_collections.imageops.cloud.plugins.plugin_utils.image_action import ImageAction, preload


class ActionModule(ImageAction):
    \"\"\"Runs the module in this worker when the task is local, else as a module (see image_action.py).\"\"\"


preload(__name__)
"""


def action_file(schema: CloudSchema) -> str:
    return (
        common.header(f"imageops.{schema.cloud}.schema") + "# Copyright: imageops contributors\n"
        "# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)\n" + ACTION_PLUGIN
    )


#: The ansible-core releases whose ``ansible-test sanity`` reads an ignore file of ours.
SANITY_RELEASES = ("2.17", "2.18", "2.19", "2.20")
SANITY_IGNORE_REASON = (
    "the collection is Apache-2.0 (LICENSE, galaxy.yml); this check asks for ansible-core's GPLv3 header"
)


def sanity_ignores(schemas: list[CloudSchema]) -> str:
    """``tests/sanity/ignore-<release>.txt``: the one check every module is exempt from. The format
    allows no comment line, so unlike the other generated files it carries no header."""
    modules = [f"{s.cloud}_image{suffix}" for s in schemas for suffix in ("", "_info")] + ["image"]
    return "".join(
        f"plugins/modules/{module}.py validate-modules:missing-gplv3-license # {SANITY_IGNORE_REASON}\n"
        for module in sorted(modules)
    )


def runtime_yml(schemas: list[CloudSchema]) -> str:
    groups: dict[str, Any] = {s.cloud: [f"{s.cloud}_image", f"{s.cloud}_image_info"] for s in schemas}
    groups["all"] = [{"metadata": {"extend_group": [s.cloud for s in schemas]}}, "image"]
    body = _yaml({"requires_ansible": ">=2.17.0", "action_groups": groups})
    return (
        "---\n"
        + common.header("the clouds of imageops.registry")
        + "# requires_ansible: the ansible-core releases that run on Python 3.11 (2.20 needs 3.12).\n"
        "# The group `all` holds every module; the neutral `image` module is only there, because the\n"
        "# per-cloud groups' defaults use per-cloud option names it does not take.\n" + body
    )



def auth_block(schema: CloudSchema) -> tuple[dict[str, Any], dict[str, Any]]:
    """The neutral module's ``<cloud>_auth`` option: (argument spec, documentation)."""
    options = Options()
    for setting in schema.settings:
        if setting.option and setting.neutral:
            argspec = setting_argspec(setting)
            options.add(setting.option, argspec, setting_doc(setting, argspec))
    doc = {
        "description": [
            f"How to reach {schema.title} when I(cloud={schema.cloud}), with the options and environment "
            f"variables of the C(imageops.cloud.{schema.cloud}_image) module. Read only when "
            f"I(cloud={schema.cloud}).",
            "Not given, credentials load as the cloud's CLI loads them, from the environment, then its "
            "configuration file.",
        ],
        "type": "dict",
        "version_added": "0.1.0",
        "suboptions": options.docs,
    }
    return {"type": "dict", "options": options.argspec}, doc


def neutral_module_file(schemas: list[CloudSchema]) -> str:
    from imageops import neutral_texts

    doc = yaml.safe_load(neutral_texts.DOCUMENTATION)
    clouds = [s.cloud for s in schemas]
    options = Options()
    for name, option_doc in doc["options"].items():
        if name == "cloud":
            option_doc = dict(option_doc, choices=clouds)
        argspec = {k: option_doc[k] for k in ("type", "required", "choices", "default") if k in option_doc}
        if "suboptions" in option_doc:
            argspec["options"] = _argspec_of_docs(option_doc["suboptions"])
        options.add(name, argspec, option_doc)
    options.simple("wait", common.WAIT_DOC, type="bool", default=True)
    options.simple("wait_timeout", common.wait_timeout_doc(False), type="float")
    options.simple("regions", common.REGIONS_DOC, type="list", elements="str")
    options.simple("max_parallel", common.MAX_PARALLEL_DOC, type="int", default=20)
    for schema in schemas:
        argspec, block_doc = auth_block(schema)
        options.add(f"{schema.cloud}_auth", argspec, block_doc)
    doc["options"] = options.docs
    doc["notes"] = [*doc.get("notes", []), EXECUTION_NOTE]
    doc["extends_documentation_fragment"] = [
        "ansible.builtin.action_common_attributes",
        "ansible.builtin.action_common_attributes.ACTIONGROUPS",
    ]
    doc["seealso"] = [{"module": f"{common.COLLECTION}.{c}_image"} for c in clouds]
    run = {
        "auth": {
            s.cloud: {s.setting(n).option: n for n in (x.name for x in s.settings if x.option and x.neutral)}
            for s in schemas
        },
        "required_if": [
            ["state", "present", ["image_id", "name"], True],
            ["state", "absent", ["image_id", "name"], True],
        ],
    }
    return (
        "#!/usr/bin/python\n"
        + common.header("imageops.neutral_texts and the clouds' declarations")
        + "# Copyright: imageops contributors\n"
        "# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)\n"
        "from __future__ import annotations\n\n"
        f'DOCUMENTATION = r"""\n{_yaml(doc)}"""\n\n'
        f'EXAMPLES = r"""{neutral_texts.EXAMPLES}"""\n\n'
        f'RETURN = r"""{neutral_texts.RETURN}"""\n\n'
        "from ansible_collections.imageops.cloud.plugins.module_utils.neutral_image import (  # noqa: E402\n"
        "    run_neutral,\n)\n\n"
        f"ARGUMENT_SPEC = {common.literal(options.argspec)}\n\n"
        f"MODULE = {common.literal(run)}\n\n\n"
        "def main():\n"
        "    run_neutral(ARGUMENT_SPEC, **MODULE)\n\n\n"
        'if __name__ == "__main__":\n'
        "    main()\n"
    )


def _argspec_of_docs(suboptions: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for name, doc in suboptions.items():
        spec = {k: doc[k] for k in ("type", "required", "choices", "default", "elements") if k in doc}
        if "suboptions" in doc:
            spec["options"] = _argspec_of_docs(doc["suboptions"])
        result[name] = spec
    return result
