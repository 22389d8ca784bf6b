"""The behaviour the module base gives every module, once per behaviour, for each of the four clouds.

Each test is a real ``ansible-playbook`` run (one per cloud where the behaviour allows) against one
emulator; what differs between clouds (option names, sources, auth) is in ``shared_clouds``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from held_answers import CLIENT_TIMEOUT, answers_held_after_writes
from shared_clouds import CLOUDS, make_images

pytestmark = [pytest.mark.timeout(300), pytest.mark.e2e]


@pytest.fixture(params=sorted(CLOUDS))
def cloud(request):
    return CLOUDS[request.param]


@pytest.fixture
def run(play, emulator, cloud):
    """``run(tasks, *args, **play_keys)``: a playbook of ``cloud`` authenticated as its CLI would be."""

    def _run(tasks, *args, env=None, expect_rc=0, **play_keys):
        return play(
            cloud.playbook(tasks, **play_keys), *args, env=env or cloud.env(emulator), expect_rc=expect_rc
        )

    return _run


def test_check_mode_does_the_lookup_and_predicts_changed_with_no_write(run, cloud, emulator, monkeypatch):
    prefix = f"{cloud.name}-check"
    make_images(cloud, emulator, monkeypatch, 1, prefix=prefix)
    name, tags = f"{prefix}-000", {"batch": prefix, "number": "0"}
    mark = emulator.mark()
    checked = run(
        [
            cloud.task("create", f"{name}-new", tags=tags),
            cloud.task("update", name, tags={**tags, "number": "1"}),
            cloud.task("as it is", name, tags=tags),
            cloud.info("info new", **{cloud.name_option: f"{name}-new"}),
            cloud.info("info existing", **{cloud.name_option: name}),
        ],
        "--check",
    )
    reads, writes = cloud.calls(emulator, mark)
    assert writes == [], writes
    assert len(reads) >= 5  # every task looked the image up (OUTSCALE also reads the account once)
    assert checked.task("create")["status"] == "changed"
    assert checked.result("create")["action"] == "create" and checked.result("create")["image"] == {}
    assert checked.task("update")["status"] == "changed" and checked.result("update")["action"] == "update"
    assert checked.task("as it is")["status"] == "ok"
    assert checked.changed == 2
    assert checked.result("info new")["images"] == []
    [existing] = checked.result("info existing")["images"]
    assert cloud.tags_of(existing) == tags


def test_diff_mode_returns_before_and_after_of_the_managed_fields(run, cloud):
    name = f"{cloud.name}-diffed"
    done = run(
        [cloud.task("create", name, tags={"team": "a"}), cloud.task("retag", name, tags={"team": "b"})],
        "--diff",
    )
    diff = done.result("retag")["diff"]
    assert cloud.tags_of({cloud.tag_option: diff["before"][cloud.tag_option]}) == {"team": "a"}
    assert cloud.tags_of({cloud.tag_option: diff["after"][cloud.tag_option]}) == {"team": "b"}
    assert diff["before"][cloud.name_option] == diff["after"][cloud.name_option] == name
    assert cloud.tags_of(done.result("retag")["image"]) == {"team": "b"}
    assert "team" in done.stdout  # the default callback prints the diff
    created = done.result("create")["diff"]
    assert not created["before"] and created["after"][cloud.name_option] == name


def test_empty_tags_purge_or_keep(run, cloud):
    name = f"{cloud.name}-purged"
    done = run(
        [
            cloud.task("create", name, tags={"a": "1", "b": "2"}),
            cloud.task("keep", name, tags={}, purge_tags=False),
            cloud.task("purge", name, tags={}, purge_tags=True),
        ]
    )
    assert done.task("keep")["status"] == "ok"
    assert cloud.tags_of(done.result("keep")["image"]) == {"a": "1", "b": "2"}
    assert done.task("purge")["status"] == "changed"
    assert cloud.tags_of(done.result("purge")["image"]) == {}


def test_wait_timeout_fails_changed_with_the_id_and_last_state(run, cloud):
    name = f"{cloud.name}-impatient"
    task = {
        "name": "impatient",
        cloud.module: {cloud.name_option: name, **cloud.slow_source, "wait_timeout": 0},
    }
    done = run(
        [
            dict(task, ignore_errors=True, register="impatient"),
            cloud.info("adopted", image_id="{{ impatient.image_id }}"),
        ]
    )
    failed = done.task("impatient")
    assert failed["status"] == "failed"
    result = failed["result"]
    assert result["changed"] is True
    assert result["image_id"] and result["image_id"] in result["msg"]
    assert result["last_state"] and result["last_state"] in result["msg"]
    assert result["image"] == {"id": result["image_id"], "state": result["last_state"]}
    # the image is there for a later run (or the info module) to pick up
    assert [i["id"] for i in done.result("adopted")["images"]] == [result["image_id"]]


# A source the cloud does not know: the create passes every check of ours and is refused by the cloud.
UNKNOWN_SOURCE = {
    "oci": {
        "instance_id": "ocid1.instance.oc1.iad.aaaaaaaanosuchinstance0000000000000000000000000000000000000"
    },
    "outscale": {"vm_id": "i-00000000"},
    "alicloud": {"instance_id": "i-bp1nosuchinstance00"},
    "aws": {"source_instance_id": "i-0000000000000000f"},
}


def test_a_write_the_cloud_refused_is_not_a_change(run, cloud, emulator):
    mark = emulator.mark()
    task = cloud.task("refused", f"{cloud.name}-refused")
    task[cloud.module].update(UNKNOWN_SOURCE[cloud.name])
    done = run([dict(task, ignore_errors=True)])
    failed = done.task("refused")
    assert failed["status"] == "failed"
    result = failed["result"]
    assert result["changed"] is False  # the cloud said no: nothing was made
    assert 400 <= result["error"]["status"] < 500 and result["error"]["code"]
    _, writes = cloud.calls(emulator, mark)
    assert writes and all(400 <= c["status"] < 500 for c in writes)  # it was sent, and refused


# OUTSCALE's and AWS's CreateImage have no retry token: after a lost answer the driver looks for what
# the attempt made, by name, and adopts it (the outcome becomes known). OCI and ECS retry with their
# token (the same image each time) until the attempts run out, and the outcome stays unknown.
ADOPTS_A_LOST_CREATE = {"outscale", "aws"}


def test_a_write_whose_outcome_is_unknown_stays_a_change(run, cloud, emulator):
    """The create reaches the cloud, which makes the image, but no answer comes before the client's
    timeout: the task says changed, since something may have been made (and was), with the id where
    the run could learn it."""
    name = f"{cloud.name}-unanswered"
    endpoint_var = f"IMAGEOPS_{cloud.name.upper()}_ENDPOINT"
    with answers_held_after_writes(emulator, emulator.env[endpoint_var]) as proxy:
        mark = emulator.mark()
        env = cloud.env(emulator, **{endpoint_var: proxy, "IMAGEOPS_HTTP_TIMEOUT": str(CLIENT_TIMEOUT)})
        done = run([dict(cloud.task("unanswered", name), ignore_errors=True)], env=env)
    task = done.task("unanswered")
    result = task["result"]
    assert result["changed"] is True, result  # the outcome was unknown: it may have changed something
    _, writes = cloud.calls(emulator, mark)
    creates = [c for c in writes if c.get("action") == "CreateImage"]
    assert creates and all(200 <= c["status"] < 300 for c in writes), writes  # the cloud did the work
    if cloud.name in ADOPTS_A_LOST_CREATE:
        assert task["status"] == "changed", result
        assert result["image"]["id"] and result["image"][cloud.name_option] == name
        assert len(creates) == 1
    else:
        assert task["status"] == "failed", result
        assert "ReadTimeout" in result["msg"], result["msg"]
        assert len(creates) > 1  # retried with the token, every answer lost


def test_an_update_or_delete_whose_outcome_is_unknown_stays_a_change_naming_the_image(run, cloud, emulator):
    """An in-place update (a tag change) and a delete of an image that was found both reach the cloud,
    which does the work, but no answer comes before the client's timeout: each task fails with
    ``changed: true`` and the image's id (``image_id``, ``image.id``, and in the message), which the
    core knew from the lookup."""
    name = f"{cloud.name}-unanswered-existing"
    created = run([cloud.task("create", name, tags={"team": "a"})]).result("create")["image"]
    image_id = created[cloud.id_key]
    endpoint_var = f"IMAGEOPS_{cloud.name.upper()}_ENDPOINT"
    absent = {
        cloud.name_option: name,
        "state": "absent",
        **{k: v for k, v in cloud.source.items() if k == "compartment_id"},
    }
    with answers_held_after_writes(emulator, emulator.env[endpoint_var]) as proxy:
        mark = emulator.mark()
        env = cloud.env(emulator, **{endpoint_var: proxy, "IMAGEOPS_HTTP_TIMEOUT": str(CLIENT_TIMEOUT)})
        done = run(
            [
                dict(cloud.task("update", name, tags={"team": "b"}), ignore_errors=True),
                dict({"name": "delete", cloud.module: absent}, ignore_errors=True),
            ],
            env=env,
        )
    for title in ("update", "delete"):
        task = done.task(title)
        result = task["result"]
        assert task["status"] == "failed", (title, result)
        assert result["changed"] is True, (title, result)  # the outcome was unknown: it may have changed
        assert result["image_id"] == image_id and result["image"] == {"id": image_id}, (title, result)
        assert result["msg"].startswith(f"image {image_id}: ") and "ReadTimeout" in result["msg"], result
    _, written = cloud.calls(emulator, mark)
    assert written and 200 <= written[0]["status"] < 300, written  # the cloud did the update...
    after = run([cloud.info("after", image_id=image_id)], env=cloud.env(emulator)).result("after")
    assert after["images"] == [], after  # ... and the delete


def test_absent_of_a_missing_image_is_not_a_change(run, cloud, emulator):
    mark = emulator.mark()
    done = run(
        [
            {
                "name": "absent",
                cloud.module: {
                    "state": "absent",
                    cloud.name_option: f"{cloud.name}-never",
                    **{k: v for k, v in cloud.source.items() if k == "compartment_id"},
                },
            }
        ]
    )
    assert done.task("absent")["status"] == "ok"
    assert done.result("absent")["changed"] is False and done.result("absent")["action"] == "noop"
    assert cloud.calls(emulator, mark)[1] == []


def _python_without_imageops(tmp_path: Path) -> str:
    """An interpreter that cannot import the core: this venv's Python without its site-packages."""
    wrapper = tmp_path / "python-without-imageops"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -S "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def test_auth_error_is_one_clear_message_and_missing_core_says_so(run, cloud, tmp_path):
    wrong = cloud.with_secret("Wrong-Secret-0001")
    done = run(
        [
            dict(cloud.info("wrong secret", **cloud.secret_scope, **wrong), ignore_errors=True),
            dict(
                cloud.task("no core", f"{cloud.name}-no-core"),
                ignore_errors=True,
                vars={"ansible_python_interpreter": _python_without_imageops(tmp_path)},
            ),
        ]
    )
    failed = done.task("wrong secret")
    assert failed["status"] == "failed"
    msg = failed["result"]["msg"]
    # no Python traceback (ansible-core fills "exception" with a placeholder when a module gives none)
    assert "Traceback" not in msg and "Traceback" not in str(failed["result"].get("exception")), failed

    assert len(msg.splitlines()) == 1 and len(msg) < 600, msg
    # the cloud's own words: a signature/authentication error, or the key that cannot be decrypted
    assert any(w in msg.lower() for w in ("auth", "signature", "pass_phrase", "secret", "key")), msg
    no_core = done.task("no core")
    assert no_core["status"] == "failed"
    assert "Failed to import the required Python library (imageops)" in no_core["result"]["msg"]


