"""The seeded Alibaba Cloud demo world: two accounts (MAIN and OTHER), each with an AccessKey pair
and an STS pair, a resource group, and in the home region a running instance, a system and a data
disk snapshot and an OSS bucket with an importable QCOW2 object (and a corrupt one). Three regions.

RAM roles (:mod:`imageops.emulator.alicloud_sts`): each account's ``ImageOpsBuilder`` (``ecs:*``,
trusted by its own account), ``ImageOpsCrossAccount`` (``ecs:*``, trusted by the other account only)
and ``ImageOpsEcsRole`` (``ecs:*``, trusted by the ECS service, attached to the account's demo
instance, whose metadata service the emulator serves); MAIN's ``ImageOpsReader`` (``ecs:Describe*``).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from imageops.emulator.alicloud_sts import ECS_SERVICE, new_role
from imageops.emulator.core import Emulator

REGIONS = (
    "cn-hangzhou", "cn-shanghai", "cn-beijing",
    # The rest of ECS's public regions, so that a fan-out to many regions can be emulated.
    "cn-qingdao", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-shenzhen", "cn-heyuan",
    "cn-guangzhou", "cn-chengdu", "cn-nanjing", "cn-fuzhou", "cn-hongkong", "ap-northeast-1",
    "ap-northeast-2", "ap-southeast-1", "ap-southeast-3", "ap-southeast-5", "ap-southeast-6",
    "ap-southeast-7", "us-west-1", "us-east-1", "eu-central-1", "eu-west-1", "me-east-1", "me-central-1",
)  # fmt: skip
HOME_REGION = REGIONS[0]
OTHER_REGION = REGIONS[1]
ACCOUNTS = ("MAIN", "OTHER")
SYSTEM_IMAGE_ID = "ubuntu_22_04_x64_20G_alibase_20240101.vhd"
SYSTEM_IMAGES = (
    # (ImageId, Platform, OSName, Architecture): public images ECS offers in every region
    (SYSTEM_IMAGE_ID, "Ubuntu", "Ubuntu  22.04 64位", "x86_64"),
    ("aliyun_3_x64_20G_alibase_20240819.vhd", "Aliyun", "Alibaba Cloud Linux  3.2104 LTS 64位", "x86_64"),
    (
        "aliyun_3_arm64_20G_alibase_20240819.vhd",
        "Aliyun",
        "Alibaba Cloud Linux  3.2104 LTS 64位 ARM版",
        "arm64",
    ),
    ("debian_12_x64_20G_alibase_20240717.vhd", "Debian", "Debian  12.6 64位", "x86_64"),
)
BROKEN_OBJECT = "images/corrupt.qcow2"
_ALPHABET = string.ascii_letters + string.digits
_ID_CHARS = string.ascii_lowercase + string.digits


def _random(n: int, alphabet: str = _ALPHABET) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def resource_id(prefix: str, region: str) -> str:
    """``m-bp1...``: ECS ids carry a region-ish code after the prefix."""
    code = {"cn-hangzhou": "bp1", "cn-shanghai": "uf6", "cn-beijing": "2ze"}.get(region, "gw8")
    return f"{prefix}-{code}{_random(17, _ID_CHARS)}"


def _account(state: dict[str, Any], emu: Emulator, label: str) -> dict[str, Any]:
    uid = str(10**15 + secrets.randbelow(9 * 10**15))
    key_id = "LTAI5t" + _random(18)
    sts_id = "STS.NU" + _random(20)
    now = emu.now()
    region = HOME_REGION
    instance = resource_id("i", region)
    system_snap, data_snap = resource_id("s", region), resource_id("s", region)
    rg, default_rg = "rg-" + _random(15, _ID_CHARS), "rg-" + _random(15, _ID_CHARS)
    bucket = f"imageops-demo-{label.lower()}-{_random(6, _ID_CHARS)}"
    state["keys"][key_id] = {"secret": _random(30), "account": uid, "token": None}
    state["keys"][sts_id] = {"secret": _random(30), "account": uid, "token": "CAIS" + _random(120)}
    state["instances"][instance] = {
        "InstanceId": instance,
        "InstanceName": f"demo-{label.lower()}",
        "Status": "Running",
        "RegionId": region,
        "ZoneId": f"{region}-h",
        "ImageId": SYSTEM_IMAGE_ID,
        "OSType": "linux",
        "OSName": "Ubuntu 22.04 64位",
        "InstanceType": "ecs.g7.large",
        "Cpu": 2,
        "Memory": 8192,
        "CreationTime": "2024-01-01T00:00Z",
        "_account": uid,
        "_disk_size": 40,
        "_platform": "Ubuntu",
    }
    for snap, kind, size in ((system_snap, "system", 40), (data_snap, "data", 100)):
        state["snapshots"][snap] = {
            "SnapshotId": snap,
            "SnapshotName": f"demo-{kind}",
            "Status": "accomplished",
            "Progress": "100%",
            "SourceDiskType": kind.capitalize(),
            "SourceDiskSize": str(size),
            "SourceDiskId": resource_id("d", region),
            "Usage": "none",
            "RegionId": region,
            "CreationTime": "2024-01-01T00:00:00Z",
            "_account": uid,
            "_created": now,
        }
    state["resource_groups"][rg] = {"account": uid, "name": "imageops-demo"}
    state["resource_groups"][default_rg] = {"account": uid, "name": "default"}
    state["buckets"][bucket] = {
        "account": uid,
        "region": region,
        "objects": {
            "images/demo.qcow2": {"format": "QCOW2", "size_gib": 20},
            BROKEN_OBJECT: {"format": "RAW", "corrupt": True},
        },
    }
    return {
        "account": uid,
        "access_key_id": key_id,
        "sts_access_key_id": sts_id,
        "instance": instance,
        "system_snapshot": system_snap,
        "data_snapshot": data_snap,
        "resource_group": rg,
        "default_resource_group": default_rg,
        "bucket": bucket,
        "object": "images/demo.qcow2",
    }


def seed_world(emu: Emulator, state: dict[str, Any]) -> None:
    for section in (
        "keys",
        "instances",
        "snapshots",
        "resource_groups",
        "buckets",
        "images",
        "tasks",
        "tokens",
    ):
        state.setdefault(section, {})
    state["demo"] = {label: _account(state, emu, label) for label in ACCOUNTS}
    seed_roles(state)
    seed_system_images(state)


def seed_system_images(state: dict[str, Any]) -> None:
    """ECS's public (``system``) images, in every region (also added to an older state file).
    They belong to no account: every account lists them with ``ImageOwnerAlias`` ``system`` or empty."""
    for region in REGIONS:
        for image_id, platform, os_name, architecture in SYSTEM_IMAGES:
            key = f"{region}/{image_id}"  # one id in every region, as ECS names them
            state["images"].setdefault(
                key,
                {
                    "ImageId": image_id,
                    "ImageName": image_id.removesuffix(".vhd"),
                    "Description": "",
                    "RegionId": region,
                    "Platform": platform,
                    "OSType": "linux",
                    "OSName": os_name,
                    "Architecture": architecture,
                    "_account": None,
                    "_kind": "create",
                    "_created": 1704067200.0,  # 2024-01-01
                    "_disks": [{"Device": "/dev/xvda", "Type": "system", "Size": 20}],
                },
            )


ROLE_ENV = {
    # env line suffix -> (account of the role, role name)
    "ROLE_ARN": ("MAIN", "ImageOpsBuilder"),
    "READONLY_ROLE_ARN": ("MAIN", "ImageOpsReader"),
    "CROSS_ACCOUNT_ROLE_ARN": ("MAIN", "ImageOpsCrossAccount"),
    "OTHER_ROLE_ARN": ("OTHER", "ImageOpsBuilder"),
    "OTHER_CROSS_ACCOUNT_ROLE_ARN": ("OTHER", "ImageOpsCrossAccount"),
}
ECS_ROLE = "ImageOpsEcsRole"


def seed_roles(state: dict[str, Any]) -> None:
    """The demo RAM roles (also added to a state file written before roles existed)."""
    if state.get("roles"):
        return
    main, other = state["demo"]["MAIN"]["account"], state["demo"]["OTHER"]["account"]
    roles = [
        new_role(main, "ImageOpsBuilder", trusted=[main], actions=["ecs:*"]),
        new_role(main, "ImageOpsReader", trusted=[main], actions=["ecs:Describe*"]),
        new_role(main, "ImageOpsCrossAccount", trusted=[other], actions=["ecs:*"]),
        new_role(main, ECS_ROLE, trusted=[ECS_SERVICE], actions=["ecs:*"]),
        new_role(other, "ImageOpsBuilder", trusted=[other], actions=["ecs:*"]),
        new_role(other, "ImageOpsCrossAccount", trusted=[main], actions=["ecs:*"]),
        new_role(other, ECS_ROLE, trusted=[ECS_SERVICE], actions=["ecs:*"]),
    ]
    state["roles"] = {role["Arn"]: role for role in roles}
    for label in ACCOUNTS:
        state["demo"][label]["ecs_role"] = ECS_ROLE


def env_lines(state: dict[str, Any], endpoint: str) -> dict[str, str]:
    """The KEY=VALUE lines of ``--env-file``. Sign-in values (role ARNs, the instance's role name)
    have IMAGEOPS_ALICLOUD_* names no setting reads, so sourcing the file changes no one's mode; the
    STS endpoint and the metadata URL are settings' variables (pointing elsewhere changes no mode)."""
    other_instance = state["demo"]["OTHER"]["instance"]
    env = {
        "IMAGEOPS_ALICLOUD_ENDPOINT": endpoint,
        "IMAGEOPS_ALICLOUD_STS_ENDPOINT": f"{endpoint}/sts",
        "IMAGEOPS_ALICLOUD_METADATA_URL": endpoint,
        "IMAGEOPS_ALICLOUD_OTHER_METADATA_URL": f"{endpoint}/ecs-instance/{other_instance}",
        "IMAGEOPS_ALICLOUD_REGION": HOME_REGION,
        "IMAGEOPS_ALICLOUD_OTHER_REGION": OTHER_REGION,
        "IMAGEOPS_ALICLOUD_THIRD_REGION": REGIONS[2],
        "IMAGEOPS_ALICLOUD_REGIONS": ",".join(REGIONS),
    }
    for label, prefix in (("MAIN", "IMAGEOPS_ALICLOUD_"), ("OTHER", "IMAGEOPS_ALICLOUD_OTHER_")):
        demo = state["demo"][label]
        key, sts = state["keys"][demo["access_key_id"]], state["keys"][demo["sts_access_key_id"]]
        env.update(
            {
                f"{prefix}ACCOUNT_ID": demo["account"],
                f"{prefix}ACCESS_KEY_ID": demo["access_key_id"],
                f"{prefix}ACCESS_KEY_SECRET": key["secret"],
                f"{prefix}STS_ACCESS_KEY_ID": demo["sts_access_key_id"],
                f"{prefix}STS_ACCESS_KEY_SECRET": sts["secret"],
                f"{prefix}SECURITY_TOKEN": sts["token"],
                f"{prefix}INSTANCE_ID": demo["instance"],
                f"{prefix}SNAPSHOT_ID": demo["system_snapshot"],
                f"{prefix}DATA_SNAPSHOT_ID": demo["data_snapshot"],
                f"{prefix}OSS_BUCKET": demo["bucket"],
                f"{prefix}OSS_OBJECT": demo["object"],
                f"{prefix}BROKEN_OSS_OBJECT": BROKEN_OBJECT,
                f"{prefix}RESOURCE_GROUP_ID": demo["resource_group"],
                f"{prefix}ECS_ROLE_NAME": demo.get("ecs_role", ""),
            }
        )
    for suffix, (label, name) in ROLE_ENV.items():
        account = state["demo"][label]["account"]
        env[f"IMAGEOPS_ALICLOUD_{suffix}"] = f"acs:ram::{account}:role/{name.lower()}"
    return env
