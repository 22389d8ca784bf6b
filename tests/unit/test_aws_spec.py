"""Every AwsImageSpec rule fails before any API call, naming field and rule; the EC2 wire helpers,
the credentials as the AWS CLI finds them, and the SigV4 signer (botocore's, checked by the
emulator's verifier)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from imageops.aws import AwsImageSpec
from imageops.aws.api import error_from_response, flatten, parse_xml
from imageops.aws.auth import AwsKey, AwsSigner
from imageops.aws.config import load_connection
from imageops.aws.driver import create_params, image_from_xml, permission_changes
from imageops.emulator.aws import Ec2Error, verify
from imageops.errors import AuthError, ConfigError, ConflictError, NotFoundError, SpecError, ThrottledError
from imageops.model import ImageState
from imageops.redact import MASK, redact
from imageops.spec import Update

INSTANCE = {"name": "ami-one", "source_instance_id": "i-0123456789abcdef0"}
SNAP = "snap-0123456789abcdef0"


def register(**device: Any) -> dict[str, Any]:
    return {
        "name": "registered",
        "root_device_name": "/dev/xvda",
        "ebs_block_devices": [{"device_name": "/dev/xvda", "snapshot_id": SNAP, **device}],
    }


def errors(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(SpecError) as caught:
        AwsImageSpec.parse(data)
    return caught.value.errors


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({**INSTANCE, "name": "ab"}, "name", "3-128"),
        ({**INSTANCE, "name": "x" * 129}, "name", "3-128"),
        ({**INSTANCE, "name": "bad$name"}, "name", "letters, digits"),
        ({"source_instance_id": "i-0123456789abcdef0"}, "name", "required to create"),
        ({"name": "abc"}, "source_instance_id", "one source is required"),
        (
            {**INSTANCE, "source_ami_id": "ami-12345678", "source_ami_region": "us-east-1"},
            "source_ami_id",
            "exactly one",
        ),
        ({**INSTANCE, "source_instance_id": "vm-1"}, "source_instance_id", "i-<8 or 17 hex digits>"),
        ({"name": "abc", "source_ami_id": "ami-12345678"}, "source_ami_region", "go together"),
        ({**INSTANCE, "source_ami_region": "us-east-1"}, "source_ami_region", "go together"),
        (
            {"name": "abc", "source_ami_id": "ami-12345678", "source_ami_region": "east"},
            "source_ami_region",
            "region",
        ),
        ({**INSTANCE, "encrypted": True}, "encrypted", "only valid with source_ami_id"),
        (
            {
                "name": "abc",
                "source_ami_id": "ami-12345678",
                "source_ami_region": "us-east-1",
                "kms_key_id": "k",
            },
            "kms_key_id",
            "encrypted: true",
        ),
        ({**INSTANCE, "destination_outpost_arn": "arn:x"}, "destination_outpost_arn", "Outpost ARN"),
        (
            {"name": "abc", "image_location": "bucket/m.xml", "snapshot_without_reboot": True},
            "snapshot_without_reboot",
            "only",
        ),
        ({**INSTANCE, "architecture": "x86_64"}, "architecture", "only valid when registering"),
        ({**INSTANCE, "root_device_name": "/dev/xvda"}, "root_device_name", "only valid when registering"),
        ({**INSTANCE, "architecture": "sparc"}, "architecture", "x86_64"),
        ({**register(), "root_device_name": None}, "root_device_name", "required with ebs_block_devices"),
        ({**register(), "root_device_name": "/dev/xvdz"}, "root_device_name", "must be the device_name"),
        ({**register(), "root_device_name": "xvda"}, "root_device_name", "device name"),
        (register(volume_type="io1"), "ebs_block_devices.0.iops", "required with volume_type io1"),
        (register(volume_type="gp2", iops=3000), "ebs_block_devices.0.iops", "only allowed"),
        (
            register(volume_type="gp2", throughput=200),
            "ebs_block_devices.0.throughput",
            "only allowed with volume_type gp3",
        ),
        (register(encrypted=True), "ebs_block_devices.0.encrypted", "not with snapshot_id"),
        (register(volume_size=0), "ebs_block_devices.0.volume_size", "greater than or equal to 1"),
        ({**register(), "ebs_block_devices": []}, "ebs_block_devices", "at least one"),
        (
            {
                **register(),
                "ebs_block_devices": [
                    {"device_name": "/dev/xvda", "snapshot_id": SNAP},
                    {"device_name": "/dev/xvdb"},
                ],
            },
            "ebs_block_devices.1.volume_size",
            "required without snapshot_id",
        ),
        (
            {
                **register(),
                "ephemeral_block_devices": [{"device_name": "/dev/xvda", "virtual_name": "ephemeral0"}],
            },
            "ebs_block_devices",
            "once",
        ),
        (
            {**register(), "ephemeral_block_devices": [{"device_name": "/dev/sdb", "virtual_name": "eph"}]},
            "ephemeral_block_devices.0.virtual_name",
            "ephemeralN",
        ),
        ({**register(), "tpm_support": "v2.0"}, "tpm_support", "boot_mode uefi"),
        ({**register(), "uefi_data": "QUJD"}, "uefi_data", "boot_mode uefi"),
        ({**register(), "boot_mode": "bios"}, "boot_mode", "legacy-bios"),
        (
            {**register(), "virtualization_type": "hvm", "kernel_id": "aki-12345678"},
            "kernel_id",
            "paravirtual",
        ),
        ({**INSTANCE, "deprecation_time": "next tuesday"}, "deprecation_time", "RFC 3339"),
        ({**INSTANCE, "tags": {"aws:x": "1"}}, "tags", "reserved"),
        ({**INSTANCE, "tags": {"k" * 129: "1"}}, "tags", "1-128"),
        ({**INSTANCE, "tags": {"k": "v" * 257}}, "tags", "256"),
        ({**INSTANCE, "description": "d" * 256}, "description", "255"),
        (
            {**INSTANCE, "launch_permissions": {"account_ids": ["12"]}},
            "launch_permissions.account_ids.0",
            "12 digits",
        ),
        ({**INSTANCE, "launch_permissions": {"groups": ["everyone"]}}, "launch_permissions.groups.0", "all"),
        (
            {**INSTANCE, "launch_permissions": {"organization_arns": ["o-1"]}},
            "launch_permissions.organization_arns.0",
            "organization ARN",
        ),
        ({**INSTANCE, "unknown": 1}, "unknown", "not a known argument"),
    ],
)
def test_rule_names_field_and_rule(data: dict[str, Any], field: str, words: str) -> None:
    found = errors(data)
    assert any(f == field and words in rule for f, rule in found), found


def test_every_problem_at_once() -> None:
    found = errors(
        {"name": "abc", "source_ami_id": "ami-12345678", "kms_key_id": "k", "architecture": "arm64"}
    )
    assert {f for f, _ in found} >= {"source_ami_region", "kms_key_id", "architecture"}


def test_terraform_examples_parse_and_modes() -> None:
    AwsImageSpec.parse({**INSTANCE, "snapshot_without_reboot": True, "tags": {"n": 1, "b": True}})
    AwsImageSpec.parse(
        {"name": "copy", "source_ami_id": "ami-0123456789abcdef0", "source_ami_region": "us-west-1"}
    )
    spec = AwsImageSpec.parse(
        {**register(volume_size="8"), "virtualization_type": "hvm", "ena_support": "true"}
    )
    assert spec.given()["ebs_block_devices"][0]["volume_size"] == 8
    assert spec.source == "register"
    assert set(AwsImageSpec.fields_by_mode(Update.IN_PLACE)) == {
        "description", "deprecation_time", "launch_permissions", "tags", "delete_snapshots",
    }  # fmt: skip
    assert "name" in AwsImageSpec.fields_by_mode(Update.REPLACE)
    assert AwsImageSpec.parse({**INSTANCE, "tags": {"b": 1, "a": True}}).given()["tags"] == {
        "a": "true",
        "b": "1",
    }
    assert AwsImageSpec.parse(
        {**INSTANCE, "deprecation_time": "2027-01-01T10:00:31+01:00"}
    ).deprecation_time == ("2027-01-01T09:01:00Z")
    assert AwsImageSpec.parse({**INSTANCE, "delete_snapshots": False}).delete_options() == {
        "delete_snapshots": False
    }
    assert AwsImageSpec.parse_key({"name": "abc"}).lookup_key() == {"name": "abc"}


def test_create_params_and_tag_specifications() -> None:
    spec = AwsImageSpec.parse({**INSTANCE, "tags": {"env": "prod"}, "snapshot_without_reboot": True})
    pairs = dict(flatten(create_params(spec)))
    assert pairs["InstanceId"] == "i-0123456789abcdef0" and pairs["NoReboot"] == "true"
    assert pairs["TagSpecification.1.ResourceType"] == "image"
    assert pairs["TagSpecification.2.ResourceType"] == "snapshot"
    assert pairs["TagSpecification.2.Tag.1.Key"] == "env"
    reg = AwsImageSpec.parse(
        {
            **register(volume_type="gp3", iops=3000),
            "ephemeral_block_devices": [{"device_name": "/dev/sdb", "virtual_name": "ephemeral0"}],
        }
    )
    pairs = dict(flatten(create_params(reg)))
    assert pairs["BlockDeviceMapping.1.Ebs.SnapshotId"] == SNAP
    assert pairs["BlockDeviceMapping.1.Ebs.Iops"] == "3000"
    assert pairs["BlockDeviceMapping.2.VirtualName"] == "ephemeral0"
    assert pairs["RootDeviceName"] == "/dev/xvda"
    assert dict(flatten({"ImageId": ["ami-1", "ami-2"], "Filter": [{"Name": "name", "Value": ["x"]}]})) == {
        "ImageId.1": "ami-1", "ImageId.2": "ami-2", "Filter.1.Name": "name", "Filter.1.Value.1": "x",
    }  # fmt: skip


XML = b"""<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
<imagesSet><item><imageId>ami-0123456789abcdef0</imageId><imageState>available</imageState>
<name>web</name><imageOwnerId>123456789012</imageOwnerId><isPublic>false</isPublic>
<rootDeviceName>/dev/xvda</rootDeviceName><sourceInstanceId>i-0123456789abcdef0</sourceInstanceId>
<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>snap-0123456789abcdef0</snapshotId>
<volumeSize>8</volumeSize><encrypted>true</encrypted></ebs></item>
<item><deviceName>/dev/sdb</deviceName><virtualName>ephemeral0</virtualName></item></blockDeviceMapping>
<tagSet><item><key>env</key><value>prod</value></item></tagSet><enaSupport>true</enaSupport>
<deprecationTime>2027-01-01T00:00:00.000Z</deprecationTime></item></imagesSet></DescribeImagesResponse>"""


def test_image_from_xml_has_every_attribute() -> None:
    data = parse_xml(XML)["imagesSet"][0]
    image = image_from_xml(data, "us-east-1")
    attrs = image.attributes
    assert image.state is ImageState.AVAILABLE and image.tags == {"env": "prod"}
    assert attrs["arn"] == "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"
    assert attrs["root_snapshot_id"] == SNAP and attrs["manage_ebs_snapshots"] is True
    assert (
        attrs["ebs_block_devices"][0]["encrypted"] is True
        and attrs["ebs_block_devices"][0]["volume_size"] == 8
    )
    assert attrs["ephemeral_block_devices"] == [{"device_name": "/dev/sdb", "virtual_name": "ephemeral0"}]
    assert attrs["ena_support"] is True and image.size_mb == 8 * 1024
    spec = AwsImageSpec.parse(
        {**INSTANCE, "name": "web", "deprecation_time": "2027-01-01T00:00:00Z", "tags": {"env": "prod"}}
    )
    seen = spec.observe(image)
    assert {k: seen[k] for k in ("name", "tags", "deprecation_time")} == {
        "name": "web", "tags": {"env": "prod"}, "deprecation_time": "2027-01-01T00:00:00Z",
    }  # fmt: skip


def test_permission_changes_touch_only_the_lists_given() -> None:
    observed = {
        "account_ids": ["111111111111"],
        "groups": ["all"],
        "organization_arns": [],
        "organizational_unit_arns": [],
    }
    assert permission_changes(observed, {"account_ids": ["222222222222"]}) == {
        "Add": [{"UserId": "222222222222"}],
        "Remove": [{"UserId": "111111111111"}],
    }
    assert permission_changes(observed, {"groups": ["all"]}) == {}


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (401, "AuthFailure", AuthError),
        (503, "RequestLimitExceeded", ThrottledError),
        (400, "InvalidAMIID.NotFound", NotFoundError),
        (400, "InvalidAMIName.Duplicate", ConflictError),
    ],
)
def test_errors_are_mapped(status: int, code: str, kind: type) -> None:
    body = f"<Response><Errors><Error><Code>{code}</Code><Message>m</Message></Error></Errors>"
    body += "<RequestID>rid</RequestID></Response>"
    error = error_from_response("X", httpx.Response(status, content=body.encode()))
    assert type(error) is kind and error.code == code and error.request_id == "rid"


def test_signature_is_botocores_and_the_emulator_verifies_it() -> None:
    secret, token = "S" * 40, "T" * 120
    signer = AwsSigner(AwsKey("AKIAEXAMPLEEXAMPLE12", secret, token), "eu-west-1")
    request = httpx.Request(
        "POST", "http://127.0.0.1:9/", content=b"Action=DescribeImages&Version=2016-11-15",
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    )  # fmt: skip
    signed = signer.sign(request)
    headers = {k.lower(): v for k, v in signed.headers.items()}
    assert headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEEXAMPLE12/")
    assert "/eu-west-1/ec2/aws4_request" in headers["authorization"]
    assert headers["x-amz-security-token"] == token
    keys = {"AKIAEXAMPLEEXAMPLE12": {"secret": secret, "account": "123456789012"}}
    from datetime import UTC, datetime

    now = datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    assert verify(str(signed.url), "POST", headers, signed.content, now, keys) == "123456789012"
    with pytest.raises(Ec2Error):
        verify(str(signed.url), "POST", headers, signed.content + b"&x=1", now, keys)
    assert secret not in repr(signer) + repr(AwsKey("a", secret, token)) and token not in repr(
        AwsKey("a", secret, token)
    )
    assert redact(f"boom {secret} {token}") == f"boom {MASK} {MASK}"


CLEAN = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/nonexistent",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}


def test_credentials_explicit_then_environment() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAENV",
        "AWS_SECRET_ACCESS_KEY": "env-secret-value",
        "AWS_REGION": "eu-west-3",
    }
    conn = load_connection(environ=env)
    assert conn.region == "eu-west-3" and conn.endpoint == "https://ec2.eu-west-3.amazonaws.com"
    assert conn.credentials.current().access_key == "AKIAENV"
    conn = load_connection(
        access_key="AKIAARG", secret_key="arg-secret-value", region="cn-north-1", environ=env
    )
    assert conn.credentials.current().access_key == "AKIAARG"
    assert conn.endpoint == "https://ec2.cn-north-1.amazonaws.com.cn"
    assert (
        load_connection(environ={**env, "IMAGEOPS_AWS_ENDPOINT": "http://127.0.0.1:1/"}).endpoint
        == "http://127.0.0.1:1"
    )
    with pytest.raises(ConfigError, match="secret_key is required"):
        load_connection(access_key="AKIA", region="us-east-1", environ={})
    with pytest.raises(ConfigError, match="validate_certs"):
        load_connection(validate_certs="maybe", environ=env)  # type: ignore[arg-type]


def test_profiles_through_botocore_credential_process_and_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "creds.py"
    script.write_text(
        "import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIAPROCESS', "
        "'SecretAccessKey': 'process-secret-value', 'SessionToken': 'process-token-value'}))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    config = tmp_path / "config"
    config.write_text(
        f"[profile proc]\nregion = ap-south-1\ncredential_process = {sys.executable} {script}\n"
        "[profile keys]\nregion = eu-north-1\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[keys]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret-value\n"
    )
    for name, value in {
        **CLEAN,
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
    }.items():
        monkeypatch.setenv(name, value)
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    proc = load_connection(profile="proc", environ={})
    key = proc.credentials.current()
    assert (key.access_key, key.session_token, proc.region) == (
        "AKIAPROCESS",
        "process-token-value",
        "ap-south-1",
    )
    assert redact("x process-secret-value y") == f"x {MASK} y"
    keys = load_connection(environ={"AWS_PROFILE": "keys"})
    assert (keys.credentials.current().access_key, keys.region) == ("AKIAFILE", "eu-north-1")
    with pytest.raises(ConfigError, match="not in the AWS config"):
        load_connection(profile="nope", environ={})
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"  # no call to 169.254.169.254
    with pytest.raises(ConfigError, match="no AWS credentials found"):
        load_connection(region="us-east-1", environ={})
