"""How a provider call reaches its cloud: the stack configuration, the connection inputs, the
environment (read by the core), and how long its waits may take (:mod:`imageops.timeouts`).

Part of :class:`pulumi_images._provider.ImageProvider`; holds nothing that is pickled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest

from imageops import registry
from imageops.redact import register_secret
from imageops.spec import ImageSpec
from imageops.timeouts import wait_timeout
from pulumi_images._connections import CONNECTIONS, Connection
from pulumi_images._values import CONFIG_NAMESPACE, TIMEOUTS, WAIT_TIMEOUT, _plain, is_unknown

__all__ = ["Connecting"]

# Stack configuration handed to ``configure``, per provider object. Kept out of the instance so it can
# never be pickled with it, whatever the SDK does with the object later.
_STACK_CONFIG: dict[int, dict[str, Any]] = {}


class Connecting:
    """The connection concern of the provider: stack configuration, settings, driver, timeouts."""

    cloud: str

    @property
    def spec_type(self) -> type[ImageSpec]:
        return registry.spec_type(self.cloud)

    @property
    def connection(self) -> Connection:
        return CONNECTIONS[self.cloud]

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack configuration (namespace ``imageops``) for the settings of each call."""
        values: dict[str, Any] = {}
        conn = self.connection
        for setting, key in {**conn.config, **conn.secret_config}.items():
            value = req.config.get(f"{CONFIG_NAMESPACE}:{key}")
            if value not in (None, ""):
                values[setting] = _plain(value)
                if setting in conn.secret_config:
                    register_secret(str(values[setting]))
        for key, setting in conn.config_aliases.items():
            value = req.config.get(f"{CONFIG_NAMESPACE}:{key}")
            if setting not in values and value not in (None, ""):
                values[setting] = _plain(value)
                if setting in conn.secret_config:
                    register_secret(str(values[setting]))
        _STACK_CONFIG[id(self)] = values

    def _settings(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The ``connect`` keywords: stack configuration, then inputs, each as its setting's type
        (stack configuration is text, Pulumi numbers are floats)."""
        schema = registry.schema(self.cloud)
        settings = {
            name: schema.setting(name).coerce(value, f"imageops:{self.connection_key(name)}")
            for name, value in _STACK_CONFIG.get(id(self), {}).items()
        }
        for name in self.connection.inputs:
            value = props.get(name)
            if value is not None and not is_unknown(value):
                settings[name] = schema.setting(name).coerce(_plain(value), f"input {name}")
        return settings

    def connection_key(self, setting: str) -> str:
        conn = self.connection
        return {**conn.config, **conn.secret_config}.get(setting, setting)

    def _connect(self, props: Mapping[str, Any]) -> Any:
        return registry.connect(self.cloud, **self._settings(props))

    def _timeout(self, props: Mapping[str, Any], operation: str) -> float:
        """Seconds for the waits of ``operation`` (copies and exports included), by the core's one rule
        (:func:`imageops.timeouts.wait_timeout`): ``timeouts.<operation>``, else ``wait_timeout``,
        else the seed's default for the operation, else ``imageops.timeouts.DEFAULT_WAIT_TIMEOUT``."""
        timeouts = _plain(props.get(TIMEOUTS))
        value = props.get(WAIT_TIMEOUT)
        return wait_timeout(
            self.spec_type,
            operation,
            wait_timeout=None if value is None or is_unknown(value) else _plain(value),
            timeouts=timeouts if isinstance(timeouts, Mapping) else None,
        )
