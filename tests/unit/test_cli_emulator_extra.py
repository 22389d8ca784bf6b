"""Without the ``[emulator]`` extra, ``imageops emulator serve`` says in one line what to install."""

from __future__ import annotations

import sys

import pytest

from imageops import cli


@pytest.mark.parametrize("missing", ["starlette", "uvicorn"])
def test_serve_without_the_extra_names_the_install_command(monkeypatch, capsys, missing):
    for name in [
        m
        for m in sys.modules
        if m == missing or m.startswith(f"{missing}.") or m.startswith("imageops.emulator")
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)  # importing it now raises ModuleNotFoundError
    assert cli.main(["emulator", "serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"needs {missing}" in err and "pip install 'imageops[emulator]'" in err
