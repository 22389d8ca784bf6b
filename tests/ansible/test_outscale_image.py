"""imageops.cloud.outscale_image / outscale_image_info through real ansible-playbook runs against the
emulator. Every OUTSCALE call is a POST: the call log's action tells reads (``Read*``) from writes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from ansible_support import BIN, REPO, make_ansible_env

EXAMPLE = REPO / "examples" / "ansible" / "outscale_image.yml"
SEED_ATTRIBUTES = {
    "account_alias",
    "account_id",
    "architecture",
    "block_device_mappings",
    "boot_modes",
    "creation_date",
    "description",
    "file_location",
    "image_id",
    "image_name",
    "image_type",
    "permissions_to_launch",
    "product_codes",
    "root_device_name",
    "root_device_type",
    "secure_boot",
    "state_comment",
    "state",
    "tags",
    "tpm_mandatory",
}

HEADER = """\
- hosts: localhost
  gather_facts: false
  vars:
    vm_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_VM_ID') }}"
    snapshot_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_SNAPSHOT_ID') }}"
    manifest_url: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_MANIFEST_URL') }}"
  tasks:
"""


def osc_env(emulator, **overrides) -> dict[str, str]:
    """An ansible run authenticated as the OUTSCALE CLI would be: OSC_* variables."""
    env = {k: v for k, v in make_ansible_env(emulator).items() if not k.startswith("OSC_")}
    env.update(
        OSC_ACCESS_KEY=emulator.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        OSC_SECRET_KEY=emulator.env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        OSC_REGION=emulator.env["IMAGEOPS_OUTSCALE_REGION"],
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def calls(emulator, mark) -> tuple[list[str], list[str]]:
    """(reads, writes) of the OUTSCALE API since ``mark``, as action names."""
    actions = [str(c["action"]) for c in emulator.calls(since=mark, cloud="outscale")]
    actions = [a for a in actions if not a.startswith("/_emulator")]
    return [a for a in actions if a.startswith("Read")], [a for a in actions if not a.startswith("Read")]


def from_vm(name: str, extra: str = "", *, task: str | None = None) -> str:
    return f"""\
    - name: {task or name}
      imageops.cloud.outscale_image:
        image_name: {name}
        vm_id: "{{{{ vm_id }}}}"
        no_reboot: true
{extra}"""


@pytest.fixture
def osc_play(play, emulator):
    def _play(tasks: str, *args, **kwargs):
        kwargs.setdefault("env", osc_env(emulator))
        return play(HEADER + tasks, *args, **kwargs)

    return _play


@pytest.mark.e2e
def test_example_playbook_twice_second_run_is_one_read_per_image(play, emulator):
    first = play(EXAMPLE)
    assert first.changed == 4 and first.failed == 0
    names = (
        "Create an image (from a VM)",
        "Import an image (register from a manifest file)",
        "Copy an image",
        "Create an image with a Block Storage Unit (BSU) volume",
    )
    for name in names:
        image = first.result(name)["image"]
        assert set(image) >= SEED_ATTRIBUTES, SEED_ATTRIBUTES - set(image)
        assert image["state"] == "available" and image["id"] == image["image_id"]
        assert first.result(name)["action"] == "create"
    bsu = first.result(names[3])["image"]["block_device_mappings"][0]["bsu"]
    assert bsu["volume_type"] == "io1" and bsu["iops"] == 150
    assert first.result(names[1])["image"]["file_location"] == emulator.env["IMAGEOPS_OUTSCALE_MANIFEST_URL"]

    mark = emulator.mark()
    second = play(EXAMPLE)
    assert second.changed == 0
    reads, writes = calls(emulator, mark)
    assert writes == []
    assert reads == ["ReadImages"] * 4
    for name in names:
        assert second.result(name)["image"]["image_id"] == first.result(name)["image"]["image_id"]


@pytest.mark.e2e
def test_diff_mode_and_in_place_update(osc_play, emulator):
    osc_play(from_vm("osc-diffed", "        description: first\n"))
    changed = "        description: second\n        permissions_to_launch: {global_permission: true}\n"
    tasks = from_vm("osc-diffed", changed, task="change") + from_vm(
        "osc-diffed", "        description: first\n", task="as it is"
    )
    mark = emulator.mark()
    run = osc_play(tasks, "--check", "--diff")
    diff = run.result("change")["diff"]
    assert diff["before"]["description"] == "first" and diff["after"]["description"] == "second"
    assert diff["after"]["permissions_to_launch"] == {"global_permission": True}
    assert "second" in run.stdout  # the default callback shows the diff
    assert run.task("as it is")["status"] == "ok"
    assert calls(emulator, mark)[1] == []

    mark = emulator.mark()
    run = osc_play(from_vm("osc-diffed", changed), "--diff")
    result = run.result("osc-diffed")
    assert result["action"] == "update"
    assert result["image"]["description"] == "second"
    assert result["image"]["permissions_to_launch"]["global_permission"] is True
    assert set(calls(emulator, mark)[1]) == {"UpdateImage"}


@pytest.mark.e2e
def test_tags_purge_and_no_purge(osc_play, emulator):
    tags = "        tags:\n          - {key: team, value: images}\n          - {key: owner, value: alice}\n"
    merge = "        tags:\n          - {key: reviewed, value: 'yes'}\n        purge_tags: false\n"
    purge = "        tags:\n          - {key: team, value: platform}\n"
    run = osc_play(
        from_vm("osc-tagged", tags)
        + from_vm("osc-tagged", merge, task="merge")
        + from_vm("osc-tagged", merge, task="merge again")
        + from_vm("osc-tagged", purge, task="purge")
        + from_vm("osc-tagged", "", task="no opinion")
    )
    as_dict = {
        name: {t["key"]: t["value"] for t in run.result(name)["image"]["tags"]}
        for name in ("osc-tagged", "merge", "purge", "no opinion")
    }
    assert as_dict["osc-tagged"] == {"team": "images", "owner": "alice"}
    assert as_dict["merge"] == {"team": "images", "owner": "alice", "reviewed": "yes"}
    assert run.task("merge again")["status"] == "ok"
    assert as_dict["purge"] == {"team": "platform"}
    assert as_dict["no opinion"] == {"team": "platform"} and run.task("no opinion")["status"] == "ok"


@pytest.mark.e2e
def test_delete_twice_then_info(osc_play, emulator):
    osc_play(from_vm("osc-doomed"))
    absent = """\
    - name: delete
      imageops.cloud.outscale_image:
        state: absent
        image_name: osc-doomed
