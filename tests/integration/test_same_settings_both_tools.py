"""The same settings give the same result in Ansible and in Pulumi, per cloud.

Both skins delegate to the core: the wait timeout is :func:`imageops.timeouts.wait_timeout`, and the
credentials come from each cloud's loader, which reads the environment variables the cloud declares
(``Setting.env`` in ``imageops.<cloud>.schema``) for every tool. These tests hold the two tools to
that, for every cloud of :func:`imageops.registry.clouds`:

1. **Timeout precedence** (in-process, each skin's real code path): for a matrix of the settings
   both tools take (``wait_timeout`` alone, ``timeouts.<op>`` alone (every module has the option),
   both, neither, 0, a
   negative or fractional ``wait_timeout``, a ``timeouts`` entry of another operation), for create,
   update and delete: the Ansible module built as its ``main`` builds it
   (``ImageModule(ARGUMENT_SPEC, **MODULE)``) returns the same ``wait_timeout(Action...)`` as the
   Pulumi provider's ``_timeout(props, op)``, and both equal the core's rule -- or all three refuse
   the settings. And the Pulumi ``check`` the engine runs before any create refuses exactly the
   settings the rule refuses.
   End to end, one import per cloud with ``wait_timeout: 1`` (an import takes 3 s at this module's
   time scale) fails alike: the Ansible task fails ``changed`` with the image id, the Pulumi create
   fails with the same wait-timeout error, each after one create call, the image kept.
2. **Every profile/credential environment variable**: for each variable declared for a setting that
   says *who* calls (every setting but ``region`` and ``endpoint``, see :data:`NOT_CREDENTIALS`), the
   emulator's OTHER account is selected through the environment only (no option, no stack config),
   an ``*_image_info`` task and a Pulumi ``Image.get`` (a Read through the real dynamic-provider
   server) read an image only OTHER can see, and the emulator's call log shows every call of both
   tools made as OTHER. ``HOME`` holds the cloud's default configuration file naming the demo
   account, so a variable a tool ignored shows as the wrong account or as an error, never as a pass.
   How each setting selects OTHER is in :data:`RECIPES`; a setting declared later without a recipe
   fails here until one is written. No declared variable needed a skip: the emulator shows the
   account of every call.
"""

from __future__ import annotations

import configparser
import importlib
import json
import re
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.extend(str(TESTS / suite) for suite in ("pulumi", "ansible") if str(TESTS / suite) not in sys.path)

from ansible_support import make_ansible_env, run_playbook  # noqa: E402
from shared_clouds import CLOUDS as ANSIBLE_CLOUDS  # noqa: E402
from tests_pulumi_support import api_calls, cloud_harness, from_instance, source_inputs  # noqa: E402

from imageops import registry  # noqa: E402
from imageops.emulator.testing import cli_environment, is_read, running_emulator  # noqa: E402
from imageops.errors import SpecError  # noqa: E402
from imageops.reconcile import Action  # noqa: E402
from imageops.schema import Setting, env_names  # noqa: E402
from imageops.timeouts import DEFAULT_WAIT_TIMEOUT, OPERATIONS, wait_timeout  # noqa: E402
from pulumi_images._provider import ImageProvider  # noqa: E402
from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness, resource_urn  # noqa: E402

pytestmark = pytest.mark.timeout(240)

CLOUDS = registry.clouds()

NOT_CREDENTIALS = {
    "region": "says where the image lives, not who calls (the account is the same in every region)",
    "endpoint": "says which server answers, not who calls (every tool here talks to the emulator)",
    "endpoint_url": "says which server answers (AWS's name for endpoint), not who calls",
    # OUTSCALE: tests/integration/test_outscale_sign_in.py runs both tools through a recording proxy
    "signature_version": "says how requests are signed, not who calls (the emulator takes both schemes)",
    "x509_client_cert": "a TLS client certificate, which the plain-HTTP emulator never asks for",
    "x509_client_key": "the key of x509_client_cert, which the plain-HTTP emulator never asks for",
    # OCI: tests/integration/test_oci_sign_in*.py sign in through both, as the instance principal
    "metadata_base_url": "says which metadata service answers (the emulator's), not who calls",
    "federation_endpoint": "says which federation endpoint answers (the emulator's), not who calls",
    # Alibaba Cloud: tests/integration/test_alicloud_sign_in_tools.py runs every sign-in mode in both
    # tools and checks from the emulator's STS that the session name and duration arrived
    "sts_endpoint": "says which STS answers (the emulator's), not who calls",
    "metadata_url": "says which instance metadata service answers, not who calls",
    "assume_role_session_name": "names the session of the assumed role, not whose role it is",
    "assume_role_session_expiration": "says how long the assumed role's keys last, not whose they are",
    "imdsv1_disabled": "says how the instance metadata service is asked, not whose role it serves",
    "sts_region": "says which STS answers (a regional endpoint), not who calls",
    "sts_vpc_endpoint": "says which STS answers (its VPC endpoint), not who calls",
    "ecs_metadata_disabled": "forbids the instance role, selects no account (tested in tests/unit)",
}
"""Settings whose variables are not profile/credential variables, with the reason."""

