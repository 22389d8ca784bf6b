"""One secrets harness over every output stream, for the three clouds and both tools.

The demo accounts' secrets (OCI private keys and passphrase, OUTSCALE secret keys, Alibaba Cloud
secrets and STS token) and freshly planted wrong ones are given to the tools the way users give
them (module options, stack configuration); each tool is made to succeed, to be refused by the
cloud, and to reject bad input. Then ``ansible-playbook -vvvv`` output and results, every byte the
Pulumi provider server returned to the engine (outputs, errors) and its stderr, ``__provider``, the
log records of this process at DEBUG and the emulator's own log are searched: zero hits.
"""

from __future__ import annotations

import base64
import configparser
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imageops.emulator.testing import EmulatorHandle, running_emulator
from pulumi_images.harness import Engine, ProviderCallError, ProviderHarness

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ansible"))
from ansible_support import make_ansible_env, run_playbook

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmulatorHandle, Path]]:
    workdir = tmp_path_factory.mktemp("emulator-secrets")
    with running_emulator(time_scale=0.01, workdir=workdir) as handle:
        yield handle, workdir / "emulator.log"


def _oci_other(env: dict[str, str]) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(env["IMAGEOPS_OCI_CONFIG_FILE"])
    return dict(parser["OTHER"])


def test_ansible_vvvv_output_of_three_clouds_holds_no_secret(
    live: Any, secrets_harness: Any, tmp_path: Path
) -> None:
    handle, log = live
    env = handle.env
    secrets_harness.plant_emulator(env)
    planted = secrets_harness.plant_all_clouds(tmp_path)
    secrets_harness.watch_file("emulator log", log)
    oci = _oci_other(env)
    # Secrets come in as variables (an extra-vars file, as a vault would hold them): ansible-core 2.19
    # prints the playbook lines around a failed task, so a secret written in the playbook is echoed.
    secrets = {
        "oci_pass": oci["pass_phrase"],
        "oci_wrong_pass": planted.oci_pass_phrase,
        "osc_secret": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
        "osc_wrong_secret": planted.outscale_secret_key,
        "ali_secret": env["IMAGEOPS_ALICLOUD_ACCESS_KEY_SECRET"],
        "ali_sts_secret": env["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_SECRET"],
        "ali_token": env["IMAGEOPS_ALICLOUD_SECURITY_TOKEN"],
        "ali_wrong_secret": planted.alicloud_access_key_secret,
        "ali_wrong_token": planted.alicloud_security_token,
    }
    vars_file = tmp_path / "secrets.json"
    vars_file.write_text(json.dumps(secrets))
    oci_auth = (
        f'tenancy: "{oci["tenancy"]}"\n        api_user: "{oci["user"]}"\n'
        f'        api_user_fingerprint: "{oci["fingerprint"]}"\n'
        f'        api_user_key_file: "{oci["key_file"]}"'
    )
    osc_key, ali_key, ali_sts_key = (
        env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
        env["IMAGEOPS_ALICLOUD_ACCESS_KEY_ID"],
        env["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_ID"],
    )
    region = env["IMAGEOPS_ALICLOUD_REGION"]
    playbook = f"""\
- hosts: localhost
  gather_facts: false
  tasks:
    - name: oci encrypted key and its passphrase
      imageops.cloud.oci_image_info:
        {oci_auth}
        api_user_key_pass_phrase: "{{{{ oci_pass }}}}"
        compartment_id: "{env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"]}"
    - name: oci wrong passphrase
      imageops.cloud.oci_image_info:
        {oci_auth}
        api_user_key_pass_phrase: "{{{{ oci_wrong_pass }}}}"
        compartment_id: "{env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"]}"
      ignore_errors: true
    - name: oci bad input beside a passphrase
      imageops.cloud.oci_image:
        {oci_auth}
        api_user_key_pass_phrase: "{{{{ oci_pass }}}}"
        compartment_id: "{env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"]}"
        display_name: leaky
        launch_options: junk
        instance_id: "{env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"]}"
      ignore_errors: true
    - name: outscale secret key
      imageops.cloud.outscale_image_info:
        access_key: "{osc_key}"
        secret_key: "{{{{ osc_secret }}}}"
    - name: outscale wrong secret key
      imageops.cloud.outscale_image_info:
        access_key: "{osc_key}"
        secret_key: "{{{{ osc_wrong_secret }}}}"
      ignore_errors: true
    - name: outscale bad input beside a secret key
      imageops.cloud.outscale_image:
        access_key: "{osc_key}"
        secret_key: "{{{{ osc_secret }}}}"
        image_name: leaky
        vm_id: "{env["IMAGEOPS_OUTSCALE_VM_ID"]}"
        tags: 5
      ignore_errors: true
    - name: alicloud secret
      imageops.cloud.alicloud_image_info:
        alicloud_access_key: "{ali_key}"
        alicloud_secret_key: "{{{{ ali_secret }}}}"
        alicloud_region: "{region}"
    - name: alicloud STS token
      imageops.cloud.alicloud_image_info:
        alicloud_access_key: "{ali_sts_key}"
        alicloud_secret_key: "{{{{ ali_sts_secret }}}}"
        alicloud_security_token: "{{{{ ali_token }}}}"
        alicloud_region: "{region}"
    - name: alicloud wrong secret and token
      imageops.cloud.alicloud_image_info:
        alicloud_access_key: "{ali_key}"
        alicloud_secret_key: "{{{{ ali_wrong_secret }}}}"
        alicloud_security_token: "{{{{ ali_wrong_token }}}}"
        alicloud_region: "{region}"
      ignore_errors: true
    - name: alicloud bad input beside a secret
      imageops.cloud.alicloud_image:
        alicloud_access_key: "{ali_key}"
        alicloud_secret_key: "{{{{ ali_secret }}}}"
        alicloud_region: "{region}"
        image_name: leaky
        copy_from: true
      ignore_errors: true
"""
    ansible_env = make_ansible_env(handle, HOME=str(tmp_path))
    run = run_playbook(tmp_path, playbook, "-vvvv", "--diff", "-e", f"@{vars_file}", env=ansible_env)
    for name in (
        "oci encrypted key and its passphrase",
        "outscale secret key",
        "alicloud secret",
        "alicloud STS token",
    ):
        assert run.task(name)["status"] == "ok", run.task(name)
    for name in ("oci wrong passphrase", "outscale wrong secret key", "alicloud wrong secret and token"):
        assert run.task(name)["status"] == "failed", run.task(name)
    for name, option in (
        ("oci bad input beside a passphrase", "launch_options"),
        ("outscale bad input beside a secret key", "tags"),
        ("alicloud bad input beside a secret", "copy_from"),
    ):
        result = run.result(name)
        assert result["msg"].startswith("invalid options: ") and option in result["msg"], result
    assert len(run.output) > 20_000  # -vvvv really was verbose
    secrets_harness.watch("ansible-playbook -vvvv output", run.output)
    secrets_harness.watch("ansible results (callback)", run.results_json)
    assert not secrets_harness.hits()
    print(f"\nansible -vvvv, 3 clouds: {secrets_harness.summary()}, 0 hits")


