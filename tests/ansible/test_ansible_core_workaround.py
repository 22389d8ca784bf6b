"""Pins the ansible-core behaviour the module base works around (``ImageModule._load_params``, the
one override of an AnsibleModule method, see ``take_misshapen_options`` in module_utils/image_module.py).

Plain ``AnsibleModule`` of the installed ansible-core, no imageops code: a block option given a
boolean ends the module with a TypeError traceback, an integer given an infinity or a list with an
OverflowError, and a block given junk fails *without* masking the ``no_log`` options, so the secret
is echoed in ``invocation``. When a test here fails, ansible-core has fixed that case: remove the
matching part of the workaround (and this test).
"""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

SPEC = {
    "launch_options": {"type": "dict", "options": {"firmware": {"type": "str"}}},
    "secret": {"type": "str", "no_log": True},
    "count": {"type": "int"},
}


def construct(args: dict, capsys) -> tuple[str, str]:
    with patch_module_args(args):
        try:
            basic.AnsibleModule(argument_spec=SPEC)
        except SystemExit:
            return "exit", capsys.readouterr().out
        except Exception as exc:  # what the workaround prevents: a traceback instead of a message
            return type(exc).__name__, str(exc)
    return "ok", ""


def test_a_boolean_for_a_block_crashes_ansible_core(capsys):
    assert construct({"launch_options": True, "secret": "s3cr3t"}, capsys)[0] == "TypeError"


@pytest.mark.parametrize("value", [float("inf"), [2**63, 0, 0]])
def test_an_infinite_or_listed_integer_crashes_ansible_core(value, capsys):
    assert construct({"count": value}, capsys)[0] == "OverflowError"


def test_junk_for_a_block_fails_without_masking_the_secret(capsys):
    outcome, output = construct({"launch_options": "junk", "secret": "s3cr3t"}, capsys)
    assert outcome == "exit"
    assert json.loads(output)["invocation"]["module_args"]["secret"] == "s3cr3t"
