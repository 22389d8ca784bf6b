# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations


class ModuleDocFragment:
    # Oracle Cloud Infrastructure auth options, as the oracle.oci collection names them.
    DOCUMENTATION = r"""
requirements:
  - python >= 3.11
  - imageops (the provider core; C(pip install -r requirements.txt) from this collection)
notes:
  - Credentials load like the OCI CLI loads them, the first found winning - the options given
    here; the C(OCI_CLI_TENANCY), C(OCI_CLI_USER), C(OCI_CLI_FINGERPRINT), C(OCI_CLI_KEY_FILE) and
    C(OCI_CLI_REGION) environment variables; the profile of the configuration file.
  - Set I(endpoint) (or C(IMAGEOPS_OCI_ENDPOINT)) to talk to the imageops emulator instead of the
    real cloud; C(imageops emulator serve) prints the variables to set.
options:
  config_file_location:
    description:
      - Path to the OCI configuration file (the one the OCI CLI uses).
      - If not set, the first of the C(IMAGEOPS_OCI_CONFIG_FILE) (written by the imageops emulator),
        C(OCI_CONFIG_FILE) and C(OCI_CLI_CONFIG_FILE) environment variables is used, else
        C(~/.oci/config).
    type: str
    version_added: 0.1.0
  config_profile_name:
    description:
      - The profile to load from the configuration file.
      - If not set, the C(OCI_CONFIG_PROFILE) or C(OCI_CLI_PROFILE) environment variable is used,
        else C(DEFAULT). A profile inherits every key it does not set from C(DEFAULT).
    type: str
    version_added: 0.1.0
  region:
    description:
      - The OCI region to use, for example C(us-ashburn-1).
      - Overrides the region of the configuration file profile.
    type: str
    version_added: 0.1.0
  tenancy:
    description:
      - OCID of the tenancy. Overrides the profile's C(tenancy).
    type: str
    version_added: 0.1.0
  api_user:
    description:
      - OCID of the user calling the API. Overrides the profile's C(user).
    type: str
    version_added: 0.1.0
  api_user_fingerprint:
    description:
      - Fingerprint of the API signing key of I(api_user). Overrides the profile's C(fingerprint).
    type: str
    version_added: 0.1.0
  api_user_key_file:
    description:
      - Path to the PEM private key that signs the requests. Overrides the profile's C(key_file).
    type: path
    version_added: 0.1.0
  api_user_key_pass_phrase:
    description:
      - Passphrase of the encrypted private key in I(api_user_key_file).
      - Overrides the profile's C(pass_phrase). Never logged.
    type: str
    version_added: 0.1.0
  endpoint:
    description:
      - Base URL of the Core Services API, to reach a non-default endpoint such as the imageops
        emulator (for example C(http://127.0.0.1:8080)).
      - If not set, the emulator's endpoint of I(region) (C(IMAGEOPS_OCI_ENDPOINT_<REGION>), or
        C(IMAGEOPS_OCI_ENDPOINT_TEMPLATE) for a region other than C(IMAGEOPS_OCI_REGION)), then the
        C(IMAGEOPS_OCI_ENDPOINT) environment variable, then the regional endpoint
        C(https://iaas.<region>.oraclecloud.com).
    type: str
    version_added: 0.1.0
"""
