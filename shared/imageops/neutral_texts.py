"""The prose of the neutral ``image`` module (:mod:`imageops.neutral`), for ``make generate``.

The options every cloud shares are documented here once; each cloud's auth block and the choices of
``cloud`` are generated from the clouds' declarations.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: image
short_description: One machine image on any cloud (OCI, OUTSCALE, Alibaba Cloud) from neutral
  options
version_added: 0.1.0
description:
- Creates, updates and deletes a custom machine image on the cloud named by I(cloud), from the
  options every cloud has in common - I(name), I(description), I(source) (exactly one of an
  instance, a snapshot, an import from object storage or a copy from another region), I(tags)
  and I(region). The same task, looped over the clouds, manages the "same" image on each.
- Options only one cloud has (an OCI compartment, an ECS platform, OUTSCALE launch permissions)
  go in I(cloud_options), under the names of that cloud's own module (M(imageops.cloud.oci_image),
  M(imageops.cloud.outscale_image), M(imageops.cloud.alicloud_image)), and that cloud's rules
  check them.
- The neutral options are translated to the cloud's module options and then handled exactly
  as that module handles them - the same idempotency (the image is found again by I(image_id),
  else by its name), the same in-place updates and replacements, the same single read when nothing
  changes, the same retry tokens.
- Every option is checked before any API call, every problem reported at once under the name
  written in the task (C(source.import.url), C(cloud_options.launch_mode)); a source a cloud
  cannot build from (an OCI image from a snapshot) is refused the same way.
author:
- imageops contributors (@imageops)
requirements:
- python >= 3.11
- imageops (the provider core; C(pip install -r requirements.txt) from this collection)
notes:
- Credentials load as each cloud's own module loads them. Give them in the block of the cloud
  (I(oci_auth), I(outscale_auth), I(alicloud_auth)), or leave them to the environment and the
  cloud's CLI configuration file.
- The module is in the C(all) action group only (C(group/imageops.cloud.all)), whose defaults
  should set options every module has (I(endpoint)); the per-cloud groups set per-cloud option
  names this module does not take.
attributes:
  check_mode:
    support: full
    details: The same single read as a real run; C(changed) is exactly what a real run would
      do.
  diff_mode:
    support: full
    details: The diff names the neutral options (C(name), C(tags), C(cloud_options.launch_mode)).
  platform:
    platforms: all
  action_group:
    support: full
    membership:
    - imageops.cloud.all
options:
  cloud:
    description:
    - The cloud the image is in.
    type: str
    required: true
    version_added: 0.1.0
  state:
    description:
    - C(present) makes the image if it does not exist and updates it if it differs.
    - C(absent) deletes the image found by I(image_id), or by I(name).
    type: str
    choices:
    - present
    - absent
    default: present
    version_added: 0.1.0
  image_id:
    description:
    - Id of an existing image to manage. Without it, the image is found by I(name) (OCI - in
      the compartment; OUTSCALE - in the account; Alibaba Cloud - in the region) and made when
      there is none.
    type: str
    version_added: 0.1.0
  name:
    description:
    - The image's name - OCI C(display_name), OUTSCALE and Alibaba Cloud C(image_name); each
      cloud's naming rules apply.
    - Changes in place on OCI and Alibaba Cloud; on OUTSCALE a new name needs a new image (see
      I(allow_replace)).
    type: str
    version_added: 0.1.0
  description:
    description:
    - A description (OUTSCALE and Alibaba Cloud C(description)), changed in place.
    - OCI images have no description; with I(cloud=oci) it is refused.
    type: str
    version_added: 0.1.0
  source:
    description:
    - Where the image comes from, exactly one of I(instance), I(snapshot), I(import), I(copy).
      Required to create an image. A different source needs a new image.
    type: dict
    version_added: 0.1.0
    suboptions:
      instance:
        description:
        - Build the image from an instance (OCI C(instance_id), OUTSCALE C(vm_id), Alibaba Cloud
          C(instance_id)).
        type: dict
        suboptions:
          id:
            description: The instance's id.
            type: str
            required: true
      snapshot:
        description:
        - Build the image from a snapshot of a system disk - OUTSCALE C(block_device_mappings)
          with this snapshot as C(/dev/sda1), Alibaba Cloud C(snapshot_id). OCI has none.
        type: dict
        suboptions:
          id:
            description: The snapshot's id.
            type: str
            required: true
      import:
        description:
        - Import the image from object storage - OCI C(image_source_details) (I(url), or I(namespace),
          I(bucket) and I(object)), OUTSCALE C(file_location) (I(url) of the manifest), Alibaba
          Cloud C(import_from) (I(bucket) and I(object) in OSS).
        type: dict
        suboptions:
          url:
            description: URL of the image file (OCI) or pre-signed URL of the manifest (OUTSCALE).
            type: str
          namespace:
            description: Object Storage namespace (OCI).
            type: str
          bucket:
            description: Bucket of the image file (OCI, Alibaba Cloud).
            type: str
          object:
            description: Object name of the image file (OCI, Alibaba Cloud).
            type: str
          format:
            description:
            - Format of the image file - OCI C(QCOW2) or C(VMDK); Alibaba Cloud C(RAW), C(VHD),
              C(QCOW2) or C(VMDK). OUTSCALE reads it from the manifest.
            type: str
      copy:
        description:
        - Copy an image from another region into I(region) - OUTSCALE C(source_image_id) and
          C(source_region_name), Alibaba Cloud C(copy_from), OCI C(copy_from) (an export there,
          an import here).
        type: dict
        suboptions:
          image_id:
            description: Id of the image to copy.
            type: str
            required: true
          region:
            description: The region of the image to copy.
            type: str
            required: true
  tags:
    description:
    - Tags as a map - OCI C(freeform_tags), OUTSCALE C(tags) (as key/value blocks), Alibaba
      Cloud C(tags). Changed in place; see I(purge_tags).
    type: dict
    version_added: 0.1.0
  purge_tags:
    description:
    - With C(true), I(tags) is the complete set of tags, and other tags are removed.
    - With C(false), the given tags are added or changed, and other tags are kept.
    type: bool
    default: true
    version_added: 0.1.0
  region:
    description:
    - The region the image is in (for I(source.copy), the destination).
    - Overrides the region of the cloud's auth block and configuration; not given, the connection's
      region.
    type: str
    version_added: 0.1.0
  cloud_options:
    description:
    - Options of the cloud's own module that have no neutral name, under that module's names,
      for example C(compartment_id) (required for OCI) and C(launch_mode) for OCI, C(no_reboot)
      or C(permissions_to_launch) for OUTSCALE, C(platform) or C(resource_group_id) for Alibaba
      Cloud.
    - Checked by the cloud's module rules; an option a neutral option already sets is refused.
    - A block a neutral option fills is completed key by key (an OCI C(image_source_details)
      with C(operating_system) beside I(source.import)).
    type: dict
    default: {}
    version_added: 0.1.0
  allow_replace:
    description:
    - What to do when an option that cannot change on an existing image differs from the image
      found (the source, most cloud options, a new I(name) on OUTSCALE), or when the image is
      in a failed state.
    - With C(false) (the default) the task fails and names the options; nothing is changed.
    - With C(true) the image is B(deleted) and made again with the new values; it gets a new
      id.
    type: bool
    default: false
    version_added: 0.1.0
  endpoint:
    description:
    - Base URL of the cloud's API, to reach a non-default endpoint such as the imageops emulator.
    - Overrides the I(endpoint) of the cloud's auth block. Not given, the cloud's own variable
      (C(IMAGEOPS_OCI_ENDPOINT), C(IMAGEOPS_OUTSCALE_ENDPOINT), C(IMAGEOPS_ALICLOUD_ENDPOINT))
      or its regional endpoint.
    type: str
    version_added: 0.1.0
seealso:
- module: imageops.cloud.oci_image
- module: imageops.cloud.outscale_image
- module: imageops.cloud.alicloud_image
"""

