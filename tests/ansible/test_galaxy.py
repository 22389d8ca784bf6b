"""The Galaxy side of the collection: the artifact holds what users run and nothing else, the
`all` action group reaches every module, and the changelog fragments lint clean."""

from __future__ import annotations

import shutil
import subprocess
import tarfile

import pytest
import yaml
from ansible_support import BIN, COLLECTION, REPO

from imageops import registry

# every registered cloud (a new one needs no edit here): its managing and info modules
CLOUD_GROUPS = {cloud: [f"{cloud}_image", f"{cloud}_image_info"] for cloud in registry.clouds()}
# modules of every cloud: in the `all` group only (the per-cloud groups' defaults are per-cloud names)
NEUTRAL_MODULES = ["image"]

# What a run of the tests, Molecule or antsibull-changelog leaves in the collection's tree.
LEFTOVERS = (
    "tests/output/data/x.txt",
    "tests/output/.tmp/sanity/x.json",
    "plugins/modules/__pycache__/oci_image.cpython-311.pyc",
    ".pytest_cache/v/cache/lastfailed",
    ".ruff_cache/x",
    ".venv/bin/python",
    "changelogs/.plugin-cache.yaml",
    "extensions/molecule/oci/.molecule/state.yml",
    "extensions/molecule/oci/emulator.env",
    "imageops-cloud-0.0.1.tar.gz",
)


def test_manifest_is_complete():
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    assert (galaxy["namespace"], galaxy["name"]) == ("imageops", "cloud")
    for key in ("version", "readme", "authors", "license", "description", "tags", "build_ignore"):
        assert galaxy[key], key
    for key in ("repository", "documentation", "issues", "homepage"):
        assert galaxy[key].startswith("https://"), key
    assert {"oci", "outscale", "alicloud"} <= set(galaxy["tags"])
    assert (COLLECTION / galaxy["readme"]).is_file()


def test_runtime_groups_and_requires_ansible():
    runtime = yaml.safe_load((COLLECTION / "meta" / "runtime.yml").read_text())
    # ansible-core 2.17 is the oldest release we run; 2.20 needs Python 3.12, which we do not test.
    assert runtime["requires_ansible"] == ">=2.17.0"
    groups = runtime["action_groups"]
    for cloud, modules in CLOUD_GROUPS.items():
        assert groups[cloud] == modules
    assert groups["all"] == [{"metadata": {"extend_group": list(CLOUD_GROUPS)}}, *NEUTRAL_MODULES]
    on_disk = {p.stem for p in (COLLECTION / "plugins" / "modules").glob("*.py")}
    assert on_disk == {m for modules in CLOUD_GROUPS.values() for m in modules} | set(NEUTRAL_MODULES)


def test_artifact_leaves_out_test_output_caches_and_runtime_dirs(tmp_path, ansible_env):
    tree = tmp_path / "ansible_collections" / "imageops" / "cloud"
    shutil.copytree(COLLECTION, tree, symlinks=False, ignore=shutil.ignore_patterns("output", "__pycache__"))
    for leftover in LEFTOVERS:
        (tree / leftover).parent.mkdir(parents=True, exist_ok=True)
        (tree / leftover).write_text("x")
    build = subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", str(tree), "--output-path", str(tmp_path)],
        capture_output=True,
        text=True,
        env=ansible_env(),
        timeout=120,
    )
    assert build.returncode == 0, build.stderr + build.stdout
    with tarfile.open(tmp_path / "imageops-cloud-0.1.0.tar.gz") as tar:
        members = set(tar.getnames())
    for leftover in LEFTOVERS:
        assert leftover not in members, leftover
    assert not [m for m in members if m.startswith(("tests/output", ".")) or "cache" in m]
    # the scenarios, the changelog's sources and the sanity ignore files (ansible-test sanity on the
    # installed collection reads them) are part of the collection
    ignores = [f"tests/sanity/{p.name}" for p in (COLLECTION / "tests" / "sanity").glob("ignore-*.txt")]
    assert ignores
    sources = ("changelogs/config.yaml", "meta/runtime.yml", "extensions/molecule/oci/molecule.yml")
    for kept in (*sources, *ignores):
        assert kept in members, kept
    assert not [m for m in members if m.startswith("tests/") and m not in ("tests/sanity", *ignores)], members


