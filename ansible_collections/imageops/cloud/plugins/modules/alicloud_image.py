#!/usr/bin/python
# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

DOCUMENTATION = r"""
module: alicloud_image
short_description: Create, import, copy, update and delete Alibaba Cloud ECS custom images
version_added: 0.1.0
description:
  - Creates an ECS custom image from an instance, from a system disk snapshot or from snapshots of
    several disks, imports one from an image file in OSS, or copies one from another region;
    updates its name, description, family, boot mode, resource group and tags; deletes it. The
    options are the arguments of Terraform's C(alicloud_image) resource, plus I(import_from) and
    I(copy_from) for what Terraform's C(alicloud_image_import) and C(alicloud_image_copy) do.
  - Give exactly one source - I(instance_id), I(snapshot_id), I(disk_device_mapping),
    I(import_from) or I(copy_from).
  - Idempotent. The image is found again by I(image_id) or, without it, by I(image_name) within the
    account and region; more than one live image with that name is an error, never a guess. A run
    with nothing to change makes exactly one read call (DescribeImages) and no write.
  - CreateImage, ImportImage and CopyImage carry a deterministic C(ClientToken), so a retried or
    interrupted run never makes a second image.
  - Every option is checked against the documented rules before any API call; all problems are
    reported at once, each naming the option and the rule.
author:
  - imageops contributors (@imageops)
extends_documentation_fragment:
  - imageops.cloud.alicloud
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
      - imageops.cloud.alicloud
options:
  state:
    description:
      - C(present) creates (imports, copies) the image if it does not exist and updates it if it
        differs.
      - C(absent) deletes the image found by I(image_id), or by I(image_name) in the region.
    type: str
    choices: [present, absent]
    default: present
    version_added: 0.1.0
  image_id:
    description:
      - ID of an existing image to manage (C(m-...); the Terraform import id).
      - With I(state=present), the image must exist; without I(image_id), it is found by
        I(image_name) and created when there is none.
      - One of I(image_id) or I(image_name) is required, so that a re-run finds the same image.
    type: str
    version_added: 0.1.0
  image_name:
    description:
      - The name of the custom image. The name must be 2 to 128 characters in length. It must start
        with a letter and cannot start with C(acs:) or C(aliyun). It cannot contain C(http://) or
        C(https://). It can contain letters, digits, periods (.), colons (:), underscores (_), and
        hyphens (-). Changeable in place.
      - Also the idempotency key of the module.
      - I(name) is the deprecated spelling (deprecated since Terraform provider v1.227.0).
    type: str
    aliases: [name]
    version_added: 0.1.0
  description:
    description:
      - The description of the custom image, 2 to 256 characters, not starting with C(http://) or
        C(https://). Changeable in place.
    type: str
    version_added: 0.1.0
  instance_id:
    description:
      - Source - the ID of the instance (Running or Stopped) to create the image from. Each disk of
        the instance gets a new snapshot.
      - As in Terraform, a change is recorded without building a new image.
    type: str
    version_added: 0.1.0
  snapshot_id:
    description:
      - Source - the ID of a system disk snapshot to create the image from. Snapshots created on or
        before July 15, 2013 cannot be used.
      - As in Terraform, a change is recorded without building a new image.
    type: str
    version_added: 0.1.0
  disk_device_mapping:
    description:
      - Source - snapshots of several disks combined into one image; at most one system disk and
        16 data disks. Cannot change on an existing image (see I(allow_replace)).
      - A disk given here is compared only in the suboptions given; ECS reports the rest.
    type: list
    elements: dict
    version_added: 0.1.0
    suboptions:
      device:
        description:
          - The device name of the disk in the image. C(/dev/vda) to C(/dev/vdz) for disks other
            than basic disks, C(/dev/xvda) to C(/dev/xvdz) for basic disks.
        type: str
        version_added: 0.1.0
      disk_type:
        description:
          - C(system) to create the system disk of the image (at most one), C(data) for a data disk
            (at most 16). Default - the type of the snapshot's disk.
        type: str
        choices: [system, data]
        version_added: 0.1.0
      size:
        description:
          - The size of the disk in GiB. Without a snapshot 5 to 2000 for basic disks and 20 to
            32768 for others; with a snapshot at least the snapshot's size (the default).
        type: int
        version_added: 0.1.0
      snapshot_id:
        description: The ID of the snapshot to create this disk from.
        type: str
        version_added: 0.1.0
  import_from:
    description:
      - Source - import the image from an image file in OSS (ImportImage; Terraform's
        C(alicloud_image_import)). The bucket must be in the image's region.
      - Cannot change on an existing image (see I(allow_replace)).
    type: dict
    version_added: 0.1.0
    suboptions:
      oss_bucket:
        description: The OSS bucket holding the image file.
        type: str
        required: true
        version_added: 0.1.0
      oss_object:
        description: The OSS object (file name) of the image file.
        type: str
        required: true
        version_added: 0.1.0
      format:
        description: The format of the image file. Default - detected by ECS.
        type: str
        choices: [RAW, VHD, QCOW2, VMDK]
        version_added: 0.1.0
      disk_image_size:
        description: The size in GiB of the system disk made from the file, 5 to 500.
        type: int
        version_added: 0.1.0
      device:
        description: The device name of the imported system disk, for example C(/dev/xvda).
        type: str
        version_added: 0.1.0
      os_type:
        description: The operating system type of the image file.
        type: str
        choices: [linux, windows]
        version_added: 0.1.0
  copy_from:
    description:
      - Source - copy an image from another region into I(alicloud_region) (CopyImage; Terraform's
        C(alicloud_image_copy)). The copy is found again by I(image_name) in the destination region.
      - Cannot change on an existing image (see I(allow_replace)).
    type: dict
    version_added: 0.1.0
    suboptions:
      source_image_id:
        description: The ID of the custom image to copy.
        type: str
        required: true
        version_added: 0.1.0
      source_region_id:
        description: The region of the image to copy; must differ from I(alicloud_region).
        type: str
        required: true
        version_added: 0.1.0
      encrypted:
        description: Encrypt the snapshots of the copy.
        type: bool
        version_added: 0.1.0
      kms_key_id:
        description: The KMS key that encrypts the copy.
        type: str
        version_added: 0.1.0
  architecture:
    description:
      - The system architecture of the system disk. Needed when a data disk snapshot becomes the
        system disk. Default C(x86_64). Cannot change on an existing image.
    type: str
    choices: [i386, x86_64, arm64]
    version_added: 0.1.0
  platform:
    description:
      - The operating system distribution of the system disk. Needed when a data disk snapshot
        becomes the system disk. Default C(Others Linux). Cannot change on an existing image.
    type: str
    choices: [Aliyun, Anolis, CentOS, Ubuntu, CoreOS, SUSE, Debian, OpenSUSE, FreeBSD, RedHat,
              Kylin, UOS, Fedora, Fedora CoreOS, CentOS Stream, AlmaLinux, Rocky Linux, Gentoo,
              Customized Linux, Others Linux, Windows Server 2022, Windows Server 2019,
              Windows Server 2016, Windows Server 2012, Windows Server 2008, Windows Server 2003]
    version_added: 0.1.0
  image_family:
    description:
      - The name of the image family; the same rules as I(image_name). Changeable in place.
    type: str
    version_added: 0.1.0
  image_version:
    description:
      - The image version. Leave it empty (or the instance's) for an instance that uses an Alibaba
        Cloud Marketplace image. Cannot change on an existing image.
    type: str
    version_added: 0.1.0
  boot_mode:
    description:
      - The boot mode of the image. C(UEFI-Preferred) supports both BIOS and UEFI. Changeable in
        place; check which modes the image supports first.
    type: str
    choices: [BIOS, UEFI, UEFI-Preferred]
    version_added: 0.1.0
  detection_strategy:
    description:
      - Check the image after it is created. Only C(Standard) is supported; not given, no check.
    type: str
    choices: [Standard]
    version_added: 0.1.0
  features:
    description:
      - Image features. Cannot change on an existing image (see I(allow_replace)).
    type: dict
    version_added: 0.1.0
    suboptions:
      nvme_support:
        description:
          - C(supported) - the image, and instances created from it, support NVMe.
          - C(unsupported) - they do not.
        type: str
        choices: [supported, unsupported]
        version_added: 0.1.0
  license_type:
    description:
      - The license used to activate the operating system of an imported image (I(import_from)
        only). C(BYOL) uses the license that comes with the source operating system.
    type: str
    choices: [Auto, Aliyun, BYOL]
    version_added: 0.1.0
  resource_group_id:
    description:
      - The ID of the resource group of the image (C(rg-...)). Default - the default resource
        group. Changeable in place (JoinResourceGroup).
    type: str
    version_added: 0.1.0
  tags:
    description:
      - The tags of the image, up to 20; keys must not start with C(aliyun) or C(acs:).
        Changeable in place.
      - With I(purge_tags=true), tags not listed here are removed; C({}) removes them all.
        Not given at all, the image's tags are left alone.
    type: dict
    version_added: 0.1.0
  purge_tags:
    description:
      - With C(true), I(tags) is the complete set of tags, and other tags are removed.
      - With C(false), the given tags are added or changed, and other tags are kept.
    type: bool
    default: true
    version_added: 0.1.0
  timeouts:
    description:
      - How long to wait for each operation, as Terraform's C(timeouts) block of C(alicloud_image)
        says it (seconds, or a duration such as C(10m) or C(1h30m)); 10 minutes each by default.
      - An explicit I(wait_timeout) overrides them for every operation.
    type: dict
    version_added: 0.1.0
    suboptions:
      create:
        description: Wait for a create, an import or a copy (and the create half of a replace).
        type: str
      update:
        description: Wait for an in-place update.
        type: str
      delete:
        description: Wait for a delete.
        type: str
  force:
    description:
      - On delete, delete the image even if instances use it (DeleteImage C(Force)).
    type: bool
    version_added: 0.1.0
  delete_auto_snapshot:
    description:
      - On delete, also delete the snapshots the image was built from.
    type: bool
    version_added: 0.1.0
  allow_replace:
    description:
      - What to do when an option that cannot change on an existing image differs from the image
        found (I(disk_device_mapping), I(import_from), I(copy_from), I(architecture), I(platform),
        I(image_version), I(features)), or when the image is in the C(CreateFailed) state.
      - With C(false) (the default) the task fails and names the options; nothing is changed.
      - With C(true) the image is B(deleted) and created again with the new values (as Terraform
        does for a ForceNew argument). The delete is awaited first, even with I(wait=false), so
        that two images never share one name.
    type: bool
    default: false
    version_added: 0.1.0
notes:
  - Import and copy can take long; raise I(timeouts) (or I(wait_timeout)) for large images.
seealso:
  - module: imageops.cloud.alicloud_image_info
  - name: CreateImage
    description: The ECS API reference of CreateImage.
    link: https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-createimage
"""

