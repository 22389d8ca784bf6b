"""The environment the core reads for a cloud's connection settings is exactly what the cloud declares.

Each setting of ``imageops.<cloud>.schema.SETTINGS`` declares ``env``: the variables the core reads
for it, first set wins, for every tool alike. The tests are parametrized from those declarations, so
a variable added to one is tested here without another line:

* each declared variable, set alone, reaches the loaded credentials (a declared variable the loader
  does not read fails);
* when several are set, the first declared wins;
* an explicit argument beats every variable;
* the loader reads no variable that is not declared (beyond OCI's emulator endpoints, which are no
  setting's fallback);
* every secret read from the environment is registered with :mod:`imageops.redact`.

No real configuration is read: HOME is an empty directory, configuration files are written under
``tmp_path``, and the environment is the loaders' ``environ``/``env`` mapping, never ``os.environ``.
Alibaba Cloud's AccessKey ID, secret and token come in sources (see
``imageops.alicloud.config._key_sources``): the n-th declared ID goes with the n-th declared secret,
and with the n-th token (the last one for a source past the end of the token list).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from imageops.alicloud import config as alicloud_config
from imageops.alicloud.schema import SETTINGS as ALICLOUD_SETTINGS
from imageops.aws import config as aws_config
from imageops.aws.schema import SETTINGS as AWS_SETTINGS
from imageops.errors import ConfigError
from imageops.oci import config as oci_config
from imageops.oci.schema import SETTINGS as OCI_SETTINGS
from imageops.outscale import config as outscale_config
from imageops.outscale.schema import SETTINGS as OUTSCALE_SETTINGS
from imageops.redact import MASK, redact
from imageops.schema import Setting, env_names

Label = int | str
"""Which value of a setting: the index of the variable that carries it, or "explicit"."""

PROFILE_LABELS: tuple[Label, ...] = ("explicit", *range(8))


class RecordingEnv(Mapping[str, str]):
    """An environment that remembers every variable the loader looked up."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.read: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@dataclass
class Cloud:
    """How to drive one cloud's loader and see what it loaded, setting by setting."""

    name: str
    settings: tuple[Setting, ...]
    tmp: Path

    # ------------------------------------------------------------------ per cloud
    def write_config(self, path: Path) -> None:
        raise NotImplementedError

    def load(self, env: Mapping[str, str], **explicit: Any) -> Any:
        raise NotImplementedError

    def observe(self, creds: Any, setting: str) -> Any:
        return getattr(creds, setting)

    def undeclared_reads_allowed(self, name: str) -> bool:
        return False

    # ------------------------------------------------------------------ shared
    @property
    def base_config(self) -> Path:
        path = self.tmp / f"{self.name}-config"
        if not path.exists():
            self.write_config(path)
        return path

    def value(self, setting: str, label: Label) -> str:
        """A distinct, valid value of ``setting`` (files it names are created)."""
        if setting == "config_file":
            path = self.tmp / f"{self.name}-config-{label}"
            shutil.copy(self.base_config, path)
            return str(path)
        if setting == "profile":
            return f"profile-{label}"
        if setting == "endpoint":
            return f"https://endpoint-{label}.example"
        return f"envtest-{self.name}-{setting}-{label}"

    def baseline(self, setting: str) -> dict[str, Any]:
        """Explicit arguments that supply everything else (never the setting under test)."""
        return {} if setting == "config_file" else {"config_file": str(self.base_config)}

    def env_for(self, setting: str, variable: str, label: Label) -> tuple[dict[str, str], Any]:
        """The environment that carries value ``label`` of ``setting`` through ``variable``, and what
        the loaded credentials then show for the setting."""
        value = self.value(setting, label)
        return {variable: value}, self.expected(setting, value)

    def explicit(self, setting: str) -> tuple[dict[str, Any], Any]:
        value = self.value(setting, "explicit")
        return {setting: value}, self.expected(setting, value)

    def expected(self, setting: str, value: str) -> Any:
        return value

    def allowed(self, name: str) -> bool:
        declared = {variable for setting in self.settings for variable in setting.env}
        return name in declared or self.undeclared_reads_allowed(name)


