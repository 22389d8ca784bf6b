"""OCI copy across regions and export, through the core against the emulator (real sockets).

Every count comes from the emulator's call log. The crash tests kill a real process with SIGKILL
between ExportImage and CreateImage, then run the same copy again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import imageops.oci as oci_core
from imageops import reconcile
from imageops.driver import PollPolicy
from imageops.emulator.testing import EmulatorHandle, cli_environment, running_emulator
from imageops.errors import NotFoundError, SpecError
from imageops.oci import copy as transfer

DEST = "eu-frankfurt-1"
FAST_POLL = PollPolicy(first=0.05, longest=0.3)
THIRD = "uk-london-1"


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    # An export or an import takes 1.5 s: time enough to kill a process in the middle of one.
    with running_emulator(time_scale=0.005) as handle:
        yield handle


@pytest.fixture
def env(emu: EmulatorHandle, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key, value in {**emu.env, **cli_environment(emu.env)}.items():
        monkeypatch.setenv(key, value)
    return dict(emu.env)


def calls(emu: EmulatorHandle, since: int, action: str, path_part: str = "") -> list[dict[str, Any]]:
    log = emu.calls(since=since, cloud="oci")
    return [c for c in log if c["action"] == action and path_part in c["path"]]


def source_image(env: dict[str, str], name: str) -> str:
    """A fresh AVAILABLE image in the home region, made from the demo instance."""
    with connect() as home:
        spec = oci_core.OciImageSpec.parse({
            "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"],
            "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"], "display_name": name, "launch_mode": "NATIVE",
        })
        image = reconcile.apply(reconcile.plan(spec, None), home, timeout=60)
        assert image is not None
        return image.id


def copy_spec(env: dict[str, str], source_id: str, name: str, **extra: Any) -> oci_core.OciImageSpec:
    return oci_core.OciImageSpec.parse({
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "display_name": name,
        "copy_from": {"source_image_id": source_id, "source_region": env["IMAGEOPS_OCI_REGION"], **extra},
    })


def connect(**settings: Any) -> oci_core.OciDriver:
    return oci_core.connect(poll=FAST_POLL, **settings)


def converge(spec: oci_core.OciImageSpec, region: str) -> tuple[reconcile.Plan, Any]:
    with connect(region=region) as driver:
        the_plan = reconcile.plan(spec, reconcile.lookup(driver, spec, None))
        return the_plan, reconcile.apply(the_plan, driver, timeout=60)


def images_named(region: str, compartment: str, name: str) -> list[Any]:
    with connect(region=region) as driver:
        probe = oci_core.OciImageSpec.parse_key({"compartment_id": compartment, "display_name": name})
        return driver.list(probe)


def test_copy_lands_in_the_destination_region_and_a_rerun_writes_nothing(emu, env):
    source = source_image(env, f"src-{uuid.uuid4().hex[:8]}")
    spec = copy_spec(env, source, "copied-1")
    mark = emu.mark()
    the_plan, image = converge(spec, DEST)
    assert the_plan.action is reconcile.Action.CREATE
    assert image.raw_state == "AVAILABLE" and image.region == DEST and ".fra." in image.id
    assert image.attributes["launch_mode"] == "NATIVE"  # the OCI export format keeps launch settings
    assert len(calls(emu, mark, "ExportImage")) == 1
    assert [c["path"] for c in calls(emu, mark, "CreateImage")] == [f"/r/{DEST}/20160918/images"]
    created = calls(emu, mark, "CreatePreauthenticatedRequest")
    assert len(created) == 1 and len(calls(emu, mark, "DeletePreauthenticatedRequest")) == 1
    assert calls(emu, mark, "DeleteObject") == []  # kept by default, for copies to other regions

    mark = emu.mark()
    again, image_again = converge(spec, DEST)
    log = emu.calls(since=mark, cloud="oci")
    assert again.action is reconcile.Action.NOOP and image_again.id == image.id
    assert [c["action"] for c in log] == ["ListImages"]


def test_a_second_destination_reuses_the_export_and_delete_intermediate_removes_it(emu, env):
    source = source_image(env, f"src-{uuid.uuid4().hex[:8]}")
    converge(copy_spec(env, source, "fan-a"), DEST)
    mark = emu.mark()
    _, image = converge(copy_spec(env, source, "fan-b", delete_intermediate=True), THIRD)
    assert image.region == THIRD and image.raw_state == "AVAILABLE"
    assert calls(emu, mark, "ExportImage") == []
    assert len(calls(emu, mark, "DeleteObject", transfer.intermediate_object(source).split("/")[0])) == 1


def test_cross_account_source_is_refused_before_any_write(emu, env):
    other = connect(profile="OTHER")
    other_spec = oci_core.OciImageSpec.parse({
        "compartment_id": env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
        "instance_id": env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
        "display_name": f"theirs-{uuid.uuid4().hex[:6]}",
    })
    theirs = reconcile.apply(reconcile.plan(other_spec, None), other, timeout=60)
    other.close()
    mark = emu.mark()
    with pytest.raises(NotFoundError, match=r"copy_from\.source_image_id") as caught:
        converge(copy_spec(env, theirs.id, "stolen"), DEST)
    assert "this tenancy cannot see it" in str(caught.value)
    writes = [c for c in emu.calls(since=mark, cloud="oci") if c["method"] not in ("GET", "HEAD")]
    assert writes == []


def test_invalid_copy_specs_name_the_field_before_any_call(emu, env):
    mark = emu.mark()
    base = {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}
    copy = {"source_image_id": "ocid1.image.oc1.iad.aaaaaaaaexample", "source_region": "us-ashburn-1"}
    with pytest.raises(SpecError) as no_name:
        oci_core.OciImageSpec.parse({**base, "copy_from": copy})
    rule = "required with copy_from: a re-run finds the copy by it"
    assert no_name.value.errors == [("display_name", rule)]
    with pytest.raises(SpecError) as two_sources:
        oci_core.OciImageSpec.parse({**base, "display_name": "x", "copy_from": copy,
                                     "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"]})
    assert two_sources.value.errors[0][0] == "instance_id"
    assert "copy_from" in two_sources.value.errors[0][1]
    with pytest.raises(SpecError) as bad_region:
        oci_core.OciImageSpec.parse(
            {**base, "display_name": "x", "copy_from": {**copy, "source_region": "Ashburn"}}
        )
    assert bad_region.value.errors[0][0] == "copy_from.source_region"
    with pytest.raises(SpecError) as both:
        oci_core.OciImageSpec.parse({
            **base, "display_name": "x", "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
            "export_to": {"bucket_name": "b", "object_name": "o", "destination_uri": "https://h/n/n/b/b/o/o"},
        })
    assert both.value.errors[0][0] == "export_to"
    assert emu.calls(since=mark, cloud="oci") == []


def test_export_to_exports_once(emu, env):
    name = f"exp-{uuid.uuid4().hex[:8]}"
    spec = oci_core.OciImageSpec.parse({
        "compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "instance_id": env["IMAGEOPS_OCI_INSTANCE_ID"],
        "display_name": name,
        "export_to": {"bucket_name": env["IMAGEOPS_OCI_BUCKET"], "object_name": f"{name}.qcow2",
                      "export_format": "QCOW2"},
    })
    mark = emu.mark()
    with connect() as driver:
        image = reconcile.apply(reconcile.plan(spec, None), driver, timeout=60)
        assert image.raw_state == "AVAILABLE"
        assert len(calls(emu, mark, "ExportImage")) == 1
        assert driver.export_needed(spec.export_to) is False
        mark = emu.mark()
        assert driver.export(image.id, spec.export_to, image=image) is False  # the object is there
        assert [c["action"] for c in emu.calls(since=mark, cloud="oci")] == ["GetNamespace", "HeadObject"]
        mark = emu.mark()  # without the caller's read, the image is read before the object is looked up
        assert driver.export(image.id, spec.export_to) is False
        assert [c["action"] for c in emu.calls(since=mark, cloud="oci")] == [
            "GetNamespace", "GetImage", "HeadObject"]


# ------------------------------------------------------------------------------------ crash-resume
_COPY_SCRIPT = textwrap.dedent("""
    import imageops.oci as oci_core
    from imageops import reconcile
    import json, sys
    spec = oci_core.OciImageSpec.parse(json.loads(sys.argv[1]))
    from imageops.driver import PollPolicy
    with oci_core.connect(region=sys.argv[2], poll=PollPolicy(first=0.05, longest=0.3)) as driver:
        reconcile.apply(reconcile.plan(spec, reconcile.lookup(driver, spec, None)), driver, timeout=120)
