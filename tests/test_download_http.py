"""The engine over real HTTP against the emulator on 127.0.0.1: distinct valid JPEGs, the
in-flight bound and keep-alive reuse (emulator stats), faults, cancellation, camera choice,
hostile names from the server, a full disk."""

from __future__ import annotations

import errno
import hashlib
import io
from pathlib import Path

import gevent
import pytest
from PIL import Image

from een_tui.api import v1_data as client_module  # where open_image reads the headers
from een_tui.api.client import ConnectionSettings, EenClient
from een_tui.api.devices import Device
from een_tui.api.errors import ServerError
from een_tui.api.model import Camera
from een_tui.api.status import CameraStatus
from een_tui.api.v1_backend import V1Backend
from een_tui.download import DownloadEngine, DownloadOptions, storage
from een_tui.download.events import (
    CameraRejected,
    FailureKind,
    ImageSaved,
    RunFinished,
    RunOutcome,
)
from een_tui.download.retry import RetryPolicy

FAST = RetryPolicy(max_attempts=8, backoff_base_s=0.002, backoff_max_s=0.02)
IMAGE_PATH = "GET /asset/asset/image.jpeg"


@pytest.fixture
def emu(emulator):
    return emulator  # conftest's one emulator fixture


def login(emu, pool_size: int = 5) -> EenClient:
    settings = ConnectionSettings(login_url=emu.url, api_url=emu.url, timeout=5.0)
    client = EenClient(settings, session_cache=None, pool_size=pool_size)
    client.login(emu.demo_username, emu.demo_password)
    return client


def online_cameras(client: EenClient) -> list[Camera]:
    cameras = V1Backend(client).list_cameras().cameras
    return sorted((c for c in cameras if c.usable), key=lambda c: c.id)


def options(tmp_path, **kw) -> DownloadOptions:
    kw.setdefault("retry", FAST)
    return DownloadOptions(out_dir=tmp_path / "out", **kw)