class Oci(Cloud):
    def write_config(self, path: Path) -> None:
        key = self.tmp / "file-key.pem"
        key.write_text("file key\n")
        sections = "".join(f"\n[profile-{label}]\n" for label in PROFILE_LABELS)
        path.write_text(
            "[DEFAULT]\ntenancy = file-tenancy\nuser = file-user\nfingerprint = file-fingerprint\n"
            f"region = file-region\nkey_file = {key}\npass_phrase = file-pass-phrase\n{sections}"
        )

    def value(self, setting: str, label: Label) -> str:
        if setting == "key_file":
            path = self.tmp / f"key-{label}.pem"
            path.write_text(f"key {label}\n")
            return str(path)
        if setting == "key_content":
            return f"-----BEGIN PRIVATE KEY-----\nenvtest{label}content\n-----END PRIVATE KEY-----\n"
        if setting == "auth":  # a distinct valid choice per label; the principal modes read no file
            return {"explicit": "api_key", 0: "instance_principal"}.get(label, "resource_principal")
        return super().value(setting, label)

    def load(self, env: Mapping[str, str], **explicit: Any) -> Any:
        return oci_config.load_credentials(environ=env, **explicit)

    def observe(self, creds: Any, setting: str) -> Any:
        if setting == "key_content":
            return creds.key_pem.decode()
        return super().observe(creds, setting)

    def undeclared_reads_allowed(self, name: str) -> bool:
        # The emulator's endpoints: per region, a template, its home region (see region_endpoint).
        return (
            name == "IMAGEOPS_OCI_REGION"
            or re.fullmatch(r"IMAGEOPS_OCI_ENDPOINT_[A-Z0-9_]+", name) is not None
        )


class Outscale(Cloud):
    def write_config(self, path: Path) -> None:
        profile = {"access_key": "file-access-key", "secret_key": "file-secret-key", "region": "file-region"}
        document = {"default": profile, **{f"profile-{label}": profile for label in PROFILE_LABELS}}
        path.write_text(json.dumps(document))

    def load(self, env: Mapping[str, str], **explicit: Any) -> Any:
        return outscale_config.load_credentials(environ=env, **explicit)

    def value(self, setting: str, label: Label) -> str:
        if setting == "signature_version":  # two choices: the explicit one differs from the variables'
            return "osc4" if label == "explicit" else "aws4"
        if setting.startswith("x509_client_"):  # the loader checks that the files exist
            path = self.tmp / f"{setting}-{label}.pem"
            path.write_text(f"{setting} {label}\n")
            if setting == "x509_client_key":  # a key is taken only with its certificate
                (self.tmp / "x509-cert.pem").write_text("cert\n")
            return str(path)
        return super().value(setting, label)

    def baseline(self, setting: str) -> dict[str, Any]:
        if setting == "x509_client_key":
            return {**super().baseline(setting), "x509_client_cert": str(self.tmp / "x509-cert.pem")}
        return super().baseline(setting)


