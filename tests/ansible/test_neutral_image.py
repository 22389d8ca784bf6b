"""Acceptance: one playbook (examples/ansible/neutral_image.yml) makes the same neutral image on OCI,
OUTSCALE and Alibaba Cloud with imageops.cloud.image, and a second run changes nothing: changed=0, no
write call, exactly one read call per image (counted in the emulator's call log).

Also the module's own behaviour where it differs from the per-cloud modules: check and diff modes
under neutral names, options refused under the names written in the task before any API call,
state=absent, and the auth block's secret never shown, even at -vvvv.
"""

from __future__ import annotations

import textwrap

import pytest
from ansible_support import REPO

from imageops.emulator.testing import is_read

pytestmark = [pytest.mark.timeout(300), pytest.mark.e2e]

PLAYBOOK = REPO / "examples" / "ansible" / "neutral_image.yml"
CLOUDS = ("oci", "outscale", "alicloud")
GOLDEN_TAGS = {"role": "web", "release": "2024.06"}


def api_calls(emulator, mark: int) -> list[dict]:
    return [c for c in emulator.calls(since=mark) if not str(c.get("path", "")).startswith("/_emulator")]


def by_cloud(calls: list[dict]) -> dict[str, tuple[int, int]]:
    """cloud -> (reads, writes)."""
    return {
        cloud: (
            sum(1 for c in calls if c["cloud"] == cloud and is_read(c)),
            sum(1 for c in calls if c["cloud"] == cloud and not is_read(c)),
        )
        for cloud in CLOUDS
    }


def golden_images(run) -> dict[str, dict]:
    results = run.result("The golden image, on each cloud")["results"]
    return {item["item"]["cloud"]: item["image"] for item in results}


def test_the_playbook_makes_the_same_image_on_three_clouds_and_a_rerun_changes_nothing(play, emulator):
    mark = emulator.mark()
    first = play(PLAYBOOK)
    assert first.changed == 1 and first.failed == 0
    reads_writes = by_cloud(api_calls(emulator, mark))
    assert all(writes >= 1 for _reads, writes in reads_writes.values()), reads_writes
    made = golden_images(first)
    assert sorted(made) == sorted(CLOUDS)
    for cloud, image in made.items():
        assert (image["cloud"], image["name"], image["state"]) == (cloud, "golden-web", "available")
        assert image["tags"] == GOLDEN_TAGS
    creates = [c for c in api_calls(emulator, mark) if c.get("action") == "CreateImage"]
    assert sorted(c["cloud"] for c in creates) == sorted(CLOUDS)  # one create per cloud, no more

    mark = emulator.mark()
    second = play(PLAYBOOK)
    assert (second.changed, second.failed) == (0, 0)
    assert by_cloud(api_calls(emulator, mark)) == {cloud: (1, 0) for cloud in CLOUDS}
    again = golden_images(second)
    assert {c: i["id"] for c, i in again.items()} == {c: i["id"] for c, i in made.items()}
    assert all(
        item["action"] == "noop" for item in second.result("The golden image, on each cloud")["results"]
    )


def test_check_and_diff_modes_speak_neutral_names(play, emulator):
    task = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: Retag
          imageops.cloud.image:
            cloud: alicloud
            name: neutral-check
            source:
              instance:
                id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_ALICLOUD_INSTANCE_ID') }}"
            tags:
              stage: "{{ stage }}"
    """
    play(task, "-e", "stage=one")
    mark = emulator.mark()
    checked = play(task, "-e", "stage=two", "--check", "--diff")
    result = checked.result("Retag")
    assert result["changed"] is True and result["action"] == "update"
    assert result["diff"]["before"]["tags"] == {"stage": "one"}
    assert result["diff"]["after"]["tags"] == {"stage": "two"}
    assert "name" in result["diff"]["before"] and "image_name" not in result["diff"]["before"]
    assert by_cloud(api_calls(emulator, mark))["alicloud"] == (1, 0)  # one read, no write
    assert result["image"]["tags"] == {"stage": "one"}  # in check mode, the image as found


def test_invalid_options_fail_under_their_neutral_names_before_any_call(play, emulator):
    task = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: Bad
          imageops.cloud.image:
            cloud: oci
            name: neutral-bad
            description: not on oci
            source:
              snapshot:
                id: snap-12345678
            cloud_options:
              launch_mode: FAST
    """
    mark = emulator.mark()
    run = play(task, expect_rc=2)
    result = run.result("Bad")
    options = {e["option"]: e["rule"] for e in result["errors"]}
    assert set(options) == {
        "description",
        "source.snapshot",
        "cloud_options.compartment_id",
        "cloud_options.launch_mode",
    }, options
    assert "oci cannot build an image from a snapshot" in options["source.snapshot"]
    assert result["changed"] is False
    assert api_calls(emulator, mark) == []


def test_state_absent_deletes_once(play, emulator):
    task = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: Image
          imageops.cloud.image:
            cloud: outscale
            name: neutral-gone
            state: "{{ wanted }}"
            source:
              snapshot:
                id: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_SNAPSHOT_ID') }}"
            outscale_auth:
              access_key: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_ACCESS_KEY') }}"
              secret_key: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_SECRET_KEY') }}"
              region: "{{ lookup('ansible.builtin.env', 'IMAGEOPS_OUTSCALE_REGION') }}"
    """
    made = play(task, "-e", "wanted=present").result("Image")
    assert made["image"]["attributes"]["root_device_name"] == "/dev/sda1"
    mark = emulator.mark()
    gone = play(task, "-e", "wanted=absent").result("Image")
    assert (gone["changed"], gone["action"], gone["image"]["id"]) == (True, "delete", made["image"]["id"])
    deletes = [c for c in api_calls(emulator, mark) if c.get("action") == "DeleteImage"]
    assert len(deletes) == 1
    mark = emulator.mark()
    still = play(task, "-e", "wanted=absent").result("Image")
    assert (still["changed"], still["action"]) == (False, "noop")
    assert by_cloud(api_calls(emulator, mark))["outscale"] == (1, 0)


def test_the_auth_block_secret_is_never_shown(play, emulator, ansible_env):
    secret = emulator.env["IMAGEOPS_OUTSCALE_SECRET_KEY"]
    playbook = textwrap.dedent(
        f"""
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: With explicit credentials
              imageops.cloud.image:
                cloud: outscale
                name: neutral-secret
                source:
                  instance:
                    id: "{emulator.env["IMAGEOPS_OUTSCALE_VM_ID"]}"
                outscale_auth:
                  access_key: "{emulator.env["IMAGEOPS_OUTSCALE_ACCESS_KEY"]}"
                  secret_key: "{secret}"
                  region: "{emulator.env["IMAGEOPS_OUTSCALE_REGION"]}"
        """
    )
    run = play(playbook, "-vvvv")
    assert run.result("With explicit credentials")["image"]["name"] == "neutral-secret"
    assert secret not in run.output
    assert secret not in run.results_json
