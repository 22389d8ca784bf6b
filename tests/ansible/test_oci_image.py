"""imageops.cloud.oci_image / oci_image_info through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEED_ATTRIBUTES = {
    "base_image_id",
    "compartment_id",
    "create_image_allowed",
    "defined_tags",
    "display_name",
    "freeform_tags",
    "id",
    "launch_mode",
    "launch_options",
    "operating_system",
    "operating_system_version",
    "size_in_mbs",
    "state",
    "time_created",
}
LAUNCH_OPTIONS = {"boot_volume_type", "firmware", "network_type", "remote_data_volume_type"}

HEADER = """\
- hosts: localhost
  gather_facts: false
  vars:
    compartment_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_COMPARTMENT_ID') }}"
    instance_id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_INSTANCE_ID') }}"
    namespace: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_NAMESPACE') }}"
    bucket: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_BUCKET') }}"
    object: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_OBJECT') }}"
    object_uri: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OCI_OBJECT_URI') }}"
  tasks:
"""


def playbook(tasks: str) -> str:
    """A playbook with the seeded ids as vars; ``tasks`` is YAML indented by four spaces."""
    return HEADER + tasks


def from_instance(name: str, extra: str = "", *, task: str | None = None, register: str = "") -> str:
    """A task creating (or updating) image ``name`` from the seeded instance; ``extra``: more options."""
    registered = f"      register: {register}\n" if register else ""
    task = f"""\
    - name: {task or name}
{registered}      imageops.cloud.oci_image:
        compartment_id: "{{{{ compartment_id }}}}"
        instance_id: "{{{{ instance_id }}}}"
        display_name: {name}
"""
    return task + extra


def test_create_from_instance_then_rerun_is_one_read_no_write(play, emulator, calls_between):
    tasks = from_instance(
        "from-instance",
        """\
        launch_mode: NATIVE
        freeform_tags: {Department: Finance}
        defined_tags: {"Operations.CostCenter": "42"}
""",
    )
    first = play(playbook(tasks))
    assert first.changed == 1
    result = first.result("from-instance")
    image = result["image"]
    assert set(image) >= SEED_ATTRIBUTES, SEED_ATTRIBUTES - set(image)
    assert set(image["launch_options"]) >= LAUNCH_OPTIONS
    assert image["state"] == "AVAILABLE"
    assert image["id"].startswith("ocid1.image.")
    assert image["display_name"] == "from-instance"
    assert image["launch_mode"] == "NATIVE"
    assert image["freeform_tags"] == {"Department": "Finance"}
    assert image["defined_tags"] == {"Operations.CostCenter": "42"}
    assert result["action"] == "create"

    mark = emulator.mark()
    second = play(playbook(tasks))
    assert second.changed == 0
    assert second.result("from-instance")["image"]["id"] == image["id"]
    reads, writes = calls_between(emulator, mark)
    assert len(reads) == 1, reads
    assert writes == []


def test_check_and_diff_mode_on_an_existing_image(play, emulator, calls_between):
    play(playbook(from_instance("diffed", "        freeform_tags: {Team: QA}\n")))

    tasks = from_instance("diffed", "        freeform_tags: {Team: Ops}\n", task="retag") + from_instance(
        "diffed", "        freeform_tags: {Team: QA}\n", task="as it is"
    )
    mark = emulator.mark()
    run = play(playbook(tasks), "--check", "--diff")
    assert run.task("retag")["status"] == "changed"
    diff = run.result("retag")["diff"]
    assert diff["before"]["freeform_tags"] == {"Team": "QA"}
    assert diff["after"]["freeform_tags"] == {"Team": "Ops"}
    assert diff["before"]["display_name"] == diff["after"]["display_name"] == "diffed"
    assert "Ops" in run.stdout and "QA" in run.stdout  # the default callback shows the diff
    # an unchanged image in check mode: exact prediction, no change (check mode wrote nothing)
    assert run.task("as it is")["status"] == "ok"
    assert run.changed == 1
    _, writes = calls_between(emulator, mark)
    assert writes == []


def test_tags_update_merge_and_purge(play, emulator):
    merge = "        freeform_tags: {Reviewed: 'yes'}\n        purge_tags: false\n"
    tasks = (
        from_instance("tagged", "        freeform_tags: {Department: Finance, Owner: alice}\n")
        + from_instance("tagged", "        freeform_tags: {Department: Sales, Owner: alice}\n", task="update")
        + from_instance("tagged", merge, task="merge")
        + from_instance("tagged", merge, task="merge again")
        + from_instance("tagged", "        freeform_tags: {}\n", task="purge")
    )
    run = play(playbook(tasks), "--diff")
    assert run.task("update")["status"] == "changed"
    assert run.result("update")["diff"]["after"]["freeform_tags"] == {"Department": "Sales", "Owner": "alice"}
    assert run.result("update")["image"]["freeform_tags"] == {"Department": "Sales", "Owner": "alice"}
    assert run.result("update")["action"] == "update"
    assert run.result("merge")["image"]["freeform_tags"] == {
        "Department": "Sales",
        "Owner": "alice",
        "Reviewed": "yes",
    }
    assert run.task("merge again")["status"] == "ok"
    assert run.task("purge")["status"] == "changed"
    assert run.result("purge")["image"]["freeform_tags"] == {}
    ids = {run.result(n)["image"]["id"] for n in ("tagged", "update", "merge", "purge")}
    assert len(ids) == 1


def test_import_from_object_storage_tuple_and_uri(play, emulator):
    imports = """\
    - name: tuple
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        display_name: imported-tuple
        launch_mode: PARAVIRTUALIZED
        image_source_details:
          source_type: objectStorageTuple
          namespace_name: "{{ namespace }}"
          bucket_name: "{{ bucket }}"
          object_name: "{{ object }}"
          source_image_type: QCOW2
    - name: uri
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        display_name: imported-uri
        image_source_details:
          source_type: objectStorageUri
          source_uri: "{{ object_uri }}"
          source_image_type: QCOW2
          operating_system: Oracle Linux
          operating_system_version: "9"
