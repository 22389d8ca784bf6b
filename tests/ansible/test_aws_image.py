"""imageops.cloud.aws_image and aws_image_info against the emulator's EC2 (moto behind our call log):
every source and in-place option converges and a re-run is one read per image and no write; check
mode sees exactly what a real run does; bad input fails before any call; no secret key or session
token at -vvvv."""

from __future__ import annotations

import json

import pytest

from imageops.aws.schema import ATTRIBUTES
from imageops.emulator.testing import is_read

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

TOKEN = "IQoJb3JpZ2luX2VjEPlanted-Ansible-Session-Token-Heron-2718"


def aws_env(emulator, **extra):
    from ansible_support import make_ansible_env

    from imageops.emulator.testing import cli_environment

    return make_ansible_env(emulator, **{**cli_environment(emulator.env), **extra})


def playbook(emulator, tasks: list[dict]) -> str:
    env = emulator.env
    variables = {
        "instance_id": env["IMAGEOPS_AWS_INSTANCE_ID"],
        "snapshot_id": env["IMAGEOPS_AWS_SNAPSHOT_ID"],
        "other_account_id": env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"],
        "region": env["IMAGEOPS_AWS_REGION"],
    }
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "vars": variables, "tasks": tasks}])


def every_input() -> list[dict]:
    return [
        {
            "name": "from an instance",
            "register": "made",
            "imageops.cloud.aws_image": {
                "name": "ansible-aws-made",
                "source_instance_id": "{{ instance_id }}",
                "snapshot_without_reboot": True,
                "description": "made",
                "tags": {"env": "test"},
                "deprecation_time": "2031-01-01T00:00:00Z",
                "launch_permissions": {"account_ids": ["{{ other_account_id }}"]},
            },
        },
        {
            "name": "registered",
            "imageops.cloud.aws_image": {
                "name": "ansible-aws-registered",
                "root_device_name": "/dev/xvda",
                "virtualization_type": "hvm",
                "architecture": "x86_64",
                "ena_support": True,
                "boot_mode": "uefi",
                "tpm_support": "v2.0",
                "imds_support": "v2.0",
                "ebs_block_device": [
                    {"device_name": "/dev/xvda", "snapshot_id": "{{ snapshot_id }}", "volume_type": "gp3"}
                ],
                "ephemeral_block_device": [{"device_name": "/dev/sdb", "virtual_name": "ephemeral0"}],
            },
        },
        {
            "name": "copied",
            "imageops.cloud.aws_image": {
                "name": "ansible-aws-copied",
                "region": "us-west-2",
                "source_ami_id": "{{ made.image.image_id }}",
                "source_ami_region": "{{ region }}",
                "encrypted": True,
            },
        },
    ]


def test_every_source_converges_then_a_rerun_reads_once_per_image_and_check_mode_is_exact(play, emulator):
    env = aws_env(emulator)
    first = play(playbook(emulator, every_input()), env=env)
    assert first.changed == 3 and first.failed == 0
    made = first.result("from an instance")["image"]
    assert set(made) >= {a.name for a in ATTRIBUTES}
    assert made["deprecation_time"].startswith("2031-01-01T00:00")
    assert first.result("registered")["image"]["tpm_support"] == "v2.0"
    copied = first.result("copied")["image"]
    assert copied["source_image_id"] == made["image_id"] and copied["ebs_block_devices"][0]["encrypted"]

    mark = emulator.mark()
    second = play(playbook(emulator, every_input()), "--check", env=env)
    assert second.changed == 0
    calls = [c for c in emulator.calls(since=mark, cloud="aws")]
    assert [c for c in calls if not is_read(c)] == []
    # one DescribeImages per image, and one DescribeImageAttribute for the launch permissions
    assert sorted(c["action"] for c in calls) == sorted(["DescribeImages"] * 3 + ["DescribeImageAttribute"])

    # check mode sees a tag change (and says which), and writes nothing
    retag = every_input()[:1]
    retag[0]["imageops.cloud.aws_image"]["tags"] = {"env": "prod"}
    mark = emulator.mark()
    checked = play(playbook(emulator, retag), "--check", "--diff", env=env)
    assert checked.changed == 1 and checked.result("from an instance")["action"] == "update"
    assert checked.result("from an instance")["diff"]["after"]["tags"] == {"env": "prod"}
    assert [c for c in emulator.calls(since=mark, cloud="aws") if not is_read(c)] == []

    cleanup = [
        {"name": n, "imageops.cloud.aws_image": {"name": n, "state": "absent", **extra}}
        for n, extra in (
            ("ansible-aws-made", {}),
            ("ansible-aws-registered", {}),
            ("ansible-aws-copied", {"region": "us-west-2"}),
        )
    ]
    gone = play(playbook(emulator, cleanup), env=env)
    assert gone.changed == 3


