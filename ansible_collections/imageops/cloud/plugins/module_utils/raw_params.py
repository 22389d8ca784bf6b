# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The collection's one ansible-core workaround: option values ansible-core cannot validate.

ansible-core (2.17 to 2.19 at least) handles some malformed option values badly:
``launch_options: true`` or ``block_device_mappings: [1]`` ends the module with a TypeError
traceback; ``wait_timeout: [9223372036854775808, 0, 0]`` or ``.inf`` for an integer with an
OverflowError; and ``launch_options: junk`` makes it fail before it collects the ``no_log`` values,
so the failure echoes secret options in ``invocation``. :func:`guard_raw_params` runs on the raw
parameters, before ansible-core validates them (the module base's ``_load_params``, the one
AnsibleModule method the collection overrides): it takes such values out, to be reported as
``(option, rule)`` problems once Ansible has validated the rest, and returns the secret values to
mask from the start. ``tests/ansible/test_ansible_core_workaround.py`` pins each ansible-core
behaviour: when it fails, ansible-core has fixed that case and its part here can go.
"""

from __future__ import annotations

import decimal

from ansible.module_utils.common.validation import check_type_dict


def guard_raw_params(params, argument_spec):
    """(problems, secrets): the misshapen values taken out of ``params``, and the ``no_log`` values."""
    return _take_misshapen(params, argument_spec), _secrets(params, argument_spec)


def _secrets(params, argument_spec):
    values = set()
    for name, spec in argument_spec.items():
        for key in (name, *spec.get("aliases", ())) if spec.get("no_log") else ():
            value = params.get(key) if isinstance(params, dict) else None
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value):
                values.add(str(value))
    return values


def _as_block(value):
    """``value`` as Ansible would read a block of suboptions given as a string, else None."""
    try:
        converted = check_type_dict(value)
    except (TypeError, ValueError):
        return None
    return converted if isinstance(converted, dict) else None


def _not_a_number(value, kind):
    """Whether ansible-core's number check would crash on ``value`` rather than report it."""
    if isinstance(value, (list, dict)):
        return True
    if not isinstance(value, (str, float)):
        return False
    try:
        return not decimal.Decimal(str(value).strip()).is_finite()
    except decimal.DecimalException:
        return False  # not a number at all: ansible-core says so itself


def _take_misshapen(params, argument_spec, prefix=""):
    problems = []
    for name, spec in argument_spec.items():
        if not isinstance(params, dict):
            break
        if spec.get("type") in ("int", "float"):
            # ansible-core reads a list as Decimal's (sign, digits, exponent) tuple, and converts an
            # infinite Decimal to int: [2**63, 0, 0] and "inf" or .inf raise an OverflowError
            for key in (name, *spec.get("aliases", ())):
                if _not_a_number(params.get(key), spec["type"]):
                    del params[key]
                    rule = "must be an integer" if spec["type"] == "int" else "must be a number"
                    problems.append((prefix + key, rule))
            continue
        if not spec.get("options"):
            continue
        is_list = spec.get("type") == "list"
        for key in (name, *spec.get("aliases", ())):
            value = params.get(key)
            if value is None:
                continue
            if isinstance(value, str) and not is_list and _as_block(value) is not None:
                value = params[key] = _as_block(value)  # "k=v" or JSON: what Ansible would have made
            items = value if is_list and isinstance(value, list) else [value]
            if (is_list and not isinstance(value, list)) or not all(isinstance(i, dict) for i in items):
                del params[key]
                rule = "must be a list of dictionaries" if is_list else "must be a dictionary of suboptions"
                problems.append((prefix + key, rule))
                continue
            for index, item in enumerate(items):
                where = f"{prefix}{key}[{index}]." if is_list else f"{prefix}{key}."
                problems += _take_misshapen(item, spec["options"], where)
    return problems
