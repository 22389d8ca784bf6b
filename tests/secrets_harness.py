"""One harness for "no secret ever leaks": plant recognisable secrets, watch every stream, find none.

Use the ``secrets_harness`` fixture (registered for the whole suite by ``tests/conftest.py``)::

    def test_something(secrets_harness, tmp_path):
        creds = secrets_harness.plant_all_clouds(tmp_path)     # fresh secrets for OCI, OUTSCALE, Alibaba
        secrets_harness.plant_emulator(handle.env)             # and/or the emulator's demo account secrets
        ...                                                    # run the thing under test with them
        secrets_harness.watch("ansible -vvvv", run.output)     # every output stream it produced
        secrets_harness.watch_file("emulator log", workdir / "emulator.log")
    # at teardown the fixture searches every watched stream, every log record emitted during the test
    # (root logger at DEBUG, with tracebacks) and fails naming the stream and the secret -- never the value.

``secrets_harness.assert_clean()`` may also be called mid-test (e.g. inside a hypothesis example, with
``watch``/``check`` per example). Streams and files are searched for each planted value and, for PEM
key material, for each line of the key body, so a fragment of a key is a hit as well.
"""

from __future__ import annotations

import contextlib
import json
import logging
import pickle
import secrets
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CANARY = "LEAKCANARY"
"""Every secret :meth:`SecretsHarness.plant_all_clouds` makes contains this word: easy to grep for."""

_MIN_FRAGMENT = 16  # shorter PEM lines (the last one of a body) are too common to search for


@dataclass(frozen=True)
class Planted:
    name: str
    value: str


@dataclass(frozen=True)
class CloudSecrets:
    """Recognisable credentials for the three clouds (as :meth:`SecretsHarness.plant_all_clouds` made)."""

    oci_key_file: Path
    oci_key_pem: str
    oci_pass_phrase: str
    outscale_access_key: str
    outscale_secret_key: str
    alicloud_access_key_id: str
    alicloud_access_key_secret: str
    alicloud_security_token: str


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> Iterator[str]:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in self.records:
            try:
                text = formatter.format(record)
            except Exception:  # a record whose args do not format still has its raw parts
                text = f"{record.msg!r} {record.args!r}"
            if record.exc_info and record.exc_info[1] is not None:
                text += "\n" + "".join(traceback.format_exception(record.exc_info[1]))
            yield text


class SecretsHarness:
    """Planted secrets, the streams to search, and the search."""

    def __init__(self) -> None:
        self.planted: list[Planted] = []
        self._streams: list[tuple[str, str]] = []
        self._files: list[tuple[str, Path]] = []
        self._logs = _Capture()
        self.searched: tuple[int, int] = (0, 0)
        """Streams and characters the last :meth:`hits` searched (for the figures in docs)."""

    # ------------------------------------------------------------------ planting
    def plant(self, name: str, value: str | bytes) -> str:
        """Search for ``value`` (a PEM block: for each line of its body too) in every stream."""
        text = value.decode() if isinstance(value, bytes) else str(value)
        if not text:
            raise ValueError(f"planted secret {name!r} is empty")
        self.planted.append(Planted(name, text))
        if "-----BEGIN" in text:
            body = [line.strip() for line in text.splitlines() if line.strip() and "-----" not in line]
            for number, line in enumerate(body, 1):
                if len(line) >= _MIN_FRAGMENT and ":" not in line:  # skip Proc-Type/DEK-Info headers
                    self.planted.append(Planted(f"{name} (line {number})", line))
        return text

    def plant_all_clouds(self, folder: Path) -> CloudSecrets:
        """Fresh recognisable credentials for every cloud; the encrypted OCI key is written in ``folder``."""
        tag = secrets.token_hex(6)
        pass_phrase = self.plant("OCI pass phrase", f"oci-pass-{CANARY}-{tag}")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(pass_phrase.encode()),
        ).decode()
        clear = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.plant("OCI private key (encrypted PEM)", pem)
        self.plant("OCI private key (clear PEM)", clear)
        key_file = Path(folder) / f"oci_{CANARY.lower()}_key.pem"
        key_file.write_text(pem)
        key_file.chmod(0o600)
        return CloudSecrets(
            oci_key_file=key_file,
            oci_key_pem=pem,
            oci_pass_phrase=pass_phrase,
            outscale_access_key=f"AK{tag.upper()}PLANTED",
            outscale_secret_key=self.plant("OUTSCALE secret key", f"OSC{CANARY}SECRET{tag}{tag}XYZ"),
            alicloud_access_key_id=f"LTAI{tag}planted",
            alicloud_access_key_secret=self.plant("Alibaba access key secret", f"ali{CANARY}secret{tag}"),
            alicloud_security_token=self.plant("Alibaba STS token", f"CAIS{CANARY}sts{tag}token"),
        )

    def plant_emulator(self, env: dict[str, str]) -> None:
        """The secrets of the emulator's demo accounts (from its env file), for every cloud it runs."""
        import configparser

        config_file = env.get("IMAGEOPS_OCI_CONFIG_FILE")
        if config_file:
            parser = configparser.ConfigParser()
            parser.read(config_file)
            for profile in [*parser.sections(), "DEFAULT"]:
                section = parser[profile]
                if section.get("pass_phrase"):
                    self.plant(f"OCI {profile} pass phrase", section["pass_phrase"])
                if section.get("key_file") and Path(section["key_file"]).exists():
                    self.plant(f"OCI {profile} private key", Path(section["key_file"]).read_text())
        for name, value in env.items():
            if name.endswith(("_SECRET_KEY", "_ACCESS_KEY_SECRET", "_SECURITY_TOKEN")) and value:
                self.plant(name.removeprefix("IMAGEOPS_"), value)

    # ------------------------------------------------------------------ streams
    def watch(self, stream: str, output: Any) -> None:
        """Add an output to search: text, bytes, or any object (searched as its ``repr``, JSON and
        pickle -- e.g. a Pulumi provider object or a result dict)."""
        for label, text in _renderings(output):
            self._streams.append((f"{stream}{label}", text))

    def watch_exception(self, stream: str, exc: BaseException) -> None:
        self.watch(stream, "".join(traceback.format_exception(exc)))

    def watch_file(self, stream: str, path: Path) -> None:
        """Search ``path`` when the harness checks (so a log written to the end is searched whole)."""
        self._files.append((stream, Path(path)))

    # ------------------------------------------------------------------ searching
    def hits(self) -> list[tuple[str, str]]:
        """``(stream, secret name)`` for every planted secret found anywhere; empty when clean."""
        streams = list(self._streams)
        streams += [(f"log record {i}", text) for i, text in enumerate(self._logs.texts())]
        for stream, path in self._files:
            if path.exists():
                streams.append((stream, path.read_text(errors="replace")))
        needles = [(p.name, form) for p in self.planted for form in _forms(p.value)]
        found = []
        for stream, text in streams:
            found += [(stream, name) for name, needle in needles if needle in text]
        self.searched = (len(streams), sum(len(text) for _, text in streams))
        return sorted(set(found))

    def summary(self) -> str:
        """What was planted and searched, in one line (no secret in it)."""
        whole = sum(1 for p in self.planted if "(line " not in p.name)
        streams, chars = self.searched
        needles = len(self.planted)
        return f"{whole} secrets planted ({needles} needles), {streams} streams, {chars:,} characters"

    def assert_clean(self) -> None:
        assert self.planted, "nothing was planted: the search would prove nothing"
        found = self.hits()
        assert not found, "planted secrets leaked: " + "; ".join(
            f"{name} in {stream}" for stream, name in found
        )
        self._streams.clear()

    def check(self, stream: str, output: Any) -> None:
        """``watch`` then ``assert_clean`` for this output alone (cheap enough per hypothesis example)."""
        needles = [(p.name, form) for p in self.planted for form in _forms(p.value)]
        for label, text in _renderings(output):
            leaked = sorted({name for name, needle in needles if needle in text})
            assert not leaked, f"planted secrets leaked into {stream}{label}: {', '.join(leaked)}"

    # ------------------------------------------------------------------ fixture plumbing
    def start(self) -> None:
        root = logging.getLogger()
        self._old_level = root.level
        root.addHandler(self._logs)
        root.setLevel(logging.DEBUG)

    def stop(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self._logs)
        root.setLevel(self._old_level)


