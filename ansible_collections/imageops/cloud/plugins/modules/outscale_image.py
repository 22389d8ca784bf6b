#!/usr/bin/python
# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

DOCUMENTATION = r"""
module: outscale_image
short_description: Create, register, copy, update and delete OUTSCALE machine images (OMIs)
version_added: 0.1.0
description:
  - Creates an OMI from a VM, registers one from a manifest file or from BSU snapshots, or copies
    one; updates its description, launch permissions, product codes and tags; deletes it. The
    options are the arguments of Terraform's C(outscale_image) resource.
  - Idempotent. The OMI is found again by I(image_id) or, without it, by I(image_name), which is
    unique within the account. A run with nothing to change makes exactly one read call
    (ReadImages) and no write.
  - I(description), I(permissions_to_launch), I(product_codes) and I(tags) change in place
    (UpdateImage, CreateTags, DeleteTags). Every other option is fixed when the OMI is made,
    I(image_name) included; see I(allow_replace).
  - The OUTSCALE API has no idempotency token for CreateImage; a run interrupted after its create
    left is safe to repeat, because the next run finds the OMI by I(image_name) and adopts it.
  - Every option is checked before any API call, all problems reported at once with the option
    and the rule (name length and characters, exactly one source, C(iops) only and always with
    C(io1), at most 13000 and 300 per GiB).
author:
  - imageops contributors (@imageops)
extends_documentation_fragment:
  - imageops.cloud.outscale
  - imageops.cloud.wait
  - imageops.cloud.regions
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.ACTIONGROUPS
attributes:
  check_mode:
    support: full
    details: The same single read as a real run; C(changed) is exactly what a real run would do.
  diff_mode:
    support: full
  platform:
    platforms: all
  action_group:
    support: full
    membership:
      - imageops.cloud.outscale
options:
  state:
    description:
      - C(present) makes the OMI if it does not exist and updates it if it differs.
      - C(absent) deletes the OMI found by I(image_id), or by I(image_name).
    type: str
    choices: [present, absent]
    default: present
    version_added: 0.1.0
  image_id:
    description:
      - ID of an existing OMI to manage (C(ami-xxxxxxxx), the Terraform import id).
      - With I(state=present), the OMI must exist; without I(image_id), it is found by
        I(image_name) and made when there is none.
      - One of I(image_id) or I(image_name) is required, so that a re-run finds the same OMI.
    type: str
    version_added: 0.1.0
  image_name:
    description:
      - A unique name for the OMI within the account.
      - Constraints - 3-128 alphanumeric characters, underscores (C(_)), spaces, parentheses
        (C(())), slashes (C(/)), periods (C(.)) or dashes (C(-)).
      - The idempotency key of the module. Cannot change on an existing OMI (see I(allow_replace)).
    type: str
    aliases: [name]
    version_added: 0.1.0
  description:
    description:
      - A description for the OMI. Changeable in place.
      - Not given, the OMI's description is left alone.
    type: str
    version_added: 0.1.0
  vm_id:
    description:
      - When creating from a VM - the ID of the VM from which to create the OMI (C(i-xxxxxxxx)).
      - One of the four sources - exactly one of I(vm_id), I(file_location), I(source_image_id) or
        I(block_device_mappings) is required.
      - Create-only; a change is not detected on an existing OMI (OUTSCALE does not report it back).
    type: str
    version_added: 0.1.0
  no_reboot:
    description:
      - When creating from a VM - if C(false), the VM shuts down before creating the OMI and then
        reboots. If C(true), the VM does not. Only with I(vm_id).
    type: bool
    version_added: 0.1.0
  file_location:
    description:
      - When registering from a bucket by using a manifest file - the pre-signed URL of the
        manifest file for the OMI you want to register. Make sure the manifest is still valid.
    type: str
    version_added: 0.1.0
  source_image_id:
    description:
      - When copying an OMI - the ID of the OMI you want to copy (C(ami-xxxxxxxx)). Requires
        I(source_region_name).
      - Create-only; a change is not detected on an existing OMI.
    type: str
    version_added: 0.1.0
  source_region_name:
    description:
      - When copying an OMI - the name of the source Region (always the same as the Region of your
        account). Only with, and required with, I(source_image_id).
    type: str
    version_added: 0.1.0
  block_device_mappings:
    description:
      - When registering from a snapshot - one or more block device mappings. Requires
        I(root_device_name).
      - Cannot change on an existing OMI (see I(allow_replace)).
    type: list
    elements: dict
    version_added: 0.1.0
    suboptions:
      device_name:
        description:
          - The device name for the volume. For a root device, you must use C(/dev/sda1). For other
            volumes, C(/dev/sdX), C(/dev/sdXX), C(/dev/xvdX) or C(/dev/xvdXX) (where the first C(X)
            is a letter between C(b) and C(z), and the second C(X) a letter between C(a) and C(z)).
        type: str
        version_added: 0.1.0
      virtual_device_name:
        description: The name of the virtual device (C(ephemeralN)). Not together with I(bsu).
        type: str
        version_added: 0.1.0
      bsu:
        description: Information about the BSU volume to create.
        type: dict
        version_added: 0.1.0
        suboptions:
          delete_on_vm_deletion:
            description:
              - By default or if set to C(true), the volume is deleted when terminating the VM.
                If C(false), the volume is not deleted when terminating the VM.
            type: bool
            version_added: 0.1.0
          iops:
            description:
              - The number of I/O operations per second (IOPS). Must be specified for, and only
                for, an C(io1) volume.
              - The maximum number of IOPS allowed for C(io1) volumes is C(13000) with a maximum
                performance ratio of 300 IOPS per gibibyte.
            type: int
            version_added: 0.1.0
          snapshot_id:
            description: The ID of the snapshot used to create the volume (C(snap-xxxxxxxx)).
            type: str
            version_added: 0.1.0
          volume_size:
            description:
              - The size of the volume, in gibibytes (GiB).
              - If you specify a snapshot ID, the volume size must be at least equal to the
                snapshot size; without a size, the volume is the snapshot's size.
            type: int
            version_added: 0.1.0
          volume_type:
            description:
              - The type of the volume. If not specified, a C(standard) volume is created.
            type: str
            choices: [standard, io1, gp2]
            version_added: 0.1.0
  root_device_name:
    description:
      - When registering from a snapshot - the name of the root device for the new OMI
        (C(/dev/sda1)); one of the I(block_device_mappings) must have it as I(device_name).
    type: str
    version_added: 0.1.0
  architecture:
    description:
      - When registering from a snapshot - the architecture of the OMI. Only with
        I(block_device_mappings).
    type: str
    choices: [i386, x86_64]
    version_added: 0.1.0
  boot_modes:
    description:
      - The boot modes compatible with the OMI. Cannot change on an existing OMI.
    type: list
    elements: str
    choices: [uefi, legacy]
    version_added: 0.1.0
  tpm_mandatory:
    description:
      - By default or if set to C(false), a virtual Trusted Platform Module (vTPM) is not mandatory
        on VMs created from this OMI. If C(true), VMs created from this OMI must have a vTPM
        enabled. Cannot change on an existing OMI.
    type: bool
    version_added: 0.1.0
  product_codes:
    description:
      - The product codes associated with the OMI. Changeable in place (the whole list).
    type: list
    elements: str
    version_added: 0.1.0
  permissions_to_launch:
    description:
      - Who may launch VMs from the OMI. Changeable in place (UpdateImage adds and removes
        permissions to reach exactly what is given here).
      - Not given, the OMI's permissions are left alone.
    type: dict
    version_added: 0.1.0
    suboptions:
      global_permission:
        description: C(true) makes the OMI public, C(false) private.
        type: bool
        version_added: 0.1.0
      account_ids:
        description: The IDs of the accounts (12 digits) allowed to launch the OMI; the complete list.
        type: list
        elements: str
        version_added: 0.1.0
  tags:
    description:
      - Tags to put on the OMI, as a list of C(key)/C(value) pairs, as in Terraform. Changeable in
        place.
      - With I(purge_tags=true), tags not listed here are removed; C([]) removes them all.
        Not given at all, the OMI's tags are left alone.
    type: list
    elements: dict
    version_added: 0.1.0
    suboptions:
      key:
        description: The key of the tag, with a minimum of 1 character.
        type: str
        required: true
        version_added: 0.1.0
      value:
        description: The value of the tag, between 0 and 255 characters.
        type: str
        required: true
        version_added: 0.1.0
  purge_tags:
    description:
      - With C(true), I(tags) is the complete set of tags, and other tags are removed.
      - With C(false), the given tags are added or changed, and other tags are kept.
    type: bool
    default: true
    version_added: 0.1.0
  allow_replace:
    description:
      - What to do when an option that cannot change on an existing OMI differs from the OMI
        found (I(block_device_mappings), I(root_device_name), I(architecture), I(boot_modes),
        I(tpm_mandatory), I(file_location)), or when the OMI is in the C(failed) state.
      - With C(false) (the default) the task fails and names the options; nothing is changed.
      - With C(true) the OMI is B(deleted) and made again with the new values (as Terraform does
        for a ForceNew argument); it gets a new ID. The delete is awaited first, even with
        I(wait=false), because OMI names are unique in the account.
    type: bool
    default: false
    version_added: 0.1.0
seealso:
  - module: imageops.cloud.outscale_image_info
  - name: About OMIs
    description: OUTSCALE user guide on machine images.
    link: https://docs.outscale.com/en/userguide/About-OMIs.html
  - name: OUTSCALE API - Image
    description: CreateImage, ReadImages, UpdateImage and DeleteImage.
    link: https://docs.outscale.com/api#3ds-outscale-api-image
"""

