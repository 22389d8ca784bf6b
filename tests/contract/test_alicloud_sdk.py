"""The official Alibaba Cloud SDKs, unchanged apart from the endpoint, against the emulator.

``alibabacloud_ecs20140526`` (tea OpenAPI, ACS3-HMAC-SHA256) and ``aliyun-python-sdk-ecs`` over
``aliyun-python-sdk-core`` (RPC signature v1) make every call imageops uses; wrong credentials get
ECS's real error codes.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526 import (
    CopyImageRequest,
    CreateImageRequest,
    DeleteImageRequest,
    DeleteSnapshotRequest,
    DescribeImagesRequest,
    DescribeInstancesRequest,
    DescribeSnapshotsRequest,
    DescribeTasksRequest,
    ImportImageRequest,
    JoinResourceGroupRequest,
    ModifyImageAttributeRequest,
    TagResourcesRequest,
    UntagResourcesRequest,
)

from imageops.emulator.testing import EmulatorHandle

ALL = "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def host(emu: EmulatorHandle) -> str:
    return emu.env["IMAGEOPS_ALICLOUD_ENDPOINT"].removeprefix("http://")


def tea(
    emu: EmulatorHandle, prefix: str = "IMAGEOPS_ALICLOUD_", secret: str | None = None, **extra: Any
) -> TeaClient:
    e = emu.env
    return TeaClient(
        Config(
            access_key_id=e[f"{prefix}ACCESS_KEY_ID"],
            access_key_secret=secret or e[f"{prefix}ACCESS_KEY_SECRET"],
            endpoint=host(emu),
            protocol="http",
            region_id=e["IMAGEOPS_ALICLOUD_REGION"],
            **extra,
        )
    )


class Rpc:
    """aliyun-python-sdk-core's AcsClient, pointed at the emulator."""

    def __init__(self, emu: EmulatorHandle, key_id: str, secret: str) -> None:
        self.client = AcsClient(key_id, secret, emu.env["IMAGEOPS_ALICLOUD_REGION"], auto_retry=False)
        self.host = host(emu)

    def __call__(self, request: Any, **params: Any) -> dict[str, Any]:
        request.set_endpoint(self.host)
        request.set_protocol_type("http")
        for key, value in params.items():
            setter = getattr(request, f"set_{key}", None)
            if setter is None:  # RegionId: the SDK's requests have no setter for it
                request.add_query_param(key, value)
            else:
                setter(value)
        return json.loads(self.client.do_action_with_exception(request))


@pytest.fixture(scope="module")
def env(emu: EmulatorHandle) -> dict[str, str]:
    return emu.env


@pytest.fixture(scope="module")
def client(emu: EmulatorHandle) -> TeaClient:
    return tea(emu)


@pytest.fixture(scope="module")
def rpc(emu: EmulatorHandle) -> Rpc:
    return Rpc(
        emu, emu.env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"], emu.env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"]
    )


