"""How each cloud's driver is reached from a resource's inputs and the stack configuration, and
which of its spec fields need special handling in a diff: a view of each cloud's declaration
(:mod:`imageops.schema`) in the terms :mod:`pulumi_images._provider` uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from imageops import registry
from imageops.schema import CloudSchema

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
    """Spec blocks the cloud reports back richer than given (Terraform's Optional+Computed): a given
    value is a change only where it differs from the cloud's view, and an unset one is no opinion."""
    state_output: str = "state"
    """The output holding the cloud's own lifecycle word."""
    name_outputs: tuple[str, ...] = ("display_name",)
    """The outputs holding the image's name, first found wins."""
    config_aliases: Mapping[str, str] = field(default_factory=dict)
    """Further stack config keys for a driver setting (key -> setting), read when the main key is
    unset."""

    @classmethod
    def of(cls, schema: CloudSchema) -> Connection:
        return cls(
            inputs=schema.pulumi_inputs,
            config=schema.pulumi_config,
            secret_config=schema.pulumi_secret_config,
            replace=schema.replace_settings,
            input_only=schema.input_only,
            computed=schema.computed,
            state_output=schema.state_attribute,
            name_outputs=schema.name_attributes,
            config_aliases=schema.pulumi_config_aliases,
        )


CONNECTIONS: dict[str, Connection] = {
    cloud: Connection.of(registry.schema(cloud)) for cloud in registry.clouds()
}
