"""The prose of outscale's skins: what the schema cannot say (module descriptions, notes, examples)."""

from __future__ import annotations

from imageops.schema import ModuleText

EXAMPLES_IMAGE = r"""
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

EXAMPLES_INFO = r"""
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

IMAGE_MODULE = ModuleText(
    short_description="Create, register, copy, update and delete OUTSCALE machine images (OMIs)",
    description=(
        (
            "Creates an OMI from a VM, registers one from a manifest file or from BSU snapshots, or copies "
            "one; updates its description, launch permissions, product codes and tags; deletes it. The "
            "options are the arguments of Terraform's C(outscale_image) resource."
        ),
        (
            "Idempotent. The OMI is found again by I(image_id) or, without it, by I(image_name), which is "
            "unique within the account. A run with nothing to change makes exactly one read call "
            "(ReadImages) and no write."
        ),
        (
            "I(description), I(permissions_to_launch), I(product_codes) and I(tags) change in place "
            "(UpdateImage, CreateTags, DeleteTags). Every other option is fixed when the OMI is made, "
            "I(image_name) included; see I(allow_replace)."
        ),
        (
            "The OUTSCALE API has no idempotency token for CreateImage; a run interrupted after its create "
            "left is safe to repeat, because the next run finds the OMI by I(image_name) and adopts it."
        ),
        (
            "Every option is checked before any API call, all problems reported at once with the option "
            "and the rule (name length and characters, exactly one source, C(iops) only and always with "
            "C(io1), at most 13000 and 300 per GiB)."
        ),
    ),
    notes=(
        (
            "Credentials load like the OUTSCALE CLI and SDKs load them, the first found winning - the "
            "options given here; the C(OSC_ACCESS_KEY), C(OSC_SECRET_KEY), C(OSC_REGION) and "
            "C(OSC_ENDPOINT_API) environment variables; the profile (I(profile), C(OSC_PROFILE), else "
            "C(default)) of the configuration file (I(config_file), else C(~/.osc/config.json))."
        ),
        (
            "Requests are signed with OSC4-HMAC-SHA256 (the API's access key signature). The secret key is "
            "never logged, returned or shown in error messages."
        ),
        (
            "Set I(endpoint) (or C(IMAGEOPS_OUTSCALE_ENDPOINT)) to talk to the imageops emulator instead "
            "of the real cloud; C(imageops emulator serve) prints the variables to set."
        ),
    ),
    seealso=(
        {"module": "imageops.cloud.outscale_image_info"},
        {
            "description": "OUTSCALE user guide on machine images.",
            "link": "https://docs.outscale.com/en/userguide/About-OMIs.html",
            "name": "About OMIs",
        },
        {
            "description": "CreateImage, ReadImages, UpdateImage and DeleteImage.",
            "link": "https://docs.outscale.com/api#3ds-outscale-api-image",
            "name": "OUTSCALE API - Image",
        },
    ),
    option_docs={
        "state": (
            "C(present) makes the OMI if it does not exist and updates it if it differs.",
            "C(absent) deletes the OMI found by I(image_id), or by I(image_name).",
        ),
        "image_id": (
            "ID of an existing OMI to manage (C(ami-xxxxxxxx), the Terraform import id).",
            (
                "With I(state=present), the OMI must exist; without I(image_id), it is found by "
                "I(image_name) and made when there is none."
            ),
            "One of I(image_id) or I(image_name) is required, so that a re-run finds the same OMI.",
        ),
        "allow_replace": (
            (
                "What to do when an option that cannot change on an existing OMI differs from the OMI "
                "found (I(block_device_mappings), I(root_device_name), I(architecture), I(boot_modes), "
                "I(tpm_mandatory), I(file_location)), or when the OMI is in the C(failed) state."
            ),
            "With C(false) (the default) the task fails and names the options; nothing is changed.",
            (
                "With C(true) the OMI is B(deleted) and made again with the new values (as Terraform does "
                "for a ForceNew argument); it gets a new ID. The delete is awaited first, even with "
                "I(wait=false), because OMI names are unique in the account."
            ),
        ),
        "purge_tags": (
            "With C(true), I(tags) is the complete set of tags, and other tags are removed.",
            "With C(false), the given tags are added or changed, and other tags are kept.",
        ),
    },
    check_mode_details="The same single read as a real run; C(changed) is exactly what a real run would do.",
    examples=EXAMPLES_IMAGE,
)

INFO_MODULE = ModuleText(
    short_description="Read OUTSCALE machine images (OMIs)",
    description=(
        (
            "Returns one OMI by I(image_id), or the OMIs of the account, optionally only those with a "
            "given I(image_name) and in given I(states). Follows C(NextPageToken) to the last page."
        ),
        "Never changes anything.",
    ),
    notes=(
        (
            "Credentials load like the OUTSCALE CLI and SDKs load them, the first found winning - the "
            "options given here; the C(OSC_ACCESS_KEY), C(OSC_SECRET_KEY), C(OSC_REGION) and "
            "C(OSC_ENDPOINT_API) environment variables; the profile (I(profile), C(OSC_PROFILE), else "
            "C(default)) of the configuration file (I(config_file), else C(~/.osc/config.json))."
        ),
        (
            "Requests are signed with OSC4-HMAC-SHA256 (the API's access key signature). The secret key is "
            "never logged, returned or shown in error messages."
        ),
        (
            "Set I(endpoint) (or C(IMAGEOPS_OUTSCALE_ENDPOINT)) to talk to the imageops emulator instead "
            "of the real cloud; C(imageops emulator serve) prints the variables to set."
        ),
    ),
    seealso=({"module": "imageops.cloud.outscale_image"},),
    option_docs={
        "image_id": (
            (
                "ID of the OMI to return (C(ami-xxxxxxxx)). An OMI that does not exist gives an empty "
                "I(images) list."
            ),
        ),
        "image_name": ("Only the OMI with exactly this name (names are unique in an account).",),
        "states": ("Only the OMIs in these states. Without it, every OMI of the account.",),
    },
    return_doc=(
        (
            "The OMIs found, each with every attribute of Terraform's C(outscale_image), as the I(image) "
            "return value of M(imageops.cloud.outscale_image)."
        ),
    ),
    check_mode_details="The module only reads, so it runs the same in check mode.",
    examples=EXAMPLES_INFO,
)

PULUMI_DOC = """An OUTSCALE machine image (OMI): created from a VM, registered from a manifest or from BSU
snapshots, or copied from another OMI."""

PULUMI_EXAMPLE = """\
import pulumi_images as images

omi = images.outscale.Image(
    "image01",
    image_name="terraform-omi-create",
    vm_id=vm_id,
    no_reboot=True,
    tags=[images.outscale.ImageTagArgs(key="env", value="prod")],
)
pulumi.export("image_id", omi.image_id)
"""
