"""Hypothesis strategies for the three clouds' image specs: valid ones, and nearly valid ones.

A nearly valid spec is a valid one with one to three mutations: a value replaced by junk (wrong type,
huge or unicode string, out-of-bounds number, nested junk), a corrupted id, an unknown key, a field
dropped, or a field borrowed from another valid spec (which makes mutually exclusive sources, or a
field in the wrong source mode). Mutations reach into nested blocks and list items too.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SOAK = os.environ.get("IMAGEOPS_SOAK") == "1"
SMALL_EXAMPLES = 100
SOAK_EXAMPLES = 10_000

_COMMON = dict(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile("imageops-fuzz", max_examples=SMALL_EXAMPLES, **_COMMON)
settings.register_profile("imageops-soak", max_examples=SOAK_EXAMPLES, **_COMMON)
PROFILE = "imageops-soak" if SOAK else "imageops-fuzz"
"""The hypothesis settings profile of this run: 100 examples per target in make test, 10,000 under
IMAGEOPS_SOAK=1 (make soak)."""
MIN_EXAMPLES = SOAK_EXAMPLES // 10 if SOAK else SMALL_EXAMPLES // 2
"""How many examples a fuzz target must have run: hypothesis stops short of ``max_examples`` when
generated inputs repeat, never by this much unless a strategy has collapsed."""

# ---------------------------------------------------------------------------------------------- junk
_HUGE = st.tuples(st.characters(), st.sampled_from([101, 129, 256, 257, 2001, 4097, 100_000])).map(
    lambda t: t[0] * t[1]
)
_ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\n",
        "💾 image",
        "ümlaut",
        "名前",
        "‮rtl",
        "a" * 3,
        "None",
        "null",
        "true",
        "-1",
        "http://x",
        "https://evil/",
        "${jndi}",
        "{{ x }}",
        "' OR 1=1 --",
        "../../etc/passwd",
        "\\",
        "%00",
    ]
)
SCALAR_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2, 4, 5, 13001, 14902, 32769, 2**31, 2**63]),
    st.floats(),
    st.text(max_size=12),
    _HUGE,
    _ODD_TEXT,
)
JUNK = st.recursive(
    SCALAR_JUNK,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)


def _corrupt_id(draw: st.DrawFn, value: str) -> str:
    how = draw(st.sampled_from(["truncate", "insert", "upper", "prefix", "space", "double", "unicode"]))
    if how == "truncate":
        return value[: draw(st.integers(0, max(0, len(value) - 1)))]
    if how == "insert":
        at = draw(st.integers(0, len(value)))
        return value[:at] + draw(st.sampled_from([".", "/", "!", "..", "Z", "é"])) + value[at:]
    if how == "upper":
        return value.upper()
    if how == "prefix":
        return draw(st.sampled_from(["ocid2.", "x-", "ami-", "i-", "m-", ""])) + value.split(".", 1)[-1]
    if how == "space":
        return f" {value} "
    if how == "double":
        return value + value
    return value + "ß"


# --------------------------------------------------------------------------------------- mutations
def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a nested dict/list document (the root excluded)."""
    found: list[tuple] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found += _paths(item, (*prefix, index))
    return found


