# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations


class ModuleDocFragment:
    # OUTSCALE auth options, as the OUTSCALE SDKs and CLI name them.
    DOCUMENTATION = r"""
requirements:
  - python >= 3.11
  - imageops (the provider core; C(pip install -r requirements.txt) from this collection)
notes:
  - Credentials load like the OUTSCALE CLI and SDKs load them, the first found winning - the
    options given here; the C(OSC_ACCESS_KEY), C(OSC_SECRET_KEY), C(OSC_REGION) and
    C(OSC_ENDPOINT_API) environment variables; the profile (I(profile), C(OSC_PROFILE), else
    C(default)) of the configuration file (I(config_file), else C(~/.osc/config.json)).
  - Requests are signed with OSC4-HMAC-SHA256 (the API's access key signature). The secret key is
    never logged, returned or shown in error messages.
  - Set I(endpoint) (or C(IMAGEOPS_OUTSCALE_ENDPOINT)) to talk to the imageops emulator instead of
    the real cloud; C(imageops emulator serve) prints the variables to set.
options:
  access_key:
    description:
      - The access key ID of the OUTSCALE account (or EIM user) calling the API.
      - If not set, C(OSC_ACCESS_KEY), then the profile's C(access_key).
    type: str
    aliases: [access_key_id]
    version_added: 0.1.0
  secret_key:
    description:
      - The secret key of I(access_key). Never logged.
      - If not set, C(OSC_SECRET_KEY), then the profile's C(secret_key).
    type: str
    aliases: [secret_access_key]
    version_added: 0.1.0
  region:
    description:
      - The OUTSCALE Region, for example C(eu-west-2).
      - If not set, the C(OSC_REGION) environment variable, then the profile's C(region).
      - The OMI lives in this Region; OMI names are unique per account and Region.
    type: str
    version_added: 0.1.0
  profile:
    description:
      - The profile to load from the configuration file.
      - If not set, the C(OSC_PROFILE) environment variable, else C(default).
    type: str
    version_added: 0.1.0
  endpoint:
    description:
      - Base URL of the OUTSCALE API, to reach a non-default endpoint such as the imageops emulator
        (for example C(http://127.0.0.1:8081)); requests go to C(<endpoint>/api/v1/<Action>).
      - If not set, the C(OSC_ENDPOINT_API) environment variable, then C(IMAGEOPS_OUTSCALE_ENDPOINT),
        then the profile's C(endpoints.api), else C(https://api.<region>.outscale.com/api/v1).
    type: str
    version_added: 0.1.0
  config_file:
    description:
      - Path to the OUTSCALE CLI configuration file (JSON, one object per profile).
      - If not set, the C(OSC_CONFIG_FILE) environment variable, else C(~/.osc/config.json).
    type: path
    version_added: 0.1.0
"""
