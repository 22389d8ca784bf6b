#!/usr/bin/python
# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

DOCUMENTATION = r"""
module: alicloud_image_info
short_description: Read Alibaba Cloud ECS custom images
version_added: 0.1.0
description:
  - Returns one image by I(image_id), or the custom images of the account in the region,
    optionally only those with a given I(image_name), I(status) and I(resource_group_id).
    Every page of DescribeImages is followed to the end.
  - Never changes anything.
author:
  - imageops contributors (@imageops)
extends_documentation_fragment:
  - imageops.cloud.alicloud
  - imageops.cloud.info_filters
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - imageops.cloud.alicloud
options:
  image_id:
    description:
      - ID of the image to return. An image that does not exist (or is deleted) gives an empty
        I(images) list.
    type: str
    version_added: 0.1.0
  image_name:
    description:
      - Only the images with exactly this name.
      - I(name) is the deprecated spelling.
    type: str
    aliases: [name]
    version_added: 0.1.0
  resource_group_id:
    description:
      - Only the images of this resource group.
    type: str
    version_added: 0.1.0
  status:
    description:
      - Only the images in this status. Without it, every image that is not deleted.
    type: str
    choices: [Creating, Waiting, Available, UnAvailable, CreateFailed, Deprecated]
    version_added: 0.1.0
seealso:
  - module: imageops.cloud.alicloud_image
"""

EXAMPLES = r"""
# image_id is a variable holding your own image id.
- name: One image by id
  imageops.cloud.alicloud_image_info:
    image_id: "{{ image_id }}"
  register: result

- name: Every custom image of the region
  imageops.cloud.alicloud_image_info:
    alicloud_region: cn-hangzhou
  register: result

- name: The available images with one name
  imageops.cloud.alicloud_image_info:
    image_name: web-2024-06
    status: Available
  register: result

- name: Show their ids
  ansible.builtin.debug:
    msg: "{{ result.images | map(attribute='id') | list }}"
"""

RETURN = r"""
images:
  description:
    - The images found, each with every attribute of Terraform's C(alicloud_image), as the
      I(image) return value of M(imageops.cloud.alicloud_image).
  returned: always
  type: list
  elements: dict
  contains:
      id:
        description: The ID of the image.
        returned: success
        type: str
        sample: m-bp1g7004ksh0oeuc2xx
      image_name:
        description: The name of the image.
        returned: success
        type: str
        sample: web-2024-06
      description:
        description: The description of the image.
        returned: success
        type: str
        sample: the web tier
      status:
        description:
          - The status of the image, as ECS names it
          - C(Creating), C(Waiting), C(Available), C(UnAvailable) or C(CreateFailed).
        returned: success
        type: str
        sample: Available
      create_time:
        description: The create time.
        returned: success
        type: str
        sample: "2024-06-01T08:00:00Z"
      architecture:
        description: The system architecture.
        returned: success
        type: str
        sample: x86_64
      platform:
        description: The operating system distribution.
        returned: success
        type: str
        sample: Ubuntu
      boot_mode:
        description: The boot mode.
        returned: success
        type: str
        sample: BIOS
      image_family:
        description: The image family.
        returned: when set
        type: str
        sample: web
      image_version:
        description: The image version.
        returned: when set
        type: str
        sample: "2"
      resource_group_id:
        description: The resource group of the image.
        returned: success
        type: str
        sample: rg-acfmwvvtg5owavy
      tags:
        description: The tags of the image.
        returned: success
        type: dict
        sample: {"FinanceDept": "FinanceDeptJoshua"}
      features:
        description: The features of the image.
        returned: success
        type: dict
        contains:
          nvme_support:
            description: C(supported) or C(unsupported).
            returned: success
            type: str
            sample: unsupported
      license_type:
        description: The license type of an imported image.
        returned: when reported by the cloud
        type: str
        sample: BYOL
      disk_device_mapping:
        description: Snapshot information for the image, one entry per disk.
        returned: success
        type: list
        elements: dict
        contains:
          device:
            description: The device name of the disk.
            returned: success
            type: str
            sample: /dev/xvda
          disk_type:
            description: C(system) or C(data).
            returned: success
            type: str
            sample: system
          size:
            description: The size of the disk in GiB.
            returned: success
            type: int
            sample: 40
          snapshot_id:
            description: The snapshot of the disk.
            returned: success
            type: str
            sample: s-bp17441ohwka0yuhxx
          format:
            description: Image format.
            returned: for imported images
            type: str
            sample: QCOW2
          import_oss_bucket:
            description: Import the bucket of the OSS to which the image belongs.
            returned: for imported images
            type: str
            sample: images
          import_oss_object:
            description: Import the object of the OSS to which the image file belongs.
            returned: for imported images
            type: str
            sample: golden.qcow2
          progress:
            description: Copy the progress of the task.
            returned: success
            type: str
            sample: 100%
          remain_time:
            description:
              - For an image being replicated, the remaining time of the replication task, in
                seconds.
            returned: success
            type: int
            sample: 0
  sample: [{"id": "m-bp1g7004ksh0oeuc2xx", "image_name": "web", "status": "Available"}]
"""

from ansible_collections.imageops.cloud.plugins.module_utils.alicloud import ALICLOUD_AUTH  # noqa: E402
from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule  # noqa: E402

ARGUMENT_SPEC = dict(
    image_id=dict(type="str"),
    image_name=dict(
        type="str",
        aliases=["name"],
        deprecated_aliases=[dict(name="name", version="2.0.0", collection_name="imageops.cloud")],
    ),
    resource_group_id=dict(type="str"),
    status=dict(
        type="str", choices=["Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated"]
    ),
)


def main():
    module = ImageModule(
        ALICLOUD_AUTH,
        ARGUMENT_SPEC,
        info=True,
        spec_names=dict(image_id=None, status=None, alicloud_region="region"),
    )
    module.run_info(filters=dict(status=module.params["status"]))


if __name__ == "__main__":
    main()
