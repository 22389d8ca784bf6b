"""Image API semantics of the OCI emulator (in-process, signed with the oci SDK signer)."""

from __future__ import annotations

import re
import time

import pytest

from .conftest import World, instance_body, tuple_body

IMAGES = "/20160918/images"


def _wait_available(client, image_id: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"{IMAGES}/{image_id}").json()
        if body["lifecycleState"] == "AVAILABLE" or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


def test_create_from_instance_inherits_and_becomes_available(world: World) -> None:
    env, client = world.env, world.client()
    world.emulator.time_scale = 0.002  # PROVISIONING for 0.12 s
    response = client.post(IMAGES, instance_body(env, displayName="web",
                                                 freeformTags={"Department": "Finance"},
                                                 definedTags={"Operations": {"CostCenter": "42"}}))
    assert response.status_code == 200, response.text
    assert response.headers["opc-work-request-id"].startswith("ocid1.coreservicesworkrequest.")
    assert response.headers["etag"] and response.headers["opc-request-id"]
    body = response.json()
    assert re.fullmatch(r"ocid1\.image\.oc1\.iad\.[a-z0-9]{60}", body["id"])
    assert body["lifecycleState"] == "PROVISIONING"
    assert body["baseImageId"] == env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]
    assert (body["operatingSystem"], body["operatingSystemVersion"]) == ("Oracle Linux", "8")
    assert body["launchMode"] == "PARAVIRTUALIZED"
    assert set(body["launchOptions"]) >= {"bootVolumeType", "firmware", "networkType", "remoteDataVolumeType",
                                          "isPvEncryptionInTransitEnabled", "isConsistentVolumeNamingEnabled"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["timeCreated"])
    assert body["definedTags"] == {"Operations": {"CostCenter": "42"}}
    assert body["createImageAllowed"] is True and body["listingType"] == "NONE"
    final = _wait_available(client, body["id"])
    assert final["lifecycleState"] == "AVAILABLE"
    assert final["sizeInMBs"] == 47694 and final["billableSizeInGBs"] >= 1


def test_launch_mode_override_and_data_volumes(world: World) -> None:
    client = world.client()
    body = client.post(IMAGES, instance_body(world.env, launchMode="EMULATED",
                                             shouldIncludeDataVolumes=True)).json()
    assert body["launchMode"] == "EMULATED"
    assert body["launchOptions"]["networkType"] == "E1000"
    assert body["imageVolumeDetails"]["dataVolumes"][0]["index"] == 1


def test_imports_via_tuple_and_uri(world: World) -> None:
    env, client = world.env, world.client()
    by_tuple = client.post(IMAGES, tuple_body(env, displayName="imp")).json()
    assert by_tuple["lifecycleState"] == "IMPORTING"
    assert by_tuple["baseImageId"] is None
    assert (by_tuple["operatingSystem"], by_tuple["operatingSystemVersion"]) == ("Oracle Linux", "9")
    by_uri = client.post(IMAGES, {
        "compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"], "launchMode": "NATIVE",
        "imageSourceDetails": {"sourceType": "objectStorageUri", "sourceUri": env["IMAGEOPS_OCI_OBJECT_URI"],
                               "sourceImageType": "VMDK", "operatingSystem": "Ubuntu",
                               "operatingSystemVersion": "22.04"}}).json()
    assert by_uri["operatingSystem"] == "Ubuntu" and by_uri["launchMode"] == "NATIVE"
    assert by_uri["lifecycleState"] == "IMPORTING"
    world.finish(by_uri["id"])
    assert client.get(f"{IMAGES}/{by_uri['id']}").json()["lifecycleState"] == "AVAILABLE"