EXAMPLES = r"""
# The ids are variables holding your own (instance_id, resource_group_id, snapshot_id,
# data_snapshot_id, oss_bucket, oss_object).
- name: Create an image from an instance
  imageops.cloud.alicloud_image:
    alicloud_region: cn-hangzhou
    instance_id: "{{ instance_id }}"
    image_name: web-2024-06
    description: the web tier
    architecture: x86_64
    resource_group_id: "{{ resource_group_id }}"
    tags:
      FinanceDept: FinanceDeptJoshua
  register: web_image

- name: Create an image from a system disk snapshot
  imageops.cloud.alicloud_image:
    snapshot_id: "{{ snapshot_id }}"
    image_name: from-snapshot
    platform: Ubuntu
    boot_mode: UEFI

- name: Combine snapshots of two disks into one image
  imageops.cloud.alicloud_image:
    image_name: two-disks
    disk_device_mapping:
      - snapshot_id: "{{ snapshot_id }}"
        disk_type: system
      - snapshot_id: "{{ data_snapshot_id }}"
        disk_type: data
        device: /dev/xvdb
        size: 100
    features:
      nvme_support: supported

- name: Import an image file from OSS
  imageops.cloud.alicloud_image:
    image_name: imported
    import_from:
      oss_bucket: "{{ oss_bucket }}"
      oss_object: "{{ oss_object }}"
      format: QCOW2
    platform: Ubuntu
    license_type: BYOL
    wait_timeout: 3600

- name: Copy that image to another region
  imageops.cloud.alicloud_image:
    alicloud_region: cn-shanghai
    image_name: imported
    copy_from:
      source_image_id: "{{ web_image.image.id }}"
      source_region_id: cn-hangzhou

- name: The same image in three regions - built in the first, copied to the others in parallel
  imageops.cloud.alicloud_image:
    instance_id: "{{ instance_id }}"
    image_name: golden-2024-06
    tags:
      Team: images
    regions: [cn-hangzhou, cn-shanghai, cn-beijing]
  register: golden

- name: Add a tag and keep the image's other tags
  imageops.cloud.alicloud_image:
    instance_id: "{{ instance_id }}"
    image_name: web-2024-06
    tags:
      Reviewed: "yes"
    purge_tags: false

- name: Delete an image by name, with the snapshots ECS took to make it
  imageops.cloud.alicloud_image:
    state: absent
    image_name: web-2024-06
    delete_auto_snapshot: true

- name: Same auth for every task of the collection's Alibaba Cloud modules
  module_defaults:
    group/imageops.cloud.alicloud:
      alicloud_region: cn-hangzhou
      profile: default
  block:
    - name: Make sure the image exists
      imageops.cloud.alicloud_image:
        instance_id: "{{ instance_id }}"
        image_name: web-2024-06
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
  sample: create
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
      sample: {"image_name": "web", "tags": {"team": "web"}}
    after:
      description: The managed options as they are (or would be) after the run.
      type: dict
      returned: success
      sample: {"image_name": "web", "tags": {"team": "images"}}
  sample: {"before": {"tags": {}}, "after": {"tags": {"team": "images"}}}
image_id:
  description: ID of the image that did not reach its final state in time (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: m-bp1g7004ksh0oeuc2xx
last_state:
  description: The state the image was last seen in, in the cloud's words (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: Creating
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
      sample: m-bp1g7004ksh0oeuc2xx
    state:
      description: Its state, in the cloud's words.
      returned: always
      type: str
      sample: Creating
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
      sample: cn-hangzhou
regions:
  description:
    - With I(regions), what happened in each region, by region name, in the order given (the first is
      the source).
    - Also returned when the task fails because some regions failed - the other regions' images are
      kept, and listed here.
  returned: when I(regions) is given
  type: dict
  sample: {"cn-hangzhou": {"image_id": "m-bp1g7004ksh0oeuc2xx", "state": "Available", "action": "create",
           "changed": true, "source": true, "error": null, "error_code": null, "seconds": 61.2}}
failed_regions:
  description: The regions that failed, when some did (the task then fails; the others are kept).
  returned: when some regions failed
  type: list
  elements: str
  sample: ["cn-beijing"]
image:
  description:
    - The image, with every attribute of Terraform's C(alicloud_image).
    - With I(state=absent), the image as it was before it was deleted (empty when there was none).
    - In check mode, the image as found (empty when it would be created).
  returned: success
  type: dict
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
  sample: {"id": "m-bp1g7004ksh0oeuc2xx", "image_name": "web", "status": "Available"}
"""

