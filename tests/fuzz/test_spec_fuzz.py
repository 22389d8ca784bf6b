"""Bad input, fuzzed: generated specs of every cloud through the three doors a user has.

(a) the core's pydantic specs (``parse``), (b) the Ansible modules' ``main()`` in process (Ansible's
argument validation, then the module base's conversion to the spec), (c) the Pulumi provider's
``check``. Every example is accepted, or rejected with a message naming the field and the rule; a
crash, a traceback or an unnamed error fails the test. Planted secrets (auth options, stack config)
must not appear in any result, message, log record or the pickled provider.

100 examples per cloud and door in ``make test``; 10,000 under ``IMAGEOPS_SOAK=1`` (``pytest -m soak``).
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_support import Tally, field_problem, in_process_modules, rule_problem
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from spec_strategies import JUNK, MIN_EXAMPLES, PROFILE, SOAK, specs

from imageops import reconcile, registry
from imageops.errors import SpecError
from pulumi_images._provider import CALL_SETTINGS, CONNECTIONS, UNKNOWN, ImageProvider

CLOUDS = ("oci", "outscale", "alicloud")

# One set of tests, two scales: small in make test, full (and marked soak) under IMAGEOPS_SOAK=1.
pytestmark = [pytest.mark.soak, pytest.mark.timeout(3600)] if SOAK else []


def _tally_done(tally: Tally) -> None:
    assert tally.examples >= MIN_EXAMPLES, f"only {tally.examples} examples ran"
    assert tally.accepted and tally.rejected, f"the strategies do not reach both outcomes: {tally}"
    tally.write()


# ------------------------------------------------------------------------------------ (a) the spec
@pytest.mark.parametrize("cloud", CLOUDS)
def test_spec_parse_accepts_or_names_field_and_rule(cloud: str) -> None:
    spec_type = registry.spec_type(cloud)
    known = set(spec_type.model_fields) | set(spec_type.deprecated_aliases)
    tally = Tally("spec.parse", cloud)

    @settings(settings.get_profile(PROFILE))
    @given(data=specs(cloud))
    def run(data: dict[str, Any]) -> None:
        try:
            spec = spec_type.parse(data)
        except SpecError as exc:
            assert exc.errors, "a SpecError without errors"
            for name, rule in exc.errors:
                assert not field_problem(name, data, known), (field_problem(name, data, known), name, rule)
                assert not rule_problem(rule), (rule_problem(rule), name, rule[:200])
            tally.reject(rule for _, rule in exc.errors)
            return
        # accepted: what it says it is survives a round trip, and it plans a create
        again = spec_type.parse(spec.given())
        assert again == spec, (spec.given(), again.given())
        assert spec.retry_token().startswith("imageops-")
        assert reconcile.plan(spec, None).action is reconcile.Action.CREATE
        tally.accept()

    run()
    _tally_done(tally)


# ------------------------------------------------------------------------------------ (b) Ansible
MODULES = {"oci": "oci_image", "outscale": "outscale_image", "alicloud": "alicloud_image"}
SPEC_TO_OPTION = {"alicloud": {"region": "alicloud_region"}}


def _auth_options(cloud: str, planted: Any) -> dict[str, Any]:
    if cloud == "oci":
        return {
            "api_user_key_pass_phrase": planted.oci_pass_phrase,
            "api_user_key_file": str(planted.oci_key_file),
            "tenancy": "ocid1.tenancy.oc1..aaaa",
            "api_user": "ocid1.user.oc1..aaaa",
        }
    if cloud == "outscale":
        return {"access_key": planted.outscale_access_key, "secret_key": planted.outscale_secret_key}
    return {
        "alicloud_access_key": planted.alicloud_access_key_id,
        "alicloud_secret_key": planted.alicloud_access_key_secret,
        "alicloud_security_token": planted.alicloud_security_token,
    }


def _names(value: Any) -> set[str]:
    """Every key anywhere in a nested document, and every option name of an argument spec."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(str(key))
            found |= _names(item)
    elif isinstance(value, list):
        for item in value:
            found |= _names(item)
    return found


