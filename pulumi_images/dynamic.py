"""``python -m pulumi_images.dynamic``: Pulumi's Python dynamic-provider server, able to import by id.

The engine runs every Python dynamic resource through the plugin ``pulumi-resource-pulumi-python``,
a shell script shipped next to the ``pulumi`` binary that starts ``python -m pulumi.dynamic``. That
server finds the provider of each call in the ``__provider`` property (the pickled provider the
SDK registered). ``pulumi import`` and ``ResourceOptions(import_=...)`` send a ``Read`` with the id
only -- no outputs, no inputs, so no ``__provider`` -- and the stock server fails with
``KeyError: '__provider'`` before any provider code runs.

This module is that same server (its servicer class, its gRPC options, its protocol: the port on
stdout), with two additions: it serves :data:`MAX_CALLS` calls at once (the stock server, 4), and a
``Read`` that carries no ``__provider`` gets this package's :class:`~pulumi_images.ImageProvider` for
the cloud named by the resource type (``pulumi-python:dynamic/oci:Image``), else by the id (OCI
``ocid1.image.``, OUTSCALE ``ami-``, Alibaba Cloud ``m-``). The read's outputs and inputs then carry
that provider as ``__provider``, so the following Check, Diff and every later call go through the
stock path unchanged. The provider is configured from the stack configuration and the environment
exactly as any other call.

Make the engine use it with the plugin script in ``pulumi_images/plugin/`` (see ``docs/pulumi.md``):
``Pulumi.yaml`` ``plugins: providers: [{name: pulumi-python, path: <that directory>}]``, or that
directory first on ``PATH``.

pulumi's ``pulumi/dynamic/__main__.py`` starts its server at import (a bare ``main()`` call at the end
of the module), so its servicer is loaded here from the module's source without that last call.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import types
from concurrent import futures
from pathlib import Path
from threading import Event
from typing import Any

import grpc
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from imageops import registry
from pulumi_images._provider import CONNECTIONS, PROVIDER_KEY, ImageProvider

__all__ = ["ImportingServicer", "cloud_of", "main"]

RESOURCE_TYPE = re.compile(r"::pulumi-python:dynamic/(?P<cloud>[a-z]+):Image::")
ID_PREFIXES: dict[str, str] = {
    schema.id_prefix: schema.cloud for schema in map(registry.schema, registry.clouds()) if schema.id_prefix
}
"""How each cloud's image ids begin (its declared ``id_prefix``) -> the cloud, for an import whose
resource type does not say."""
MAX_CALLS = 32
"""Calls served at once. The stock server serves 4, so a fan-out's 20 copies (``pulumi_images.fan_out``),
which the engine starts together, would run 4 at a time; each call mostly waits on the cloud."""


def _stock_server() -> types.ModuleType:
    """``pulumi.dynamic.__main__`` without its trailing ``main()`` call (which would serve forever)."""
    spec = importlib.util.find_spec("pulumi.dynamic.__main__")
    if spec is None or spec.origin is None:
        raise ImportError("pulumi.dynamic.__main__ not found: is the pulumi SDK installed?")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"), spec.origin)
    tree.body = [node for node in tree.body if not _is_bare_main_call(node)]
    module = types.ModuleType("pulumi_images._stock_dynamic_server")
    module.__file__ = spec.origin
    exec(compile(tree, spec.origin, "exec"), module.__dict__)  # the SDK's own source, minus main()
    return module


def _is_bare_main_call(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "main"
    )


_stock = _stock_server()


def cloud_of(urn: str, image_id: str) -> str | None:
    """The cloud of a resource to import: from its type in the URN, else from the id's shape."""
    match = RESOURCE_TYPE.search(urn)
    if match and match["cloud"] in CONNECTIONS:
        return match["cloud"]
    return next((cloud for prefix, cloud in ID_PREFIXES.items() if image_id.startswith(prefix)), None)


class ImportingServicer(_stock.DynamicResourceProviderServicer):  # type: ignore[name-defined]
    """The stock servicer; a ``Read`` without ``__provider`` (an import) gets ours for the cloud."""

    def Read(self, request: provider_pb2.ReadRequest, context: grpc.ServicerContext) -> Any:
        props = rpc.deserialize_properties(request.properties)
        inputs = rpc.deserialize_properties(request.inputs)
        if PROVIDER_KEY not in props and PROVIDER_KEY not in inputs:
            cloud = cloud_of(request.urn, request.id)
            if cloud is None:
                context.abort(  # raises
                    grpc.StatusCode.INVALID_ARGUMENT,
                    f"cannot import {request.id!r}: the type is not a pulumi_images Image and the id is "
                    f"none of {', '.join(ID_PREFIXES)}...",
                )
            else:
                request = _with_provider(request, serialize_provider(ImageProvider(cloud)))
        return super().Read(request, context)


def _with_provider(request: provider_pb2.ReadRequest, blob: str) -> provider_pb2.ReadRequest:
    """A copy of ``request`` whose inputs carry ``__provider`` (and whose properties are empty, so the
    stock ``Read`` takes the inputs: an import has no old outputs)."""
    copy = provider_pb2.ReadRequest()
    copy.CopyFrom(request)
    copy.ClearField("properties")
    copy.inputs.update({PROVIDER_KEY: blob})
    return copy


def main() -> None:
    """Serve on a free loopback port and print it, as ``python -m pulumi.dynamic`` does."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=MAX_CALLS), options=_stock._GRPC_CHANNEL_OPTIONS
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(ImportingServicer(), server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    server.start()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.flush()
    try:
        Event().wait()
    except KeyboardInterrupt:
        server.stop(0)


if __name__ == "__main__":
    main()
