"""The prose of alicloud's skins: what the schema cannot say (module descriptions, notes, examples)."""

from __future__ import annotations

from imageops.schema import ModuleText

EXAMPLES_IMAGE = r"""
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

EXAMPLES_INFO = r"""
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

IMAGE_MODULE = ModuleText(
    short_description="Create, import, copy, update and delete Alibaba Cloud ECS custom images",
    description=(
        (
            "Creates an ECS custom image from an instance, from a system disk snapshot or from snapshots "
            "of several disks, imports one from an image file in OSS, or copies one from another region; "
            "updates its name, description, family, boot mode, resource group and tags; deletes it. The "
            "options are the arguments of Terraform's C(alicloud_image) resource, plus I(import_from) and "
            "I(copy_from) for what Terraform's C(alicloud_image_import) and C(alicloud_image_copy) do."
        ),
        (
            "Give exactly one source - I(instance_id), I(snapshot_id), I(disk_device_mapping), "
            "I(import_from) or I(copy_from)."
        ),
        (
            "Idempotent. The image is found again by I(image_id) or, without it, by I(image_name) within "
            "the account and region; more than one live image with that name is an error, never a guess. A "
            "run with nothing to change makes exactly one read call (DescribeImages) and no write."
        ),
        (
            "CreateImage, ImportImage and CopyImage carry a deterministic C(ClientToken), so a retried or "
            "interrupted run never makes a second image."
        ),
        (
            "Every option is checked against the documented rules before any API call; all problems are "
            "reported at once, each naming the option and the rule."
        ),
    ),
    notes=(
        "Import and copy can take long; raise I(timeouts) (or I(wait_timeout)) for large images.",
        (
            "Credentials load like Alibaba Cloud tools load them, the first found winning - the options "
            "given here (each falling back to its environment variables); the profile of the Alibaba Cloud "
            "CLI configuration file C(~/.aliyun/config.json)."
        ),
        (
            "Requests are signed with the ECS RPC signature (HMAC-SHA1); an STS I(alicloud_security_token) "
            "is sent with them when given."
        ),
        (
            "Set I(endpoint) (or C(IMAGEOPS_ALICLOUD_ENDPOINT)) to talk to the imageops emulator instead "
            "of the real cloud; C(imageops emulator serve) prints the variables to set."
        ),
    ),
    seealso=(
        {"module": "imageops.cloud.alicloud_image_info"},
        {
            "description": "The ECS API reference of CreateImage.",
            "link": "https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-createimage",
            "name": "CreateImage",
        },
    ),
    option_docs={
        "state": (
            (
                "C(present) creates (imports, copies) the image if it does not exist and updates it if it "
                "differs."
            ),
            "C(absent) deletes the image found by I(image_id), or by I(image_name) in the region.",
        ),
        "image_id": (
            "ID of an existing image to manage (C(m-...); the Terraform import id).",
            (
                "With I(state=present), the image must exist; without I(image_id), it is found by "
                "I(image_name) and created when there is none."
            ),
            "One of I(image_id) or I(image_name) is required, so that a re-run finds the same image.",
        ),
        "allow_replace": (
            (
                "What to do when an option that cannot change on an existing image differs from the image "
                "found (I(disk_device_mapping), I(import_from), I(copy_from), I(architecture), "
                "I(platform), I(image_version), I(features)), or when the image is in the C(CreateFailed) "
                "state."
            ),
            "With C(false) (the default) the task fails and names the options; nothing is changed.",
            (
                "With C(true) the image is B(deleted) and created again with the new values (as Terraform "
                "does for a ForceNew argument). The delete is awaited first, even with I(wait=false), so "
                "that two images never share one name."
            ),
        ),
        "purge_tags": (
            "With C(true), I(tags) is the complete set of tags, and other tags are removed.",
            "With C(false), the given tags are added or changed, and other tags are kept.",
        ),
        "timeouts": (
            (
                "How long to wait for each operation, as Terraform's C(timeouts) block of "
                "C(alicloud_image) says it (seconds, or a duration such as C(10m) or C(1h30m)); 10 minutes "
                "each by default."
            ),
        ),
    },
    check_mode_details="The same single read as a real run; C(changed) is exactly what a real run would do.",
    examples=EXAMPLES_IMAGE,
)

INFO_MODULE = ModuleText(
    short_description="Read Alibaba Cloud ECS custom images",
    description=(
        (
            "Returns one image by I(image_id), or the custom images of the account in the region, "
            "optionally only those with a given I(image_name), I(status) and I(resource_group_id). Every "
            "page of DescribeImages is followed to the end."
        ),
        "Never changes anything.",
    ),
    notes=(
        (
            "Credentials load like Alibaba Cloud tools load them, the first found winning - the options "
            "given here (each falling back to its environment variables); the profile of the Alibaba Cloud "
            "CLI configuration file C(~/.aliyun/config.json)."
        ),
        (
            "Requests are signed with the ECS RPC signature (HMAC-SHA1); an STS I(alicloud_security_token) "
            "is sent with them when given."
        ),
        (
            "Set I(endpoint) (or C(IMAGEOPS_ALICLOUD_ENDPOINT)) to talk to the imageops emulator instead "
            "of the real cloud; C(imageops emulator serve) prints the variables to set."
        ),
    ),
    seealso=({"module": "imageops.cloud.alicloud_image"},),
    option_docs={
        "image_id": (
            (
                "ID of the image to return. An image that does not exist (or is deleted) gives an empty "
                "I(images) list."
            ),
        ),
        "image_name": (
            "Only the images with exactly this name.",
            "I(name) is the deprecated spelling.",
        ),
        "resource_group_id": ("Only the images of this resource group.",),
        "status": ("Only the images in this status. Without it, every image that is not deleted.",),
    },
    return_doc=(
        (
            "The images found, each with every attribute of Terraform's C(alicloud_image), as the I(image) "
            "return value of M(imageops.cloud.alicloud_image)."
        ),
    ),
    check_mode_details="The module only reads, so it runs the same in check mode.",
    examples=EXAMPLES_INFO,
)

PULUMI_DOC = (
    """An Alibaba Cloud ECS custom image: from an instance, snapshots, an OSS file or another region."""
)

PULUMI_EXAMPLE = """\
import pulumi_images as images

image = images.alicloud.Image(
    "golden",
    instance_id=instance_id,
    image_name="golden-image",
    architecture="x86_64",
    tags={"FinanceDept": "FinanceDeptJoshua"},
    timeouts=images.alicloud.ImageTimeoutsArgs(create="20m"),
)
copy = images.alicloud.Image(
    "golden-copy",
    image_name="golden-image",
    region="cn-shanghai",
    copy_from=images.alicloud.ImageCopyFromArgs(source_image_id=image.id, source_region_id="cn-hangzhou"),
)
"""
