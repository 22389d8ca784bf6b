"""Drive a dynamic provider the way the Pulumi engine does, without an engine.

:class:`ProviderHarness` starts the real dynamic-provider plugin server (``python -m pulumi.dynamic``,
which prints its port on stdout) as a subprocess and speaks the ``pulumirpc.ResourceProvider`` gRPC
protocol to it: ``Configure``, ``Check``, ``Diff``, ``Create``, ``Read``, ``Update``, ``Delete``, with
``google.protobuf.Struct`` properties carrying ``__provider`` = the provider serialized exactly as the
SDK does it (:func:`pulumi.dynamic.dynamic.serialize_provider`: dill + base64). Every byte it receives
(responses and error details) is kept in :attr:`ProviderHarness.received`, so tests can assert that no
secret ever comes back.

:class:`Engine` sequences those calls as ``pulumi up`` / ``refresh`` / ``destroy`` would for one
resource (check -> create; check -> diff -> update or replace; read; delete), with the engine's
state kept in :class:`ResourceState`.

``server=IMPORTING_SERVER`` starts ``python -m pulumi_images.dynamic`` instead (the stock server plus
import by id, see :mod:`pulumi_images.dynamic`); ``server=[path]`` any plugin executable, e.g. the
``pulumi-resource-pulumi-python`` script of ``pulumi_images/plugin/``.

Used by ``tests/pulumi`` and by ``examples/pulumi/run_with_harness.py`` (``make demo`` without a
``pulumi`` CLI).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.proto.provider_pb2_grpc import ResourceProviderStub

import imageops
import pulumi_images
from pulumi_images._provider import PROVIDER_KEY, ImageProvider

__all__ = [
    "IMPORTING_SERVER",
    "STOCK_SERVER",
    "UNKNOWN",
    "CheckFailed",
    "Engine",
    "ProviderCallError",
    "ProviderHarness",
    "ResourceState",
    "resource_urn",
]

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# ``-u`` as the CLI's plugin script runs it: the server writes its port without a flush, so without
# it (or PYTHONUNBUFFERED in the caller's environment) the port stays in the pipe's buffer.
STOCK_SERVER = (sys.executable, "-u", "-m", "pulumi.dynamic")
"""The dynamic-provider server the pulumi CLI's ``pulumi-resource-pulumi-python`` starts."""
IMPORTING_SERVER = (sys.executable, "-u", "-m", "pulumi_images.dynamic")
"""The same server, able to serve a Read without ``__provider`` (``pulumi import``)."""


def resource_type(cloud: str) -> str:
    """The type the SDK registers ``pulumi_images.<cloud>.Image`` under (module = the cloud)."""
    return f"pulumi-python:dynamic/{cloud}:Image"


def resource_urn(name: str, cloud: str = "oci", stack: str = "dev", project: str = "imageops") -> str:
    return f"urn:pulumi:{stack}::{project}::{resource_type(cloud)}::{name}"


