"""Many cameras over API v3 (the v3 emulator over HTTP): one pool of W for all cameras, per
camera folders, for N images each or for a time range each."""

from __future__ import annotations

import pytest
from test_v3_emulator import logged_in

from een_tui.download.events import RunOutcome
from een_tui.download.fleet import FleetRun
from een_tui.download.lane import LaneState
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeSpec


@pytest.fixture
def v3_emulator():
    from een_tui.emulator import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(seed=1, test_mode=True, image_latency_ms=30)
    with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
        yield emu


def test_many_v3_cameras_share_one_pool_of_w(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    cameras = [c for c in backend.list_cameras().cameras if c.usable][:8]
    v3_emulator.reset_stats()
    options = DownloadOptions(workers=5, out_dir=tmp_path / "out", retry=fast_retry)
    result = FleetRun(backend, options, count=3).run(cameras)
    stats = v3_emulator.stats()
    assert stats["v3_images_in_flight_max"] == 5
    assert result.outcome is RunOutcome.DONE
    done = sorted(c.id for c in result.cameras if c.state is LaneState.DONE)
    assert done == sorted(str(c.id) for c in cameras)  # in the order they finished
    for camera in cameras:
        files = list((tmp_path / "out" / str(camera.id)).glob("*.jpg"))
        assert len(files) == 3
        assert len({f.read_bytes() for f in files}) == 3  # distinct frames


def test_v3_ranges_of_many_cameras_share_one_pool_of_w(v3_emulator, tmp_path, fast_retry):
    backend = logged_in(v3_emulator, tmp_path)
    cameras = [c for c in backend.list_cameras().cameras if c.usable][:3]
    v3_emulator.reset_stats()
    options = DownloadOptions(workers=5, out_dir=tmp_path / "out", retry=fast_retry)
    result = FleetRun(backend, options, count=None,
                      spec=RangeSpec.parse(since="20s")).run(cameras)
    assert result.outcome is RunOutcome.DONE, result.error
    assert v3_emulator.stats()["v3_images_in_flight_max"] == 5
    for camera in cameras:
        files = list((tmp_path / "out" / str(camera.id)).glob("*.jpg"))
        assert len(files) >= 4  # every frame of 20 s (exact frames: tests/test_range_v3.py)
        assert len({f.read_bytes() for f in files}) == len(files)  # distinct frames
