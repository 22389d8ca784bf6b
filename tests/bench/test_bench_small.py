"""The benchmarks' goals at small scale, as tests that fail when a goal is missed.

``make bench`` runs the full-size benchmarks (bench/*.py) and rewrites BENCHMARKS.md; these run the
same code on smaller inputs: exact API call counts of converged re-runs, listings (2,500 images)
and Pulumi previews, the wait latency bound, the provider's size in state, lazy module imports,
parallel playbook runs, and how ``bench/run_all.py`` rewrites BENCHMARKS.md.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import _common  # noqa: E402
import ansible_task_time  # noqa: E402
import listing  # noqa: E402
import pulumi_overhead  # noqa: E402
import run_all  # noqa: E402
import scale  # noqa: E402
import wait_latency  # noqa: E402

from imageops.driver import PollPolicy, wait_for_state  # noqa: E402
from imageops.emulator.testing import running_emulator  # noqa: E402
from imageops.model import Image, ImageState  # noqa: E402

CLOUDS = _common.CLOUDS


@pytest.fixture(scope="module")
def emulator():
    with running_emulator(time_scale=0.0) as emu:
        yield emu


# ------------------------------------------------------------------------------- converged re-runs
def test_converged_playbook_reads_once_per_image_and_never_writes(emulator):
    env = _common.tool_env(emulator.env)
    tasks = [{f"imageops.cloud.{cloud}_image": _common.module_args(cloud, env, f"small-converged-{cloud}")}
             for cloud in CLOUDS]
    first = _common.run_playbook(_common.play(tasks), env)
    assert "changed=3" in first.stdout
    mark = emulator.mark()
    second = _common.run_playbook(_common.play(tasks), env)
    assert "changed=0" in second.stdout
    for cloud in CLOUDS:
        calls = emulator.calls(since=mark, cloud=cloud)
        assert _common.count(calls) == (1, 0), (cloud, calls)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_pulumi_preview_makes_no_call_and_read_makes_one(emulator, cloud):
    result = pulumi_overhead.measure(emulator, cloud, rounds=2)
    assert (result["preview_reads"], result["preview_writes"]) == (0, 0)
    assert result["read_calls"] == (2, 0)  # one Read per round, nothing for Check or Diff


@pytest.mark.parametrize("cloud", CLOUDS)
def test_provider_in_state_is_small(cloud):
    size = pulumi_overhead.provider_size(cloud)
    assert 0 < size <= 10 * 1024


# ----------------------------------------------------------------------------------------- waiting
@pytest.mark.parametrize("ready_after", [0.1, 0.9, 1.7, 4.0, 9.5, 12.0, 37.0, 95.0, 240.0, 1700.0])
def test_poll_policy_returns_within_a_second_or_a_tenth_of_the_wait(ready_after):
    """The default policy, on a simulated clock: seen at most max(1 s, 10 %) after it is ready."""
    random.seed(ready_after)
    now = [0.0]

    def get(image_id):
        state = ImageState.AVAILABLE if now[0] >= ready_after else ImageState.PENDING
        return Image(cloud="test", id=image_id, state=state, raw_state=state.value)

    def sleep(seconds):
        now[0] += seconds

    wait_for_state(get, "img", ImageState.AVAILABLE, 7200.0, policy=PollPolicy(), clock=lambda: now[0],
                   sleep=sleep)
    assert now[0] - ready_after <= max(1.0, 0.1 * ready_after) + 1e-9


def test_waits_on_the_emulator_return_within_the_bound():
    for result in wait_latency.measure(0.03):
        assert result["writes"] == 0
        assert 0 <= result["latency"] <= wait_latency.bound(result["wait"]), result


# ----------------------------------------------------------------------------------------- listing
def test_listing_2500_images_uses_the_name_filter_and_the_largest_page():
    with listing.seeded_emulator(2500) as emu:
        env = _common.tool_env(emu.env)
        name = "bench-list-01234"
        for cloud in CLOUDS:
            with _common.connect(cloud, env) as driver:
                total = listing.api_total(cloud, driver, env)
            assert total >= 2501
            pages = math.ceil(total / listing.MAX_PAGE[cloud])
            assert pages > 1
            mark = emu.mark()
            with _common.connect(cloud, env) as driver:
                found = driver.find(_common.spec(cloud, env, name))
            assert found is not None and found.name == name
            assert listing.list_calls(emu, mark, cloud) == (1, 0)
            mark = emu.mark()
            with _common.connect(cloud, env) as driver:
                key = listing.registry.spec_type(cloud).parse_key(listing.key_fields(cloud, env))
                listed = driver.list(key)
            assert len(listed) >= 2501
            assert listing.list_calls(emu, mark, cloud) == (pages, listing.FULL_LISTING_EXTRA[cloud])
        # the info modules by name: one call each
        tasks = [{f"imageops.cloud.{cloud}_image_info": _common.info_args(cloud, env, name)}
                 for cloud in CLOUDS]
        mark = emu.mark()
        _common.run_playbook(_common.play(tasks), env)
        for cloud in CLOUDS:
            assert listing.list_calls(emu, mark, cloud) == (1, 0), cloud


# ------------------------------------------------------------------------------------ ansible start-up
@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_module_imports_nothing_it_does_not_use(cloud):
    assert ansible_task_time.unused_imports(cloud) == []


#: What a converged module run (spec check, credentials, client, its one read over the emulator's
#: plain http) must never load: the skins' declaration and its prose, the other sign-in modes, RSA
#: and X.509 code where nothing signs with them. A hit means an eager import crept back in.
LAZY = {
    "all": ("imageops.schema", "imageops.codegen", "imageops.neutral", "imageops.emulator"),
    "oci": ("cryptography.x509", "imageops.oci.federation", "imageops.oci.tokens"),
    "outscale": ("cryptography",),
    "alicloud": ("cryptography",),
}
CONVERGED_RUN = """
import json, sys
import {module_utils}
from imageops import reconcile, registry, transport
from pydantic.plugin import _loader
desired = registry.spec_type({cloud!r}).model_validate(json.loads(sys.argv[1]))
driver = registry.connect({cloud!r})
reconcile.lookup(driver, desired, None)
print(json.dumps({{"modules": sorted(k for k, v in sys.modules.items() if v is not None),
                  "ca_store_loaded": transport._tls_context.cache_info().currsize > 0,
                  "pydantic_plugins_looked_up": _loader._plugins is not None}}))
