"""A named camera's folder is made before its image check (the check is the first round), so a
run that saves nothing into it must take it away again, whatever ended the run, and say no
folder; a folder that was there before stays. Real HTTP against the emulator."""

from __future__ import annotations

import time

import gevent

from een_tui.api.client import ConnectionSettings, EenClient
from een_tui.api.v1_backend import V1Backend
from een_tui.download import DownloadEngine, DownloadOptions
from een_tui.download.events import FailureKind, RunOutcome
from een_tui.download.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=3, backoff_base_s=0.002, backoff_max_s=0.02)


def named_run(emulator, tmp_path):
    settings = ConnectionSettings(login_url=emulator.url, api_url=emulator.url, timeout=30.0)
    client = EenClient(settings, session_cache=None, pool_size=5)
    client.login(emulator.demo_username, emulator.demo_password)
    backend = V1Backend(client)
    camera = min((c for c in backend.list_cameras().cameras if c.usable), key=lambda c: c.id)
    options = DownloadOptions(out_dir=tmp_path / "out", count=20, workers=5, retry=FAST,
                              health_attempts=2)
    return DownloadEngine(backend, options), camera, tmp_path / "out" / camera.id


def test_a_run_cancelled_in_the_first_round_leaves_no_folder(emulator, tmp_path):
    emulator.config.image_latency_ms = 30_000  # the first round is on the wire, no byte back
    engine, camera, folder = named_run(emulator, tmp_path)
    runner = gevent.spawn(engine.run, camera=camera)
    deadline = time.monotonic() + 10
    while emulator.stats()["images_in_flight"] < 5:
        assert time.monotonic() < deadline, "the first round never went out"
        gevent.sleep(0.01)
    assert folder.is_dir()  # made for the first round
    engine.cancel()
    result = runner.get(timeout=10)
    assert result.outcome is RunOutcome.CANCELLED and result.saved == 0
    assert not folder.exists()
    assert result.out_dir is None  # no summary names a folder that is not there


def test_a_refused_camera_names_no_folder(emulator, tmp_path):
    emulator.config.fault_non_jpeg = 1.0
    engine, camera, folder = named_run(emulator, tmp_path)
    result = engine.run(camera=camera)
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert "failed the health check" in result.error
    assert not folder.exists()
    assert result.out_dir is None


def test_a_folder_that_was_there_stays_when_the_camera_is_refused(emulator, tmp_path):
    emulator.config.fault_non_jpeg = 1.0
    engine, camera, folder = named_run(emulator, tmp_path)
    folder.mkdir(parents=True)
    result = engine.run(camera=camera)
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert result.out_dir == str(folder)