def _pulumi_env(env: dict[str, str], home: Path) -> dict[str, str]:
    clouds = ("OCI_", "IMAGEOPS_", "OSC_", "ALIBABA_CLOUD_", "ALICLOUD_")
    child = {k: v for k, v in os.environ.items() if not k.startswith(clouds)}
    child["HOME"] = str(home)  # no CLI config files of the machine
    for name in ("IMAGEOPS_OCI_ENDPOINT", "IMAGEOPS_OUTSCALE_ENDPOINT", "IMAGEOPS_ALICLOUD_ENDPOINT"):
        child[name] = env[name]
    return child


def _pulumi_cases(env: dict[str, str], planted: Any) -> list[tuple[str, dict[str, str], dict[str, Any], str]]:
    """(cloud, stack config with the real secrets, inputs, config key to replace by a planted wrong one)."""
    oci = _oci_other(env)
    return [
        (
            "oci",
            {
                "imageops:ociTenancy": oci["tenancy"],
                "imageops:ociUser": oci["user"],
                "imageops:ociFingerprint": oci["fingerprint"],
                "imageops:ociKeyFile": oci["key_file"],
                "imageops:ociPassPhrase": oci["pass_phrase"],
                "imageops:ociRegion": env["IMAGEOPS_OCI_REGION"],
            },
            {
                "compartment_id": env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"],
                "instance_id": env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"],
                "display_name": "secrets-streams",
            },
            "imageops:ociPassPhrase",
        ),
        (
            "outscale",
            {
                "imageops:outscaleAccessKey": env["IMAGEOPS_OUTSCALE_ACCESS_KEY"],
                "imageops:outscaleSecretKey": env["IMAGEOPS_OUTSCALE_SECRET_KEY"],
                "imageops:outscaleRegion": env["IMAGEOPS_OUTSCALE_REGION"],
            },
            {"image_name": "secrets-streams", "vm_id": env["IMAGEOPS_OUTSCALE_VM_ID"], "no_reboot": True},
            "imageops:outscaleSecretKey",
        ),
        (
            "alicloud",
            {
                "imageops:alicloudAccessKeyId": env["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_ID"],
                "imageops:alicloudAccessKeySecret": env["IMAGEOPS_ALICLOUD_STS_ACCESS_KEY_SECRET"],
                "imageops:alicloudSecurityToken": env["IMAGEOPS_ALICLOUD_SECURITY_TOKEN"],
                "imageops:alicloudRegion": env["IMAGEOPS_ALICLOUD_REGION"],
            },
            {"image_name": "secrets-streams", "instance_id": env["IMAGEOPS_ALICLOUD_INSTANCE_ID"]},
            "imageops:alicloudAccessKeySecret",
        ),
    ]