def test_bad_input_fails_naming_option_and_rule_before_any_call(play, emulator):
    bad = {
        "short name": ({"name": "ab", "source_instance_id": "{{ instance_id }}"}, "name", "3-128"),
        "two sources": (
            {"name": "abc", "source_instance_id": "{{ instance_id }}", "image_location": "bucket/m.xml"},
            "image_location",
            "exactly one source",
        ),
        "io1 without iops": (
            {
                "name": "abc",
                "root_device_name": "/dev/xvda",
                "ebs_block_devices": [
                    {"device_name": "/dev/xvda", "snapshot_id": "{{ snapshot_id }}", "volume_type": "io1"}
                ],
            },
            "ebs_block_devices.0.iops",
            "required with volume_type io1",
        ),
    }
    tasks = [
        {"name": label, "ignore_errors": True, "imageops.cloud.aws_image": opts}
        for label, (opts, _, _) in bad.items()
    ]
    mark = emulator.mark()
    run = play(playbook(emulator, tasks), env=aws_env(emulator))
    for label, (_, option, rule) in bad.items():
        result = run.result(label)
        assert run.task(label)["status"] == "failed", label
        assert any(e["option"] == option and rule in e["rule"] for e in result["errors"]), (label, result)
    assert emulator.calls(since=mark, cloud="aws") == []


def test_no_secret_key_or_session_token_at_vvvv(play, emulator):
    secret = emulator.env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"]
    env = aws_env(emulator, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, GOOD=secret, TOKEN=TOKEN)
    auth = {
        "access_key": emulator.env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        "secret_key": "{{ lookup('ansible.builtin.env', 'GOOD') }}",
        "session_token": "{{ lookup('ansible.builtin.env', 'TOKEN') }}",
    }
    tasks = [
        {
            "name": "make",
            "imageops.cloud.aws_image": {
                "name": "ansible-aws-secret",
                "source_instance_id": "{{ instance_id }}",
                **auth,
            },
        },
        {
            "name": "retag",
            "imageops.cloud.aws_image": {
                "name": "ansible-aws-secret",
                "source_instance_id": "{{ instance_id }}",
                "tags": {"a": "b"},
                **auth,
            },
        },
        {
            "name": "wrong secret",
            "ignore_errors": True,
            "imageops.cloud.aws_image_info": {**auth, "secret_key": secret[::-1]},
        },
        {
            "name": "gone",
            "imageops.cloud.aws_image": {"name": "ansible-aws-secret", "state": "absent", **auth},
        },
    ]
    done = play(playbook(emulator, tasks), "-vvvv", "--diff", env=env)
    assert done.task("retag")["status"] == "changed" and done.task("wrong secret")["status"] == "failed"
    assert "AuthFailure" in done.result("wrong secret")["msg"]
    everything = done.output + done.results_json
    assert len(done.output) > 5_000  # -vvvv really was verbose
    for planted in (secret, secret[::-1], TOKEN):
        assert planted not in everything


