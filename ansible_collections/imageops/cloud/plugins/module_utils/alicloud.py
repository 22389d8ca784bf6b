# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Alibaba Cloud auth options, named as the ``alibaba.alicloud`` collection names them.

Each option falls back to the environment variables Alibaba Cloud tools read, the current
``ALIBABA_CLOUD_*`` names first, then the ``ALICLOUD_*`` names of the Ansible collection and
Terraform provider; what is still unset comes from the profile of ``~/.aliyun/config.json``.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import CloudAuth

ALICLOUD_AUTH = CloudAuth(
    cloud="alicloud",
    argument_spec=dict(
        # The access key id names the key, it is not a secret; the secret is.
        alicloud_access_key=dict(
            type="str",
            no_log=False,
            aliases=["access_key", "alicloud_access_key_id"],
            fallback=(
                env_fallback,
                ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALICLOUD_ACCESS_KEY_ID"],
            ),
        ),
        alicloud_secret_key=dict(
            type="str",
            no_log=True,
            aliases=["secret_key", "alicloud_access_key_secret"],
            fallback=(
                env_fallback,
                ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECRET_ACCESS_KEY"],
            ),
        ),
        alicloud_security_token=dict(
            type="str",
            no_log=True,
            aliases=["security_token"],
            fallback=(env_fallback, ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"]),
        ),
        alicloud_region=dict(
            type="str",
            aliases=["region", "region_id"],
            fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION", "ALICLOUD_REGION_ID"]),
        ),
        profile=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"])),
        config_file=dict(
            type="path",
            aliases=["shared_credentials_file"],
            fallback=(env_fallback, ["ALIBABA_CLOUD_CONFIG_FILE", "ALICLOUD_SHARED_CREDENTIALS_FILE"]),
        ),
        endpoint=dict(type="str", fallback=(env_fallback, ["IMAGEOPS_ALICLOUD_ENDPOINT"])),
    ),
    settings=dict(
        alicloud_access_key="access_key_id",
        alicloud_secret_key="access_key_secret",
        alicloud_security_token="security_token",
        alicloud_region="region",
        profile="profile",
        config_file="config_file",
        endpoint="endpoint",
    ),
)
