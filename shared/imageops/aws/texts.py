"""The prose of AWS's skins: what the schema cannot say (module descriptions, notes, examples)."""

from __future__ import annotations

from imageops.schema import ModuleText

EXAMPLES_IMAGE = r"""
# The ids are variables holding your own (instance_id, snapshot_id, other_account_id).
- name: Create an AMI from an instance (aws_ami_from_instance)
  imageops.cloud.aws_image:
    region: us-east-1
    name: web-2026-12-01
    source_instance_id: "{{ instance_id }}"
    snapshot_without_reboot: true
    tags:
      env: prod
  register: web

- name: Register an AMI from a snapshot (aws_ami)
  imageops.cloud.aws_image:
    region: us-east-1
    name: base-from-snapshot
    root_device_name: /dev/xvda
    virtualization_type: hvm
    architecture: x86_64
    ena_support: true
    ebs_block_devices:
      - device_name: /dev/xvda
        snapshot_id: "{{ snapshot_id }}"
        volume_size: 8
        volume_type: gp3

- name: Copy an AMI from another region, encrypted (aws_ami_copy)
  imageops.cloud.aws_image:
    region: us-west-2
    name: web-2026-12-01
    source_ami_id: "{{ web.image.image_id }}"
    source_ami_region: us-east-1
    encrypted: true

- name: Share it with one account, deprecate it next year, add a tag and keep the others
  imageops.cloud.aws_image:
    region: us-east-1
    name: web-2026-12-01
    source_instance_id: "{{ instance_id }}"
    launch_permissions:
      account_ids: ["{{ other_account_id }}"]
    deprecation_time: "2027-12-01T00:00:00Z"
    tags:
      reviewed: "yes"
    purge_tags: false

- name: Delete an AMI and the snapshots made for it
  imageops.cloud.aws_image:
    region: us-east-1
    state: absent
    name: web-2026-12-01

- name: Same connection for every AWS task of the collection
  module_defaults:
    group/imageops.cloud.aws:
      profile: default
      region: us-east-1
  block:
    - name: Make sure the AMI exists
      imageops.cloud.aws_image:
        name: web-2026-12-01
        source_instance_id: "{{ instance_id }}"
"""

EXAMPLES_INFO = r"""
# image_id is a variable holding your own AMI id.
- name: One AMI by id
  imageops.cloud.aws_image_info:
    region: us-east-1
    image_id: "{{ image_id }}"
  register: result

- name: Every AMI of the account in the region
  imageops.cloud.aws_image_info:
    region: us-east-1
  register: result

- name: The AMI with one name, once available
  imageops.cloud.aws_image_info:
    region: us-east-1
    name: web-2026-12-01
    states: [available]
  register: result

- name: Show their ids
  ansible.builtin.debug:
    msg: "{{ result.images | map(attribute='image_id') | list }}"
"""

_NOTES = (
    (
        "Credentials load like the AWS CLI loads them, the first found winning - the options given here; "
        "the C(AWS_ACCESS_KEY_ID), C(AWS_SECRET_ACCESS_KEY), C(AWS_SESSION_TOKEN), C(AWS_REGION) and "
        "C(AWS_PROFILE) environment variables; then botocore's chain for the profile (shared config and "
        "credentials files, SSO, C(credential_process), assume-role profiles, instance metadata)."
    ),
    (
        "Requests are signed with AWS Signature Version 4 by botocore. The secret key and session token "
        "are never logged, returned or shown in error messages."
    ),
    (
        "Set I(endpoint_url) (or C(IMAGEOPS_AWS_ENDPOINT)) to talk to the imageops emulator (EC2 served by "
        "moto) instead of AWS; C(imageops emulator serve) prints the variables to set."
    ),
)

