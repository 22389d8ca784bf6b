"""Every argument of Terraform's oci_core_image is a spec field, a Pulumi input and an Ansible
option; every attribute it exports is a Pulumi output, a driver attribute and in the module's
returned `image`. The names are transcribed from the seed; when the seed is beside the repo
(`../shared/seeds/`), the transcription itself is checked against it."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest
import yaml

from imageops.oci import OciImageSpec
from imageops.oci.driver import image_from_json
from imageops.oci.spec import ImageSourceDetails, LaunchOptions
from pulumi_images import oci as pulumi_oci

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seeds" / "terraform-oci_core_image.md"
MODULES = REPO / "ansible_collections" / "imageops" / "cloud" / "plugins" / "modules"

ARGUMENTS = {
    "compartment_id",
    "defined_tags",
    "display_name",
    "freeform_tags",
    "image_source_details",
    "instance_id",
    "launch_mode",
}
SOURCE_ARGUMENTS = {
    "bucket_name",
    "namespace_name",
    "object_name",
    "source_image_type",
    "source_type",
    "source_uri",
}
ATTRIBUTES = {
    "base_image_id",
    "compartment_id",
    "create_image_allowed",
    "defined_tags",
    "display_name",
    "freeform_tags",
    "id",
    "launch_mode",
    "launch_options",
    "operating_system",
    "operating_system_version",
    "size_in_mbs",
    "state",
    "time_created",
}
LAUNCH_OPTION_ATTRIBUTES = {"boot_volume_type", "firmware", "network_type", "remote_data_volume_type"}

# A GetImage answer as the API page documents it.
API_IMAGE = {
    "agentFeatures": {"isManagementSupported": True, "isMonitoringSupported": True},
    "baseImageId": "ocid1.image.oc1.iad.base",
    "billableSizeInGBs": 5,
    "compartmentId": "ocid1.compartment.oc1..c",
    "createImageAllowed": True,
    "definedTags": {"Operations": {"CostCenter": "42"}},
    "displayName": "golden",
    "freeformTags": {"Department": "Finance"},
    "id": "ocid1.image.oc1.iad.img",
    "launchMode": "NATIVE",
    "launchOptions": {
        "bootVolumeType": "ISCSI",
        "firmware": "UEFI_64",
        "networkType": "VFIO",
        "remoteDataVolumeType": "ISCSI",
        "isPvEncryptionInTransitEnabled": False,
        "isConsistentVolumeNamingEnabled": True,
    },
    "lifecycleState": "AVAILABLE",
    "listingType": "NONE",
    "operatingSystem": "Oracle Linux",
    "operatingSystemVersion": "8",
    "sizeInMBs": 47694,
    "timeCreated": "2026-11-26T06:00:00.000Z",
}


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


@pytest.mark.skipif(not SEED.exists(), reason="the seed documents are not beside this checkout")
def test_transcription_matches_the_seed():
    text = SEED.read_text()
    arguments = _section(text, "## Argument Reference")
    top = set(re.findall(r"^\* `([a-z_]+)`", arguments, re.M))
    nested = set(re.findall(r"^\t\* `([a-z_]+)`", arguments, re.M))
    attributes = _section(text, "## Attributes Reference")
    exported = set(re.findall(r"^\* `([a-z_]+)`", attributes, re.M))
    launch = set(re.findall(r"^\t\* `([a-z_]+)`", attributes, re.M))
    assert top == ARGUMENTS
    assert nested == SOURCE_ARGUMENTS
    assert exported == ATTRIBUTES
    assert launch == LAUNCH_OPTION_ATTRIBUTES


def test_every_argument_is_a_spec_field():
    assert set(OciImageSpec.model_fields) >= ARGUMENTS
    assert set(ImageSourceDetails.model_fields) >= SOURCE_ARGUMENTS
    assert set(LaunchOptions.model_fields) >= LAUNCH_OPTION_ATTRIBUTES


def test_every_attribute_comes_out_of_the_driver():
    image = image_from_json(API_IMAGE, region="us-ashburn-1")
    assert set(image.attributes) >= ATTRIBUTES
    assert set(image.attributes["launch_options"]) >= LAUNCH_OPTION_ATTRIBUTES
    assert image.attributes["defined_tags"] == {"Operations.CostCenter": "42"}
    assert image.attributes["size_in_mbs"] == 47694 and image.attributes["state"] == "AVAILABLE"


def _init_params(cls: type) -> set[str]:
    return set(inspect.signature(cls.__init__).parameters) - {"self"}


def test_every_argument_is_a_pulumi_input_and_every_attribute_an_output():
    assert _init_params(pulumi_oci.ImageArgs) >= ARGUMENTS
    assert _init_params(pulumi_oci.ImageImageSourceDetailsArgs) >= SOURCE_ARGUMENTS
    outputs = set(inspect.get_annotations(pulumi_oci.Image))
    assert outputs >= ATTRIBUTES - {"id"}  # `id` is every Pulumi resource's own output
    launch_outputs = {
        name for name, value in vars(pulumi_oci.ImageLaunchOptions).items() if isinstance(value, property)
    }
    assert launch_outputs >= LAUNCH_OPTION_ATTRIBUTES


def _module_docs(name: str) -> tuple[dict, dict]:
    spec = importlib.util.spec_from_file_location(name, MODULES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return yaml.safe_load(module.DOCUMENTATION), yaml.safe_load(module.RETURN)


def test_every_argument_is_an_ansible_option_and_every_attribute_returned():
    documentation, returns = _module_docs("oci_image")
    options = documentation["options"]
    assert set(options) >= ARGUMENTS
    assert set(options["image_source_details"]["suboptions"]) >= SOURCE_ARGUMENTS
    returned = returns["image"]["contains"]
    assert set(returned) >= ATTRIBUTES
    assert set(returned["launch_options"]["contains"]) >= LAUNCH_OPTION_ATTRIBUTES
