"""How each cloud's driver is reached from a resource's inputs and the stack configuration, and
which of its spec fields need special handling in a diff. Data only; :mod:`pulumi_images._provider`
uses it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["CONNECTIONS", "Connection"]


@dataclass(frozen=True)
class Connection:
    """How a cloud's driver is configured from a resource and the stack configuration."""

    inputs: tuple[str, ...]
    """Non-secret connection settings a resource may set as inputs."""
    config: Mapping[str, str]
    """Driver setting -> stack config key (without the ``imageops:`` namespace)."""
    secret_config: Mapping[str, str] = field(default_factory=dict)
    """Secret driver settings, taken from the stack configuration only (never inputs or outputs)."""
    replace: tuple[str, ...] = ()
    """Connection inputs whose change means another image (e.g. the region)."""
    input_only: tuple[str, ...] = ()
    """Spec fields the cloud never reports back (create-only sources): the outputs echo them as
    given, and ``diff`` compares them with the old outputs, set <-> unset included."""
    computed: tuple[str, ...] = ()
    """Spec blocks the cloud reports back richer than given (Terraform's Optional+Computed, e.g. a
    disk mapping with progress and format): the output is the cloud's view, a given value is a
    change only where it differs from that view, and an unset one is no opinion."""
    state_output: str = "state"
    """The output holding the cloud's own lifecycle word."""
    name_outputs: tuple[str, ...] = ("display_name",)
    """The outputs holding the image's name, first found wins."""
    config_aliases: Mapping[str, str] = field(default_factory=dict)
    """Further stack config keys for a driver setting (key -> setting), read when the main key is
    unset: the names the project's issue tracker promised (``ociConfigProfile``) keep working."""


CONNECTIONS: dict[str, Connection] = {
    "oci": Connection(
        inputs=("config_file", "profile", "region", "endpoint"),
        config={
            "config_file": "ociConfigFile",
            "profile": "ociProfile",
            "region": "ociRegion",
            "endpoint": "ociEndpoint",
            "tenancy": "ociTenancy",
            "user": "ociUser",
            "fingerprint": "ociFingerprint",
            "key_file": "ociKeyFile",
        },
        secret_config={"key_content": "ociKeyContent", "pass_phrase": "ociPassPhrase"},
        config_aliases={"ociConfigProfile": "profile"},
        replace=("region",),
        input_only=(
            "instance_id", "image_source_details", "should_include_data_volumes", "copy_from", "export_to",
        ),
    ),
    "outscale": Connection(
        inputs=("region", "profile", "endpoint", "config_file"),
        config={
            "region": "outscaleRegion",
            "profile": "outscaleProfile",
            "endpoint": "outscaleEndpoint",
            "config_file": "outscaleConfigFile",
            "access_key": "outscaleAccessKey",
        },
        secret_config={"secret_key": "outscaleSecretKey"},
        replace=("region",),
        input_only=("vm_id", "no_reboot", "source_image_id", "source_region_name"),
        name_outputs=("image_name",),
    ),
    "alicloud": Connection(
        inputs=("region", "profile", "endpoint", "config_file"),
        config={
            "region": "alicloudRegion",
            "profile": "alicloudProfile",
            "endpoint": "alicloudEndpoint",
            "config_file": "alicloudConfigFile",
            "access_key_id": "alicloudAccessKeyId",
        },
        secret_config={
            "access_key_secret": "alicloudAccessKeySecret",
            "security_token": "alicloudSecurityToken",
        },
        replace=("region",),
        input_only=(
            "instance_id",
            "snapshot_id",
            "import_from",
            "copy_from",
            "detection_strategy",
            "force",
            "delete_auto_snapshot",
        ),
        computed=("disk_device_mapping", "features"),
        state_output="status",
        name_outputs=("image_name",),
    ),
}
