"""pulumi_images.oci.Image copy_from and export_to through the real dynamic-provider server."""

from __future__ import annotations

import uuid

import pytest

import pulumi_images.oci as oci_resource
from pulumi_images.harness import CheckFailed, Engine

pytestmark = pytest.mark.timeout(120)
DEST = "eu-frankfurt-1"


def log_of(emulator, since: int, action: str) -> list[dict]:
    return [c for c in emulator.calls(since=since, cloud="oci") if c["action"] == action]


def test_copy_then_export_then_nothing_to_do(engine: Engine, emulator, emu_env):
    compartment = emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"]
    source, _ = engine.up("src", {
        "compartment_id": compartment, "instance_id": emu_env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": f"src-{uuid.uuid4().hex[:6]}", "launch_mode": "NATIVE",
    })
    name = f"pulumi-copy-{uuid.uuid4().hex[:6]}"
    inputs = {
        "compartment_id": compartment, "display_name": name, "region": DEST,
        "copy_from": {"source_image_id": source.id, "source_region": emu_env["IMAGEOPS_OCI_REGION"]},
    }
    mark = emulator.mark()
    copy, action = engine.up("copy", inputs)
    try:
        assert action == "create" and ".fra." in copy.id
        assert copy.outputs["state"] == "AVAILABLE" and copy.outputs["launch_mode"] == "NATIVE"
        assert copy.outputs["copy_from"]["source_image_id"] == source.id
        assert len(log_of(emulator, mark, "ExportImage")) == 1
        assert [c["path"] for c in log_of(emulator, mark, "CreateImage")] == [f"/r/{DEST}/20160918/images"]

        mark = emulator.mark()
        copy, action = engine.up("copy", inputs, copy)
        assert action == "same" and emulator.calls(since=mark, cloud="oci") == []

        # export_to is in place: the same image is exported, once
        exported = {**inputs, "export_to": {"bucket_name": "pulumi-exports", "object_name": f"{name}.oci"}}
        mark = emulator.mark()
        with pytest.raises(Exception, match="BucketNotFound"):  # no such bucket in that region yet
            engine.up("copy", exported, copy)
        assert [c["status"] for c in log_of(emulator, mark, "ExportImage")] == [404]
        transfer_bucket = f"imageops-transfer-{DEST}"
        exported["export_to"]["bucket_name"] = transfer_bucket
        _make_bucket(emu_env, transfer_bucket, compartment)
        mark = emulator.mark()
        after, action = engine.up("copy", exported, copy)
        assert action == "update" and after.id == copy.id
        assert len(log_of(emulator, mark, "ExportImage")) == 1
        assert log_of(emulator, mark, "CreateImage") == []
        mark = emulator.mark()
        after, action = engine.up("copy", exported, after)
        assert action == "same" and log_of(emulator, mark, "ExportImage") == []

        # a refresh asks whether the export's object is there, as a converged Ansible run does
        mark = emulator.mark()
        refreshed = engine.refresh(after)
        assert refreshed is not None and refreshed.outputs["export_to"] == exported["export_to"]
        assert len(log_of(emulator, mark, "HeadObject")) == 1 and log_of(emulator, mark, "ExportImage") == []
        # the object deleted outside Pulumi: the refresh shows it, and the next up exports again, once
        _storage(emu_env).delete_object(_storage(emu_env).get_namespace(), transfer_bucket, f"{name}.oci")
        refreshed = engine.refresh(after)
        assert refreshed is not None and refreshed.outputs.get("export_to") is None
        mark = emulator.mark()
        after, action = engine.up("copy", exported, refreshed)
        assert action == "update" and after.id == copy.id
        # the first ExportImage replays the first export's retry token (OCI answers it as done, and
        # nothing is written), so the next one, with a new token, writes the object
        assert len(log_of(emulator, mark, "ExportImage")) == 2 and log_of(emulator, mark, "CreateImage") == []
        storage = _storage(emu_env)
        assert storage.head_object(storage.get_namespace(), transfer_bucket, f"{name}.oci") is not None

        # another source is another image: a replace, previewed without any call
        mark = emulator.mark()
        another_source = source.id.replace("a", "b", 1)
        other = {**exported, "copy_from": {**inputs["copy_from"], "source_image_id": another_source}}
        diff = engine.preview(after, other)
        assert list(diff.replaces) == ["copy_from"] and diff.deleteBeforeReplace
        assert emulator.calls(since=mark, cloud="oci") == []
        copy = after
    finally:
        engine.destroy(copy)
        engine.destroy(source)


def _storage(emu_env: dict[str, str]):
    """Object Storage of the destination region, as a user's own script would reach it."""
    import imageops.oci as oci_core

    # the emulator's endpoint given: its other regions are derived from it (this process has no
    # IMAGEOPS_OCI_* variables, and nothing may go past loopback)
    driver = oci_core.connect(config_file=emu_env["IMAGEOPS_OCI_CONFIG_FILE"], profile="DEFAULT",
                              endpoint=emu_env["IMAGEOPS_OCI_ENDPOINT"])
    assert driver.regions is not None
    return driver.regions(DEST)[1]


def _make_bucket(emu_env: dict[str, str], bucket: str, compartment: str) -> None:
    storage = _storage(emu_env)
    assert storage.ensure_bucket(storage.get_namespace(), bucket, compartment) in (True, False)


def test_check_names_the_copy_fields_without_a_call(engine: Engine, emulator, emu_env):
    mark = emulator.mark()
    with pytest.raises(CheckFailed) as caught:
        engine.up("bad-copy", {
            "compartment_id": emu_env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "copy_from": {
                "source_image_id": "ocid1.image.oc1.iad.aaaaaaaaexample", "source_region": "us-ashburn-1",
            },
        })
    assert [field for field, _ in caught.value.failures] == ["display_name"]
    assert emulator.calls(since=mark, cloud="oci") == []


def test_resource_declares_the_inputs():
    args = oci_resource.ImageArgs(
        compartment_id="c", display_name="d",
        copy_from=oci_resource.ImageCopyFromArgs(source_image_id="i", source_region="us-ashburn-1"),
        export_to=oci_resource.ImageExportToArgs(bucket_name="b", object_name="o"),
    )
    assert args.copy_from.source_region == "us-ashburn-1" and args.export_to.object_name == "o"
    assert {"copy_from", "export_to"} <= set(oci_resource.OUTPUT_NAMES)
    assert oci_resource.ImageArgs.copy_from.__doc__ and oci_resource.ImageArgs.export_to.__doc__
