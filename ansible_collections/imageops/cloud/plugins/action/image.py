# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

from ansible_collections.imageops.cloud.plugins.plugin_utils.image_action import ImageAction, preload


class ActionModule(ImageAction):
    """Runs the module in this worker when the task is local, else as a module (see image_action.py)."""


preload(__name__)
