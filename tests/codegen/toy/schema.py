"""The toy cloud's one declaration."""

from __future__ import annotations

from imageops.schema import Attribute, CloudSchema, ModuleText, Setting
from imageops.toy.spec import ToyImageSpec

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "state_file",
        ("The JSON file that plays the toy cloud.",),
        type="path",
        env=("TOY_STATE_FILE",),
        pulumi_config="toyStateFile",
    ),
    Setting("region", ("The toy region.",), env=("TOY_REGION",), pulumi_config="toyRegion", replace=True),
)

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("id", "str", "The image's id.", sample="toy-1"),
    Attribute("name", "str", "The image's name.", sample="golden"),
    Attribute("flavour", "str", "The image's flavour.", sample="vanilla"),
    Attribute("description", "str", "The description.", sample="a toy"),
    Attribute("tags", "dict", "The tags.", sample={"a": "b"}, optional=False),
    Attribute("state", "str", "C(available) or C(deleted).", sample="available", optional=False),
)

EXAMPLES = """
- name: A toy image
  imageops.cloud.toy_image:
    name: golden
    machine_id: m-1
"""

SCHEMA = CloudSchema(
    cloud="toy",
    title="Toy Cloud",
    terraform="toy_image",
    spec=ToyImageSpec,
    settings=SETTINGS,
    attributes=ATTRIBUTES,
    image_module=ModuleText(
        short_description="Manage toy images",
        description=("Creates, updates and deletes toy images.",),
        examples=EXAMPLES,
    ),
    info_module=ModuleText(
        short_description="Read toy images",
        description=("Returns toy images.",),
        examples=EXAMPLES.replace("toy_image:", "toy_image_info:").replace("    machine_id: m-1\n", ""),
    ),
    info_key=("name",),
    key_options=("name",),
    name_attributes=("name",),
    regions=False,
    pulumi_doc="A toy image.",
    pulumi_example='image = images.toy.Image("golden", name="golden", machine_id="m-1")\n',
    emulator=None,
)
