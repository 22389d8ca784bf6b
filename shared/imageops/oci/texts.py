"""The prose of oci's skins: what the schema cannot say (module descriptions, notes, examples)."""

from __future__ import annotations

from imageops.schema import ModuleText

EXAMPLES_IMAGE = r"""
# The ids are variables holding your own OCIDs and Object Storage names (compartment_id,
# instance_id, namespace, bucket, object_name, image_url).
- name: Create an image from an instance
  imageops.cloud.oci_image:
    compartment_id: "{{ compartment_id }}"
    instance_id: "{{ instance_id }}"
    display_name: web-2024-06
    launch_mode: NATIVE
    freeform_tags:
      Department: Finance
    defined_tags:
      Operations.CostCenter: "42"
  register: web_image

- name: Import an exported image from Object Storage by namespace, bucket and object
  imageops.cloud.oci_image:
    compartment_id: "{{ compartment_id }}"
    display_name: imported-tuple
    launch_mode: PARAVIRTUALIZED
    image_source_details:
      source_type: objectStorageTuple
      namespace_name: "{{ namespace }}"
      bucket_name: "{{ bucket }}"
      object_name: "{{ object_name }}"
      source_image_type: QCOW2

- name: Import an exported image from an Object Storage URL (or a pre-authenticated request)
  imageops.cloud.oci_image:
    compartment_id: "{{ compartment_id }}"
    display_name: imported-uri
    image_source_details:
      source_type: objectStorageUri
      source_uri: "{{ image_url }}"  # for example a pre-authenticated request URL
      source_image_type: QCOW2
      operating_system: Oracle Linux
      operating_system_version: "8"
    wait_timeout: 3600

- name: Custom launch options
  imageops.cloud.oci_image:
    compartment_id: "{{ compartment_id }}"
    instance_id: "{{ instance_id }}"
    display_name: custom-launch
    launch_mode: CUSTOM
    launch_options:
      firmware: UEFI_64
      boot_volume_type: PARAVIRTUALIZED
      network_type: PARAVIRTUALIZED
      remote_data_volume_type: PARAVIRTUALIZED

- name: Add a tag and keep the image's other tags
  imageops.cloud.oci_image:
    compartment_id: "{{ compartment_id }}"
    instance_id: "{{ instance_id }}"
    display_name: web-2024-06
    freeform_tags:
      Reviewed: "yes"
    purge_tags: false

- name: Rename an image found by its id, and remove all its free-form tags
  imageops.cloud.oci_image:
    image_id: "{{ web_image.image.id }}"
    compartment_id: "{{ compartment_id }}"
    instance_id: "{{ instance_id }}"
    display_name: web-2024-06-final
    freeform_tags: {}

- name: Export the image to Object Storage (skipped on a re-run, as the object is there)
  imageops.cloud.oci_image:
    compartment_id: "{{ compartment_id }}"
    instance_id: "{{ instance_id }}"
    display_name: web-2024-06
    export_to:
      bucket_name: "{{ bucket }}"
      object_name: web-2024-06.oci

- name: Copy the image to another region (the connection's region is the destination)
  imageops.cloud.oci_image:
    region: eu-frankfurt-1
    compartment_id: "{{ compartment_id }}"
    display_name: web-2024-06
    copy_from:
      source_image_id: "{{ web_image.image.id }}"
      source_region: us-ashburn-1
      delete_intermediate: true

- name: Delete an image by name
  imageops.cloud.oci_image:
    state: absent
    compartment_id: "{{ compartment_id }}"
    display_name: imported-tuple

- name: Delete an image by id, without waiting for it to be gone
  imageops.cloud.oci_image:
    state: absent
    image_id: "{{ web_image.image.id }}"
    wait: false

- name: Same auth for every task of the collection's OCI modules
  module_defaults:
    group/imageops.cloud.oci:
      config_file_location: ~/.oci/config
      config_profile_name: DEFAULT
      region: us-ashburn-1
  block:
    - name: Make sure the image exists
      imageops.cloud.oci_image:
        compartment_id: "{{ compartment_id }}"
        instance_id: "{{ instance_id }}"
        display_name: web-2024-06
"""

