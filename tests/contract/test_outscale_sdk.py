"""osc-sdk-python, unchanged apart from the endpoint, against the emulator for every OMI call; each
response is validated against the OpenAPI document the SDK ships (``resources/outscale.yaml``) with
openapi-core, so the shapes are checked by the official schema, not by hand."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import osc_sdk_python
import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from osc_sdk_python import Gateway

from imageops.emulator.testing import EmulatorHandle, running_emulator

SPEC_FILE = Path(osc_sdk_python.__file__).parent / "resources" / "outscale.yaml"


@pytest.fixture(scope="module")
def osc_emu() -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.002) as handle:
        yield handle


@pytest.fixture(scope="module")
def openapi(osc_emu: EmulatorHandle) -> OpenAPI:
    document = yaml.safe_load(SPEC_FILE.read_text())
    document["servers"] = [{"url": osc_emu.env["IMAGEOPS_OUTSCALE_ENDPOINT"]}]  # only the server moves
    return OpenAPI.from_dict(document)


class Recorder:
    """Validates every HTTP response the SDK receives (a requests session hook, no SDK change)."""

    def __init__(self, openapi: OpenAPI) -> None:
        self.openapi = openapi
        self.checked: list[tuple[str, int]] = []

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.openapi.validate_response(
            RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response)
        )
        self.checked.append((response.request.path_url.rsplit("/", 1)[-1], response.status_code))


def gateway(
    emu: EmulatorHandle, recorder: Recorder, monkeypatch: pytest.MonkeyPatch, prefix: str = ""
) -> Gateway:
    monkeypatch.setenv("OSC_ENDPOINT_API", emu.env["IMAGEOPS_OUTSCALE_ENDPOINT"])
    monkeypatch.setenv("HOME", os.environ.get("TMPDIR", "/tmp"))
    gw = Gateway(
        access_key=emu.env[f"IMAGEOPS_OUTSCALE_{prefix}ACCESS_KEY"],
        secret_key=emu.env[f"IMAGEOPS_OUTSCALE_{prefix}SECRET_KEY"],
        region=emu.env["IMAGEOPS_OUTSCALE_REGION"],
        max_retries=0,
    )
    gw.call.session.hooks["response"].append(recorder)
    return gw


def wait_available(gw: Gateway, image_id: str) -> dict[str, Any]:
    for _ in range(200):
        image = gw.ReadImages(Filters={"ImageIds": [image_id]})["Images"][0]
        if image["State"] != "pending":
            return image
        time.sleep(0.02)
    raise AssertionError(f"{image_id} stayed pending")


@pytest.mark.e2e
def test_every_call_through_the_sdk(
    osc_emu: EmulatorHandle, openapi: OpenAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, recorder = osc_emu.env, Recorder(openapi)
    gw = gateway(osc_emu, recorder, monkeypatch)
    assert gw.ReadVms(Filters={"VmIds": [env["IMAGEOPS_OUTSCALE_VM_ID"]]})["Vms"][0]["State"] == "running"
    snap = gw.ReadSnapshots(Filters={"SnapshotIds": [env["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"]]})["Snapshots"][0]
    assert snap["State"] == "completed"
    made = [
        gw.CreateImage(ImageName="sdk-vm", VmId=env["IMAGEOPS_OUTSCALE_VM_ID"], NoReboot=True),
        gw.CreateImage(ImageName="sdk-manifest", FileLocation=env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]),
        gw.CreateImage(
            ImageName="sdk-copy",
            SourceImageId=env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"],
            SourceRegionName=env["IMAGEOPS_OUTSCALE_REGION"],
        ),
        gw.CreateImage(
            ImageName="sdk-bsu",
            RootDeviceName="/dev/sda1",
            Architecture="x86_64",
            BootModes=["uefi"],
            TpmMandatory=True,
            BlockDeviceMappings=[
                {
                    "DeviceName": "/dev/sda1",
                    "Bsu": {
                        "SnapshotId": snap["SnapshotId"],
                        "VolumeSize": 120,
                        "VolumeType": "io1",
                        "Iops": 150,
                        "DeleteOnVmDeletion": True,
                    },
                }
            ],
        ),
    ]
    ids = [m["Image"]["ImageId"] for m in made]
    assert all(m["Image"]["State"] == "pending" for m in made)
    assert all(wait_available(gw, i)["State"] == "available" for i in ids)
    gw.CreateTags(ResourceIds=ids[:1], Tags=[{"Key": "env", "Value": "demo"}])
    assert gw.ReadImages(Filters={"TagKeys": ["env"]})["Images"][0]["ImageId"] == ids[0]
    updated = gw.UpdateImage(
        ImageId=ids[0],
        Description="d",
        ProductCodes=["0001", "0002"],
        PermissionsToLaunch={"Additions": {"AccountIds": [env["IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID"]]}},
    )
    assert updated["Image"]["PermissionsToLaunch"]["AccountIds"] == [
        env["IMAGEOPS_OUTSCALE_OTHER_ACCOUNT_ID"]
    ]
    gw.DeleteTags(ResourceIds=ids[:1], Tags=[{"Key": "env"}])
    page = gw.ReadImages(Filters={"AccountIds": [env["IMAGEOPS_OUTSCALE_ACCOUNT_ID"]]}, ResultsPerPage=3)
    rest = gw.ReadImages(
        Filters={"AccountIds": [env["IMAGEOPS_OUTSCALE_ACCOUNT_ID"]]},
        ResultsPerPage=3,
        NextPageToken=page["NextPageToken"],
    )
    assert (
        sorted(i["ImageId"] for i in page["Images"] + rest["Images"]) == sorted(ids)
        and "NextPageToken" not in rest
    )
    with pytest.raises(requests.HTTPError) as dup:
        gw.CreateImage(ImageName="sdk-vm", VmId=env["IMAGEOPS_OUTSCALE_VM_ID"])
    assert dup.value.response.json()["Errors"][0]["Code"] == "9015"
    for image_id in ids:
        gw.DeleteImage(ImageId=image_id)
    assert gw.ReadImages(Filters={"ImageIds": ids})["Images"] == []
    actions = {action for action, _ in recorder.checked}
    assert {
        "ReadVms",
        "ReadSnapshots",
        "CreateImage",
        "ReadImages",
        "CreateTags",
        "UpdateImage",
        "DeleteTags",
        "DeleteImage",
    } <= actions
    assert ("CreateImage", 400) in recorder.checked


@pytest.mark.e2e
def test_accounts_are_apart_and_broken_manifest_fails(
    osc_emu: EmulatorHandle, openapi: OpenAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    env, recorder = osc_emu.env, Recorder(openapi)
    gw = gateway(osc_emu, recorder, monkeypatch)
    other = gateway(osc_emu, recorder, monkeypatch, prefix="OTHER_")
    image_id = gw.CreateImage(
        ImageName="sdk-broken", FileLocation=env["IMAGEOPS_OUTSCALE_BROKEN_MANIFEST_URL"]
    )["Image"]["ImageId"]
    failed = wait_available(gw, image_id)
    assert failed["State"] == "failed" and failed["StateComment"]["StateMessage"]
    assert other.ReadImages(Filters={"ImageIds": [image_id]})["Images"] == []
    with pytest.raises(requests.HTTPError) as denied:
        other.DeleteImage(ImageId=image_id)
    assert denied.value.response.json()["Errors"][0]["Type"] == "InvalidResource"
    # the same name is free in the other account
    other_id = other.CreateImage(ImageName="sdk-broken", VmId=env["IMAGEOPS_OUTSCALE_OTHER_VM_ID"])["Image"][
        "ImageId"
    ]
    wait_available(other, other_id)
    other.DeleteImage(ImageId=other_id)
    gw.DeleteImage(ImageId=image_id)


def test_wrong_secret_gets_the_authentication_error(
    osc_emu: EmulatorHandle, openapi: OpenAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(openapi)
    monkeypatch.setenv("OSC_ENDPOINT_API", osc_emu.env["IMAGEOPS_OUTSCALE_ENDPOINT"])
    gw = Gateway(
        access_key=osc_emu.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        secret_key="W" * 40,
        region=osc_emu.env["IMAGEOPS_OUTSCALE_REGION"],
        max_retries=0,
    )
    gw.call.session.hooks["response"].append(recorder)
    with pytest.raises(requests.HTTPError) as caught:
        gw.ReadImages()
    response = caught.value.response
    assert response.status_code == 401
    assert response.json()["Errors"] == [
        {"Code": "1", "Type": "AccessDenied", "Details": "Authentication failed."}
    ]
    assert recorder.checked == [("ReadImages", 401)]
