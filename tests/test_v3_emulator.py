"""The v3 client against the v3 emulator over loopback HTTP: login by listener and by paste,
a page-clamped camera list with every status, and 20 distinct previews with exactly 5 image
requests in flight through the download engine; no secret in any URL (the emulator counts)."""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from een_tui.api.status import CameraStatus
from een_tui.api.v3.backend import V3Backend
from een_tui.api.v3.token_cache import TokenCache
from een_tui.api.v3.tokens import OAuthClient
from een_tui.download.engine import DownloadEngine
from een_tui.download.options import DownloadOptions

REDIRECT = "http://127.0.0.1:3333/callback"  # registered for the demo client


@pytest.fixture
def v3_emulator():
    from een_tui.emulator import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(seed=1, test_mode=True, v3_max_page_size=7, image_latency_ms=150)
    with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
        yield emu


def backend_for(emu, tmp_path, **kwargs) -> V3Backend:
    oauth = OAuthClient(emu.v3_client_id, emu.v3_client_secret, REDIRECT, auth_url=emu.url)
    return V3Backend(oauth, cache=TokenCache(tmp_path / "state"), api_url=emu.url, **kwargs)


def logged_in(emu, tmp_path, **kwargs) -> V3Backend:
    backend = backend_for(emu, tmp_path, **kwargs)
    flow = backend.login_flow(listen=False, env={})
    step = flow.begin()
    flow.finish(emu.v3_approve(step.url))
    return backend


def test_login_through_the_listener(v3_emulator, tmp_path):
    backend = backend_for(v3_emulator, tmp_path)
    flow = backend.login_flow(listen_port=0, env={})
    step = flow.begin()
    port = flow.prompt.listening_port
    redirect = urlsplit(v3_emulator.v3_approve(step.url))
    # The browser follows the redirect; here port 3333 reaches the listener as through
    # ``ssh -L 3333:127.0.0.1:PORT``.
    page = requests.get(f"http://127.0.0.1:{port}{redirect.path}?{redirect.query}", timeout=10)
    assert page.status_code == 200 and "close this tab" in page.text
    assert flow.finish().done
    assert backend.user()["email"]
    assert v3_emulator.stats()["secrets_in_urls"] == 0


def test_login_by_pasting_on_a_pipe_then_the_next_command_resumes(v3_emulator, tmp_path):
    backend = backend_for(v3_emulator, tmp_path)
    flow = backend.login_flow(listen=False, env={})
    step = flow.begin()
    address = v3_emulator.v3_approve(step.url)
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "r") as stream, os.fdopen(write_end, "w") as writer:
        writer.write(address + "\n")
        writer.flush()
        assert flow.wait(stream).done
    assert backend.display_name == "" and backend.user()
    backend.close()
    again = backend_for(v3_emulator, tmp_path)
    assert again.resume() is True and again.display_name


def test_camera_list_follows_every_clamped_page_with_every_status(v3_emulator, tmp_path):
    backend = logged_in(v3_emulator, tmp_path)
    cameras = backend.list_cameras().cameras
    # an independent count from the emulator's own account
    expected = {d.esn for d in v3_emulator.account.cameras()}
    assert {c.id for c in cameras} == expected and len(cameras) > 7
    assert len([line for line in v3_emulator.stats()["requests"]
                if "cameras" in line]) >= 1
    table = {"online": CameraStatus.ONLINE, "off": CameraStatus.OFF,
             "bridgeOffline": CameraStatus.INTERNET_OFFLINE,
             "deviceOffline": CameraStatus.OFFLINE, "error": CameraStatus.OFFLINE,
             "invalidCredentials": CameraStatus.PASSWORD_NEEDED,
             "unknown": CameraStatus.UNKNOWN}
    seen = {c.raw_status for c in cameras}
    assert seen == set(table)
    for camera in cameras:
        assert camera.status is table[camera.raw_status]
        assert camera.recording is None
    assert backend.list_bridges()


def test_twenty_distinct_previews_with_five_in_flight(v3_emulator, tmp_path):
    backend = logged_in(v3_emulator, tmp_path, pool_size=5)
    camera = next(c for c in backend.list_cameras().cameras
                  if c.usable and c.name.startswith("CFA1"))
    v3_emulator.reset_stats()
    options = DownloadOptions(count=20, workers=5, out_dir=tmp_path / "out")
    result = DownloadEngine(backend, options).run(camera=camera)
    files = sorted((tmp_path / "out").rglob("*.jpg"))
    assert result.saved == 20 and len(files) == 20
    assert not list((tmp_path / "out").rglob("*.part"))
    assert len({f.name for f in files}) == 20
    for path in files:
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            image.verify()
    stats = v3_emulator.stats()
    assert stats["v3_images_in_flight_max"] == 5
    assert stats["secrets_in_urls"] == 0


def test_token_expiring_mid_run_is_refreshed_once_for_all_workers(v3_emulator, tmp_path):
    from een_tui.download.events import ImageSaved

    backend = logged_in(v3_emulator, tmp_path, pool_size=5)
    camera = next(c for c in backend.list_cameras().cameras
                  if c.usable and c.name.startswith("CFA1"))
    v3_emulator.reset_stats()
    oauth_state = v3_emulator.app.world.oauth
    saved = []

    def on_event(event):
        if isinstance(event, ImageSaved):
            saved.append(event)
            if len(saved) == 6:  # the access token dies on the server, mid-run
                for entry in oauth_state.access.values():
                    entry.expires_at = 0.0

    options = DownloadOptions(count=20, workers=5, out_dir=tmp_path / "out")
    result = DownloadEngine(backend, options, on_event=on_event).run(camera=camera)
    assert result.saved == 20 and not list((tmp_path / "out").rglob("*.part"))
    stats = v3_emulator.stats()
    assert stats["requests"]["POST /oauth2/token"] == {"200": 1}  # one refresh for everyone
    assert stats["requests"]["GET /api/v3.0/media/recordedImage.jpeg"].get("401", 0) >= 1
    assert stats["secrets_in_urls"] == 0
    backend.close()
    # the rotated refresh token is on disk: the next command runs without a new login
    again = backend_for(v3_emulator, tmp_path)
    assert again.resume() is True and again.list_cameras().cameras


def test_faults_on_images_still_give_twenty_files_and_no_part(tmp_path):
    from een_tui.download.retry import RetryPolicy as DownloadRetry
    from een_tui.emulator import EmulatorConfig, EmulatorServer

    config = EmulatorConfig(seed=3, test_mode=True, image_latency_ms=20, fault_5xx=0.08,
                            fault_429=0.04, retry_after_s=0.2, fault_reset=0.08,
                            fault_truncate=0.08)
    with EmulatorServer(config, host="127.0.0.1", port=0) as emu:
        backend = logged_in(emu, tmp_path, pool_size=5)
        camera = next(c for c in backend.list_cameras().cameras
                      if c.usable and c.name.startswith("CFA1"))
        emu.reset_stats()
        options = DownloadOptions(count=20, workers=5, out_dir=tmp_path / "out",
                                  retry=DownloadRetry(backoff_base_s=0.01, backoff_max_s=0.1))
        result = DownloadEngine(backend, options).run(camera=camera)
        stats = emu.stats()
    assert result.saved == 20 and len(list((tmp_path / "out").rglob("*.jpg"))) == 20
    assert not list((tmp_path / "out").rglob("*.part"))
    faulted = sum(n for line, codes in stats["requests"].items() if "/media/" in line
                  for code, n in codes.items() if code != "200")
    assert faulted >= 1  # the knobs did fire
    assert stats["v3_images_in_flight_max"] <= 5
