# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations


class ModuleDocFragment:
    # The fan-out options of the managing modules whose cloud copies images between regions.
    DOCUMENTATION = r"""
options:
  regions:
    description:
      - Make the image present in every one of these regions (fan-out). The first region is the
        source - the image is built there as the other options say (or found there by its name) and
        waited for - and every other region gets a copy of it, the copies made in parallel (at most
        I(max_parallel) at a time).
      - Each region stands on its own - found again by the image's name in that region, created with its
        own idempotency token - so a re-run only acts in the regions still missing the image.
      - A region that fails does not undo the others - the task fails with a message naming each failed
        region and why, and the per-region results (the kept images included) are in I(regions).
      - With I(state=absent), deletes the image (found by its name) from every one of these regions.
      - The regions given here take the place of the module's own region option for where the images
        live (that option still picks the credentials' profile and endpoint defaults).
      - Mutually exclusive with I(image_id).
    type: list
    elements: str
    version_added: 0.1.0
  max_parallel:
    description:
      - With I(regions), how many regions are worked on at the same time.
    type: int
    default: 20
    version_added: 0.1.0
"""
