# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations


class ModuleDocFragment:
    # Alibaba Cloud auth options, as the alibaba.alicloud collection names them.
    DOCUMENTATION = r"""
requirements:
  - python >= 3.11
  - imageops (the provider core; C(pip install -r requirements.txt) from this collection)
notes:
  - Credentials load like Alibaba Cloud tools load them, the first found winning - the options
    given here (each falling back to its environment variables); the profile of the Alibaba Cloud
    CLI configuration file C(~/.aliyun/config.json).
  - Requests are signed with the ECS RPC signature (HMAC-SHA1); an STS I(alicloud_security_token)
    is sent with them when given.
  - Set I(endpoint) (or C(IMAGEOPS_ALICLOUD_ENDPOINT)) to talk to the imageops emulator instead of
    the real cloud; C(imageops emulator serve) prints the variables to set.
options:
  alicloud_access_key:
    description:
      - The Alibaba Cloud AccessKey ID.
      - If not set, the first of the C(ALIBABA_CLOUD_ACCESS_KEY_ID), C(ALICLOUD_ACCESS_KEY) and
        C(ALICLOUD_ACCESS_KEY_ID) environment variables is used, else the profile's.
    type: str
    aliases: [access_key, alicloud_access_key_id]
    version_added: 0.1.0
  alicloud_secret_key:
    description:
      - The Alibaba Cloud AccessKey secret. Never logged.
      - If not set, the first of the C(ALIBABA_CLOUD_ACCESS_KEY_SECRET), C(ALICLOUD_SECRET_KEY) and
        C(ALICLOUD_SECRET_ACCESS_KEY) environment variables is used, else the profile's.
    type: str
    aliases: [secret_key, alicloud_access_key_secret]
    version_added: 0.1.0
  alicloud_security_token:
    description:
      - The STS security token that goes with a temporary AccessKey. Never logged.
      - If not set, the C(ALIBABA_CLOUD_SECURITY_TOKEN) or C(ALICLOUD_SECURITY_TOKEN) environment
        variable is used, else the profile's (C(StsToken) mode).
    type: str
    aliases: [security_token]
    version_added: 0.1.0
  alicloud_region:
    description:
      - The region the image is in (for I(copy_from), the destination), for example C(cn-hangzhou).
      - If not set, the first of the C(ALIBABA_CLOUD_REGION_ID), C(ALICLOUD_REGION) and
        C(ALICLOUD_REGION_ID) environment variables is used, else the profile's C(region_id).
    type: str
    aliases: [region, region_id]
    version_added: 0.1.0
  profile:
    description:
      - The profile of the Alibaba Cloud CLI configuration file to load.
      - If not set, the C(ALIBABA_CLOUD_PROFILE) or C(ALICLOUD_PROFILE) environment variable is
        used, else the file's C(current) profile.
    type: str
    version_added: 0.1.0
  config_file:
    description:
      - Path to the Alibaba Cloud CLI configuration file.
      - If not set, the C(ALIBABA_CLOUD_CONFIG_FILE) or C(ALICLOUD_SHARED_CREDENTIALS_FILE)
        environment variable is used, else C(~/.aliyun/config.json).
    type: path
    aliases: [shared_credentials_file]
    version_added: 0.1.0
  endpoint:
    description:
      - Base URL of the ECS API, to reach a non-default endpoint such as the imageops emulator
        (for example C(http://127.0.0.1:8080)).
      - If not set, the C(IMAGEOPS_ALICLOUD_ENDPOINT) environment variable is used, then the
        regional endpoint C(https://ecs.<region>.aliyuncs.com).
    type: str
    version_added: 0.1.0
"""
