# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""Oracle Cloud Infrastructure auth options, named as the ``oracle.oci`` collection names them."""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import CloudAuth

OCI_AUTH = CloudAuth(
    cloud="oci",
    argument_spec=dict(
        config_file_location=dict(type="str"),
        config_profile_name=dict(type="str", fallback=(env_fallback, ["OCI_CONFIG_PROFILE"])),
        region=dict(type="str"),
        tenancy=dict(type="str"),
        api_user=dict(type="str"),
        api_user_fingerprint=dict(type="str"),
        api_user_key_file=dict(type="path"),
        api_user_key_pass_phrase=dict(type="str", no_log=True),
        # No env fallback here: the core picks IMAGEOPS_OCI_ENDPOINT or the emulator's endpoint of
        # the task's region (IMAGEOPS_OCI_ENDPOINT_TEMPLATE), which a fallback would override.
        endpoint=dict(type="str"),
    ),
    settings=dict(
        config_file_location="config_file",
        config_profile_name="profile",
        region="region",
        tenancy="tenancy",
        api_user="user",
        api_user_fingerprint="fingerprint",
        api_user_key_file="key_file",
        api_user_key_pass_phrase="pass_phrase",
        endpoint="endpoint",
    ),
)
