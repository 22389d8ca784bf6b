"""Import by id for every cloud: with ``__provider`` (``Image.get``, ``ResourceOptions(id=...)``) and
without it (``pulumi import`` and ``ResourceOptions(import_=...)``, whose Read carries the id only).

The stock ``python -m pulumi.dynamic`` cannot serve a Read without ``__provider`` (shown below);
``python -m pulumi_images.dynamic`` -- the same servicer plus a provider for the cloud of the resource
type -- can, and so can the ``pulumi-resource-pulumi-python`` plugin script that starts it.
"""

from __future__ import annotations

import base64
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import dill
import pytest
from tests_pulumi_support import (
    CLOUDS,
    api_calls,
    cloud_harness,
    from_instance,
    image_reads,
    image_writes,
    tags_input,
    tags_output,
)

import pulumi_images
from pulumi_images.dynamic import cloud_of
from pulumi_images.harness import IMPORTING_SERVER, Engine, ProviderCallError, resource_urn

pytestmark = pytest.mark.timeout(180)

PLUGIN = Path(pulumi_images.__file__).parent / "plugin" / "pulumi-resource-pulumi-python"


@pytest.fixture(scope="module", params=CLOUDS)
def importing(request, emu_env) -> Iterator[Engine]:
    with cloud_harness(request.param, emu_env, server=IMPORTING_SERVER) as harness:
        yield Engine(harness)


@pytest.fixture()
def made(importing: Engine, emu_env, request):
    """An image created through the normal path (the importing server serves it unchanged); named
    after the test, as ECS answers a ClientToken reused for a deleted image only a few times."""
    cloud = importing.harness.cloud
    name = f"pulumi-imp-{request.node.originalname.removeprefix('test_')[:40]}"
    inputs = from_instance(cloud, emu_env, name, **tags_input(cloud, {"team": "images"}))
    state, action = importing.up("original", inputs)
    assert action == "create"
    yield state, inputs
    importing.destroy(state)


def provider_cloud(blob: str) -> str:
    return dill.loads(base64.b64decode(blob)).cloud


def test_pulumi_import_reads_by_id_alone_and_records_a_working_provider(importing: Engine, emulator, made):
    state, inputs = made
    cloud = importing.harness.cloud
    # the engine's next call (Check) takes the read inputs as they are: they must carry the provider
    _, _, read_inputs = importing.harness.read_without_provider(state.id, importing.urn("adopted"))
    assert read_inputs is not None and provider_cloud(read_inputs["__provider"]) == cloud
    mark = emulator.mark()
    imported = importing.pulumi_import("adopted", state.id)  # Read (id only), then Check of what it read
    assert imported.id == state.id
    assert len(image_reads(emulator, mark, cloud)) == 1 and image_writes(emulator, mark, cloud) == []
    assert imported.outputs["imported"] is True
    assert tags_output(cloud, imported.outputs) == {"team": "images"}
    # the state now holds the provider of the right cloud: later calls take the stock path
    assert provider_cloud(imported.outputs["__provider"]) == cloud
    name_key = {"oci": "display_name", "outscale": "image_name", "alicloud": "image_name", "aws": "name"}
    name_key = name_key[cloud]
    assert imported.inputs[name_key] == inputs[name_key]
    mark = emulator.mark()
    refreshed = importing.refresh(imported)
    assert refreshed is not None and refreshed.outputs["imported"] is True
    assert len(image_reads(emulator, mark, cloud)) == 1


def test_import_option_then_the_program_finds_nothing_to_change(importing: Engine, emulator, made):
    """``ResourceOptions(import_=id)`` with the program's own inputs, source included: the engine
    fails the import unless Diff says DIFF_NONE; the cloud does not report the source, so it must not
    count as a change (nor as a replace)."""
    state, inputs = made
    cloud = importing.harness.cloud
    mark = emulator.mark()
    imported, diff = importing.import_("adopted", state.id, inputs)
    assert diff.changes == diff.DIFF_NONE and list(diff.replaces) == []
    assert image_writes(emulator, mark, cloud) == []
    # the next `pulumi up` of the same program: no change, no API call
    mark = emulator.mark()
    same, action = importing.up("adopted", inputs, imported)
    assert action == "same" and api_calls(emulator, mark, cloud) == []
    # and an in-place change is an update of the imported image, not a replacement
    changed = {**inputs, **tags_input(cloud, {"team": "images", "tier": "gold"})}
    updated, action = importing.up("adopted", changed, same)
    assert action == "update" and updated.id == state.id
    assert tags_output(cloud, updated.outputs) == {"team": "images", "tier": "gold"}
    assert importing.up("adopted", changed, updated)[1] == "same"


REGION = {
    "oci": "IMAGEOPS_OCI_REGION",
    "outscale": "IMAGEOPS_OUTSCALE_REGION",
    "alicloud": "IMAGEOPS_ALICLOUD_REGION",
    "aws": "IMAGEOPS_AWS_REGION",
}


