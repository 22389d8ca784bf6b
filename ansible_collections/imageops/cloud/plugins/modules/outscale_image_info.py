#!/usr/bin/python
# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

DOCUMENTATION = r"""
module: outscale_image_info
short_description: Read OUTSCALE machine images (OMIs)
version_added: 0.1.0
description:
  - Returns one OMI by I(image_id), or the OMIs of the account, optionally only those with a given
    I(image_name) and in given I(states). Follows C(NextPageToken) to the last page.
  - Never changes anything.
author:
  - imageops contributors (@imageops)
extends_documentation_fragment:
  - imageops.cloud.outscale
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
      - imageops.cloud.outscale
options:
  image_id:
    description:
      - ID of the OMI to return (C(ami-xxxxxxxx)). An OMI that does not exist gives an empty
        I(images) list.
    type: str
    version_added: 0.1.0
  image_name:
    description:
      - Only the OMI with exactly this name (names are unique in an account).
    type: str
    aliases: [name]
    version_added: 0.1.0
  states:
    description:
      - Only the OMIs in these states. Without it, every OMI of the account.
    type: list
    elements: str
    choices: [pending, available, failed]
    version_added: 0.1.0
seealso:
  - module: imageops.cloud.outscale_image
"""

EXAMPLES = r"""
# image_id is a variable holding your own OMI id.
- name: One OMI by id
  imageops.cloud.outscale_image_info:
    image_id: "{{ image_id }}"
  register: result

- name: Every OMI of the account
  imageops.cloud.outscale_image_info:
  register: result

- name: The OMI with one name, once available
  imageops.cloud.outscale_image_info:
    image_name: terraform-omi-create
    states: [available]
  register: result

- name: Show their ids
  ansible.builtin.debug:
    msg: "{{ result.images | map(attribute='image_id') | list }}"
"""

RETURN = r"""
images:
  description:
    - The OMIs found, each with every attribute of Terraform's C(outscale_image), as the I(image)
      return value of M(imageops.cloud.outscale_image).
  returned: always
  type: list
  elements: dict
  contains:
      id:
        description: The ID of the OMI (same as I(image_id)).
        returned: success
        type: str
        sample: ami-12345678
      account_alias:
        description: The account alias of the owner of the OMI.
        returned: success
        type: str
        sample: my-account
      account_id:
        description: The account ID of the owner of the OMI.
        returned: success
        type: str
        sample: "123456789012"
      architecture:
        description: The architecture of the OMI.
        returned: success
        type: str
        sample: x86_64
      block_device_mappings:
        description: One or more block device mappings.
        returned: success
        type: list
        elements: dict
        contains:
          bsu:
            description: Information about the BSU volume to create.
            returned: success
            type: dict
            contains:
              delete_on_vm_deletion:
                description: If true, the volume is deleted when terminating the VM.
                returned: success
                type: bool
                sample: true
              iops:
                description: The number of I/O operations per second (IOPS), for an C(io1) volume.
                returned: when set
                type: int
                sample: 150
              snapshot_id:
                description: The ID of the snapshot used to create the volume.
                returned: success
                type: str
                sample: snap-12345678
              volume_size:
                description: The size of the volume, in gibibytes (GiB).
                returned: success
                type: int
                sample: 120
              volume_type:
                description: The type of the volume (C(standard), C(io1) or C(gp2)).
                returned: success
                type: str
                sample: io1
            sample: {"snapshot_id": "snap-12345678", "volume_size": 120, "volume_type": "io1", "iops": 150,
                     "delete_on_vm_deletion": true}
          device_name:
            description: The device name for the volume.
            returned: success
            type: str
            sample: /dev/sda1
          virtual_device_name:
            description: The name of the virtual device (C(ephemeralN)).
            returned: when set
            type: str
            sample: ephemeral0
        sample: [{"device_name": "/dev/sda1", "bsu": {"snapshot_id": "snap-12345678", "volume_size": 120}}]
      boot_modes:
        description: The boot modes compatible with the OMI (C(uefi), C(legacy)).
        returned: success
        type: list
        elements: str
        sample: [legacy]
      creation_date:
        description: The date and time (UTC) at which the OMI was created.
        returned: success
        type: str
        sample: "2026-11-26T07:00:00.000Z"
      description:
        description: The description of the OMI.
        returned: success
        type: str
        sample: Terraform OMI with BSU
      file_location:
        description: The location from which the OMI files were created.
        returned: success
        type: str
        sample: 123456789012/terraform-omi-create
      image_id:
        description: The ID of the OMI.
        returned: success
        type: str
        sample: ami-12345678
      image_name:
        description: The name of the OMI.
        returned: success
        type: str
        sample: terraform-omi-create
      image_type:
        description: The type of the OMI.
        returned: success
        type: str
        sample: machine
      permissions_to_launch:
        description: Permissions for the resource.
        returned: success
        type: dict
        contains:
          account_ids:
            description: One or more account IDs that the permission is associated with.
            returned: success
            type: list
            elements: str
            sample: ["123456789012"]
          global_permission:
            description: If true, the OMI is public. If false, the OMI is private.
            returned: success
            type: bool
            sample: false
        sample: {"account_ids": [], "global_permission": false}
      product_codes:
        description: The product codes associated with the OMI.
        returned: success
        type: list
        elements: str
        sample: ["0001"]
      root_device_name:
        description: The name of the root device.
        returned: success
        type: str
        sample: /dev/sda1
      root_device_type:
        description: The type of root device used by the OMI (always C(bsu)).
        returned: success
        type: str
        sample: bsu
      secure_boot:
        description: Whether secure boot is activated or not.
        returned: success
        type: bool
        sample: false
      state_comment:
        description: Information about the change of state.
        returned: success
        type: dict
        contains:
          state_code:
            description: The code of the change of state.
            returned: when the state changed for a reason
            type: str
            sample: Client.InvalidManifest
          state_message:
            description: A message explaining the change of state.
            returned: when the state changed for a reason
            type: str
            sample: The manifest could not be read
        sample: {}
      state:
        description: The state of the OMI (C(pending), C(available) or C(failed)).
        returned: success
        type: str
        sample: available
      tags:
        description: One or more tags associated with the OMI.
        returned: success
        type: list
        elements: dict
        contains:
          key:
            description: The key of the tag.
            returned: success
            type: str
            sample: env
          value:
            description: The value of the tag.
            returned: success
            type: str
            sample: prod
        sample: [{"key": "env", "value": "prod"}]
      tpm_mandatory:
        description: If true, a vTPM is mandatory for VMs created from this OMI.
        returned: success
        type: bool
        sample: false
  sample: [{"id": "ami-12345678", "image_id": "ami-12345678", "image_name": "web", "state": "available"}]
"""

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule  # noqa: E402
from ansible_collections.imageops.cloud.plugins.module_utils.outscale import OUTSCALE_AUTH  # noqa: E402

ARGUMENT_SPEC = dict(
    image_id=dict(type="str"),
    image_name=dict(type="str", aliases=["name"]),
    states=dict(type="list", elements="str", choices=["pending", "available", "failed"]),
)


def main():
    module = ImageModule(OUTSCALE_AUTH, ARGUMENT_SPEC, info=True, spec_names=dict(image_id=None, states=None))
    module.run_info(filters=dict(states=module.params["states"]))


if __name__ == "__main__":
    main()