EXAMPLES = r"""
# The ids are variables holding your own (vm_id, manifest_url, source_image_id, snapshot_id,
# other_account_id).
- name: Create an image from a VM
  imageops.cloud.outscale_image:
    image_name: terraform-omi-create
    vm_id: "{{ vm_id }}"
    no_reboot: true
  register: image01

- name: Import (register) an image from a manifest file
  imageops.cloud.outscale_image:
    description: Terraform register OMI
    image_name: terraform-omi-register
    file_location: "{{ manifest_url }}"  # for example a pre-signed OOS URL

- name: Copy an image
  imageops.cloud.outscale_image:
    description: Terraform copy OMI
    image_name: terraform-omi-copy
    source_image_id: "{{ source_image_id }}"
    source_region_name: eu-west-2

- name: Create an image with a Block Storage Unit (BSU) volume
  imageops.cloud.outscale_image:
    image_name: terraform-omi-bsu
    block_device_mappings:
      - device_name: /dev/sda1
        bsu:
          snapshot_id: "{{ snapshot_id }}"
          volume_size: 120
          volume_type: io1
          iops: 150
          delete_on_vm_deletion: true
    root_device_name: /dev/sda1
    description: Terraform OMI with BSU

- name: Share an image with one account, add a tag and keep the others
  imageops.cloud.outscale_image:
    image_name: terraform-omi-create
    vm_id: "{{ vm_id }}"
    permissions_to_launch:
      account_ids: ["{{ other_account_id }}"]
      global_permission: false
    tags:
      - key: reviewed
        value: "yes"
    purge_tags: false

- name: Delete an image by name
  imageops.cloud.outscale_image:
    state: absent
    image_name: terraform-omi-copy

- name: Delete an image by id, without waiting for it to be gone
  imageops.cloud.outscale_image:
    state: absent
    image_id: "{{ image01.image.image_id }}"
    wait: false

- name: Same auth for every OUTSCALE task of the collection
  module_defaults:
    group/imageops.cloud.outscale:
      profile: default
      region: eu-west-2
  block:
    - name: Make sure the image exists
      imageops.cloud.outscale_image:
        image_name: terraform-omi-create
        vm_id: "{{ vm_id }}"
"""