def wait_available(get: Callable[[], dict[str, Any]], timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        image = get()
        if image["Status"] in ("Available", "CreateFailed") or time.monotonic() > deadline:
            return image
        time.sleep(0.05)


def tea_image(client: TeaClient, region: str, image_id: str) -> dict[str, Any]:
    body = client.describe_images(
        m.DescribeImagesRequest(region_id=region, image_id=image_id, status=ALL)
    ).body
    return body.to_map()["Images"]["Image"][0]


def rpc_image(rpc: Rpc, region: str, image_id: str) -> dict[str, Any]:
    req = DescribeImagesRequest.DescribeImagesRequest()
    return rpc(req, RegionId=region, ImageId=image_id, Status=ALL)["Images"]["Image"][0]


# ------------------------------------------------------------------------------------------- tea
def test_tea_sdk_full_lifecycle(client: TeaClient, env: dict[str, str]) -> None:
    region, other = env["IMAGEOPS_ALICLOUD_REGION"], env["IMAGEOPS_ALICLOUD_OTHER_REGION"]
    created = client.create_image(
        m.CreateImageRequest(
            region_id=region,
            instance_id=env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            image_name=name("tea-inst"),
            description="from the tea SDK",
            architecture="x86_64",
            image_family="fam-a",
            image_version="1",
            boot_mode="UEFI",
            detection_strategy="Standard",
            resource_group_id=env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"],
            tag=[m.CreateImageRequestTag(key="team", value="a")],
            client_token=name("tok"),
        )
    ).body
    image = wait_available(lambda: tea_image(client, region, created.image_id))
    assert image["Status"] == "Available"
    assert (image["BootMode"], image["ImageFamily"], image["ImageVersion"]) == ("UEFI", "fam-a", "1")
    assert image["Tags"]["Tag"] == [{"TagKey": "team", "TagValue": "a"}]
    assert image["ResourceGroupId"] == env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"]

    snap = client.create_image(
        m.CreateImageRequest(
            region_id=region,
            snapshot_id=env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
            image_name=name("tea-snap"),
        )
    ).body
    disks = client.create_image(
        m.CreateImageRequest(
            region_id=region,
            image_name=name("tea-disks"),
            architecture="arm64",
            platform="Ubuntu",
            disk_device_mapping=[
                m.CreateImageRequestDiskDeviceMapping(
                    snapshot_id=env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], disk_type="system"
                ),
                m.CreateImageRequestDiskDeviceMapping(
                    snapshot_id=env["IMAGEOPS_ALICLOUD_DATA_SNAPSHOT_ID"],
                    disk_type="data",
                    device="/dev/xvdb",
                    size=200,
                ),
            ],
        )
    ).body
    mapped = wait_available(lambda: tea_image(client, region, disks.image_id))
    assert [d["Type"] for d in mapped["DiskDeviceMappings"]["DiskDeviceMapping"]] == ["system", "data"]
    assert wait_available(lambda: tea_image(client, region, snap.image_id))["Status"] == "Available"

    imported = client.import_image(
        m.ImportImageRequest(
            region_id=region,
            image_name=name("tea-import"),
            ostype="linux",
            platform="Ubuntu",
            license_type="BYOL",
            features=m.ImportImageRequestFeatures(nvme_support="supported"),
            disk_device_mapping=[
                m.ImportImageRequestDiskDeviceMapping(
                    ossbucket=env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                    ossobject=env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
                    format="QCOW2",
                    disk_image_size=40,
                )
            ],
        )
    ).body
    assert imported.task_id and imported.image_id
    first = tea_image(client, region, imported.image_id)
    assert (
        first["Status"] in ("Waiting", "Creating")
        and first["DiskDeviceMappings"]["DiskDeviceMapping"][0]["ImportOSSBucket"]
    )
    tasks = client.describe_tasks(
        m.DescribeTasksRequest(region_id=region, task_ids=imported.task_id)
    ).body.to_map()
    assert tasks["TaskSet"]["Task"][0]["TaskAction"] == "ImportImage"
    done = wait_available(lambda: tea_image(client, region, imported.image_id))
    assert (done["Status"], done["Features"]["NvmeSupport"], done["LicenseType"]) == (
        "Available",
        "supported",
        "BYOL",
    )

    copy = client.copy_image(
        m.CopyImageRequest(
            region_id=region,
            image_id=created.image_id,
            destination_region_id=other,
            destination_image_name=name("tea-copy"),
            destination_description="copied",
            tag=[m.CopyImageRequestTag(key="copy", value="yes")],
            client_token=name("copy"),
        )
    ).body
    copied = tea_image(client, other, copy.image_id)
    assert copied["Status"] in ("Waiting", "Creating") and copied["IsCopied"] is True
    assert "RemainTime" in copied["DiskDeviceMappings"]["DiskDeviceMapping"][0]
    assert wait_available(lambda: tea_image(client, other, copy.image_id))["Description"] == "copied"

    image_id = created.image_id
    client.modify_image_attribute(
        m.ModifyImageAttributeRequest(
            region_id=region,
            image_id=image_id,
            description="changed",
            image_name=name("tea-renamed"),
            boot_mode="BIOS",
        )
    )
    client.join_resource_group(
        m.JoinResourceGroupRequest(
            region_id=region,
            resource_id=image_id,
            resource_type="image",
            resource_group_id=env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"],
        )
    )
    client.tag_resources(
        m.TagResourcesRequest(
            region_id=region,
            resource_type="image",
            resource_id=[image_id],
            tag=[m.TagResourcesRequestTag(key="k", value="v")],
        )
    )
    client.untag_resources(
        m.UntagResourcesRequest(
            region_id=region, resource_type="image", resource_id=[image_id], tag_key=["team"]
        )
    )
    after = tea_image(client, region, image_id)
    assert (after["Description"], after["BootMode"]) == ("changed", "BIOS")
    assert after["Tags"]["Tag"] == [{"TagKey": "k", "TagValue": "v"}]

    client.delete_image(m.DeleteImageRequest(region_id=region, image_id=image_id, force=True))
    gone = client.describe_images(
        m.DescribeImagesRequest(region_id=region, image_id=image_id, status=ALL)
    ).body
    assert gone.total_count == 0
    with pytest.raises(ClientException) as info:
        client.delete_image(m.DeleteImageRequest(region_id=region, image_id=image_id))
    assert info.value.code == "InvalidImageId.NotFound"