EXAMPLES_INFO = r"""
# compartment_id and image_id are variables holding your own OCIDs.
- name: One image by id
  imageops.cloud.oci_image_info:
    image_id: "{{ image_id }}"
  register: result

- name: Every custom image of a compartment
  imageops.cloud.oci_image_info:
    compartment_id: "{{ compartment_id }}"
  register: result

- name: The available images with one name
  imageops.cloud.oci_image_info:
    compartment_id: "{{ compartment_id }}"
    display_name: web-2024-06
    lifecycle_state: AVAILABLE
  register: result

- name: Show their ids
  ansible.builtin.debug:
    msg: "{{ result.images | map(attribute='id') | list }}"
"""

IMAGE_MODULE = ModuleText(
    short_description="Create, import, update and delete Oracle Cloud Infrastructure custom images",
    description=(
        (
            "Creates a boot disk image from an instance, or imports an exported image from Object Storage "
            "(by namespace, bucket and object name, or by URL), updates its display name and tags, and "
            "deletes it. The options are the arguments of Terraform's C(oci_core_image) resource."
        ),
        (
            "Idempotent. The image is found again by I(image_id) or, without it, by I(display_name) within "
            "I(compartment_id); more than one live image with that name is an error, never a guess. A run "
            "with nothing to change makes exactly one read call and no write."
        ),
        (
            "I(display_name), I(freeform_tags) and I(defined_tags) change in place (UpdateImage). Every "
            "other argument is fixed when the image is created; see I(allow_replace)."
        ),
        (
            "Creates carry a deterministic C(opc-retry-token), so a retried or interrupted run never makes "
            "a second image."
        ),
        (
            "I(copy_from) copies an image from another region (OCI has no copy call - ExportImage there, "
            "then an import here) and resumes after an interruption without exporting twice; I(export_to) "
            "exports the image to Object Storage unless the object is already there."
        ),
    ),
    notes=(
        (
            "Credentials load like the OCI CLI loads them, the first found winning - the options given "
            "here; the C(OCI_CLI_TENANCY), C(OCI_CLI_USER), C(OCI_CLI_FINGERPRINT), C(OCI_CLI_KEY_FILE) "
            "and C(OCI_CLI_REGION) environment variables; the profile of the configuration file."
        ),
        (
            "Set I(endpoint) (or C(IMAGEOPS_OCI_ENDPOINT)) to talk to the imageops emulator instead of the "
            "real cloud; C(imageops emulator serve) prints the variables to set."
        ),
    ),
    seealso=(
        {"module": "imageops.cloud.oci_image_info"},
        {
            "description": "OCI documentation on custom images.",
            "link": "https://docs.cloud.oracle.com/iaas/Content/Compute/Tasks/managingcustomimages.htm",
            "name": "Managing Custom Images",
        },
        {
            "description": "OCI documentation on importing exported images.",
            "link": "https://docs.cloud.oracle.com/iaas/Content/Compute/Tasks/imageimportexport.htm",
            "name": "Image Import/Export",
        },
    ),
    option_docs={
        "state": (
            "C(present) creates the image if it does not exist and updates it if it differs.",
            ("C(absent) deletes the image found by I(image_id), or by I(display_name) in I(compartment_id)."),
        ),
        "image_id": (
            "OCID of an existing image to manage (the Terraform import id).",
            (
                "With I(state=present), the image must exist; without I(image_id), it is found by "
                "I(display_name) in I(compartment_id) and created when there is none."
            ),
            "One of I(image_id) or I(display_name) is required, so that a re-run finds the same image.",
        ),
        "allow_replace": (
            (
                "What to do when an argument that cannot change on an existing image differs from the "
                "image found (I(compartment_id), I(launch_mode), I(launch_options)), or when the image is "
                "in the C(DISABLED) state."
            ),
            "With C(false) (the default) the task fails and names the fields; nothing is changed.",
            (
                "With C(true) the image is B(deleted) and created again with the new values (as Terraform "
                "does for a ForceNew argument). The new image has a new OCID, and instances launched from "
                "the old image are not affected. The delete is awaited first, even with I(wait=false), so "
                "that two images never share one display name."
            ),
        ),
        "purge_tags": (
            (
                "With C(true), I(freeform_tags) and I(defined_tags) are the complete sets of tags, and "
                "other tags are removed."
            ),
            "With C(false), the given tags are added or changed, and other tags are kept.",
        ),
    },
    extra_returns={
        "export_object": {
            "contains": {
                "bucket_name": {
                    "description": "Bucket.",
                    "returned": "always",
                    "sample": "images",
                    "type": "str",
                },
                "namespace_name": {
                    "description": "Object Storage namespace.",
                    "returned": "always",
                    "sample": "mynamespace",
                    "type": "str",
                },
                "object_name": {
                    "description": "Object name.",
                    "returned": "always",
                    "sample": "web-2024-06.oci",
                    "type": "str",
                },
                "region": {
                    "description": "Region of the bucket.",
                    "returned": "always",
                    "sample": "us-ashburn-1",
                    "type": "str",
                },
            },
            "description": "Where I(export_to) put the image.",
            "returned": "when I(export_to) is given",
            "sample": {
                "bucket_name": "b",
                "namespace_name": "ns",
                "object_name": "web.oci",
                "region": "us-ashburn-1",
            },
            "type": "dict",
        },
        "exported": {
            "description": [
                "Whether I(export_to) exported the image in this run (or, in check mode, would). "
                "C(false) when the object was already there."
            ],
            "returned": "when I(export_to) is given",
            "sample": True,
            "type": "bool",
        },
    },
    check_mode_details="The same single read as a real run; C(changed) is exactly what a real run would do.",
    examples=EXAMPLES_IMAGE,
)