RETURN = r"""
changed:
  description: Whether a write call was made (or, in check mode, would be).
  returned: always
  type: bool
  sample: true
action:
  description:
    - What the module did (or, in check mode, would do)
    - C(noop), C(create), C(update), C(replace) or C(delete).
  returned: success
  type: str
  sample: update
diff:
  description:
    - The managed options before and after, as shown in diff mode (C(--diff)).
    - For a create, C(before) is empty; for a delete, C(after) is empty.
  returned: success
  type: dict
  contains:
    before:
      description: The managed options as observed before the run.
      type: dict
      returned: success
      sample: {"image_name": "web", "tags": [{"key": "env", "value": "dev"}]}
    after:
      description: The managed options as they are (or would be) after the run.
      type: dict
      returned: success
      sample: {"image_name": "web", "tags": [{"key": "env", "value": "prod"}]}
  sample: {"before": {"description": ""}, "after": {"description": "golden"}}
image_id:
  description: ID of the OMI that did not reach its final state in time (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: ami-12345678
last_state:
  description: The state the image was last seen in, in the cloud's words (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: pending
progress:
  description:
    - The state changes seen while the module waited (for the image to be built, updated or deleted),
      oldest first - one entry per change of state, percent or status message, not one per poll.
      With I(regions), the entries of every region, each naming its region.
    - Run C(ansible-playbook -v) to have each entry printed as a line under the task, once the task
      is done (a module cannot write to the play's output while it runs).
    - Empty in check mode, and when nothing was waited for.
  returned: success, and on a failed or timed-out wait
  type: list
  elements: dict
  contains:
    image_id:
      description: The image the entry is about.
      returned: always
      type: str
      sample: ami-12345678
    state:
      description: Its state, in the cloud's words.
      returned: always
      type: str
      sample: pending
    status:
      description: Its state, normalised - C(pending), C(available), C(failed) or C(deleted).
      returned: always
      type: str
      sample: pending
    percent:
      description: How far along the cloud says it is, 0 to 100, where the cloud reports it.
      returned: when the cloud reports it
      type: int
      sample: 45
    message:
      description: The cloud's own words about the state, where it gives some.
      returned: when the cloud gives some
      type: str
      sample: null
    elapsed:
      description: Seconds since the module started waiting.
      returned: always
      type: float
      sample: 12.5
    at:
      description: When the change was seen (UTC, ISO 8601).
      returned: always
      type: str
      sample: "2024-06-01T08:00:12.500000Z"
    region:
      description: The region of the image.
      returned: when known
      type: str
      sample: eu-west-2
regions:
  description:
    - With I(regions), what happened in each region, by region name, in the order given (the first is
      the source).
    - Also returned when the task fails because some regions failed - the other regions' images are
      kept, and listed here.
  returned: when I(regions) is given
  type: dict
  sample: {"eu-west-2": {"image_id": "ami-12345678", "state": "available", "action": "create",
           "changed": true, "source": true, "error": null, "error_code": null, "seconds": 61.2}}
failed_regions:
  description: The regions that failed, when some did (the task then fails; the others are kept).
  returned: when some regions failed
  type: list
  elements: str
  sample: ["us-east-2"]
image:
  description:
    - The OMI, with every attribute of Terraform's C(outscale_image).
    - With I(state=absent), the OMI as it was before it was deleted (empty when there was none).
    - In check mode, the OMI as found (empty when it would be created).
  returned: success
  type: dict
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
  sample: {"id": "ami-12345678", "image_id": "ami-12345678", "image_name": "web", "state": "available"}
"""

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule  # noqa: E402
from ansible_collections.imageops.cloud.plugins.module_utils.outscale import OUTSCALE_AUTH  # noqa: E402

