"""The checks the soak runs rest on: the call-log checks catch what they are meant to catch, and the
emulator's slow-response fault does the work but answers too late."""

from __future__ import annotations

import pytest
from soak_calls import check_calls
from soak_clouds import CLOUDS
from soak_faults import provider_error_is_ours

from imageops.emulator.core import SLOW, FaultInjector
from imageops.emulator.testing import running_emulator
from imageops.errors import TransportError
from imageops.reconcile import apply, lookup, plan
from imageops.transport import RetryPolicy


def call(seq: int, time: float, status: int = 200, *, action: str = "ListImages", account: str | None = "t1",
         fault: str | None = None, retry_after: str | None = None) -> dict:
    return {"seq": seq, "cloud": "oci", "account": account, "method": "GET", "path": "/20160918/images",
            "action": action, "status": status, "time": time, "fault": fault, "retry_after": retry_after}


def test_a_retry_sooner_than_retry_after_is_caught() -> None:
    honoured = check_calls([call(1, 10.0, 429, fault="throttle", retry_after="0.05"), call(2, 10.06)])
    assert (honoured.retry_after_checked, honoured.retry_after_ignored) == (1, [])
    ignored = check_calls([call(1, 10.0, 429, fault="throttle", retry_after="0.05"), call(2, 10.01)])
    assert ignored.retry_after_checked == 1 and len(ignored.retry_after_ignored) == 1
    assert ignored.faults["throttle"] == 1


def test_a_refusal_sent_again_is_caught_unless_a_new_run_sent_it() -> None:
    refused = [call(1, 1.0, 401, account=None), call(2, 1.1, 401, account=None)]
    assert len(check_calls(refused).refusals_retried) == 1
    assert check_calls(refused, boundaries={1}).refusals_retried == []  # the user's next run
    # the next call of the same run is another request: not a retry
    assert check_calls([call(1, 1.0, 400), call(2, 1.1, action="GetImage")]).refusals_retried == []
    # an injected throttling 400 (ECS) is retried by design
    assert check_calls([call(1, 1.0, 400, fault="throttle"), call(2, 1.2)]).refusals_retried == []


def test_provider_errors_are_told_from_bugs() -> None:
    ours = ("Traceback (most recent call last):\n"
            '  raise ImageProviderError(redact(f"{action} failed: {kind}"))\n'
            "pulumi_images._provider.ImageProviderError: create failed: TransportError: POST /x: ReadTimeout")
    assert provider_error_is_ours(ours)
    assert provider_error_is_ours("pulumi_images._provider.ImageProviderError: create: invalid inputs: x")
    bug = "pulumi_images._provider.ImageProviderError: create failed: KeyError: 'id'"
    assert not provider_error_is_ours(bug)
    assert not provider_error_is_ours("Traceback ...\nAttributeError: 'NoneType' has no attribute 'id'")


def _seed_starting_with(kinds: list[str | None], rate: float, slow: float) -> int:
    for seed in range(10_000):
        injector = FaultInjector(rate, seed, slow)
        if [injector.decide() for _ in kinds] == kinds:
            return seed
    raise AssertionError("no seed")


@pytest.mark.e2e
@pytest.mark.parametrize("cloud_name", ["oci", "outscale"])
def test_a_slow_answer_comes_after_the_work_was_done(cloud_name: str) -> None:
    """OCI retries a timed-out CreateImage with the same retry token and gets the same image back;
    OUTSCALE has no token, so the run fails and the next run finds the image by name."""
    cloud = CLOUDS[cloud_name]
    # the lookup answers, the create is slow, then no more faults for a while
    seed = _seed_starting_with([None, SLOW, None, None, None, None], rate=0.5, slow=2.0)
    with running_emulator(time_scale=0.001, fault_rate=0.5, seed=seed,
                          extra_args=["--slow-response", "2.0"]) as emu:
        once = RetryPolicy(max_attempts=2, backoff_base=0.001)
        with cloud.connect(emu.env, timeout=0.5, retry=once) as driver:
            desired = cloud.spec(emu.env, "slow-create", {"v": "1"})
            try:
                image = apply(plan(desired, lookup(driver, desired, None)), driver, wait=False)
            except TransportError as exc:
                assert cloud_name == "outscale" and "ReadTimeout" in str(exc)
                image = lookup(driver, desired, None)  # the user's next run: found by name
        creates = [c for c in emu.calls(cloud=cloud_name) if c["action"] == "CreateImage"]
    assert image is not None
    assert creates[0]["fault"] == SLOW and creates[0]["status"] == 200  # done, answered too late
    assert len(creates) == (2 if cloud_name == "oci" else 1)
