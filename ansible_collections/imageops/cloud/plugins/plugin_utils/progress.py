# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Show a managing module's ``progress`` at ``-v``, one line per state change.

A module runs as a separate process and can only hand back its result when it ends; it cannot write
to the play's output while it waits. So each managing module returns the state changes of its waits
as ``progress``, and its action plugin (the controller-side half of a task, named after the module)
runs the module as Ansible's normal action does, then prints one line per entry at ``-v``. The lines
appear when the task ends, not while it waits: that is as live as Ansible lets a module be.

This runs on the controller, which need not have the imageops core installed: nothing here imports it.
"""

from __future__ import annotations

from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display

display = Display()


def progress_line(entry):
    """``m-bp1... Creating 45% after 12.3s (cn-hangzhou)``: one ``progress`` entry as a line."""
    parts = [str(entry.get("image_id")), str(entry.get("state"))]
    if entry.get("percent") is not None:
        parts.append(f"{entry['percent']}%")
    elapsed = entry.get("elapsed")
    if isinstance(elapsed, (int, float)):
        parts.append(f"after {elapsed:.1f}s")
    if entry.get("region"):
        parts.append(f"({entry['region']})")
    if entry.get("message"):
        parts.append(f"- {entry['message']}")
    return "imageops progress: " + " ".join(parts)


class ProgressAction(NormalAction):
    """Ansible's normal action, plus the module's ``progress`` shown at ``-v``."""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        entries = result.get("progress")
        if isinstance(entries, list):
            host = (task_vars or {}).get("inventory_hostname")
            for entry in entries:
                if isinstance(entry, dict):
                    display.v(progress_line(entry), host=host)
        return result
