"""``regions`` of the neutral ``imageops.cloud.image`` module on all three clouds, in real
ansible-playbook runs against the emulator: one image built in the first region and copied to the
others, a re-run with exactly one read per region and no write, check mode exact, a failing region
named while the others are kept, and ``state=absent`` across the regions. Calls counted exactly from
the emulator's call log."""

from __future__ import annotations

import uuid

import pytest

from imageops.emulator.testing import is_read

pytestmark = [pytest.mark.timeout(300), pytest.mark.e2e]

CLOUDS = ("oci", "outscale", "alicloud")
TASK = "golden image everywhere"
INSTANCE = {
    "oci": "IMAGEOPS_OCI_INSTANCE_ID",
    "outscale": "IMAGEOPS_OUTSCALE_VM_ID",
    "alicloud": "IMAGEOPS_ALICLOUD_INSTANCE_ID",
}
REGIONS = {
    "oci": "IMAGEOPS_OCI_REGIONS",
    "outscale": "IMAGEOPS_OUTSCALE_REGIONS",
    "alicloud": "IMAGEOPS_ALICLOUD_REGIONS",
}


def env(name: str) -> str:
    return f"{{{{ lookup('ansible.builtin.env', '{name}') }}}}"


def three_regions(emulator, cloud: str) -> list[str]:
    return emulator.env[REGIONS[cloud]].split(",")[:3]


def task(cloud: str, name: str, regions: list[str], extra: str = "") -> str:
    options = f'{{compartment_id: "{env("IMAGEOPS_OCI_COMPARTMENT_ID")}"}}' if cloud == "oci" else "{}"
    return f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: {TASK}
      imageops.cloud.image:
        cloud: {cloud}
        name: {name}
        source:
          instance:
            id: "{env(INSTANCE[cloud])}"
        tags: {{team: images}}
        cloud_options: {options}
        outscale_auth:
          access_key: "{env("IMAGEOPS_OUTSCALE_ACCESS_KEY")}"
          secret_key: "{env("IMAGEOPS_OUTSCALE_SECRET_KEY")}"
        regions: {regions}
{extra}"""


def reads_writes(emulator, mark: int, cloud: str) -> tuple[list[dict], list[dict]]:
    calls = [
        c for c in emulator.calls(since=mark, cloud=cloud) if not str(c.get("path", "")).startswith("/_")
    ]
    return [c for c in calls if is_read(c)], [c for c in calls if not is_read(c)]


def unique() -> str:
    return f"golden-{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("cloud", CLOUDS)
def test_fan_out_check_create_rerun_and_absent(play, emulator, cloud: str) -> None:
    name, regions = unique(), three_regions(emulator, cloud)
    text = task(cloud, name, regions)

    # check mode: each region would be created, nothing is written
    mark = emulator.mark()
    checked = play(text, "--check").result(TASK)
    assert checked["changed"] and reads_writes(emulator, mark, cloud)[1] == []
    assert {r: o["action"] for r, o in checked["regions"].items()} == dict.fromkeys(regions, "create")
    assert checked["diff"] == {"before": {"regions": []}, "after": {"regions": regions}}

    # the real run: built in the first region, copied to the two others
    done = play(text).result(TASK)
    assert done["changed"] and list(done["regions"]) == regions
    assert [o["source"] for o in done["regions"].values()] == [True, False, False]
    assert all(o["action"] == "create" and o["error"] is None for o in done["regions"].values())
    ids = [o["image_id"] for o in done["regions"].values()]
    assert len(set(ids)) == 3 and all(ids)
    # the image result is the neutral view of the source region's image
    assert (done["image"]["cloud"], done["image"]["name"], done["image"]["id"]) == (cloud, name, ids[0])
    assert done["image"]["state"] == "available" and done["image"]["tags"] == {"team": "images"}

    # a re-run: exactly one read per region, no write, nothing changed; check mode says the same
    mark = emulator.mark()
    again = play(text)
    reads, writes = reads_writes(emulator, mark, cloud)
    assert again.changed == 0 and (len(reads), writes) == (3, [])
    assert [o["image_id"] for o in again.result(TASK)["regions"].values()] == ids
    rechecked = play(text, "--check").result(TASK)
    assert not rechecked["changed"] and rechecked["diff"]["before"] == {"regions": regions}

    # absent across the regions: one delete each; then nothing left to delete
    absent = task(cloud, name, regions, "        state: absent\n")
    mark = emulator.mark()
    gone = play(absent).result(TASK)
    assert gone["changed"] and len(reads_writes(emulator, mark, cloud)[1]) == 3
    assert {r: o["action"] for r, o in gone["regions"].items()} == dict.fromkeys(regions, "delete")
    mark = emulator.mark()
    assert play(absent).changed == 0 and reads_writes(emulator, mark, cloud)[1] == []


def test_a_failing_region_is_named_and_the_others_are_kept(play, emulator) -> None:
    name = unique()
    regions = three_regions(emulator, "alicloud")
    mark = emulator.mark()
    run = play(task("alicloud", name, [*regions[:2], "cn-atlantis"]), expect_rc=2)
    failed = run.result(TASK)
    assert run.task(TASK)["status"] == "failed" and failed["changed"]
    assert failed["failed_regions"] == ["cn-atlantis"]
    assert "1 of 3 regions failed (cn-atlantis: " in failed["msg"] and "the other 2 are kept" in failed["msg"]
    kept = {r: failed["regions"][r]["image_id"] for r in regions[:2]}
    assert all(kept.values())
    assert [c["action"] for c in reads_writes(emulator, mark, "alicloud")[1]] == ["CreateImage", "CopyImage"]

    # the corrected run finds the kept images and only copies to the region still missing
    mark = emulator.mark()
    fixed = play(task("alicloud", name, regions)).result(TASK)
    assert [c["action"] for c in reads_writes(emulator, mark, "alicloud")[1]] == ["CopyImage"]
    assert {r: fixed["regions"][r]["image_id"] for r in regions[:2]} == kept
    assert [r for r, o in fixed["regions"].items() if o["changed"]] == [regions[2]]


def test_bad_regions_are_refused_by_name_before_any_call(play, emulator) -> None:
    text = task("outscale", unique(), ["eu-west-2", "eu-west-2"], "        max_parallel: 0\n")
    mark = emulator.mark()
    refused = play(text, expect_rc=2).result(TASK)
    assert refused["changed"] is False
    rules = {e["option"]: e["rule"] for e in refused["errors"]}
    assert "repeated: eu-west-2" in rules["regions"] and "at least 1" in rules["max_parallel"]
    assert [c for c in emulator.calls(since=mark) if not str(c.get("path", "")).startswith("/_")] == []
