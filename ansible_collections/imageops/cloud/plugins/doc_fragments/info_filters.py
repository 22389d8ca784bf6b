# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations


class ModuleDocFragment:
    # The filters every *_image_info module has (the module base applies them the same way).
    DOCUMENTATION = r"""
options:
  tags:
    description:
      - Only the images carrying every one of these tags (for OCI, freeform tags), given as a
        dictionary of key and value. A key with an empty value matches the key with any value.
      - Applied to every page of the listing, so the result is complete however many images the
        account has.
    type: dict
    version_added: 0.1.0
"""