from ansible_collections.imageops.cloud.plugins.module_utils.alicloud import ALICLOUD_AUTH  # noqa: E402
from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule  # noqa: E402

PLATFORMS = [
    "Aliyun", "Anolis", "CentOS", "Ubuntu", "CoreOS", "SUSE", "Debian", "OpenSUSE", "FreeBSD",
    "RedHat", "Kylin", "UOS", "Fedora", "Fedora CoreOS", "CentOS Stream", "AlmaLinux",
    "Rocky Linux", "Gentoo", "Customized Linux", "Others Linux", "Windows Server 2022",
    "Windows Server 2019", "Windows Server 2016", "Windows Server 2012", "Windows Server 2008",
    "Windows Server 2003",
]  # fmt: skip

ARGUMENT_SPEC = dict(
    image_name=dict(
        type="str",
        aliases=["name"],
        deprecated_aliases=[dict(name="name", version="2.0.0", collection_name="imageops.cloud")],
    ),
    description=dict(type="str"),
    instance_id=dict(type="str"),
    snapshot_id=dict(type="str"),
    disk_device_mapping=dict(
        type="list",
        elements="dict",
        options=dict(
            device=dict(type="str"),
            disk_type=dict(type="str", choices=["system", "data"]),
            size=dict(type="int"),
            snapshot_id=dict(type="str"),
        ),
    ),
    import_from=dict(
        type="dict",
        options=dict(
            oss_bucket=dict(type="str", required=True),
            oss_object=dict(type="str", required=True),
            format=dict(type="str", choices=["RAW", "VHD", "QCOW2", "VMDK"]),
            disk_image_size=dict(type="int"),
            device=dict(type="str"),
            os_type=dict(type="str", choices=["linux", "windows"]),
        ),
    ),
    copy_from=dict(
        type="dict",
        options=dict(
            source_image_id=dict(type="str", required=True),
            source_region_id=dict(type="str", required=True),
            encrypted=dict(type="bool"),
            kms_key_id=dict(type="str", no_log=False),
        ),
    ),
    architecture=dict(type="str", choices=["i386", "x86_64", "arm64"]),
    platform=dict(type="str", choices=PLATFORMS),
    image_family=dict(type="str"),
    image_version=dict(type="str"),
    boot_mode=dict(type="str", choices=["BIOS", "UEFI", "UEFI-Preferred"]),
    detection_strategy=dict(type="str", choices=["Standard"]),
    features=dict(
        type="dict", options=dict(nvme_support=dict(type="str", choices=["supported", "unsupported"]))
    ),
    license_type=dict(type="str", choices=["Auto", "Aliyun", "BYOL"]),
    resource_group_id=dict(type="str"),
    tags=dict(type="dict"),
    timeouts=dict(
        type="dict",
        options=dict(create=dict(type="str"), update=dict(type="str"), delete=dict(type="str")),
    ),
    force=dict(type="bool"),
    delete_auto_snapshot=dict(type="bool"),
)


def main():
    module = ImageModule(
        ALICLOUD_AUTH,
        ARGUMENT_SPEC,
        regions=True,
        # the region is part of the desired state: it scopes the name, and is the copy's destination
        spec_names=dict(alicloud_region="region", timeouts=None),
        required_if=[
            ("state", "present", ("image_id", "image_name"), True),
            ("state", "absent", ("image_id", "image_name"), True),
        ],
    )
    module.run()


if __name__ == "__main__":
    main()