ACTIONS = {"create": Action.CREATE, "update": Action.UPDATE, "delete": Action.DELETE}

# The slowest source of each cloud in the Pulumi helpers' terms: an import (3 s at time scale 0.01).
SLOW_SOURCE = {"oci": "uri", "outscale": "manifest", "alicloud": "oss", "aws": "manifest"}
TIMEOUT_ERROR = re.compile(r"image (\S+) is still (\S+) after ([\d.]+)s \(waiting for (\w+)\)")


# ==================================================================================== fixtures
@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """This module's emulator (time scale 0.01: an image from an instance is ready in about a
    second, an import in 3 s)."""
    with running_emulator(time_scale=0.01, workdir=tmp_path_factory.mktemp("same-settings-emu")) as handle:
        yield handle


def other_view(env: dict[str, str]) -> dict[str, str]:
    """The emulator's variables as seen by its OTHER account: ``IMAGEOPS_<CLOUD>_OTHER_X`` becomes
    ``IMAGEOPS_<CLOUD>_X`` (credentials, account id, instances, profile). Not the region:
    ``IMAGEOPS_ALICLOUD_OTHER_REGION`` is another region, where OTHER has no instance."""
    view = dict(env)
    for key, value in env.items():
        head, sep, tail = key.partition("_OTHER_")
        if sep and head.startswith("IMAGEOPS_") and tail != "REGION":
            view[f"{head}_{tail}"] = value
    return view


def declared_variables() -> set[str]:
    """Every environment variable any cloud declares for any setting."""
    return {v for cloud in CLOUDS for s in registry.schema(cloud).settings for v in s.env}


@contextmanager
def core_environment(env: dict[str, str]) -> Iterator[None]:
    """The core (in this process) configured the way the emulator's CLI users are, from ``env``."""
    with pytest.MonkeyPatch.context() as mp:
        for variable in declared_variables():
            mp.delenv(variable, raising=False)
        for key, value in {**env, **cli_environment(env)}.items():
            mp.setenv(key, value)
        yield


@pytest.fixture(scope="module")
def other_image(emulator) -> Callable[[str], str]:
    """``other_image(cloud)``: the id of an image of the OTHER account (made once per cloud, by the
    core, from OTHER's instance), checked to be invisible to the demo account."""
    made: dict[str, str] = {}

    def make(cloud: str) -> str:
        if cloud in made:
            return made[cloud]
        view = other_view(emulator.env)
        spec = registry.spec_type(cloud).parse(from_instance(cloud, view, f"other-{uuid.uuid4().hex[:8]}"))
        with core_environment(view):
            driver = registry.connect(cloud)
            try:
                image_id = driver.create(spec).id
            finally:
                driver.close()
        with core_environment(dict(emulator.env)):
            driver = registry.connect(cloud)
            try:
                seen = driver.get(image_id)
            finally:
                driver.close()
        assert seen is None or not seen.is_live, f"the demo account sees OTHER's {image_id}: nothing to tell"
        made[cloud] = image_id
        return image_id

    return make


@contextmanager
def server_alongside(harness: ProviderHarness) -> Iterator[Callable[[], ProviderHarness]]:
    """``harness`` started in the background while the caller runs Ansible; ``ready()`` waits for it.

    It is warmed by one Check (imports, no API call), so the call log between two marks holds one
    tool's calls only. Closed on exit.
    """

    def start() -> ProviderHarness:
        harness.start()
        harness.check(resource_urn("warm-up", harness.cloud), {}, {})
        return harness

    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = pool.submit(start)
        try:
            yield starting.result
        finally:
            wait([starting])
            harness.close()


