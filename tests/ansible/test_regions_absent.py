"""``regions`` of alicloud_image: ``state=absent`` across regions, and bad ``regions`` refused before any
call, in real ansible-playbook runs against the emulator."""

from __future__ import annotations

import uuid

import pytest

from imageops.alicloud import AlicloudImageSpec
from imageops.fanout import connector, fan_out

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


def unique() -> str:
    return f"golden-{uuid.uuid4().hex[:8]}"


def ecs_writes(emulator, mark) -> list[str]:
    actions = [str(c["action"]) for c in emulator.calls(since=mark, cloud="alicloud")]
    return [a for a in actions if not a.startswith("Describe")]


def test_absent_deletes_from_every_region(play, emulator):
    env, name = emulator.env, unique()
    spec = AlicloudImageSpec.parse({"image_name": name, "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]})
    connect = connector(
        "alicloud",
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    )
    assert fan_out(spec, REGIONS, connect).failed == []  # the images, made through the core
    absent = playbook(
        f"""
- name: gone everywhere
  imageops.cloud.alicloud_image:
    image_name: {name}
    state: absent
    regions: {[*REGIONS, "cn-qingdao"]}
"""
    )
    mark = emulator.mark()
    gone = play(absent).result("gone everywhere")
    assert ecs_writes(emulator, mark) == ["DeleteImage"] * 3
    assert {r: o["action"] for r, o in gone["regions"].items()} == {
        **dict.fromkeys(REGIONS, "delete"), "cn-qingdao": "noop",
    }  # fmt: skip
    assert gone["diff"] == {"before": {"regions": REGIONS}, "after": {"regions": []}}
    mark = emulator.mark()
    assert play(absent).changed == 0 and ecs_writes(emulator, mark) == []


BAD = {
    "repeated": (
        ["cn-hangzhou", "cn-hangzhou"],
        "",
        "regions: each region may appear once; repeated: cn-hangzhou",
    ),
    "malformed": (["cn-hangzhou", "Not-A-Region"], "", "regions.1: must be a region ID"),
    "no workers": (REGIONS, "max_parallel: 0", "max_parallel: must be a whole number of at least 1"),
    "with an id": (
        REGIONS,
        "image_id: m-bp1abcdefghijklmnopq",
        "regions and image_id are mutually exclusive",
    ),
}


def test_bad_regions_fail_before_any_call(play, emulator):
    tasks = "".join(
        f"""
- name: {case}
  imageops.cloud.alicloud_image:
    image_name: {unique()}
    instance_id: i-bp1abcdefghijklmnopq
    regions: {regions}
    {extra}
  ignore_errors: true
"""
        for case, (regions, extra, _message) in BAD.items()
    )
    mark = emulator.mark()
    run = play(playbook(tasks))
    for case, (_regions, _extra, message) in BAD.items():
        failed = run.result(case)
        assert run.task(case)["status"] == "failed" and message in failed["msg"], (case, failed["msg"])
        assert not failed["changed"]
    assert emulator.calls(since=mark, cloud="alicloud") == []
