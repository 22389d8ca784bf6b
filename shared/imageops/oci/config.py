"""OCI credentials, found the way the OCI CLI finds them.

For every setting the first of these wins:

1. the explicit argument (``tenancy``, ``user``, ``fingerprint``, ``key_file``, ``key_content``,
   ``pass_phrase``, ``region``);
2. the environment variables declared for the setting in :data:`imageops.oci.settings.SETTINGS`, first
   set wins: the OCI CLI's ``OCI_CLI_TENANCY``, ``OCI_CLI_USER``, ``OCI_CLI_FINGERPRINT``,
   ``OCI_CLI_KEY_FILE``, ``OCI_CLI_KEY_CONTENT``, ``OCI_CLI_PASSPHRASE``, ``OCI_CLI_REGION`` (and
   ``OCI_REGION``);
3. the profile of the config file.

The config file is the ``config_file`` argument, else its declared variables
(``IMAGEOPS_OCI_CONFIG_FILE``, what the emulator writes, then ``OCI_CONFIG_FILE`` /
``OCI_CLI_CONFIG_FILE``), else ``~/.oci/config``; a file that was named explicitly must exist, the
default one may be absent when everything is given otherwise. The profile is the ``profile``
argument, else its declared variables (``IMAGEOPS_OCI_PROFILE``, the emulator's, then
``OCI_CONFIG_PROFILE``, ``OCI_CLI_PROFILE``), else ``DEFAULT``; as with the CLI, a profile inherits
every key it does not set from ``[DEFAULT]``. ``~`` is expanded in ``key_file``. ``key_content`` is
refused in a file (as the SDK does): pass it explicitly.

The endpoint is the ``endpoint`` argument, else :func:`region_endpoint` of the region: the
emulator's ``IMAGEOPS_OCI_ENDPOINT_<REGION>`` (``EU_FRANKFURT_1``) or ``IMAGEOPS_OCI_ENDPOINT_TEMPLATE``
(``http://127.0.0.1:PORT/r/{region}``) for a region other than its home ``IMAGEOPS_OCI_REGION``,
else the endpoint's declared variable (``IMAGEOPS_OCI_ENDPOINT``), else
``https://iaas.{region}.oraclecloud.com``. Those three emulator variables are not a setting's
fallback and are read here only.

How to sign in is ``auth`` (explicit, else ``OCI_ANSIBLE_AUTH_TYPE``, ``OCI_CLI_AUTH``, else
``api_key``), checked against its choices. ``security_token`` reads the profile as above and needs its
``security_token_file`` and ``key_file``; ``instance_principal`` and ``resource_principal`` read no
file and no key here (:func:`imageops.oci.connect` builds their token sources). An explicit API-key
argument a mode would ignore is refused (:data:`IGNORED_BY_MODE`): two ways of signing in at once
are ambiguous; variables and profile keys of another mode are ignored, as the OCI CLI does.

Key material and passphrases are registered with :mod:`imageops.redact` as soon as they are read,
never appear in a repr, and never in an error message: errors name the missing key, the profile and
the file only.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from imageops.errors import ConfigError
from imageops.oci.settings import SETTINGS
from imageops.redact import register_secret
from imageops.settings import env_names, first_env

__all__ = [
    "API_KEY",
    "AUTH_TYPES",
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_PROFILE",
    "IGNORED_BY_MODE",
    "OciCredentials",
    "default_endpoint",
    "load_credentials",
    "object_storage_endpoint",
    "region_endpoint",
]

DEFAULT_CONFIG_FILE = "~/.oci/config"
DEFAULT_PROFILE = "DEFAULT"

# The settings read from the environment (their variables are declared in imageops.oci.schema);
# ``profile``, ``config_file`` and ``endpoint`` are read on their own below.
_ENV_SETTINGS = ("tenancy", "user", "fingerprint", "key_file", "key_content", "pass_phrase", "region")
_AUTH = next(setting for setting in SETTINGS if setting.name == "auth")
AUTH_TYPES = _AUTH.choices
API_KEY, SECURITY_TOKEN, INSTANCE_PRINCIPAL, RESOURCE_PRINCIPAL = AUTH_TYPES
IGNORED_BY_MODE: dict[str, tuple[str, ...]] = {
    SECURITY_TOKEN: ("user", "fingerprint"),
    INSTANCE_PRINCIPAL: ("user", "fingerprint", "key_file", "key_content", "pass_phrase"),
    RESOURCE_PRINCIPAL: ("user", "fingerprint", "key_file", "key_content", "pass_phrase"),
}
"""The explicit arguments each token mode refuses, because it would ignore them."""
# The emulator's endpoints, not a setting's fallback: one per region, or a template for the regions
# other than its home one.
_REGION_ENDPOINT_ENV_PREFIX = "IMAGEOPS_OCI_ENDPOINT_"
_TEMPLATE_ENV = "IMAGEOPS_OCI_ENDPOINT_TEMPLATE"
_HOME_REGION_ENV = "IMAGEOPS_OCI_REGION"
_LOOPBACK_HOSTS = ("127.", "localhost", "[::1]")


@dataclass(frozen=True)
class OciCredentials:
    """Everything needed to sign OCI requests and to know where to send them.

    ``key_pem`` (the private key's PEM text) and ``pass_phrase`` are kept out of ``repr``/``str``.
    """

    tenancy: str
    user: str
    fingerprint: str
    region: str
    endpoint: str
    key_pem: bytes = field(repr=False)
    pass_phrase: str | None = field(default=None, repr=False)
    key_file: str | None = None
    profile: str | None = None
    config_file: str | None = None
    auth: str = "api_key"
    security_token_file: str | None = None
    """The session token's file (``auth`` ``security_token``): a path, not the token."""
    metadata_base_url: str | None = None
    federation_endpoint: str | None = None

    @property
    def key_id(self) -> str:
        return f"{self.tenancy}/{self.user}/{self.fingerprint}"

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in (
                "auth",
                "tenancy",
                "user",
                "fingerprint",
                "region",
                "endpoint",
                "key_file",
                "profile",
            )
        )
        secret = ", key_pem=<hidden>, pass_phrase=" + ("<hidden>" if self.pass_phrase else "None")
        return f"OciCredentials({shown}{secret})"

    __str__ = __repr__


