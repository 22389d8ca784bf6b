"""imageops.cloud.oci_image copy_from and export_to, through real ansible-playbook runs."""

from __future__ import annotations

import uuid

from test_oci_image import from_instance, playbook

DEST = "eu-frankfurt-1"


def actions(emulator, mark) -> list[str]:
    return [c["action"] for c in emulator.calls(since=mark, cloud="oci")]


def copy_task(name: str, source_var: str, *, task: str, extra: str = "") -> str:
    return f"""\
    - name: {task}
      imageops.cloud.oci_image:
        region: {DEST}
        compartment_id: "{{{{ compartment_id }}}}"
        display_name: {name}
        copy_from:
          source_image_id: "{{{{ {source_var}.image.id }}}}"
          source_region: "{{{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_REGION') }}}}"
{extra}"""


def test_copy_check_mode_then_copy_then_rerun_changes_nothing(play, emulator):
    src, name = f"src-{uuid.uuid4().hex[:6]}", f"copy-{uuid.uuid4().hex[:6]}"
    source = from_instance(src, register="source")
    tasks = source + copy_task(name, "source", task="copy")
    play(playbook(source))  # the source exists, so that check mode has its id
    mark = emulator.mark()
    checked = play(playbook(tasks), "--check")
    check = checked.result("copy")
    assert check["changed"] is True and check["action"] == "create"
    assert "ExportImage" not in actions(emulator, mark) and "CreateBucket" not in actions(emulator, mark)

    mark = emulator.mark()
    first = play(playbook(tasks))
    result = first.result("copy")
    assert result["changed"] is True and result["action"] == "create"
    image = result["image"]
    assert image["state"] == "AVAILABLE" and ".fra." in image["id"] and image["display_name"] == name
    log = emulator.calls(since=mark, cloud="oci")
    assert [c["action"] for c in log].count("ExportImage") == 1
    creates = [c["path"] for c in log if c["action"] == "CreateImage"]
    assert creates.count(f"/r/{DEST}/20160918/images") == 1

    mark = emulator.mark()
    again = play(playbook(tasks), "--diff")
    assert again.changed == 0
    assert again.result("copy")["image"]["id"] == image["id"]
    assert actions(emulator, mark).count("ExportImage") == 0
    dest_writes = [c for c in emulator.calls(since=mark, cloud="oci") if c["method"] != "GET"]
    assert dest_writes == []


def test_copy_of_another_tenancys_image_fails_naming_the_option(play, emulator):
    name = f"theirs-{uuid.uuid4().hex[:6]}"
    tasks = f"""\
    - name: their image
      register: theirs
      imageops.cloud.oci_image:
        config_profile_name: OTHER
        compartment_id: "{{{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_OTHER_COMPARTMENT_ID') }}}}"
        instance_id: "{{{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_OTHER_INSTANCE_ID') }}}}"
        display_name: {name}
""" + copy_task(f"stolen-{name}", "theirs", task="copy", extra="      ignore_errors: true\n")
    mark = emulator.mark()
    run = play(playbook(tasks))
    result = run.result("copy")
    assert run.task("copy")["status"] == "failed" and result["changed"] is False
    assert "copy_from.source_image_id" in result["msg"] and result["error"]["status"] == 404
    log = emulator.calls(since=mark, cloud="oci")
    ours = [c for c in log if c["action"] in ("ExportImage", "CreateBucket")]
    assert ours == []


def test_invalid_copy_options_fail_before_any_call(play, emulator):
    tasks = """\
    - name: bad region
      ignore_errors: true
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        display_name: copy
        copy_from:
          source_image_id: ocid1.image.oc1.iad.aaaaaaaaexample
          source_region: Ashburn
    - name: no name
      ignore_errors: true
      imageops.cloud.oci_image:
        image_id: ocid1.image.oc1.iad.aaaaaaaaexample
        compartment_id: "{{ compartment_id }}"
        copy_from:
          source_image_id: ocid1.image.oc1.iad.aaaaaaaaexample
          source_region: us-ashburn-1
"""
    mark = emulator.mark()
    run = play(playbook(tasks))
    for task, option in (("bad region", "copy_from.source_region"), ("no name", "display_name")):
        assert run.task(task)["status"] == "failed"
        assert [e["option"] for e in run.result(task)["errors"]] == [option]
    assert emulator.calls(since=mark, cloud="oci") == []


def test_export_to_check_mode_export_and_rerun(play, emulator):
    name = f"exp-{uuid.uuid4().hex[:6]}"
    create = from_instance(name, task="create")
    export = from_instance(name, task="export", extra=f"""\
        export_to:
          bucket_name: "{{{{ bucket }}}}"
          object_name: {name}.qcow2
          export_format: QCOW2
""")
    play(playbook(create))
    mark = emulator.mark()
    checked = play(playbook(export), "--check").result("export")
    # the export is part of the plan: an in-place change of the existing image
    assert checked["changed"] is True and checked["exported"] is True and checked["action"] == "update"
    assert "ExportImage" not in actions(emulator, mark)

    mark = emulator.mark()
    done = play(playbook(export)).result("export")
    assert done["changed"] is True and done["exported"] is True
    assert done["export_object"]["object_name"] == f"{name}.qcow2"
    assert done["image"]["state"] == "AVAILABLE"
    assert actions(emulator, mark).count("ExportImage") == 1

    mark = emulator.mark()
    again = play(playbook(export)).result("export")
    assert again["changed"] is False and again["exported"] is False
    assert "ExportImage" not in actions(emulator, mark)
    checked_again = play(playbook(export), "--check").result("export")
    assert checked_again["changed"] is False