"""


@pytest.mark.parametrize("cloud", CLOUDS)
def test_a_converged_module_run_loads_only_what_it_uses(emulator, cloud):
    """The module path's start-up (issue 19): no CA store for an http:// endpoint, no RSA for an
    HMAC-signed cloud, no texts, no pydantic plugin lookup (see module_utils/image_module.py)."""
    import json
    import subprocess

    env = _common.tool_env(emulator.env)
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    code = CONVERGED_RUN.format(module_utils=ansible_task_time.MODULE_UTILS, cloud=cloud)
    fields = json.dumps(_common.spec_fields(cloud, env, f"small-lazy-{cloud}"))
    proc = subprocess.run([sys.executable, "-c", code, fields], cwd=REPO, env=env, text=True,
                          capture_output=True, check=True)
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    forbidden = (*LAZY["all"], *LAZY[cloud], *(f"imageops.{c}.schema" for c in CLOUDS),
                 *(f"imageops.{c}.texts" for c in CLOUDS))
    assert [m for m in loaded["modules"] if any(m == f or m.startswith(f + ".") for f in forbidden)] == []
    assert not loaded["ca_store_loaded"]
    assert not loaded["pydantic_plugins_looked_up"]


def test_parallel_playbooks_hold(emulator):
    result = scale.parallel_runs(emulator, 3)
    assert result["failed"] == []
    assert (result["server_errors"], result["duplicates"], result["missing"]) == (0, 0, 0)


# ------------------------------------------------------------------------------------------ make bench
def test_run_all_finds_every_benchmark_in_a_stable_order():
    names = run_all.benchmarks()
    on_disk = {p.stem for p in (REPO / "bench").glob("*.py") if not p.name.startswith("_")} - {"run_all"}
    assert set(names) == on_disk
    assert names[: len(run_all.ORDER)] == [n for n in run_all.ORDER if n in on_disk]
    assert names[len(run_all.ORDER):] == sorted(on_disk - set(run_all.ORDER))


def test_run_all_rewrites_the_generated_block_and_keeps_the_notes():
    before = "\n\n".join([run_all.HEADER.rstrip(), "A note before.", run_all.START, "## Old\n\nold figures",
                          run_all.END, "## Faults (hand-written)\n\n| a | b |"]) + "\n"
    results = [run_all.Result("one", 0, 1.0, "## One\n\nnew figures", ""),
               run_all.Result("two", 1, 2.0, "## Two\n\nmissed", "boom")]
    after = run_all.render(results, run_all.split_notes(before), 3.0, load=0.5)
    assert "old figures" not in after
    assert after.index("A note before.") < after.index(run_all.START) < after.index("## One")
    assert after.index("## One") < after.index("## Two") < after.index(run_all.END)
    assert after.rstrip().endswith("| a | b |")
    assert "**FAILED** (exit 1)" in after
    # rendering twice is stable: notes are neither lost nor duplicated
    assert "met (3 s; goal < 1500 s)" in after
    again = run_all.render(results, run_all.split_notes(after), 3.0, load=0.5)
    assert again == after


def test_run_all_budget_is_missed_unless_a_busy_machine_explains_it():
    cpus = run_all.os.cpu_count() or 1
    assert run_all.budget_verdict(500, 400, 600, load=0.1) == (True, "met (500 s; goal < 600 s)")
    within, text = run_all.budget_verdict(700, 300, 600, load=cpus + 3.0)
    assert within and text.startswith("missed by 100 s") and "shared" in text
    within, text = run_all.budget_verdict(700, 300, 600, load=0.1)  # idle machine: no excuse
    assert not within and "MISSED" in text
    within, _ = run_all.budget_verdict(700, 600 * cpus + 1, 600, load=cpus + 3.0)  # our own CPU is too much
    assert not within


def test_scale_growth_is_judged_on_the_loop_items_and_caught():
    steady = [0.40] * 20 + [0.60] * 30 + [0.41] * 20  # a burst of load in the middle does not count
    section = _common.Section("t", "c")
    scale.ansible_row(section, {"seconds": 1.0, "mb": 1.0}, {"seconds": 30.0, "mb": 1.0, "items": steady}, 70)
    assert section.failures == []
    growing = [0.40 + 0.01 * i for i in range(70)]  # each image costs more than the one before
    scale.ansible_row(section, {"seconds": 1.0, "mb": 1.0}, {"seconds": 60.0, "mb": 1.0, "items": growing},
                      70)
    assert len(section.failures) == 1 and "Ansible growth" in section.failures[0]
