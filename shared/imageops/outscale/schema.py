"""The one declaration of outscale's image resource: attributes and the schema, over the settings of
:mod:`imageops.outscale.settings` (see :mod:`imageops.schema`). ``make generate`` writes both skins from
it; a module run never imports it (nor the texts)."""

from __future__ import annotations

from imageops.outscale import texts
from imageops.outscale.settings import SETTINGS
from imageops.outscale.spec import OutscaleImageSpec
from imageops.schema import Attribute, CloudSchema, InfoFilter

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("account_alias", "str", "The account alias of the owner of the OMI.", sample="my-account"),
    Attribute(
        "account_id",
        "str",
        "The account ID of the owner of the OMI.",
        sample="123456789012",
        optional=False,
    ),
    Attribute("architecture", "str", "The architecture of the OMI.", sample="x86_64"),
    Attribute(
        "block_device_mappings",
        "list",
        "One or more block device mappings.",
        sample=[{"bsu": {"snapshot_id": "snap-12345678", "volume_size": 120}, "device_name": "/dev/sda1"}],
        elements="dict",
        contains=(
            Attribute(
                "bsu",
                "dict",
                "Information about the BSU volume to create.",
                sample={
                    "delete_on_vm_deletion": True,
                    "iops": 150,
                    "snapshot_id": "snap-12345678",
                    "volume_size": 120,
                    "volume_type": "io1",
                },
                contains=(
                    Attribute(
                        "delete_on_vm_deletion",
                        "bool",
                        "If true, the volume is deleted when terminating the VM.",
                        sample=True,
                    ),
                    Attribute(
                        "iops",
                        "int",
                        "The number of I/O operations per second (IOPS), for an C(io1) volume.",
                        sample=150,
                        returned="when set",
                    ),
                    Attribute(
                        "snapshot_id",
                        "str",
                        "The ID of the snapshot used to create the volume.",
                        sample="snap-12345678",
                    ),
                    Attribute(
                        "volume_size",
                        "int",
                        "The size of the volume, in gibibytes (GiB).",
                        sample=120,
                    ),
                    Attribute(
                        "volume_type",
                        "str",
                        "The type of the volume (C(standard), C(io1) or C(gp2)).",
                        sample="io1",
                    ),
                ),
            ),
            Attribute("device_name", "str", "The device name for the volume.", sample="/dev/sda1"),
            Attribute(
                "virtual_device_name",
                "str",
                "The name of the virtual device (C(ephemeralN)).",
                sample="ephemeral0",
                returned="when set",
            ),
        ),
        optional=False,
    ),
    Attribute(
        "boot_modes",
        "list",
        "The boot modes compatible with the OMI (C(uefi), C(legacy)).",
        sample=["legacy"],
        elements="str",
        optional=False,
    ),
    Attribute(
        "creation_date",
        "str",
        "The date and time (UTC) at which the OMI was created.",
        sample="2026-11-26T07:00:00.000Z",
        optional=False,
    ),
    Attribute("description", "str", "The description of the OMI.", sample="Terraform OMI with BSU"),
    Attribute(
        "file_location",
        "str",
        "The location from which the OMI files were created.",
        sample="123456789012/terraform-omi-create",
    ),
    Attribute("id", "str", "The ID of the OMI (same as I(image_id)).", sample="ami-12345678"),
    Attribute("image_id", "str", "The ID of the OMI.", sample="ami-12345678", optional=False),
    Attribute("image_name", "str", "The name of the OMI.", sample="terraform-omi-create", optional=False),
    Attribute("image_type", "str", "The type of the OMI.", sample="machine"),
    Attribute(
        "permissions_to_launch",
        "dict",
        "Permissions for the resource.",
        sample={"account_ids": [], "global_permission": False},
        contains=(
            Attribute(
                "account_ids",
                "list",
                "One or more account IDs that the permission is associated with.",
                sample=["123456789012"],
                elements="str",
            ),
            Attribute(
                "global_permission",
                "bool",
                "If true, the OMI is public. If false, the OMI is private.",
                sample=False,
            ),
        ),
        optional=False,
    ),
    Attribute(
        "product_codes",
        "list",
        "The product codes associated with the OMI.",
        sample=["0001"],
        elements="str",
        optional=False,
    ),
    Attribute("root_device_name", "str", "The name of the root device.", sample="/dev/sda1"),
    Attribute(
        "root_device_type",
        "str",
        "The type of root device used by the OMI (always C(bsu)).",
        sample="bsu",
    ),
    Attribute("secure_boot", "bool", "Whether secure boot is activated or not.", sample=False),
    Attribute(
        "state",
        "str",
        "The state of the OMI (C(pending), C(available) or C(failed)).",
        sample="available",
        optional=False,
    ),
    Attribute(
        "state_comment",
        "dict",
        "Information about the change of state.",
        sample={},
        contains=(
            Attribute(
                "state_code",
                "str",
                "The code of the change of state.",
                sample="Client.InvalidManifest",
                returned="when the state changed for a reason",
            ),
            Attribute(
                "state_message",
                "str",
                "A message explaining the change of state.",
                sample="The manifest could not be read",
                returned="when the state changed for a reason",
            ),
        ),
    ),
    Attribute(
        "tags",
        "list",
        "One or more tags associated with the OMI.",
        sample=[{"key": "env", "value": "prod"}],
        elements="dict",
        contains=(
            Attribute("key", "str", "The key of the tag.", sample="env"),
            Attribute("value", "str", "The value of the tag.", sample="prod"),
        ),
        optional=False,
    ),
    Attribute(
        "tpm_mandatory",
        "bool",
        "If true, a vTPM is mandatory for VMs created from this OMI.",
        sample=False,
    ),
)


SCHEMA = CloudSchema(
    cloud="outscale",
    title="OUTSCALE",
    terraform="outscale_image",
    spec=OutscaleImageSpec,
    settings=SETTINGS,
    attributes=ATTRIBUTES,
    image_module=texts.IMAGE_MODULE,
    info_module=texts.INFO_MODULE,
    info_key=("image_name",),
    info_filters=(
        InfoFilter(
            "states",
            texts.INFO_MODULE.option_docs["states"],
            choices=("pending", "available", "failed"),
            type="list",
        ),
    ),
    key_options=("image_name",),
    state_attribute="state",
    name_attributes=("image_name",),
    pulumi_doc=texts.PULUMI_DOC,
    pulumi_example=texts.PULUMI_EXAMPLE,
    emulator="imageops.emulator.outscale",
    id_prefix="ami-",
    neutral_tags="tags",
    neutral="imageops.outscale.neutral:to_spec",
)
