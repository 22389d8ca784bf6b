"""The seeded OUTSCALE demo world: two accounts (DEFAULT and OTHER) with access keys, a public OMI
owned by OUTSCALE itself, a running VM and a completed snapshot per account, and manifest files in
an emulated bucket that ``FileLocation`` accepts through pre-signed URLs served by the emulator.

The state file holds the secret keys (the emulator needs them to check signatures); it is written
with mode 0600 like every emulator file.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from typing import Any

from imageops.emulator.core import Emulator, iso_ms
from imageops.emulator.outscale_images import new_id

REGION = "eu-west-2"
"""OUTSCALE's default Region, where the demo VMs, snapshots and manifests are."""
REGIONS = (REGION, "us-east-2", "us-west-1", "ap-northeast-1", "cloudgouv-eu-west-1")
"""OUTSCALE's Regions. Each has its own endpoint in OUTSCALE; the emulator serves them all on one port
and tells them apart by the Region of each request's credential scope, as each endpoint checks it."""
OUTSCALE_ACCOUNT = "000000000001"
PUBLIC_IMAGE_NAME = "Ubuntu-22.04-2024.01.01-0"
PROFILES = ("DEFAULT", "OTHER")
MANIFEST_EXPIRES = 4102444800  # 2100-01-01: the demo URLs stay valid


def _key(n: int, alphabet: str) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def presign(secret: str, path: str, expires: int) -> str:
    """The ``Signature`` of an OOS pre-signed GET (v2 style: HMAC over verb, expiry and path)."""
    return hmac.new(secret.encode(), f"GET\n\n\n{expires}\n{path}".encode(), hashlib.sha256).hexdigest()


def _vm(account: str, image: str, now: float) -> dict[str, Any]:
    return {
        "VmId": new_id("i"),
        "_account": account,
        "State": "running",
        "ImageId": image,
        "VmType": "tinav5.c1r1p2",
        "Architecture": "x86_64",
        "BootMode": "legacy",
        "CreationDate": iso_ms(now),
        "Hypervisor": "xen",
        "RootDeviceName": "/dev/sda1",
        "RootDeviceType": "ebs",
        "Tags": [],
        "BlockDeviceMappings": [
            {
                "DeviceName": "/dev/sda1",
                "Bsu": {
                    "VolumeId": new_id("vol"),
                    "State": "attached",
                    "LinkDate": iso_ms(now),
                    "DeleteOnVmDeletion": True,
                },
            }
        ],
        "Placement": {"SubregionName": f"{REGION}a", "Tenancy": "default"},
        "PrivateIp": "10.0.0.10",
        "ProductCodes": ["0001"],
        "TpmEnabled": False,
        "DeletionProtection": False,
        "_volume_size": 10,
    }


def _snapshot(account: str, alias: str, now: float) -> dict[str, Any]:
    return {
        "SnapshotId": new_id("snap"),
        "AccountId": account,
        "AccountAlias": alias,
        "CreationDate": iso_ms(now),
        "Description": "imageops demo root volume",
        "Progress": 100,
        "State": "completed",
        "Tags": [],
        "VolumeId": new_id("vol"),
        "VolumeSize": 10,
        "PermissionsToCreateVolume": {"GlobalPermission": False, "AccountIds": []},
    }


def seed_world(emu: Emulator, state: dict[str, Any]) -> None:
    now = emu.now()
    state.update(
        {"accounts": {}, "keys": {}, "images": {}, "vms": {}, "snapshots": {}, "manifests": {}, "demo": {}}
    )
    public = new_id("ami")
    state["images"][public] = {
        "ImageId": public,
        "AccountId": OUTSCALE_ACCOUNT,
        "AccountAlias": "Outscale",
        "Architecture": "x86_64",
        "BlockDeviceMappings": [
            {
                "DeviceName": "/dev/sda1",
                "Bsu": {
                    "DeleteOnVmDeletion": True,
                    "SnapshotId": new_id("snap"),
                    "VolumeSize": 10,
                    "VolumeType": "standard",
                },
            }
        ],
        "BootModes": ["legacy"],
        "CreationDate": iso_ms(now),
        "Description": "Ubuntu 22.04 by OUTSCALE",
        "FileLocation": f"{OUTSCALE_ACCOUNT}/{PUBLIC_IMAGE_NAME}",
        "ImageName": PUBLIC_IMAGE_NAME,
        "ImageType": "machine",
        "PermissionsToLaunch": {"GlobalPermission": True, "AccountIds": []},
        "ProductCodes": ["0001"],
        "RootDeviceName": "/dev/sda1",
        "RootDeviceType": "bsu",
        "SecureBoot": False,
        "Tags": [],
        "TpmMandatory": False,
        "_ready_at": now,
        "_fail": None,
    }
    state["public_image"] = public
    for profile in PROFILES:
        account = _key(12, string.digits)
        alias = f"imageops-{profile.lower()}"
        access = _key(20, string.ascii_uppercase + string.digits)
        secret = _key(40, string.ascii_uppercase + string.digits)
        state["accounts"][account] = {"alias": alias, "email": f"{profile.lower()}@imageops.test"}
        state["keys"][access] = {"account": account, "secret": secret}
        vm = _vm(account, public, now)
        snap = _snapshot(account, alias, now)
        state["vms"][vm["VmId"]] = vm
        state["snapshots"][snap["SnapshotId"]] = snap
        bucket = f"imageops-{account}"
        manifests = {}
        for label, broken in (("good", False), ("broken", True)):
            path = f"/oos/{bucket}/omi-{label}.manifest.xml"
            state["manifests"][path] = {
                "account": account,
                "broken": broken,
                "expires": MANIFEST_EXPIRES,
                "signature": presign(secret, path, MANIFEST_EXPIRES),
                "access": access,
            }
            manifests[label] = path
        state["demo"][profile] = {
            "account": account,
            "access_key": access,
            "vm": vm["VmId"],
            "snapshot": snap["SnapshotId"],
            "manifest": manifests["good"],
            "broken_manifest": manifests["broken"],
        }


def manifest_url(endpoint: str, state: dict[str, Any], path: str) -> str:
    record = state["manifests"][path]
    return (
        f"{endpoint}{path}?AWSAccessKeyId={record['access']}&Expires={record['expires']}"
        f"&Signature={record['signature']}"
    )


def manifest_xml(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest>\n  <version>2007-10-10</version>\n'
        f"  <image><name>{name}</name><architecture>x86_64</architecture><size>10737418240</size></image>\n"
        "</manifest>\n"
    )
