"""The emulator's key pool (``IMAGEOPS_EMULATOR_KEY_POOL``, :func:`imageops.emulator.oci_auth.generate_key`):
keys distinct within a process, the same n-th key in the next process, a damaged file made again, and
new keys every time without the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from imageops.emulator.oci_auth import KEY_POOL_VARIABLE

FINGERPRINTS = (
    "import json; from imageops.emulator.oci_auth import fingerprint, generate_key; "
    "print(json.dumps([fingerprint(generate_key()) for _ in range(3)]))"
)


def fingerprints(pool: Path | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != KEY_POOL_VARIABLE}
    if pool is not None:
        env[KEY_POOL_VARIABLE] = str(pool)
    proc = subprocess.run([sys.executable, "-c", FINGERPRINTS], env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout)


def test_a_pool_gives_distinct_keys_within_a_process_and_the_same_ones_to_the_next(tmp_path: Path) -> None:
    pool = tmp_path / "pool"
    first = fingerprints(pool)
    assert len(set(first)) == 3
    assert sorted(p.name for p in pool.iterdir()) == ["key-000.pem", "key-001.pem", "key-002.pem"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in pool.iterdir())
    assert pool.stat().st_mode & 0o777 == 0o700
    assert fingerprints(pool) == first


def test_a_damaged_pool_key_is_made_again(tmp_path: Path) -> None:
    pool = tmp_path / "pool"
    first = fingerprints(pool)
    (pool / "key-001.pem").write_text("-----BEGIN PRIVATE KEY-----\ncut short")
    again = fingerprints(pool)
    assert again[0] == first[0] and again[2] == first[2]
    assert again[1] != first[1] and len(set(again)) == 3
    assert fingerprints(pool) == again


def test_without_a_pool_every_key_is_new() -> None:
    assert len(set(fingerprints(None) + fingerprints(None))) == 6


def test_a_pool_that_cannot_be_written_still_gives_distinct_keys(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert len(set(fingerprints(blocked / "pool"))) == 3