def _parent(doc: Any, path: tuple) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A valid spec from ``valid`` (about a quarter of the time) or one with 1-3 mutations."""
    spec = copy.deepcopy(draw(valid))
    if draw(st.integers(0, 3)) == 0:
        return spec
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(spec)
        kind = draw(st.sampled_from(["junk", "junk", "id", "unknown", "drop", "borrow", "bound"]))
        if kind == "borrow" or not paths:
            donor = draw(valid)
            if donor:
                key = draw(st.sampled_from(sorted(donor)))
                spec[key] = donor[key]
            continue
        path = draw(st.sampled_from(paths))
        parent = _parent(spec, path)
        current = parent[path[-1]]
        if kind == "junk":
            parent[path[-1]] = draw(JUNK)
        elif kind == "id" and isinstance(current, str):
            parent[path[-1]] = _corrupt_id(draw, current)
        elif kind == "bound" and isinstance(current, int) and not isinstance(current, bool):
            parent[path[-1]] = draw(st.sampled_from([-1, 0, current - 1, current + 1, current * 1000, 2**64]))
        elif kind == "bound" and isinstance(current, str):
            parent[path[-1]] = draw(st.sampled_from(["", current[:1], current[:2], current * 200]))
        elif kind == "unknown":
            target = parent if isinstance(parent, dict) else spec
            target[draw(st.text(min_size=1, max_size=12) | st.sampled_from(["name", "Id", "__class__"]))] = (
                draw(JUNK)
            )
        elif kind == "drop":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JUNK)
    return spec


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _compact(draw: st.DrawFn, fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


_TAG_TEXT = st.text(min_size=1, max_size=40)

# ---------------------------------------------------------------------------------------------- OCI
_OCID_UNIQUE = st.from_regex(r"[a-z0-9]{20,60}", fullmatch=True)


def ocid(kind: str) -> st.SearchStrategy[str]:
    region = st.sampled_from(["", "phx", "iad", "eu-frankfurt-1"])
    return st.builds(lambda r, u: f"ocid1.{kind}.oc1.{r}.{u}", region, _OCID_UNIQUE)


@st.composite
def oci_valid(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {"compartment_id": draw(ocid("compartment"))}
    spec["display_name"] = draw(_maybe(st.text(min_size=1, max_size=80)))
    if draw(st.booleans()):
        spec["instance_id"] = draw(ocid("instance"))
        spec["should_include_data_volumes"] = draw(_maybe(st.booleans()))
    elif draw(st.booleans()):
        spec["image_source_details"] = {
            "source_type": "objectStorageTuple",
            "namespace_name": draw(st.from_regex(r"[a-z]{3,12}", fullmatch=True)),
            "bucket_name": draw(st.text(min_size=1, max_size=30)),
            "object_name": draw(st.text(min_size=1, max_size=60)),
            "source_image_type": draw(_maybe(st.sampled_from(["QCOW2", "VMDK"]))),
            "operating_system": draw(_maybe(st.text(min_size=1, max_size=20))),
        }
    else:
        spec["image_source_details"] = {
            "source_type": "objectStorageUri",
            "source_uri": "https://objectstorage.example/n/ns/b/bucket/o/"
            + draw(st.text(min_size=1, max_size=40)),
            "operating_system_version": draw(_maybe(st.text(min_size=1, max_size=20))),
        }
    mode = draw(_maybe(st.sampled_from(["NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM"])))
    spec["launch_mode"] = mode
    if mode in (None, "CUSTOM") and draw(st.booleans()):
        spec["launch_options"] = _compact(draw, {
            "boot_volume_type": draw(_maybe(st.sampled_from(["ISCSI", "SCSI", "IDE", "PARAVIRTUALIZED"]))),
            "firmware": draw(_maybe(st.sampled_from(["BIOS", "UEFI_64"]))),
            "network_type": draw(_maybe(st.sampled_from(["E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"]))),
            "is_consistent_volume_naming_enabled": draw(_maybe(st.booleans())),
        })  # fmt: skip
    spec["freeform_tags"] = draw(
        _maybe(st.dictionaries(st.text(min_size=1, max_size=100), _TAG_TEXT, max_size=4))
    )
    defined_key = st.builds(
        lambda a, b: f"{a}.{b}", *[st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)] * 2
    )
    spec["defined_tags"] = draw(_maybe(st.dictionaries(defined_key, _TAG_TEXT, max_size=3)))
    if "image_source_details" in spec:
        spec["image_source_details"] = {
            k: v for k, v in spec["image_source_details"].items() if v is not None
        }
    return _compact(draw, spec)


# ------------------------------------------------------------------------------------------ OUTSCALE
_HEX8 = st.from_regex(r"[0-9a-f]{8}", fullmatch=True)


@st.composite
def _bsu(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(1, 14901))
    bsu: dict[str, Any] = {"snapshot_id": "snap-" + draw(_HEX8), "volume_size": size}
    volume_type = draw(st.sampled_from(["standard", "gp2", "io1", None]))
    if volume_type == "io1":
        bsu["iops"] = draw(st.integers(1, min(13000, 300 * size)))
    if volume_type is not None:
        bsu["volume_type"] = volume_type
    if draw(st.booleans()):
        bsu["delete_on_vm_deletion"] = draw(st.booleans())
    return bsu


@st.composite
def outscale_valid(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "image_name": draw(_maybe(st.from_regex(r"[A-Za-z0-9_ ()/.\-]{3,60}", fullmatch=True))),
        "description": draw(_maybe(st.text(max_size=60))),
    }
    source = draw(st.sampled_from(["vm", "copy", "snapshots", "manifest"]))
    if source == "vm":
        spec["vm_id"] = "i-" + draw(_HEX8)
        spec["no_reboot"] = draw(_maybe(st.booleans()))
    elif source == "copy":
        spec["source_image_id"] = "ami-" + draw(_HEX8)
        spec["source_region_name"] = draw(st.sampled_from(["eu-west-2", "us-east-2", "cloudgouv-eu-west-1"]))
    elif source == "snapshots":
        extra = draw(
            st.lists(
                st.sampled_from(["/dev/sdb", "/dev/sdc", "/dev/xvdd", "/dev/sdbz"]), unique=True, max_size=2
            )
        )
        mappings = [{"device_name": "/dev/sda1", "bsu": draw(_bsu())}]
        mappings += [{"device_name": name, "bsu": draw(_bsu())} for name in extra]
        if draw(st.booleans()):
            mappings.append(
                {"device_name": "/dev/sdf", "virtual_device_name": f"ephemeral{draw(st.integers(0, 3))}"}
            )
        spec["block_device_mappings"] = mappings
        spec["root_device_name"] = "/dev/sda1"
        spec["architecture"] = draw(_maybe(st.sampled_from(["i386", "x86_64"])))
    else:
        spec["file_location"] = "https://oos.eu-west-2.outscale.com/b/" + draw(
            st.from_regex(r"[a-z0-9/._-]{1,40}", fullmatch=True)
        )
    spec["boot_modes"] = draw(_maybe(st.lists(st.sampled_from(["uefi", "legacy"]), unique=True, min_size=1)))
    spec["tpm_mandatory"] = draw(_maybe(st.booleans()))
    if draw(st.booleans()):
        spec["permissions_to_launch"] = {
            "global_permission": draw(st.booleans()),
            "account_ids": draw(st.lists(st.from_regex(r"\d{12}", fullmatch=True), max_size=3)),
        }
    spec["product_codes"] = draw(_maybe(st.lists(st.text(min_size=1, max_size=10), max_size=3)))
    keys = draw(st.lists(st.text(min_size=1, max_size=30), unique=True, max_size=4))
    spec["tags"] = [{"key": k, "value": draw(st.text(max_size=30))} for k in keys] or None
    return _compact(draw, spec)


# ------------------------------------------------------------------------------------------ Alibaba
_ALI_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9.:_-]{1,60}", fullmatch=True).filter(
    lambda n: not n.lower().startswith(("acs:", "aliyun"))
)
_ALI_REGIONS = ["cn-hangzhou", "cn-beijing", "eu-central-1", "ap-southeast-1"]
_ALI_TAG_KEY = st.text(min_size=1, max_size=40).filter(
    lambda k: not k.lower().startswith(("aliyun", "acs:")) and "http://" not in k and "https://" not in k
)
_ALI_TAG_VALUE = st.text(max_size=40).filter(lambda v: "http://" not in v and "https://" not in v)


@st.composite
def alicloud_valid(draw: st.DrawFn) -> dict[str, Any]:
    region = draw(_maybe(st.sampled_from(_ALI_REGIONS)))
    spec: dict[str, Any] = {"region": region}
    name_key = draw(st.sampled_from(["image_name", "image_name", "name"]))  # `name` is the deprecated alias
    spec[name_key] = draw(_maybe(_ALI_NAME))
    spec["description"] = draw(
        _maybe(st.text(min_size=2, max_size=60).filter(lambda d: not d.startswith(("http://", "https://"))))
    )
    source = draw(st.sampled_from(["instance", "snapshot", "disks", "import", "copy"]))
    if source == "instance":
        spec["instance_id"] = "i-" + draw(st.from_regex(r"[a-z0-9]{8,20}", fullmatch=True))
    elif source == "snapshot":
        spec["snapshot_id"] = "s-" + draw(st.from_regex(r"[a-z0-9]{8,20}", fullmatch=True))
    elif source == "disks":
        devices = draw(
            st.lists(st.sampled_from([f"/dev/vd{c}" for c in "abcdefg"]), unique=True, min_size=1, max_size=4)
        )
        disks = []
        for index, device in enumerate(devices):
            disk = {
                "device": device,
                "snapshot_id": "s-" + draw(st.from_regex(r"[a-z0-9]{8,12}", fullmatch=True)),
                "disk_type": "system" if index == 0 else draw(st.sampled_from(["data", None])),
                "size": draw(_maybe(st.integers(20, 32768))),
            }
            disks.append({k: v for k, v in disk.items() if v is not None})
        spec["disk_device_mapping"] = disks
    elif source == "import":
        spec["import_from"] = {
            k: v
            for k, v in {
                "oss_bucket": draw(st.from_regex(r"[a-z0-9-]{3,40}", fullmatch=True)),
                "oss_object": draw(st.text(min_size=1, max_size=60)),
                "format": draw(_maybe(st.sampled_from(["RAW", "VHD", "QCOW2", "VMDK"]))),
                "disk_image_size": draw(_maybe(st.integers(5, 500))),
                "device": draw(_maybe(st.sampled_from(["/dev/vda", "/dev/xvda"]))),
                "os_type": draw(_maybe(st.sampled_from(["linux", "windows"]))),
            }.items()
            if v is not None
        }
        spec["license_type"] = draw(_maybe(st.sampled_from(["Auto", "Aliyun", "BYOL"])))
    else:
        source_region = draw(st.sampled_from([r for r in _ALI_REGIONS if r != region]))
        spec["copy_from"] = {
            "source_image_id": "m-" + draw(st.from_regex(r"[a-z0-9]{8,20}", fullmatch=True)),
            "source_region_id": source_region,
            **({"encrypted": True, "kms_key_id": "key-" + draw(_HEX8)} if draw(st.booleans()) else {}),
        }
    if source != "copy":
        spec["architecture"] = draw(_maybe(st.sampled_from(["i386", "x86_64", "arm64"])))
        spec["platform"] = draw(
            _maybe(st.sampled_from(["Ubuntu", "CentOS", "Windows Server 2022", "Others Linux"]))
        )
        spec["boot_mode"] = draw(_maybe(st.sampled_from(["BIOS", "UEFI", "UEFI-Preferred"])))
        spec["detection_strategy"] = draw(_maybe(st.just("Standard")))
        spec["features"] = draw(
            _maybe(st.builds(dict, nvme_support=st.sampled_from(["supported", "unsupported"])))
        )
        if source != "import":
            spec["image_family"] = draw(_maybe(_ALI_NAME))
            spec["image_version"] = draw(_maybe(st.from_regex(r"[0-9.]{1,10}", fullmatch=True)))
    spec["resource_group_id"] = draw(_maybe(st.from_regex(r"rg-[a-z0-9]{8,20}", fullmatch=True)))
    spec["tags"] = draw(_maybe(st.dictionaries(_ALI_TAG_KEY, _ALI_TAG_VALUE, max_size=5)))
    spec["force"] = draw(_maybe(st.booleans()))
    spec["delete_auto_snapshot"] = draw(_maybe(st.booleans()))
    return _compact(draw, spec)


VALID = {"oci": oci_valid(), "outscale": outscale_valid(), "alicloud": alicloud_valid()}


def specs(cloud: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid and nearly valid spec documents of ``cloud`` (spec field names)."""
    return mutated(VALID[cloud])