EXAMPLES = r"""
# The ids are variables holding your own (oci_compartment_id, oci_instance_id, outscale_vm_id,
# alicloud_instance_id, alicloud_snapshot_id, oci_image_url, manifest_url).
- name: The same golden image on all three clouds
  imageops.cloud.image:
    cloud: "{{ item.cloud }}"
    name: golden-web
    source:
      instance:
        id: "{{ item.instance_id }}"
    tags:
      role: web
      release: "2024.06"
    cloud_options: "{{ item.cloud_options }}"
  loop:
    - cloud: oci
      instance_id: "{{ oci_instance_id }}"
      cloud_options:
        compartment_id: "{{ oci_compartment_id }}"
    - cloud: outscale
      instance_id: "{{ outscale_vm_id }}"
      cloud_options:
        no_reboot: true
    - cloud: alicloud
      instance_id: "{{ alicloud_instance_id }}"
      cloud_options: {}
  register: golden

- name: An Alibaba Cloud image from a system disk snapshot
  imageops.cloud.image:
    cloud: alicloud
    name: from-snapshot
    description: built from the system disk
    source:
      snapshot:
        id: "{{ alicloud_snapshot_id }}"
    cloud_options:
      platform: Ubuntu

- name: Import an image file into OCI
  imageops.cloud.image:
    cloud: oci
    name: imported
    source:
      import:
        url: "{{ oci_image_url }}"
        format: QCOW2
    cloud_options:
      compartment_id: "{{ oci_compartment_id }}"
      launch_mode: PARAVIRTUALIZED
      image_source_details:
        operating_system: Oracle Linux

- name: Register an OUTSCALE image from a manifest, credentials from a profile of ~/.osc/config.json
  imageops.cloud.image:
    cloud: outscale
    name: registered
    source:
      import:
        url: "{{ manifest_url }}"
    outscale_auth:
      profile: default

- name: Copy the Alibaba Cloud golden image to another region
  imageops.cloud.image:
    cloud: alicloud
    name: golden-web
    region: cn-shanghai
    source:
      copy:
        image_id: "{{ golden.results[2].image.id }}"
        region: cn-hangzhou

- name: The same OCI image in three regions - built in the first, copied to the others in parallel
  imageops.cloud.image:
    cloud: oci
    name: golden-web
    source:
      instance:
        id: "{{ oci_instance_id }}"
    cloud_options:
      compartment_id: "{{ oci_compartment_id }}"
    regions: [us-ashburn-1, us-phoenix-1, eu-frankfurt-1]
    max_parallel: 5
  register: everywhere

- name: Add a tag to the OCI image and keep its others (check mode shows what would change)
  imageops.cloud.image:
    cloud: oci
    name: golden-web
    source:
      instance:
        id: "{{ oci_instance_id }}"
    tags:
      reviewed: "yes"
    purge_tags: false
    cloud_options:
      compartment_id: "{{ oci_compartment_id }}"
  check_mode: true

- name: Delete the OUTSCALE image
  imageops.cloud.image:
    cloud: outscale
    name: registered
    state: absent
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
    - The managed options before and after, as shown in diff mode (C(--diff)), under their neutral
      names (C(name), C(tags), C(source.instance.id)); options of the cloud's own under
      C(cloud_options.<name>).
    - For a create, C(before) is empty; for a delete, C(after) is empty.
    - With I(regions), C(before) and C(after) hold C(regions) - the regions that had the image, and those
      that have it after the run.
  returned: success
  type: dict
  contains:
    before:
      description: The managed options as observed before the run.
      type: dict
      returned: success
      sample: {"name": "golden-web", "tags": {"role": "web"}}
    after:
      description: The managed options as they are (or would be) after the run.
      type: dict
      returned: success
      sample: {"name": "golden-web", "tags": {"role": "web", "reviewed": "yes"}}
  sample: {"before": {"tags": {"role": "web"}}, "after": {"tags": {"role": "web", "reviewed": "yes"}}}
image_id:
  description:
    - Id of the image a failed task was about - the image that did not reach its final state in time,
      or the existing image whose update or delete failed (the cloud refused the write, or its answer
      never came, when C(changed=true)).
    - The failed task's I(image) then holds its C(id) (and C(state) after a wait timeout).
  returned: when the task failed on a known image (a wait timeout, an update or delete of an existing one)
  type: str
  sample: m-bp1g7004ksh0oeuco3xp
last_state:
  description: The state the image was last seen in, in the cloud's words (only on a wait timeout).
  returned: when the wait timed out
  type: str
  sample: Creating
errors:
  description: Each invalid option with the rule it breaks, under the name written in the task.
  returned: when options are invalid
  type: list
  elements: dict
  sample: [{"option": "source.snapshot", "rule": "oci cannot build an image from a snapshot"}]
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
  sample: {"us-ashburn-1": {"image_id": "ocid1.image.oc1..aaaa", "state": "AVAILABLE", "action": "create",
           "changed": true, "source": true, "error": null, "error_code": null, "seconds": 61.2}}
failed_regions:
  description: The regions that failed, when some did (the task then fails; the others are kept).
  returned: when some regions failed
  type: list
  elements: str
  sample: ["eu-frankfurt-1"]
image:
  description:
    - The image in the same shape on every cloud, with the cloud's own attributes in I(attributes).
    - With I(state=absent), the image as it was before it was deleted (empty when there was none).
    - In check mode, the image as found (empty when it would be created).
    - With I(regions), the image in the first (source) region.
  returned: success
  type: dict
  contains:
    cloud:
      description: The cloud the image is in.
      returned: success
      type: str
      sample: alicloud
    id:
      description: The image's id (OCI OCID, OUTSCALE C(ami-...), Alibaba Cloud C(m-...)).
      returned: success
      type: str
      sample: m-bp1g7004ksh0oeuco3xp
    name:
      description: The image's name.
      returned: success
      type: str
      sample: golden-web
    state:
      description: The state in the same words on every cloud - C(pending), C(available), C(failed).
      returned: success
      type: str
      sample: available
    raw_state:
      description: The state in the cloud's words (OCI C(AVAILABLE), OUTSCALE C(available), ECS C(Available)).
      returned: success
      type: str
      sample: Available
    region:
      description: The region the image is in.
      returned: success
      type: str
      sample: cn-hangzhou
    tags:
      description: The image's tags as a map (OUTSCALE's key/value blocks as a map too).
      returned: success
      type: dict
      sample: {"role": "web"}
    attributes:
      description:
        - Every attribute the cloud's own module returns in its I(image), under that module's
          names (OCI C(compartment_id), C(launch_mode)...; OUTSCALE C(image_name),
          C(block_device_mappings)...; Alibaba Cloud C(image_name), C(platform)...).
      returned: success
      type: dict
      sample: {"image_name": "golden-web", "platform": "Others Linux", "status": "Available"}
"""
