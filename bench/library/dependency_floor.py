#!/usr/bin/python
"""Benchmark-only Ansible module: the least a module built on the core's dependencies does per run.

The peer of a converged ``*_image`` task on the module path (``bench/ansible_task_time.py``). It
imports what every imageops module process must: pydantic and httpx, the product's declared
dependencies, plus the signing library a cloud's requests need (``signer_imports``). Then it
validates one constrained field with one pydantic model, makes one GET over an httpx client without
a CA store (as ``imageops.transport.LazyTlsTransport`` does for a plain-HTTP endpoint) and exits
unchanged. None of the imageops core is imported. Its time over ``ping``'s is the floor of the
module path: no image module can cost less while it keeps those dependencies.
"""

from __future__ import annotations

import importlib
import sys

# what image_module does too: httpx's command-line client is never needed by a module
sys.modules.setdefault("httpx._main", None)

import httpx  # noqa: E402
from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402


class Desired(BaseModel):
    name: str = Field(min_length=1, max_length=128)


def main() -> None:
    module = AnsibleModule(
        argument_spec={"name": {"type": "str", "required": True}, "url": {"type": "str", "required": True},
                       "signer_imports": {"type": "list", "elements": "str", "default": []}},
        supports_check_mode=True,
    )
    for name in module.params["signer_imports"]:  # e.g. botocore.auth for AWS, cryptography's RSA for OCI
        importlib.import_module(name)
    Desired.model_validate({"name": module.params["name"]})
    with httpx.Client(transport=httpx.HTTPTransport(verify=False)) as client:
        status = client.get(module.params["url"]).status_code
    # the floor is only a floor while nothing of the core comes with it
    core_loaded = sorted(name for name in sys.modules if name == "imageops" or name.startswith("imageops."))
    module.exit_json(changed=False, status=status, core_loaded=core_loaded)


if __name__ == "__main__":
    main()
