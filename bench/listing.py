"""Listing: with 10,000 images in the account, finding one by name is one call, and listing them all
is exactly ceil(N / the API's largest page) calls, per cloud, through the core and through Ansible.

Seeding: the core creates one image per cloud on an emulator with a state file; the emulator is
stopped, that image's record is copied N times in the state file (new ids, names
``bench-list-00000``...), and the emulator restarts from it, as ``--state-file`` promises.

Then, per cloud, with the calls counted by the emulator:

* the idempotency lookup (``driver.find``, and a converged ``*_image`` task) uses the API's name
  filter: exactly 1 call (OCI ListImages ``displayName``, OUTSCALE ReadImages ``Filters.ImageNames``,
  ECS DescribeImages ``ImageName``);
* the ``*_image_info`` module given a name: exactly 1 call;
* a full listing (``driver.list``, and the info module without a name): exactly ceil(N / page)
  calls, N being what the list call returns in that scope (counted separately through the API layer)
  and page the API's maximum (OCI ``limit`` 1000, OUTSCALE ``ResultsPerPage`` 1000, ECS ``PageSize`` 100).

    .venv/bin/python bench/listing.py [--images 10000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _common import (
    CLOUD_TITLES,
    CLOUDS,
    LIST_ACTIONS,
    Section,
    command_line,
    connect,
    info_args,
    module_args,
    pages,
    play,
    run_playbook,
    spec,
    tool_env,
)

from imageops import registry
from imageops.emulator.testing import EmulatorHandle, running_emulator

MAX_PAGE = {"oci": 1000, "outscale": 1000, "alicloud": 100}
TEMPLATE = "bench-list-template"


def clone(cloud: str, record: dict[str, Any], index: int) -> dict[str, Any]:
    """A copy of ``record`` (an image in the emulator's state) as a distinct image number ``index``."""
    name = f"bench-list-{index:05d}"
    copy = json.loads(json.dumps(record))
    if cloud == "oci":
        copy["id"] = record["id"][:-10] + f"{index:010d}"
        copy["displayName"] = name
        copy["_created"] = record["_created"] - index / 1000
        return copy
    if cloud == "outscale":
        copy["ImageId"] = f"ami-{0x10000000 + index:08x}"
        copy["ImageName"] = name
        copy["FileLocation"] = f"{record['AccountId']}/{name}"
        return copy
    copy["ImageId"] = f"m-bench{index:013d}"
    copy["ImageName"] = name
    copy["_created"] = record["_created"] - index / 1000
    return copy


def image_key(cloud: str) -> str:
    return {"oci": "id", "outscale": "ImageId", "alicloud": "ImageId"}[cloud]


@contextlib.contextmanager
def seeded_emulator(images: int) -> Iterator[EmulatorHandle]:
    """An emulator whose demo account holds ``images`` + 1 images per cloud."""
    with tempfile.TemporaryDirectory(prefix="imageops-bench-list-") as workdir:
        state_file = Path(workdir) / "state.json"
        templates = {}
        with running_emulator(time_scale=0.0, state_file=state_file) as emu:
            env = tool_env(emu.env)
            for cloud in CLOUDS:
                with connect(cloud, env) as driver:
                    templates[cloud] = driver.create(spec(cloud, env, TEMPLATE)).id
        state = json.loads(state_file.read_text())
        for cloud in CLOUDS:
            records = state[cloud]["images"]
            template = records[templates[cloud]]
            for index in range(images):
                copy = clone(cloud, template, index)
                records[copy[image_key(cloud)]] = copy
        state_file.write_text(json.dumps(state))
        with running_emulator(time_scale=0.0, state_file=state_file) as emu:
            yield emu


def api_total(cloud: str, driver: Any, env: dict[str, str]) -> int:
    """How many images the listing call returns in the listing's scope, all pages followed."""
    page = MAX_PAGE[cloud]
    if cloud == "oci":
        return sum(1 for _ in driver.api.iter_images(env["IMAGEOPS_OCI_COMPARTMENT_ID"], limit=page))
    if cloud == "outscale":
        return len(driver.api.read_images({"AccountIds": [driver.account_id()]}, per_page=page))
    # ECS answers with TotalCount: one call is enough (the same scope as the driver's listing)
    from imageops.alicloud.api import ALL_STATUSES

    answer = driver.api.call("DescribeImages", {"RegionId": env["IMAGEOPS_ALICLOUD_REGION"], "PageSize": 1,
                                                "ImageOwnerAlias": "self", "Status": ALL_STATUSES})
    return int(answer["TotalCount"])


def key_fields(cloud: str, env: dict[str, str]) -> dict[str, Any]:
    if cloud == "oci":
        return {"compartment_id": env["IMAGEOPS_OCI_COMPARTMENT_ID"]}
    if cloud == "alicloud":
        return {"region": env["IMAGEOPS_ALICLOUD_REGION"]}
    return {}


def list_calls(emu: EmulatorHandle, mark: int, cloud: str) -> tuple[int, int]:
    """(list calls, any other calls) since ``mark``."""
    calls = emu.calls(since=mark, cloud=cloud)
    listed = sum(1 for c in calls if c["action"] == LIST_ACTIONS[cloud] and c["status"] == 200)
    return listed, len(calls) - listed


#: Calls a full listing makes besides the list calls: ReadImages has no "mine" filter (without
#: ``AccountIds`` it lists every public OMI too), so OUTSCALE reads the account id first.
FULL_LISTING_EXTRA = {"oci": 0, "outscale": 1, "alicloud": 0}


def measure(emu: EmulatorHandle, images: int) -> dict[str, list[dict[str, Any]]]:
    """Every cloud's rows. The Ansible checks run once for the three clouds (one task each in one
    playbook): the call log tells the clouds apart."""
    env = tool_env(emu.env)
    name = f"bench-list-{images // 2:05d}"
    rows: dict[str, list[dict[str, Any]]] = {cloud: [] for cloud in CLOUDS}

    def core(cloud: str, call: Any) -> Any:
        with connect(cloud, env) as driver:  # a fresh driver each time: nothing known in advance
            return call(driver)

    totals = {cloud: core(cloud, lambda d, c=cloud: api_total(c, d, env)) for cloud in CLOUDS}

    def measured(what: str, expected: dict[str, int], extra: dict[str, int], run: Any) -> None:
        mark = emu.mark()
        started = time.perf_counter()
        found = run()
        seconds = time.perf_counter() - started
        for cloud in CLOUDS:
            listed, other = list_calls(emu, mark, cloud)
            rows[cloud].append({"what": what.format(cloud=cloud), "expected": expected[cloud],
                                "expected_other": extra[cloud], "listed": listed, "other": other,
                                "found": found[cloud] if isinstance(found, dict) else found,
                                "seconds": seconds, "total": totals[cloud]})

    ones = dict.fromkeys(CLOUDS, 1)
    nothing = dict.fromkeys(CLOUDS, 0)
    full = {cloud: pages(totals[cloud], MAX_PAGE[cloud]) for cloud in CLOUDS}
    keys = {cloud: registry.spec_type(cloud).parse_key(key_fields(cloud, env)) for cloud in CLOUDS}
    measured(f"core: `find` of {name}", ones, nothing,
             lambda: {c: int(core(c, lambda d, c=c: d.find(spec(c, env, name))) is not None) for c in CLOUDS})
    measured("core: `list` of every image", full, FULL_LISTING_EXTRA,
             lambda: {c: core(c, lambda d, c=c: len(d.list(keys[c]))) for c in CLOUDS})

    def playbook(tasks: list[dict[str, Any]]) -> int:
        return int("failed=0" in run_playbook(play(tasks), env).stdout)

    measured(f"Ansible: converged `{{cloud}}_image` ({TEMPLATE})", ones, nothing,
             lambda: playbook([{f"imageops.cloud.{c}_image": module_args(c, env, TEMPLATE)} for c in CLOUDS]))
    measured(f"Ansible: `{{cloud}}_image_info` name={name}", ones, nothing,
             lambda: playbook([{f"imageops.cloud.{c}_image_info": info_args(c, env, name)} for c in CLOUDS]))
    measured("Ansible: `{cloud}_image_info`, every image", full, FULL_LISTING_EXTRA,
             lambda: playbook([{f"imageops.cloud.{c}_image_info": info_args(c, env, None)} for c in CLOUDS]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10_000)
    args = parser.parse_args(argv)
    section = Section(
        f"Listing: {args.images:,} images in the account",
        command_line("listing.py", f"--images {args.images}"),
        f"Each cloud's demo account holds {args.images:,} images plus one made by the core (seeded through "
        "the emulator's state file). A lookup by name must use the API's own name filter (OCI ListImages "
        "`displayName`, OUTSCALE ReadImages `Filters.ImageNames`, ECS DescribeImages `ImageName`): one "
        "call. A full listing must ask for the API's largest page (OCI `limit` 1000, OUTSCALE "
        "`ResultsPerPage` 1000, ECS `PageSize` 100): ceil(N / page) calls, where N is what the list call "
        "returns in that scope (OCI's also holds the region's platform images). No other call is allowed, "
        "but one: OUTSCALE's ReadImages has no \"mine\" filter (without `AccountIds` it lists every public "
        "OMI too), so a full OUTSCALE listing reads the account id first (ReadAccounts, once per run).",
    )
    table = []
    with seeded_emulator(args.images) as emu:
        measured = measure(emu, args.images)
        for cloud in CLOUDS:
            for r in measured[cloud]:
                ok = r["listed"] == r["expected"] and r["other"] == r["expected_other"] and r["found"] > 0
                target = f"{r['expected']} {LIST_ACTIONS[cloud]}"
                if r["expected_other"]:
                    target += " + 1 ReadAccounts"
                verdict = section.goal(f"{cloud}: {r['what']}", ok,
                                       f"{r['listed']} {LIST_ACTIONS[cloud]} + {r['other']} other", target)
                table.append([CLOUD_TITLES[cloud], r["what"], f"{r['total']:,}", f"{r['listed']}",
                              f"{r['other']}", f"{r['seconds']:.1f}", verdict])
    section.table(["cloud", "what", "N listed in scope", "list calls", "other calls", "wall (s)", "goal"],
                  table)
    section.text("Wall times of the Ansible rows are one `ansible-playbook` run with one task per cloud.")
    return section.finish()


if __name__ == "__main__":
    sys.exit(main())
