"""The engine against an in-memory preview source: distinct images, concurrency bound, retries,
spares, dedupe, cancellation, fatal errors, events. No HTTP (see test_download_http.py)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import gevent
import pytest
from download_fakes import FakeSource, make_device
from PIL import Image

from een_tui.api.devices import Device
from een_tui.api.errors import (
    InvalidCredentials,
    NetworkError,
    NoMatchingAsset,
    RateLimited,
    ServerError,
)
from een_tui.api.model import Camera, Esn
from een_tui.api.status import CameraStatus
from een_tui.download import DownloadEngine, DownloadOptions
from een_tui.download.events import (
    CameraRejected,
    FailureKind,
    ImageFailed,
    ImageSaved,
    RunFinished,
    RunOutcome,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
)
from een_tui.download.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=6, backoff_base_s=0.001, backoff_max_s=0.005)


def options(tmp_path, **kw) -> DownloadOptions:
    kw.setdefault("retry", FAST)
    return DownloadOptions(out_dir=tmp_path / "out", **kw)


def run(source, opts, camera=None, candidates=None, events=None):
    events = events if events is not None else []
    engine = DownloadEngine(source, opts, on_event=events.append)
    camera = camera if camera is not None or candidates is not None else make_device()
    result = engine.run(camera=camera, candidates=candidates or [])
    return result, events


def assert_distinct_valid_jpegs(result: RunFinished, count: int) -> None:
    assert result.saved == count
    digests = set()
    for path in result.files:
        data = Path(path).read_bytes()
        Image.open(io.BytesIO(data)).verify()
        digests.add(hashlib.sha256(data).hexdigest())
    assert len(digests) == count


def no_parts(tmp_path) -> bool:
    return not list((tmp_path / "out").rglob("*.part"))


@pytest.mark.parametrize("count, workers", [(1, 5), (20, 5), (20, 1), (37, 8)])
def test_saves_n_distinct_images_with_at_most_w_in_flight(tmp_path, count, workers):
    source = FakeSource(latency_s=0.001)
    result, events = run(source, options(tmp_path, count=count, workers=workers))
    assert result.outcome is RunOutcome.DONE
    assert_distinct_valid_jpegs(result, count)
    assert source.max_in_flight == min(workers, count)
    # the newest N were planned first and all were fetched: no wasted requests (the health
    # check's probe image is one of the N, not fetched a second time)
    assert source.requests == count
    planned = [e for e in events if isinstance(e, RunPlanned)]
    assert len(planned) == 1 and planned[0].timestamps[:count] == tuple(source.stamps[:count])
    saved = [e for e in events if isinstance(e, ImageSaved)]
    assert [e.saved for e in saved] == list(range(1, count + 1))
    # a named camera's image check is worker 1's first job (the newest timestamp), beside the
    # other workers' first images: the plan is reported before any image
    assert next(e for e in saved if e.timestamp == source.stamps[0]).worker == 1
    assert events.index(planned[0]) < events.index(saved[0])
    assert all(1 <= e.worker <= workers for e in saved)
    assert isinstance(events[-1], RunFinished)
    assert no_parts(tmp_path)


def test_transient_faults_are_retried_until_n_valid(tmp_path):
    def fault(esn, stamp, attempt):
        if attempt == 1:
            return [
                ServerError("bad gateway", status_code=502),
                NetworkError("reset"),
                RateLimited("slow down", retry_after=0.001),
                "truncate",
                "nonjpeg",
                None,
            ][hash(stamp) % 6]
        return None

    source = FakeSource(fault=fault)
    result, events = run(source, options(tmp_path, count=20, workers=5))
    assert result.outcome is RunOutcome.DONE
    assert_distinct_valid_jpegs(result, 20)
    retries = [e for e in events if isinstance(e, WorkerUpdate) and e.state is WorkerState.RETRYING]
    assert retries and all(e.error and e.retry_in_s is not None for e in retries)
    assert sum(result.failures.values()) == len(retries)
    # the attempt after a retry carries the last error, for the worker row
    second = [
        e
        for e in events
        if isinstance(e, WorkerUpdate)
        and e.attempt == 2
        and e.bytes_received == 0
        and e.state is WorkerState.FETCHING
    ]
    assert second and all(e.error for e in second)
    assert no_parts(tmp_path)


def test_retry_after_is_honoured(tmp_path):
    def fault(esn, stamp, attempt):
        return RateLimited("slow down", retry_after=0.05) if attempt == 1 else None

    source = FakeSource(fault=fault)
    result, events = run(source, options(tmp_path, count=2, workers=2))
    waits = [e.retry_in_s for e in events if isinstance(e, WorkerUpdate) and e.retry_in_s]
    assert result.outcome is RunOutcome.DONE and waits and min(waits) >= 0.05


def test_no_matching_asset_moves_on_to_a_spare(tmp_path):
    source = FakeSource()
    missing = set(source.stamps[1:4])
    source.fault = lambda esn, stamp, attempt: (
        NoMatchingAsset("no matching asset", status_code=400) if stamp in missing else None
    )
    result, events = run(source, options(tmp_path, count=10, workers=3))
    assert result.outcome is RunOutcome.DONE
    assert_distinct_valid_jpegs(result, 10)
    assert result.failures == {"no matching asset": 3}
    final = [e for e in events if isinstance(e, ImageFailed) and e.final]
    assert {e.timestamp for e in final} == missing
    assert all(source.attempts[s] == 1 for s in missing)  # not retried


def test_duplicate_answers_are_deduplicated_on_x_ee_timestamp(tmp_path):
    source = FakeSource()
    # the server answers every request for stamps[1..3] with the newest frame (like timestamp=now)
    source.answer_timestamp = lambda stamp: (
        source.stamps[0] if stamp in source.stamps[1:4] else stamp
    )
    result, _ = run(source, options(tmp_path, count=10, workers=1))
    assert result.outcome is RunOutcome.DONE
    names = sorted(p.rsplit("/", 1)[1] for p in result.files)
    assert len(set(names)) == 10
    assert result.failures.get("duplicate image") == 3


def test_budget_bounds_the_run(tmp_path):
    source = FakeSource()
    # the camera's check must pass: only the newest image can be fetched
    source.fault = lambda esn, stamp, attempt: (
        None if stamp == source.stamps[0] else ServerError("down", status_code=503))
    result, _ = run(source, options(tmp_path, count=5, workers=2, attempt_budget=7))
    assert result.outcome is RunOutcome.INCOMPLETE
    assert result.saved == 1  # the image of the camera's check, which counts like any other
    assert source.requests == 7  # the check's request is one of the budget's
    assert sum(result.failures.values()) == 6
    assert "budget" in result.error
    assert no_parts(tmp_path)


def test_spares_exhausted_replans_older_then_incomplete(tmp_path):
    source = FakeSource(frames=12)
    result, _ = run(source, options(tmp_path, count=20, workers=4, spares=2))
    assert result.outcome is RunOutcome.INCOMPLETE
    assert result.saved == 12
    assert result.error == "no more previews to try"


def test_files_already_on_disk_are_not_fetched_again(tmp_path):
    source = FakeSource()
    first, _ = run(source, options(tmp_path, count=5, workers=2))
    requests_before = source.requests
    second, events = run(source, options(tmp_path, count=8, workers=2))
    assert second.outcome is RunOutcome.DONE and second.saved == 8
    assert set(first.files) <= set(second.files)
    assert source.requests - requests_before == 3  # the camera's check is one of the 3 new ones
    planned = next(e for e in events if isinstance(e, RunPlanned))
    assert set(planned.already_saved) == set(first.files)


def test_a_hostile_or_missing_probe_answer_moves_the_probe_to_the_next_timestamp(tmp_path):
    source = FakeSource()
    source.answer_timestamp = lambda stamp: "../../x" if stamp == source.stamps[0] else stamp
    source.fault = lambda esn, stamp, attempt: (
        NoMatchingAsset("no matching asset", status_code=400) if stamp == source.stamps[1] else None
    )
    result, events = run(source, options(tmp_path, count=3, workers=1))
    assert result.outcome is RunOutcome.DONE
    assert_distinct_valid_jpegs(result, 3)
    probe = next(e for e in events if isinstance(e, ImageSaved))
    assert probe.worker == 1 and probe.timestamp == source.stamps[2]
    assert all(p.is_relative_to(tmp_path / "out" / "1000c4ae") for p in tmp_path.rglob("*.jpg"))


def test_cancel_midway_keeps_complete_files_and_no_part(tmp_path):
    source = FakeSource(latency_s=0.01, chunk_size=64)
    engine = DownloadEngine(source, options(tmp_path, count=200, workers=5))

    def cancel_after_some(event):
        if isinstance(event, ImageSaved) and event.saved == 7:
            gevent.spawn(engine.cancel)

    engine.on_event = cancel_after_some
    result = engine.run(camera=make_device())
    assert result.outcome is RunOutcome.CANCELLED
    assert 7 <= result.saved < 200
    assert_distinct_valid_jpegs(result, result.saved)
    on_disk = sorted(str(p) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert on_disk == sorted(result.files)


def test_cancel_from_inside_the_event_callback(tmp_path):
    source = FakeSource(latency_s=0.005)
    engine = DownloadEngine(source, options(tmp_path, count=50, workers=5))
    engine.on_event = lambda e: engine.cancel() if isinstance(e, ImageSaved) else None
    result = engine.run(camera=make_device())
    assert result.outcome is RunOutcome.CANCELLED and result.saved >= 1
    assert no_parts(tmp_path)


def test_cancel_before_run_and_during_health_check(tmp_path):
    engine = DownloadEngine(FakeSource(), options(tmp_path))
    engine.cancel()
    assert engine.run(camera=make_device()).outcome is RunOutcome.CANCELLED

    source = FakeSource(latency_s=5)  # the probe would hang for 5 s
    engine = DownloadEngine(source, options(tmp_path))
    gevent.spawn_later(0.05, engine.cancel)
    with gevent.Timeout(2):
        result = engine.run(camera=make_device())
    assert result.outcome is RunOutcome.CANCELLED and result.saved == 0


def test_auth_failure_is_fatal(tmp_path):
    calls = {"n": 0}

    def fault(esn, stamp, attempt):
        calls["n"] += 1
        return InvalidCredentials("session expired") if calls["n"] > 3 else None

    result, _ = run(FakeSource(fault=fault, latency_s=0.001), options(tmp_path, count=20))
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.AUTH
    assert no_parts(tmp_path)


def test_disk_full_is_fatal_with_a_clear_error(tmp_path, monkeypatch):
    import errno

    from een_tui.download import storage

    real_write = storage.PartFile.write
    state = {"n": 0}

    def write(self, chunk):
        state["n"] += 1
        if state["n"] > 5:
            self.check.feed(chunk)
            raise storage.StorageError(
                storage.describe_os_error(OSError(errno.ENOSPC, "full"), self.part_path)
            )
        return real_write(self, chunk)

    monkeypatch.setattr(storage.PartFile, "write", write)
    result, _ = run(FakeSource(latency_s=0.001), options(tmp_path, count=20))
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.STORAGE
    assert "disk full" in result.error
    assert no_parts(tmp_path)


def test_unwritable_out_dir_is_a_clear_error(tmp_path):
    (tmp_path / "out").write_text("a file, not a folder")
    result, _ = run(FakeSource(), options(tmp_path, count=3))
    assert result.outcome is RunOutcome.FAILED and result.error_kind is FailureKind.STORAGE
    assert "a file is in the way" in result.error


def test_hostile_timestamps_from_the_server_never_become_paths(tmp_path):
    source = FakeSource()
    hostile = ["../../../../tmp/evil", "20190409024212.149/../../x", "/etc/passwd", None, 7]
    source.list_transform = lambda stamps: hostile + stamps
    source.answer_timestamp = lambda stamp: "../../escape" if stamp == source.stamps[2] else stamp
    result, _ = run(source, options(tmp_path, count=5, workers=2))
    assert result.outcome is RunOutcome.DONE and result.saved == 5
    assert result.failures == {"unsafe name from server": 1}
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(tmp_path / "out" / "1000c4ae") for p in everything)


def test_explicit_unusable_camera_is_refused_with_its_status(tmp_path):
    off = make_device(status_bits=0x8023, status=CameraStatus.OFF, name="Closet")
    result, _ = run(FakeSource(), options(tmp_path), camera=off)
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert "Off" in result.error and "0x8023" in result.error
    unsupported = Camera.from_v1(Device(
        id="10034487", name="Encoder", type="camera", status=CameraStatus.INTERNET_OFFLINE,
        recording=False, status_bits=0x22000, is_unsupported=True,
    ))
    result, _ = run(FakeSource(), options(tmp_path), camera=unsupported)
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert "not supported" in result.error and "Internet Offline, 0x22000" in result.error
    hostile = make_device(esn="1000c4ae\n")
    result, _ = run(FakeSource(), options(tmp_path), camera=hostile)
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA


def test_a_named_camera_whose_images_fail_is_refused_after_the_first_round(tmp_path):
    source = FakeSource(latency_s=0.001, fault=lambda *a: "nonjpeg")
    result, events = run(source, options(tmp_path, count=20, workers=5, health_attempts=2))
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert result.error.startswith('no usable camera: camera 1000c4ae "Lobby" (Online')
    assert "failed the health check: a preview cannot be fetched" in result.error
    assert result.saved == 0
    # a bad image twice at the newest timestamp: the camera, not the timestamp, is the problem
    gave_up = [e for e in events if isinstance(e, ImageFailed) and e.final and e.worker == 1]
    assert [e.timestamp for e in gave_up] == [source.stamps[0]]
    assert source.attempts[source.stamps[0]] == 2
    assert source.requests <= 2 + 4 * FAST.max_attempts  # the others stopped with it
    assert source.max_in_flight == 5
    assert not (tmp_path / "out" / "1000c4ae").exists()  # no empty folder left behind


def test_a_named_camera_proven_by_another_worker_goes_on(tmp_path):
    source = FakeSource(latency_s=0.005)
    checker: list[gevent.Greenlet] = []  # worker 1: the one asking for the newest image
    missing: list[str] = []

    def fault(esn, stamp, attempt):
        if stamp == source.stamps[0]:
            checker.append(gevent.getcurrent())
        if gevent.getcurrent() in checker and len(missing) < 3:  # its 3 candidates are missing
            missing.append(stamp)
            return NoMatchingAsset("no matching asset", status_code=400)
        return None

    source.fault = fault
    result, events = run(source, options(tmp_path, count=10, workers=5))
    gave_up = [e.timestamp for e in events if isinstance(e, ImageFailed) and e.worker == 1]
    assert gave_up == missing and len(missing) == 3  # the check failed all its candidates ...
    assert result.outcome is RunOutcome.DONE  # ... but the others had saved images meanwhile
    assert_distinct_valid_jpegs(result, 10)


def test_a_named_camera_with_every_image_on_disk_costs_no_request(tmp_path):
    source = FakeSource()
    run(source, options(tmp_path, count=5, workers=2))
    before = source.requests
    again, _ = run(source, options(tmp_path, count=5, workers=2))
    assert again.outcome is RunOutcome.DONE and len(again.existing) == 5
    assert source.requests == before


def test_a_camera_with_a_v3_status_is_refused_with_its_words(tmp_path):
    off = Camera(id=Esn.parse("1000c4ae"), name="Dock", status=CameraStatus.OFF,
                 recording=None, raw_status="deviceOffline")
    result, _ = run(FakeSource(), options(tmp_path), camera=off)
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert "Off" in result.error and "deviceOffline" in result.error


def test_random_mode_skips_cameras_failing_the_health_check(tmp_path):
    bad = {"00000001", "00000002", "00000003"}
    source = FakeSource(
        fault=lambda esn, stamp, attempt: (
            ServerError("proxy destination node connect timeout", status_code=504)
            if esn in bad
            else None
        )
    )
    devices = [make_device(esn) for esn in sorted(bad)] + [make_device("00000004")]
    devices.append(make_device("00000005", status_bits=0x8023, status=CameraStatus.OFF))
    result, events = run(
        source,
        options(tmp_path, count=3, seed=1, health_attempts=2),
        camera=None,
        candidates=devices,
    )
    assert result.outcome is RunOutcome.DONE
    assert result.camera.id == "00000004"
    rejected = [e for e in events if isinstance(e, CameraRejected)]
    assert {e.camera.id for e in rejected} <= bad
    assert all("cannot be fetched" in e.reason for e in rejected)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["00000004"]  # no empty folders


def test_random_mode_gives_up_after_bounded_tries(tmp_path):
    source = FakeSource(fault=lambda *a: "nonjpeg")  # the probe writes, then fails the check
    devices = [make_device(f"0000000{i}") for i in range(1, 9)]
    result, events = run(
        source,
        options(tmp_path, camera_tries=3, health_attempts=1),
        camera=None,
        candidates=devices,
    )
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert len([e for e in events if isinstance(e, CameraRejected)]) == 3
    assert not list((tmp_path / "out").glob("*"))  # no folder for a rejected camera


def test_listing_failure_falls_back_to_walking_x_ee_prev(tmp_path):
    source = FakeSource(list_error=ServerError("list broken", status_code=500))
    result, events = run(source, options(tmp_path, count=6, workers=3))
    assert result.outcome is RunOutcome.DONE
    assert_distinct_valid_jpegs(result, 6)
    planned = next(e for e in events if isinstance(e, RunPlanned))
    assert planned.source == "walk"
    assert planned.timestamps[:6] == tuple(source.stamps[:6])


def test_a_broken_event_handler_does_not_break_the_download(tmp_path):
    def explode(event):
        raise RuntimeError("renderer bug")

    engine = DownloadEngine(FakeSource(), options(tmp_path, count=4), on_event=explode)
    assert engine.run(camera=make_device()).outcome is RunOutcome.DONE


def test_cancel_during_a_commit_lets_the_file_finish(tmp_path, monkeypatch):
    import os
    import time

    from gevent import monkey

    real_event = monkey.get_original("threading", "Event")
    in_fsync, release = real_event(), real_event()
    real_fsync = os.fsync

    def slow_fsync(fd):
        in_fsync.set()
        release.wait(10)
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    engine = DownloadEngine(FakeSource(), options(tmp_path, count=10, workers=1))
    runner = gevent.spawn(engine.run, camera=make_device())
    deadline = time.monotonic() + 10
    while not in_fsync.is_set() and time.monotonic() < deadline:
        gevent.sleep(0.001)
    assert in_fsync.is_set()
    engine.cancel()  # the worker is waiting on fsync in a thread: it must not be killed there
    gevent.sleep(0.01)
    release.set()
    result = runner.get(timeout=10)
    assert result.outcome is RunOutcome.CANCELLED
    assert result.saved == 1  # the file being committed was finished and reported
    assert_distinct_valid_jpegs(result, 1)
    assert no_parts(tmp_path)
