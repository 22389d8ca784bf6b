"""Ansible: whole ``ansible-playbook`` runs of converged image tasks against a ``ping`` playbook.

Per cloud, after the images are created: a playbook with one converged ``<cloud>_image`` task, and
one looping that task over ``--items`` converged images, each run as a whole process in turn with a
playbook holding one ``ansible.builtin.ping`` task (A B A B ..., ``--pairs`` pairs after a warm-up
pair; medians of the pairwise ratios), on both execution paths: the controller path (the default:
a local task runs in the worker process, see ``plugins/plugin_utils/image_action.py``) and the module
path (``IMAGEOPS_ANSIBLE_EXECUTION=module``). The loop's calls are counted by the emulator (one read
per item, no write), and its peak resident memory (the largest process of the playbook, the
controller's worker included) is compared with the ping playbook's.

The peer nobody here wrote: a playbook with one converged ``amazon.aws.ec2_ami`` task (by id, no
change) on the emulator's EC2 (moto), from ``bench/aws_vs_ec2_ami.py``'s copy of amazon.aws.

Goals on the controller path: one converged task <= 1.1x ping and <= 0.7x the ec2_ami no-op; the
loop <= 3x ping; the loop's peak memory < 50 MB above ping's.

    .venv/bin/python bench/ansible_playbook_time.py [--pairs 5] [--items 50] [--clouds oci ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import aws_vs_ec2_ami
import yaml
from _common import (
    ANSIBLE_CLOUDS,
    BIN,
    CLOUD_TITLES,
    Section,
    command_line,
    count,
    median,
    module_args,
    play,
    run_playbook,
    tool_env,
)

from imageops.emulator.testing import EmulatorHandle, running_emulator

TASK_GOAL = 1.1
EC2_AMI_GOAL = 0.7
LOOP_GOAL = 3.0
MEMORY_GOAL_MB = 50.0
PATHS = {"controller": {}, "module": {"IMAGEOPS_ANSIBLE_EXECUTION": "module"}}

#: Runs one command and prints its wall seconds and the largest resident set of its process tree
#: (RUSAGE_CHILDREN: every waited-for descendant), so the timer's own start-up is not counted.
TIMED_RUN = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": rc, "wall": wall, "rss_mb": rss_mb}))
"""


def timed_run(playbook: Path, env: dict[str, str]) -> dict[str, Any]:
    playbook_command = [str(BIN / "ansible-playbook"), "-i", "localhost,", str(playbook)]
    command = [sys.executable, "-c", TIMED_RUN, *playbook_command]
    proc = subprocess.run(command, env=env, cwd=playbook.parent, text=True, capture_output=True, check=True)
    result: dict[str, Any] = json.loads(proc.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"{playbook.name} failed ({result['rc']})")
    return result


def paired(ours: Path, ping: Path, env: dict[str, str], pairs: int, warmup: int = 1) -> dict[str, float]:
    """Medians of ``pairs`` alternating whole-process runs (after ``warmup`` pairs)."""
    runs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for index in range(pairs + warmup):
        a, b = timed_run(ours, env), timed_run(ping, env)
        if index >= warmup:
            runs.append((a, b))
    return {
        "ours": median([a["wall"] for a, _ in runs]),
        "ping": median([b["wall"] for _, b in runs]),
        "ratio": median([a["wall"] / b["wall"] for a, b in runs]),
        "ours_rss": max(a["rss_mb"] for a, _ in runs),
        "ping_rss": max(b["rss_mb"] for _, b in runs),
    }


def write(workdir: Path, name: str, tasks: list[dict[str, Any]]) -> Path:
    path = workdir / f"{name}.yml"
    path.write_text(yaml.safe_dump(play(tasks), sort_keys=False))
    return path


def bench_env(emu: EmulatorHandle, workdir: Path) -> dict[str, str]:
    env = tool_env(emu.env, ANSIBLE_LOCAL_TEMP=str(workdir / "tmp"), ANSIBLE_REMOTE_TEMP=str(workdir / "tmp"))
    env["ANSIBLE_COLLECTIONS_PATH"] = aws_vs_ec2_ami.environment(emu)["ANSIBLE_COLLECTIONS_PATH"]
    return env


def ec2_ami_noop(emu: EmulatorHandle, workdir: Path) -> Path:
    """A playbook with one converged ``amazon.aws.ec2_ami`` task (the AMI made first, by ec2_ami)."""
    env = bench_env(emu, workdir)
    name = "bench-playbook-ec2-ami"
    made, _ = aws_vs_ec2_ami.playbook(env, [aws_vs_ec2_ami.theirs(emu, name)])
    image_id = made[name].get("image_id")
    if not image_id:
        raise RuntimeError(f"ec2_ami did not create its AMI: {made[name].get('msg')}")
    task = aws_vs_ec2_ami.theirs_by_id(emu, name, image_id)
    task.pop("ignore_errors")
    return write(workdir, "ec2_ami", [task])