def default_endpoint(region: str) -> str:
    return f"https://iaas.{region}.oraclecloud.com"


def region_endpoint(
    region: str,
    *,
    environ: Mapping[str, str] | None = None,
    known: tuple[str, str] | None = None,
) -> str:
    """The Core Services endpoint of ``region``.

    ``known`` is ``(region, endpoint)`` of a connection already made (an explicit endpoint): another
    region's endpoint is derived from it — the OCI host name with the region swapped, or, for the
    emulator on loopback, its ``/r/<region>`` prefix — so that a copy never leaves the endpoint family
    the user chose.
    """
    env = os.environ if environ is None else environ
    per_region = env.get(f"{_REGION_ENDPOINT_ENV_PREFIX}{region.upper().replace('-', '_')}")
    if per_region:
        return per_region.rstrip("/")
    if known is not None:
        known_region, known_url = known
        if region == known_region:
            return known_url.rstrip("/")
        if f".{known_region}." in known_url:
            return known_url.replace(f".{known_region}.", f".{region}.").rstrip("/")
        host = known_url.split("://", 1)[-1]
        if host.startswith(_LOOPBACK_HOSTS):
            root = known_url.rstrip("/")
            root = root.split("/r/", 1)[0]
            return root if region == env.get(_HOME_REGION_ENV) else f"{root}/r/{region}"
    template = env.get(_TEMPLATE_ENV)
    if template and region != env.get(_HOME_REGION_ENV):
        return template.replace("{region}", region).rstrip("/")
    home = first_env(SETTINGS, "endpoint", env)
    if home and (region == env.get(_HOME_REGION_ENV) or not env.get(_HOME_REGION_ENV)):
        return home.rstrip("/")
    if home and not template:
        return home.rstrip("/")
    return default_endpoint(region)