class ProviderCallError(Exception):
    """The provider server answered a call with a gRPC error."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str):
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed ({code.name}): {details}")


class CheckFailed(Exception):
    """``Check`` returned failures: ``failures`` is a list of ``(property, reason)``."""

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures
        super().__init__("; ".join(f"{p}: {r}" for p, r in failures))


def to_struct(props: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(props)
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(struct)


class ProviderHarness:
    """One ``python -m pulumi.dynamic`` subprocess and a gRPC stub to it. Use as a context manager.

    ``env`` is the subprocess's environment (default: this process's); ``config`` is the stack
    configuration sent with ``Configure`` (e.g. ``{"imageops:ociProfile": "OTHER"}``).
    """

    def __init__(
        self,
        cloud: str = "oci",
        *,
        env: dict[str, str] | None = None,
        config: dict[str, Any] | None = None,
        start_timeout: float = 30.0,
        call_timeout: float = 120.0,
        server: Sequence[str] = STOCK_SERVER,
        provider_blob: str | None = None,
    ) -> None:
        self.cloud = cloud
        self.server = tuple(server)
        self.env = dict(os.environ if env is None else env)
        self.config = dict(config or {})
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        # the ``__provider`` the program registered (a neutral image's), else the cloud's own
        self.provider_blob = provider_blob or serialize_provider(ImageProvider(cloud))
        self.received: list[bytes] = []
        self.calls: list[str] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: ResourceProviderStub | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept for stderr() after close

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> ProviderHarness:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _child_env(self) -> dict[str, str]:
        """The server must import this very ``pulumi_images`` (and ``imageops``) to unpickle the
        provider, whatever the working directory or the state of an editable install."""
        env = dict(self.env)
        roots = [str(Path(pulumi_images.__file__).resolve().parents[1])]
        roots.append(str(Path(imageops.__file__).resolve().parents[1]))
        parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([*roots, *parts]))
        return env

    def start(self) -> None:
        self._proc = subprocess.Popen(
            list(self.server),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=self._child_env(),
        )
        try:
            port = self._read_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self._channel).result(timeout=self.start_timeout)
            self._stub = ResourceProviderStub(self._channel)
            self.configure(self.config)
        except BaseException:
            self.close()
            raise

    def _read_port(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        stdout = self._proc.stdout
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        text = line[0].decode().strip() if line else ""
        if not text.isdigit():
            raise RuntimeError(f"the dynamic provider server did not start: {text!r} {self.stderr()!r}")
        return int(text)

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()

    # ------------------------------------------------------------------ raw calls
    def _call(self, method: str, request: Any) -> Any:
        assert self._stub is not None, "harness not started"
        self.calls.append(method)
        try:
            response = getattr(self._stub, method)(request, timeout=self.call_timeout)
        except grpc.RpcError as exc:
            details = exc.details() or ""
            self.received.append(details.encode())
            raise ProviderCallError(method, exc.code(), details) from None
        self.received.append(response.SerializeToString())
        return response

    def with_provider(self, props: dict[str, Any] | None) -> dict[str, Any]:
        """``props`` with ``__provider`` added, as the SDK registers every dynamic resource."""
        return {**(props or {}), PROVIDER_KEY: self.provider_blob}

    def configure(self, config: dict[str, Any]) -> provider_pb2.ConfigureResponse:
        request = provider_pb2.ConfigureRequest(
            args=to_struct(config),
            variables={k: v if isinstance(v, str) else str(v) for k, v in config.items()},
            acceptSecrets=True,
            acceptResources=True,
        )
        return self._call("Configure", request)

    def check(
        self, urn: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """-> (inputs, failures as (property, reason))."""
        request = provider_pb2.CheckRequest(
            urn=urn,
            olds=to_struct(self.with_provider(olds) if olds else {}),
            news=to_struct(self.with_provider(news)),
        )
        response = self._call("Check", request)
        failures = [(f.property, f.reason) for f in response.failures]
        return from_struct(response.inputs), failures

    def diff(
        self, id_: str, urn: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> provider_pb2.DiffResponse:
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=urn,
            olds=to_struct(self.with_provider(olds)),
            news=to_struct(self.with_provider(news)),
        )
        return self._call("Diff", request)

    def create(self, urn: str, props: dict[str, Any], timeout: float = 0) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=urn, properties=to_struct(self.with_provider(props)), timeout=timeout
        )
        response = self._call("Create", request)
        return response.id, from_struct(response.properties)

    def read(
        self,
        id_: str,
        urn: str,
        props: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Refresh (``props`` = old outputs) or get/import (``props`` None, ``inputs`` = the resource's
        inputs). -> (id, outputs, inputs or None); id ``""`` means the resource is gone."""
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=urn,
            properties=to_struct(self.with_provider(props) if props is not None else {}),
            inputs=to_struct(self.with_provider(inputs) if inputs is not None else {}),
        )
        response = self._call("Read", request)
        new_inputs = from_struct(response.inputs) if response.HasField("inputs") else None
        return response.id, from_struct(response.properties), new_inputs

    def read_without_provider(
        self, id_: str, urn: str
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """The Read of ``pulumi import`` and ``import_``: the id alone, no outputs, no inputs."""
        response = self._call("Read", provider_pb2.ReadRequest(id=id_, urn=urn))
        new_inputs = from_struct(response.inputs) if response.HasField("inputs") else None
        return response.id, from_struct(response.properties), new_inputs

    def update(
        self, id_: str, urn: str, olds: dict[str, Any], news: dict[str, Any], timeout: float = 0
    ) -> dict[str, Any]:
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=urn,
            olds=to_struct(self.with_provider(olds)),
            news=to_struct(self.with_provider(news)),
            timeout=timeout,
        )
        return from_struct(self._call("Update", request).properties)

    def delete(self, id_: str, urn: str, props: dict[str, Any], timeout: float = 0) -> None:
        request = provider_pb2.DeleteRequest(
            id=id_, urn=urn, properties=to_struct(self.with_provider(props)), timeout=timeout
        )
        self._call("Delete", request)


@dataclass
class ResourceState:
    """What the engine keeps for one resource: id, checked inputs and outputs."""

    urn: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    history: list[str] = field(default_factory=list)