"""
    again = imports.replace("name: tuple", "name: tuple again").replace("name: uri", "name: uri again")
    run = play(playbook(imports + again))
    for name in ("tuple", "uri"):
        assert run.task(name)["status"] == "changed"
        image = run.result(name)["image"]
        assert image["state"] == "AVAILABLE"
        assert set(image) >= SEED_ATTRIBUTES
        assert run.task(f"{name} again")["status"] == "ok"
        assert run.result(f"{name} again")["image"]["id"] == image["id"]
    assert run.result("tuple")["image"]["launch_mode"] == "PARAVIRTUALIZED"
    assert run.changed == 2


def test_delete_then_delete_again(play, emulator):
    tasks = (
        from_instance("doomed", register="created")
        + """\
    - name: delete by name
      imageops.cloud.oci_image:
        state: absent
        compartment_id: "{{ compartment_id }}"
        display_name: doomed
    - name: delete by name again
      imageops.cloud.oci_image:
        state: absent
        compartment_id: "{{ compartment_id }}"
        display_name: doomed
    - name: delete by id again
      imageops.cloud.oci_image:
        state: absent
        image_id: "{{ created.image.id }}"
    - name: info by id
      imageops.cloud.oci_image_info:
        image_id: "{{ created.image.id }}"
"""
    )
    run = play(playbook(tasks))
    image_id = run.result("doomed")["image"]["id"]
    assert run.task("delete by name")["status"] == "changed"
    assert run.result("delete by name")["action"] == "delete"
    assert run.result("delete by name")["image"]["id"] == image_id
    assert run.task("delete by name again")["status"] == "ok"
    assert run.task("delete by id again")["status"] == "ok"
    assert run.result("info by id")["images"] == []


def test_replace_only_field_needs_allow_replace(play, emulator):
    tasks = (
        from_instance("replaced", "        launch_mode: NATIVE\n")
        + """\
    - name: refused
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        instance_id: "{{ instance_id }}"
        display_name: replaced
        launch_mode: EMULATED
      ignore_errors: true
    - name: allowed
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        instance_id: "{{ instance_id }}"
        display_name: replaced
        launch_mode: EMULATED
        allow_replace: true
"""
    )
    run = play(playbook(tasks))
    refused = run.task("refused")
    assert refused["status"] == "failed"
    assert "launch_mode" in refused["result"]["msg"] and "allow_replace" in refused["result"]["msg"]
    assert refused["result"]["changed"] is False
    allowed = run.result("allowed")
    assert allowed["action"] == "replace"
    assert allowed["image"]["launch_mode"] == "EMULATED"
    assert allowed["image"]["id"] != run.result("replaced")["image"]["id"]


def test_two_images_with_one_name_are_an_error_not_a_guess(play, emulator):
    tasks = (
        from_instance("twin-a", register="a")
        + from_instance("twin-b", register="b")
        + from_instance("twin-a", '        image_id: "{{ b.image.id }}"\n', task="rename b to a")
        + from_instance("twin-a", "      ignore_errors: true\n", task="ambiguous")
    )
    run = play(playbook(tasks))
    assert run.result("rename b to a")["image"]["display_name"] == "twin-a"
    ambiguous = run.task("ambiguous")
    assert ambiguous["status"] == "failed"
    ids = {run.result("twin-a")["image"]["id"], run.result("twin-b")["image"]["id"]}
    assert set(ambiguous["result"]["image_ids"]) == ids
    assert all(i in ambiguous["result"]["msg"] for i in ids)
    assert ambiguous["result"]["changed"] is False


def test_wait_timeout_fails_changed_with_the_image_id(play, emulator):
    run = play(
        playbook("""\
    - name: no patience
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        display_name: slow-import
        image_source_details:
          source_type: objectStorageUri
          source_uri: "{{ object_uri }}"
        wait_timeout: 0
      ignore_errors: true
    - name: no wait
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        display_name: no-wait-import
        image_source_details:
          source_type: objectStorageUri
          source_uri: "{{ object_uri }}"
        wait: false
