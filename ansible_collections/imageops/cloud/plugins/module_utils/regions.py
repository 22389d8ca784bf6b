# Copyright: imageops contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0)
"""The ``regions`` option of the managing modules whose cloud copies images between regions.

:class:`~ansible_collections.imageops.cloud.plugins.module_utils.image_module.ImageModule` hands a run
with ``regions`` here: the core's :mod:`imageops.fanout` makes the image present in (or, with
``state=absent``, deletes it from) every region, and the result reports each region apart. A failed
region fails the task with a message naming it, while every other region is kept.
"""

from __future__ import annotations

DEFAULT_MAX_PARALLEL = 20


def regions_argument_spec():
    return dict(
        regions=dict(type="list", elements="str"),
        max_parallel=dict(type="int", default=DEFAULT_MAX_PARALLEL),
    )


def _connect(module):
    from imageops import fanout

    settings = {key: value for key, value in module.auth_settings().items() if value is not None}
    return fanout.connector(module.cloud, **settings)


def _without_progress(summary):
    summary.pop("progress", None)
    return summary


def _progress(result):
    events = [event for outcome in result.regions.values() for event in outcome.progress]
    return [event.as_dict() for event in sorted(events, key=lambda event: event.at)]


def run_regions(module):
    """``state=present``: the image in every region; ``absent``: gone from every region."""
    # imported here, once the module base has checked that the core is installed
    from imageops import fanout
    from imageops.reconcile import Action

    p = module.params
    if p.get("image_id"):
        module.fail_json(msg="regions and image_id are mutually exclusive: regions find each image by name")
    common = dict(
        max_parallel=p["max_parallel"],
        check_mode=module.check_mode,
        wait=p["wait"],
        timeout=module.wait_timeout(Action.DELETE if p["state"] == "absent" else Action.CREATE),
    )
    if p["state"] == "absent":
        result = fanout.remove(module.key_spec(), p["regions"], _connect(module), **common)
    else:
        result = fanout.fan_out(
            module.desired(),
            p["regions"],
            _connect(module),
            purge_tags=p["purge_tags"],
            allow_replace=p["allow_replace"],
            **common,
        )
    existed = [
        name
        for name, outcome in result.regions.items()
        if outcome.action in ("update", "replace", "delete") or (outcome.action == "noop" and outcome.image)
    ]
    after = list(result.regions) if p["state"] == "present" else []
    source = result.source
    out = dict(
        changed=result.changed,
        action=source.action,
        # each region's progress is in the one ``progress`` list (its entries name their region)
        regions={name: _without_progress(outcome.as_dict()) for name, outcome in result.regions.items()},
        image=module.image_result(source.image) if p["state"] == "present" else {},
        progress=_progress(result),
        diff=dict(before=dict(regions=existed), after=dict(regions=after)),
    )
    if result.failed:
        module.fail_json(msg=result.failure_message(), failed_regions=result.failed, **out)
    return out
