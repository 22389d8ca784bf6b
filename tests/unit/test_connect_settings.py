"""Connection settings declared once as a TypedDict (:mod:`imageops.connect_settings`): a misspelt
setting stays a TypeError, as it was with keyword parameters, for the loader and for ``connect``."""

from __future__ import annotations

from typing import Any, TypedDict

import pytest

from imageops import aws, outscale
from imageops.aws.config import AwsSettings
from imageops.aws.settings import SETTINGS as AWS_SETTINGS
from imageops.connect_settings import refuse_unknown
from imageops.outscale.config import OutscaleSettings
from imageops.outscale.settings import SETTINGS as OUTSCALE_SETTINGS


class Declared(TypedDict, total=False):
    region: str | None


def test_declared_settings_pass_and_others_are_named() -> None:
    refuse_unknown("load", {"region": None}, Declared)
    with pytest.raises(TypeError, match=r"^load\(\) got unexpected keyword arguments: bogus, regoin$"):
        refuse_unknown("load", {"regoin": "x", "bogus": 1, "region": None}, Declared)


@pytest.mark.parametrize("connect", [aws.connect, outscale.connect])
def test_connect_refuses_a_misspelt_setting_and_environ(connect: Any) -> None:
    with pytest.raises(TypeError, match="regoin"):
        connect(regoin="eu-west-2")
    with pytest.raises(TypeError, match="environ"):
        connect(environ={})


@pytest.mark.parametrize(
    ("declared", "settings"), [(AwsSettings, AWS_SETTINGS), (OutscaleSettings, OUTSCALE_SETTINGS)]
)
def test_the_typed_settings_are_the_declared_ones(declared: Any, settings: Any) -> None:
    assert set(declared.__optional_keys__) == {setting.name for setting in settings}
