# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""OUTSCALE auth options, named as the OUTSCALE SDKs and Terraform provider name them.

Each falls back to the OUTSCALE CLI's environment variable, in the order the core itself reads them
(:mod:`imageops.outscale.config`): option, then ``OSC_*`` variable, then the profile of the config
file. ``secret_key`` is ``no_log``, whether it comes from the task or from ``OSC_SECRET_KEY``.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import CloudAuth

OUTSCALE_AUTH = CloudAuth(
    cloud="outscale",
    argument_spec=dict(
        # The access key names the key, it is not a secret; the secret key is.
        access_key=dict(
            type="str", no_log=False, aliases=["access_key_id"], fallback=(env_fallback, ["OSC_ACCESS_KEY"])
        ),
        secret_key=dict(
            type="str",
            no_log=True,
            aliases=["secret_access_key"],
            fallback=(env_fallback, ["OSC_SECRET_KEY"]),
        ),
        region=dict(type="str", fallback=(env_fallback, ["OSC_REGION"])),
        profile=dict(type="str", fallback=(env_fallback, ["OSC_PROFILE"])),
        endpoint=dict(
            type="str", fallback=(env_fallback, ["OSC_ENDPOINT_API", "IMAGEOPS_OUTSCALE_ENDPOINT"])
        ),
        config_file=dict(type="path", fallback=(env_fallback, ["OSC_CONFIG_FILE"])),
    ),
    settings=dict(
        access_key="access_key",
        secret_key="secret_key",
        region="region",
        profile="profile",
        endpoint="endpoint",
        config_file="config_file",
    ),
)
