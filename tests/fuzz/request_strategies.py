"""Malformed requests for the OCI and ECS emulators, and a requests auth for OUTSCALE's schemathesis run.

Each generated request is mostly well signed (so it reaches the handlers, not only the signature
check) and carries real ids of the demo account some of the time (so handlers get past "not found");
its path, query, headers and body are valid, nearly valid or junk.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from hypothesis import strategies as st
from spec_strategies import JUNK, mutated

from imageops.outscale.auth import OscSigner

_ASCII = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
_HEADER_VALUE = _ASCII.map(str.strip)  # HTTP/1.1 has no way to send a value's outer spaces
_SEGMENT = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(["..", ".", "%00", "%2F", "a/b", "ocid1.image.oc1..x", "x" * 5000, "💾", " "]),
)
# a URL holds 64 KiB at most (httpx refuses more): up to six parameters of 8,000 characters fit
_JSON_JUNK = JUNK.map(json.dumps).filter(lambda text: len(text) < 8_000)
RAW_BODIES = st.one_of(
    st.sampled_from([b"", b"{", b"[]", b"null", b"1", b'"x"', b"\xff\xfe\x00", b'{"a":', b"{}" * 1000]),
    st.integers(10, 100_000).map(lambda n: b"[" * n + b"]" * n),  # nesting deeper than a recursive parser
    st.integers(10, 100_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.binary(max_size=200),
)


@dataclass
class Req:
    """One request to send: ``sign`` says how (see each test)."""

    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    sign: str = "ok"


def _json_body(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(RAW_BODIES)
    return json.dumps(draw(mutated(valid))).encode()


# ---------------------------------------------------------------------------------------------- OCI
@st.composite
def oci_requests(draw: st.DrawFn, env: dict[str, str]) -> Req:
    real = {
        "image": [env["IMAGEOPS_OCI_PLATFORM_IMAGE_ID"]],
        "instance": [
            env["IMAGEOPS_OCI_INSTANCE_ID"],
            env["IMAGEOPS_OCI_STOPPED_INSTANCE_ID"],
            env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
        ],
        "ns": [env["IMAGEOPS_OCI_NAMESPACE"]],
        "bucket": [env["IMAGEOPS_OCI_BUCKET"]],
        "object": [env["IMAGEOPS_OCI_OBJECT"]],
        "par": ["par-123"],
    }

    def part(kind: str) -> str:
        value = draw(_SEGMENT) if draw(st.integers(0, 2)) == 0 else draw(st.sampled_from(real[kind]))
        return quote(value, safe="") if draw(st.booleans()) else quote(value, safe="/.")

    compartment = env["IMAGEOPS_OCI_COMPARTMENT_ID"]
    create = {
        "compartmentId": compartment,
        "displayName": "fuzzed",
        "instanceId": env["IMAGEOPS_OCI_INSTANCE_ID"],
    }
    importing = {
        "compartmentId": compartment,
        "imageSourceDetails": {
            "sourceType": "objectStorageTuple",
            "namespaceName": env["IMAGEOPS_OCI_NAMESPACE"],
            "bucketName": env["IMAGEOPS_OCI_BUCKET"],
            "objectName": env["IMAGEOPS_OCI_OBJECT"],
            "sourceImageType": "QCOW2",
        },
        "launchMode": "CUSTOM",
        "launchOptions": {"firmware": "UEFI_64"},
    }
    update = {"displayName": "renamed", "freeformTags": {"a": "b"}, "definedTags": {"ns": {"k": "v"}}}
    image, ns, bucket, obj = part("image"), part("ns"), part("bucket"), part("object")
    routes = [
        ("POST", "/20160918/images", st.sampled_from([create, importing])),
        ("GET", "/20160918/images", None),
        ("GET", f"/20160918/images/{image}", None),
        ("PUT", f"/20160918/images/{image}", st.just(update)),
        ("DELETE", f"/20160918/images/{image}", None),
        (
            "POST",
            f"/20160918/images/{image}/actions/export",
            st.just(
                {
                    "destinationType": "objectStorageTuple",
                    "namespaceName": "x",
                    "bucketName": "y",
                    "objectName": "z",
                }
            ),
        ),
        ("GET", f"/20160918/instances/{part('instance')}", None),
        ("GET", "/n", None),
        ("POST", f"/n/{ns}/b", st.just({"name": "b1", "compartmentId": compartment})),
        ("GET", f"/n/{ns}/b/{bucket}", None),
        ("GET", f"/n/{ns}/b/{bucket}/o", None),
        (
            "POST",
            f"/n/{ns}/b/{bucket}/p",
            st.just(
                {
                    "name": "p",
                    "accessType": "ObjectRead",
                    "objectName": "o",
                    "timeExpires": "2030-01-01T00:00:00Z",
                }
            ),
        ),
        ("DELETE", f"/n/{ns}/b/{bucket}/p/{part('par')}", None),
        ("HEAD", f"/n/{ns}/b/{bucket}/o/{obj}", None),
        ("GET", f"/n/{ns}/b/{bucket}/o/{obj}", None),
        ("PUT", f"/n/{ns}/b/{bucket}/o/{obj}", None),
        ("DELETE", f"/n/{ns}/b/{bucket}/o/{obj}", None),
        (draw(st.sampled_from(["PATCH", "OPTIONS", "GET", "POST"])), "/" + part("image"), None),
    ]
    method, path, body = draw(st.sampled_from(routes))
    if draw(st.integers(0, 5)) == 0:
        region = draw(st.sampled_from(["eu-frankfurt-1", "us-ashburn-1", "nowhere-1"]) | _SEGMENT)
        path = f"/r/{quote(region, safe='')}{path}"
    params: dict[str, str] = {}
    if method == "GET":
        options = {
            "compartmentId": st.sampled_from([compartment, env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"]])
            | _ASCII,
            "limit": st.sampled_from(["1", "0", "-1", "1000", "1001", "x", "1e3", "99999999999999999999"]),
            "page": _ASCII | _JSON_JUNK.map(lambda text: base64.urlsafe_b64encode(text.encode()).decode()),
            "sortBy": st.sampled_from(["TIMECREATED", "DISPLAYNAME", "x"]),
            "sortOrder": st.sampled_from(["ASC", "DESC", "x"]),
            "displayName": _ASCII,
            "lifecycleState": st.sampled_from(["AVAILABLE", "x"]),
            "operatingSystem": _ASCII,
            "prefix": _ASCII,
            "start": _ASCII,
            "fields": _ASCII,
        }
        for name in draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=4)):
            params[name] = draw(options[name])
        if path.endswith("/images") and "compartmentId" not in params and draw(st.booleans()):
            params["compartmentId"] = compartment
    headers = {}
    header_options = {
        "opc-retry-token": _HEADER_VALUE | st.just("x" * 65),
        "if-match": _HEADER_VALUE,
        "opc-client-request-id": _HEADER_VALUE,
        "content-type": st.sampled_from(
            ["application/json", "text/plain", "application/x-www-form-urlencoded"]
        ),
        "accept": _HEADER_VALUE,
    }
    for name in draw(st.lists(st.sampled_from(sorted(header_options)), unique=True, max_size=2)):
        headers[name] = draw(header_options[name])
    raw = None
    if method in ("POST", "PUT"):
        raw = _json_body(draw, body) if body is not None else draw(RAW_BODIES | st.binary(max_size=64))
    sign = draw(st.sampled_from(["ok", "ok", "ok", "ok", "other", "none", "tampered"]))
    return Req(method, path, params, headers, raw, sign)


# ---------------------------------------------------------------------------------------------- ECS
ECS_ACTIONS = (
    "CreateImage",
    "ImportImage",
    "CopyImage",
    "DescribeImages",
    "ModifyImageAttribute",
    "TagResources",
    "UntagResources",
    "JoinResourceGroup",
    "DeleteImage",
    "DeleteSnapshot",
    "DescribeTasks",
    "DescribeInstances",
    "DescribeSnapshots",
)
_ECS_NAMES = (
    "ImageId",
    "ImageName",
    "InstanceId",
    "SnapshotId",
    "Description",
    "Architecture",
    "Platform",
    "BootMode",
    "ImageFamily",
    "ImageVersion",
    "DetectionStrategy",
    "Features.NvmeSupport",
    "LicenseType",
    "OSType",
    "ResourceGroupId",
    "ResourceType",
    "ResourceId",
    "ResourceId.1",
    "ResourceId.2",
    "TagKey.1",
    "All",
    "Tag.1.Key",
    "Tag.1.Value",
    "Tag.21.Key",
    "Tag.0.Key",
    "Tag.x.Key",
    "DiskDeviceMapping.1.SnapshotId",
    "DiskDeviceMapping.1.Size",
    "DiskDeviceMapping.1.DiskType",
    "DiskDeviceMapping.1.Device",
    "DiskDeviceMapping.2.SnapshotId",
    "DiskDeviceMapping.18.Size",
    "DiskDeviceMapping.1.OSSBucket",
    "DiskDeviceMapping.1.OSSObject",
    "DiskDeviceMapping.1.Format",
    "DiskDeviceMapping.1.DiskImageSize",
    "DiskDeviceMapping.99999999999.Size",
    "DestinationRegionId",
    "DestinationImageName",
    "DestinationDescription",
    "Encrypted",
    "KMSKeyId",
    "PageNumber",
    "PageSize",
    "Status",
    "ImageOwnerAlias",
    "TaskIds",
    "TaskAction",
    "TaskStatus",
    "InstanceIds",
    "SnapshotIds",
    "Force",
    "DeleteAutoSnapshot",
    "ClientToken",
    "ShowExpired",
)


@st.composite
def ecs_requests(draw: st.DrawFn, env: dict[str, str]) -> Req:
    region = env["IMAGEOPS_ALICLOUD_REGION"]
    real = {
        "InstanceId": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
        "SnapshotId": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
        "DiskDeviceMapping.1.SnapshotId": env["IMAGEOPS_ALICLOUD_SNAPSHOT_ID"],
        "DiskDeviceMapping.2.SnapshotId": env["IMAGEOPS_ALICLOUD_DATA_SNAPSHOT_ID"],
        "DiskDeviceMapping.1.OSSBucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
        "DiskDeviceMapping.1.OSSObject": env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
        "ResourceGroupId": env["IMAGEOPS_ALICLOUD_RESOURCE_GROUP_ID"],
        "ResourceType": "image",
        "DestinationRegionId": env["IMAGEOPS_ALICLOUD_OTHER_REGION"],
        "ImageName": "fuzzed-image",
        "PageSize": "10",
        "PageNumber": "1",
        "DiskDeviceMapping.1.Size": "40",
        "InstanceIds": json.dumps([env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]]),
    }
    value = st.one_of(
        _ASCII,
        st.text(max_size=30),
        st.sampled_from(["", "-1", "0", "1", "101", "true", "[]", "[1", '["x"]', "{}"]),
        st.integers(-(2**70), 2**70).map(str),
        st.just("x" * 8_000),
        st.integers(10, 4_000).map(lambda n: "[" * n + "]" * n),  # deeper than a recursive parser goes
        _JSON_JUNK,
    )
    params = {
        "Action": draw(_ASCII) if draw(st.integers(0, 9)) == 0 else draw(st.sampled_from(ECS_ACTIONS)),
        "Version": draw(st.sampled_from(["2014-05-26"] * 8 + ["2016-01-01", ""])),
        "RegionId": draw(_ASCII)
        if draw(st.integers(0, 9)) == 0
        else draw(st.sampled_from([region] * 6 + [env["IMAGEOPS_ALICLOUD_OTHER_REGION"], "nowhere-1"])),
    }
    for name in draw(st.lists(st.sampled_from(_ECS_NAMES), unique=True, max_size=6)):
        params[name] = real[name] if name in real and draw(st.booleans()) else draw(value)
    if draw(st.integers(0, 9)) == 0:
        params[draw(st.text(min_size=1, max_size=12))] = draw(value)
    for name in [n for n in ("Action", "Version", "RegionId") if draw(st.integers(0, 19)) == 0]:
        del params[name]
    method = draw(st.sampled_from(["GET", "POST", "POST"]))
    sign = draw(st.sampled_from(["rpc", "rpc", "rpc", "acs3", "sts", "none", "tampered", "wrong-secret"]))
    path = "/" if draw(st.integers(0, 19)) else "/" + quote(draw(_SEGMENT), safe="/")
    return Req(method, path, params, {}, None, sign)


# ------------------------------------------------------------------------------------------ OUTSCALE
class OscRequestsAuth(requests.auth.AuthBase):
    """Signs a prepared ``requests`` request (schemathesis's transport) with the core's OUTSCALE signer."""

    def __init__(self, signer: OscSigner) -> None:
        self.signer = signer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        url = urlsplit(request.url or "")
        request.headers.update(self.signer.headers_for(url.hostname or "", url.path, text))
        if isinstance(body, str):
            request.body = body.encode("utf-8")
        return request


def plug_real_ids(body: Any, env: dict[str, str], draw: st.DrawFn) -> None:
    """Put the demo account's real ids where a generated OUTSCALE body names one, now and then."""
    if not isinstance(body, dict):
        return
    real = {
        "VmId": env["IMAGEOPS_OUTSCALE_VM_ID"],
        "SourceImageId": env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"],
        "ImageId": env["IMAGEOPS_OUTSCALE_PUBLIC_IMAGE_ID"],
        "FileLocation": env["IMAGEOPS_OUTSCALE_MANIFEST_URL"],
        "SourceRegionName": env["IMAGEOPS_OUTSCALE_REGION"],
        "ResourceIds": [env["IMAGEOPS_OUTSCALE_SNAPSHOT_ID"]],
    }
    for key, value in real.items():
        if key in body and draw(st.booleans()):
            body[key] = value
    if "Filters" in body and draw(st.booleans()):
        body["Filters"] = draw(JUNK)
