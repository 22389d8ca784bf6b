"""Acceptance: adding a field is one edit of a cloud's declaration plus ``make generate``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIELD = """
    backup_window: Literal["night", "day"] | None = in_place(
        description="When the image may be backed up.",
        doc="When the image may be backed up, C(night) or C(day).",
    )
"""


def test_a_new_field_reaches_ansible_pulumi_and_the_docs(tree):
    tree.edit(
        "shared/imageops/oci/spec.py",
        "    export_to: ExportTo | None = in_place(",
        FIELD.lstrip("\n") + "    export_to: ExportTo | None = in_place(",
    )
    written = tree.generate().stdout
    assert "plugins/modules/oci_image.py" in written and "pulumi_images/oci.py" in written

    # Ansible: the argument spec and what ansible-doc shows
    probe = tree.python(
        "-c",
        "import json; from ansible_collections.imageops.cloud.plugins.modules import oci_image as m; "
        "print(json.dumps(m.ARGUMENT_SPEC['backup_window']))",
    )
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout) == {"type": "str", "choices": ["night", "day"]}
    ansible_doc = Path(sys.executable).with_name("ansible-doc")
    shown = subprocess.run(
        [str(ansible_doc), "--json", "imageops.cloud.oci_image"],
        env=tree.env(ANSIBLE_COLLECTIONS_PATH=str(tree.root)), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    option = json.loads(shown.stdout)["imageops.cloud.oci_image"]["doc"]["options"]["backup_window"]
    assert option["choices"] == ["night", "day"]
    assert "When the image may be backed up" in option["description"][0]
    assert option["description"][-1] == "Changes in place."

    # Pulumi: an input of ImageArgs with its type and docstring, and an output of Image
    probe = tree.python(
        "-c",
        "import inspect, pulumi_images.oci as m; "
        "p = inspect.signature(m.ImageArgs.__init__).parameters['backup_window']; "
        "print(p.annotation); print(m.ImageArgs.backup_window.__doc__); "
        "print('backup_window' in m.OUTPUT_NAMES)",
    )
    assert probe.returncode == 0, probe.stderr
    annotation, *doc_and_output = probe.stdout.strip().splitlines()
    assert annotation == "pulumi.Input[str] | None"
    assert "When the image may be backed up, ``night`` or ``day``." in "\n".join(doc_and_output)
    assert "Changes in place." in "\n".join(doc_and_output)
    assert doc_and_output[-1] == "True"

    # the reference page
    page = (tree.root / "docs" / "reference" / "oci.md").read_text()
    assert "| `backup_window` | one of `night`, `day` | in place | When the image may be backed up. |" in page

    # and the check that make test runs now passes in the copy, and fails on a stale one
    assert tree.python("-m", "imageops.codegen", "--check", "--root", str(tree.root)).returncode == 0
    tree.edit("docs/reference/oci.md", "When the image may be backed up.", "Stale words.")
    stale = tree.python("-m", "imageops.codegen", "--check", "--root", str(tree.root))
    assert stale.returncode == 1 and "docs/reference/oci.md" in stale.stdout
