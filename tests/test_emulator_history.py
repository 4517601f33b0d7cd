"""Issue 13: hours of preview history, one frame a second, served without holding it in memory."""

from __future__ import annotations

import io
import tracemalloc

import requests
from PIL import Image

from een_tui.api.timestamps import een_timestamp_to_ms
from een_tui.emulator import EmulatorConfig, EmulatorServer
from een_tui.emulator.previews import PreviewRenderer

SIX_HOURS = 6 * 3600


def _login(emu: EmulatorServer, session: requests.Session) -> None:
    token = session.post(f"{emu.url}/g/aaa/authenticate", timeout=10, json={
        "username": emu.demo_username, "password": emu.demo_password}).json()["token"]
    session.post(f"{emu.url}/g/aaa/authorize", json={"token": token},
                 timeout=10).raise_for_status()


def test_six_hours_of_frames_from_every_camera_in_little_memory():
    tracemalloc.start()
    try:
        config = EmulatorConfig(test_mode=True, history_s=SIX_HOURS, preview_interval_ms=1000)
        with EmulatorServer(config) as emu, requests.Session() as session:
            _login(emu, session)
            cameras = emu.account.online_cameras()
            assert len(cameras) >= 50  # 50 cameras x 21,600 frames: over a million frames
            first = last = None
            for camera in cameras:
                oldest = session.get(f"{emu.url}/asset/list/image", timeout=10, params={
                    "id": camera.esn, "start_timestamp": "20000101000000.000", "count": 2,
                    "asset_class": "pre"}).json()
                newest = session.get(f"{emu.url}/asset/list/image", timeout=10, params={
                    "id": camera.esn, "start_timestamp": "now", "count": -1,
                    "asset_class": "pre"}).json()
                first, last = oldest[0]["s"], newest[0]["s"]
                span_s = (een_timestamp_to_ms(last) - een_timestamp_to_ms(first)) / 1000
                assert SIX_HOURS - 5 <= span_s <= SIX_HOURS + 60
                assert een_timestamp_to_ms(oldest[1]["s"]) - een_timestamp_to_ms(first) in range(
                    990, 1011)
            for stamp in (first, last):
                image = session.get(f"{emu.url}/asset/asset/image.jpeg", timeout=10, params={
                    "id": cameras[-1].esn, "timestamp": stamp, "asset_class": "pre"})
                assert image.headers["X-Ee-Timestamp"] == f"preview-{stamp}"
                assert Image.open(io.BytesIO(image.content)).format == "JPEG"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A list of the frames alone (1M+ entries) would need far more than this.
    assert peak < 40 * 1024 * 1024, peak


def test_renderer_keeps_only_an_lru_of_encoded_jpegs():
    renderer = PreviewRenderer(cache_size=3)
    frames = [renderer.jpeg("1000abcd", "Cam", k, "20260101000000.000") for k in range(6)]
    assert len(set(frames)) == 6  # every frame its own picture
    assert renderer.cached() == 3
    again = renderer.jpeg("1000abcd", "Cam", 5, "20260101000000.000")
    assert again == frames[5]  # drawn again from the same pure function: same bytes
