"""Oracle's own CLI (``oci-cli``, unchanged) against the emulator: the image lifecycle with the CLI's
waiter and ``--all`` paging, ``oci work-requests`` following a create, an export and two imports to
their end (SUCCEEDED, and FAILED with its error listed), and in proxy mode the same CLI with no
``--endpoint`` at all, reaching ``iaas.<region>.oraclecloud.com`` through HTTPS_PROXY only."""

from __future__ import annotations

import json
import shlex
import time
from typing import Any

import pytest

from imageops.emulator.testing import EmulatorHandle

from .conftest import SOAK, Tool, proxy_env

TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED")
# Without it the CLI prints a warning about the key's label to stderr on every call.
QUIET = {"SUPPRESS_LABEL_WARNING": "True", "OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING": "True"}


def oci(
    tool: Tool,
    emu: EmulatorHandle,
    command: str,
    *,
    endpoint: bool = True,
    extra_env: dict[str, str] | None = None,
    check: bool = True,
) -> Any:
    """One ``oci`` command line (words split as a shell would); its JSON output parsed (None when it
    prints nothing, as delete does), or the finished process when ``check`` is off."""
    args = [tool.bin("oci"), "--config-file", emu.env["IMAGEOPS_OCI_CONFIG_FILE"]]
    if endpoint:
        args += ["--endpoint", emu.env["IMAGEOPS_OCI_ENDPOINT"]]
    result = tool.run([*args, *shlex.split(command)], extra_env={**QUIET, **(extra_env or {})}, check=check)
    if not check:
        return result
    return json.loads(result.stdout) if result.stdout.strip() else None


def follow_work_request(tool: Tool, emu: EmulatorHandle, work_request_id: str) -> tuple[dict, list[float]]:
    """Poll ``oci work-requests work-request get`` as a user's script would, to a terminal status."""
    percents: list[float] = []
    deadline = time.monotonic() + 90
    while True:
        data = oci(tool, emu, f"work-requests work-request get --work-request-id {work_request_id}")["data"]
        percents.append(data["percent-complete"])
        if data["status"] in TERMINAL:
            return data, percents
        assert time.monotonic() < deadline, f"{work_request_id} still {data['status']} after 90 s"
        time.sleep(0.3)


def import_from_object(tool: Tool, emu: EmulatorHandle, object_name: str, name: str) -> dict:
    env = emu.env
    return oci(
        tool,
        emu,
        f"compute image import from-object --compartment-id {env['IMAGEOPS_OCI_COMPARTMENT_ID']}"
        f" --namespace {env['IMAGEOPS_OCI_NAMESPACE']} --bucket-name {env['IMAGEOPS_OCI_BUCKET']}"
        f" --name {object_name} --source-image-type QCOW2 --display-name {name}",
    )


def create_from_instance(tool: Tool, emu: EmulatorHandle, name: str, wait: str = "", **kw: Any) -> dict:
    """``compute image create`` from the demo instance; ``wait`` adds the CLI's own waiter flags."""
    env = emu.env
    command = (
        f"compute image create --compartment-id {env['IMAGEOPS_OCI_COMPARTMENT_ID']}"
        f" --instance-id {env['IMAGEOPS_OCI_INSTANCE_ID']} --display-name {name}"
    )
    if wait:
        command += f" --wait-for-state {wait} --wait-interval-seconds 1 --max-wait-seconds 120"
    return oci(tool, emu, command, **kw)


def test_image_lifecycle_create_wait_get_list_all_update_delete(tool, emu):
    compartment = emu.env["IMAGEOPS_OCI_COMPARTMENT_ID"]
    image = create_from_instance(tool, emu, "cli-lifecycle", wait="AVAILABLE")["data"]
    assert image["lifecycle-state"] == "AVAILABLE" and image["display-name"] == "cli-lifecycle"
    got = oci(tool, emu, f"compute image get --image-id {image['id']}")
    assert got["data"]["id"] == image["id"] and got["etag"]

    # --all with a page size of 1 makes the CLI follow opc-next-page across several ListImages calls.
    since = emu.mark()
    paged = oci(tool, emu, f"compute image list --compartment-id {compartment} --all --page-size 1")
    whole = oci(tool, emu, f"compute image list --compartment-id {compartment} --all")
    assert image["id"] in {i["id"] for i in paged["data"]}
    assert [i["id"] for i in paged["data"]] == [i["id"] for i in whole["data"]]
    list_calls = [c for c in emu.calls(since, cloud="oci") if c["action"] == "ListImages"]
    assert len(list_calls) >= len(paged["data"]) + 1 > 2, "the pages were not followed"

    # update with --if-match: the etag from get is honoured, the same etag once stale is refused (412).
    update = f"compute image update --image-id {image['id']} --if-match {got['etag']} --force --display-name"
    assert oci(tool, emu, f"{update} cli-renamed")["data"]["display-name"] == "cli-renamed"
    stale = oci(tool, emu, f"{update} again", check=False)
    assert stale.returncode != 0 and '"status": 412' in stale.stderr

    assert oci(tool, emu, f"compute image delete --image-id {image['id']} --force") is None
    gone = oci(tool, emu, f"compute image get --image-id {image['id']}")["data"]
    assert gone["lifecycle-state"] == "DELETED"