# ============================================================ 1. timeout precedence (in-process)
@dataclass(frozen=True)
class TimeoutCase:
    id: str
    wait_timeout: Any = None
    timeouts: Callable[[str], dict[str, str]] | None = None
    """The ``timeouts`` block for the operation under test (None: not given)."""
    needs_timeouts: bool = False


def _other_op(op: str) -> str:
    return next(o for o in OPERATIONS if o != op)


TIMEOUT_CASES = (
    TimeoutCase("wait_timeout-alone", wait_timeout=120),
    TimeoutCase("timeouts-alone", timeouts=lambda op: {op: "3m"}, needs_timeouts=True),
    TimeoutCase("both-timeouts-wins", wait_timeout=120, timeouts=lambda op: {op: "45s"}, needs_timeouts=True),
    TimeoutCase(
        "timeouts-of-another-op",
        wait_timeout=120,
        timeouts=lambda op: {_other_op(op): "3m"},
        needs_timeouts=True,
    ),
    TimeoutCase("neither"),
    TimeoutCase("wait_timeout-0", wait_timeout=0),
    TimeoutCase("timeouts-0", timeouts=lambda op: {op: "0"}, needs_timeouts=True),
    TimeoutCase("wait_timeout-negative", wait_timeout=-5),
    TimeoutCase("wait_timeout-fractional", wait_timeout=1.5),
)

REFUSED = "refused"


def timeout_params() -> list[Any]:
    params = []
    for cloud in CLOUDS:
        for case in TIMEOUT_CASES:
            for op in OPERATIONS:
                params.append(pytest.param(cloud, case, op, id=f"{cloud}-{case.id}-{op}"))
    return params


def managing_module(cloud: str) -> Any:
    """The generated ``<cloud>_image`` module file (its ARGUMENT_SPEC and MODULE)."""
    return importlib.import_module(f"ansible_collections.imageops.cloud.plugins.modules.{cloud}_image")


def ansible_timeout(cloud: str, args: dict[str, Any], op: str, capsys: pytest.CaptureFixture[str]) -> Any:
    """Seconds the Ansible module waits for ``op`` with ``args``, or (REFUSED, message): the module
    object built as ``main`` builds it, its ``wait_timeout`` asked as ``_run`` asks it."""
    from ansible.module_utils.testing import patch_module_args

    from ansible_collections.imageops.cloud.plugins.module_utils.image_module import ImageModule

    source = managing_module(cloud)
    kwargs = {k: v for k, v in source.MODULE.items() if k != "filters"}  # what run_module passes on
    capsys.readouterr()
    try:
        with patch_module_args({"image_id": "an-image-id", **args}):  # also how fail_json answers
            module = ImageModule(source.ARGUMENT_SPEC, **kwargs)
            return module.wait_timeout(ACTIONS[op])
    except SystemExit:
        out = capsys.readouterr().out
        result = json.loads(out[out.index("{") :]) if "{" in out else {"msg": out}
        assert result.get("failed"), result
        return (REFUSED, result.get("msg"))


def pulumi_timeout(cloud: str, props: dict[str, Any], op: str) -> Any:
    try:
        return ImageProvider(cloud)._timeout(props, op)
    except SpecError as exc:
        return (REFUSED, str(exc))


def core_timeout(cloud: str, props: dict[str, Any], op: str) -> Any:
    try:
        return wait_timeout(
            registry.spec_type(cloud),
            op,
            wait_timeout=props.get("wait_timeout"),
            timeouts=props.get("timeouts"),
        )
    except SpecError as exc:
        return (REFUSED, str(exc))


def verdict(result: Any) -> Any:
    return REFUSED if isinstance(result, tuple) else float(result)


def case_settings(case: TimeoutCase, op: str) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if case.wait_timeout is not None:
        settings["wait_timeout"] = case.wait_timeout
    if case.timeouts is not None:
        settings["timeouts"] = case.timeouts(op)
    return settings


