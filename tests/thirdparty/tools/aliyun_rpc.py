"""Run one ``aliyun-python-sdk-ecs`` request (the older RPC client) and print its answer as JSON.

Runs in the third-party venv, not ours: ``python aliyun_rpc.py CreateImageRequest '{"ImageName": "x"}'``.
Parameters go through the request class's own ``set_<Name>`` setters, so a name the SDK does not
know fails here, as it would in a user's script. Credentials and the endpoint come from the
environment (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, ALIBABA_CLOUD_REGION_ID, ECS_ENDPOINT).
On a ServerException it prints the error's code, message and HTTP status and exits 3.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from urllib.parse import urlparse

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient


def build(name: str, params: dict) -> object:
    module = importlib.import_module(f"aliyunsdkecs.request.v20140526.{name}")
    request = getattr(module, name)()
    for key, value in params.items():
        getattr(request, f"set_{key}")(value)
    endpoint = urlparse(os.environ["ECS_ENDPOINT"])
    request.set_endpoint(endpoint.netloc)  # as a user points the SDK at a VPC or private endpoint
    request.set_protocol_type(endpoint.scheme)
    return request


def main(name: str, raw_params: str) -> int:
    client = AcsClient(
        os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
        os.environ["ALIBABA_CLOUD_REGION_ID"],
    )
    try:
        answer = client.do_action_with_exception(build(name, json.loads(raw_params)))
    except ServerException as exc:
        print(
            json.dumps(
                {
                    "Code": exc.get_error_code(),
                    "Message": exc.get_error_msg(),
                    "HttpStatus": exc.get_http_status(),
                }
            )
        )
        return 3
    print(answer.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"))