def measure(emu: EmulatorHandle, cloud: str, pairs: int, items: int, workdir: Path,
            ec2_ami: Path | None, paths: tuple[str, ...] = tuple(PATHS),
            one_task: bool = True) -> dict[str, Any]:
    """Per path: the one-task (unless not ``one_task``) and loop ratios against ping, the loop's calls
    and peak memory; on the controller path, the one task against the ec2_ami no-op (unless
    ``ec2_ami`` is None)."""
    env = bench_env(emu, workdir)
    names = [f"bench-playbook-{cloud}-{index}" for index in range(items)]
    task = {f"imageops.cloud.{cloud}_image": module_args(cloud, env, names[0])}
    loop_args = module_args(cloud, env, "{{ item }}")
    loop = {f"imageops.cloud.{cloud}_image": loop_args, "loop": names}
    run_playbook(play([loop]), env)  # creates them
    ping = write(workdir, "ping", [{"ansible.builtin.ping": {}}])
    one = write(workdir, f"{cloud}-one", [task])
    many = write(workdir, f"{cloud}-loop", [loop])
    out: dict[str, Any] = {}
    for path_name in paths:
        path_env = {**env, **PATHS[path_name]}
        mark = emu.mark()
        if path_name == "controller":
            timed_run(many, path_env)  # the loop whose calls are counted
            reads, writes = count(emu.calls(since=mark, cloud=cloud))
            loop_times = paired(many, ping, path_env, pairs)
        else:
            # the module path's loop (about a second an item) is shown for comparison: one pair is
            # enough, and its one loop run is the one whose calls are counted
            loop_times = paired(many, ping, path_env, 1, warmup=0)
            reads, writes = count(emu.calls(since=mark, cloud=cloud))
        out[path_name] = {"one": paired(one, ping, path_env, pairs) if one_task else None, "loop": loop_times,
                          "loop_reads": reads, "loop_writes": writes}
    if ec2_ami is not None and "controller" in out:
        out["controller"]["ec2_ami"] = paired(one, ec2_ami, env, pairs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--clouds", nargs="+", choices=ANSIBLE_CLOUDS, default=list(ANSIBLE_CLOUDS))
    args = parser.parse_args(argv)
    section = Section(
        "Ansible: whole playbooks against a ping playbook, on both execution paths",
        command_line("ansible_playbook_time.py", f"--pairs {args.pairs} --items {args.items}"),
        f"Each row: a whole `ansible-playbook` process with one converged image task, or looping it over "
        f"{args.items} converged images, run in turn with a playbook of one `ansible.builtin.ping` task "
        f"({args.pairs} pairs after a warm-up pair; the ratio is the median of the pairwise ratios). The "
        "controller path is the default for a local task (the module runs in the worker process that runs "
        "the task); the module path is forced with `IMAGEOPS_ANSIBLE_EXECUTION=module`. Calls are counted "
        "by the emulator; memory is the largest resident set of the playbook's processes.",
    )
    rows: list[list[str]] = []
    peer_rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="imageops-bench-playbook-") as tmp, \
            running_emulator(time_scale=0.0) as emu:
        ec2_ami = ec2_ami_noop(emu, Path(tmp))
        for cloud in args.clouds:
            result = measure(emu, cloud, args.pairs, args.items, Path(tmp), ec2_ami)
            for path_name, figures in result.items():
                one, loop = figures["one"], figures["loop"]
                growth = loop["ours_rss"] - loop["ping_rss"]
                calls_ok = (figures["loop_reads"], figures["loop_writes"]) == (args.items, 0)
                if path_name == "controller":
                    one_verdict = section.goal(f"{cloud} one task", one["ratio"] <= TASK_GOAL,
                                               f"{one['ratio']:.2f}x", f"<= {TASK_GOAL}x")
                    loop_verdict = section.goal(f"{cloud} loop", loop["ratio"] <= LOOP_GOAL,
                                                f"{loop['ratio']:.2f}x", f"<= {LOOP_GOAL}x")
                    memory_verdict = section.goal(f"{cloud} loop memory", growth < MEMORY_GOAL_MB,
                                                  f"+{growth:.0f} MB", f"< {MEMORY_GOAL_MB:.0f} MB")
                    peer = figures["ec2_ami"]
                    peer_rows.append([CLOUD_TITLES[cloud], f"{peer['ours']:.2f} / {peer['ping']:.2f}",
                                      f"{peer['ratio']:.2f}x",
                                      section.goal(f"{cloud} vs ec2_ami", peer["ratio"] <= EC2_AMI_GOAL,
                                                   f"{peer['ratio']:.2f}x", f"<= {EC2_AMI_GOAL}x")])
                else:
                    one_verdict = loop_verdict = memory_verdict = "(for comparison)"
                calls = f"{figures['loop_reads']} reads, {figures['loop_writes']} writes"
                calls_verdict = section.goal(f"{cloud} {path_name} loop calls", calls_ok, calls,
                                             f"{args.items} reads, 0 writes")
                rows.append([
                    CLOUD_TITLES[cloud], path_name,
                    f"{one['ours']:.2f} / {one['ping']:.2f}", f"{one['ratio']:.2f}x", one_verdict,
                    f"{loop['ours']:.2f} / {loop['ping']:.2f}", f"{loop['ratio']:.2f}x", loop_verdict,
                    calls_verdict,
                    f"{loop['ours_rss']:.0f} / {loop['ping_rss']:.0f}", memory_verdict,
                ])
    section.table(["cloud", "path", "one task: s / ping s", "ratio", "goal",
                   f"{args.items}-item loop: s / ping s", "ratio", "goal", "loop calls",
                   "loop peak RSS MB / ping", "goal"], rows)
    section.text("Against the peer nobody here wrote: a playbook of one converged `amazon.aws.ec2_ami` task "
                 f"(amazon.aws {aws_vs_ec2_ami.AMAZON_AWS}, by id, nothing to change) on the emulator's EC2 "
                 "(moto), run in turn with our one-task playbook on the controller path.")
    section.table(["cloud", "one task: s / ec2_ami s", "ratio", "goal"], peer_rows)
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
