"""Cancelling a run and waiting for it: ``cancel()`` then ``join()`` returns once every worker
has stopped with its response closed; a finished engine keeps nothing of its downloads alive."""

from __future__ import annotations

import gc
import time
import weakref
from contextlib import contextmanager

import gevent
from download_fakes import FakeSource, make_device

from een_tui.download import DownloadEngine, DownloadOptions
from een_tui.download.events import RunOutcome
from een_tui.download.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=6, backoff_base_s=0.001, backoff_max_s=0.005)


def options(tmp_path, **kw) -> DownloadOptions:
    return DownloadOptions(out_dir=tmp_path / "out", retry=FAST, **kw)


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        gevent.sleep(0.001)
    return condition()


class TrackedSource(FakeSource):
    """A FakeSource with slow bodies that keeps a weak reference to every body it hands out."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.streams: list[weakref.ref] = []

    def _chunks(self, body: bytes):
        for i in range(0, len(body), self.chunk_size):
            gevent.sleep(0.002)
            yield body[i : i + self.chunk_size]

    def streaming(self) -> int:
        return sum(1 for ref in self.streams if ref() is not None)

    @contextmanager
    def open_image(self, esn, timestamp):
        with super().open_image(esn, timestamp) as (headers, chunks):
            self.streams.append(weakref.ref(chunks))
            yield headers, chunks


def test_join_returns_once_workers_stopped_with_responses_closed(tmp_path):
    source = FakeSource(latency_s=5)  # every request hangs: the workers are on the wire
    engine = DownloadEngine(source, options(tmp_path, count=20, workers=5))
    assert engine.join(timeout=0)  # not running: nothing to wait for
    runner = gevent.spawn(engine.run, camera=None, candidates=[make_device()])
    assert wait_until(lambda: source.in_flight == 1)  # a random camera's health check
    assert not engine.join(timeout=0.01)  # running
    engine.cancel()
    assert source.in_flight == 1  # cancel() does not wait ...
    assert engine.join(timeout=10)  # ... join() does
    assert source.in_flight == 0
    assert runner.get(timeout=10).outcome is RunOutcome.CANCELLED


def test_a_named_cameras_check_goes_out_with_the_first_round_and_cancels_with_it(tmp_path):
    source = FakeSource(latency_s=5)
    engine = DownloadEngine(source, options(tmp_path, count=20, workers=5))
    runner = gevent.spawn(engine.run, camera=make_device())
    assert wait_until(lambda: source.in_flight == 5)  # the check and four more images
    assert source.max_in_flight == 5
    engine.cancel()
    assert engine.join(timeout=10)
    assert source.in_flight == 0
    assert runner.get(timeout=10).outcome is RunOutcome.CANCELLED


def test_join_after_cancel_midway_leaves_nothing_in_flight(tmp_path):
    source = FakeSource(latency_s=0.02, chunk_size=64)
    engine = DownloadEngine(source, options(tmp_path, count=200, workers=5))
    runner = gevent.spawn(engine.run, camera=make_device())
    assert wait_until(lambda: engine.saved >= 3 and source.in_flight == 5)
    engine.cancel()
    assert source.in_flight == 5
    assert engine.join(timeout=10)
    assert source.in_flight == 0
    assert not list((tmp_path / "out").rglob("*.part"))
    result = runner.get(timeout=10)
    assert result.outcome is RunOutcome.CANCELLED and 3 <= result.saved < 200


def test_a_finished_engine_keeps_no_body_stream_alive(tmp_path):
    source = TrackedSource(chunk_size=64)
    engine = DownloadEngine(source, options(tmp_path, count=200, workers=5))
    runner = gevent.spawn(engine.run, camera=make_device())
    assert wait_until(lambda: engine.saved >= 3 and source.streaming() == 5)
    engine.cancel()  # workers die in the middle of their streams
    assert runner.get(timeout=10).outcome is RunOutcome.CANCELLED
    del runner
    gc.collect()
    assert len(source.streams) >= 8
    alive = [ref for ref in source.streams if ref() is not None]
    assert alive == []
    assert engine.saved >= 3  # the engine itself is still here


def test_a_run_cancelled_during_the_health_check_keeps_no_body_stream_alive(tmp_path):
    source = TrackedSource(chunk_size=16)
    engine = DownloadEngine(source, options(tmp_path, count=20, workers=5))
    runner = gevent.spawn(engine.run, camera=None, candidates=[make_device()])
    assert wait_until(lambda: source.streaming() == 1)  # a random camera's probe, mid-body
    engine.cancel()
    assert runner.get(timeout=10).outcome is RunOutcome.CANCELLED
    del runner
    gc.collect()
    assert len(source.streams) == 1 and source.streaming() == 0