class Alicloud(Cloud):
    KEY_SETTINGS = ("access_key_id", "access_key_secret", "security_token")

    def write_config(self, path: Path) -> None:
        def profile(name: str) -> dict[str, str]:
            return {
                "name": name,
                "mode": "StsToken",
                "access_key_id": f"id-{name}",
                "access_key_secret": f"envtest-secret-{name}",
                "sts_token": f"envtest-token-{name}",
                "region_id": "file-region",
            }

        names = ["default", *(f"profile-{label}" for label in PROFILE_LABELS)]
        path.write_text(json.dumps({"current": "default", "profiles": [profile(n) for n in names]}))

    # Settings of a sign-in (a role on top of the keys, or the instance's role): what the loaded
    # credentials show for each (``sign_in``), and what else must be given for the setting to count.
    ROLE_SETTINGS = ("assume_role_arn", "assume_role_session_name", "assume_role_session_expiration")
    SIGN_IN = {
        "assume_role_arn": lambda s: s.roles[-1].role_arn,
        "assume_role_session_name": lambda s: s.roles[-1].session_name,
        "assume_role_session_expiration": lambda s: s.roles[-1].duration,
        "sts_endpoint": lambda s: s.sts_endpoint,
        "ecs_role_name": lambda s: s.ecs_role_name,
        "metadata_url": lambda s: s.metadata_url,
        "imdsv1_disabled": lambda s: not s.imdsv1,
        "sts_region": lambda s: s.sts_endpoint,
        "sts_vpc_endpoint": lambda s: ".sts-vpc." in f".{s.sts_endpoint.split('//')[-1]}",
    }
    FLAGS = ("imdsv1_disabled", "sts_vpc_endpoint", "ecs_metadata_disabled")

    def load(self, env: Mapping[str, str], **explicit: Any) -> Any:
        try:
            return alicloud_config.load_credentials(env=env, **explicit)
        except ConfigError as exc:  # ecs_metadata_disabled shows as the instance role refused
            if "forbids reading the instance metadata service" not in str(exc):
                raise
            return SimpleNamespace(metadata_refused=True)

    def value(self, setting: str, label: Label) -> Any:
        if setting == "assume_role_arn":
            return f"acs:ram::1234:role/envtest-{label}"
        if setting == "assume_role_session_expiration":
            return "2000" if label == "explicit" else str(1000 + int(label))
        if setting in ("sts_endpoint", "metadata_url"):
            return f"https://{setting.replace('_', '-')}-{label}.example"
        if setting in self.FLAGS:  # two values: the explicit one differs from the variable's
            return False if label == "explicit" else "true"
        if setting == "sts_region":
            return f"region-{label}"
        return super().value(setting, label)

    def expected(self, setting: str, value: Any) -> Any:
        if setting == "assume_role_session_expiration":
            return int(value)
        if setting in self.FLAGS:
            return value is not False
        if setting == "sts_region":
            return f"https://sts.{value}.aliyuncs.com"
        return value

    def baseline(self, setting: str) -> dict[str, Any]:
        # With the keys and the region given, no profile is read.
        keys = {"access_key_id": "id-given", "access_key_secret": "envtest-secret-given"}
        if setting == "region":
            return keys
        if setting == "endpoint":
            return {**keys, "region": "given-region"}
        if setting in self.KEY_SETTINGS:
            return {"region": "given-region"}
        if setting == "assume_role_arn":
            return {**keys, "region": "given-region"}
        role = {**keys, "region": "given-region", "assume_role_arn": "acs:ram::1234:role/given"}
        if setting in (*self.ROLE_SETTINGS, "sts_endpoint", "sts_region"):
            return role
        if setting == "sts_vpc_endpoint":
            return {**role, "sts_region": "given-region"}
        if setting == "ecs_role_name":
            return {"region": "given-region"}
        if setting in ("metadata_url", "imdsv1_disabled", "ecs_metadata_disabled"):
            return {"region": "given-region", "ecs_role_name": "r"}
        return super().baseline(setting)

    def observe(self, creds: Any, setting: str) -> Any:
        # The profile and the file show in ``source`` ("profile <name> of <path>").
        if setting == "profile":
            return creds.source.split(" of ", 1)[0].removeprefix("profile ")
        if setting == "config_file":
            return creds.source.split(" of ", 1)[1]
        if setting == "ecs_metadata_disabled":
            return getattr(creds, "metadata_refused", False)
        if setting in self.SIGN_IN:
            return self.SIGN_IN[setting](creds.sign_in)
        return super().observe(creds, setting)

    @staticmethod
    def sources() -> list[tuple[str, str, str]]:
        """The (ID, secret, token) variables of each source, derived from the declaration alone."""
        ids = env_names(ALICLOUD_SETTINGS, "access_key_id")
        secrets = env_names(ALICLOUD_SETTINGS, "access_key_secret")
        tokens = env_names(ALICLOUD_SETTINGS, "security_token")
        assert len(ids) == len(secrets) and 0 < len(tokens) <= len(ids)
        return [(ids[n], secrets[n], tokens[min(n, len(tokens) - 1)]) for n in range(len(ids))]

    def key_values(self, label: Label) -> tuple[str, str, str]:
        return (f"id-{label}", f"envtest-secret-{label}", f"envtest-token-{label}")

    def env_for(self, setting: str, variable: str, label: Label) -> tuple[dict[str, str], Any]:
        if setting not in self.KEY_SETTINGS:
            return super().env_for(setting, variable, label)
        column = self.KEY_SETTINGS.index(setting)
        source = next(s for s in self.sources() if s[column] == variable)
        values = self.key_values(label)
        return dict(zip(source, values, strict=True)), values[column]

    def explicit(self, setting: str) -> tuple[dict[str, Any], Any]:
        if setting not in self.KEY_SETTINGS:
            return super().explicit(setting)
        values = self.key_values("explicit")
        return dict(zip(self.KEY_SETTINGS, values, strict=True)), values[self.KEY_SETTINGS.index(setting)]


