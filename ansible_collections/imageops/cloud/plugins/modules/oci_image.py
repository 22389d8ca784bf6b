#!/usr/bin/python
# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
from __future__ import annotations

DOCUMENTATION = r"""
module: oci_image
short_description: Create, import, update and delete Oracle Cloud Infrastructure custom images
version_added: 0.1.0
description:
  - Creates a boot disk image from an instance, or imports an exported image from Object Storage
    (by namespace, bucket and object name, or by URL), updates its display name and tags, and
    deletes it. The options are the arguments of Terraform's C(oci_core_image) resource.
  - Idempotent. The image is found again by I(image_id) or, without it, by I(display_name) within
    I(compartment_id); more than one live image with that name is an error, never a guess. A run
    with nothing to change makes exactly one read call and no write.
  - I(display_name), I(freeform_tags) and I(defined_tags) change in place (UpdateImage). Every
    other argument is fixed when the image is created; see I(allow_replace).
  - Creates carry a deterministic C(opc-retry-token), so a retried or interrupted run never makes a
    second image.
  - I(copy_from) copies an image from another region (OCI has no copy call - ExportImage there, then an
    import here) and resumes after an interruption without exporting twice; I(export_to) exports the
    image to Object Storage unless the object is already there.
author:
  - imageops contributors (@imageops)
extends_documentation_fragment:
  - imageops.cloud.oci
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
      - imageops.cloud.oci
options:
  state:
    description:
      - C(present) creates the image if it does not exist and updates it if it differs.
      - C(absent) deletes the image found by I(image_id), or by I(display_name) in I(compartment_id).
    type: str
    choices: [present, absent]
    default: present
    version_added: 0.1.0
  image_id:
    description:
      - OCID of an existing image to manage (the Terraform import id).
      - With I(state=present), the image must exist; without I(image_id), it is found by
        I(display_name) in I(compartment_id) and created when there is none.
      - One of I(image_id) or I(display_name) is required, so that a re-run finds the same image.
    type: str
    version_added: 0.1.0
  compartment_id:
    description:
      - OCID of the compartment the image is created in, containing the instance you want to use
        as the basis for the image.
      - Required with I(state=present); with I(state=absent), required together with
        I(display_name) when I(image_id) is not given.
      - Cannot change on an existing image (see I(allow_replace)).
    type: str
    version_added: 0.1.0
  display_name:
    description:
      - A user-friendly name for the image. Changeable in place. Avoid entering confidential
        information. You cannot use an Oracle-provided image name as a custom image name.
      - Also the idempotency key of the module. Example C(My Oracle Linux image).
    type: str
    aliases: [name]
    version_added: 0.1.0
  instance_id:
    description:
      - OCID of the instance to use as the basis for the image.
      - Required unless I(image_source_details) is given; the two are mutually exclusive.
      - Create-only; a change is not detected on an existing image (OCI does not report it back).
    type: str
    version_added: 0.1.0
  image_source_details:
    description:
      - Details for creating an image through import from Object Storage, instead of
        I(instance_id).
      - Create-only; a change is not detected on an existing image (OCI does not report it back).
    type: dict
    version_added: 0.1.0
    suboptions:
      source_type:
        description:
          - The source type for the image. Use C(objectStorageTuple) when specifying the namespace,
            bucket name and object name. Use C(objectStorageUri) when specifying the Object
            Storage URL.
        type: str
        version_added: 0.1.0
        required: true
        choices: [objectStorageTuple, objectStorageUri]
      bucket_name:
        description: The Object Storage bucket for the image. Required with C(objectStorageTuple).
        type: str
        version_added: 0.1.0
      namespace_name:
        description: The Object Storage namespace for the image. Required with C(objectStorageTuple).
        type: str
        version_added: 0.1.0
      object_name:
        description: The Object Storage name for the image. Required with C(objectStorageTuple).
        type: str
        version_added: 0.1.0
      source_uri:
        description: The Object Storage URL for the image. Required with C(objectStorageUri).
        type: str
        version_added: 0.1.0
      source_image_type:
        description:
          - The format of the image to be imported. Exported Oracle images are C(QCOW2). Only
            monolithic images are supported.
        type: str
        version_added: 0.1.0
        choices: [QCOW2, VMDK]
      operating_system:
        description: The operating system of the imported image, for example C(Oracle Linux).
        type: str
        version_added: 0.1.0
      operating_system_version:
        description: The operating system version of the imported image, for example C(7.2).
        type: str
        version_added: 0.1.0
  launch_mode:
    description:
      - Specifies the configuration mode for launching virtual machine (VM) instances.
      - C(NATIVE) - VM instances launch with iSCSI boot and VFIO devices. The default value for
        Oracle-provided images.
      - C(EMULATED) - VM instances launch with emulated devices, such as the E1000 network driver
        and emulated SCSI disk controller.
      - C(PARAVIRTUALIZED) - VM instances launch with paravirtualized devices using virtio drivers.
      - C(VDPA) - VM instances launch with vDPA-accelerated networking.
      - C(CUSTOM) - VM instances launch with custom configuration settings specified in
        I(launch_options).
      - Cannot change on an existing image (see I(allow_replace)).
    type: str
    choices: [NATIVE, EMULATED, PARAVIRTUALIZED, VDPA, CUSTOM]
    version_added: 0.1.0
  launch_options:
    description:
      - Options for tuning the compatibility and performance of VM shapes; only with
        I(launch_mode=CUSTOM) (or no I(launch_mode)).
      - Cannot change on an existing image (see I(allow_replace)).
    type: dict
    version_added: 0.1.0
    suboptions:
      boot_volume_type:
        description:
          - Emulation type for the boot volume. C(ISCSI) iSCSI attached block storage device,
            C(SCSI) emulated SCSI disk, C(IDE) emulated IDE disk, C(VFIO) direct attached Virtual
            Function storage, C(PARAVIRTUALIZED) paravirtualized disk, C(NVME) NVMe disk.
        type: str
        version_added: 0.1.0
        choices: [ISCSI, SCSI, IDE, VFIO, PARAVIRTUALIZED, NVME]
      firmware:
        description:
          - Firmware used to boot the VM. C(BIOS) for MBR style bootloaders, C(UEFI_64) for 64 bit
            operating systems booting with UEFI (the default for Oracle provided images).
        type: str
        version_added: 0.1.0
        choices: [BIOS, UEFI_64]
      network_type:
        description:
          - Emulation type for the NIC. C(E1000) emulated Gigabit ethernet controller, C(VFIO) direct
            attached Virtual Function network controller, C(PARAVIRTUALIZED) virtio, C(VDPA) vDPA.
        type: str
        version_added: 0.1.0
        choices: [E1000, VFIO, PARAVIRTUALIZED, VDPA]
      remote_data_volume_type:
        description: Emulation type for remote data volumes; same values as I(boot_volume_type).
        type: str
        version_added: 0.1.0
        choices: [ISCSI, SCSI, IDE, VFIO, PARAVIRTUALIZED, NVME]
      is_pv_encryption_in_transit_enabled:
        description: Deprecated by OCI. Whether in-transit encryption is enabled for paravirtualized volumes.
        type: bool
        version_added: 0.1.0
      is_consistent_volume_naming_enabled:
        description: Whether to enable consistent volume naming.
        type: bool
        version_added: 0.1.0
  should_include_data_volumes:
    description:
      - Whether to include the instance's attached data volumes in the image. Only with
        I(instance_id). Create-only.
    type: bool
    version_added: 0.1.0
  copy_from:
    description:
      - Copy an image of this tenancy from another region into I(region) (the connection's region),
        instead of I(instance_id) or I(image_source_details). Requires I(display_name), by which a re-run
        finds the copy.
      - OCI has no copy call, so this is OCI's documented procedure - ExportImage in the source region
        into a bucket there (format C(OCI), which keeps the launch mode and options), a read-only
        pre-authenticated request on the object, and an import by URL in this region. The task waits
        for the whole copy, whatever I(wait) says.
      - The intermediate object's name derives from the source image (C(imageops-copy/<hash>.oci)). A
        re-run after an interruption finds the object, or the export still writing it (the source image
        is C(EXPORTING)), and never exports twice; copies of one source to other regions reuse it.
      - An image of another tenancy is refused (not found) before anything is written.
      - Create-only; a change is not detected on an existing image (OCI does not report it back).
    type: dict
    version_added: 0.1.0
    suboptions:
      source_image_id:
        description: OCID of the image to copy.
        type: str
        required: true
        version_added: 0.1.0
      source_region:
        description: Region the source image is in, for example C(us-ashburn-1).
        type: str
        required: true
        version_added: 0.1.0
      bucket_name:
        description:
          - Bucket in the source region that holds the intermediate object.
          - Default C(imageops-transfer-<source_region>), created in I(compartment_id) when missing.
        type: str
        version_added: 0.1.0
      delete_intermediate:
        description:
          - Delete the intermediate object once the import has finished.
          - Leave it C(false) while other regions copy the same source at the same time (they read it).
        type: bool
        default: false
        version_added: 0.1.0
  export_to:
    description:
      - Also export the image to Object Storage (ExportImage), by bucket and object name or by URL. The
        image is C(EXPORTING) meanwhile; the task waits for the export to end.
      - Skipped (C(changed=false)) when the object already exists, so a re-run never exports again;
        this costs one HeadObject call per run (and a GetNamespace one without I(namespace_name)).
    type: dict
    version_added: 0.1.0
    suboptions:
      bucket_name:
        description: Bucket (in the image's region) to export into. Required without I(destination_uri).
        type: str
        version_added: 0.1.0
      namespace_name:
        description: Object Storage namespace of the bucket. Default the tenancy's.
        type: str
        version_added: 0.1.0
      object_name:
        description: Name of the object to write. Required without I(destination_uri).
        type: str
        version_added: 0.1.0
      destination_uri:
        description:
          - Object Storage URL to export to instead of I(bucket_name) and I(object_name), for example a
            pre-authenticated request with write access to another region's or tenancy's bucket.
          - Whether the object exists is checked with this tenancy's credentials, so a re-run exports
            again when the object is not readable by them.
        type: str
        version_added: 0.1.0
      export_format:
        description: Format of the exported image. C(OCI) keeps the launch mode and options.
        type: str
        choices: [OCI, QCOW2, VMDK, VHD, VDI]
        default: OCI
        version_added: 0.1.0
  freeform_tags:
    description:
      - Free-form tags for the image, each a simple key-value pair with no predefined name, type
        or namespace, for example C(Department=Finance). Changeable in place.
      - With I(purge_tags=true), tags not listed here are removed; C({}) removes them all.
        Not given at all, the image's tags are left alone.
    type: dict
    version_added: 0.1.0
  defined_tags:
    description:
      - Defined tags for the image, as C("namespace.key" -> value). Each key is predefined and
        scoped to a namespace, for example C(Operations.CostCenter=42). Changeable in place.
      - With I(purge_tags=true), tags not listed here are removed; C({}) removes them all.
    type: dict
    version_added: 0.1.0
  purge_tags:
    description:
      - With C(true), I(freeform_tags) and I(defined_tags) are the complete sets of tags, and other
        tags are removed.
      - With C(false), the given tags are added or changed, and other tags are kept.
    type: bool
    default: true
    version_added: 0.1.0
  allow_replace:
    description:
      - What to do when an argument that cannot change on an existing image differs from the image
        found (I(compartment_id), I(launch_mode), I(launch_options)), or when the image is in the
        C(DISABLED) state.
      - With C(false) (the default) the task fails and names the fields; nothing is changed.
      - With C(true) the image is B(deleted) and created again with the new values (as Terraform
        does for a ForceNew argument). The new image has a new OCID, and instances launched from
        the old image are not affected. The delete is awaited first, even with I(wait=false), so
        that two images never share one display name.
    type: bool
    default: false
    version_added: 0.1.0
seealso:
  - module: imageops.cloud.oci_image_info
  - name: Managing Custom Images
    description: OCI documentation on custom images.
    link: https://docs.cloud.oracle.com/iaas/Content/Compute/Tasks/managingcustomimages.htm
  - name: Image Import/Export
    description: OCI documentation on importing exported images.
    link: https://docs.cloud.oracle.com/iaas/Content/Compute/Tasks/imageimportexport.htm
"""