def _forms(value: str) -> set[str]:
    """The value as it would appear in text, JSON or a URL."""
    return {value, json.dumps(value)[1:-1], quote(value, safe=""), value.replace("\n", "\\n")}


def _renderings(output: Any) -> list[tuple[str, str]]:
    if isinstance(output, str):
        return [("", output)]
    if isinstance(output, bytes):
        return [("", output.decode("utf-8", "replace"))]
    rendered = [(" (repr)", repr(output))]
    with contextlib.suppress(TypeError, ValueError):
        rendered.append((" (json)", json.dumps(output, default=repr)))
    # not everything pickles; what does not cannot reach a pickled state either
    with contextlib.suppress(Exception):
        rendered.append((" (pickle)", pickle.dumps(output).decode("latin-1")))
    return rendered


@pytest.fixture
def secrets_harness() -> Iterator[SecretsHarness]:
    """A :class:`SecretsHarness`; every log record of the test is captured at DEBUG and everything
    watched is searched at teardown (a leak fails the test)."""
    harness = SecretsHarness()
    harness.start()
    try:
        yield harness
    finally:
        harness.stop()
    if harness.planted:
        harness.assert_clean()


# ---------------------------------------------------------------- OCI sign-in (issue 16), appended
EMULATOR_JWT_HEADER = "eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCIsICJraWQiOiAiYXN3In0"
"""The base64url header every token the emulator mints starts with (``{"alg": "RS256", ...}``): a
needle for tokens minted after planting (federation answers, rotated session tokens)."""


def plant_oci_sign_in(harness: SecretsHarness, env: dict[str, str]) -> None:
    """The OCI emulator's sign-in secrets: any token it mints, the instance's leaf certificate and key
    (from its metadata service), the resource principal's key, and every profile's key (session ones
    included) and pass phrase."""
    import urllib.request

    harness.plant_emulator(env)
    harness.plant("OCI emulator security token", EMULATOR_JWT_HEADER)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
    for name in ("cert.pem", "key.pem", "intermediate.pem"):
        request = urllib.request.Request(
            f"{env['IMAGEOPS_OCI_METADATA_BASE_URL']}/identity/{name}",
            headers={"Authorization": "Bearer Oracle"},
        )
        with opener.open(request, timeout=10) as response:
            harness.plant(f"OCI instance {name}", response.read().decode())
    key = Path(env["IMAGEOPS_OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"])
    harness.plant("OCI resource principal key", key.read_text())
