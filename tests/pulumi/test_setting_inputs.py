"""Connection settings given as Pulumi inputs or stack configuration are read as their declared
type and checked against their choices by the core's rule (:meth:`imageops.schema.Setting.coerce`),
in ``check`` (before any call) as in the settings each call connects with."""

from __future__ import annotations

import pytest
from pulumi.dynamic import ConfigureRequest

from imageops import registry
from imageops.errors import ConfigError
from imageops.schema import Setting
from pulumi_images import ImageProvider

CLOUDS = registry.clouds()


def test_coerce_reads_each_type_and_names_the_setting_and_source():
    number = Setting("expiry", ("Seconds.",), type="int", ansible="session_expiration")
    assert number.coerce(3600.0) == 3600 and number.coerce("900") == 900 and number.coerce(None) is None
    for bad in (1.5, "soon", True):
        with pytest.raises(
            ConfigError, match=r"session_expiration \(from imageops:x\) must be a whole number"
        ):
            number.coerce(bad, "imageops:x")
    flag = Setting("flag", ("On or off.",), type="bool")
    assert flag.coerce("true") is True and flag.coerce(False) is False
    with pytest.raises(ConfigError, match="flag must be true or false"):
        flag.coerce("maybe")
    text = Setting("region", ("Where.",))
    with pytest.raises(ConfigError, match="region must be a string"):
        text.coerce(5)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_check_refuses_a_setting_input_of_the_wrong_type_naming_it(cloud):
    schema = registry.schema(cloud)
    provider = ImageProvider(cloud)
    for name in schema.pulumi_inputs:
        setting = schema.setting(name)
        wrong = "not-a-number" if setting.type in ("int", "bool") else 12
        failures = provider.check({}, {name: wrong}).failures
        mine = [f for f in failures if f.property == name]
        assert mine, f"{cloud} input {name}={wrong!r} passed check"
        rule = {"int": "whole number", "bool": "true or false"}.get(setting.type, "string")
        assert any(rule in f.reason for f in mine), [f.reason for f in mine]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_check_refuses_a_value_outside_a_settings_choices(cloud):
    schema = registry.schema(cloud)
    provider = ImageProvider(cloud)
    for setting in schema.settings:
        if not setting.choices or setting.name not in schema.pulumi_inputs:
            continue
        failures = provider.check({}, {setting.name: "no-such-mode"}).failures
        reasons = [f.reason for f in failures if f.property == setting.name]
        assert reasons and all(c in reasons[0] for c in setting.choices), reasons
        assert not [
            f
            for f in provider.check({}, {setting.name: setting.choices[0]}).failures
            if f.property == setting.name
        ]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_stack_configuration_is_read_as_the_settings_type(cloud):
    schema = registry.schema(cloud)
    provider = ImageProvider(cloud)
    config = {
        f"imageops:{s.pulumi_config}": "42" if s.type == "int" else "true" if s.type == "bool" else "text"
        for s in schema.settings
        if s.pulumi_config and not s.choices
    }
    provider.configure(ConfigureRequest(config))
    settings = provider._settings({})
    for setting in schema.settings:
        if setting.name in settings:
            assert settings[setting.name] == {"int": 42, "bool": True}.get(setting.type, "text")


def test_the_choices_check_has_settings_to_check():
    # the per-cloud choices test above must not pass by having nothing to look at
    assert any(
        s.choices and s.name in registry.schema(c).pulumi_inputs
        for c in CLOUDS
        for s in registry.schema(c).settings
    )
