"""v3 time ranges against a scripted v3 server on 127.0.0.1: irregular frames (bursts and long
gaps) are all found once, and a server whose frame times cannot be trusted gets the camera
skipped with the reason, after a bounded number of requests (no endless walk)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from v3_server import RunningFake

from een_tui.api.time_range import TimeRange
from een_tui.api.timestamps import format_een_timestamp
from een_tui.api.v3.backend import V3Backend
from een_tui.api.v3.timestamps import from_ms
from een_tui.download.events import RunOutcome
from een_tui.download.fleet import FleetRun
from een_tui.download.lane import LaneState
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeSpec

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
