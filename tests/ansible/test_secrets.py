"""No passphrase and no line of a private key ever reaches Ansible's output, even at -vvvv."""

from __future__ import annotations

import configparser
from pathlib import Path


def _profile(emulator, name: str) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(emulator.env["IMAGEOPS_OCI_CONFIG_FILE"])
    return dict(parser[name])


def test_no_secret_in_verbose_output(play, emulator):
    other = _profile(emulator, "OTHER")
    default = _profile(emulator, "DEFAULT")
    pass_phrase = other["pass_phrase"]
    assert pass_phrase
    env = emulator.env
    run = play(
        f"""\
- hosts: localhost
  gather_facts: false
  vars:
    compartment_id: "{env["IMAGEOPS_OCI_OTHER_COMPARTMENT_ID"]}"
  tasks:
    - name: profile with an encrypted key
      imageops.cloud.oci_image:
        config_profile_name: OTHER
        compartment_id: "{{{{ compartment_id }}}}"
        instance_id: "{env["IMAGEOPS_OCI_OTHER_INSTANCE_ID"]}"
        display_name: secret-keeper
    - name: explicit key and passphrase
      imageops.cloud.oci_image_info:
        tenancy: "{other["tenancy"]}"
        api_user: "{other["user"]}"
        api_user_fingerprint: "{other["fingerprint"]}"
        api_user_key_file: "{other["key_file"]}"
        api_user_key_pass_phrase: "{pass_phrase}"
        compartment_id: "{{{{ compartment_id }}}}"
        display_name: secret-keeper
    - name: explicit, with a wrong passphrase
      imageops.cloud.oci_image_info:
        tenancy: "{other["tenancy"]}"
        api_user: "{other["user"]}"
        api_user_fingerprint: "{other["fingerprint"]}"
        api_user_key_file: "{other["key_file"]}"
        api_user_key_pass_phrase: "{pass_phrase[::-1]}"
        compartment_id: "{{{{ compartment_id }}}}"
      ignore_errors: true
    - name: a cloud error in the other account
      imageops.cloud.oci_image:
        config_profile_name: OTHER
        api_user_key_pass_phrase: "{pass_phrase}"
        compartment_id: "{{{{ compartment_id }}}}"
        instance_id: "{env["IMAGEOPS_OCI_INSTANCE_ID"]}"
        display_name: not-my-instance
      ignore_errors: true
""",
        "-vvvv",
        "--diff",
    )
    assert run.task("profile with an encrypted key")["status"] == "changed"
    found = run.result("explicit key and passphrase")["images"]
    assert [i["display_name"] for i in found] == ["secret-keeper"]
    assert run.task("explicit, with a wrong passphrase")["status"] == "failed"
    cloud_error = run.task("a cloud error in the other account")
    assert cloud_error["status"] == "failed"
    assert cloud_error["result"]["error"]["request_id"], cloud_error["result"]
    assert cloud_error["result"]["error"]["code"], cloud_error["result"]

    everything = run.output + run.results_json
    assert "pass_phrase is wrong" in run.result("explicit, with a wrong passphrase")["msg"]
    assert cloud_error["result"]["error"]["request_id"] in cloud_error["result"]["msg"]
    assert len(run.output) > 10_000  # -vvvv really was verbose
    for secret in (pass_phrase, pass_phrase[::-1]):
        assert secret not in everything
    for key_file in (other["key_file"], default["key_file"]):
        pem_lines = [line.strip() for line in Path(key_file).read_text().splitlines() if line.strip()]
        assert len(pem_lines) > 5
        for line in pem_lines:
            assert line not in everything, f"a line of {key_file} leaked: {line[:12]}..."
