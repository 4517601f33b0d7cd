"""The pure scheduler: planned / queued / in flight / saved, the budget, take, claim, refill.

No gevent, no I/O: every expected value below is worked out by hand from the inputs.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from een_tui.download.scheduler import (
    BUDGET_EXHAUSTED,
    NO_MORE_PREVIEWS,
    REFILL,
    BudgetExhausted,
    Duplicate,
    Scheduler,
)

# Newest first, one second apart (EEN timestamps sort as text).
T9, T8, T7, T6, T5, T4, T3, T2, T1 = (f"2019040902421{i}.000" for i in range(9, 0, -1))


def path_of(stamp: str) -> str:
    return f"/out/cam/{stamp}.jpg"


def test_the_scheduler_module_needs_no_gevent():
    # Loaded by path, without the package (whose engine uses gevent): only the standard library.
    from een_tui.download import scheduler

    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('alone', {scheduler.__file__!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('gevent', 'een_tui')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plan_counts_files_on_disk_as_saved_and_queues_the_rest():
    s = Scheduler(count=3, spare_count=2, budget=10)
    already = s.plan([T9, T8, T7, T6, T5], on_disk={T8, T1}, path_of=path_of)
    assert already == ["/out/cam/20190409024218.000.jpg"]
    assert s.saved == 1 and s.files == already
    assert s.queued == 4  # T9, T7, T6, T5


def test_files_on_disk_beyond_count_are_fetched_again_not_counted():
    s = Scheduler(count=1, spare_count=0, budget=5)
    already = s.plan([T9, T8], on_disk={T9, T8}, path_of=path_of)
    assert already == [path_of(T9)] and s.saved == 1 and s.queued == 1


def test_take_hands_out_only_what_the_run_still_needs():
    s = Scheduler(count=3, spare_count=2, budget=10)
    s.plan([T9, T8, T7, T6, T5], on_disk={T8}, path_of=path_of)
    assert s.take() == T9
    assert s.take() == T7
    assert s.in_progress == 2
    assert s.take() is None  # 1 saved + 2 in flight = 3 = count
    s.release(T7)  # T7 gave up: a spare is needed
    assert s.take() == T6
    s.commit(T9, path_of(T9))
    s.release(T9)
    s.commit(T6, path_of(T6))
    s.release(T6)
    assert s.saved == 3 and s.in_progress == 0
    assert s.take() is None
    assert s.stop_reason is None  # done, not short


def test_take_skips_timestamps_saved_or_in_flight_meanwhile():
    s = Scheduler(count=5, spare_count=0, budget=10)
    s.plan([T9, T8, T7], on_disk=set(), path_of=path_of)
    first = s.take()
    assert first == T9
    assert s.claim(T9, T8) == T8  # the server answered T8 for T9: T8 is in flight too
    assert s.take() == T7  # T8 skipped
    assert s.take() is REFILL


def test_the_budget_counts_every_attempt():
    s = Scheduler(count=5, spare_count=0, budget=2)
    s.plan([T9, T8, T7], on_disk=set(), path_of=path_of)
    s.spend()
    s.spend()
    assert s.budget_left == 0
    with pytest.raises(BudgetExhausted):
        s.spend()
    assert s.stop_reason == BUDGET_EXHAUSTED
    assert s.take() is None


def test_take_stops_when_the_budget_is_gone():
    s = Scheduler(count=5, spare_count=0, budget=1)
    s.plan([T9, T8], on_disk=set(), path_of=path_of)
    assert s.take() == T9
    s.spend()
    assert s.take() is None and s.stop_reason == BUDGET_EXHAUSTED


def test_claim_refuses_an_answer_the_run_already_has():
    s = Scheduler(count=5, spare_count=0, budget=10)
    s.plan([T9, T8, T7], on_disk=set(), path_of=path_of)
    assert s.take() == T9 and s.take() == T8
    assert s.claim(T9, None) == T9  # no X-Ee-Timestamp: what was asked
    assert s.claim(T9, T9) == T9
    with pytest.raises(Duplicate):
        s.claim(T9, T8)  # in flight by another worker
    s.commit(T8, path_of(T8))
    s.release(T8)
    with pytest.raises(Duplicate):
        s.claim(T9, T8)  # saved
    assert s.claim(T9, T5) == T5
    s.unclaim(T9, T5)
    assert s.claim(T9, T5) == T5  # no longer in flight after unclaim


def test_refill_asks_for_what_is_missing_plus_spares_older_than_the_plan():
    s = Scheduler(count=4, spare_count=2, budget=20)
    s.plan([T9, T8], on_disk=set(), path_of=path_of)
    assert s.take() == T9
    assert s.take() == T8
    s.commit(T9, path_of(T9))
    s.release(T9)
    assert s.take() is REFILL
    calls = []

    def planner(want, start, exclude):
        calls.append((want, start, set(exclude)))
        return [T9, T7, T6]  # T9 is not older than the plan: dropped

    assert s.refill(planner) is True
    # missing = 4 - 1 saved - 1 in flight = 2; plus 2 spares
    assert calls == [(4, T8, {T9, T8})]
    assert s.queued == 2
    assert s.take() == T7
    assert s.take() == T6
    assert s.take() is None  # 1 saved + 3 in flight = 4
    assert s.refill(planner) is False and len(calls) == 1  # nothing missing: no listing


def test_refill_when_the_queue_is_not_empty_plans_nothing():
    s = Scheduler(count=2, spare_count=0, budget=5)
    s.plan([T9, T8], on_disk=set(), path_of=path_of)
    assert s.refill(lambda *a: pytest.fail("planned although the queue had timestamps"))


def test_refill_with_nothing_missing_or_no_plan_says_no():
    s = Scheduler(count=1, spare_count=0, budget=5)
    assert s.refill(lambda *a: pytest.fail("no plan yet")) is False
    s.plan([T9], on_disk={T9}, path_of=path_of)  # the one image is on disk
    assert s.refill(lambda *a: pytest.fail("nothing missing")) is False


def test_refill_without_older_previews_ends_the_run_short():
    s = Scheduler(count=3, spare_count=0, budget=5)
    s.plan([T5], on_disk=set(), path_of=path_of)
    assert s.take() == T5
    s.release(T5)
    assert s.take() is REFILL
    assert s.refill(lambda want, start, exclude: [T9, T5]) is False  # none older than T5
    assert s.exhausted and s.stop_reason == NO_MORE_PREVIEWS
    assert s.refill(lambda *a: pytest.fail("asked again after running out")) is False


def test_a_planner_that_gives_up_does_not_mark_the_plan_exhausted():
    s = Scheduler(count=3, spare_count=0, budget=5)
    s.plan([T5], on_disk=set(), path_of=path_of)
    assert s.take() == T5
    s.release(T5)
    assert s.refill(lambda *a: None) is False
    assert not s.exhausted and s.stop_reason is None


def test_close_forgets_the_timestamps_but_keeps_the_files():
    s = Scheduler(count=2, spare_count=1, budget=5)
    s.plan([T9, T8, T7], on_disk={T8}, path_of=path_of)
    assert s.take() == T9
    s.close()
    assert s.files == [path_of(T8)] and s.saved == 1
    assert s.queued == 0
    assert s.claim(T9, T8) == T8  # T8 is no longer remembered as saved