def object_storage_endpoint(compute_endpoint: str) -> str:
    """Object Storage's endpoint beside a Core Services one: ``objectstorage.<region>`` for OCI's
    own hosts; any other endpoint (the emulator) serves both."""
    return compute_endpoint.replace("://iaas.", "://objectstorage.", 1)


def _read_profile(path: Path, profile: str, *, must_exist: bool, profile_explicit: bool) -> dict[str, str]:
    if not path.is_file():
        if must_exist:
            raise ConfigError(f"OCI config file {path} does not exist")
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"OCI config file {path} could not be parsed ({type(exc).__name__})") from None
    if profile != configparser.DEFAULTSECT and not parser.has_section(profile):
        known = ", ".join(parser.sections()) or "none besides DEFAULT"
        raise ConfigError(f"profile {profile!r} not found in OCI config file {path} (profiles: {known})")
    if profile == configparser.DEFAULTSECT and not parser.defaults() and profile_explicit:
        raise ConfigError(f"profile 'DEFAULT' not found in OCI config file {path}")
    values = dict(parser[profile])  # includes what the profile inherits from [DEFAULT]
    if "key_content" in values:
        raise ConfigError(
            f"key_content cannot be set in the OCI config file {path} (profile {profile!r}); "
            "use key_file, or pass key_content explicitly"
        )
    return values


