#!/usr/bin/python
# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

DOCUMENTATION = r"""
module: oci_image_info
short_description: Read Oracle Cloud Infrastructure custom images
version_added: 0.1.0
description:
  - Returns one image by I(image_id), or the images a compartment can see (its custom images and
    the platform images), optionally only those with a given I(display_name) and
    I(lifecycle_state).
  - Never changes anything.
author:
  - imageops contributors (@imageops)
extends_documentation_fragment:
  - imageops.cloud.oci
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
      - imageops.cloud.oci
options:
  image_id:
    description:
      - OCID of the image to return. An image that does not exist (or is deleted) gives an empty
        I(images) list.
      - One of I(image_id) or I(compartment_id) is required.
    type: str
    version_added: 0.1.0
  compartment_id:
    description:
      - OCID of the compartment whose custom images to list (when I(image_id) is not given).
    type: str
    version_added: 0.1.0
  display_name:
    description:
      - Only the images with exactly this display name.
    type: str
    aliases: [name]
    version_added: 0.1.0
  lifecycle_state:
    description:
      - Only the images in this lifecycle state. Without it, every image that is not deleted.
    type: str
    choices: [PROVISIONING, IMPORTING, AVAILABLE, EXPORTING, DISABLED, DELETED]
    version_added: 0.1.0
seealso:
  - module: imageops.cloud.oci_image
"""

EXAMPLES = r"""
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

RETURN = r"""
images:
  description:
    - The images found, each with every attribute of Terraform's C(oci_core_image), as the
      I(image) return value of M(imageops.cloud.oci_image).
  returned: always
  type: list
  elements: dict
  contains:
    base_image_id:
      description: The OCID of the image originally used to launch the instance.
      returned: success
      type: str
      sample: ocid1.image.oc1.iad.aaaaaaaabase
    compartment_id:
      description: The OCID of the compartment containing the image.
      returned: success
      type: str
      sample: ocid1.compartment.oc1..aaaaaaaexample
    create_image_allowed:
      description: Whether instances launched with this image can be used to create new images.
      returned: success
      type: bool
      sample: true
    defined_tags:
      description: Defined tags, as C("namespace.key" -> value).
      returned: success
      type: dict
      sample: {"Operations.CostCenter": "42"}
    display_name:
      description: A user-friendly name for the image.
      returned: success
      type: str
      sample: My custom Oracle Linux image
    freeform_tags:
      description: Free-form tags.
      returned: success
      type: dict
      sample: {"Department": "Finance"}
    id:
      description: The OCID of the image.
      returned: success
      type: str
      sample: ocid1.image.oc1.iad.aaaaaaaexample
    launch_mode:
      description: The configuration mode for launching VM instances.
      returned: success
      type: str
      sample: NATIVE
    launch_options:
      description:
        - Options for tuning the compatibility and performance of VM shapes
        - C(boot_volume_type), C(firmware), C(network_type), C(remote_data_volume_type),
          C(is_pv_encryption_in_transit_enabled), C(is_consistent_volume_naming_enabled).
      returned: success
      type: dict
      sample: {"boot_volume_type": "PARAVIRTUALIZED", "firmware": "UEFI_64",
               "network_type": "PARAVIRTUALIZED", "remote_data_volume_type": "PARAVIRTUALIZED"}
    operating_system:
      description: The image's operating system.
      returned: success
      type: str
      sample: Oracle Linux
    operating_system_version:
      description: The image's operating system version.
      returned: success
      type: str
      sample: "7.2"
    size_in_mbs:
      description: Image size in MB (1 MB = 1048576 bytes).
      returned: success
      type: int
      sample: 47694
    state:
      description: The current lifecycle state of the image, as OCI names it.
      returned: success
      type: str
      sample: AVAILABLE
    time_created:
      description: When the image was created, in RFC 3339 format.
      returned: success
      type: str
      sample: "2016-08-25T21:10:29.600Z"
    billable_size_in_gbs:
      description: Beyond the Terraform attributes - the size of the image billed, in GB.
      returned: success
      type: int
      sample: 5
    listing_type:
      description: Beyond the Terraform attributes - C(COMMUNITY) or C(NONE) (a custom image).
      returned: success
      type: str
      sample: NONE
    agent_features:
      description: Beyond the Terraform attributes - the Oracle Cloud Agent features the image supports.
      returned: when reported by the cloud
      type: dict
      sample: {"is_management_supported": true, "is_monitoring_supported": true}
    image_volume_details:
      description: Beyond the Terraform attributes - the data volumes included in the image.
      returned: when the image includes data volumes
      type: dict
      sample: {"data_volumes": [{"display_name": "data", "index": 1, "size_in_mbs": 51200}]}
  sample: [{"id": "ocid1.image.oc1.iad.aaaaaaaexample", "display_name": "web", "state": "AVAILABLE"}]
"""

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule  # noqa: E402
from ansible_collections.imageops.cloud.plugins.module_utils.oci import OCI_AUTH  # noqa: E402

ARGUMENT_SPEC = dict(
    image_id=dict(type="str"),
    compartment_id=dict(type="str"),
    display_name=dict(type="str", aliases=["name"]),
    lifecycle_state=dict(
        type="str", choices=["PROVISIONING", "IMPORTING", "AVAILABLE", "EXPORTING", "DISABLED", "DELETED"]
    ),
)


def main():
    module = ImageModule(
        OCI_AUTH,
        ARGUMENT_SPEC,
        info=True,
        spec_names=dict(image_id=None, lifecycle_state=None),
        required_one_of=[("image_id", "compartment_id")],
    )
    module.run_info(filters=dict(lifecycle_state=module.params["lifecycle_state"]))


if __name__ == "__main__":
    main()
