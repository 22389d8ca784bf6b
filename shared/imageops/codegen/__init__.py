"""Everything skin-facing, generated from the clouds' declarations (``make generate``).

``python -m imageops.codegen`` writes, for every cloud of :func:`imageops.registry.clouds`:
the Ansible modules and action plugins and ``meta/runtime.yml`` (:mod:`.ansible`), the Pulumi
resource module (:mod:`.pulumi`), and the reference page ``docs/reference/<cloud>.md``
(:mod:`.docs`). ``--check`` writes nothing and fails naming each file that differs: ``make test``
runs it, so a stale generated file cannot land.
"""

from __future__ import annotations

from pathlib import Path

from imageops import registry
from imageops.codegen import ansible, common, docs, pulumi

__all__ = ["render"]

COLLECTION = Path("ansible_collections/imageops/cloud")


def render(root: Path) -> dict[Path, str]:
    """Every generated file under ``root`` (the repository), by path, with its content."""
    schemas = [registry.schema(cloud) for cloud in registry.clouds()]
    files: dict[Path, str] = {}
    for schema in schemas:
        modules = root / COLLECTION / "plugins" / "modules"
        files[modules / f"{schema.cloud}_image.py"] = ansible.module_file(schema, info=False)
        files[modules / f"{schema.cloud}_image_info.py"] = ansible.module_file(schema, info=True)
        actions = root / COLLECTION / "plugins" / "action"
        files[actions / f"{schema.cloud}_image.py"] = ansible.action_file(schema)
        files[actions / f"{schema.cloud}_image_info.py"] = ansible.action_file(schema)
        files[root / "pulumi_images" / f"{schema.cloud}.py"] = pulumi.resource_module(schema)
        files[root / "docs" / "reference" / f"{schema.cloud}.md"] = docs.reference_page(schema)
    files[root / COLLECTION / "meta" / "runtime.yml"] = ansible.runtime_yml(schemas)
    sanity = root / COLLECTION / "tests" / "sanity"
    for release in ansible.SANITY_RELEASES:
        files[sanity / f"ignore-{release}.txt"] = ansible.sanity_ignores(schemas)
    files[root / COLLECTION / "plugins" / "modules" / "image.py"] = ansible.neutral_module_file(schemas)
    files[root / "pulumi_images" / "_clouds.py"] = pulumi.clouds_module(schemas)
    files[root / "docs" / "reference" / "README.md"] = docs.index_page(schemas)
    return {
        path: common.allow_long_lines(text) if path.suffix == ".py" else text for path, text in files.items()
    }
