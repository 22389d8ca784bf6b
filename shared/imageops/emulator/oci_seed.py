"""The seeded OCI demo world: two tenancies (profiles DEFAULT and OTHER), their users and API keys,
compartments, a platform image, instances, buckets and an importable QCOW2 object.

Private keys only ever go to files in the data directory (mode 0600) referenced by the generated
OCI CLI config file; the state file keeps public keys (and the demo passphrase) only.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path
from typing import Any

from imageops.emulator.core import Emulator, atomic_write, iso_ms, random_token
from imageops.emulator.oci_auth import (
    fingerprint,
    generate_key,
    load_private_key_file,
    private_pem,
    public_pem,
)

REGION_KEYS = {  # every commercial OCI region the emulator serves (name -> three-letter key)
    "us-ashburn-1": "iad",
    "us-phoenix-1": "phx",
    "us-sanjose-1": "sjc",
    "us-chicago-1": "ord",
    "ca-toronto-1": "yyz",
    "ca-montreal-1": "yul",
    "sa-saopaulo-1": "gru",
    "sa-santiago-1": "scl",
    "sa-vinhedo-1": "vcp",
    "mx-queretaro-1": "qro",
    "eu-frankfurt-1": "fra",
    "eu-amsterdam-1": "ams",
    "eu-zurich-1": "zrh",
    "eu-milan-1": "lin",
    "eu-marseille-1": "mrs",
    "eu-stockholm-1": "arn",
    "eu-paris-1": "cdg",
    "eu-madrid-1": "mad",
    "uk-london-1": "lhr",
    "uk-cardiff-1": "cwl",
    "me-jeddah-1": "jed",
    "me-dubai-1": "dxb",
    "il-jerusalem-1": "mtz",
    "af-johannesburg-1": "jnb",
    "ap-tokyo-1": "nrt",
    "ap-osaka-1": "kix",
    "ap-seoul-1": "icn",
    "ap-chuncheon-1": "yny",
    "ap-mumbai-1": "bom",
    "ap-hyderabad-1": "hyd",
    "ap-singapore-1": "sin",
    "ap-sydney-1": "syd",
    "ap-melbourne-1": "mel",
}
PLATFORM_IMAGE_NAME = "Oracle-Linux-8.9-2024.01.26-0"
PROFILES = ("DEFAULT", "OTHER")
PV_LAUNCH_OPTIONS = {
    "bootVolumeType": "PARAVIRTUALIZED",
    "firmware": "UEFI_64",
    "networkType": "PARAVIRTUALIZED",
    "remoteDataVolumeType": "PARAVIRTUALIZED",
    "isPvEncryptionInTransitEnabled": False,
    "isConsistentVolumeNamingEnabled": True,
}


def region_key(region: str) -> str:
    return REGION_KEYS.get(region, region)


def ocid(kind: str, region: str | None = None) -> str:
    """``ocid1.<kind>.oc1.<region key or empty>.aaaaaaaa<random>``, like the real identifiers."""
    return f"ocid1.{kind}.oc1.{region_key(region) if region else ''}.aaaaaaaa{random_token(52)}"


CORRUPT_OBJECT = "corrupt.qcow2"


def qcow2_bytes(virtual_size: int) -> bytes:
    """A small but well-formed looking QCOW2 header (magic, version 3, virtual size) plus padding."""
    header = b"QFI\xfb" + (3).to_bytes(4, "big") + bytes(16) + virtual_size.to_bytes(8, "big")
    return header + bytes(4096 - len(header))


def _instance(
    region: str, tenancy: str, compartment: str, image: str, name: str, state: str, created: float
) -> dict[str, Any]:
    key = region_key(region)
    return {
        "id": f"ocid1.instance.oc1.{key}.an{random_token(58)}",
        "_tenancy": tenancy,
        "availabilityDomain": f"Uocm:{region.upper().rsplit('-', 1)[0]}-AD-1",
        "compartmentId": compartment,
        "displayName": name,
        "faultDomain": "FAULT-DOMAIN-1",
        "imageId": image,
        "launchMode": "PARAVIRTUALIZED",
        "launchOptions": dict(PV_LAUNCH_OPTIONS),
        "lifecycleState": state,
        "region": key,
        "shape": "VM.Standard.E4.Flex",
        "shapeConfig": {"ocpus": 1.0, "memoryInGBs": 16.0, "vcpus": 2},
        "sourceDetails": {"sourceType": "image", "imageId": image, "bootVolumeSizeInGBs": 47},
        "metadata": {},
        "extendedMetadata": {},
        "freeformTags": {},
        "definedTags": {},
        "systemTags": {},
        "timeCreated": iso_ms(created),
        "_bootVolumeSizeInMBs": 47694,
        "_dataVolumes": [{"displayName": "data-1", "index": 1, "sizeInMBs": 51200}],
    }


def _tenancy_world(emu: Emulator, oci: dict[str, Any], profile: str, label: str, platform: str) -> None:
    now = emu.now()
    tenancy, user = ocid("tenancy"), ocid("user")
    compartment = ocid("compartment")
    namespace = f"imageops{label}{random_token(6)}"
    oci["tenancies"][tenancy] = {"name": f"imageops-{label}", "namespace": namespace}
    oci["users"][user] = {"tenancy": tenancy, "name": f"{label}-user", "keys": {}}
    oci["compartments"][tenancy] = {"tenancy": tenancy, "name": f"imageops-{label}"}
    oci["compartments"][compartment] = {"tenancy": tenancy, "name": f"{label}-images"}
    instances = {}
    for state in ("RUNNING", "STOPPED", "TERMINATED"):
        inst = _instance(emu.region, tenancy, compartment, platform, f"{label}-{state.lower()}", state, now)
        oci["instances"][inst["id"]] = inst
        instances[state] = inst["id"]
    bucket, obj = f"{label}-images", f"{label}-ol9.qcow2"
    content = qcow2_bytes(47694 * 1024 * 1024)
    oci["buckets"][f"{namespace}/{bucket}"] = {
        "tenancy": tenancy,
        "namespace": namespace,
        "name": bucket,
        "compartmentId": compartment,
        "objects": {
            obj: {
                "content_b64": base64.b64encode(content).decode(),
                "contentType": "application/octet-stream",
                "md5": base64.b64encode(hashlib.md5(content).digest()).decode(),
                "etag": secrets.token_hex(16),
                "timeCreated": now,
                "metadata": {
                    "operating-system": "Oracle Linux",
                    "operating-system-version": "9",
                    "virtual-size-mb": "47694",
                },
            },
            # not an image: an import of it runs, then fails (its work request ends FAILED)
            CORRUPT_OBJECT: {
                "content_b64": base64.b64encode(b"this is no disk image\n").decode(),
                "contentType": "application/octet-stream",
                "md5": base64.b64encode(hashlib.md5(b"this is no disk image\n").digest()).decode(),
                "etag": secrets.token_hex(16),
                "timeCreated": now,
                "metadata": {},
            },
        },
    }
    oci["demo"][profile] = {
        "tenancy": tenancy,
        "user": user,
        "compartment": compartment,
        "namespace": namespace,
        "bucket": bucket,
        "object": obj,
        "corrupt_object": CORRUPT_OBJECT,
        "instance": instances["RUNNING"],
        "stopped_instance": instances["STOPPED"],
        "terminated_instance": instances["TERMINATED"],
        "pass_phrase": secrets.token_urlsafe(18) if profile == "OTHER" else None,
    }


def seed_world(emu: Emulator, oci: dict[str, Any]) -> None:
    """Create the demo world in an empty ``oci`` state section."""
    oci.update(
        {
            "region": emu.region,
            "tenancies": {},
            "users": {},
            "compartments": {},
            "images": {},
            "instances": {},
            "buckets": {},
            "retry_tokens": {},
            "demo": {},
        }
    )
    platform = ocid("image", emu.region)
    oci["images"][platform] = {
        "id": platform,
        "_tenancy": None,
        "_created": emu.now() - 86400 * 30,
        "_ready_at": 0.0,
        "_pending_state": "AVAILABLE",
        "_deleted_at": None,
        "_size_mb": 47694,
        "_billable_gb": None,
        "agentFeatures": {"isMonitoringSupported": True, "isManagementSupported": True},
        "baseImageId": None,
        "compartmentId": None,
        "createImageAllowed": True,
        "definedTags": {},
        "freeformTags": {},
        "displayName": PLATFORM_IMAGE_NAME,
        "launchMode": "PARAVIRTUALIZED",
        "launchOptions": dict(PV_LAUNCH_OPTIONS),
        "listingType": "NONE",
        "operatingSystem": "Oracle Linux",
        "operatingSystemVersion": "8",
    }
    _tenancy_world(emu, oci, "DEFAULT", "demo", platform)
    _tenancy_world(emu, oci, "OTHER", "other", platform)


def ensure_credentials(emu: Emulator, oci: dict[str, Any]) -> Path:
    """Make sure each demo user has a key file in the data dir that matches a registered key;
    write the OCI CLI config file and return its path."""
    folder = emu.data_dir / "oci"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    sections = []
    for profile in PROFILES:
        demo = oci["demo"][profile]
        user = oci["users"][demo["user"]]
        key_file = folder / f"{profile.lower()}_api_key.pem"
        passphrase = demo.get("pass_phrase")
        fp = None
        if key_file.exists():
            try:
                fp = fingerprint(load_private_key_file(str(key_file), passphrase))
            except (ValueError, TypeError):
                fp = None
        if fp is None or fp not in user["keys"]:
            key = generate_key()
            atomic_write(key_file, private_pem(key, passphrase), mode=0o600)
            fp = fingerprint(key)
            user["keys"] = {fp: public_pem(key)}
        lines = [
            f"[{profile}]",
            f"user={demo['user']}",
            f"fingerprint={fp}",
            f"key_file={key_file}",
            f"tenancy={demo['tenancy']}",
            f"region={emu.region}",
        ]
        if passphrase:
            lines.append(f"pass_phrase={passphrase}")
        sections.append("\n".join(lines))
    config = folder / "config"
    atomic_write(config, "\n\n".join(sections) + "\n", mode=0o600)
    return config
