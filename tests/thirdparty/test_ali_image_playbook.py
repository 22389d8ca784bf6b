"""The community ``ali_image`` / ``ali_image_info`` modules (PyPI ``ansible-alicloud`` 1.20 over
``footmark``), unchanged, in a playbook run by ``ansible-playbook`` in proxy mode: footmark has no
endpoint setting and always calls ECS's real hostname, so the only redirection is HTTPS_PROXY and the
CA bundle from the emulator's env file. Create with ``wait: true``, info, delete, info again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imageops.emulator.testing import EmulatorHandle

from .conftest import SOAK, Tool, proxy_env

PLAYBOOK = Path(__file__).parent / "playbooks" / "ali_image.yml"


def modules_dir(venv: Path) -> Path:
    """ansible-alicloud installs its modules inside the ``ansible`` package, outside any collection."""
    (found,) = venv.glob("lib/python3*/site-packages/ansible/modules/cloud/alicloud")
    return found


def run_playbook(tool: Tool, proxied: EmulatorHandle, name: str, result_file: Path) -> dict:
    env = proxied.env
    extra = {
        **proxy_env(proxied),
        # the module's own documented variables for credentials and region
        "ALICLOUD_ACCESS_KEY": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        "ALICLOUD_SECRET_KEY": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "ALICLOUD_REGION": env["IMAGEOPS_ALICLOUD_REGION"],
        "ANSIBLE_LIBRARY": str(modules_dir(tool.venv)),
        "ANSIBLE_PYTHON_INTERPRETER": tool.bin("python"),
        "ANSIBLE_NOCOLOR": "1",
        "THIRDPARTY_INSTANCE_ID": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"],
        "THIRDPARTY_IMAGE_NAME": name,
        "THIRDPARTY_RESULT_FILE": str(result_file),
    }
    command = [tool.bin("ansible-playbook"), "-i", "localhost,", "-c", "local", str(PLAYBOOK)]
    tool.run(command, extra_env=extra, timeout=300)
    return json.loads(result_file.read_text())


def test_ali_image_creates_waits_reads_and_deletes_through_the_proxy(tool, proxied, tmp_path):
    since = proxied.mark()
    results = run_playbook(tool, proxied, "ali-image-thirdparty", tmp_path / "results.json")

    created = results["created"]
    assert created["changed"] and created["image"]["image_name"] == "ali-image-thirdparty"
    assert created["image"]["status"] == "Available", "wait: true returned before the image was ready"
    image_id = created["image"]["id"]
    assert results["info"]["image_ids"] == [image_id]
    assert [i["image_id"] for i in results["info"]["images"]] == [image_id]
    assert results["deleted"]["changed"] and results["deleted"]["image_id"] == image_id
    assert results["after"]["images"] == []

    calls = proxied.calls(since, cloud="alicloud")
    writes = [c["action"] for c in calls if not c["action"].startswith("Describe")]
    assert writes == ["CreateImage", "DeleteImage"]
    assert {c["account"] for c in calls} == {proxied.env["IMAGEOPS_ALICLOUD_ACCOUNT_ID"]}
    assert not proxied.calls(since, cloud="proxy"), "footmark asked for a host the emulator does not serve"


@pytest.mark.soak
@pytest.mark.skipif(not SOAK, reason="full scale: make soak (IMAGEOPS_SOAK=1)")
def test_soak_ten_playbook_runs_leave_nothing_behind(tool, proxied, tmp_path):
    since = proxied.mark()
    for n in range(10):
        results = run_playbook(tool, proxied, f"ali-image-soak-{n}", tmp_path / f"results-{n}.json")
        assert results["created"]["image"]["status"] == "Available" and results["after"]["images"] == []
    actions = [c["action"] for c in proxied.calls(since, cloud="alicloud")]
    assert actions.count("CreateImage") == actions.count("DeleteImage") == 10
