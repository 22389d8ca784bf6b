# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations


class ModuleDocFragment:
    # The wait options every managing module of the collection has.
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait for the image to reach its final state (available after a create or update, gone
        after a delete) before returning.
      - With C(false) the module returns as soon as the cloud accepted the request; the returned
        I(image) may then still be in a transitional state (for OCI C(PROVISIONING) or C(IMPORTING)).
    type: bool
    default: true
    version_added: 0.1.0
  wait_timeout:
    description:
      - How many seconds to wait when I(wait=true).
      - When not set, the module's I(timeouts) for the operation apply where the module has them
        (their defaults are the Terraform resource's), else 1800 seconds.
      - On timeout the task fails with C(changed=true) and the id of the image in I(image_id), so a
        later run (or the matching C(*_image_info) module) can pick it up.
    type: int
    version_added: 0.1.0
"""