def test_pulumi_engine_streams_of_three_clouds_hold_no_secret(
    live: Any, secrets_harness: Any, tmp_path: Path
) -> None:
    handle, log = live
    env = handle.env
    secrets_harness.plant_emulator(env)
    planted = secrets_harness.plant_all_clouds(tmp_path)
    secrets_harness.watch_file("emulator log", log)
    wrong = {
        "oci": planted.oci_pass_phrase,
        "outscale": planted.outscale_secret_key,
        "alicloud": planted.alicloud_access_key_secret,
    }
    child_env = _pulumi_env(env, tmp_path)
    for cloud, config, inputs, secret_key in _pulumi_cases(env, planted):
        with ProviderHarness(cloud, env=child_env, config=config) as harness:
            engine = Engine(harness)
            state, action = engine.up("secrets", inputs)
            assert action == "create" and state.id
            assert engine.refresh(state) is not None
            engine.destroy(state)
            secrets_harness.watch(f"Pulumi {cloud} outputs", state.outputs)
            secrets_harness.watch(f"Pulumi {cloud} __provider", base64.b64decode(harness.provider_blob))
            secrets_harness.watch(f"Pulumi {cloud} responses to the engine", b"\n".join(harness.received))
            secrets_harness.watch(f"Pulumi {cloud} provider stderr", harness.stderr())
        with ProviderHarness(cloud, env=child_env, config={**config, secret_key: wrong[cloud]}) as harness:
            with pytest.raises(ProviderCallError) as caught:
                Engine(harness).up(
                    "secrets-wrong",
                    {**inputs, "display_name" if cloud == "oci" else "image_name": "secrets-wrong-key"},
                )
            secrets_harness.watch(f"Pulumi {cloud} error to the engine", caught.value.details)
            secrets_harness.watch_exception(f"Pulumi {cloud} exception", caught.value)
            secrets_harness.watch(f"Pulumi {cloud} responses after a refusal", b"\n".join(harness.received))
            secrets_harness.watch(f"Pulumi {cloud} provider stderr after a refusal", harness.stderr())
    assert secrets_harness.planted and not secrets_harness.hits()
    print(f"\nPulumi engine streams, 3 clouds: {secrets_harness.summary()}, 0 hits")
