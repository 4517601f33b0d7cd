"""A v3 time range through the real command line (a subprocess, ``--api v3`` with a portal
access token) against the v3 emulator over HTTP: exactly the emulator's frames of the range,
both ends included, W requests in flight at most, ``--json`` per camera."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from v3_emulator_helpers import login

from een_tui import exitcodes
from een_tui.emulator import EmulatorConfig, EmulatorServer

PROJECT = Path(__file__).resolve().parent.parent
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def emu():
    with EmulatorServer(EmulatorConfig(seed=3, test_mode=True, image_latency_ms=20),
                        host="127.0.0.1", port=0) as server:
        yield server


def _iso(ms: int) -> str:
    return (EPOCH + timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_download_a_v3_range_from_the_command_line(emu, tmp_path):
    device = next(d for d in emu.account.devices
                  if d.makes_previews and not d.is_bridge and d.transmit_mode == "always"
                  and emu.app.world.timelines.interval_ms(d) == 1000)
    timeline = emu.app.world.timelines.v3(device)
    latest = timeline.latest_index(emu.app.world.now_ms())
    first, last = latest - 60, latest - 5
    env = {k: v for k, v in os.environ.items() if not k.startswith("EEN_")}
    env.update(PYTHONPATH=str(PROJECT), EEN_ACCESS_TOKEN=login(emu)["access_token"],
               EEN_API_URL=emu.url)
    emu.reset_stats()
    run = subprocess.run(
        [sys.executable, "-m", "een_tui", "download", "--api", "v3", "--camera", device.esn,
         "--start", _iso(timeline.frame_ms(first)), "--end", _iso(timeline.frame_ms(last)),
         "--count", "all", "--workers", "5", "--out", str(tmp_path / "out"), "--json"],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=90,
        cwd=PROJECT)
    assert run.returncode == exitcodes.OK, run.stderr
    summary = json.loads(run.stdout)
    [camera] = summary["cameras"]
    assert (camera["state"], camera["saved"], camera["wanted"]) == ("done", 56, None)
    saved = sorted(p.name for p in (tmp_path / "out" / device.esn).glob("*.jpg"))
    assert saved == [f"{timeline.timestamp(k)}.jpg" for k in range(first, last + 1)]
    assert emu.stats()["v3_images_in_flight_max"] == 5
    assert emu.stats()["secrets_in_urls"] == 0
