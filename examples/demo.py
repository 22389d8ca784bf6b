"""`make demo`: the main job, end to end, on the embedded emulator.

1. start the emulator (loopback only) with a seeded demo tenancy;
2. run each cloud's example playbook (examples/ansible/<cloud>_image.yml, then neutral_image.yml)
   twice: the first run creates the images (for OCI, one from the seeded instance and one imported
   from the seeded Object Storage object), the second must report changed=0 and make no write;
3. run the Pulumi example programs with the `pulumi` CLI if one is on PATH (local file backend),
   else drive the same provider through the engine-less harness, and say so;
4. stop the emulator, leaving nothing running.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from imageops.emulator.testing import cli_environment, is_read, running_emulator

REPO = Path(__file__).resolve().parent.parent
PLAYBOOKS = [
    REPO / "examples" / "ansible" / f"{cloud}_image.yml" for cloud in ("oci", "outscale", "alicloud", "aws")
] + [REPO / "examples" / "ansible" / "neutral_image.yml"]  # the same image on three clouds
PULUMI_DIR = REPO / "examples" / "pulumi"
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def say(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def tool_env(emulator_env: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **emulator_env, **cli_environment(emulator_env)}
    env["OCI_CLI_PROFILE"] = "DEFAULT"
    env["ANSIBLE_COLLECTIONS_PATH"] = str(REPO)
    env["ANSIBLE_PYTHON_INTERPRETER"] = sys.executable
    env["ANSIBLE_LOCALHOST_WARNING"] = "false"
    env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "false"
    env["ANSIBLE_FORCE_COLOR"] = "false"  # a log, not a terminal: no ANSI codes
    env["ANSIBLE_NOCOLOR"] = "true"
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_playbook(playbook: Path, env: dict[str, str], label: str) -> int:
    """Run ``playbook``, its output shown line by line as it comes; returns the recap's ``changed``."""
    shown = playbook.relative_to(REPO) if playbook.is_relative_to(REPO) else playbook
    say(f"ansible-playbook {shown} ({label})")
    lines: list[str] = []
    with subprocess.Popen(
        ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook)],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        bufsize=1,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    if proc.returncode != 0:
        raise SystemExit(f"the playbook failed ({label}), exit code {proc.returncode}")
    match = RECAP.search("".join(lines))
    if match is None:
        raise SystemExit("no PLAY RECAP line for localhost in the playbook output")
    return int(match.group(2))


def run_pulumi(env: dict[str, str]) -> None:
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        say("no `pulumi` CLI on PATH: driving the same provider through the engine-less harness")
        # every program under examples/pulumi, the neutral one included; its lines stream as they come
        subprocess.run([sys.executable, "-u", str(PULUMI_DIR / "run_with_harness.py")], env=env, check=True)
        return
    say(f"pulumi CLI found at {pulumi}: `pulumi up` / `pulumi destroy` with a local file backend")
    with tempfile.TemporaryDirectory(prefix="imageops-pulumi-") as backend:
        penv = {**env, "PULUMI_BACKEND_URL": f"file://{backend}", "PULUMI_CONFIG_PASSPHRASE": "demo"}
        programs = ("outscale", "alicloud", "aws", "multicloud", "neutral")
        for program in (PULUMI_DIR, *(PULUMI_DIR / name for name in programs)):
            for args in (
                ["stack", "init", "demo"],
                ["up", "--yes", "--skip-preview"],
                ["preview", "--expect-no-changes"],
                ["destroy", "--yes"],
            ):
                subprocess.run([pulumi, *args, "--cwd", str(program)], env=penv, check=True)


def main() -> int:
    say("starting the imageops emulator on 127.0.0.1")
    with running_emulator(time_scale=0.01) as emulator:
        print(f"OCI endpoint: {emulator.env['IMAGEOPS_OCI_ENDPOINT']}")
        env = tool_env(emulator.env)
        for playbook in PLAYBOOKS:
            first = run_playbook(playbook, env, "first run: creates the images")
            mark = emulator.mark()
            second = run_playbook(playbook, env, "second run: must change nothing")
            writes = [c for c in emulator.calls(since=mark) if not is_read(c)]
            print(
                f"{playbook.name}: first run changed={first}; second run changed={second}, "
                f"write calls={len(writes)}"
            )
            if first == 0 or second != 0 or writes:
                raise SystemExit(f"the second run of {playbook.name} was not idempotent")
        run_pulumi(env)
    say("emulator stopped; demo finished: every second Ansible run was changed=0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