@pytest.mark.parametrize(("cloud", "case", "op"), timeout_params())
def test_timeout_precedence_is_the_same_in_both_tools(cloud, case, op, capsys):
    settings = case_settings(case, op)
    if case.needs_timeouts:
        assert "timeouts" in managing_module(cloud).ARGUMENT_SPEC, f"{cloud}_image lacks `timeouts`"

    core = core_timeout(cloud, settings, op)
    ansible = ansible_timeout(cloud, settings, op, capsys)
    pulumi = pulumi_timeout(cloud, settings, op)
    results = {"core": core, "ansible": ansible, "pulumi": pulumi}
    assert verdict(ansible) == verdict(pulumi) == verdict(core), f"{settings} for {op}: {results}"

    if not settings:  # neither: the seed's default for the operation, else the core's default
        default = registry.spec_type(cloud).default_timeouts.get(op, DEFAULT_WAIT_TIMEOUT)
        assert verdict(core) == default


@pytest.mark.parametrize(
    ("cloud", "case"),
    [pytest.param(cloud, case, id=f"{cloud}-{case.id}") for cloud in CLOUDS for case in TIMEOUT_CASES],
)
def test_pulumi_check_refuses_exactly_the_timeouts_the_rule_refuses(cloud, case):
    """The engine runs ``check`` before any create/update/delete: settings the core accepts for
    every operation (and Ansible with them) must pass it, settings it refuses must fail it."""
    news = case_settings(case, "create")
    accepted = all(verdict(core_timeout(cloud, news, op)) != REFUSED for op in OPERATIONS)
    failures = [
        (f.property, f.reason)
        for f in ImageProvider(cloud).check({}, news).failures or []
        if f.property.split(".")[0] in ("wait_timeout", "timeouts")
    ]
    assert (not failures) == accepted, (
        f"{news}: the core {'accepts it for every' if accepted else 'refuses it for some'} operation, "
        f"Pulumi's check says {failures or 'nothing'}"
    )