def assert_valid_distinct(result: RunFinished, count: int, tmp_path: Path) -> None:
    assert result.saved == count
    digests = set()
    for name in result.files:
        data = Path(name).read_bytes()
        Image.open(io.BytesIO(data)).verify()
        digests.add(hashlib.sha256(data).hexdigest())
    assert len(digests) == count
    files = sorted(str(p) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert files == sorted(result.files)  # nothing else: no .part, no stray file


def image_requests(stats: dict) -> int:
    return sum(stats["requests"].get(IMAGE_PATH, {}).values())


@pytest.mark.parametrize("count", [1, 20, 100])
def test_n_distinct_valid_jpegs(emu, tmp_path, count):
    client = login(emu)
    camera = online_cameras(client)[0]
    result = DownloadEngine(V1Backend(client), options(tmp_path, count=count)).run(camera=camera)
    assert result.outcome is RunOutcome.DONE, result.error
    assert_valid_distinct(result, count, tmp_path)
    assert all(Path(f).parent == tmp_path / "out" / camera.id for f in result.files)


@pytest.mark.parametrize("workers", [1, 5, 8])
def test_exactly_w_in_flight_at_peak_and_keep_alive(emu, tmp_path, workers):
    emu.config.image_latency_ms = 40  # long enough for the workers to overlap
    client = login(emu, pool_size=workers)
    camera = online_cameras(client)[0]
    count = 4 * workers + 2
    engine = DownloadEngine(V1Backend(client), options(tmp_path, count=count, workers=workers))
    result = engine.run(camera=camera)
    assert result.outcome is RunOutcome.DONE, result.error
    stats = emu.stats()
    assert stats["images_in_flight_max"] == workers
    images = image_requests(stats)
    assert images == count  # no fault, no waste: the health check's image is one of the N
    # keep-alive: the pool's connections are reused, not one per image
    assert stats["connections_opened"] <= workers + 3 < images


def test_faults_still_give_exactly_n_valid_files(emu, tmp_path):
    cfg = emu.config
    cfg.fault_5xx, cfg.fault_reset, cfg.fault_truncate = 0.2, 0.05, 0.05
    cfg.fault_401, cfg.fault_429, cfg.fault_non_jpeg = 0.05, 0.03, 0.03
    cfg.retry_after_s = 0.02
    client = login(emu)
    camera = online_cameras(client)[0]
    opts = options(tmp_path, count=20, attempt_budget=200, health_attempts=10)
    result = DownloadEngine(V1Backend(client), opts).run(camera=camera)
    assert result.outcome is RunOutcome.DONE, (result.error, result.failures)
    assert_valid_distinct(result, 20, tmp_path)
    answers = emu.stats()["requests"].get(IMAGE_PATH, {})
    assert sum(n for code, n in answers.items() if code != "200") > 0  # faults did happen
    assert sum(result.failures.values()) > 0


def test_cancel_midway_leaves_only_complete_files(emu, tmp_path):
    emu.config.image_latency_ms = 5
    client = login(emu)
    camera = online_cameras(client)[0]
    engine = DownloadEngine(V1Backend(client), options(tmp_path, count=100))

    def on_event(event):
        if isinstance(event, ImageSaved) and event.saved == 10:
            gevent.spawn(engine.cancel)

    engine.on_event = on_event
    result = engine.run(camera=camera)
    assert result.outcome is RunOutcome.CANCELLED
    assert 10 <= result.saved < 100
    assert_valid_distinct(result, result.saved, tmp_path)


def test_off_camera_is_refused_with_its_status(emu, tmp_path):
    client = login(emu)
    off = next(
        d for d in V1Backend(client).list_cameras().cameras if d.status is CameraStatus.OFF
    )
    result = DownloadEngine(V1Backend(client), options(tmp_path)).run(camera=off)
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.NO_USABLE_CAMERA
    assert "Off" in result.error and f"{off.status_bits:#x}" in result.error
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.jpg"))


def test_random_mode_skips_cameras_failing_the_health_check(emu, tmp_path, monkeypatch):
    client = login(emu)
    cameras = online_cameras(client)[:4]
    bad = {c.id for c in cameras[:3]}
    real_open = client.open_image

    def open_image(esn, timestamp, **kw):
        if esn in bad:
            raise ServerError("proxy destination node connect timeout", status_code=504)
        return real_open(esn, timestamp, **kw)

    monkeypatch.setattr(client, "open_image", open_image)
    events: list = []
    opts = options(tmp_path, count=3, seed=7, health_attempts=2, camera_tries=10)
    result = DownloadEngine(V1Backend(client), opts, on_event=events.append).run(candidates=cameras)
    assert result.outcome is RunOutcome.DONE
    assert result.camera.id == cameras[3].id
    rejected = [e for e in events if isinstance(e, CameraRejected)]
    assert {e.camera.id for e in rejected} <= bad
    assert all("proxy destination node connect timeout" in e.reason for e in rejected)


def test_hostile_names_from_the_server_never_escape_the_output_folder(emu, tmp_path, monkeypatch):
    client = login(emu)
    camera = online_cameras(client)[0]
    real_list = client.list_image_timestamps
    hostile = ["../../../../evil", "20190409024212.149/../../../x", "/etc/passwd", "..", ""]
    monkeypatch.setattr(
        client, "list_image_timestamps", lambda esn, **kw: hostile + real_list(esn, **kw)
    )
    real_headers = client_module.image_headers
    calls = {"n": 0}

    def hostile_headers(raw):
        headers = real_headers(raw)
        calls["n"] += 1
        if calls["n"] % 3 == 0:  # every third answer claims a hostile timestamp
            return type(headers)(
                timestamp=f"../../../../{tmp_path.name}-escaped",
                prev=headers.prev,
                next=headers.next,
                content_type=headers.content_type,
                content_length=headers.content_length,
            )
        return headers

    monkeypatch.setattr(client_module, "image_headers", hostile_headers)
    out = tmp_path / "nested" / "out"
    opts = DownloadOptions(count=10, out_dir=out, retry=FAST, health_attempts=10)
    result = DownloadEngine(V1Backend(client), opts).run(camera=camera)
    assert result.outcome is RunOutcome.DONE
    assert result.failures.get("unsafe name from server", 0) >= 1
    written = [p for p in tmp_path.parent.rglob("*") if tmp_path.name in str(p) and p.is_file()]
    assert written and all(p.is_relative_to(out / camera.id) for p in written)
    hostile_camera = Camera.from_v1(Device(
        id="../../etc",
        name="x",
        type="camera",
        status=CameraStatus.ONLINE,
        recording=False,
        status_bits=0x1E0000,
    ))
    refused = DownloadEngine(V1Backend(client), opts).run(camera=hostile_camera)
    assert refused.error_kind is FailureKind.NO_USABLE_CAMERA


def test_disk_full_is_a_clear_error_and_leaves_no_part(emu, tmp_path, monkeypatch):
    client = login(emu)
    camera = online_cameras(client)[0]
    real_open = open
    written = {"n": 0}

    class FullDisk(io.RawIOBase):
        def __init__(self, path, mode):
            self._file = real_open(path, mode)

        def write(self, data):
            written["n"] += 1
            if written["n"] > 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self._file.write(data)

        def fileno(self):
            return self._file.fileno()

        def flush(self):
            self._file.flush()

        def close(self):
            self._file.close()

    monkeypatch.setattr(storage, "open", FullDisk, raising=False)
    result = DownloadEngine(V1Backend(client), options(tmp_path, count=20)).run(camera=camera)
    assert result.outcome is RunOutcome.FAILED
    assert result.error_kind is FailureKind.STORAGE
    assert result.error.startswith("disk full while writing")
    assert not list((tmp_path / "out").rglob("*.part"))


def test_listing_down_falls_back_to_walking_x_ee_prev(emu, tmp_path, monkeypatch):
    client = login(emu)
    camera = online_cameras(client)[0]
    real_list = client.list_image_timestamps

    def broken(esn, **kw):
        raise ServerError("internal server error", status_code=500)

    monkeypatch.setattr(client, "list_image_timestamps", broken)
    events: list = []
    engine = DownloadEngine(V1Backend(client), options(tmp_path, count=8), on_event=events.append)
    result = engine.run(camera=camera)
    assert result.outcome is RunOutcome.DONE
    assert_valid_distinct(result, 8, tmp_path)
    planned = next(e for e in events if type(e).__name__ == "RunPlanned")
    assert planned.source == "walk"
    # the walk found consecutive frames: the same the list endpoint gives from that point back
    listed = real_list(camera.id, count=-8, start=planned.timestamps[0])
    assert list(planned.timestamps[:8]) == listed
