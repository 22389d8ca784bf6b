"""The provider of :class:`pulumi_images.Image`: neutral inputs in, the cloud's provider underneath.

:class:`NeutralImageProvider` is the generic :class:`~pulumi_images._provider.ImageProvider` of the
image's cloud with a translation at each edge and nothing else: every call maps the neutral inputs
(``cloud``, ``name``, ``description``, ``source``, ``tags``, ``region``, ``cloud_options``) to the
cloud's own inputs with :func:`imageops.neutral.to_cloud`, lets the cloud's provider do the work
(lookup, plan, apply, wait; ``diff`` still makes no API call), and turns the answer into neutral
outputs. The cloud's own outputs are kept whole in the ``attributes`` output, which is also what the
next ``diff``/``update``/``delete`` hands back to the cloud's provider as its old outputs.

Pickled into the state like its base: it holds the cloud's name only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from imageops import neutral
from imageops.errors import SpecError
from imageops.redact import redact
from pulumi_images._provider import (
    CALL_SETTINGS,
    CONNECTIONS,
    ImageProvider,
    _guard,
    _plain,
    is_unknown,
)

NEUTRAL_INPUTS = ("cloud", "name", "description", "source", "tags", "region", "cloud_options")
ATTRIBUTES = "attributes"
# Connection inputs every cloud takes under the same name (the region is a neutral input).
SHARED_CONNECTION = tuple(
    name
    for name in next(iter(CONNECTIONS.values())).inputs
    if all(name in c.inputs for c in CONNECTIONS.values())
)


def _unknown_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths of the values not known until apply (preview), for skipping their checks."""
    if isinstance(value, Mapping):
        return [p for key, item in value.items() for p in _unknown_paths(item, f"{path}.{key}".lstrip("."))]
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value) for p in _unknown_paths(item, f"{path}.{i}")]
    return [path] if is_unknown(value) else []


def _overlaps(path: str, others: list[str]) -> bool:
    return any(path == o or path.startswith(o + ".") or o.startswith(path + ".") for o in others)