class Aws(Cloud):
    """AWS: explicit keys and region are the baseline (botocore's chain is never consulted here)."""

    BASE = {"access_key": "AKIABASE", "secret_key": "envtest-base-secret", "region": "us-east-1"}

    def write_config(self, path: Path) -> None:
        path.write_text("")

    def baseline(self, setting: str) -> dict[str, Any]:
        return {k: v for k, v in self.BASE.items() if k != setting}

    def load(self, env: Mapping[str, str], **explicit: Any) -> Any:
        return aws_config.load_connection(environ=env, **explicit)

    def observe(self, creds: Any, setting: str) -> Any:
        if setting in ("access_key", "secret_key", "session_token"):
            return getattr(creds.credentials.current(), setting)
        if setting == "endpoint_url":
            return creds.endpoint
        return super().observe(creds, setting)

    def value(self, setting: str, label: Label) -> str:
        if setting == "endpoint_url":
            return f"https://endpoint-{label}.example"
        return super().value(setting, label)


CLOUDS: dict[str, tuple[type[Cloud], tuple[Setting, ...]]] = {
    "oci": (Oci, OCI_SETTINGS),
    "outscale": (Outscale, OUTSCALE_SETTINGS),
    "alicloud": (Alicloud, ALICLOUD_SETTINGS),
    "aws": (Aws, AWS_SETTINGS),
}

VARIABLES = [
    pytest.param(cloud, setting.name, variable, id=f"{cloud}-{setting.name}-{variable}")
    for cloud, (_, settings) in CLOUDS.items()
    for setting in settings
    for variable in setting.env
]
ORDERS = [
    pytest.param(cloud, setting.name, first, id=f"{cloud}-{setting.name}-from-{setting.env[first]}")
    for cloud, (_, settings) in CLOUDS.items()
    for setting in settings
    for first in range(len(setting.env) - 1)
]
WITH_ENV = [
    pytest.param(cloud, setting.name, id=f"{cloud}-{setting.name}")
    for cloud, (_, settings) in CLOUDS.items()
    for setting in settings
    if setting.env
]


@pytest.fixture
def make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Cloud]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no ~/.oci, ~/.osc or ~/.aliyun of the machine

    def make(cloud: str) -> Cloud:
        kind, settings = CLOUDS[cloud]
        return kind(cloud, settings, tmp_path)

    return make


def setting_of(cloud: Cloud, name: str) -> Setting:
    return next(s for s in cloud.settings if s.name == name)


def load(cloud: Cloud, setting: str, env: Mapping[str, str], **explicit: Any) -> Any:
    recording = RecordingEnv(env)
    creds = cloud.load(recording, **{**cloud.baseline(setting), **explicit})
    undeclared = sorted(name for name in recording.read if not cloud.allowed(name))
    assert not undeclared, f"{cloud.name} read variables no setting declares: {undeclared}"
    return creds


@pytest.mark.parametrize(("cloud_name", "setting", "variable"), VARIABLES)
def test_each_declared_variable_is_read(
    make: Callable[[str], Cloud], cloud_name: str, setting: str, variable: str
) -> None:
    cloud = make(cloud_name)
    env, expected = cloud.env_for(setting, variable, 0)
    creds = load(cloud, setting, env)
    assert cloud.observe(creds, setting) == expected, f"{variable} is declared for {setting} but not read"
    if setting_of(cloud, setting).secret:
        shown = redact(env[variable])
        assert MASK in shown and env[variable].strip() not in shown, (
            f"{variable} is not registered as a secret"
        )


@pytest.mark.parametrize(("cloud_name", "setting", "first"), ORDERS)
def test_the_first_declared_variable_wins(
    make: Callable[[str], Cloud], cloud_name: str, setting: str, first: int
) -> None:
    cloud = make(cloud_name)
    variables = setting_of(cloud, setting).env
    env: dict[str, str] = {}
    # Every variable from ``first`` on is set, each to its own value; merged from the last so that a
    # variable two sources share (Alibaba's last token) holds the earlier source's value.
    for index in reversed(range(first, len(variables))):
        more, expected = cloud.env_for(setting, variables[index], index)
        env.update(more)
    creds = load(cloud, setting, env)
    assert cloud.observe(creds, setting) == expected, (
        f"{variables[first]} should win over {variables[first + 1 :]}"
    )