INFO_MODULE = ModuleText(
    short_description="Read Oracle Cloud Infrastructure custom images",
    description=(
        (
            "Returns one image by I(image_id), or the images a compartment can see (its custom images and "
            "the platform images), optionally only those with a given I(display_name) and "
            "I(lifecycle_state)."
        ),
        "Never changes anything.",
    ),
    notes=(
        (
            "Credentials load like the OCI CLI loads them, the first found winning - the options given "
            "here; the C(OCI_CLI_TENANCY), C(OCI_CLI_USER), C(OCI_CLI_FINGERPRINT), C(OCI_CLI_KEY_FILE) "
            "and C(OCI_CLI_REGION) environment variables; the profile of the configuration file."
        ),
        (
            "Set I(endpoint) (or C(IMAGEOPS_OCI_ENDPOINT)) to talk to the imageops emulator instead of the "
            "real cloud; C(imageops emulator serve) prints the variables to set."
        ),
    ),
    seealso=({"module": "imageops.cloud.oci_image"},),
    option_docs={
        "compartment_id": (
            "OCID of the compartment whose custom images to list (when I(image_id) is not given).",
        ),
        "display_name": ("Only the images with exactly this display name.",),
        "image_id": (
            (
                "OCID of the image to return. An image that does not exist (or is deleted) gives an empty "
                "I(images) list."
            ),
            "One of I(image_id) or I(compartment_id) is required.",
        ),
        "lifecycle_state": (
            "Only the images in this lifecycle state. Without it, every image that is not deleted.",
        ),
    },
    return_doc=(
        (
            "The images found, each with every attribute of Terraform's C(oci_core_image), as the I(image) "
            "return value of M(imageops.cloud.oci_image)."
        ),
    ),
    check_mode_details="The module only reads, so it runs the same in check mode.",
    examples=EXAMPLES_INFO,
)

PULUMI_DOC = """An OCI custom image, created from an instance, imported from Object Storage, or copied from
another region (``copy_from``); ``export_to`` also exports it to Object Storage."""

PULUMI_EXAMPLE = """\
import pulumi_images as images

image = images.oci.Image(
    "golden",
    compartment_id=compartment_id,
    instance_id=instance_id,
    display_name="golden-image",
    freeform_tags={"Department": "Finance"},
)
pulumi.export("image_id", image.id)
"""
