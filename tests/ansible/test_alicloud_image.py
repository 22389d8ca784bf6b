"""imageops.cloud.alicloud_image / alicloud_image_info in real ansible-playbook runs against the emulator.

ECS is an RPC API (every call a GET or POST), so reads and writes are told apart by action name.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from ansible_support import BIN, REPO

EXAMPLE = REPO / "examples" / "ansible" / "alicloud_image.yml"
MODULES = ("alicloud_image", "alicloud_image_info")

pytestmark = pytest.mark.timeout(300)

# Credentials for every task: from the emulator's variables, as a user would from a vault.
HEADER = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/imageops.cloud.alicloud:
      alicloud_access_key: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_ACCESS_KEY_ID') }}"
      alicloud_secret_key: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET') }}"
      alicloud_region: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_REGION') }}"
  vars:
    instance_id: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_INSTANCE_ID') }}"
    snapshot_id: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_SNAPSHOT_ID') }}"
  tasks:
"""


def calls(emulator, mark) -> tuple[list[str], list[str]]:
    """(read actions, write actions) the ECS API received since ``mark``."""
    actions = [str(c["action"]) for c in emulator.calls(since=mark, cloud="alicloud")]
    actions = [a for a in actions if a != "None"]
    reads = [a for a in actions if a.startswith("Describe")]
    return reads, [a for a in actions if not a.startswith("Describe")]


def tasks(text: str) -> str:
    return HEADER + "\n".join("    " + line for line in text.strip("\n").splitlines()) + "\n"


@pytest.mark.e2e
def test_example_playbook_converges_then_reads_once_per_task(play, emulator):
    first = play(EXAMPLE)
    assert first.changed == 4, first.output[-3000:]
    web = first.result("Describe the web image and mark it reviewed (in place, other tags kept)")
    assert web["image"]["tags"] == {"ManagedBy": "ansible", "Reviewed": "yes"}
    assert web["image"]["description"] == "The web tier, reviewed"
    copied = first.result("Copy of the imported image in the other region")
    imported = first.result("Image imported from an OSS object")
    assert copied["image"]["id"] != imported["image"]["id"] and copied["image"]["status"] == "Available"
    mark = emulator.mark()
    second = play(EXAMPLE)
    assert second.changed == 0, second.output[-3000:]
    reads, writes = calls(emulator, mark)
    assert writes == [] and len(reads) == 4  # one DescribeImages per managing task

    # check mode on the converged images: nothing written, the change predicted
    mark = emulator.mark()
    run = play(
        tasks("""
- imageops.cloud.alicloud_image:
    instance_id: "{{ instance_id }}"
    image_name: example-web
    tags: {Owner: qa}
    purge_tags: false
  register: out
"""),
        "--check",
        "--diff",
    )
    out = run.tasks[0]["result"]
    assert out["changed"] and out["action"] == "update"
    assert out["diff"]["after"]["tags"] == {"ManagedBy": "ansible", "Reviewed": "yes", "Owner": "qa"}
    assert "Owner" in run.stdout  # diff mode prints the change
    assert calls(emulator, mark)[1] == []

    # and the info module sees the three images (two in this region)
    info = play(tasks("- imageops.cloud.alicloud_image_info: {status: Available}"))
    names = sorted(i["image_name"] for i in info.tasks[0]["result"]["images"])
    assert names == ["example-imported", "example-web"]
    play(EXAMPLE, "--tags", "cleanup")
    assert play(tasks("- imageops.cloud.alicloud_image_info: {}")).tasks[0]["result"]["images"] == []


@pytest.mark.e2e
def test_create_check_mode_tags_purge_and_delete_twice(play, emulator):
    create = """
- imageops.cloud.alicloud_image:
    snapshot_id: "{{ snapshot_id }}"
    image_name: ansible-snap
    tags: {a: "1", b: "2"}
"""
    mark = emulator.mark()
    run = play(tasks(create), "--check")
    assert run.tasks[0]["result"]["changed"] and run.tasks[0]["result"]["action"] == "create"
    reads, writes = calls(emulator, mark)
    assert writes == [] and len(reads) == 1
    assert play(tasks(create)).changed == 1

    run = play(
        tasks("""
- imageops.cloud.alicloud_image:
    snapshot_id: "{{ snapshot_id }}"
    image_name: ansible-snap
    tags: {c: "3"}
    purge_tags: false
- imageops.cloud.alicloud_image:
    snapshot_id: "{{ snapshot_id }}"
    image_name: ansible-snap
    tags: {c: "3"}
""")
    )
    merged, purged = (t["result"]["image"]["tags"] for t in run.tasks)
    assert merged == {"a": "1", "b": "2", "c": "3"} and purged == {"c": "3"}

    delete = """
- imageops.cloud.alicloud_image: {state: absent, image_name: ansible-snap}
"""
    first, second = play(tasks(delete)), play(tasks(delete))
    assert first.changed == 1 and first.tasks[0]["result"]["image"]["image_name"] == "ansible-snap"
    assert second.changed == 0 and second.tasks[0]["result"]["action"] == "noop"