""")
    )
    failed = run.task("no patience")
    assert failed["status"] == "failed"
    assert failed["result"]["changed"] is True
    assert failed["result"]["image_id"].startswith("ocid1.image.")
    assert failed["result"]["image_id"] in failed["result"]["msg"]
    assert run.result("no wait")["image"]["state"] == "IMPORTING"


INVALID = {
    # task name: (options, the option the message must name)
    "bad launch_mode": ('instance_id: "{{ instance_id }}"\n        launch_mode: SPEEDY', "launch_mode"),
    "tuple without its fields": (
        "image_source_details: {source_type: objectStorageTuple, bucket_name: b}",
        "image_source_details",
    ),
    "two sources": (
        'instance_id: "{{ instance_id }}"\n'
        "        image_source_details: {source_type: objectStorageUri, source_uri: 'http://x/y'}",
        "instance_id",
    ),
    "bad ocid": ("instance_id: not-an-ocid", "instance_id"),
    "bad tag key": ('instance_id: "{{ instance_id }}"\n        freeform_tags: {"": empty}', "freeform_tags"),
    "data volumes without instance": (
        "should_include_data_volumes: true\n        image_source_details: "
        "{source_type: objectStorageUri, source_uri: 'http://x/y'}",
        "should_include_data_volumes",
    ),
}


def _python_without_imageops(env) -> str | None:
    base = Path(sys.base_prefix) / "bin" / "python3"
    if not base.exists():
        return None
    probe = subprocess.run([str(base), "-c", "import imageops"], env=env, capture_output=True)
    return None if probe.returncode == 0 else str(base)


def test_invalid_input_fails_naming_the_field_without_api_calls(play, emulator, ansible_env):
    bare_python = _python_without_imageops(ansible_env(emulator))
    tasks = (
        "".join(
            f"""\
    - name: {name}
      imageops.cloud.oci_image:
        compartment_id: "{{{{ compartment_id }}}}"
        display_name: invalid
        {options}
      ignore_errors: true
"""
            for name, (options, _) in INVALID.items()
        )
        + """\
    - name: every problem at once
      imageops.cloud.oci_image:
        compartment_id: not-a-compartment
        display_name: invalid
        instance_id: "{{ instance_id }}"
        image_source_details: {source_type: objectStorageTuple, bucket_name: b}
      ignore_errors: true
    - name: absent without compartment
      imageops.cloud.oci_image:
        state: absent
        display_name: invalid
      ignore_errors: true
    - name: present without name or id
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        instance_id: "{{ instance_id }}"
      ignore_errors: true
"""
    )
    if bare_python:
        tasks += f"""\
    - name: without the imageops library
      imageops.cloud.oci_image:
        compartment_id: "{{{{ compartment_id }}}}"
        instance_id: "{{{{ instance_id }}}}"
        display_name: no-library
      vars:
        ansible_python_interpreter: {bare_python}
      ignore_errors: true
"""
    mark = emulator.mark()
    run = play(playbook(tasks))
    for name, (_, option) in INVALID.items():
        task = run.task(name)
        assert task["status"] == "failed", name
        assert option in task["result"]["msg"], (name, task["result"]["msg"])
    every = run.result("every problem at once")
    assert {"compartment_id", "image_source_details"} <= {e["option"] for e in every["errors"]}, every
    assert "compartment_id" in run.result("absent without compartment")["msg"]
    assert "display_name" in run.result("present without name or id")["msg"]
    if bare_python:
        msg = run.result("without the imageops library")["msg"]
        assert "imageops" in msg and "required" in msg.lower(), msg
    assert emulator.calls(since=mark, cloud="oci") == []


def test_missing_credentials_fail_cleanly(play, emulator, ansible_env):
    env = ansible_env(emulator, IMAGEOPS_OCI_CONFIG_FILE=None, OCI_CONFIG_FILE=None)
    run = play(
        playbook("""\
    - name: no credentials
      imageops.cloud.oci_image_info:
        compartment_id: "{{ compartment_id }}"
        config_file_location: /nonexistent/oci/config
"""),
        env=env,
        expect_rc=2,
    )
    result = run.result("no credentials")
    assert "/nonexistent/oci/config" in result["msg"]
    assert "Traceback" not in result["msg"]