EXAMPLES = r"""
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
    - The managed arguments before and after, as shown in diff mode (C(--diff)).
    - For an import or create, C(before) is empty; for a delete, C(after) is empty.
  returned: success
  type: dict
  contains:
    before:
      description: The managed arguments as observed before the run.
      type: dict
      returned: success
      sample: {"display_name": "web", "freeform_tags": {"Department": "Finance"}}
    after:
      description: The managed arguments as they are (or would be) after the run.
      type: dict
      returned: success
      sample: {"display_name": "web", "freeform_tags": {"Department": "Sales"}}
  sample: {"before": {"freeform_tags": {}}, "after": {"freeform_tags": {"Department": "Finance"}}}
image_id:
  description: OCID of the image that did not reach its final state in time (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: ocid1.image.oc1.iad.aaaaaaaexample
last_state:
  description: The state the image was last seen in, in the cloud's words (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: IMPORTING
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
      sample: ocid1.image.oc1.iad.aaaaaaaaexample
    state:
      description: Its state, in the cloud's words.
      returned: always
      type: str
      sample: PROVISIONING
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
      sample: us-ashburn-1
exported:
  description:
    - Whether I(export_to) exported the image in this run (or, in check mode, would). C(false) when the
      object was already there.
  returned: when I(export_to) is given
  type: bool
  sample: true
export_object:
  description: Where I(export_to) put the image.
  returned: when I(export_to) is given
  type: dict
  contains:
    region:
      description: Region of the bucket.
      returned: always
      type: str
      sample: us-ashburn-1
    namespace_name:
      description: Object Storage namespace.
      returned: always
      type: str
      sample: mynamespace
    bucket_name:
      description: Bucket.
      returned: always
      type: str
      sample: images
    object_name:
      description: Object name.
      returned: always
      type: str
      sample: web-2024-06.oci
  sample: {"region": "us-ashburn-1", "namespace_name": "ns", "bucket_name": "b", "object_name": "web.oci"}
regions:
  description:
    - With I(regions), what happened in each region, by region name, in the order given (the first is
      the source; the others are copies of it, see I(copy_from)).
    - Also returned when the task fails because some regions failed - the other regions' images are
      kept, and listed here.
  returned: when I(regions) is given
  type: dict
  sample: {"us-ashburn-1": {"image_id": "ocid1.image.oc1.iad.aaaaaaaaexample", "state": "AVAILABLE",
           "action": "create", "changed": true, "source": true, "error": null, "error_code": null,
           "seconds": 61.2}}
failed_regions:
  description: The regions that failed, when some did (the task then fails; the others are kept).
  returned: when some regions failed
  type: list
  elements: str
  sample: ["eu-frankfurt-1"]
image:
  description:
    - The image, with every attribute of Terraform's C(oci_core_image).
    - With I(state=absent), the image as it was before it was deleted (empty when there was none).
    - In check mode, the image as found (empty when it would be created).
  returned: success
  type: dict
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
      description: Options for tuning the compatibility and performance of VM shapes.
      returned: success
      type: dict
      contains:
        boot_volume_type:
          description: Emulation type for the boot volume.
          returned: success
          type: str
          sample: PARAVIRTUALIZED
        firmware:
          description: Firmware used to boot the VM.
          returned: success
          type: str
          sample: UEFI_64
        network_type:
          description: Emulation type for the NIC.
          returned: success
          type: str
          sample: PARAVIRTUALIZED
        remote_data_volume_type:
          description: Emulation type for remote data volumes.
          returned: success
          type: str
          sample: PARAVIRTUALIZED
        is_pv_encryption_in_transit_enabled:
          description: Whether in-transit encryption is enabled for paravirtualized volumes.
          returned: when reported by the cloud
          type: bool
          sample: false
        is_consistent_volume_naming_enabled:
          description: Whether consistent volume naming is enabled.
          returned: when reported by the cloud
          type: bool
          sample: true
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
      description:
        - The current lifecycle state of the image, as OCI names it
        - C(PROVISIONING), C(IMPORTING), C(AVAILABLE), C(EXPORTING), C(DISABLED) or C(DELETED).
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
  sample: {"id": "ocid1.image.oc1.iad.aaaaaaaexample", "display_name": "web", "state": "AVAILABLE"}
"""