class NeutralImageProvider(ImageProvider):
    """``ImageProvider`` for one cloud, spoken to in neutral inputs and answering neutral outputs."""

    # ------------------------------------------------------------------ translation
    @staticmethod
    def _neutral_input(props: Mapping[str, Any]) -> dict[str, Any]:
        return {k: _plain(props[k]) for k in NEUTRAL_INPUTS if props.get(k) is not None}

    def _mapped(self, props: Mapping[str, Any]) -> neutral.CloudInput:
        data = self._neutral_input(props)
        data["cloud"] = self.cloud  # the provider's cloud; a change of cloud is a replace (see diff)
        return neutral.to_cloud(data)

    def _cloud_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The cloud provider's inputs for neutral inputs: mapped fields, region, connection, waits."""
        mapped = self._mapped(props)
        cloud_props = {**mapped.fields, **mapped.settings}
        for name in (*SHARED_CONNECTION, *CALL_SETTINGS):
            if props.get(name) is not None and name != "region":
                cloud_props[name] = props[name]
        return cloud_props

    @staticmethod
    def _cloud_outputs(outs: Mapping[str, Any]) -> dict[str, Any]:
        """The cloud provider's own outputs, kept whole in ``attributes``."""
        return dict(_plain(outs.get(ATTRIBUTES)) or {})

    def _neutral_outputs(self, id_: str, props: Mapping[str, Any], cloud_outs: Mapping[str, Any]) -> dict:
        view = neutral.view(self._image_from_outputs(id_, cloud_outs))
        outs = {
            k: _plain(v)
            for k, v in props.items()
            if k in (*NEUTRAL_INPUTS, *SHARED_CONNECTION, *CALL_SETTINGS)
        }
        outs = {k: v for k, v in outs.items() if v is not None}
        outs.update(
            cloud=self.cloud,
            name=view["name"],
            state=view["state"],
            raw_state=view["raw_state"],
            tags=view["tags"],
            attributes=dict(cloud_outs),
        )
        if view["region"]:
            outs["region"] = view["region"]
        if cloud_outs.get("description") not in (None, ""):
            outs["description"] = cloud_outs["description"]
        return outs

    def _neutral_name(self, mapped: neutral.CloudInput, cloud_field: str) -> str:
        """The top-level neutral input a cloud input comes from (what the engine shows as changed)."""
        if cloud_field in (*self.connection.inputs, *CALL_SETTINGS):
            return cloud_field
        return mapped.neutral_path(cloud_field).split(".")[0]

    # ------------------------------------------------------------------ check / diff
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        data = self._neutral_input(news)
        if news.get("wait_timeout") is not None:
            data["wait_timeout"] = _plain(news["wait_timeout"])  # a neutral field too: checked there
        unknown = _unknown_paths(data)
        try:
            neutral.cloud_spec(data)
        except SpecError as exc:
            for path, rule in exc.errors:
                if not _overlaps(path, unknown):  # an unknown value is checked at apply time
                    failures.append(CheckFailure(path, redact(rule)))
        except Exception as exc:  # never raise from check: the engine wants failures
            failures.append(CheckFailure("", redact(str(exc))))
        if data.get("cloud") not in (None, self.cloud) and "cloud" not in unknown:
            failures.append(CheckFailure("cloud", f"this resource's provider manages {self.cloud} images"))
        for name in SHARED_CONNECTION:
            value = news.get(name)
            if value is not None and not is_unknown(value) and not isinstance(value, str):
                failures.append(CheckFailure(name, "must be a string"))
        return CheckResult(news, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        with _guard("diff"):
            if _plain(olds.get("cloud")) != _plain(news.get("cloud")):
                return DiffResult(changes=True, replaces=["cloud"], stables=[], delete_before_replace=False)
            mapped = self._mapped(news)
            # a cloud field the new inputs no longer set (the old source) is named by the old inputs
            mapped.paths = {**self._mapped(olds).paths, **mapped.paths}
            inner = super()._diff(id_, self._cloud_outputs(olds), self._cloud_props(news))
            return DiffResult(
                changes=inner.changes,
                replaces=sorted({self._neutral_name(mapped, f) for f in inner.replaces or []}),
                stables=sorted({"cloud", *(self._neutral_name(mapped, f) for f in inner.stables or [])}),
                delete_before_replace=inner.delete_before_replace,
            )

    # ------------------------------------------------------------------ CRUD
    def create(self, props: dict[str, Any]) -> CreateResult:
        with _guard("create"):
            neutral.cloud_spec(self._neutral_input(props))  # errors under the neutral names
            result = super().create(self._cloud_props(props))
            return CreateResult(result.id, self._neutral_outputs(result.id, props, result.outs or {}))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with _guard("update"):
            neutral.cloud_spec(self._neutral_input(news))
            result = super().update(id_, self._cloud_outputs(olds), self._cloud_props(news))
            return UpdateResult(self._neutral_outputs(id_, news, result.outs or {}))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        super().delete(id_, self._cloud_outputs(props) or self._cloud_props(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh (``props`` = the old outputs, with ``attributes``) or ``Image.get`` (``props`` =
        the connection inputs): the cloud provider reads, the answer comes back neutral."""
        refresh = bool(self._cloud_outputs(props))
        with _guard("read"):
            cloud_props = self._cloud_outputs(props) if refresh else self._cloud_props(props)
        result = super().read(id_, cloud_props)
        if not result.id:
            return ReadResult("", {})
        outs = self._neutral_outputs(result.id, props, result.outs or {})
        if refresh:
            return ReadResult(result.id, outs)
        inputs = {
            k: v for k, v in props.items() if k in (*SHARED_CONNECTION, *CALL_SETTINGS) and v is not None
        }
        inputs.update({k: outs[k] for k in ("cloud", "name", "tags", "region") if outs.get(k)})
        return ReadResult(result.id, outs, inputs)