def test_vvvv_never_shows_a_secret(run, cloud, emulator):
    secret = cloud.secret(emulator)
    env = cloud.env(emulator, GOOD_SECRET=secret, BAD_SECRET="Planted-Wrong-Secret-0042")
    good = cloud.with_secret("{{ lookup('ansible.builtin.env', 'GOOD_SECRET') }}")
    bad = cloud.with_secret("{{ lookup('ansible.builtin.env', 'BAD_SECRET') }}")
    done = run(
        [
            cloud.info("good", **cloud.secret_scope, **good),
            dict(cloud.info("bad", **cloud.secret_scope, **bad), ignore_errors=True),
        ],
        "-vvvv",
        env=env,
    )
    assert done.task("good")["status"] == "ok" and done.task("bad")["status"] == "failed"
    everything = done.output + done.results_json
    # -vvvv really was verbose: each task's arguments were shown back (masked), on either path
    assert done.output.count('"module_args"') >= 2
    assert secret not in everything and "Planted-Wrong-Secret-0042" not in everything


PAGE = 100  # ECS's largest DescribeImages page; 101 images span two of them
#: The largest page each driver asks for (OCI ListImages and OUTSCALE ReadImages allow 1000).
LARGEST_PAGE = {"oci": 1000, "outscale": 1000, "alicloud": PAGE, "aws": 1000}