def test_bad_input_fails_per_rule_before_any_call(play, emulator):
    cases = {
        "image_name: a": ("image_name", "2 to 128"),
        "image_name: aliyun-web": ("image_name", "acs: or aliyun"),
        "image_name: 1web": ("image_name", "start with a letter"),
        "{image_name: web, description: 'https://x.example'}": ("description", "http"),
        "{image_name: web, image_family: 'acs:family'}": ("image_family", "acs: or aliyun"),
        "{image_name: web, snapshot_id: s-bp1x}": ("snapshot_id", "mutually exclusive"),
        "{image_name: web, resource_group_id: group}": ("resource_group_id", "rg-"),
        "{image_name: web, license_type: BYOL}": ("license_type", "import_from"),
    }
    disks_two_systems = [{"snapshot_id": "s-bp1a", "disk_type": "system"}] * 2
    disks_too_many = [{"snapshot_id": "s-bp1a", "disk_type": "data"}] * 17
    body = []
    for args in cases:
        source = "instance_id: i-bp1example" if not args.startswith("{") else None
        line = f"{{instance_id: i-bp1example, {args[1:-1]}}}" if source is None else f"{{{source}, {args}}}"
        body.append(f"- imageops.cloud.alicloud_image: {line}\n  ignore_errors: true")
    for disks in (disks_two_systems, disks_too_many, [{"snapshot_id": "s-bp1a", "size": 40000}]):
        mapping = json.dumps({"image_name": "web", "disk_device_mapping": disks})
        body.append(f"- imageops.cloud.alicloud_image: {mapping}\n  ignore_errors: true")
    mark = emulator.mark()
    run = play(tasks("\n".join(body)))
    assert emulator.calls(since=mark, cloud="alicloud") == []
    assert [t["status"] for t in run.tasks] == ["failed"] * len(run.tasks)
    results = [t["result"] for t in run.tasks]
    for (option, rule), result in zip(cases.values(), results, strict=False):
        assert any(e["option"] == option and rule in e["rule"] for e in result["errors"]), result["msg"]
    two, many, size = results[len(cases) :]
    assert "at most one disk of disk_type system" in two["msg"]
    assert "at most 16" in many["msg"]
    assert "disk_device_mapping.0.size" in size["msg"]


def test_deprecated_name_alias_warns(play, emulator):
    run = play(
        tasks("""
- imageops.cloud.alicloud_image:
    snapshot_id: "{{ snapshot_id }}"
    name: ansible-old-name
- imageops.cloud.alicloud_image: {state: absent, image_name: ansible-old-name}
""")
    )
    created = run.tasks[0]["result"]
    assert created["image"]["image_name"] == "ansible-old-name"
    notes = [str(d.get("msg", d)) for d in created.get("deprecations") or []]
    assert any("'name'" in note for note in notes), created


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders(module, ansible_env):
    proc = subprocess.run(
        [str(BIN / "ansible-doc"), "--json", f"imageops.cloud.{module}"],
        capture_output=True,
        text=True,
        env=ansible_env(None),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)[f"imageops.cloud.{module}"]
    assert doc["doc"]["options"] and doc["return"] and doc["examples"]
    assert "alicloud_secret_key" in doc["doc"]["options"]


@pytest.mark.e2e
def test_timeouts_bound_the_wait_and_the_next_run_adopts(play, emulator):
    import_task = """
- imageops.cloud.alicloud_image:
    image_name: ansible-timeouts
    import_from:
      oss_bucket: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_OSS_BUCKET') }}"
      oss_object: "{{ lookup('env', 'IMAGEOPS_ALICLOUD_OSS_OBJECT') }}"
      format: QCOW2
    timeouts: {create: "%s"}
  register: out
  ignore_errors: true
"""
    task = play(tasks(import_task % "0.3s")).tasks[0]
    short = task["result"]
    assert task["status"] == "failed" and short["changed"], task
    assert short["image_id"].startswith("m-") and "after 0.3s" in short["msg"]
    mark = emulator.mark()
    task = play(tasks(import_task % "1h30m")).tasks[0]
    again = task["result"]
    assert task["status"] == "ok" and not again["changed"], task
    assert again["image"]["id"] == short["image_id"] and again["image"]["status"] == "Available"
    reads, writes = calls(emulator, mark)
    assert writes == [] and reads
    task = play(tasks(import_task % "ten minutes")).tasks[0]
    assert task["status"] == "failed" and "timeouts.create" in task["result"]["msg"], task


@pytest.mark.e2e
def test_image_from_a_disk_device_mapping_then_nothing_to_change(play, emulator):
    create = """
- imageops.cloud.alicloud_image:
    image_name: ansible-disks
    architecture: x86_64
    disk_device_mapping:
      - snapshot_id: "{{ snapshot_id }}"
        disk_type: system
  register: out
"""
    first = play(tasks(create))
    assert first.changed == 1, first.output[-3000:]
    image = first.tasks[0]["result"]["image"]
    assert image["status"] == "Available"
    assert [d["disk_type"] for d in image["disk_device_mapping"]] == ["system"]
    mark = emulator.mark()
    second = play(tasks(create))
    assert second.changed == 0, second.output[-3000:]
    reads, writes = calls(emulator, mark)
    assert writes == [] and len(reads) == 1
    delete = "- imageops.cloud.alicloud_image: {state: absent, image_name: ansible-disks}"
    assert play(tasks(delete)).changed == 1
