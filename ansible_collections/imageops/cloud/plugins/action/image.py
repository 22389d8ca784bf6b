# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

from ansible_collections.imageops.cloud.plugins.plugin_utils.progress import ProgressAction


class ActionModule(ProgressAction):
    """Runs the module as usual, then prints its ``progress`` at -v (see plugin_utils/progress.py)."""
