"""The one retry policy: its classification and its waits, with worked values."""

from __future__ import annotations

import random

import pytest

from een_tui.api import errors
from een_tui.api.retry_policy import RetryPolicy, Verdict, classify
from een_tui.download import retry as download_retry


@pytest.mark.parametrize(("exc", "verdict"), [
    (errors.SessionExpired("401", status_code=401), Verdict.RELOGIN),
    (errors.NetworkError("reset"), Verdict.RETRY),
    (errors.ServerError("503", status_code=503), Verdict.RETRY),
    (errors.RateLimited("429", retry_after=2.0), Verdict.RETRY),
    (errors.ProtocolError("not JSON"), Verdict.RETRY),
    (errors.InvalidCredentials("401"), Verdict.GIVE_UP),
    (errors.NoMatchingAsset("404"), Verdict.GIVE_UP),
    (errors.RequestRejected("400"), Verdict.GIVE_UP),
    (ValueError("a bug"), Verdict.GIVE_UP),
])
def test_one_classification(exc, verdict):
    assert classify(exc) is verdict
    assert RetryPolicy().classify(exc) is verdict


def test_backoff_is_full_jitter_below_the_doubling_ceiling():
    policy = RetryPolicy(backoff_base_s=0.25, backoff_max_s=8.0)
    random.seed(7)
    # ceilings 0.25, 0.5, 1, 2, 4, 8, 8 for attempts 1..7
    for attempt, ceiling in [(1, 0.25), (2, 0.5), (3, 1.0), (4, 2.0), (5, 4.0), (6, 8.0),
                             (7, 8.0)]:
        waits = [policy.wait_s(attempt, errors.NetworkError("x")) for _ in range(200)]
        assert all(0.0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling * 0.8  # jitter spans the range, not a constant


def test_retry_after_is_a_floor_with_a_margin_and_a_cap():
    policy = RetryPolicy(backoff_base_s=0.001, backoff_max_s=0.001, retry_after_cap_s=60.0)
    assert policy.wait_s(1, errors.RateLimited("429", retry_after=2.0)) == pytest.approx(2.05)
    assert policy.wait_s(1, errors.RateLimited("429", retry_after=3600.0)) == 60.0
    assert policy.wait_s(1, errors.RateLimited("429", retry_after=-5.0)) <= 0.05 + 1e-9


def test_json_policy_numbers():
    policy = RetryPolicy.for_json(4, 4.0, 30.0)
    assert (policy.max_attempts, policy.backoff_base_s, policy.backoff_max_s,
            policy.retry_after_cap_s) == (4, 0.1, 4.0, 30.0)
    assert policy.wait_s(1, errors.RateLimited("429", retry_after=120.0)) == 30.0


def test_retrying_stops_after_max_attempts_and_reraises():
    calls = []

    def flaky():
        calls.append(1)
        raise errors.ServerError("503", status_code=503)

    policy = RetryPolicy(max_attempts=3, backoff_base_s=0.001, backoff_max_s=0.001)
    with pytest.raises(errors.ServerError):
        policy.retrying(sleep=lambda s: None)(flaky)
    assert len(calls) == 3


def test_retrying_gives_up_at_once_on_a_final_error():
    calls = []

    def rejected():
        calls.append(1)
        raise errors.RequestRejected("400", status_code=400)

    with pytest.raises(errors.RequestRejected):
        RetryPolicy().retrying(sleep=lambda s: None)(rejected)
    assert len(calls) == 1


def test_the_download_names_still_work():
    assert download_retry.RetryPolicy is RetryPolicy
    assert download_retry.RetryPolicy() == RetryPolicy(6, 0.25, 8.0, 60.0)
    assert download_retry.is_retryable(errors.ProtocolError("bad image"))
    wait = download_retry.wait_backoff_or_retry_after(RetryPolicy(backoff_base_s=0.001,
                                                                  backoff_max_s=0.001))
    assert callable(wait)


def test_retrying_asks_the_caller_before_retrying_a_session_expiry():
    calls, allowed = [], iter([True, False])

    def expired():
        calls.append(1)
        raise errors.SessionExpired("401", status_code=401)

    retrying = RetryPolicy(backoff_base_s=0.001).retrying(
        sleep=lambda s: None, relogin=lambda: next(allowed))
    with pytest.raises(errors.SessionExpired):
        retrying(expired)
    assert len(calls) == 2  # once, then again after the allowed re-login, then given up
    calls.clear()
    with pytest.raises(errors.SessionExpired):  # no relogin hook: a 401 is not retried here
        RetryPolicy().retrying(sleep=lambda s: None)(expired)
    assert len(calls) == 1


def test_retrying_stops_early_when_the_caller_gives_up():
    calls = []

    def down():
        calls.append(1)
        raise errors.ServerError("503", status_code=503)

    retrying = RetryPolicy(max_attempts=6, backoff_base_s=0.001).retrying(
        sleep=lambda s: None, give_up=lambda: len(calls) >= 2)
    with pytest.raises(errors.ServerError):
        retrying(down)
    assert len(calls) == 2