class Engine:
    """The engine's sequence of provider calls for one resource at a time."""

    def __init__(self, harness: ProviderHarness, log: Any = None) -> None:
        self.harness = harness
        self.log = log or (lambda _msg: None)

    def urn(self, name: str) -> str:
        return resource_urn(name, self.harness.cloud)

    def up(
        self, name: str, inputs: dict[str, Any], state: ResourceState | None = None
    ) -> tuple[ResourceState, str]:
        """One resource's part of ``pulumi up``. -> (new state, "create"|"same"|"update"|"replace")."""
        h = self.harness
        urn = state.urn if state else self.urn(name)
        checked, failures = h.check(urn, state.inputs if state else {}, inputs)
        if failures:
            raise CheckFailed(failures)
        if state is None:
            id_, outs = h.create(urn, checked)
            self.log(f"create {name}: {id_}")
            return ResourceState(urn, id_, checked, outs, ["create"]), "create"
        diff = h.diff(state.id, urn, state.outputs, checked)
        if diff.changes == provider_pb2.DiffResponse.DIFF_NONE:
            self.log(f"same {name}: no changes")
            return ResourceState(urn, state.id, checked, state.outputs, [*state.history, "same"]), "same"
        if diff.replaces:
            self.log(f"replace {name}: {', '.join(diff.replaces)} (delete first: {diff.deleteBeforeReplace})")
            if diff.deleteBeforeReplace:
                h.delete(state.id, urn, state.outputs)
                id_, outs = h.create(urn, checked)
            else:
                id_, outs = h.create(urn, checked)
                h.delete(state.id, urn, state.outputs)
            return ResourceState(urn, id_, checked, outs, [*state.history, "replace"]), "replace"
        outs = h.update(state.id, urn, state.outputs, checked)
        self.log(f"update {name}: {state.id}")
        return ResourceState(urn, state.id, checked, outs, [*state.history, "update"]), "update"

    def preview(self, state: ResourceState, inputs: dict[str, Any]) -> provider_pb2.DiffResponse:
        """Check + Diff only, as ``pulumi preview`` does for an existing resource."""
        checked, failures = self.harness.check(state.urn, state.inputs, inputs)
        if failures:
            raise CheckFailed(failures)
        return self.harness.diff(state.id, state.urn, state.outputs, checked)

    def refresh(self, state: ResourceState) -> ResourceState | None:
        id_, outs, inputs = self.harness.read(state.id, state.urn, state.outputs, state.inputs)
        if not id_:
            self.log(f"refresh {state.urn}: gone")
            return None
        new_inputs = inputs if inputs is not None else state.inputs
        return ResourceState(state.urn, id_, new_inputs, outs, state.history)

    def get(self, name: str, id_: str, inputs: dict[str, Any] | None = None) -> ResourceState | None:
        """``Image.get(name, id)`` / ``ResourceOptions(id=...)``: a Read with the inputs only."""
        urn = self.urn(name)
        got_id, outs, new_inputs = self.harness.read(id_, urn, None, inputs or {})
        if not got_id:
            return None
        return ResourceState(urn, got_id, new_inputs or {}, outs, ["read"])

    def import_(
        self, name: str, id_: str, inputs: dict[str, Any]
    ) -> tuple[ResourceState, provider_pb2.DiffResponse]:
        """``Image(name, ..., opts=ResourceOptions(import_=id_))``: Read (id only), then Check of the
        program's inputs against the read inputs, then Diff against the read outputs. The engine
        fails the import unless the diff is DIFF_NONE; the caller asserts it."""
        h = self.harness
        urn = self.urn(name)
        got_id, outs, read_inputs = h.read_without_provider(id_, urn)
        if not got_id:
            raise ProviderCallError("Read", grpc.StatusCode.NOT_FOUND, f"resource '{id_}' does not exist")
        provider_free = {k: v for k, v in (read_inputs or {}).items() if k != PROVIDER_KEY}
        checked, failures = h.check(urn, provider_free, inputs)
        if failures:
            raise CheckFailed(failures)
        diff = h.diff(got_id, urn, outs, checked)
        return ResourceState(urn, got_id, checked, outs, ["import"]), diff

    def pulumi_import(self, name: str, id_: str) -> ResourceState:
        """``pulumi import <type> <name> <id>``: Read (id only), then Check of the read inputs."""
        h = self.harness
        urn = self.urn(name)
        got_id, outs, read_inputs = h.read_without_provider(id_, urn)
        if not got_id or read_inputs is None:
            raise ProviderCallError("Read", grpc.StatusCode.NOT_FOUND, f"resource '{id_}' does not exist")
        provider_free = {k: v for k, v in read_inputs.items() if k != PROVIDER_KEY}
        checked, failures = h.check(urn, provider_free, provider_free)
        if failures:
            raise CheckFailed(failures)
        return ResourceState(urn, got_id, checked, outs, ["import"])

    def destroy(self, state: ResourceState, *, quiet: bool = False) -> None:
        """Delete, as ``pulumi destroy``; ``quiet`` for a repeat that checks gone is a success."""
        self.harness.delete(state.id, state.urn, state.outputs)
        if not quiet:
            self.log(f"delete {state.urn}: {state.id}")
