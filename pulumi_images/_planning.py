"""What a change means, without any API call: ``check`` (the spec's validation) and ``diff`` (the
reconciler's plan against the image rebuilt from the old outputs).

Part of :class:`pulumi_images._provider.ImageProvider`. Every spec field is decided by
:func:`imageops.reconcile.plan`, the same plan Ansible's check and diff modes show (blocks the cloud
reports richer than given included, by :func:`imageops.reconcile.covers`); what is added here is the
engine's own business: connection inputs (another region is another image), values not known yet in
a preview, create-only inputs set or unset since the last run (the engine knows the old inputs
exactly), and whether the replacement must be created after the old image is deleted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, DiffResult
from pulumi.output import Unknown

import imageops.reconcile as reconcile
from imageops import registry
from imageops.errors import ConfigError, SpecError
from imageops.model import Image
from imageops.redact import redact
from imageops.spec import ImageSpec, Update
from imageops.timeouts import check_wait_timeout, timeout_errors
from pulumi_images._connecting import Connecting
from pulumi_images._values import (
    CALL_SETTINGS,
    IMPORTED,
    PROVIDER_KEY,
    TIMEOUTS,
    UNKNOWN,
    WAIT_TIMEOUT,
    _plain,
    is_unknown,
)

__all__ = ["Planning"]


class Planning(Connecting):
    """``check`` and ``diff`` of the provider, and the state they rebuild from old outputs."""

    def _spec_input(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The spec's part of a property bag: no connection inputs, no ``__provider``, no nulls."""
        fields = self.spec_type.model_fields
        connection_only = (n for n in self.connection.inputs if n not in fields)
        skip = {PROVIDER_KEY, IMPORTED, *CALL_SETTINGS, *connection_only}
        return {k: _plain(v) for k, v in props.items() if k not in skip and v is not None}

    def _spec_fields_of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        fields = self.spec_type.model_fields
        return {k: _plain(v) for k, v in props.items() if k in fields and v is not None}

    def _parse(self, props: Mapping[str, Any]) -> ImageSpec:
        # Outputs declared on the resource class arrive as null inputs; anything else unknown to the
        # spec is reported by the spec itself.
        return self.spec_type.parse(self._spec_input(props))

    def _previous(self, olds: Mapping[str, Any]) -> ImageSpec | None:
        """The last applied create-only inputs, recovered from the old outputs.

        Only the ``input_only`` fields are kept: every other output is overlaid by what the cloud
        reports (a description ``""``, default launch permissions...), which is not what was given,
        and the plan compares those fields with the cloud anyway. Kept, they would read as "set
        before, unset now" and make a change on every ``up``. An imported image has none: nothing
        was given for it.
        """
        if _plain(olds.get(IMPORTED)):
            return None
        spec = self._previous_outputs(olds)
        if spec is None:
            return None
        reported = [name for name in spec.given() if name not in self.connection.input_only]
        return spec.model_copy(update=dict.fromkeys(reported)) if reported else spec

    def _previous_outputs(self, olds: Mapping[str, Any], *, key_only: bool = False) -> ImageSpec | None:
        """The spec the old outputs parse to, leaving out the fields that make them invalid;
        ``key_only``: each field checked alone, without the rules only a create needs (a source)."""
        data = self._spec_fields_of(olds)
        for name in self.connection.computed:
            data.pop(name, None)  # the cloud's view, not what was given
        parse = self.spec_type.parse_key if key_only else self.spec_type.parse
        for _ in range(len(data) + 1):
            try:
                return parse(data)
            except SpecError as exc:
                bad = {f.split(".")[0] for f, _ in exc.errors} & set(data)
                if not bad:
                    return None
                for name in bad:
                    data.pop(name)
        return None

    def _image_from_outputs(self, image_id: str, olds: Mapping[str, Any]) -> Image:
        skip = {PROVIDER_KEY, *self.connection.input_only}
        attrs = {k: _plain(v) for k, v in olds.items() if k not in skip}
        conn = self.connection
        raw = str(attrs.get(conn.state_output) or "AVAILABLE")
        names = [attrs.get(name) for name in (*conn.name_outputs, "name")]
        return Image(
            cloud=self.cloud,
            id=image_id,
            name=next((n for n in names if n), None),
            region=attrs.get("region") if isinstance(attrs.get("region"), str) else None,
            state=registry.normalise_state(self.cloud, raw),
            raw_state=raw,
            attributes=attrs,
        )

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        unknown = {k for k, v in news.items() if is_unknown(v)}
        # Inputs read by `pulumi import`: the cloud never reports the source an image was made from.
        imported = news.get(IMPORTED) is True
        data = {k: v for k, v in self._spec_input(news).items() if k not in unknown}
        try:
            self.spec_type.parse(data)
        except SpecError as exc:
            for name, rule in exc.errors:
                if name.split(".")[0] in unknown:
                    continue  # decided at apply time, once the value is known
                if "is required" in rule and (imported or unknown & set(self.spec_type.model_fields)):
                    continue  # a required-one-of rule may be met by a value not yet known
                if any(re.search(rf"\b{re.escape(other)}\b", rule) for other in unknown):
                    continue  # a rule naming a value not yet known ("only valid with vm_id")
                failures.append(CheckFailure(name, redact(rule)))
        except Exception as exc:  # never raise from check: the engine wants failures
            failures.append(CheckFailure("", redact(str(exc))))
        timeout = news.get(WAIT_TIMEOUT)
        if timeout is not None and not is_unknown(timeout):
            try:
                check_wait_timeout(_plain(timeout), WAIT_TIMEOUT)  # the core's rule, as Ansible's
            except SpecError as exc:
                failures.extend(CheckFailure(name, rule) for name, rule in exc.errors)
        failures.extend(CheckFailure(name, rule) for name, rule in self._timeouts_errors(news.get(TIMEOUTS)))
        schema = registry.schema(self.cloud)
        for name in self.connection.inputs:
            value = news.get(name)
            if value is None or is_unknown(value):
                continue
            try:
                schema.setting(name).coerce(_plain(value), f"input {name}")
            except ConfigError as exc:
                failures.append(CheckFailure(name, redact(str(exc))))
        return CheckResult(news, failures)

    def _timeouts_errors(self, value: Any) -> list[tuple[str, str]]:
        """``(field, rule)`` for each problem of a ``timeouts`` block, by the core's rule (unknown
        values wait for apply)."""
        if value is None or isinstance(value, Unknown) or value == UNKNOWN:
            return []
        value = _plain(value)
        if isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if not is_unknown(v)}
        return timeout_errors(self.spec_type, timeouts=value)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        from pulumi_images._provider import _guard

        with _guard("diff"):
            return self._diff(id_, olds, news)

    def _diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        spec_cls = self.spec_type
        conn = self.connection
        replaces: set[str] = set()
        changes: set[str] = set()

        imported = bool(_plain(olds.get(IMPORTED)))
        # Connection inputs: the region is where the image lives; the rest only says how to reach it.
        for name in (*conn.inputs, *CALL_SETTINGS):
            if name in spec_cls.model_fields:
                continue  # also desired state (a region the cloud reports): the plan compares it
            new, old = news.get(name), olds.get(name)
            if new == old:
                continue  # a removed setting falls back to stack config / environment: a change
            if imported and old is None:
                continue  # the import found the image as configured: the program's setting is that
            (replaces if name in conn.replace else changes).add(name)

        unknown = {k for k, v in news.items() if is_unknown(v) and k in spec_cls.model_fields}
        for name in unknown:
            if spec_cls.update_mode(name) is Update.REPLACE:
                replaces.add(name)
            else:
                changes.add(name)

        known = {k: v for k, v in news.items() if k not in unknown}
        # An unknown field takes its old value for planning the rest (it is already in the sets).
        for name in unknown:
            if name in olds:
                known[name] = olds[name]
        desired = spec_cls.parse(self._spec_input(known))
        observed = self._image_from_outputs(id_, olds)
        previous = self._previous(olds)
        the_plan = reconcile.plan(desired, observed, previous=previous, purge_tags=True)
        for change in the_plan.changes:
            if change.field not in unknown:
                (replaces if change.replace else changes).add(change.field)

        # Create-only fields the cloud does not report: the plan compares them with ``previous`` only
        # when both sides are set; Pulumi knows the old inputs exactly, so set <-> unset counts too.
        new_given = desired.given()
        for name in conn.input_only:
            if name in unknown:
                continue
            if imported and _plain(olds.get(name)) is None:
                continue  # an imported image's source is not known: the program's is taken as given
            if _plain(olds.get(name)) != new_given.get(name):
                (replaces if spec_cls.update_mode(name) is Update.REPLACE else changes).add(name)

        if not replaces and not changes:
            return DiffResult(
                changes=False, replaces=[], stables=self._stables(), delete_before_replace=False
            )
        delete_first = bool(replaces) and self._key_collides(desired, olds, news)
        return DiffResult(
            changes=True,
            replaces=sorted(replaces),
            stables=self._stables(),
            delete_before_replace=delete_first,
        )

    def _stables(self) -> list[str]:
        return sorted(self.spec_type.fields_by_mode(Update.REPLACE))

    def _key_collides(self, desired: ImageSpec, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Would the replacement carry the old image's idempotency key? Then it must be created after
        the old one is deleted, or the create would find (and adopt) the old image."""
        key = desired.lookup_key()
        if key is None:
            return False
        for name in self.connection.replace:  # another region: another namespace of keys
            if news.get(name) is not None and news.get(name) != olds.get(name):
                return False
        # An unset key part ("" or None: the connection's default, checked above) matches any.
        return all(not value or olds.get(name) == value for name, value in key.items())