def test_tea_sdk_instances_snapshots_and_paging(client: TeaClient, env: dict[str, str]) -> None:
    region = env["IMAGEOPS_ALICLOUD_REGION"]
    ids = json.dumps([env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]])
    inst = client.describe_instances(
        m.DescribeInstancesRequest(region_id=region, instance_ids=ids)
    ).body.to_map()
    assert inst["Instances"]["Instance"][0]["Status"] == "Running"
    snaps = json.dumps([env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]])
    snap = client.describe_snapshots(
        m.DescribeSnapshotsRequest(region_id=region, snapshot_ids=snaps)
    ).body.to_map()
    assert snap["Snapshots"]["Snapshot"][0]["SnapshotId"] == env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"]
    page = client.describe_images(
        m.DescribeImagesRequest(region_id=region, status=ALL, page_size=1, page_number=2)
    ).body
    assert page.page_number == 2 and len(page.images.image) <= 1
    with pytest.raises(ClientException) as info:
        client.describe_images(m.DescribeImagesRequest(region_id=region, page_size=101))
    assert info.value.code == "InvalidPageSize.Malformed"


def test_tea_sdk_wrong_secret_unknown_key_and_sts(emu: EmulatorHandle, env: dict[str, str]) -> None:
    request = m.DescribeImagesRequest(region_id=env["IMAGEOPS_ALICLOUD_REGION"])
    with pytest.raises(ClientException) as info:
        tea(emu, secret="not-the-secret").describe_images(request)
    assert info.value.code == "SignatureDoesNotMatch"
    unknown = TeaClient(
        Config(
            access_key_id="LTAI5tNoSuchKey000000",
            access_key_secret="x",
            endpoint=host(emu),
            protocol="http",
            region_id="cn-hangzhou",
        )
    )
    with pytest.raises(ClientException) as info:
        unknown.describe_images(request)
    assert info.value.code == "InvalidAccessKeyId.NotFound"
    sts = tea(emu, prefix="IMAGEOPS_ALICLOUD_STS_", security_token=env["IMAGEOPS_ALICLOUD_SECURITY_TOKEN"])
    assert sts.describe_images(request).body.request_id