def test_the_neutral_image_module_on_aws_converges_then_reads_once(play, emulator):
    auth = {
        "access_key": emulator.env["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        "secret_key": emulator.env["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
        "region": emulator.env["IMAGEOPS_AWS_REGION"],
    }
    task = {
        "name": "golden",
        "imageops.cloud.image": {
            "cloud": "aws",
            "name": "ansible-aws-neutral",
            "description": "golden",
            "source": {"instance": {"id": "{{ instance_id }}"}},
            "tags": {"role": "web"},
            "aws_auth": auth,
        },
    }
    env = aws_env(emulator, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    first = play(playbook(emulator, [task]), env=env)
    image = first.result("golden")["image"]
    assert first.changed == 1 and (image["cloud"], image["name"], image["tags"]) == (
        "aws",
        "ansible-aws-neutral",
        {"role": "web"},
    )
    mark = emulator.mark()
    again = play(playbook(emulator, [task]), env=env)
    assert again.changed == 0
    assert [c["action"] for c in emulator.calls(since=mark, cloud="aws")] == ["DescribeImages"]


def test_an_assume_role_profile_creates_as_the_roles_account_then_a_rerun_writes_nothing(
    play, emulator, tmp_path
):
    """``profile:`` naming an assume-role profile (role_arn + source_profile): botocore's chain calls
    STS AssumeRole on the emulator (AWS_ENDPOINT_URL_STS) and the AMI is the role's account's."""
    env = emulator.env
    other = env["IMAGEOPS_AWS_OTHER_ACCOUNT_ID"]
    (tmp_path / "credentials").write_text(
        f"[source]\naws_access_key_id = {env['IMAGEOPS_AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {env['IMAGEOPS_AWS_SECRET_ACCESS_KEY']}\n"
    )
    (tmp_path / "config").write_text(
        f"[profile builder]\nrole_arn = arn:aws:iam::{other}:role/image-builder\nsource_profile = source\n"
        f"region = {env['IMAGEOPS_AWS_REGION']}\n"
    )
    run_env = aws_env(
        emulator,
        AWS_ACCESS_KEY_ID=None,
        AWS_SECRET_ACCESS_KEY=None,
        AWS_SESSION_TOKEN=None,
        AWS_REGION=None,
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
    )
    task = {
        "name": "as the role",
        "imageops.cloud.aws_image": {
            "name": "ansible-aws-assumed",
            "profile": "builder",
            "source_instance_id": env["IMAGEOPS_AWS_OTHER_INSTANCE_ID"],
            "tags": {"by": "role"},
        },
    }
    mark = emulator.mark()
    first = play(playbook(emulator, [task]), env=run_env)
    assert first.changed == 1 and first.failed == 0
    assert first.result("as the role")["image"]["owner_id"] == other
    again = emulator.mark()
    second = play(playbook(emulator, [task]), env=run_env)
    assert second.changed == 0 and second.failed == 0
    rerun = emulator.calls(since=again, cloud="aws")
    assert [c["action"] for c in rerun] == ["AssumeRole", "DescribeImages"]  # a new process: a new session
    ec2 = [c for c in emulator.calls(since=mark, cloud="aws") if c["action"] != "AssumeRole"]
    assert {c["account"] for c in ec2} == {other}
    task["imageops.cloud.aws_image"]["state"] = "absent"
    assert play(playbook(emulator, [task]), env=run_env).changed == 1


EXAMPLE_TASKS = (
    "Create an AMI from an instance (aws_ami_from_instance)",
    "Copy it to another region, encrypted (aws_ami_copy)",
    "Register an AMI from an EBS snapshot (aws_ami)",
)


def test_example_playbook_twice_second_run_is_one_read_per_image(play, emulator):
    """examples/ansible/aws_image.yml as its header says to run it: the emulator's env file only (its
    IMAGEOPS_AWS_* variables; no AWS_* of the CLI). Check mode first (a fresh account: no write), then
    a run that makes the three AMIs, then a re-run of one DescribeImages per AMI and no write."""
    from ansible_support import REPO

    example = REPO / "examples" / "ansible" / "aws_image.yml"
    env = emulator.env
    web_task, copy_task, base_task = EXAMPLE_TASKS

    mark = emulator.mark()
    checked = play(example, "--check", "--diff")
    assert checked.failed == 0 and checked.changed == 2  # the copy waits for the AMI it copies
    assert checked.task(web_task)["status"] == "changed" and checked.task(base_task)["status"] == "changed"
    assert checked.task(copy_task)["status"] == "skipped"
    assert [c["action"] for c in emulator.calls(since=mark, cloud="aws") if not is_read(c)] == []

    mark = emulator.mark()
    first = play(example)
    assert first.changed == 3 and first.failed == 0
    for name in EXAMPLE_TASKS:
        image = first.result(name)["image"]
        assert set(image) >= {a.name for a in ATTRIBUTES}, {a.name for a in ATTRIBUTES} - set(image)
        assert image["state"] == "available" and image["id"] == image["image_id"]
        assert image["owner_id"] == env["IMAGEOPS_AWS_ACCOUNT_ID"]
        assert first.result(name)["action"] == "create"
    web, copy, base = (first.result(name)["image"] for name in EXAMPLE_TASKS)
    assert web["source_instance_id"] == env["IMAGEOPS_AWS_INSTANCE_ID"]
    assert web["tags"] == {"Name": "imageops-example-web", "team": "images"}
    assert web["deprecation_time"].startswith("2031-01-01T00:00")
    assert f":{env['IMAGEOPS_AWS_REGION']}:" in web["arn"]
    assert copy["source_image_id"] == web["image_id"] and copy["name"] == web["name"]
    assert f":{env['IMAGEOPS_AWS_OTHER_REGION']}:" in copy["arn"]
    assert copy["ebs_block_devices"][0]["encrypted"] is True
    assert base["root_snapshot_id"] == env["IMAGEOPS_AWS_SNAPSHOT_ID"] and base["imds_support"] == "v2.0"
    made = [c["action"] for c in emulator.calls(since=mark, cloud="aws") if not is_read(c)]
    assert sorted(a for a in made if a in ("CreateImage", "CopyImage", "RegisterImage")) == [
        "CopyImage",
        "CreateImage",
        "RegisterImage",
    ]

    mark = emulator.mark()
    second = play(example)
    assert second.changed == 0 and second.failed == 0
    calls = emulator.calls(since=mark, cloud="aws")
    assert [c["action"] for c in calls if not is_read(c)] == []
    assert [c["action"] for c in calls] == ["DescribeImages"] * 3
    for name in EXAMPLE_TASKS:
        assert second.result(name)["image"]["image_id"] == first.result(name)["image"]["image_id"]

    # check mode on the converged account, signed in by the AWS CLI's variables instead of the env
    # file's demo key pair and region: nothing to do, at the same cost
    demo_key = ("IMAGEOPS_AWS_ACCESS_KEY_ID", "IMAGEOPS_AWS_SECRET_ACCESS_KEY", "IMAGEOPS_AWS_REGION")
    cli_only = aws_env(emulator, **dict.fromkeys(demo_key))
    assert cli_only["AWS_ACCESS_KEY_ID"] == env["IMAGEOPS_AWS_ACCESS_KEY_ID"]
    mark = emulator.mark()
    again = play(example, "--check", "--diff", env=cli_only)
    assert again.changed == 0 and again.failed == 0
    rerun = emulator.calls(since=mark, cloud="aws")
    assert [c["action"] for c in rerun] == ["DescribeImages"] * 3
    assert {c["account"] for c in rerun} == {env["IMAGEOPS_AWS_ACCOUNT_ID"]}
