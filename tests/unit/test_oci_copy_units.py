"""The pure parts of OCI copy/export: spec rules, object names, URL parsing, per-region endpoints."""

from __future__ import annotations

import pytest

from imageops.errors import SpecError
from imageops.model import Image, ImageState
from imageops.oci import OciImageSpec
from imageops.oci import copy as transfer
from imageops.oci.config import object_storage_endpoint, region_endpoint

COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaexample"
SOURCE = "ocid1.image.oc1.iad.aaaaaaaasource"


def test_copy_to_keeps_name_compartment_and_tags_and_copies_from_the_source():
    spec = OciImageSpec.parse({
        "compartment_id": COMPARTMENT, "instance_id": "ocid1.instance.oc1.iad.aaaaaaaaexample",
        "display_name": "web", "freeform_tags": {"team": "a"}, "launch_mode": "NATIVE",
    })
    source = Image(
        cloud="oci", id=SOURCE, state=ImageState.AVAILABLE, raw_state="AVAILABLE", region="us-ashburn-1"
    )
    copy = spec.copy_to("eu-frankfurt-1", source)
    assert copy.given() == {
        "compartment_id": COMPARTMENT, "display_name": "web", "freeform_tags": {"team": "a"},
        "copy_from": {"source_image_id": SOURCE, "source_region": "us-ashburn-1"},
    }


def test_intermediate_object_depends_on_source_and_format_only():
    name = transfer.intermediate_object(SOURCE)
    assert name == transfer.intermediate_object(SOURCE) and name.startswith("imageops-copy/")
    assert name.endswith(".oci") and transfer.intermediate_object(SOURCE, "QCOW2").endswith(".qcow2")
    assert transfer.intermediate_object(SOURCE.replace("source", "other")) != name


@pytest.mark.parametrize(("uri", "expected"), [
    ("https://objectstorage.eu-frankfurt-1.oraclecloud.com/n/ns/b/bk/o/a%2Fb.oci",
     ("eu-frankfurt-1", "ns", "bk", "a/b.oci")),
    ("https://objectstorage.us-phoenix-1.oraclecloud.com/p/TOKEN/n/ns/b/bk/o/x",
     ("us-phoenix-1", "ns", "bk", "x")),
    ("http://127.0.0.1:9/r/uk-london-1/p/TOKEN/n/ns/b/bk/o/x", ("uk-london-1", "ns", "bk", "x")),
    ("http://127.0.0.1:9/n/ns/b/bk/o/x", ("home-1", "ns", "bk", "x")),
])
def test_object_urls_are_parsed(uri, expected):
    ref = transfer.object_ref_from_uri(uri, "home-1")
    assert (ref.region, ref.namespace, ref.bucket, ref.name) == expected


def test_export_to_rules_name_the_field():
    base = {"compartment_id": COMPARTMENT, "instance_id": "ocid1.instance.oc1.iad.aaaaaaaaexample"}
    with pytest.raises(SpecError) as half:
        OciImageSpec.parse({**base, "export_to": {"bucket_name": "b"}})
    rule = "bucket_name and object_name are required (or destination_uri)"
    assert half.value.errors == [("export_to", rule)]
    with pytest.raises(SpecError) as not_a_url:
        OciImageSpec.parse({**base, "export_to": {"destination_uri": "ftp://x/y"}})
    assert not_a_url.value.errors[0][0] == "export_to"
    with pytest.raises(SpecError) as fmt:
        OciImageSpec.parse(
            {**base, "export_to": {"bucket_name": "b", "object_name": "o", "export_format": "ISO"}}
        )
    assert fmt.value.errors[0][0] == "export_to.export_format"


def test_region_endpoints():
    emulator = {"IMAGEOPS_OCI_ENDPOINT": "http://127.0.0.1:9", "IMAGEOPS_OCI_REGION": "us-ashburn-1",
                "IMAGEOPS_OCI_ENDPOINT_TEMPLATE": "http://127.0.0.1:9/r/{region}"}
    assert region_endpoint("us-ashburn-1", environ=emulator) == "http://127.0.0.1:9"
    assert region_endpoint("eu-frankfurt-1", environ=emulator) == "http://127.0.0.1:9/r/eu-frankfurt-1"
    pinned = {**emulator, "IMAGEOPS_OCI_ENDPOINT_EU_FRANKFURT_1": "http://127.0.0.2:7"}
    assert region_endpoint("eu-frankfurt-1", environ=pinned) == "http://127.0.0.2:7"
    assert region_endpoint("eu-frankfurt-1", environ={}) == "https://iaas.eu-frankfurt-1.oraclecloud.com"
    # derived from a connection's explicit endpoint: OCI's host with the region swapped, or the
    # emulator's prefix on loopback (never a real host for an emulator user)
    real = ("us-ashburn-1", "https://iaas.us-ashburn-1.oraclecloud.com")
    assert region_endpoint("ap-tokyo-1", environ={}, known=real) == "https://iaas.ap-tokyo-1.oraclecloud.com"
    loop = ("eu-frankfurt-1", "http://127.0.0.1:9/r/eu-frankfurt-1")
    assert region_endpoint("uk-london-1", environ={}, known=loop) == "http://127.0.0.1:9/r/uk-london-1"
    assert object_storage_endpoint("https://iaas.ap-tokyo-1.oraclecloud.com") == (
        "https://objectstorage.ap-tokyo-1.oraclecloud.com")
    assert object_storage_endpoint("http://127.0.0.1:9/r/x") == "http://127.0.0.1:9/r/x"


class _ExportRace:
    """A source image whose export (someone else's) ends after ``ends_after`` calls, counting every
    GetImage and HeadObject: the object appears, and the image turns AVAILABLE, at that moment."""

    region = "us-ashburn-1"

    def __init__(self, ends_after: int) -> None:
        self.ends_after, self.calls, self.exports = ends_after, 0, 0
        self.api = self

    def _tick(self) -> bool:  # whether the export had ended when this call was answered
        self.calls += 1
        return self.calls > self.ends_after

    def get(self, image_id: str) -> Image:
        done = self._tick()
        return Image(cloud="oci", id=image_id, state=ImageState.AVAILABLE if done else ImageState.PENDING,
                     raw_state="AVAILABLE" if done else "EXPORTING")

    def head_object(self, namespace: str, bucket: str, name: str) -> dict[str, str] | None:
        return {"etag": "written"} if self._tick() else None

    def wait_for(self, image_id: str, state: ImageState, timeout: float) -> Image:
        self.calls = max(self.calls, self.ends_after)  # waiting lets the export end
        return self.get(image_id)

    def export_image(self, image_id: str, body: dict[str, str], token: str) -> None:
        self.exports += 1


@pytest.mark.parametrize("ends_after", range(4))
def test_an_export_under_way_is_never_repeated_whenever_it_ends(ends_after):
    # Whichever read an export under way ends between, the object is found, not exported again:
    # the image is read first, and the object looked up only once no export is under way (the
    # other order exported twice when the export ended between the lookup and the read).
    race = _ExportRace(ends_after)
    ref = transfer.ObjectRef("us-ashburn-1", "ns", "bucket", transfer.intermediate_object(SOURCE))
    exported = transfer.ensure_exported(race, race, SOURCE, ref, {"exportFormat": "OCI"},  # type: ignore[arg-type]
                                        timeout=5)
    assert (exported, race.exports) == (False, 0)