IMAGE_MODULE = ModuleText(
    short_description="Create, register, copy, update and delete AWS EC2 machine images (AMIs)",
    description=(
        (
            "Creates an AMI from an instance, registers one from EBS snapshots (or an S3 manifest), or "
            "copies "
            "one from another region; updates its description, tags, deprecation time and launch "
            "permissions; deregisters it and deletes the snapshots made for it. The options are the "
            "arguments of Terraform's C(aws_ami), C(aws_ami_from_instance) and C(aws_ami_copy)."
        ),
        (
            "Idempotent. The AMI is found again by I(image_id) or, without it, by I(name), which is unique "
            "within the account and region. A run with nothing to change makes exactly one read call "
            "(DescribeImages; a second, DescribeImageAttribute, when I(launch_permissions) is given) and no "
            "write."
        ),
        (
            "I(description), I(tags), I(deprecation_time) and I(launch_permissions) change in place. Every "
            "other option is fixed when the AMI is made, I(name) included (AWS cannot rename an AMI); see "
            "I(allow_replace)."
        ),
        (
            "CopyImage carries a deterministic client token, and CreateImage and RegisterImage (which have "
            "none) are never resent blindly: a run interrupted after its create left is safe to repeat, "
            "because the next run finds the AMI by I(name) and adopts it."
        ),
        (
            "Every option is checked before any API call, all problems reported at once with the option "
            "and the rule."
        ),
    ),
    notes=_NOTES,
    seealso=(
        {"module": "imageops.cloud.aws_image_info"},
        {
            "description": "Amazon EC2 user guide on AMIs.",
            "link": "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AMIs.html",
            "name": "Amazon Machine Images (AMI)",
        },
    ),
    option_docs={
        "state": (
            "C(present) makes the AMI if it does not exist and updates it if it differs.",
            "C(absent) deregisters the AMI found by I(image_id), or by I(name), and (I(delete_snapshots)) "
            "deletes the snapshots made for it.",
        ),
        "image_id": (
            "ID of an existing AMI to manage (C(ami-...), the Terraform import id).",
            (
                "With I(state=present), the AMI must exist; without I(image_id), it is found by I(name) and "
                "made when there is none."
            ),
            "One of I(image_id) or I(name) is required, so that a re-run finds the same AMI.",
        ),
        "allow_replace": (
            (
                "What to do when an option that cannot change on an existing AMI differs from the AMI found "
                "({replace_fields}), or when the AMI is in the C(failed) state."
            ),
            "With C(false) (the default) the task fails and names the options; nothing is changed.",
            (
                "With C(true) the AMI is B(deregistered) and made again with the new values (as Terraform "
                "does for a ForceNew argument); it gets a new ID."
            ),
        ),
        "purge_tags": (
            "With C(true), I(tags) is the complete set of tags, and other tags are removed.",
            "With C(false), the given tags are added or changed, and other tags are kept.",
        ),
    },
    check_mode_details="The same reads as a real run; C(changed) is exactly what a real run would do.",
    examples=EXAMPLES_IMAGE,
)

INFO_MODULE = ModuleText(
    short_description="Read AWS EC2 machine images (AMIs)",
    description=(
        (
            "Returns one AMI by I(image_id), or the AMIs the account owns in the region, optionally only "
            "those with a given I(name) and in given I(states). Follows C(NextToken) to the last page."
        ),
        "Never changes anything.",
    ),
    notes=_NOTES,
    seealso=({"module": "imageops.cloud.aws_image"},),
    option_docs={
        "image_id": (
            "ID of the AMI to return (C(ami-...)). An AMI that does not exist gives an empty I(images) list.",
        ),
        "name": ("Only the AMI with exactly this name (names are unique in an account and region).",),
        "states": ("Only the AMIs in these states. Without it, every AMI of the account in the region.",),
    },
    return_doc=(
        (
            "The AMIs found, each with every attribute of Terraform's C(aws_ami), as the I(image) return "
            "value of M(imageops.cloud.aws_image)."
        ),
    ),
    check_mode_details="The module only reads, so it runs the same in check mode.",
    examples=EXAMPLES_INFO,
)

PULUMI_DOC = """An AWS EC2 machine image (AMI): created from an instance, registered from EBS snapshots, or
copied from another region (pulumi-aws's ``aws.ec2.Ami``, ``AmiFromInstance`` and ``AmiCopy`` in one)."""

PULUMI_EXAMPLE = """\
import pulumi_images as images

ami = images.aws.Image(
    "web",
    name="web-2026-12-01",
    source_instance_id=instance_id,
    snapshot_without_reboot=True,
    tags={"env": "prod"},
)
pulumi.export("image_id", ami.image_id)
"""