from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule  # noqa: E402
from ansible_collections.imageops.cloud.plugins.module_utils.oci import OCI_AUTH  # noqa: E402

_VOLUME_TYPES = ["ISCSI", "SCSI", "IDE", "VFIO", "PARAVIRTUALIZED", "NVME"]

ARGUMENT_SPEC = dict(
    compartment_id=dict(type="str"),
    display_name=dict(type="str", aliases=["name"]),
    instance_id=dict(type="str"),
    image_source_details=dict(
        type="dict",
        options=dict(
            source_type=dict(type="str", required=True, choices=["objectStorageTuple", "objectStorageUri"]),
            bucket_name=dict(type="str"),
            namespace_name=dict(type="str"),
            object_name=dict(type="str"),
            source_uri=dict(type="str"),
            source_image_type=dict(type="str", choices=["QCOW2", "VMDK"]),
            operating_system=dict(type="str"),
            operating_system_version=dict(type="str"),
        ),
    ),
    launch_mode=dict(type="str", choices=["NATIVE", "EMULATED", "PARAVIRTUALIZED", "VDPA", "CUSTOM"]),
    launch_options=dict(
        type="dict",
        options=dict(
            boot_volume_type=dict(type="str", choices=_VOLUME_TYPES),
            firmware=dict(type="str", choices=["BIOS", "UEFI_64"]),
            network_type=dict(type="str", choices=["E1000", "VFIO", "PARAVIRTUALIZED", "VDPA"]),
            remote_data_volume_type=dict(type="str", choices=_VOLUME_TYPES),
            is_pv_encryption_in_transit_enabled=dict(type="bool"),
            is_consistent_volume_naming_enabled=dict(type="bool"),
        ),
    ),
    should_include_data_volumes=dict(type="bool"),
    copy_from=dict(
        type="dict",
        options=dict(
            source_image_id=dict(type="str", required=True),
            source_region=dict(type="str", required=True),
            bucket_name=dict(type="str"),
            delete_intermediate=dict(type="bool", default=False),
        ),
    ),
    export_to=dict(
        type="dict",
        options=dict(
            bucket_name=dict(type="str"),
            namespace_name=dict(type="str"),
            object_name=dict(type="str"),
            destination_uri=dict(type="str"),
            export_format=dict(type="str", choices=["OCI", "QCOW2", "VMDK", "VHD", "VDI"], default="OCI"),
        ),
    ),
    freeform_tags=dict(type="dict"),
    defined_tags=dict(type="dict"),
)