# ------------------------------------------------------------- 1b. a too-small timeout, end to end
def _options_of(cloud: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Pulumi inputs (spec field names) as the managing module's options."""
    option_of = {field: option for option, field in managing_module(cloud).MODULE["spec_names"].items()}
    return {option_of.get(name, name): value for name, value in inputs.items()}


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_too_small_timeout_fails_the_same_way_in_both_tools(cloud, emulator, tmp_path):
    if cloud not in SLOW_SOURCE or cloud not in ANSIBLE_CLOUDS:
        pytest.fail(f"teach this test {cloud}'s slow source (SLOW_SOURCE, shared_clouds.CLOUDS)")
    env = dict(emulator.env)
    tag = uuid.uuid4().hex[:6]

    # Ansible: the managing module, the demo account as the CLI finds it, wait_timeout 1
    ansible_cloud = ANSIBLE_CLOUDS[cloud]
    inputs = source_inputs(cloud, SLOW_SOURCE[cloud], env, f"slow-a-{tag}")
    task = {"name": "import", ansible_cloud.module: {**_options_of(cloud, inputs), "wait_timeout": 1}}
    with server_alongside(cloud_harness(cloud, env)) as ready:
        mark = emulator.mark()
        run = run_playbook(
            tmp_path, ansible_cloud.playbook([task]), env=ansible_cloud.env(emulator), expect_rc=None
        )
        ansible_writes = [c["action"] for c in api_calls(emulator, mark, cloud) if not is_read(c)]
        result, ansible_failed = run.result("import"), run.task("import")["status"] == "failed"

        # Pulumi: the same inputs (another name) and wait_timeout, through the real provider server
        inputs = source_inputs(cloud, SLOW_SOURCE[cloud], env, f"slow-p-{tag}")
        harness = ready()
        mark = emulator.mark()
        with pytest.raises(ProviderCallError) as failed:
            Engine(harness).up(f"slow-{tag}", {**inputs, "wait_timeout": 1})
        pulumi_writes = [c["action"] for c in api_calls(emulator, mark, cloud) if not is_read(c)]

    assert ansible_failed and result.get("changed") is True, result
    ansible_match = TIMEOUT_ERROR.search(str(result.get("msg")))
    assert ansible_match and result.get("image_id") == ansible_match.group(1), result
    assert failed.value.method == "Create", failed.value
    pulumi_match = TIMEOUT_ERROR.search(failed.value.details)
    assert pulumi_match and "WaitTimeoutError" in failed.value.details, failed.value.details
    # the same bound (1 s), on the same wait (for the image to become available)
    assert ansible_match.group(3) == pulumi_match.group(3) == "1"
    assert ansible_match.group(4) == pulumi_match.group(4)
    assert len(ansible_writes) == 1 and ansible_writes == pulumi_writes, (ansible_writes, pulumi_writes)
    with core_environment(env):  # both images are kept, for the next run to adopt
        driver = registry.connect(cloud)
        try:
            for image_id in (ansible_match.group(1), pulumi_match.group(1)):
                image = driver.get(image_id)
                assert image is not None and image.is_live, image_id
        finally:
            driver.close()


# ================================================ 2. every profile/credential environment variable
@dataclass
class Setup:
    """What a recipe has to hand: the emulator's variables, OTHER's view of them, a scratch folder."""

    cloud: str
    emu: dict[str, str]
    other: dict[str, str]
    tmp: Path

    def first(self, setting: str) -> str:
        """The first variable declared for ``setting`` (the one a user would set)."""
        return env_names(registry.schema(self.cloud).settings, setting)[0]

    def pick(self, values: dict[str, str], setting: str, variable: str) -> dict[str, str]:
        """``values`` by setting, each under its first variable, ``setting``'s under ``variable``."""
        return {variable if name == setting else self.first(name): value for name, value in values.items()}


def _oci_profile(config: str, profile: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config)
    return dict(parser[profile])


def _oci_home(setup: Setup, home: Path) -> None:
    """~/.oci/config: the emulator's file, whose DEFAULT is the demo account."""
    (home / ".oci").mkdir()
    shutil.copy(setup.emu["IMAGEOPS_OCI_CONFIG_FILE"], home / ".oci" / "config")


def _oci_env(setup: Setup, setting: str, variable: str) -> dict[str, str] | None:
    config = setup.emu["IMAGEOPS_OCI_CONFIG_FILE"]
    other = _oci_profile(config, "OTHER")
    if setting == "config_file":  # a file whose DEFAULT is OTHER
        path = setup.tmp / "other-as-default.config"
        path.write_text("[DEFAULT]\n" + "".join(f"{k}={v}\n" for k, v in other.items()))
        path.chmod(0o600)
        return {variable: str(path)}
    if setting == "profile":  # the emulator's file, its OTHER profile
        return {setup.first("config_file"): config, variable: "OTHER"}
    if setting == "auth":  # OTHER's session-token profile, which has no API key to fall back on
        session = {setup.first("config_file"): config, setup.first("profile"): "OTHER_SESSION"}
        return {**session, variable: "security_token"}
    # Each key of OTHER's API key in its variable, over the emulator's file (DEFAULT = the demo user):
    # a variable a tool ignored leaves the demo user's value, which does not sign as OTHER.
    values = {name: other[name] for name in ("tenancy", "user", "fingerprint", "pass_phrase")}
    if setting == "key_content":
        values["key_content"] = Path(other["key_file"]).read_text()
    else:
        values["key_file"] = other["key_file"]
    if setting not in values:
        return None
    return {setup.first("config_file"): config, **setup.pick(values, setting, variable)}


def _outscale_profile(env: dict[str, str]) -> dict[str, Any]:
    return {
        "access_key": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        "secret_key": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "region": env["IMAGEOPS_OUTSCALE_REGION"],
        "endpoints": {"api": env["IMAGEOPS_OUTSCALE_ENDPOINT"]},
    }


def _outscale_home(setup: Setup, home: Path) -> None:
    """~/.osc/config.json: ``default`` is the demo account, ``OTHER`` the other one."""
    (home / ".osc").mkdir()
    document = {"default": _outscale_profile(setup.emu), "OTHER": _outscale_profile(setup.other)}
    (home / ".osc" / "config.json").write_text(json.dumps(document))


def _outscale_env(setup: Setup, setting: str, variable: str) -> dict[str, str] | None:
    if setting == "config_file":
        path = setup.tmp / "other-as-default.json"
        path.write_text(json.dumps({"default": _outscale_profile(setup.other)}))
        return {variable: str(path)}
    if setting == "profile":
        return {variable: "OTHER"}
    keys = {"access_key": setup.other["IMAGEOPS_OUTSCALE_ACCESS_KEY"]}
    keys["secret_key"] = setup.other["IMAGEOPS_OUTSCALE_SECRET_KEY"]
    return setup.pick(keys, setting, variable) if setting in keys else None


def _alicloud_profile(name: str, env: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "mode": "AK",
        "access_key_id": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "access_key_secret": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "region_id": env["IMAGEOPS_ALICLOUD_REGION"],
    }


def _alicloud_home(setup: Setup, home: Path) -> None:
    """~/.aliyun/config.json: the current profile is the demo (MAIN) account, ``OTHER`` the other."""
    (home / ".aliyun").mkdir()
    profiles = [_alicloud_profile("default", setup.emu), _alicloud_profile("OTHER", setup.other)]
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": "default", "profiles": profiles}))


def _alicloud_env(setup: Setup, setting: str, variable: str) -> dict[str, str] | None:
    if setting == "config_file":
        path = setup.tmp / "other-as-current.json"
        document = {"current": "default", "profiles": [_alicloud_profile("default", setup.other)]}
        path.write_text(json.dumps(document))
        return {variable: str(path)}
    if setting == "profile":
        return {variable: "OTHER"}
    # An AccessKey comes whole from one source: the n-th declared ID, the n-th secret, and the n-th
    # token (the last one for a source past the end of the token list).
    settings = registry.schema("alicloud").settings
    ids, secrets = env_names(settings, "access_key_id"), env_names(settings, "access_key_secret")
    tokens = env_names(settings, "security_token")
    other = setup.other
    key, secret = other["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"], other["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"]
    if setting == "access_key_id":
        return {variable: key, secrets[ids.index(variable)]: secret}
    if setting == "access_key_secret":
        return {ids[secrets.index(variable)]: key, variable: secret}
    if setting == "assume_role_arn":  # OTHER's role that trusts the demo account (HOME's profile)
        return {variable: other["IMAGEOPS_ALICLOUD_CROSS_ACCOUNT_ROLE_ARN"]}
    if setting == "ecs_role_name":  # the role of OTHER's instance, from that instance's metadata service
        metadata = {setup.first("metadata_url"): other["IMAGEOPS_ALICLOUD_METADATA_URL"]}
        return {variable: other["IMAGEOPS_ALICLOUD_ECS_ROLE_NAME"], **metadata}
    if setting == "security_token":  # OTHER's STS key, which the emulator refuses without its token
        n = next(i for i in range(len(ids)) if tokens[min(i, len(tokens) - 1)] == variable)
        return {
            ids[n]: other["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_ID"],
            secrets[n]: other["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_SECRET"],
            variable: other["IMAGEOPS_ALICLOUD_SECURITY_TOKEN"],
        }
    return None


def _aws_home(setup: Setup, home: Path) -> None:
    """~/.aws/credentials and ~/.aws/config: ``default`` is the demo account, ``OTHER`` the other."""
    (home / ".aws").mkdir()
    keys = "".join(
        f"[{name}]\naws_access_key_id = {env['IMAGEOPS_AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {env['IMAGEOPS_AWS_SECRET_ACCESS_KEY']}\n"
        for name, env in (("default", setup.emu), ("OTHER", setup.other))
    )
    (home / ".aws" / "credentials").write_text(keys)
    region = setup.emu["IMAGEOPS_AWS_REGION"]
    (home / ".aws" / "config").write_text(
        f"[default]\nregion = {region}\n[profile OTHER]\nregion = {region}\n"
    )


def _aws_env(setup: Setup, setting: str, variable: str) -> dict[str, str] | None:
    other = setup.other
    if setting == "profile":
        return {variable: "OTHER"}
    if setting == "session_token":  # OTHER's temporary key, which the emulator refuses without its token
        keys = {
            "access_key": other["IMAGEOPS_AWS_SESSION_ACCESS_KEY_ID"],
            "secret_key": other["IMAGEOPS_AWS_SESSION_SECRET_ACCESS_KEY"],
            "session_token": other["IMAGEOPS_AWS_SESSION_TOKEN"],
        }
        return setup.pick(keys, setting, variable)
    keys = {
        "access_key": other["IMAGEOPS_AWS_ACCESS_KEY_ID"],
        "secret_key": other["IMAGEOPS_AWS_SECRET_ACCESS_KEY"],
    }
    return setup.pick(keys, setting, variable) if setting in keys else None


@dataclass(frozen=True)
class Recipe:
    home: Callable[[Setup, Path], None]
    """Writes the cloud's default configuration file(s) under HOME, naming the demo account."""
    env: Callable[[Setup, str, str], dict[str, str] | None]
    """(setup, setting, variable) -> the variables selecting OTHER with ``variable`` carrying
    ``setting``; None when the recipe does not know the setting."""


RECIPES = {
    "oci": Recipe(_oci_home, _oci_env),
    "outscale": Recipe(_outscale_home, _outscale_env),
    "alicloud": Recipe(_alicloud_home, _alicloud_env),
    "aws": Recipe(_aws_home, _aws_env),
}


def credential_params() -> list[Any]:
    params = []
    for cloud in CLOUDS:
        settings: tuple[Setting, ...] = registry.schema(cloud).settings
        for setting in settings:
            if setting.name in NOT_CREDENTIALS:
                continue
            for variable in setting.env:
                params.append(pytest.param(cloud, setting.name, variable, id=f"{cloud}-{variable}"))
    return params


def clean_environment(emu: dict[str, str], home: Path) -> dict[str, str]:
    """An ansible/provider environment with the emulator's endpoints and regions and no credentials at
    all: no declared variable of a credential setting, of any cloud, from the machine or the emulator."""
    credentials = {
        variable
        for cloud in CLOUDS
        for s in registry.schema(cloud).settings
        if s.name not in NOT_CREDENTIALS
        for variable in s.env
    }
    env = make_ansible_env(None)
    env = {
        k: v
        for k, v in env.items()
        if k not in declared_variables() and not k.startswith(("OSC_", "ALIBABA_CLOUD_", "ALICLOUD_"))
    }
    env.update({k: v for k, v in emu.items() if k not in credentials})
    env["HOME"] = str(home)
    return env


@dataclass
class Outcome:
    """What one tool did: the image ids it read (None: it failed) and the accounts its calls were
    made as."""

    images: list[str] | None
    accounts: set[str | None]
    error: str = ""


def calls_between(emulator, cloud: str, start: int, end: int | None = None) -> list[dict]:
    return [c for c in api_calls(emulator, start, cloud) if end is None or c["seq"] <= end]


@pytest.mark.parametrize(("cloud", "setting", "variable"), credential_params())
def test_every_credential_variable_selects_the_same_account_in_both_tools(
    cloud, setting, variable, emulator, other_image, tmp_path
):
    recipe = RECIPES.get(cloud)
    setup = Setup(cloud, dict(emulator.env), other_view(emulator.env), tmp_path)
    selecting = recipe.env(setup, setting, variable) if recipe else None
    if selecting is None:
        pytest.fail(f"no recipe selects {cloud}'s OTHER account through {setting} ({variable}): add one")
    assert variable in selecting
    image_id = other_image(cloud)
    other_account = setup.other[_account_variable(cloud)]
    home = tmp_path / "home"
    home.mkdir()
    recipe.home(setup, home)
    env = {**clean_environment(setup.emu, home), **selecting}

    # Ansible: the info module, given nothing but the image id (the provider server starts meanwhile)
    info = {"name": "info", f"imageops.cloud.{cloud}_image_info": {"image_id": image_id}}
    playbook = json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [info]}])
    with server_alongside(ProviderHarness(cloud, env=env, config={})) as ready:
        start = emulator.mark()
        run = run_playbook(tmp_path, playbook, env=env, expect_rc=None)
        middle = emulator.mark()
        result = run.result("info")
        failed = run.task("info")["status"] == "failed"
        ansible = Outcome(
            None if failed else [image.get("id") for image in result.get("images", [])],
            {c["account"] for c in calls_between(emulator, cloud, start, middle)},
            str(result.get("msg", "")),
        )

        # Pulumi: Image.get(name, id) -- a Read with no input but the id, no stack configuration
        harness = ready()
        start = emulator.mark()
        try:
            state = Engine(harness).get("same-settings", image_id)
            pulumi = Outcome([state.id] if state else [], set())
        except ProviderCallError as exc:
            pulumi = Outcome(None, set(), exc.details)
        pulumi.accounts = {c["account"] for c in calls_between(emulator, cloud, start)}

    expected = Outcome([image_id], {other_account})
    seen = {"ansible": (ansible.images, ansible.accounts), "pulumi": (pulumi.images, pulumi.accounts)}
    assert seen["ansible"] == seen["pulumi"] == (expected.images, expected.accounts), (
        f"with {sorted(selecting)}: ansible {ansible}, pulumi {pulumi}, expected {expected}"
    )


def _account_variable(cloud: str) -> str:
    """The emulator variable holding an account's id as its call log shows it."""
    return {"oci": "IMAGEOPS_OCI_TENANCY_ID"}.get(cloud, f"IMAGEOPS_{cloud.upper()}_ACCOUNT_ID")
