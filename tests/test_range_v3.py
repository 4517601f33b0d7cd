"""A v3 time range against the v3 emulator over HTTP, through the many-camera runner the CLI
uses: exactly the frames the emulator has in the range, W requests in flight at most.

The expected frames come from the emulator's own frame schedule (its v3 ``Timeline`` for the
camera: origin, the camera's own interval, per-frame jitter, an onDemand camera's short burst),
not from the code under test; both ends are included, as for v1.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from test_v3_emulator import logged_in

from een_tui.api.timestamps import ms_to_een_timestamp
from een_tui.download.events import RunOutcome
from een_tui.download.fleet import FleetRun
from een_tui.download.lane import LaneState
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeSpec

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
RECORDED = "GET /api/v3.0/media/recordedImage.jpeg"


@pytest.fixture
def v3_emulator():
    from een_tui.emulator import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(seed=1, test_mode=True, image_latency_ms=20)
    with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
        yield emu


def _camera(emu, backend, name: str | None = None):
    """The camera called ``name`` (else the first usable 1 s one) and its v3 timeline."""
    for camera in backend.list_cameras().cameras:
        device = emu.account.by_esn.get(str(camera.id))
        if device is None or not camera.usable:
            continue
        if (device.name == name) if name else (
                emu.app.world.timelines.interval_ms(device) == 1000
                and device.transmit_mode == "always"):
            return camera, emu.app.world.timelines.v3(device)
    raise AssertionError(f"no camera {name!r} in the demo")


def _frames(timeline, start_ms: int, end_ms: int, now_ms: int) -> list[str]:
    """Every frame of the schedule with start <= time <= end that exists now, oldest first."""
    latest = timeline.latest_index(now_ms)
    first = max(0, (start_ms - timeline.origin_ms) // timeline.interval_ms - 2)
    last = min(latest, (end_ms - timeline.origin_ms) // timeline.interval_ms + 2)
    return [timeline.timestamp(k) for k in range(first, last + 1)
            if start_ms <= timeline.frame_ms(k) <= end_ms]


def _run(backend, camera, tmp_path, start_ms: int, end_ms: int, *, every=None, workers=5,
         fast_retry=None, count=None):
    spec = RangeSpec(start=EPOCH + timedelta(milliseconds=start_ms),
                     end=EPOCH + timedelta(milliseconds=end_ms), every=every)
    options = DownloadOptions(workers=workers, out_dir=tmp_path / "out",
                              **({"retry": fast_retry} if fast_retry else {}))
    return FleetRun(backend, options, count=count, spec=spec).run([camera])


def _saved(tmp_path, camera) -> list[str]:
    folder = tmp_path / "out" / str(camera.id)
    return sorted(p.name[:-4] for p in folder.glob("*.jpg"))


def test_a_v3_range_yields_exactly_the_emulators_frames(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    now = v3_emulator.app.world.now_ms()
    latest = timeline.latest_index(now)
    start_ms = timeline.frame_ms(latest - 130)  # exactly on a frame: that one is in
    end_ms = timeline.frame_ms(latest - 10)  # exactly on a frame: that one is in
    expected = _frames(timeline, start_ms, end_ms, now)
    assert len(expected) == 121 and expected[0] == ms_to_een_timestamp(start_ms)
    v3_emulator.reset_stats()
    result = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == expected
    assert result.cameras[0].saved == 121 and result.cameras[0].failures == 0
    stats = v3_emulator.stats()
    assert stats["v3_images_in_flight_max"] == 5
    recorded = sum(stats["requests"][RECORDED].values())
    assert recorded <= 121 + 3 * 10  # one request per frame, plus a few per slice's end


def test_the_ends_are_in_and_a_frame_just_outside_is_not(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    latest = timeline.latest_index(v3_emulator.app.world.now_ms())
    start_ms = timeline.frame_ms(latest - 40) + 1  # just after a frame: that one is out
    end_ms = timeline.frame_ms(latest - 20) - 1  # just before a frame: that one is out
    result = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == [timeline.timestamp(k)
                                        for k in range(latest - 39, latest - 20)]


@pytest.mark.parametrize("name", ["Oven", "Dough Machine"])
def test_a_camera_with_its_own_interval(v3_emulator, tmp_path, fast_retry, name):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend, name)
    assert timeline.interval_ms != 1000
    now = v3_emulator.app.world.now_ms()
    end_ms = timeline.frame_ms(timeline.latest_index(now) - 3) + 7
    start_ms = end_ms - 90_000 if timeline.interval_ms > 1000 else end_ms - 20_000
    expected = _frames(timeline, start_ms, end_ms, now)
    assert 45 <= len(expected) <= 81
    result = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == expected


def test_an_on_demand_camera_has_only_its_burst(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend, "SAM Service Bay")
    assert timeline.frames is not None  # a short burst, then nothing recorded
    now = v3_emulator.app.world.now_ms()
    start_ms = timeline.origin_ms - 600_000
    end_ms = now
    expected = [timeline.timestamp(k) for k in range(timeline.frames)]
    assert _frames(timeline, start_ms, end_ms, now) == expected
    v3_emulator.reset_stats()
    result = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == expected
    assert v3_emulator.stats()["v3_images_in_flight_max"] <= 5


def test_every_keeps_one_frame_per_tick(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    now = v3_emulator.app.world.now_ms()
    latest = timeline.latest_index(now)
    start_ms = timeline.frame_ms(latest - 305) + 400
    end_ms = timeline.frame_ms(latest - 5)
    frames = _frames(timeline, start_ms, end_ms, now)
    ms = [timeline.frame_ms(k) for k in range(latest - 310, latest)]
    ticks = range(start_ms, end_ms + 1, 10_000)
    kept = sorted({ms_to_een_timestamp(min(m for m in ms if m >= t)) for t in ticks})
    kept = [k for k in kept if k in frames]
    assert len(kept) == 30 and kept[0] == frames[0]
    result = _run(backend, camera, tmp_path, start_ms, end_ms,
                  every=timedelta(seconds=10), fast_retry=fast_retry)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == kept


def test_a_second_run_fetches_only_the_missing_frames(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    now = v3_emulator.app.world.now_ms()
    latest = timeline.latest_index(now)
    start_ms, end_ms = timeline.frame_ms(latest - 80), timeline.frame_ms(latest - 21)
    expected = _frames(timeline, start_ms, end_ms, now)
    first = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert first.outcome is RunOutcome.DONE and _saved(tmp_path, camera) == expected
    folder = tmp_path / "out" / str(camera.id)
    gone = expected[3::7]
    kept_bytes = {name: (folder / f"{name}.jpg").stat().st_mtime_ns for name in expected}
    for name in gone:
        (folder / f"{name}.jpg").unlink()
    second = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert second.outcome is RunOutcome.DONE, second.error
    assert _saved(tmp_path, camera) == expected
    assert second.images_fetched == len(gone)
    assert second.cameras[0].already == len(expected) - len(gone)
    for name in expected:
        if name not in gone:  # not written again
            assert (folder / f"{name}.jpg").stat().st_mtime_ns == kept_bytes[name]


def test_a_range_with_no_frames_ends_short_with_the_reason(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    start_ms = timeline.origin_ms - 3_600_000  # before the camera's history
    result = _run(backend, camera, tmp_path, start_ms, start_ms + 60_000,
                  fast_retry=fast_retry)
    assert result.outcome is RunOutcome.INCOMPLETE
    assert result.cameras[0].state is LaneState.INCOMPLETE
    assert result.cameras[0].reason == "no previews in the range"
    assert result.cameras[0].failures == 0


def test_faults_on_the_wire_lose_and_repeat_no_frame(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    now = v3_emulator.app.world.now_ms()
    latest = timeline.latest_index(now)
    start_ms, end_ms = timeline.frame_ms(latest - 90), timeline.frame_ms(latest - 11)
    expected = _frames(timeline, start_ms, end_ms, now)
    config = v3_emulator.config
    config.fault_5xx, config.fault_truncate, config.fault_reset = 0.1, 0.1, 0.05
    v3_emulator.reset_stats()
    result = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    config.fault_5xx = config.fault_truncate = config.fault_reset = 0.0
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == expected
    assert result.cameras[0].failures > 0  # the faults did happen, and were retried
    assert v3_emulator.stats()["v3_images_in_flight_max"] <= 5


@pytest.mark.parametrize("count", [20, 1])
def test_count_takes_the_first_frames_of_the_range(v3_emulator, tmp_path, fast_retry, count):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    now = v3_emulator.app.world.now_ms()
    latest = timeline.latest_index(now)
    start_ms, end_ms = timeline.frame_ms(latest - 200) - 1, timeline.frame_ms(latest - 10)
    expected = _frames(timeline, start_ms, end_ms, now)[:count]
    v3_emulator.reset_stats()
    result = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry,
                  count=count)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path, camera) == expected
    assert sum(v3_emulator.stats()["requests"][RECORDED].values()) <= 2 * count + 10


def test_a_count_already_on_disk_fetches_nothing(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    camera, timeline = _camera(v3_emulator, backend)
    now = v3_emulator.app.world.now_ms()
    latest = timeline.latest_index(now)
    start_ms, end_ms = timeline.frame_ms(latest - 60), timeline.frame_ms(latest - 21)
    first = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry)
    assert first.outcome is RunOutcome.DONE and first.cameras[0].saved == 40
    again = _run(backend, camera, tmp_path, start_ms, end_ms, fast_retry=fast_retry, count=10)
    assert again.outcome is RunOutcome.DONE, again.error
    assert (again.images_fetched, again.cameras[0].already) == (0, 10)
    assert again.cameras[0].failures == 0