def test_info_filters_by_id_name_and_tags_across_pages(run, cloud, emulator, monkeypatch):
    made = make_images(cloud, emulator, monkeypatch, PAGE + 1, prefix=f"{cloud.name}-paged")
    mark = emulator.mark()
    done = run(
        [
            cloud.info("all tagged", tags={"batch": f"{cloud.name}-paged"}),
            cloud.info("one tag value", tags={"batch": f"{cloud.name}-paged", "number": "100"}),
            cloud.info("any value", tags={"number": ""}),
            cloud.info("by name", **{cloud.name_option: f"{cloud.name}-paged-007"}),
            cloud.info("by id", image_id=made[3]),
            cloud.info("no match", tags={"batch": "other"}),
        ]
    )
    listed = [call for call in cloud.calls(emulator, mark)[0] if "Image" in str(call.get("action"))]
    assert sorted(i["id"] for i in done.result("all tagged")["images"]) == sorted(made)
    if LARGEST_PAGE[cloud.name] <= PAGE:
        assert len(listed) > 6  # the listings went past the first page
    else:  # one page each: the driver asks for the largest page (bench/listing.py pages past 1000)
        assert len(listed) == 6
    assert [i["id"] for i in done.result("one tag value")["images"]] == [made[100]]
    any_value = done.result("any value")["images"]  # (other tests' images may carry "number" too)
    assert {i["id"] for i in any_value} >= set(made)
    assert all("number" in cloud.tags_of(i) for i in any_value)
    assert [i["id"] for i in done.result("by name")["images"]] == [made[7]]
    assert [i["id"] for i in done.result("by id")["images"]] == [made[3]]
    assert done.result("no match")["images"] == []