class OciImageModule(ImageModule):
    """``export_to`` on top of the shared behaviour: not a property of the image the reconciler
    compares, but an action whose need is one HeadObject away (so check mode is exact too)."""

    def _run(self):
        export = self.params.get("export_to")
        if self.params["state"] != "present" or not export or self.params.get("regions"):
            return super()._run()
        from imageops.oci import copy as transfer  # imageops is importable: ImageModule checked

        desired = self.desired()
        driver = self.driver
        storage, ref, body = transfer.export_target(driver, driver.regions, desired.export_to)
        needed = storage.head_object(ref.namespace, ref.bucket, ref.name) is None
        result = super()._run()
        image_id = (result.get("image") or {}).get("id")
        if needed and image_id and not self.check_mode:
            # after a create the export is done (this only looks); an existing image is exported here
            timeout = float(self.params.get("wait_timeout") or driver.transfer_timeout)
            transfer.ensure_exported(driver, storage, image_id, ref, body, timeout=timeout, field="image_id")
            result["image"] = self.image_result(driver.get(image_id))
        result.update(
            changed=result["changed"] or needed,
            exported=needed,
            export_object=dict(
                region=ref.region, namespace_name=ref.namespace, bucket_name=ref.bucket, object_name=ref.name
            ),
        )
        return result

    def fail_error(self, exc, **extra):
        if getattr(exc, "code", None) == "SourceImageNotFound" and self._driver is not None:
            self._driver.wrote = False  # a copy checks its source before it writes anything
        super().fail_error(exc, **extra)


def main():
    module = OciImageModule(
        OCI_AUTH,
        ARGUMENT_SPEC,
        regions=True,
        required_if=[
            ("state", "present", ("image_id", "display_name"), True),
            ("state", "absent", ("image_id", "display_name"), True),
        ],
    )
    module.run()


if __name__ == "__main__":
    main()
