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
    name = unique()
    text = fan_out_task(name, REGIONS)
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
