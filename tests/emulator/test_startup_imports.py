"""The emulator starts without the clouds' core packages.

The emulator speaks each cloud's protocol with its own modules (``imageops.emulator.<cloud>*``); of a
cloud's core package it needs only the name of its emulator module, which
:func:`imageops.registry.emulator_module` reads from the declaration's source. Importing the
package instead (``registry.schema``) runs its ``__init__``: the driver, the HTTP client, the signer
and, for AWS, botocore, once about 0.3 s of the 0.7 s of CPU every emulator start costs, and the
test suite starts many. botocore and moto stay out too: the AWS part imports them on its first
request (SigV4 checks, EC2), not at start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imageops import registry
from imageops.emulator.oci_auth import KEY_POOL_VARIABLE
from imageops.emulator.testing import READY_TIMEOUT, key_pool

CLOUD_PACKAGES = tuple(f"imageops.{cloud}" for cloud in registry.clouds())
CLIENT_STACK = ("botocore", "moto", "httpx", "imageops.transport", "imageops.credentials")

# `imageops emulator serve` as `python -m imageops` runs it, with a thread that copies sys.modules
# once the env file says the emulator is ready. Not -X importtime: it does not log what
# importlib.import_module imports (the registry's lookups, the emulator's cloud modules).
SERVE = """
import json, sys, threading, time
from pathlib import Path

env_file, out = Path(sys.argv[1]), Path(sys.argv[2])

def snapshot():
    while not env_file.exists():
        time.sleep(0.005)
    part = out.with_suffix(".part")
    part.write_text(json.dumps(sorted(sys.modules.copy())))
    part.replace(out)

threading.Thread(target=snapshot, daemon=True).start()
from imageops.cli import main
sys.exit(main(sys.argv[3:]))
"""


def _forbidden(modules: set[str] | list[str]) -> list[str]:
    """Which of the cloud packages and the client stack ``modules`` holds (or any module of)."""
    return sorted(
        {
            banned
            for module in modules
            for banned in (*CLOUD_PACKAGES, *CLIENT_STACK)
            if module == banned or module.startswith(banned + ".")
        }
    )


def _modules_at_start(tmp_path: Path) -> set[str]:
    env_file, out, log = tmp_path / "emulator.env", tmp_path / "modules.json", tmp_path / "emulator.log"
    args = ["emulator", "serve", "--host", "127.0.0.1", "--port", "0", "--env-file", str(env_file)]
    args += ["--data-dir", str(tmp_path / "data")]
    env = dict(os.environ)
    env.setdefault(KEY_POOL_VARIABLE, str(key_pool()))
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(env_file), str(out), *args],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        try:
            deadline = time.monotonic() + READY_TIMEOUT
            while not out.exists():
                assert process.poll() is None, (
                    f"the emulator exited: {log.read_text(errors='replace')[-2000:]}"
                )
                assert time.monotonic() < deadline, "the emulator did not start in time"
                time.sleep(0.02)
            return set(json.loads(out.read_text()))
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.e2e
def test_the_emulator_process_starts_without_any_clouds_core_or_client_stack(tmp_path: Path) -> None:
    imported = _modules_at_start(tmp_path)
    expected = {
        "uvicorn",
        "imageops.registry",
        *filter(None, map(registry.emulator_module, registry.clouds())),
    }
    assert expected <= imported, f"the snapshot lacks {sorted(expected - imported)}: not taken right?"
    assert not _forbidden(imported), (
        "the emulator's start imports a cloud's core package or the client stack; read what it needs "
        f"without them (registry.emulator_module): {_forbidden(imported)}"
    )


LOOKUP = """
import json, sys
from imageops import registry
modules = {cloud: registry.emulator_module(cloud) for cloud in registry.clouds()}
print(json.dumps({"modules": modules, "imported": sorted(sys.modules)}))
"""


def test_emulator_module_is_what_each_declaration_says_and_imports_no_cloud() -> None:
    done = subprocess.run([sys.executable, "-c", LOOKUP], capture_output=True, text=True, check=True)
    found = json.loads(done.stdout)
    assert found["modules"] == {cloud: registry.schema(cloud).emulator for cloud in registry.clouds()}
    assert not _forbidden(set(found["imported"]))


@pytest.mark.parametrize(
    ("source", "declared"),
    [
        ('SCHEMA = CloudSchema(cloud="x", emulator="imageops.emulator.x")', "imageops.emulator.x"),
        ('SCHEMA = CloudSchema(cloud="x", emulator=None)', None),
        ('SCHEMA = CloudSchema(cloud="x")', None),
        ('SCHEMA: CloudSchema = CloudSchema(cloud="x", emulator="e")', LookupError),
        ('SCHEMA = CloudSchema(cloud="x", emulator=PREFIX + "x")', LookupError),
        ('SCHEMA = CloudSchema(cloud="x", **OPTIONS)', LookupError),
        ('SCHEMA = CloudSchema("x", "X", "x_image")', LookupError),
        ("SCHEMA = make_schema()", LookupError),
        (
            'SCHEMA = CloudSchema(cloud="x", emulator="e")\nSCHEMA = replace(SCHEMA, emulator=None)',
            LookupError,
        ),
        ('SCHEMA = CloudSchema(cloud="x", emulator="e")\nif FLAG:\n    SCHEMA = OTHER', LookupError),
        ('SCHEMA = CloudSchema(cloud="x", emulator="e")\nfrom elsewhere import SCHEMA', LookupError),
        ("from elsewhere import SCHEMA", LookupError),
    ],
)
def test_only_a_plain_declaration_is_read_from_source(source: str, declared: object) -> None:
    if declared is LookupError:
        with pytest.raises(LookupError):
            registry._literal_emulator(source)
    else:
        assert registry._literal_emulator(source) == declared


def test_a_declaration_not_read_from_source_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    cloud = registry.clouds()[0]
    declared = registry.schema(cloud)
    monkeypatch.delitem(sys.modules, f"imageops.{cloud}.schema")
    monkeypatch.setattr(registry, "_schema_source", lambda package: "SCHEMA = make_schema()\n")
    monkeypatch.setattr(registry, "schema", lambda name: declared if name == cloud else None)
    assert registry.emulator_module(cloud) == declared.emulator
    monkeypatch.setattr(registry, "_schema_source", lambda package: "this is not python\n")
    assert registry.emulator_module(cloud) == declared.emulator