# ------------------------------------------------------------------------------------------- rpc
def test_rpc_sdk_every_call(rpc: Rpc, env: dict[str, str]) -> None:
    region, other = env["IMAGEOPS_ALICLOUD_REGION"], env["IMAGEOPS_ALICLOUD_OTHER_REGION"]
    token, image_name = name("rpc-tok"), name("rpc-inst")
    first = rpc(
        CreateImageRequest.CreateImageRequest(),
        RegionId=region,
        InstanceId=env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
        ImageName=image_name,
        ClientToken=token,
        Tags=[{"Key": "a", "Value": "1"}],
    )
    again = rpc(
        CreateImageRequest.CreateImageRequest(),
        RegionId=region,
        InstanceId=env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
        ImageName=image_name,
        ClientToken=token,
        Tags=[{"Key": "a", "Value": "1"}],
    )
    assert again["ImageId"] == first["ImageId"]
    with pytest.raises(ServerException) as info:
        rpc(
            CreateImageRequest.CreateImageRequest(),
            RegionId=region,
            SnapshotId=env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
            ImageName=image_name,
            ClientToken=token,
        )
    assert info.value.get_error_code() == "IdempotentParameterMismatch"
    with pytest.raises(ServerException) as info:
        rpc(
            CreateImageRequest.CreateImageRequest(),
            RegionId=region,
            SnapshotId=env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
            ImageName=image_name,
        )
    assert info.value.get_error_code() == "InvalidImageName.Duplicated"
    disks = rpc(
        CreateImageRequest.CreateImageRequest(),
        RegionId=region,
        ImageName=name("rpc-disks"),
        DiskDeviceMappings=[{"SnapshotId": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"], "DiskType": "system"}],
    )
    image = wait_available(lambda: rpc_image(rpc, region, first["ImageId"]))
    assert image["Status"] == "Available" and image["Tags"]["Tag"][0]["TagKey"] == "a"
    assert wait_available(lambda: rpc_image(rpc, region, disks["ImageId"]))["Status"] == "Available"

    broken = rpc(
        ImportImageRequest.ImportImageRequest(),
        RegionId=region,
        ImageName=name("rpc-broken"),
        DiskDeviceMappings=[
            {
                "OSSBucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                "OSSObject": env["IMAGEOPS_ALICLOUD_BROKEN_OSS_OBJECT"],
            }
        ],
    )
    assert wait_available(lambda: rpc_image(rpc, region, broken["ImageId"]))["Status"] == "CreateFailed"
    tasks = rpc(DescribeTasksRequest.DescribeTasksRequest(), RegionId=region, TaskIds=broken["TaskId"])
    assert tasks["TaskSet"]["Task"][0]["TaskStatus"] == "Failed"

    copy = rpc(
        CopyImageRequest.CopyImageRequest(),
        RegionId=region,
        ImageId=first["ImageId"],
        DestinationRegionId=other,
        DestinationImageName=name("rpc-copy"),
        ClientToken=name("c"),
    )
    assert wait_available(lambda: rpc_image(rpc, other, copy["ImageId"]))["Status"] == "Available"

    image_id = first["ImageId"]
    rpc(
        ModifyImageAttributeRequest.ModifyImageAttributeRequest(),
        RegionId=region,
        ImageId=image_id,
        Description="rpc desc",
    )
    rpc(
        JoinResourceGroupRequest.JoinResourceGroupRequest(),
        RegionId=region,
        ResourceId=image_id,
        ResourceType="image",
        ResourceGroupId=env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"],
    )
    rpc(
        TagResourcesRequest.TagResourcesRequest(),
        RegionId=region,
        ResourceType="image",
        ResourceIds=[image_id],
        Tags=[{"Key": "b", "Value": "2"}],
    )
    rpc(
        UntagResourcesRequest.UntagResourcesRequest(),
        RegionId=region,
        ResourceType="image",
        ResourceIds=[image_id],
        TagKeys=["a"],
    )
    after = rpc_image(rpc, region, image_id)
    assert after["Description"] == "rpc desc" and after["Tags"]["Tag"] == [{"TagKey": "b", "TagValue": "2"}]
    snapshot = after["DiskDeviceMappings"]["DiskDeviceMapping"][0]["SnapshotId"]
    rpc(DeleteImageRequest.DeleteImageRequest(), RegionId=region, ImageId=image_id, Force=True)
    rpc(DeleteSnapshotRequest.DeleteSnapshotRequest(), SnapshotId=snapshot, Force=True)
    left = rpc(
        DescribeSnapshotsRequest.DescribeSnapshotsRequest(),
        RegionId=region,
        SnapshotIds=json.dumps([snapshot]),
    )
    assert left["TotalCount"] == 0
    inst = rpc(
        DescribeInstancesRequest.DescribeInstancesRequest(),
        RegionId=region,
        InstanceIds=json.dumps([env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]]),
    )
    assert inst["Instances"]["Instance"][0]["InstanceId"] == env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]


def test_rpc_sdk_wrong_secret_and_account_isolation(emu: EmulatorHandle, env: dict[str, str]) -> None:
    bad = Rpc(emu, env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"], "wrong-secret")
    with pytest.raises(ServerException) as info:
        bad(DescribeImagesRequest.DescribeImagesRequest(), RegionId=env["IMAGEOPS_ALICLOUD_REGION"])
    # ECS answers SignatureDoesNotMatch with its string to sign; the SDK, finding it equal to its own,
    # reports the secret as wrong - exactly what it does against the real service.
    assert info.value.get_error_code() == "InvalidAccessKeySecret"
    assert info.value.get_http_status() == 400
    other = Rpc(
        emu, env["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_ID"], env["IMAGEOPS_ALICLOUD_OTHER_ACCESS_KEY_SECRET"]
    )
    with pytest.raises(ServerException) as info:
        other(
            CreateImageRequest.CreateImageRequest(),
            RegionId=env["IMAGEOPS_ALICLOUD_REGION"],
            InstanceId=env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
            ImageName=name("steal"),
        )
    assert info.value.get_error_code() == "InvalidInstanceId.NotFound"