def _bad(world: World, body: dict, status: int, code: str) -> None:
    response = world.client().post(IMAGES, body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.headers["opc-request-id"]


@pytest.mark.parametrize(("mutate", "status", "code"), [
    (lambda b, e: b.pop("compartmentId"), 400, "MissingParameter"),
    (lambda b, e: b.pop("instanceId"), 400, "MissingParameter"),
    (lambda b, e: b.update(tuple_body(e)), 400, "InvalidParameter"),  # both sources
    (lambda b, e: b.update(launchMode="FAST"), 400, "InvalidParameter"),
    (lambda b, e: b.update(displayName="x" * 256), 400, "InvalidParameter"),
    (lambda b, e: b.update(displayName=""), 400, "InvalidParameter"),
    (lambda b, e: b.update(freeformTags={"a": 1}), 400, "InvalidParameter"),
    (lambda b, e: b.update(displayName="Oracle-Linux-8.9-2024.01.26-0"), 400, "InvalidParameter"),
    (lambda b, e: b.update(instanceId=e["IMAGEOPS_OCI_TERMINATED_INSTANCE_ID"]), 404,
     "NotAuthorizedOrNotFound"),
    (lambda b, e: b.update(instanceId="ocid1.instance.oc1.iad.nope"), 404, "NotAuthorizedOrNotFound"),
    (lambda b, e: b.update(instanceId=e["IMAGEOPS_OCI_STOPPED_INSTANCE_ID"]), 409, "IncorrectState"),
    (lambda b, e: b.update(compartmentId="ocid1.compartment.oc1..nope"), 404, "NotAuthorizedOrNotFound"),
])
def test_create_validation_from_instance(world: World, mutate, status: int, code: str) -> None:
    body = instance_body(world.env)
    mutate(body, world.env)
    _bad(world, body, status, code)


@pytest.mark.parametrize(("mutate", "status", "code"), [
    (lambda d: d.update(sourceType="http"), 400, "InvalidParameter"),
    (lambda d: d.pop("sourceType"), 400, "MissingParameter"),
    (lambda d: d.update(sourceImageType="RAW"), 400, "InvalidParameter"),
    (lambda d: d.pop("namespaceName"), 400, "MissingParameter"),
    (lambda d: d.pop("bucketName"), 400, "MissingParameter"),
    (lambda d: d.pop("objectName"), 400, "MissingParameter"),
    (lambda d: d.update(bucketName="nope"), 404, "NotAuthorizedOrNotFound"),
    (lambda d: d.update(objectName="nope.qcow2"), 404, "NotAuthorizedOrNotFound"),
    (lambda d: d.update(sourceType="objectStorageUri"), 400, "MissingParameter"),
    (lambda d: d.update(sourceType="objectStorageUri", sourceUri="http://127.0.0.1:1/n/x/b/y/o/z"),
     400, "InvalidParameter"),
    (lambda d: d.update(sourceType="objectStorageUri", sourceUri="ftp://example/file"), 400,
     "InvalidParameter"),
])
def test_create_validation_for_imports(world: World, mutate, status: int, code: str) -> None:
    body = tuple_body(world.env)
    mutate(body["imageSourceDetails"])
    _bad(world, body, status, code)


def test_invalid_json_is_400(world: World) -> None:
    response = world.client().request("POST", IMAGES, raw=b"{not json")
    assert response.status_code == 400 and response.json()["code"] == "InvalidParameter"


def test_retry_token_semantics(world: World) -> None:
    env, client = world.env, world.client()
    token = {"opc-retry-token": "token-1"}
    first = client.post(IMAGES, instance_body(env, displayName="r"), headers=token)
    again = client.post(IMAGES, instance_body(env, displayName="r"), headers=token)
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["opc-work-request-id"] == first.headers["opc-work-request-id"]
    conflict = client.post(IMAGES, instance_body(env, displayName="other"), headers=token)
    assert conflict.status_code == 409 and conflict.json()["code"] == "InvalidatedRetryToken"
    # tokens are per tenancy
    other_env = {"IMAGEOPS_OCI_COMPARTMENT_ID": env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
                 "IMAGEOPS_OCI_INSTANCE_ID": env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"]}
    theirs = world.client("OTHER").post(IMAGES, instance_body(other_env), headers=token)
    assert theirs.status_code == 200 and theirs.json()["id"] != first.json()["id"]
    mine = [i for i in world.oci["images"].values() if i["_tenancy"] == env["IMAGEOPS_OCI_TENANCY_ID"]]
    assert len(mine) == 1
    # after 24 h the token is forgotten: the same request makes a new image
    world.oci["retry_tokens"][env["IMAGEOPS_OCI_TENANCY_ID"]]["token-1"]["expires"] = time.time() - 1
    later = client.post(IMAGES, instance_body(env, displayName="other"), headers=token)
    assert later.status_code == 200 and later.json()["id"] != first.json()["id"]
    assert client.post(IMAGES, instance_body(env), headers={"opc-retry-token": "x" * 65}).status_code == 400


def test_list_pagination_sorting_and_filters(world: World) -> None:
    env, client = world.env, world.client()
    world.emulator.time_scale = 1.0
    created = [client.post(IMAGES, instance_body(env, displayName=f"img-{i}")).json()["id"] for i in range(7)]
    compartment = {"compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}
    seen, page, pages = [], None, 0
    while True:
        params = {**compartment, "limit": 3, **({"page": page} if page else {})}
        response = client.get(IMAGES, params=params)
        assert response.status_code == 200 and isinstance(response.json(), list)
        assert len(response.json()) <= 3
        seen += [i["id"] for i in response.json()]
        pages += 1
        page = response.headers.get("opc-next-page")
        if not page:
            break
    assert pages == 3  # 7 custom images + the platform image
    assert len(seen) == len(set(seen)) == 8 and set(created) <= set(seen)
    assert seen[0] == created[-1], "default sort is TIMECREATED DESC"
    by_name = client.get(IMAGES, params={**compartment, "sortBy": "DISPLAYNAME", "sortOrder": "ASC"}).json()
    names = [i["displayName"] for i in by_name]
    assert names == sorted(names)
    one = client.get(IMAGES, params={**compartment, "displayName": "img-3"}).json()
    assert [i["id"] for i in one] == [created[3]]
    provisioning = client.get(IMAGES, params={**compartment, "lifecycleState": "PROVISIONING"}).json()
    assert {i["id"] for i in provisioning} == set(created)
    ol = client.get(IMAGES, params={**compartment, "operatingSystem": "Oracle Linux",
                                    "operatingSystemVersion": "8", "shape": "VM.Standard.E4.Flex"}).json()
    assert len(ol) == 8
    for params, code in (({}, "MissingParameter"), ({**compartment, "limit": "0"}, "InvalidParameter"),
                         ({**compartment, "sortBy": "SIZE"}, "InvalidParameter"),
                         ({**compartment, "lifecycleState": "GONE"}, "InvalidParameter"),
                         ({**compartment, "page": "!!"}, "InvalidParameter")):
        response = client.get(IMAGES, params=params)
        assert (response.status_code, response.json()["code"]) == (400, code)


def test_update_delete_and_etags(world: World) -> None:
    env, client = world.env, world.client()
    world.emulator.time_scale = 1.0
    image_id = client.post(IMAGES, instance_body(env, freeformTags={"a": "1"})).json()["id"]
    early = client.put(f"{IMAGES}/{image_id}", {"displayName": "early"})
    assert (early.status_code, early.json()["code"]) == (409, "IncorrectState")
    assert client.delete(f"{IMAGES}/{image_id}").status_code == 409
    world.finish(image_id)
    current = client.get(f"{IMAGES}/{image_id}")
    stale = client.put(f"{IMAGES}/{image_id}", {"displayName": "x"}, headers={"if-match": "nope"})
    assert (stale.status_code, stale.json()["code"]) == (412, "PreconditionFailed")
    changes = {"displayName": "renamed", "freeformTags": {"b": "2"}, "operatingSystem": "Oracle Linux",
               "operatingSystemVersion": "8.9"}
    updated = client.put(f"{IMAGES}/{image_id}", changes,
                         headers={"if-match": current.headers["etag"]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["displayName"] == "renamed" and updated.json()["freeformTags"] == {"b": "2"}
    assert updated.json()["operatingSystemVersion"] == "8.9"
    assert updated.headers["etag"] != current.headers["etag"]
    assert client.put(f"{IMAGES}/{image_id}", {"displayName": "y" * 256}).status_code == 400
    platform = client.put(f"{IMAGES}/{env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}", {"displayName": "mine"})
    assert platform.status_code == 404
    deleted = client.delete(f"{IMAGES}/{image_id}")
    assert deleted.status_code == 204 and deleted.headers["opc-request-id"]
    assert client.get(f"{IMAGES}/{image_id}").json()["lifecycleState"] == "DELETED"
    compartment = {"compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}
    assert image_id not in {i["id"] for i in client.get(IMAGES, params=compartment).json()}
    gone = client.get(IMAGES, params={**compartment, "lifecycleState": "DELETED"}).json()
    assert [i["id"] for i in gone] == [image_id]
    again = client.delete(f"{IMAGES}/{image_id}")
    assert (again.status_code, again.json()["code"]) == (409, "IncorrectState")
    assert client.get(f"{IMAGES}/ocid1.image.oc1.iad.missing").status_code == 404


def test_instance_and_object_reads(world: World) -> None:
    env, client = world.env, world.client()
    inst = client.get(f"/20160918/instances/{env['IMAGEOPS_OCI_INSTANCE_ID']}").json()
    assert inst["lifecycleState"] == "RUNNING" and inst["imageId"] == env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]
    assert not any(k.startswith("_") for k in inst)
    stopped = client.get(f"/20160918/instances/{env['IMAGEOPS_OCI_STOPPED_INSTANCE_ID']}").json()
    assert stopped["lifecycleState"] == "STOPPED"
    path = env["IMAGEOPS_OCI_OBJECT_URI"].removeprefix(env["IMAGEOPS_OCI_ENDPOINT"])
    head = client.request("HEAD", path)
    assert head.status_code == 200 and head.headers["opc-meta-operating-system"] == "Oracle Linux"
    got = client.get(path)
    assert got.content.startswith(b"QFI\xfb") and int(got.headers["content-length"]) == len(got.content)
    assert client.request("HEAD", path + "-missing").status_code == 404
    assert client.get(path + "-missing").json()["code"] == "ObjectNotFound"


def test_call_log_and_internal_routes(world: World) -> None:
    client = world.client()
    client.get(IMAGES, params={"compartmentId": world.env["IMAGEOPS_OCI_COMPARTMENT_ID"]})
    client.post(IMAGES, instance_body(world.env))
    calls = world.calls()
    assert [(c["seq"], c["cloud"], c["method"], c["path"], c["action"], c["status"]) for c in calls] == [
        (1, "oci", "GET", IMAGES, "ListImages", 200), (2, "oci", "POST", IMAGES, "CreateImage", 200)]
    assert all(c["account"] == world.env["IMAGEOPS_OCI_TENANCY_ID"] for c in calls)
    assert [c["seq"] for c in world.calls(since=1)] == [2]
    assert world.http.get("/_emulator/calls", params={"cloud": "outscale"}).json() == []
    assert len(world.calls()) == 2, "/_emulator calls are not logged"
    unknown = client.get("/20160918/volumes")
    assert unknown.status_code == 404 and unknown.json()["code"] == "NotAuthorizedOrNotFound"
    assert unknown.headers["opc-request-id"]
    wrong_method = client.request("PATCH", IMAGES, json={})
    assert wrong_method.status_code == 405 and wrong_method.headers["opc-request-id"]
    assert [(c["path"], c["action"], c["status"]) for c in world.calls(since=2)] == [
        ("/20160918/volumes", None, 404), (IMAGES, None, 405)]
