"""``regions`` of ``oci_image`` (copies through export and import) and ``outscale_image`` (one OMI per
Region), in real ansible-playbook runs against the emulator."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.timeout(300)


def unique() -> str:
    return f"golden-{uuid.uuid4().hex[:8]}"


def test_oci_fan_out_copies_through_export_and_import(play, emulator):
    """OCI has no copy call: each copy region exports from the source region and imports (copy_from)."""
    name = unique()
    regions = emulator.env["IMAGEOPS_OCI_REGIONS"].split(",")[:3]
    text = f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: golden image everywhere
      imageops.cloud.oci_image:
        compartment_id: "{{{{ lookup('env', 'IMAGEOPS_OCI_COMPARTMENT_ID') }}}}"
        instance_id: "{{{{ lookup('env', 'IMAGEOPS_OCI_INSTANCE_ID') }}}}"
        display_name: {name}
        regions: {regions}
"""
    done = play(text).result("golden image everywhere")
    assert done["changed"] and list(done["regions"]) == regions
    assert all(o["state"] == "AVAILABLE" and o["error"] is None for o in done["regions"].values())
    assert len({o["image_id"] for o in done["regions"].values()}) == 3
    mark = emulator.mark()
    again = play(text)
    assert again.changed == 0
    calls = emulator.calls(since=mark, cloud="oci")
    assert [c["method"] for c in calls] == ["GET"] * 3  # one ListImages per region, no write


def test_outscale_fan_out_one_omi_per_region(play, emulator):
    regions = emulator.env["IMAGEOPS_OUTSCALE_REGIONS"].split(",")[:3]
    text = f"""
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/imageops.cloud.outscale:
      access_key: "{{{{ lookup('env', 'IMAGEOPS_OUTSCALE_ACCESS_KEY') }}}}"
      secret_key: "{{{{ lookup('env', 'IMAGEOPS_OUTSCALE_SECRET_KEY') }}}}"
  tasks:
    - name: golden image everywhere
      imageops.cloud.outscale_image:
        image_name: {unique()}
        vm_id: "{{{{ lookup('env', 'IMAGEOPS_OUTSCALE_VM_ID') }}}}"
        regions: {regions}
"""
    mark = emulator.mark()
    done = play(text).result("golden image everywhere")
    writes = [
        c["action"] for c in emulator.calls(since=mark, cloud="outscale") if c["action"] != "ReadImages"
    ]
    assert writes == ["CreateImage"] * 3
    assert list(done["regions"]) == regions and done["regions"][regions[0]]["source"]
    assert all(o["state"] == "available" and o["changed"] for o in done["regions"].values())
    mark = emulator.mark()
    assert play(text).changed == 0
    assert [c["action"] for c in emulator.calls(since=mark, cloud="outscale")] == ["ReadImages"] * 3
