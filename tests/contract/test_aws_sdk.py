"""boto3 (botocore's EC2 client, what the AWS CLI and amazon.aws use), unchanged apart from the
endpoint, against the emulator's EC2 for every AMI call imageops makes: botocore parses each answer
with its own service model, so the shapes are checked by the official model, not by hand; and our
signature is botocore's (the emulator checks both with the same verifier)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from imageops.emulator.testing import EmulatorHandle, running_emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorHandle]:
    with running_emulator(time_scale=0.0) as handle:
        yield handle


def client(emu: EmulatorHandle, prefix: str = "", region: str | None = None, **keys: Any) -> Any:
    env = emu.env
    return boto3.client(
        "ec2",
        region_name=region or env["IMAGEOPS_AWS_REGION"],
        endpoint_url=env["IMAGEOPS_AWS_ENDPOINT"],
        aws_access_key_id=keys.get("key", env[f"IMAGEOPS_AWS_{prefix}ACCESS_KEY_ID"]),
        aws_secret_access_key=keys.get("secret", env[f"IMAGEOPS_AWS_{prefix}SECRET_ACCESS_KEY"]),
        aws_session_token=keys.get("token"),
        config=Config(retries={"max_attempts": 1}),
    )


def test_every_ami_call_through_boto3(emu: EmulatorHandle) -> None:
    env = emu.env
    ec2 = client(emu)
    tags = [{"Key": "env", "Value": "sdk"}]
    made = ec2.create_image(
        InstanceId=env["IMAGEOPS_AWS_INSTANCE_ID"],
        Name="sdk-made",
        NoReboot=True,
        TagSpecifications=[
            {"ResourceType": "image", "Tags": tags},
            {"ResourceType": "snapshot", "Tags": tags},
        ],
    )["ImageId"]
    with pytest.raises(ClientError) as duplicate:
        ec2.create_image(InstanceId=env["IMAGEOPS_AWS_INSTANCE_ID"], Name="sdk-made")
    assert duplicate.value.response["Error"]["Code"] == "InvalidAMIName.Duplicate"
    ec2.get_waiter("image_available").wait(ImageIds=[made], WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    [image] = ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["sdk-made"]}])[
        "Images"
    ]
    assert image["ImageId"] == made and image["RootDeviceType"] == "ebs" and image["Tags"] == tags
    snapshot = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    assert ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["Tags"] == tags

    registered = ec2.register_image(
        Name="sdk-registered",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        Architecture="arm64",
        EnaSupport=True,
        BootMode="uefi",
        TpmSupport="v2.0",
        ImdsSupport="v2.0",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": env["IMAGEOPS_AWS_SNAPSHOT_ID"]}}
        ],
    )["ImageId"]
    [reg] = ec2.describe_images(ImageIds=[registered])["Images"]
    assert (reg["Architecture"], reg["TpmSupport"], reg["ImdsSupport"]) == ("arm64", "v2.0", "v2.0")
    assert reg["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"] == env["IMAGEOPS_AWS_SNAPSHOT_ID"]

    west = client(emu, region=env["IMAGEOPS_AWS_OTHER_REGION"])
    copy = {"SourceImageId": made, "SourceRegion": env["IMAGEOPS_AWS_REGION"], "Name": "sdk-copy"}
    first = west.copy_image(**copy, ClientToken="sdk-token", Encrypted=True)["ImageId"]
    assert west.copy_image(**copy, ClientToken="sdk-token", Encrypted=True)["ImageId"] == first
    [copied] = west.describe_images(ImageIds=[first])["Images"]
    assert copied["SourceImageId"] == made and copied["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True

    ec2.modify_image_attribute(ImageId=made, Description={"Value": "described"})
    ec2.modify_image_attribute(
        ImageId=made, LaunchPermission={"Add": [{"UserId": env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]}]}
    )
    permissions = ec2.describe_image_attribute(ImageId=made, Attribute="launchPermission")[
        "LaunchPermissions"
    ]
    assert permissions == [{"UserId": env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]}]
    ec2.enable_image_deprecation(ImageId=made, DeprecateAt="2031-01-01T00:00:40Z")
    [image] = ec2.describe_images(ImageIds=[made])["Images"]
    assert image["Description"] == "described" and image["DeprecationTime"].startswith("2031-01-01T00:01:00")
    ec2.disable_image_deprecation(ImageId=made)
    ec2.create_tags(Resources=[made], Tags=[{"Key": "more", "Value": "1"}])
    ec2.delete_tags(Resources=[made], Tags=[{"Key": "env"}])
    assert ec2.describe_images(ImageIds=[made])["Images"][0]["Tags"] == [{"Key": "more", "Value": "1"}]

    with pytest.raises(ClientError) as in_use:
        ec2.delete_snapshot(SnapshotId=snapshot)
    assert in_use.value.response["Error"]["Code"] == "InvalidSnapshot.InUse"
    for ami, region_client in ((made, ec2), (registered, ec2), (first, west)):
        region_client.deregister_image(ImageId=ami)
    ec2.delete_snapshot(SnapshotId=snapshot)
    assert (
        ec2.describe_images(Owners=["self"], Filters=[{"Name": "name", "Values": ["sdk-made"]}])["Images"]
        == []
    )


def test_accounts_apart_and_wrong_credentials_refused(emu: EmulatorHandle) -> None:
    env = emu.env
    mine, theirs = client(emu), client(emu, "OTHER_")
    made = mine.create_image(InstanceId=env["IMAGEOPS_AWS_INSTANCE_ID"], Name="sdk-private")["ImageId"]
    assert theirs.describe_images(Owners=["self"])["Images"] == [] or all(
        i["OwnerId"] == env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
        for i in theirs.describe_images(Owners=["self"])["Images"]
    )
    with pytest.raises(ClientError) as wrong:
        client(emu, secret="x" * 40).describe_images(Owners=["self"])
    assert wrong.value.response["Error"]["Code"] == "AuthFailure"
    session = {
        "key": env["IMAGEOPS_AWS_SESSION_ACCESS_KEY_ID"],
        "secret": env["IMAGEOPS_AWS_SESSION_SECRET_ACCESS_KEY"],
    }
    assert client(emu, **session, token=env["IMAGEOPS_AWS_SESSION_TOKEN"]).describe_images(ImageIds=[made])[
        "Images"
    ]
    with pytest.raises(ClientError) as no_token:
        client(emu, **session).describe_images(ImageIds=[made])
    assert no_token.value.response["Error"]["Code"] == "AuthFailure"
    mine.deregister_image(ImageId=made)