def test_changelog_lints():
    lint = subprocess.run(
        [str(BIN / "antsibull-changelog"), "lint"], capture_output=True, text=True, cwd=COLLECTION, timeout=60
    )
    assert lint.returncode == 0 and not lint.stdout.strip(), lint.stdout + lint.stderr
    fragments = "".join(p.read_text() for p in (COLLECTION / "changelogs" / "fragments").glob("*.yml"))
    for modules in [*CLOUD_GROUPS.values(), NEUTRAL_MODULES]:
        for module in modules:
            assert f"{module} - new module" in fragments, module


@pytest.mark.e2e
def test_module_defaults_group_all_reaches_every_module(play, emulator, ansible_env):
    """The endpoint comes only from `group/imageops.cloud.all` (the variables are unset), so each
    module works only if the group reaches it."""
    env = emulator.env
    endpoints = {cloud: env[f"IMAGEOPS_{cloud.upper()}_ENDPOINT"] for cloud in CLOUD_GROUPS}
    oci_compartment = {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}
    # each module's own arguments: a create from the cloud's demo instance/VM, then a lookup by name
    arguments = {
        "oci_image": {
            **oci_compartment,
            "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
            "display_name": "all",
        },
        "oci_image_info": {**oci_compartment, "display_name": "all"},
        "outscale_image": {"image_name": "all", "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"]},
        "outscale_image_info": {"image_name": "all"},
        "alicloud_image": {"image_name": "all", "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]},
        "alicloud_image_info": {"image_name": "all"},
        "aws_image": {"name": "all", "source_instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"]},
        "aws_image_info": {"name": "all"},
    }
    tasks = [
        {"name": module, "vars": {"cloud": cloud}, f"imageops.cloud.{module}": arguments[module]}
        for cloud, modules in CLOUD_GROUPS.items()
        for module in modules
    ]
    # the neutral module is in `all` only: its endpoint, too, comes from the group's defaults
    neutral_args = {
        "cloud": "alicloud",
        "name": "all",
        "source": {"instance": {"id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]}},
    }
    tasks.append({"name": "image", "vars": {"cloud": "alicloud"}, "imageops.cloud.image": neutral_args})
    playbook = {
        "hosts": "localhost",
        "gather_facts": False,
        "vars": {"endpoints": endpoints},
        "module_defaults": {
            "group/imageops.cloud.all": {"endpoint": "{{ endpoints[cloud] }}"},
            "group/imageops.cloud.outscale": {
                "access_key": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
                "secret_key": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
                "region": env["IMAGEOPS_OUTSCALE_REGION"],
            },
            "group/imageops.cloud.alicloud": {
                "alicloud_access_key": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
                "alicloud_secret_key": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
                "alicloud_region": env["IMAGEOPS_ALICLOUD_REGION"],
            },
            "group/imageops.cloud.aws": {
                "access_key": env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
                "secret_key": env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
                "region": env["IMAGEOPS_AWS_REGION"],
            },
        },
        "tasks": tasks,
    }
    run = play(
        yaml.safe_dump([playbook], sort_keys=False),
        env=ansible_env(emulator, **{f"IMAGEOPS_{cloud.upper()}_ENDPOINT": None for cloud in CLOUD_GROUPS}),
    )
    for cloud, (image_module, info_module) in CLOUD_GROUPS.items():
        assert run.result(image_module)["changed"] is True, cloud
        assert run.result(image_module)["invocation"]["module_args"]["endpoint"] == endpoints[cloud]
        assert len(run.result(info_module)["images"]) == 1, cloud
    # the same image as alicloud_image's: found by its name, adopted, nothing written
    neutral = run.result("image")
    assert neutral["invocation"]["module_args"]["endpoint"] == endpoints["alicloud"]
    assert (neutral["changed"], neutral["image"]["id"]) == (
        False,
        run.result("alicloud_image")["image"]["id"],
    )
