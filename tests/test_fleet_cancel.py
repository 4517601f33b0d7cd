"""A many-camera range run cancelled mid-way: saved files stay, no ``.part`` is left, every
open camera says ``cancelled``; the re-run fetches only what is missing (emulator counts)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import gevent

from een_tui.api.v1_backend import V1Backend
from een_tui.download.events import ImageSaved, RunOutcome
from een_tui.download.fleet import FleetRun
from een_tui.download.lane import LaneState
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeSpec
from een_tui.emulator import EmulatorConfig, EmulatorServer

IMAGES = "GET /asset/asset/image.jpeg"


def test_cancel_then_resume(tmp_path, fast_retry):
    from een_tui.api.client import EenClient
    from een_tui.api.settings import ConnectionSettings

    config = EmulatorConfig(seed=4, test_mode=True, cameras=6, image_latency_ms=20)
    with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
        client = EenClient(ConnectionSettings(login_url=emu.url), session_cache=None,
                           pool_size=3)
        client.login(emu.demo_username, emu.demo_password)
        backend = V1Backend(client)
        cameras = [c for c in backend.list_cameras().cameras if c.usable][:3]
        now = datetime.now(timezone.utc)
        start = (now - timedelta(minutes=3)).isoformat(timespec="milliseconds")
        spec = RangeSpec.parse(start=start, length="1m")
        options = DownloadOptions(workers=3, out_dir=tmp_path, retry=fast_retry)
        saved = []

        def on_event(event):
            if isinstance(event, ImageSaved):
                saved.append(event.path)
                if len(saved) == 40:
                    fleet.cancel()

        fleet = FleetRun(backend, options, count=None, spec=spec, on_event=on_event)
        first = fleet.run(cameras)
        assert first.outcome is RunOutcome.CANCELLED
        assert fleet.join(5)
        assert not list(tmp_path.rglob("*.part*"))
        on_disk = sorted(tmp_path.rglob("*.jpg"))
        assert 40 <= len(on_disk) < 3 * 60
        assert {p.parent.name for p in on_disk} <= {c.id for c in cameras}
        assert LaneState.CANCELLED in {c.state for c in first.cameras}
        assert sum(c.saved for c in first.cameras) == len(on_disk)

        # A request the cancel cut on the client may still be answered (and counted) by the
        # server: wait until it has none in flight before counting the second run's requests.
        deadline = time.monotonic() + 10
        while emu.stats()["images_in_flight"] and time.monotonic() < deadline:
            gevent.sleep(0.01)
        emu.reset_stats()
        again = FleetRun(backend, options, count=None, spec=spec).run(cameras)
        assert again.outcome is RunOutcome.DONE
        total = sorted(tmp_path.rglob("*.jpg"))
        assert set(on_disk) <= set(total)
        assert emu.stats()["requests"][IMAGES]["200"] == len(total) - len(on_disk)
        assert again.images_fetched == len(total) - len(on_disk)
        assert [c.state for c in again.cameras] == [LaneState.DONE] * 3
        client.close()


class NoRanges:
    """A backend whose API cannot page through a range (as v3 for now): V1 without
    ``plan_range``."""

    def __init__(self, backend: V1Backend) -> None:
        self._backend = backend
        self.api_version = "v9"

    def __getattr__(self, name: str):
        if name == "plan_range":
            raise AttributeError(name)
        return getattr(self._backend, name)


def test_a_backend_without_ranges_skips_its_cameras_with_a_reason(tmp_path, logged_in_client,
                                                                  emulator):
    backend = V1Backend(logged_in_client)
    cameras = [c for c in backend.list_cameras().cameras if c.usable][:2]
    spec = RangeSpec.parse(since="1m")
    result = FleetRun(NoRanges(backend), DownloadOptions(out_dir=tmp_path), count=None,
                      spec=spec).run(cameras)
    assert result.outcome is RunOutcome.FAILED  # every camera skipped: no usable camera
    assert [c.state for c in result.cameras] == [LaneState.SKIPPED] * 2
    assert all("cannot list a time range" in (c.reason or "") for c in result.cameras)
    assert not any(tmp_path.iterdir())
    assert IMAGES not in emulator.stats()["requests"]