@st.composite
def module_args(draw: st.DrawFn, cloud: str) -> dict[str, Any]:
    rename = SPEC_TO_OPTION.get(cloud, {})
    args = {rename.get(k, k): v for k, v in draw(specs(cloud)).items()}
    common = {
        "state": st.sampled_from(["present", "present", "absent"]) | JUNK,
        "image_id": st.text(max_size=20) | JUNK,
        "wait": st.booleans() | JUNK,
        "wait_timeout": st.integers(1, 3600) | JUNK,
        "purge_tags": st.booleans() | JUNK,
    }
    for name in draw(st.lists(st.sampled_from(sorted(common)), unique=True, max_size=2)):
        args[name] = draw(common[name])
    if cloud == "alicloud" and draw(st.integers(0, 5)) == 0:
        args["timeouts"] = draw(
            st.fixed_dictionaries({}, optional={"create": st.sampled_from(["10m", "1h30m", "x"])}) | JUNK
        )
    return args


@pytest.mark.parametrize("cloud", CLOUDS)
def test_ansible_arguments_accept_or_name_option_and_rule(
    cloud: str, secrets_harness: Any, tmp_path: Any
) -> None:
    import importlib

    module = importlib.import_module(f"ansible_collections.imageops.cloud.plugins.modules.{MODULES[cloud]}")
    option_names = _names(module.ARGUMENT_SPEC) | {
        "state",
        "image_id",
        "wait",
        "wait_timeout",
        "purge_tags",
        "allow_replace",
        "display_name",
        "image_name",
        "name",
    }
    planted = secrets_harness.plant_all_clouds(tmp_path)
    auth = _auth_options(cloud, planted)
    tally = Tally("ansible", cloud)

    with in_process_modules() as run_module:

        @settings(settings.get_profile(PROFILE))
        @given(args=module_args(cloud))
        def run(args: dict[str, Any]) -> None:
            result = run_module(MODULES[cloud], {**args, **auth})
            secrets_harness.check(f"Ansible result of {MODULES[cloud]}", result)
            if not result.get("failed"):
                assert "spec" in result, result
                tally.accept()
                return
            msg = result.get("msg")
            assert isinstance(msg, str) and msg.strip(), result
            assert "Traceback" not in msg and "unexpected error" not in msg, msg[:500]
            assert "Traceback" not in str(result.get("exception", "")), result.get("exception")
            if msg.startswith("invalid options: "):  # the base's report of the spec's errors
                assert result["errors"], result
                for problem in result["errors"]:
                    assert not field_problem(problem["option"], args, option_names), problem
                    assert not rule_problem(problem["rule"]), problem
                tally.reject(p["rule"] for p in result["errors"])
            else:  # Ansible's own argument validation: it names the option in its sentence
                named = {n for n in option_names | _names(args) if n and n in msg}
                assert named, f"no option named in {msg[:300]!r}"
                tally.reject([msg.split(":")[0]])

        run()
    _tally_done(tally)


# ------------------------------------------------------------------------------------ (c) Pulumi check
@st.composite
def provider_inputs(draw: st.DrawFn, cloud: str) -> dict[str, Any]:
    news = draw(specs(cloud))
    conn = CONNECTIONS[cloud]
    extras = {name: st.text(max_size=20) | JUNK for name in conn.inputs}
    extras["wait_timeout"] = st.integers(-5, 3600) | st.floats() | JUNK
    extras["timeouts"] = (
        st.fixed_dictionaries(
            {},
            optional={
                op: st.sampled_from(["10m", "1h30m", "0s", "-1m", "soon", ""]) | JUNK
                for op in ("create", "update", "delete", "destroy")
            },
        )
        | JUNK
    )
    for name in draw(st.lists(st.sampled_from(sorted(extras)), unique=True, max_size=3)):
        news[name] = draw(extras[name])
    if news and draw(st.integers(0, 9)) == 0:  # a value only known at apply time (preview)
        news[draw(st.sampled_from(sorted(news)))] = UNKNOWN
    return news


