"""Signature verification and tenancy isolation of the OCI emulator (in-process)."""

from __future__ import annotations

import json

import oci
import pytest

from imageops.emulator.oci_auth import fingerprint, generate_key, private_pem, utc_now_http_date

from .conftest import BASE, Signed, World, instance_body, tuple_body

IMAGES = "/20160918/images"


def _wrong_key_signer(world: World, tmp_path) -> oci.signer.Signer:
    """The DEFAULT user's keyId (tenancy/user/fingerprint) but another private key."""
    config = oci.config.from_file(world.env["IMAGEOPS_OCI_CONFIG_FILE"], "DEFAULT")
    key_file = tmp_path / "wrong.pem"
    key_file.write_bytes(private_pem(generate_key()))
    return oci.signer.Signer(config["tenancy"], config["user"], config["fingerprint"], str(key_file))


def _assert_401(response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "NotAuthenticated"
    assert response.headers["opc-request-id"]
    assert response.headers["content-type"] == "application/json"


def test_signed_request_is_accepted(world: World) -> None:
    response = world.client().get(f"{IMAGES}/{world.env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}")
    assert response.status_code == 200, response.text
    assert response.json()["displayName"] == "Oracle-Linux-8.9-2024.01.26-0"
    assert response.headers["etag"]


def test_encrypted_other_profile_key_is_accepted(world: World) -> None:
    config = oci.config.from_file(world.env["IMAGEOPS_OCI_CONFIG_FILE"], "OTHER")
    assert config["pass_phrase"]
    with open(config["key_file"], "rb") as fh:
        assert b"ENCRYPTED" in fh.read()
    instance = world.env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"]
    response = world.client("OTHER").get(f"/20160918/instances/{instance}")
    assert response.status_code == 200, response.text


def test_wrong_key_is_rejected(world: World, tmp_path) -> None:
    client = Signed(world.http, BASE, _wrong_key_signer(world, tmp_path))
    _assert_401(client.get(f"{IMAGES}/{world.env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}"))
    _assert_401(client.post(IMAGES, instance_body(world.env)))


def test_unknown_key_id_is_rejected(world: World, tmp_path) -> None:
    config = oci.config.from_file(world.env["IMAGEOPS_OCI_CONFIG_FILE"], "DEFAULT")
    key = generate_key()
    (tmp_path / "k.pem").write_bytes(private_pem(key))
    signer = oci.signer.Signer(config["tenancy"], config["user"], fingerprint(key), str(tmp_path / "k.pem"))
    _assert_401(Signed(world.http, BASE, signer).get(IMAGES, params={"compartmentId": "x"}))
    # a real key of the OTHER user, claimed for the DEFAULT tenancy
    other = oci.config.from_file(world.env["IMAGEOPS_OCI_CONFIG_FILE"], "OTHER")
    signer = oci.signer.Signer(config["tenancy"], other["user"], other["fingerprint"], other["key_file"],
                               pass_phrase=other["pass_phrase"])
    instance = world.env["IMAGEOPS_OCI_INSTANCE_ID"]
    _assert_401(Signed(world.http, BASE, signer).get(f"/20160918/instances/{instance}"))


@pytest.mark.parametrize("offset", [-301.0, 400.0, -3600.0])
def test_stale_or_future_date_is_rejected(world: World, offset: float) -> None:
    client = world.client()
    req = client.prepare("GET", f"{IMAGES}/{world.env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}",
                         headers={"date": utc_now_http_date(offset)})
    _assert_401(client.send(req))


def test_date_within_five_minutes_is_accepted(world: World) -> None:
    client = world.client()
    req = client.prepare("GET", f"{IMAGES}/{world.env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}",
                         headers={"date": utc_now_http_date(-200)})
    assert client.send(req).status_code == 200


def test_tampered_body_is_rejected(world: World) -> None:
    client = world.client()
    req = client.prepare("POST", IMAGES, json=instance_body(world.env, displayName="a"))
    tampered = json.dumps(instance_body(world.env, displayName="b")).encode()
    _assert_401(client.send(req, body=tampered))
    assert not [i for i in world.oci["images"].values() if i["_tenancy"]], "no image may be created"


def test_tampered_path_and_missing_signature_are_rejected(world: World) -> None:
    client = world.client()
    req = client.prepare("GET", f"{IMAGES}/{world.env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}")
    _assert_401(client.send(req, url=req.url + "x"))
    _assert_401(world.http.get(f"{IMAGES}/{world.env['IMAGEOPS_OCI_PLATFORM_IMAGE_ID']}"))
    headers = dict(req.headers)
    headers["authorization"] = headers["authorization"].replace('signature="', 'signature="AAAA')
    _assert_401(world.http.get(req.url, headers=headers))


def test_body_headers_must_be_signed_for_post(world: World) -> None:
    client = world.client()
    body = json.dumps(instance_body(world.env)).encode()
    from oci._vendor import requests as oci_requests

    req = oci_requests.Request("POST", BASE + IMAGES, data=body,
                               headers={"content-type": "application/json"}).prepare()
    client.signer(req, enforce_content_headers=False)
    assert "x-content-sha256" not in req.headers["authorization"]
    _assert_401(client.send(req))


def test_failed_auth_is_logged_without_account(world: World, tmp_path) -> None:
    Signed(world.http, BASE, _wrong_key_signer(world, tmp_path)).get(IMAGES, params={"compartmentId": "x"})
    world.client().get(IMAGES, params={"compartmentId": world.env["IMAGEOPS_OCI_COMPARTMENT_ID"]})
    calls = world.calls()
    assert [(c["action"], c["status"], c["account"]) for c in calls] == [
        ("ListImages", 401, None), ("ListImages", 200, world.env["IMAGEOPS_OCI_TENANCY_ID"])]


def test_tenancies_are_isolated(world: World) -> None:
    env, mine, other = world.env, world.client(), world.client("OTHER")
    created = mine.post(IMAGES, instance_body(env)).json()
    assert created["compartmentId"] == env["IMAGEOPS_OCI_COMPARTMENT_ID"]
    for response in (
        other.get(f"{IMAGES}/{created['id']}"),
        other.put(f"{IMAGES}/{created['id']}", {"displayName": "stolen"}),
        other.delete(f"{IMAGES}/{created['id']}"),
        other.get(IMAGES, params={"compartmentId": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}),
        other.get(f"/20160918/instances/{env['IMAGEOPS_OCI_INSTANCE_ID']}"),
        other.post(IMAGES, instance_body(env)),  # my compartment
        other.post(IMAGES, instance_body(env, compartmentId=env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"])),
        other.post(IMAGES, tuple_body(env, compartmentId=env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"])),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "NotAuthorizedOrNotFound"
    uri_import = other.post(IMAGES, {
        "compartmentId": env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
        "imageSourceDetails": {"sourceType": "objectStorageUri",
                               "sourceUri": env["IMAGEOPS_OCI_OBJECT_URI"]}})
    assert uri_import.status_code == 400
    obj = f"/n/{env['IMAGEOPS_OCI_NAMESPACE']}/b/{env['IMAGEOPS_OCI_BUCKET']}/o/{env['IMAGEOPS_OCI_OBJECT']}"
    assert other.get(obj).status_code == 404
    assert mine.get(f"{IMAGES}/{created['id']}").json()["displayName"] == created["displayName"]
    listed = other.get(IMAGES, params={"compartmentId": env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"]}).json()
    assert created["id"] not in {i["id"] for i in listed}
