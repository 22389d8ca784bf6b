# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""OUTSCALE auth options, named as the OUTSCALE SDKs and Terraform provider name them.

The fallbacks are the OUTSCALE CLI's environment variables. The access key pair itself is left to the
core when not given as options: it reads ``OSC_ACCESS_KEY``/``OSC_SECRET_KEY`` only when no profile
was chosen, as the CLI does, so a profile picked with ``profile`` (or ``OSC_PROFILE``) is not
overridden by keys lying in the environment.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import CloudAuth

OUTSCALE_AUTH = CloudAuth(
    cloud="outscale",
    argument_spec=dict(
        access_key=dict(type="str", aliases=["access_key_id"]),
        secret_key=dict(type="str", no_log=True, aliases=["secret_access_key"]),
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