def test_work_requests_follow_create_export_and_import_to_succeeded(tool, emu):
    env = emu.env
    created = create_from_instance(tool, emu, "cli-work")
    done, percents = follow_work_request(tool, emu, created["opc-work-request-id"])
    assert (done["status"], done["operation-type"]) == ("SUCCEEDED", "CreateImage")
    assert percents == sorted(percents) and percents[-1] == 100
    assert [r["identifier"] for r in done["resources"]] == [created["data"]["id"]]

    exported = oci(
        tool,
        emu,
        f"compute image export to-object --image-id {created['data']['id']} --name cli-work-export.qcow2"
        f" --namespace {env['IMAGEOPS_OCI_NAMESPACE']} --bucket-name {env['IMAGEOPS_OCI_BUCKET']}",
    )
    done, _ = follow_work_request(tool, emu, exported["opc-work-request-id"])
    assert (done["status"], done["operation-type"]) == ("SUCCEEDED", "ExportImage")

    # The object the export wrote imports again, and that import is followed to its end too.
    imported = import_from_object(tool, emu, "cli-work-export.qcow2", "cli-work-imported")
    done, _ = follow_work_request(tool, emu, imported["opc-work-request-id"])
    assert (done["status"], done["operation-type"]) == ("SUCCEEDED", "ImportImage")
    image = oci(tool, emu, f"compute image get --image-id {imported['data']['id']}")["data"]
    assert image["lifecycle-state"] == "AVAILABLE"
    errors = oci(tool, emu, f"work-requests work-request-error list --work-request-id {done['id']}")
    assert not (errors or {}).get("data")


def test_import_from_an_object_uri_is_followed_to_succeeded(tool, emu):
    env = emu.env
    imported = oci(
        tool,
        emu,
        f"compute image import from-object-uri --compartment-id {env['IMAGEOPS_OCI_COMPARTMENT_ID']}"
        f" --uri {env['IMAGEOPS_OCI_OBJECT_URI']} --source-image-type QCOW2 --display-name cli-from-uri",
    )
    done, _ = follow_work_request(tool, emu, imported["opc-work-request-id"])
    assert (done["status"], done["operation-type"]) == ("SUCCEEDED", "ImportImage")
    assert [r["identifier"] for r in done["resources"]] == [imported["data"]["id"]]


def test_work_request_of_a_failing_import_ends_failed_with_its_error_listed(tool, emu):
    imported = import_from_object(tool, emu, emu.env["IMAGEOPS_OCI_CORRUPT_OBJECT"], "cli-corrupt")
    done, _ = follow_work_request(tool, emu, imported["opc-work-request-id"])
    assert (done["status"], done["operation-type"]) == ("FAILED", "ImportImage")
    errors = oci(tool, emu, f"work-requests work-request-error list --work-request-id {done['id']}")["data"]
    assert errors and all(e["code"] and e["message"] for e in errors)
    logs = oci(tool, emu, f"work-requests work-request-log-entry list --work-request-id {done['id']}")["data"]
    assert logs, "the work request keeps a log"
    image = oci(tool, emu, f"compute image get --image-id {imported['data']['id']}")["data"]
    assert image["lifecycle-state"] != "AVAILABLE"


def test_proxy_mode_without_endpoint_creates_waits_and_deletes(tool, proxied):
    """Only the env file's proxy and CA variables: the CLI computes the real hostname itself."""
    since = proxied.mark()
    via_proxy = {"endpoint": False, "extra_env": proxy_env(proxied)}
    image = create_from_instance(tool, proxied, "cli-proxied", wait="AVAILABLE", **via_proxy)["data"]
    assert image["lifecycle-state"] == "AVAILABLE"
    delete = f"compute image delete --image-id {image['id']} --force"
    delete += " --wait-for-state DELETED --wait-interval-seconds 1"
    oci(tool, proxied, delete, **via_proxy)
    actions = [c["action"] for c in proxied.calls(since, cloud="oci")]
    assert {"CreateImage", "GetImage", "DeleteImage"} <= set(actions)
    assert not proxied.calls(since, cloud="proxy"), "nothing was refused: every host was the emulator's"


def test_proxy_mode_refuses_and_logs_a_host_it_does_not_serve(tool, proxied):
    since = proxied.mark()
    # --no-retry: the CLI's default strategy would retry the refused CONNECT for a minute and a half.
    listing = f"compute image list --compartment-id {proxied.env['IMAGEOPS_OCI_COMPARTMENT_ID']}"
    refused = oci(
        tool,
        proxied,
        f"{listing} --endpoint https://example.com --no-retry",
        endpoint=False,
        extra_env=proxy_env(proxied),
        check=False,
    )
    assert refused.returncode != 0
    log = proxied.calls(since, cloud="proxy")
    assert log and {(c["action"], c["path"], c["status"]) for c in log} == {
        ("Refused", "example.com:443", 403)
    }
    assert not proxied.calls(since, cloud="oci")


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
def test_soak_many_images_listed_with_all_then_deleted(tool, emu):
    """Thirty images through the CLI's waiter, listed in pages of 7, every one deleted again."""
    compartment = emu.env["IMAGEOPS_OCI_COMPARTMENT_ID"]
    ids = [
        create_from_instance(tool, emu, f"cli-soak-{n:02d}", wait="AVAILABLE")["data"]["id"]
        for n in range(30)
    ]
    listed = oci(tool, emu, f"compute image list --compartment-id {compartment} --all --page-size 7")
    assert set(ids) <= {i["id"] for i in listed["data"]}
    for image_id in ids:
        oci(tool, emu, f"compute image delete --image-id {image_id} --force")
    left = oci(tool, emu, f"compute image list --compartment-id {compartment} --all")
    assert not set(ids) & {i["id"] for i in (left or {}).get("data", [])}