@pytest.mark.parametrize("cloud", CLOUDS)
def test_pulumi_check_accepts_or_names_property_and_rule(
    cloud: str, secrets_harness: Any, tmp_path: Any
) -> None:
    provider = ImageProvider(cloud)
    planted = secrets_harness.plant_all_clouds(tmp_path)
    conn = CONNECTIONS[cloud]
    config = {
        "oci": {
            "imageops:ociPassPhrase": planted.oci_pass_phrase,
            "imageops:ociKeyContent": planted.oci_key_pem,
        },
        "outscale": {"imageops:outscaleSecretKey": planted.outscale_secret_key},
        "alicloud": {
            "imageops:alicloudAccessKeySecret": planted.alicloud_access_key_secret,
            "imageops:alicloudSecurityToken": planted.alicloud_security_token,
        },
    }[cloud]
    provider.configure(ConfigureRequest(Config(config, "fuzz")))
    spec_type = registry.spec_type(cloud)
    known = (
        set(spec_type.model_fields)
        | set(spec_type.deprecated_aliases)
        | set(CALL_SETTINGS)
        | set(conn.inputs)
    )
    tally = Tally("pulumi.check", cloud)

    @settings(settings.get_profile(PROFILE))
    @given(news=provider_inputs(cloud))
    def run(news: dict[str, Any]) -> None:
        result = provider.check({}, dict(news))
        failures = [(f.property, f.reason) for f in result.failures]
        secrets_harness.check("Pulumi check failures", failures)
        if not failures:
            if UNKNOWN not in news.values():  # what check let through, create parses the same way
                spec_type.parse(provider._spec_input(news))
            tally.accept()
            return
        for name, rule in failures:
            assert not field_problem(name, news, known), (field_problem(name, news, known), name, rule)
            assert not rule_problem(rule), (rule_problem(rule), name, rule[:200])
        tally.reject(rule for _, rule in failures)

    run()
    secrets_harness.watch("__provider (dill, as the SDK serialises it)", serialize_provider(provider))
    secrets_harness.watch("provider object", provider)
    _tally_done(tally)


# What the fuzzing found in ansible-core's argument handling, pinned: each used to end in a traceback
# (TypeError, OverflowError) or, for a block given as an unparsable string, in a failure that echoed
# the secret options unmasked in ``invocation``.
MISSHAPEN = [
    ("oci", {"launch_options": True}, "launch_options: must be a dictionary of suboptions"),
    ("oci", {"launch_options": "junk"}, "launch_options: must be a dictionary of suboptions"),
    ("oci", {"image_source_details": [1, None]}, "image_source_details: must be a dictionary of suboptions"),
    ("outscale", {"block_device_mappings": [1]}, "block_device_mappings: must be a list of dictionaries"),
    ("outscale", {"block_device_mappings": [{"device_name": "/dev/sda1", "bsu": 5}]},
     "block_device_mappings[0].bsu: must be a dictionary of suboptions"),
    ("outscale", {"wait_timeout": [2**63, None, None]}, "wait_timeout: must be a number"),
    ("oci", {"wait_timeout": float("inf")}, "wait_timeout: must be a number"),
    ("alicloud", {"wait_timeout": "INF"}, "wait_timeout: must be a number"),
    ("alicloud", {"copy_from": 1.5}, "copy_from: must be a dictionary of suboptions"),
    ("alicloud", {"disk_device_mapping": [{"size": [2**64, 0, 0]}]},
     "disk_device_mapping[0].size: must be an integer"),
]  # fmt: skip


@pytest.mark.parametrize(("cloud", "bad", "rule"), MISSHAPEN)
def test_ansible_misshapen_values_name_the_option_and_keep_secrets_masked(
    cloud: str, bad: dict[str, Any], rule: str, secrets_harness: Any, tmp_path: Any
) -> None:
    planted = secrets_harness.plant_all_clouds(tmp_path)
    name = {"oci": "display_name", "outscale": "image_name", "alicloud": "image_name"}[cloud]
    with in_process_modules() as run_module:
        result = run_module(MODULES[cloud], {name: "misshapen", **bad, **_auth_options(cloud, planted)})
    assert result["failed"] and result["msg"] == f"invalid options: {rule}", result
    option, _, text = rule.partition(": ")
    assert result["errors"] == [{"option": option, "rule": text}]
    secrets_harness.check("Ansible result", result)