""")


def _run_until(emu: EmulatorHandle, spec: oci_core.OciImageSpec, since: int, action: str) -> None:
    """Run the copy in a child process and SIGKILL it as soon as ``action`` has been logged."""
    import json

    child = subprocess.Popen(
        [sys.executable, "-c", _COPY_SCRIPT, json.dumps(spec.given()), DEST],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not calls(emu, since, action):
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, f"{action} never came"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=10)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def test_kill_9_between_export_and_import_resumes_with_one_export_and_one_image(emu, env):
    source = source_image(env, f"src-{uuid.uuid4().hex[:8]}")
    name = f"crash-{uuid.uuid4().hex[:8]}"
    spec = copy_spec(env, source, name)
    mark = emu.mark()
    _run_until(emu, spec, mark, "ExportImage")  # killed while the export is being written
    assert calls(emu, mark, "CreateImage") == []

    plan, image = converge(spec, DEST)
    assert plan.action is reconcile.Action.CREATE and image.raw_state == "AVAILABLE"
    assert len(calls(emu, mark, "ExportImage")) == 1  # the re-run waited for the first export
    assert len(calls(emu, mark, "CreateImage", f"/r/{DEST}/")) == 1
    live = images_named(DEST, env["IMAGEOPS_OCI_COMPARTMENT_ID"], name)
    assert [i.id for i in live] == [image.id]


def test_run_interrupted_after_the_export_finished_does_not_export_again(emu, env):
    source = source_image(env, f"src-{uuid.uuid4().hex[:8]}")
    name = f"resume-{uuid.uuid4().hex[:8]}"
    spec = copy_spec(env, source, name)
    assert spec.copy_from is not None
    mark = emu.mark()
    # the export step of a run that then stopped: the object is written, nothing imported yet
    with connect() as home:
        regions = home.regions
        assert regions is not None
        src, storage = regions(env["IMAGEOPS_OCI_REGION"])
        namespace = storage.get_namespace()
        bucket = transfer.default_bucket(env["IMAGEOPS_OCI_REGION"])
        home_region = env["IMAGEOPS_OCI_REGION"]
        ref = transfer.ObjectRef(home_region, namespace, bucket, transfer.intermediate_object(source))
        storage.ensure_bucket(namespace, bucket, env["IMAGEOPS_OCI_COMPARTMENT_ID"])
        body = {"destinationType": "objectStorageTuple", "namespaceName": namespace, "bucketName": bucket,
                "objectName": ref.name, "exportFormat": transfer.COPY_FORMAT}
        assert transfer.ensure_exported(src, storage, source, ref, body, timeout=60) is True
    assert len(calls(emu, mark, "ExportImage")) == 1

    _, image = converge(spec, DEST)
    assert len(calls(emu, mark, "ExportImage")) == 1
    assert [i.id for i in images_named(DEST, env["IMAGEOPS_OCI_COMPARTMENT_ID"], name)] == [image.id]


def test_kill_9_after_the_import_started_adopts_the_image(emu, env):
    source = source_image(env, f"src-{uuid.uuid4().hex[:8]}")
    name = f"late-{uuid.uuid4().hex[:8]}"
    spec = copy_spec(env, source, name)
    mark = emu.mark()
    _run_until(emu, spec, mark, "CreateImage")  # killed while the destination image is IMPORTING
    plan, image = converge(spec, DEST)
    assert plan.action is reconcile.Action.NOOP  # found by its name, not made again
    assert image.raw_state == "AVAILABLE"
    assert len(calls(emu, mark, "ExportImage")) == 1 and len(calls(emu, mark, "CreateImage")) == 1
    assert [i.id for i in images_named(DEST, env["IMAGEOPS_OCI_COMPARTMENT_ID"], name)] == [image.id]