"""
    run = osc_play(absent)
    assert run.changed == 1 and run.result("delete")["action"] == "delete"
    assert run.result("delete")["image"]["image_name"] == "osc-doomed"
    mark = emulator.mark()
    run = osc_play(
        absent + "    - name: info\n      imageops.cloud.outscale_image_info:\n        name: osc-doomed\n"
    )
    assert run.changed == 0 and run.result("delete")["action"] == "noop"
    assert run.result("info")["images"] == []
    assert calls(emulator, mark)[1] == []


@pytest.mark.e2e
def test_info_by_id_name_and_state(osc_play, emulator):
    made = osc_play(from_vm("osc-info")).result("osc-info")["image"]
    run = osc_play(f"""\
    - name: by id
      imageops.cloud.outscale_image_info:
        image_id: {made["image_id"]}
    - name: by name
      imageops.cloud.outscale_image_info:
        image_name: osc-info
        states: [available]
    - name: none failed
      imageops.cloud.outscale_image_info:
        image_name: osc-info
        states: [failed]
""")
    assert [i["image_id"] for i in run.result("by id")["images"]] == [made["image_id"]]
    assert set(run.result("by id")["images"][0]) >= SEED_ATTRIBUTES
    assert [i["image_id"] for i in run.result("by name")["images"]] == [made["image_id"]]
    assert run.result("none failed")["images"] == []


BAD_INPUTS = {
    "short": ("        image_name: ab\n        vm_id: i-12345678\n", "image_name", "3-128"),
    "forbidden": ("        image_name: 'bad*name'\n        vm_id: i-12345678\n", "image_name", "3-128"),
    "two sources": (
        "        image_name: two-sources\n        vm_id: i-12345678\n        source_image_id: ami-12345678\n"
        "        source_region_name: eu-west-2\n",
        "source_image_id",
        "exactly one source",
    ),
    "io1 without iops": (
        "        image_name: no-iops\n        root_device_name: /dev/sda1\n        block_device_mappings:\n"
        "          - {device_name: /dev/sda1, bsu: {snapshot_id: snap-12345678, volume_type: io1}}\n",
        "block_device_mappings.0.bsu.iops",
        "required with volume_type io1",
    ),
    "iops over the ratio": (
        "        image_name: iops-ratio\n        root_device_name: /dev/sda1\n"
        "        block_device_mappings:\n          - device_name: /dev/sda1\n"
        "            bsu: {snapshot_id: snap-12345678, volume_type: io1, volume_size: 10, iops: 3001}\n",
        "block_device_mappings.0.bsu.iops",
        "300 per GiB",
    ),
}


@pytest.mark.e2e
def test_bad_input_fails_naming_option_and_rule_before_any_call(osc_play, emulator):
    tasks = "".join(
        f"    - name: {label}\n      ignore_errors: true\n      imageops.cloud.outscale_image:\n{options}"
        for label, (options, _, _) in BAD_INPUTS.items()
    )
    mark = emulator.mark()
    run = osc_play(tasks)
    for label, (_, option, rule) in BAD_INPUTS.items():
        result = run.result(label)
        assert run.task(label)["status"] == "failed", label
        assert any(e["option"] == option and rule in e["rule"] for e in result["errors"]), (label, result)
        assert option in result["msg"]
    assert emulator.calls(since=mark, cloud="outscale") == []


@pytest.mark.parametrize("module", ["outscale_image", "outscale_image_info"])
def test_ansible_doc_renders(module):
    env = make_ansible_env()
    proc = subprocess.run(
        [str(BIN / "ansible-doc"), f"imageops.cloud.{module}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "OUTSCALE" in proc.stdout and "secret_key" in proc.stdout
    assert "[WARNING]" not in proc.stderr, proc.stderr
    assert sys.executable  # the venv's ansible-doc
