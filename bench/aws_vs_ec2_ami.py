"""imageops.cloud.aws_image against amazon.aws's ec2_ami, on the same emulated EC2 (moto behind our
call log), in one run: what a re-run of the documented create form does, whether check mode sees a
tag change, how many API calls a converged image costs, and how long a whole converged playbook takes.

amazon.aws comes from PyPI inside the ``ansible`` package (Galaxy is not reachable from CI): the
``ansible`` wheel pinned below is downloaded once (no dependencies installed) and only its
``ansible_collections/amazon/aws`` is kept, under ``build/``. It runs on this venv's ansible-core and
boto3. Exits non-zero when one of our goals is missed, so the figures are a check that can fail.

    .venv/bin/python bench/aws_vs_ec2_ami.py [--images N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from _common import REPO, Section, command_line, count, play, tool_env

from imageops.emulator.testing import EmulatorHandle, running_emulator

ANSIBLE_PACKAGE = "ansible==12.3.0"
AMAZON_AWS = "10.1.2"
COLLECTIONS = Path(os.environ.get("IMAGEOPS_AMAZON_AWS_PATH", REPO / "build" / f"amazon.aws-{AMAZON_AWS}"))
WRITES = {
    "EnableImageDeprecation",
    "DisableImageDeprecation",
    "DeregisterImage",
    "CreateImage",
    "RegisterImage",
    "CopyImage",
    "ModifyImageAttribute",
    "CreateTags",
    "DeleteTags",
}


def amazon_aws() -> Path:
    """A collections root holding amazon.aws (made once from the ``ansible`` wheel)."""
    manifest = COLLECTIONS / "ansible_collections" / "amazon" / "aws" / "MANIFEST.json"
    if manifest.is_file():
        return COLLECTIONS
    with tempfile.TemporaryDirectory(prefix="amazon-aws-") as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, ANSIBLE_PACKAGE],
            check=True,
        )
        wheel = next(Path(tmp).glob("ansible-*.whl"))
        staging = Path(tmp) / "root"
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith("ansible_collections/amazon/aws/")]
            archive.extractall(staging, members)
        COLLECTIONS.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(COLLECTIONS, ignore_errors=True)
        shutil.move(str(staging), COLLECTIONS)
    version = json.loads(manifest.read_text())["collection_info"]["version"]
    if version != AMAZON_AWS:
        raise SystemExit(f"{ANSIBLE_PACKAGE} holds amazon.aws {version}, not {AMAZON_AWS}")
    return COLLECTIONS


def environment(emu: EmulatorHandle) -> dict[str, str]:
    env = tool_env(emu.env)
    env["ANSIBLE_COLLECTIONS_PATH"] = f"{REPO}{os.pathsep}{amazon_aws()}"
    return env


def connection(emu: EmulatorHandle, prefix: str) -> dict[str, str]:
    """The connection options (amazon.aws's names, which ours share) of one demo account: ours run as
    the DEFAULT account, ec2_ami as the OTHER one, so the call log tells their calls apart."""
    e = emu.env
    return {
        "region": e["IMAGEOPS_AWS_REGION"],
        "endpoint_url": e["IMAGEOPS_AWS_ENDPOINT"],
        "access_key": e[f"{prefix}ACCESS_KEY_ID"],
        "secret_key": e[f"{prefix}SECRET_ACCESS_KEY"],
    }


OURS, THEIRS = "IMAGEOPS_AWS_", "IMAGEOPS_AWS_OTHER_"
ACCOUNT = {"imageops": OURS, "ec2_ami": THEIRS}


def ours(emu: EmulatorHandle, name: str, **extra: Any) -> dict[str, Any]:
    args = {
        "name": name,
        "source_instance_id": emu.env[f"{OURS}INSTANCE_ID"],
        **connection(emu, OURS),
        **extra,
    }
    return {"name": name, "ignore_errors": True, "imageops.cloud.aws_image": args}


def theirs(emu: EmulatorHandle, name: str, **extra: Any) -> dict[str, Any]:
    args = {"name": name, "instance_id": emu.env[f"{THEIRS}INSTANCE_ID"], **connection(emu, THEIRS), **extra}
    return {"name": name, "ignore_errors": True, "amazon.aws.ec2_ami": args}


def theirs_by_id(emu: EmulatorHandle, name: str, image_id: str, **extra: Any) -> dict[str, Any]:
    """ec2_ami's update form (by id): its create form would create again."""
    args = {"image_id": image_id, **connection(emu, THEIRS), **extra}
    return {"name": name, "ignore_errors": True, "amazon.aws.ec2_ami": args}


TASKS = {"imageops": ours, "ec2_ami": theirs}


def playbook(env: dict[str, str], tasks: list[dict[str, Any]], *args: str) -> tuple[dict[str, Any], float]:
    """Run ``tasks``; each task's result by name (the tests' result callback), and the wall time."""
    with tempfile.TemporaryDirectory(prefix="imageops-bench-") as workdir:
        path, results_file = Path(workdir) / "playbook.yml", Path(workdir) / "results.json"
        path.write_text(json.dumps(play(tasks)))
        run_env = {
            **env,
            "ANSIBLE_CALLBACK_PLUGINS": str(REPO / "tests" / "ansible" / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "imageops_results",
            "IMAGEOPS_RESULTS_FILE": str(results_file),
            "ANSIBLE_LOCAL_TEMP": str(Path(workdir) / "tmp"),
        }
        started = time.monotonic()
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", *args, str(path)],
            cwd=workdir, env=run_env, text=True, capture_output=True, check=False,
        )  # fmt: skip
        seconds = time.monotonic() - started
        if not results_file.is_file():
            raise RuntimeError(f"ansible-playbook said:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
        report = json.loads(results_file.read_text())
    results = {
        task["name"]: {**task["result"], "failed": task["status"] == "failed"} for task in report["tasks"]
    }
    return results, seconds


def calls_of(emu: EmulatorHandle, mark: int, tool: str) -> list[dict[str, Any]]:
    account = emu.env[f"{ACCOUNT[tool]}ACCOUNT_ID"]
    return [c for c in emu.calls(since=mark, cloud="aws") if c["account"] == account]


def measure(emu: EmulatorHandle, images: int = 5, rounds: int = 3) -> dict[str, Any]:
    """The head-to-head in three playbooks, each holding both tools' tasks (their accounts tell their
    calls apart): create, re-run, check mode; ``rounds`` > 0 adds the timed converged playbooks, one
    tool per run, alternated."""
    env = environment(emu)
    out: dict[str, Any] = {"images": images}
    names = {tool: f"h2h-create-{tool}" for tool in TASKS}
    batch = {tool: [f"h2h-{tool}-{i:02d}" for i in range(images)] for tool in TASKS}
    # 1. create: the documented create form (name + instance) of each tool, and ``images`` more each
    tasks = [TASKS[t](emu, n, tags={"env": "a"}) for t, n in names.items()]
    tasks += [TASKS[t](emu, n, tags={"n": str(i)}) for t in TASKS for i, n in enumerate(batch[t])]
    first, _ = playbook(env, tasks)
    failed = {n: r.get("msg") for n, r in first.items() if r.get("failed")}
    assert not failed, failed
    made = {tool: {n: str(first[n].get("image_id")) for n in batch[tool]} for tool in TASKS}
    converged = {
        # ours in the create form again; ec2_ami in its update form by id (its create form creates)
        "imageops": [ours(emu, n, tags={"n": str(i)}) for i, n in enumerate(made["imageops"])],
        "ec2_ami": [
            theirs_by_id(emu, n, made["ec2_ami"][n], tags={"n": str(i)})
            for i, n in enumerate(made["ec2_ami"])
        ],
    }
    # 2. the re-run: the create form again (one image each), and the converged images
    mark = emu.mark()
    rerun = [TASKS[t](emu, n, tags={"env": "a"}) for t, n in names.items()]
    again, _ = playbook(env, rerun + converged["imageops"] + converged["ec2_ami"])
    for tool, name in names.items():
        calls = calls_of(emu, mark, tool)
        create_form = [c for c in calls if c["action"] == "CreateImage"]
        result = again[name]
        reads, writes = count(calls)
        out[f"{tool}_rerun"] = {
            "changed": bool(result.get("changed")),
            "failed": bool(result.get("failed")),
            "code": "InvalidAMIName.Duplicate"
            if "InvalidAMIName.Duplicate" in json.dumps(result, default=str)
            else str(result.get("msg", ""))[:80],
            "create_status": [c["status"] for c in create_form],
            "writes": sum(1 for c in calls if c["action"] in WRITES),
            "creates": len(create_form),
            "amis_named": _images(emu, ACCOUNT[tool]).count(name),
        }
        # the converged images alone: every call but the create form's own lookup (ours: 1 read) or
        # CreateImage attempt (ec2_ami: 1 call)
        per_image = (reads + writes - 1) / images
        out[f"{tool}_converged"] = {
            "changed": sum(1 for n in made[tool] if again[n].get("changed")),
            "failed": sum(1 for n in made[tool] if again[n].get("failed")),
            "calls_per_image": per_image,
            "writes": writes - len(create_form) if tool == "ec2_ami" else writes,
        }
    # 3. check mode, a tag changed on the create form
    checked, _ = playbook(env, [TASKS[t](emu, n, tags={"env": "b"}) for t, n in names.items()], "--check")
    for tool, name in names.items():
        out[f"{tool}_check_sees_tag_change"] = bool(checked[name].get("changed"))
    # 4. the whole converged playbook's time, one tool per run, alternated
    timings: dict[str, list[float]] = {tool: [] for tool in TASKS}
    for round_ in range(rounds):
        for tool in TASKS if round_ % 2 == 0 else reversed(list(TASKS)):
            timings[tool].append(playbook(env, converged[tool])[1])
    if rounds:
        out["seconds"] = {tool: statistics.median(values) for tool, values in timings.items()}
        out["time_ratio"] = out["seconds"]["imageops"] / out["seconds"]["ec2_ami"]
    return out


def _images(emu: EmulatorHandle, prefix: str) -> list[str]:
    from imageops.aws import AwsImageSpec, connect

    e = emu.env
    with connect(
        access_key=e[f"{prefix}ACCESS_KEY_ID"],
        secret_key=e[f"{prefix}SECRET_ACCESS_KEY"],
        region=e["IMAGEOPS_AWS_REGION"],
        endpoint_url=e["IMAGEOPS_AWS_ENDPOINT"],
    ) as driver:
        return [i.name or "" for i in driver.list(AwsImageSpec.parse_key({}))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=3)
    options = parser.parse_args(argv)
    with running_emulator(time_scale=0.0) as emu:
        figures = measure(emu, options.images)
    section = Section(
        f"AWS: imageops.cloud.aws_image against amazon.aws {AMAZON_AWS} ec2_ami",
        command_line("aws_vs_ec2_ami.py"),
        intro=(
            "Both modules on the same emulated EC2 (moto 5.2.5 with our shim, which refuses a second AMI "
            "of a name as AWS does), in one run. ec2_ami comes from the `ansible` package on PyPI "
            f"({ANSIBLE_PACKAGE}); both run on this venv's ansible-core."
        ),
    )
    ours_rerun, theirs_rerun = figures["imageops_rerun"], figures["ec2_ami_rerun"]
    their_outcome = (
        f"failed: {theirs_rerun['code']}, HTTP {theirs_rerun['create_status']}"
        if theirs_rerun["failed"]
        else f"changed={theirs_rerun['changed']}"
    )
    section.table(
        ("Check", "imageops.cloud.aws_image", "amazon.aws.ec2_ami", "Goal"),
        [
            (
                "re-run of the create form (name + instance)",
                f"changed={ours_rerun['changed']}, {ours_rerun['writes']} writes, "
                f"{ours_rerun['amis_named']} AMI",
                f"{theirs_rerun['creates']} CreateImage again ({their_outcome}); "
                f"{theirs_rerun['amis_named']} AMI of the name",
                section.goal(
                    "re-run writes",
                    not ours_rerun["changed"] and ours_rerun["writes"] == 0 and not ours_rerun["failed"],
                    f"{ours_rerun['writes']} writes",
                    "0 writes, ok",
                ),
            ),
            (
                "check mode, a tag changed",
                f"changed={figures['imageops_check_sees_tag_change']}",
                f"changed={figures['ec2_ami_check_sees_tag_change']}",
                section.goal("check mode", figures["imageops_check_sees_tag_change"], "seen", "seen"),
            ),
            (
                f"API calls per converged image ({figures['images']} images)",
                f"{figures['imageops_converged']['calls_per_image']:g}",
                f"{figures['ec2_ami_converged']['calls_per_image']:g}",
                section.goal(
                    "calls per image",
                    figures["imageops_converged"]["calls_per_image"] == 1
                    and figures["imageops_converged"]["writes"] == 0,
                    f"{figures['imageops_converged']['calls_per_image']:g}",
                    "1",
                ),
            ),
            (
                f"converged playbook, {figures['images']} images (median of 3, alternated)",
                f"{figures['seconds']['imageops']:.2f} s",
                f"{figures['seconds']['ec2_ami']:.2f} s",
                f"ratio {figures['time_ratio']:.2f} (recorded)",
            ),
        ],
    )
    print(json.dumps(figures), file=sys.stderr)
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
