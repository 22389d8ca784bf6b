"""A cloud's connection settings: how its driver is reached, and the environment variables the core
reads for each (see :class:`Setting`).

Each cloud declares its ``SETTINGS`` in ``imageops.<cloud>.settings``, and its loader
(``imageops.<cloud>.config``) reads every variable through :func:`first_env`: a module run imports
this, never the skins' declaration (:mod:`imageops.schema`, the texts) that ``make generate`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from imageops.errors import ConfigError
from imageops.redact import register_secret

__all__ = ["Setting", "env_names", "first_env"]

_SHOWN_VALUE = 40
_BOOL_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class Setting:
    """One connection setting of a cloud: how its driver is reached (never part of the image).

    ``env`` are the environment variables the core reads for it when it is not given, first set
    wins, for every tool alike (Ansible, Pulumi, the CLI). Secrets are Ansible ``no_log`` options
    and Pulumi secret stack configuration only, never resource inputs or outputs.
    """

    name: str
    """The keyword of the cloud's ``connect``."""
    doc: tuple[str, ...]
    type: Literal["str", "path", "int", "bool"] = "str"
    env: tuple[str, ...] = ()
    env_doc: str = ""
    """Where the value comes from when neither given nor in the environment (a file, a default)."""
    secret: bool = False
    ansible: str | None = ""
    """Ansible option name ("" = ``name``; None = not an Ansible option)."""
    ansible_aliases: tuple[str, ...] = ()
    pulumi_input: bool = True
    """A (non-secret) input of the Pulumi resource, echoed as an output."""
    pulumi_config: str | None = None
    """Stack configuration key (``imageops:<key>``); None = none."""
    pulumi_config_aliases: tuple[str, ...] = ()
    replace: bool = False
    """A change means another image (the region an image lives in)."""
    neutral: bool = True
    """Part of the cloud's auth block of the neutral ``image`` module."""
    choices: tuple[str, ...] = ()
    """The values allowed (none = any); checked by the core with :meth:`check`, whatever the source."""

    @property
    def option(self) -> str | None:
        return self.name if self.ansible == "" else self.ansible

    def coerce(self, value: Any, source: str = "") -> Any:
        """``value`` as this setting's :attr:`type` (an integral float is an int: Pulumi's numbers are
        floats; a string from the environment is read), then :meth:`check`-ed; a
        :class:`~imageops.errors.ConfigError` naming the setting and the rule otherwise."""
        if value is None:
            return None
        where = f" (from {source})" if source else ""
        name = self.option or self.name
        if self.type == "int":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
                value = int(value.strip())
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{name}{where} must be a whole number, not {type(value).__name__}")
            return value
        if self.type == "bool":
            if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
                value = _BOOL_WORDS[value.strip().lower()]
            if not isinstance(value, bool):
                raise ConfigError(f"{name}{where} must be true or false")
            return value
        if not isinstance(value, str):
            raise ConfigError(f"{name}{where} must be a string")
        return self.check(value, source)

    def check(self, value: str | None, source: str = "") -> str | None:
        """``value`` if it is one of :attr:`choices` (or there are none, or it is unset), else a
        :class:`~imageops.errors.ConfigError` naming the setting, where the value came from and the rule."""
        if value is None or not self.choices or value in self.choices:
            return value
        where = f" (from {source})" if source else ""
        # the value is shown only when short: a long one would bury the rule (or echo a pasted secret)
        shown = f", not {value!r}" if len(value) <= _SHOWN_VALUE else ""
        allowed = ", ".join(self.choices)
        raise ConfigError(f"{self.option or self.name}{where} must be one of {allowed}{shown}")


def _declared(settings: Iterable[Setting], name: str) -> Setting:
    for setting in settings:
        if setting.name == name:
            return setting
    raise KeyError(f"no setting {name!r} is declared")


def env_names(settings: Iterable[Setting], name: str) -> tuple[str, ...]:
    """The environment variables declared for the setting ``name`` of ``settings`` (a cloud's
    ``SETTINGS``), in precedence order; :class:`KeyError` for a setting that is not declared."""
    return _declared(settings, name).env


def first_env(settings: Iterable[Setting], name: str, environ: Mapping[str, str]) -> str | None:
    """The value of the first variable declared for the setting ``name`` that is set (and not empty)
    in ``environ``, else None: how every cloud's loader reads its environment (first set wins).

    For a secret setting, every declared variable that is set is registered with
    :func:`imageops.redact.register_secret`, the one that wins and the ones it shadows alike.
    """
    setting = _declared(settings, name)
    values = [environ.get(variable) for variable in setting.env]
    if setting.secret:
        for value in values:
            register_secret(value)
    return next((value for value in values if value), None)
