"""``progress`` of the managing modules: returned, and printed at ``-v`` by their action plugins, in
real ansible-playbook runs against the emulator."""

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


def playbook(task: str) -> str:
    return HEADER + "\n".join("    " + line for line in task.strip("\n").splitlines()) + "\n"


def unique() -> str:
    return f"progress-{uuid.uuid4().hex[:8]}"


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
