"""``make demo`` shows each playbook task as it runs: its output is read here while it runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PLAYBOOK = """\
- hosts: localhost
  gather_facts: false
  tasks:
    - name: first
      ansible.builtin.debug:
        msg: started
    - name: slow
      ansible.builtin.pause:
        seconds: 3
    - name: last
      ansible.builtin.debug:
        msg: done
"""


def test_run_playbook_prints_each_task_while_the_playbook_runs(tmp_path: Path):
    playbook = tmp_path / "slow.yml"
    playbook.write_text(PLAYBOOK)
    driver = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(REPO / "examples")!r})
        import pathlib
        import demo
        playbook = pathlib.Path({str(playbook)!r})
        changed = demo.run_playbook(playbook, demo.tool_env({{}}), "test")
        print("changed", changed)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", driver],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen: dict[str, float] = {}
    lines = []
    for line in proc.stdout:
        lines.append(line)
        for task in ("first", "slow", "last"):
            if f"TASK [{task}]" in line:
                seen[task] = time.monotonic()
    ended = time.monotonic()
    assert proc.wait(timeout=120) == 0, "".join(lines)
    assert set(seen) == {"first", "slow", "last"}, "".join(lines)
    # the first task's line came while the playbook was still paused, not all at once at the end
    assert ended - seen["first"] >= 2.5 and seen["last"] - seen["first"] >= 2.5
    assert "changed 0" in lines[-1] and not any("\\x1b[" in line for line in lines)  # no ANSI codes