def load_credentials(
    *,
    config_file: str | os.PathLike[str] | None = None,
    profile: str | None = None,
    region: str | None = None,
    tenancy: str | None = None,
    user: str | None = None,
    fingerprint: str | None = None,
    key_file: str | os.PathLike[str] | None = None,
    key_content: str | bytes | None = None,
    pass_phrase: str | None = None,
    endpoint: str | None = None,
    auth: str | None = None,
    metadata_base_url: str | None = None,
    federation_endpoint: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> OciCredentials:
    """Resolve OCI credentials (see the module doc for the precedence). Raises :class:`ConfigError`."""
    env = os.environ if environ is None else environ
    register_secret(pass_phrase)
    register_secret(key_content)
    mode = _auth_type(auth, env)
    given: dict[str, object] = {"user": user, "fingerprint": fingerprint, "key_file": key_file}
    given.update({"key_content": key_content, "pass_phrase": pass_phrase})
    refused = [name for name in IGNORED_BY_MODE.get(mode, ()) if given[name] is not None]
    if refused:
        options = ", ".join(_option(name) for name in refused)
        raise ConfigError(
            f"{options} cannot be combined with {_AUTH.option}={mode}: they are the settings of "
            f"{_AUTH.option}={API_KEY}, which {mode} would ignore; remove them, or choose one way to sign in"
        )
    extra = _ModeSettings(
        auth=mode,
        metadata_base_url=metadata_base_url or first_env(SETTINGS, "metadata_base_url", env),
        federation_endpoint=federation_endpoint or first_env(SETTINGS, "federation_endpoint", env),
    )
    if mode in (INSTANCE_PRINCIPAL, RESOURCE_PRINCIPAL):
        # No file and no key: the principal is the machine or the resource, found by connect().
        where = region or first_env(SETTINGS, "region", env) or ""
        return OciCredentials(
            tenancy=tenancy or "",
            user="",
            fingerprint="",
            region=where,
            endpoint=(endpoint or (region_endpoint(where, environ=env) if where else "")).rstrip("/"),
            key_pem=b"",
            **extra,
        )

    file_named = config_file or first_env(SETTINGS, "config_file", env)
    path = Path(os.path.expanduser(os.fspath(file_named or DEFAULT_CONFIG_FILE)))
    profile_given = profile or first_env(SETTINGS, "profile", env)
    profile_name = profile_given or DEFAULT_PROFILE

    explicit_key_file = os.fspath(key_file) if key_file is not None else None
    explicit = {
        "tenancy": tenancy,
        "user": user,
        "fingerprint": fingerprint,
        "region": region,
        "key_file": explicit_key_file,
        "key_content": key_content,
    }
    # Secret ones (key_content, pass_phrase) are registered with imageops.redact by first_env.
    from_env = {name: first_env(SETTINGS, name, env) for name in _ENV_SETTINGS}

    def early(name: str) -> str | bytes | None:
        return explicit.get(name) or from_env.get(name)

    # The file is only needed when something is still missing, unless it was named explicitly.
    needed: tuple[str, ...] = ("tenancy", "user", "fingerprint", "region")
    if mode == SECURITY_TOKEN:
        needed = ("region",)
    has_key = bool(early("key_content") or early("key_file"))
    file_values: dict[str, str] = {}
    if (
        file_named
        or profile_given
        or not has_key
        or mode == SECURITY_TOKEN
        or not all(early(n) for n in needed)
    ):
        file_values = _read_profile(
            path,
            profile_name,
            must_exist=bool(file_named or profile_given),
            profile_explicit=bool(profile_given),
        )
    source = f"profile {profile_name!r} of {path}" if file_values else f"the OCI config file {path}"
    register_secret(file_values.get("pass_phrase"))

    def resolve(name: str) -> str | None:
        value = early(name) or file_values.get(name)
        return value if isinstance(value, str) or value is None else value.decode()

    missing = [name for name in needed if not resolve(name)]
    token_file = file_values.get("security_token_file") if mode == SECURITY_TOKEN else None
    if mode == SECURITY_TOKEN and not token_file:
        raise ConfigError(
            f"{_AUTH.option}={SECURITY_TOKEN} needs security_token_file in {source}: run "
            f"`oci session authenticate --profile-name {profile_name}` to write it"
        )
    content = explicit["key_content"] or from_env["key_content"]
    key_path = explicit_key_file or from_env["key_file"] or file_values.get("key_file")
    if not content and not key_path:
        missing.append("key_file")
    if missing:
        looked_up = [*missing, "key_content"] if "key_file" in missing else missing
        variables = ", ".join(v for name in looked_up for v in env_names(SETTINGS, name))
        hint = ""
        if mode == API_KEY and file_values.get("security_token_file"):
            # A profile written by `oci session authenticate` has no user: the mode is what is missing.
            hint = f"; the profile has a security_token_file: set {_AUTH.option} to {SECURITY_TOKEN}"
        raise ConfigError(
            f"OCI credentials incomplete: {', '.join(missing)} not set (looked at the explicit arguments, "
            f"the environment variables {variables} and {source}){hint}"
        )

    phrase = pass_phrase or from_env["pass_phrase"] or file_values.get("pass_phrase") or None
    if content:
        key_pem = content.encode() if isinstance(content, str) else bytes(content)
        key_path = None
    else:
        assert key_path is not None
        expanded = Path(os.path.expanduser(key_path))
        try:
            key_pem = expanded.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"OCI key_file {expanded} does not exist ({source})") from None
        except OSError as exc:
            raise ConfigError(f"OCI key_file {expanded} cannot be read: {exc.strerror}") from None
        key_path = str(expanded)
    register_secret(key_pem)

    region_name = resolve("region")
    assert region_name is not None
    url = endpoint or region_endpoint(region_name, environ=env)
    return OciCredentials(
        tenancy=resolve("tenancy") or "",
        user=resolve("user") or "",
        fingerprint=resolve("fingerprint") or "",
        region=region_name,
        endpoint=url.rstrip("/"),
        key_pem=key_pem,
        pass_phrase=phrase,
        key_file=key_path,
        profile=profile_name if file_values else None,
        config_file=str(path) if file_values else None,
        security_token_file=str(Path(os.path.expanduser(token_file))) if token_file else None,
        **extra,
    )


class _ModeSettings(TypedDict):
    auth: str
    metadata_base_url: str | None
    federation_endpoint: str | None


def _option(name: str) -> str:
    """A setting's name as the user wrote it (the Ansible option when it has one, else the keyword)."""
    setting = next(s for s in SETTINGS if s.name == name)
    return setting.option or name


def _auth_type(explicit: str | None, env: Mapping[str, str]) -> str:
    if explicit:
        return _AUTH.check(explicit) or API_KEY
    variable = next((v for v in _AUTH.env if env.get(v)), None)
    if variable is None:
        return API_KEY
    return _AUTH.check(env[variable], f"the environment variable {variable}") or API_KEY