@pytest.mark.parametrize(("cloud_name", "setting"), WITH_ENV)
def test_an_explicit_argument_beats_every_variable(
    make: Callable[[str], Cloud], cloud_name: str, setting: str
) -> None:
    cloud = make(cloud_name)
    env: dict[str, str] = {}
    for index, variable in reversed(list(enumerate(setting_of(cloud, setting).env))):
        env.update(cloud.env_for(setting, variable, index)[0])
    explicit, expected = cloud.explicit(setting)
    creds = load(cloud, setting, env, **explicit)
    assert cloud.observe(creds, setting) == expected


def test_the_declarations_keep_what_ansible_used_to_read() -> None:
    """Variables the Ansible modules used to read themselves (``env_fallback``) and the core now reads
    for every tool: a declaration must not lose them."""
    declared = {cloud: {s.name: s.env for s in settings} for cloud, (_, settings) in CLOUDS.items()}
    assert declared["oci"]["profile"] == ("IMAGEOPS_OCI_PROFILE", "OCI_CONFIG_PROFILE", "OCI_CLI_PROFILE")
    assert "ALICLOUD_ACCESS_KEY_ID" in declared["alicloud"]["access_key_id"]
    assert "ALICLOUD_SECRET_ACCESS_KEY" in declared["alicloud"]["access_key_secret"]
    assert "ALICLOUD_REGION_ID" in declared["alicloud"]["region"]
    assert "ALICLOUD_SHARED_CREDENTIALS_FILE" in declared["alicloud"]["config_file"]


def test_alibaba_sources_pair_the_declared_lists() -> None:
    assert list(alicloud_config._KEY_ENV) == Alicloud.sources()
    assert Alicloud.sources()[-1] == (
        "ALICLOUD_ACCESS_KEY_ID",
        "ALICLOUD_SECRET_ACCESS_KEY",
        "ALICLOUD_SECURITY_TOKEN",
    )


def test_alibaba_second_alicloud_spelling_takes_the_alicloud_token(make: Callable[[str], Cloud]) -> None:
    make("alicloud")
    env = {
        "ALICLOUD_ACCESS_KEY_ID": "id-spelling",
        "ALICLOUD_SECRET_ACCESS_KEY": "envtest-secret-spelling",
        "ALICLOUD_SECURITY_TOKEN": "envtest-token-spelling",
    }
    creds = alicloud_config.load_credentials(region="r", env=env)
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token, creds.source) == (
        "id-spelling",
        "envtest-secret-spelling",
        "envtest-token-spelling",
        "ALICLOUD_ACCESS_KEY_ID",
    )


def test_alibaba_spellings_are_not_mixed(make: Callable[[str], Cloud]) -> None:
    """An ID of one source is never paired with the secret of another, even of the same tool."""
    make("alicloud")
    env = {"ALICLOUD_ACCESS_KEY": "id-mixed", "ALICLOUD_SECRET_ACCESS_KEY": "envtest-secret-mixed"}
    with pytest.raises(
        ConfigError, match=r"no AccessKey secret in ALICLOUD_ACCESS_KEY \(ALICLOUD_SECRET_KEY"
    ):
        alicloud_config.load_credentials(region="r", env=env)


def test_alibaba_secrets_of_unused_sources_are_registered(make: Callable[[str], Cloud]) -> None:
    make("alicloud")
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "id-used",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "envtest-secret-used",
        "ALICLOUD_SECRET_ACCESS_KEY": "envtest-secret-shadowed",
        "ALICLOUD_SECURITY_TOKEN": "envtest-token-shadowed",
    }
    alicloud_config.load_credentials(region="r", env=env)
    assert redact("envtest-secret-shadowed envtest-token-shadowed") == f"{MASK} {MASK}"


def test_every_registered_cloud_is_covered() -> None:
    from imageops import registry

    assert set(CLOUDS) == set(registry.clouds()), "teach this test how to load the new cloud's settings"