def test_module_defaults_group_supplies_auth_to_every_module(run, cloud, emulator, tmp_path):
    env = cloud.env(
        emulator, HOME=str(tmp_path), **{name: None for name in (*cloud.credential_env, *cloud_cli_names())}
    )
    defaults = {
        option: f"{{{{ lookup('ansible.builtin.env', 'AUTH_{option.upper()}') }}}}"
        for option in cloud.auth_options
    }
    env.update({f"AUTH_{option.upper()}": emulator.env[var] for option, var in cloud.auth_options.items()})
    name = f"{cloud.name}-defaults"
    tasks = [cloud.task("create", name), cloud.info("info", **{cloud.name_option: name})]
    done = run(tasks, env=env, module_defaults={cloud.group: defaults})
    image_id = done.result("create")["image"]["id"]
    assert [i["id"] for i in done.result("info")["images"]] == [image_id]
    # the same tasks without the defaults find no credentials: the defaults did the work
    without = run([dict(t, ignore_errors=True) for t in tasks], env=env)
    assert [t["status"] for t in without.tasks] == ["failed", "failed"]


def cloud_cli_names():
    return (
        "OCI_CONFIG_FILE",
        "OSC_ACCESS_KEY",
        "OSC_SECRET_KEY",
        "OSC_REGION",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_REGION_ID",
    )