ARGUMENT_SPEC = dict(
    image_name=dict(type="str", aliases=["name"]),
    description=dict(type="str"),
    vm_id=dict(type="str"),
    no_reboot=dict(type="bool"),
    file_location=dict(type="str"),
    source_image_id=dict(type="str"),
    source_region_name=dict(type="str"),
    block_device_mappings=dict(
        type="list",
        elements="dict",
        options=dict(
            device_name=dict(type="str"),
            virtual_device_name=dict(type="str"),
            bsu=dict(
                type="dict",
                options=dict(
                    delete_on_vm_deletion=dict(type="bool"),
                    iops=dict(type="int"),
                    snapshot_id=dict(type="str"),
                    volume_size=dict(type="int"),
                    volume_type=dict(type="str", choices=["standard", "io1", "gp2"]),
                ),
            ),
        ),
    ),
    root_device_name=dict(type="str"),
    architecture=dict(type="str", choices=["i386", "x86_64"]),
    boot_modes=dict(type="list", elements="str", choices=["uefi", "legacy"]),
    tpm_mandatory=dict(type="bool"),
    product_codes=dict(type="list", elements="str"),
    permissions_to_launch=dict(
        type="dict",
        options=dict(
            global_permission=dict(type="bool"),
            account_ids=dict(type="list", elements="str"),
        ),
    ),
    tags=dict(
        type="list",
        elements="dict",
        options=dict(
            key=dict(type="str", required=True, no_log=False), value=dict(type="str", required=True)
        ),
    ),
)


def main():
    module = ImageModule(
        OUTSCALE_AUTH,
        ARGUMENT_SPEC,
        regions=True,
        required_if=[
            ("state", "present", ("image_id", "image_name"), True),
            ("state", "absent", ("image_id", "image_name"), True),
        ],
    )
    module.run()


if __name__ == "__main__":
    main()
