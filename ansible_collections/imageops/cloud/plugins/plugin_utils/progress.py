# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""A managing module's ``progress`` as lines, shown at ``-v`` by its action plugin (image_action.py).

A module can only hand back its result when it ends; it cannot write to the play's output while it
waits. So each managing module returns the state changes of its waits as ``progress``, and its
action plugin prints one line per entry at ``-v`` when the task ends. The same lines on both
execution paths: the module's result is the one source.

This runs on the controller, which need not have the imageops core installed: nothing here imports it.
"""

from __future__ import annotations


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