def test_import_option_accepts_the_programs_region_and_refuses_other_tags(importing: Engine, emu_env, made):
    state, inputs = made
    cloud = importing.harness.cloud
    with_region = {**inputs, "region": emu_env[REGION[cloud]]}
    _, diff = importing.import_("adopted-region", state.id, with_region)
    assert diff.changes == diff.DIFF_NONE  # the import read the image where the config pointed
    # tags the image does not have: a diff, which the engine reports as "inputs to import do not match"
    other_tags = {**inputs, **tags_input(cloud, {"team": "someone-else"})}
    _, diff = importing.import_("adopted-tags", state.id, other_tags)
    assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []


def test_get_with_provider_reads_the_image(importing: Engine, made):
    state, _ = made
    got = importing.get("viewed", state.id)
    assert got is not None and got.id == state.id and got.outputs["imported"] is True


def test_import_of_a_missing_image_says_it_does_not_exist(importing: Engine):
    missing = {
        "oci": "ocid1.image.oc1.iad.aaaaaaaanosuchimage",
        "outscale": "ami-00000000",
        "alicloud": "m-nosuch",
        "aws": "ami-00000000000000000",
    }
    with pytest.raises(ProviderCallError) as caught:
        importing.pulumi_import("missing", missing[importing.harness.cloud])
    assert "does not exist" in caught.value.details


def test_the_stock_server_cannot_import_without_provider(emu_env):
    with cloud_harness("alicloud", emu_env) as harness, pytest.raises(ProviderCallError) as caught:
        harness.read_without_provider("m-abc", resource_urn("x", "alicloud"))
    assert "KeyError: '__provider'" in caught.value.details


def test_the_importing_server_is_the_stock_one_but_for_read():
    """Everything but Read is pulumi's own servicer, loaded from its source (so an SDK upgrade that
    changes it shows here, not in a user's `pulumi import`)."""
    import pulumi_images.dynamic as dynamic

    stock = dynamic.ImportingServicer.__mro__[1]
    assert stock.__name__ == "DynamicResourceProviderServicer"
    overridden = {n for n in vars(dynamic.ImportingServicer) if not n.startswith("_")}
    assert overridden == {"Read"}
    assert {"Check", "Diff", "Create", "Update", "Delete", "Configure"} <= set(vars(stock))


def test_the_cloud_comes_from_the_type_else_from_the_id():
    assert cloud_of(resource_urn("x", "outscale"), "ocid1.image.oc1..x") == "outscale"
    assert cloud_of("urn:pulumi:s::p::other:index:Thing::x", "ocid1.image.oc1..x") == "oci"
    assert cloud_of("urn:pulumi:s::p::other:index:Thing::x", "ami-12345678") == "outscale"
    assert cloud_of("urn:pulumi:s::p::other:index:Thing::x", "m-bp1abc") == "alicloud"
    assert cloud_of("urn:pulumi:s::p::other:index:Thing::x", "i-12345678") is None


def test_an_id_of_no_known_cloud_is_refused_by_name(emu_env):
    with cloud_harness("oci", emu_env, server=IMPORTING_SERVER) as harness:
        with pytest.raises(ProviderCallError) as caught:
            harness.read_without_provider("vol-1234", "urn:pulumi:s::p::other:index:Thing::x")
        assert caught.value.code.name == "INVALID_ARGUMENT" and "vol-1234" in caught.value.details


@pytest.mark.parametrize("how", ["PULUMI_PYTHON_CMD", "PULUMI_RUNTIME_VIRTUALENV"])
def test_the_plugin_script_serves_an_import(emu_env, emulator, tmp_path, how):
    """What the engine runs when Pulumi.yaml points ``plugins.providers`` (pulumi-python) at
    ``pulumi_images/plugin``: the script picks the interpreter as the stock one does."""
    assert PLUGIN.stat().st_mode & stat.S_IXUSR
    venv = Path(sys.prefix)
    extra = {"PULUMI_PYTHON_CMD": sys.executable} if how == "PULUMI_PYTHON_CMD" else {}
    if how == "PULUMI_RUNTIME_VIRTUALENV":
        if not (venv / "bin" / "python").exists():
            pytest.skip("not running in a virtualenv")
        extra = {"PULUMI_RUNTIME_VIRTUALENV": str(venv)}
    with cloud_harness("oci", emu_env) as maker:
        state, _ = Engine(maker).up("plugin", from_instance("oci", emu_env, f"pulumi-plugin-{how.lower()}"))
    harness = cloud_harness("oci", emu_env, server=[str(PLUGIN)])
    harness.env.update(extra)
    harness.env["PATH"] = os.environ.get("PATH", "")
    try:
        with harness:
            engine = Engine(harness)
            imported = engine.pulumi_import("plugin-import", state.id)
            assert imported.outputs["imported"] is True and imported.id == state.id
            engine.destroy(imported)
    finally:
        with cloud_harness("oci", emu_env) as cleaner:
            Engine(cleaner).destroy(state)
