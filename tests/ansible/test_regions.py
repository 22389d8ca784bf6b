"""``regions`` (fan-out) and ``progress`` of the managing modules, in real ansible-playbook runs against
the emulator; ECS calls counted exactly from its call log."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.timeout(300)

HEADER = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/imageops.cloud.alicloud:
      alicloud_access_key: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_ACCESS_KEY_ID') }}"
      alicloud_secret_key: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET') }}"
      alicloud_region: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_REGION') }}"
  tasks:
"""
REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing"]


def playbook(task: str) -> str:
    return HEADER + "\n".join("    " + line for line in task.strip("\n").splitlines()) + "\n"


def fan_out_task(name: str, regions: list[str], extra: str = "") -> str:
    return playbook(
        f"""
- name: golden image everywhere
  imageops.cloud.alicloud_image:
    image_name: {name}
    instance_id: "{{{{ lookup('env', 'IMAGEOPS_ALICLOUD_INSTANCE_ID') }}}}"
    tags: {{team: images}}
    regions: {regions}
{extra}"""
    )


def ecs_calls(emulator, mark) -> tuple[list[str], list[str]]:
    actions = [str(c["action"]) for c in emulator.calls(since=mark, cloud="alicloud")]
    reads = [a for a in actions if a.startswith("Describe")]
    return reads, [a for a in actions if not a.startswith("Describe")]


def unique() -> str:
    return f"golden-{uuid.uuid4().hex[:8]}"


def test_check_mode_then_fan_out_then_a_rerun_changes_nothing(play, emulator):
    text = fan_out_task(unique(), REGIONS)
    mark = emulator.mark()
    checked = play(text, "--check").result("golden image everywhere")
    assert checked["changed"] and ecs_calls(emulator, mark)[1] == []
    assert {r: o["action"] for r, o in checked["regions"].items()} == dict.fromkeys(REGIONS, "create")
    assert checked["diff"] == {"before": {"regions": []}, "after": {"regions": REGIONS}}

    mark = emulator.mark()
    done = play(text).result("golden image everywhere")
    assert ecs_calls(emulator, mark)[1] == ["CreateImage", "CopyImage", "CopyImage"]
    assert done["changed"] and list(done["regions"]) == REGIONS
    assert done["regions"]["cn-hangzhou"]["source"] and done["image"]["region"] == "cn-hangzhou"
    assert all(o["state"] == "Available" and o["error"] is None for o in done["regions"].values())
    assert len({o["image_id"] for o in done["regions"].values()}) == 3
    # progress: the state changes of every region, each entry naming its region
    assert {e["region"] for e in done["progress"]} == set(REGIONS)
    assert all(e["image_id"] == done["regions"][e["region"]]["image_id"] for e in done["progress"])

    mark = emulator.mark()
    again = play(text)
    assert again.changed == 0
    assert ecs_calls(emulator, mark) == (["DescribeImages"] * 3, [])  # one lookup a region
    rechecked = play(text, "--check").result("golden image everywhere")
    assert not rechecked["changed"] and rechecked["diff"]["before"] == {"regions": REGIONS}


def test_a_failing_region_fails_the_task_and_keeps_the_others(play, emulator):
    name = unique()
    mark = emulator.mark()
    run = play(fan_out_task(name, [*REGIONS[:2], "cn-atlantis"]), expect_rc=2)
    assert run.task("golden image everywhere")["status"] == "failed"
    failed = run.result("golden image everywhere")
    assert failed["changed"]
    assert failed["failed_regions"] == ["cn-atlantis"]
    assert (
        "1 of 3 regions failed (cn-atlantis: DescribeImages failed: InvalidRegionId.NotFound" in failed["msg"]
    )
    assert "the other 2 are kept" in failed["msg"]
    assert failed["regions"]["cn-atlantis"]["error_code"] == "InvalidRegionId.NotFound"
    kept = {r: failed["regions"][r]["image_id"] for r in REGIONS[:2]}
    assert all(kept.values()) and ecs_calls(emulator, mark)[1] == ["CreateImage", "CopyImage"]

    # the corrected run: the kept regions are found, only the region still missing acts
    mark = emulator.mark()
    fixed = play(fan_out_task(name, REGIONS)).result("golden image everywhere")
    assert ecs_calls(emulator, mark)[1] == ["CopyImage"]
    assert [r for r, o in fixed["regions"].items() if o["changed"]] == ["cn-beijing"]
    assert {r: fixed["regions"][r]["image_id"] for r in REGIONS[:2]} == kept


def test_absent_deletes_from_every_region(play, emulator):
    name = unique()
    play(fan_out_task(name, REGIONS[:2]))
    absent = playbook(
        f"""
- name: gone everywhere
  imageops.cloud.alicloud_image:
    image_name: {name}
    state: absent
    regions: {REGIONS}
"""
    )
    mark = emulator.mark()
    gone = play(absent).result("gone everywhere")
    assert ecs_calls(emulator, mark)[1] == ["DeleteImage", "DeleteImage"]
    assert {r: o["action"] for r, o in gone["regions"].items()} == {
        "cn-hangzhou": "delete", "cn-shanghai": "delete", "cn-beijing": "noop",
    }  # fmt: skip
    assert gone["diff"] == {"before": {"regions": REGIONS[:2]}, "after": {"regions": []}}
    assert play(absent).changed == 0


@pytest.mark.parametrize(
    ("regions", "extra", "message"),
    [
        (["cn-hangzhou", "cn-hangzhou"], "", "regions: each region may appear once; repeated: cn-hangzhou"),
        (["cn-hangzhou", "Not-A-Region"], "", "regions.1: must be a region ID"),
        (REGIONS, "    max_parallel: 0", "max_parallel: must be a whole number of at least 1"),
        (REGIONS, "    image_id: m-bp1abcdefghijklmnopq", "regions and image_id are mutually exclusive"),
    ],
)
def test_bad_regions_fail_before_any_call(play, emulator, regions, extra, message):
    mark = emulator.mark()
    failed = play(fan_out_task(unique(), regions, extra), expect_rc=2).result("golden image everywhere")
    assert message in failed["msg"] and not failed["changed"]
    assert emulator.calls(since=mark, cloud="alicloud") == []


def test_progress_is_returned_and_shown_at_v(play, emulator):
    task = playbook(
        f"""
- name: one image
  imageops.cloud.alicloud_image:
    image_name: {unique()}
    instance_id: "{{{{ lookup('env', 'IMAGEOPS_ALICLOUD_INSTANCE_ID') }}}}"
"""
    )
    run = play(task, "-v")
    result = run.result("one image")
    progress = result["progress"]
    assert progress[-1]["state"] == "Available" and progress[-1]["percent"] == 100
    assert progress[0]["status"] == "pending" and len(progress) >= 2
    assert [e["elapsed"] for e in progress] == sorted(e["elapsed"] for e in progress)
    lines = [line for line in run.stdout.splitlines() if "imageops progress:" in line]
    assert len(lines) == len(progress)  # one line per state change
    image_id = result["image"]["id"]
    assert lines[-1].startswith(f"<localhost> imageops progress: {image_id} Available 100% after ")
    # without -v, the progress is in the result but no line is printed
    quiet = play(task.replace(task.split("image_name: ")[1].split("\n")[0], unique()))
    assert quiet.result("one image")["progress"] and "imageops progress:" not in quiet.stdout
    # a converged run waits for nothing: no progress
    assert play(task).result("one image")["progress"] == []


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
