"""v3 time ranges against a scripted v3 server on 127.0.0.1: irregular frames (bursts and long
gaps) are all found once, and a server whose frame times cannot be trusted gets the camera
skipped with the reason, after a bounded number of requests (no endless walk)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from v3_server import RunningFake

from een_tui.api.time_range import TimeRange
from een_tui.api.timestamps import format_een_timestamp
from een_tui.api.v3.backend import V3Backend
from een_tui.api.v3.range import RangeStepEmpty
from een_tui.api.v3.timestamps import from_ms
from een_tui.download.events import RunOutcome
from een_tui.download.fleet import FleetRun
from een_tui.download.lane import LaneState
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeSpec
from een_tui.download.storage import BadImage

CAM = "1000c4ae"
RECORDED = "/api/v3.0/media/recordedImage.jpeg"


@pytest.fixture
def fake():
    with RunningFake() as running:
        running.app.access = "static-access-token"
        running.app.add_camera(CAM, frames=0)
        yield running


@pytest.fixture
def backend(fake):
    v3 = V3Backend(None, static_token="static-access-token", api_url=fake.url, pool_size=5)
    yield v3
    v3.close()


def _run(backend, tmp_path, start_ms, end_ms, fast_retry):
    spec = RangeSpec(start=from_ms(start_ms), end=from_ms(end_ms))
    camera = backend.list_cameras().cameras[0]
    options = DownloadOptions(workers=5, out_dir=tmp_path / "out", retry=fast_retry)
    return FleetRun(backend, options, count=None, spec=spec).run([camera])


def _saved(tmp_path) -> list[str]:
    return sorted(p.name[:-4] for p in (tmp_path / "out" / CAM).glob("*.jpg"))


def test_bursts_and_long_gaps_are_walked_exactly(fake, backend, tmp_path, fast_retry):
    base = fake.app.base_ms - 3_600_000
    frames = ([base + k * 1000 for k in range(12)]  # a burst
              + [base + 1_500_000 + k * 250 for k in range(9)]  # 25 min later, faster
              + [base + 3_000_000 + 7])  # one lone frame
    fake.app.frames[CAM] = frames
    result = _run(backend, tmp_path, base + 1000, base + 3_000_007, fast_retry)
    assert result.outcome is RunOutcome.DONE, result.error
    assert _saved(tmp_path) == [format_een_timestamp(from_ms(f)) for f in frames[1:]]
    assert fake.app.max_in_flight <= 5
    # one request per frame, about one more per slice (no settings: 1 s steps, 10 slices)
    assert fake.app.calls[RECORDED] <= 2 * len(frames) + 10


@pytest.mark.parametrize(("shift", "words"), [(None, "no valid X-Een-Timestamp"),
                                              (-1500, "older than the time asked")])
def test_untrustworthy_frame_times_skip_the_camera(fake, backend, tmp_path, fast_retry,
                                                   shift, words):
    fake.app.frames[CAM] = [fake.app.base_ms - 60_000 + k * 1000 for k in range(50)]
    fake.app.stamp_shift_ms = shift
    result = _run(backend, tmp_path, fake.app.base_ms - 55_000, fake.app.base_ms - 20_000,
                  fast_retry)
    camera = result.cameras[0]
    assert camera.state is LaneState.SKIPPED
    assert camera.reason == "failed the health check: a preview cannot be fetched"
    assert _saved(tmp_path) == []
    assert fake.app.calls[RECORDED] <= 3 * 6  # three jobs of at most six attempts each


def test_a_cursor_job_is_only_its_own(fake, backend):
    cursor = backend.plan_range(CAM, TimeRange(from_ms(0), from_ms(10_000), timedelta(seconds=2)))
    with pytest.raises(Exception, match="not a step of this range"):
        cursor.open_image(CAM, "20240101000000.000").__enter__()


def test_a_frame_whose_download_failed_is_not_skipped_by_a_concurrent_walk(fake, backend):
    """A job's download fails (its slice rewinds) while another walk of the same slice (the
    job's retry and a new job both walk it) has a request in flight for a later time: that
    answer must not move the slice past the frame that failed, or it is never fetched."""
    base = fake.app.base_ms - 600_000
    frames = [base + k * 1000 for k in range(4)]
    fake.app.frames[CAM] = frames
    stamps = [format_een_timestamp(from_ms(f)) for f in frames]
    real_open = backend.client.open_recorded_image
    hooks: dict[int, object] = {}  # asked ms -> run once its answer has arrived

    @contextmanager
    def open_recorded_image(camera_id, *, at, side):
        with real_open(camera_id, at=at, side=side) as answer:
            hook = hooks.pop(round((at - from_ms(0)) / timedelta(milliseconds=1)), None)
            if hook is not None:
                hook()
            yield answer

    backend.client.open_recorded_image = open_recorded_image
    cursor = backend.plan_range(CAM, TimeRange(from_ms(frames[0]), from_ms(frames[-1]), None))
    cursor.prepare(set(), None)
    [first] = cursor.next_page()  # one slice: the range is shorter than two of its steps
    saved: list[str] = []

    def fail(step) -> None:
        assert step.__exit__(BadImage, BadImage("cut short"), None) is False

    one = cursor.open_image(CAM, first)
    assert one.__enter__()[0].timestamp == stamps[0]
    fail(one)  # the slice rewinds: frame 0 is asked for again
    [second] = cursor.next_page()  # the slice is idle while the first job waits to retry
    two = cursor.open_image(CAM, second)
    assert two.__enter__()[0].timestamp == stamps[0]
    hooks[frames[0] + 1] = lambda: fail(two)  # fails while the retry's request is in flight
    retry = cursor.open_image(CAM, first)
    headers, chunks = retry.__enter__()
    saved.append(headers.timestamp)
    b"".join(chunks)
    retry.__exit__(None, None, None)
    for _ in range(20):  # walk the rest, every download succeeding
        jobs = cursor.next_page()
        if not jobs and cursor.done:
            break
        for job in jobs:
            try:
                with cursor.open_image(CAM, job) as (headers, chunks):
                    b"".join(chunks)
                    saved.append(headers.timestamp)
            except RangeStepEmpty:
                pass
    assert sorted(saved) == stamps
