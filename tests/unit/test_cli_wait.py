"""``imageops image wait`` against the emulator: exit codes, progress lines, the rich bar."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imageops import cli, cli_wait
from imageops.alicloud import AlicloudImageSpec, connect
from imageops.emulator import testing

SHARED = str(Path(__file__).resolve().parents[2] / "shared")


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # time scale 0.02: an ECS import (30 s waiting + 5 min) takes 6.6 s, long enough to be still
    # running when the command has started on a loaded machine (at 0.005 it sometimes was not)
    with testing.running_emulator(time_scale=0.02, workdir=tmp_path_factory.mktemp("cli-wait")) as handle:
        yield handle


def start_import(env: dict[str, str], obj: str | None = None) -> str:
    """An ECS import, left running (no wait): its id."""
    spec = AlicloudImageSpec.parse(
        {
            "image_name": f"cli-wait-{uuid.uuid4().hex[:8]}",
            "import_from": {
                "oss_bucket": env["IMAGEOPS_ALICLOUD_OSS_BUCKET"],
                "oss_object": obj or env["IMAGEOPS_ALICLOUD_OSS_OBJECT"],
            },
        }
    )
    with connect(
        access_key_id=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        access_key_secret=env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        region=env["IMAGEOPS_ALICLOUD_REGION"],
        endpoint=env["IMAGEOPS_ALICLOUD_ENDPOINT"],
    ) as driver:
        return driver.create(spec).id


def wait_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The console command as a user runs it: credentials as the Alibaba Cloud CLI finds them."""
    child = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))},
        **testing.cli_environment(env),
        "IMAGEOPS_ALICLOUD_ENDPOINT": env["IMAGEOPS_ALICLOUD_ENDPOINT"],
        "PYTHONPATH": SHARED,
    }
    command = [sys.executable, "-m", "imageops", "image", "wait", *args, "--cloud", "alicloud"]
    return subprocess.run(command, env=child, capture_output=True, text=True, timeout=60, check=False)


def test_waits_until_available_printing_a_line_per_state_change(emu: Any) -> None:
    image_id = start_import(emu.env)
    done = wait_cli(emu.env, image_id, "--timeout", "30")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{image_id} Available\n"
    lines = done.stderr.splitlines()
    assert all(line.startswith(f"{image_id} ") for line in lines), lines
    states = [line.split()[1] for line in lines]
    assert states[-1] == "Available" and lines[-1].split()[2] == "100%"
    assert "Creating" in states or "Waiting" in states  # seen on its way, not only at the end
    assert len(lines) == len(set(lines)) >= 2  # one line per change, never a repeated poll


def test_a_failed_image_exits_1(emu: Any) -> None:
    image_id = start_import(emu.env, emu.env["IMAGEOPS_ALICLOUD_BROKEN_OSS_OBJECT"])
    done = wait_cli(emu.env, image_id, "--timeout", "30")
    assert done.returncode == 1
    assert f"image {image_id} failed (CreateFailed)" in done.stderr
    assert done.stderr.splitlines()[-2].split()[1] == "CreateFailed"


def test_a_timeout_exits_3_with_the_last_state(emu: Any) -> None:
    image_id = start_import(emu.env)
    done = wait_cli(emu.env, image_id, "--timeout", "0.3")
    assert done.returncode == 3
    assert done.stdout.split()[0] == image_id and done.stdout.split()[1] in ("Waiting", "Creating")
    assert "timeout: image" in done.stderr and "still" in done.stderr


def test_an_unknown_image_exits_1_and_bad_usage_exits_2(emu: Any) -> None:
    done = wait_cli(emu.env, "m-bp1doesnotexist000000", "--timeout", "5")
    assert done.returncode == 1 and "disappeared" in done.stderr
    assert wait_cli(emu.env, "m-x", "--timeout", "-1").returncode == 2


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_rich_draws_a_bar(emu: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rich")
    for key, value in testing.cli_environment(emu.env).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("IMAGEOPS_ALICLOUD_ENDPOINT", emu.env["IMAGEOPS_ALICLOUD_ENDPOINT"])
    image_id = start_import(emu.env)
    argv = ["image", "wait", image_id, "--cloud", "alicloud", "--timeout", "30"]
    args = cli.build_parser().parse_args(argv)
    out, err = io.StringIO(), Terminal()
    assert cli_wait.run(args, out=out, err=err) == 0
    assert out.getvalue() == f"{image_id} Available\n"
    drawn = err.getvalue()
    assert "\x1b[" in drawn and "━" in drawn  # a live bar with ANSI control codes
    assert "100%" in drawn and f"{image_id} Available" in drawn
    assert isinstance(cli_wait.display_for(Terminal(), "x", plain=True), cli_wait.PlainDisplay)
    assert isinstance(cli_wait.display_for(io.StringIO(), "x", plain=False), cli_wait.PlainDisplay)
