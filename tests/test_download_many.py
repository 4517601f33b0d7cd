"""`een-tui download` over a time range and over many cameras, end to end against the emulator
over HTTP: exact frames, W requests in flight across all cameras, resume, per-camera summary,
usage errors."""

from __future__ import annotations

import json
import signal
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from een_tui import cli, exitcodes
from een_tui.emulator import EmulatorConfig, EmulatorServer

IMAGES = "GET /asset/asset/image.jpeg"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def emu():
    config = EmulatorConfig(seed=3, test_mode=True, cameras=40, image_latency_ms=15)
    with EmulatorServer(config, host="127.0.0.1", port=0) as server:
        yield server


def download(emu, tmp_path: Path, *extra: str) -> int:
    secret = tmp_path / "password"
    secret.write_text(emu.demo_password + "\n")
    secret.chmod(0o600)
    return cli.main(["download", "--login-url", emu.url, "--api-url", emu.url,
                     "--username", emu.demo_username, "--password-file", str(secret),
                     "--no-session-cache", "--out", str(tmp_path / "out"), *extra])


def iso(ms: int) -> str:
    """An ISO time with milliseconds and an offset (so the camera's zone does not apply)."""
    moment = EPOCH + timedelta(milliseconds=ms)
    return moment.isoformat(timespec="milliseconds")


def expected_frames(timeline, start_ms: int, end_ms: int) -> list[str]:
    """The emulator's own schedule: every frame with start <= time <= end."""
    first = (start_ms - timeline.origin_ms) // timeline.interval_ms - 2
    last = (end_ms - timeline.origin_ms) // timeline.interval_ms + 2
    return [timeline.timestamp(k) for k in range(max(0, first), last + 1)
            if start_ms <= timeline.frame_ms(k) <= end_ms]


def saved(tmp_path: Path, esn: str) -> list[str]:
    folder = tmp_path / "out" / esn
    return sorted(p.name[:-4] for p in folder.glob("*.jpg")) if folder.exists() else []


def online(emu, n: int):
    return emu.account.online_cameras()[:n]


def test_a_range_saves_exactly_the_frames_the_emulator_has(emu, tmp_path, capsys):
    camera = online(emu, 1)[0]
    timeline = emu.app.world.timelines.v1(camera)
    latest = timeline.latest_index(emu.app.world.now_ms())
    start_ms = timeline.frame_ms(latest - 250) + 1  # just after a frame: it is out
    end_ms = timeline.frame_ms(latest - 10)  # exactly a frame: it is in
    expected = expected_frames(timeline, start_ms, end_ms)
    assert len(expected) == 240
    code = download(emu, tmp_path, "--camera", camera.esn, "--start", iso(start_ms),
                    "--end", iso(end_ms), "--count", "all", "--json")
    assert code == exitcodes.OK
    assert saved(tmp_path, camera.esn) == expected
    summary = json.loads(capsys.readouterr().out)
    assert summary["outcome"] == "done" and summary["saved"] == 240
    [line] = summary["cameras"]
    assert (line["id"], line["state"], line["saved"], line["wanted"]) == (
        camera.esn, "done", 240, None)
    stats = emu.stats()
    assert stats["requests"][IMAGES] == {"200": 240}
    assert stats["requests"]["GET /asset/list/image"]["200"] == 2  # pages of 200


def test_every_and_count_take_the_first_frames_of_the_range(emu, tmp_path):
    camera = online(emu, 1)[0]
    timeline = emu.app.world.timelines.v1(camera)
    latest = timeline.latest_index(emu.app.world.now_ms())
    start_ms, end_ms = timeline.frame_ms(latest - 200), timeline.frame_ms(latest - 5)
    kept, last = [], None
    for stamp in expected_frames(timeline, start_ms, end_ms):
        ms = timeline.frame_ms(int(timeline.floor_index(_ms(stamp))))
        if last is None or ms - last >= 30_000:
            kept.append(stamp)
            last = ms
    code = download(emu, tmp_path, "--camera", camera.esn, "--start", iso(start_ms),
                    "--end", iso(end_ms), "--every", "30s", "--count", "4")
    assert code == exitcodes.OK
    assert saved(tmp_path, camera.esn) == kept[:4]


def _ms(stamp: str) -> int:
    from een_tui.api.timestamps import een_timestamp_to_ms
    return een_timestamp_to_ms(stamp)


def test_many_cameras_share_one_pool_of_w(emu, tmp_path, capsys):
    code = download(emu, tmp_path, "--all", "--count", "3", "--workers", "5", "--json")
    summary = json.loads(capsys.readouterr().out)
    cameras = emu.account.cameras()
    assert len(summary["cameras"]) == len(cameras)
    good = {c.esn for c in emu.account.online_cameras()}
    for line in summary["cameras"]:
        if line["id"] in good:
            assert (line["state"], line["saved"]) == ("done", 3)
            assert len(saved(tmp_path, line["id"])) == 3
        else:
            assert line["state"] == "skipped" and line["reason"]
            assert saved(tmp_path, line["id"]) == []
    assert code == (exitcodes.OK if len(good) == len(cameras) else exitcodes.INCOMPLETE)
    stats = emu.stats()
    assert stats["images_in_flight_max"] == 5  # the server saw W, not W per camera
    assert stats["requests"][IMAGES] == {"200": 3 * len(good)}


def test_a_resumed_range_fetches_only_what_is_missing(emu, tmp_path, capsys):
    cameras = online(emu, 3)
    timeline = emu.app.world.timelines.v1(cameras[0])
    now = emu.app.world.now_ms()
    start_ms, end_ms = now - 120_000, now - 60_000
    esns = ",".join(c.esn for c in cameras)
    args = ("--camera", esns, "--start", iso(start_ms), "--end", iso(end_ms), "--count", "all")
    assert download(emu, tmp_path, *args) == exitcodes.OK
    first = {c.esn: saved(tmp_path, c.esn) for c in cameras}
    assert first[cameras[0].esn] == expected_frames(timeline, start_ms, end_ms)
    removed = 0
    for esn, names in first.items():  # some lost files, in the middle and at the ends
        for stamp in names[::7]:
            (tmp_path / "out" / esn / f"{stamp}.jpg").unlink()
            removed += 1
    emu.reset_stats()
    capsys.readouterr()
    assert download(emu, tmp_path, *args, "--json") == exitcodes.OK
    assert {c.esn: saved(tmp_path, c.esn) for c in cameras} == first
    assert emu.stats()["requests"][IMAGES] == {"200": removed}
    summary = json.loads(capsys.readouterr().out)
    assert summary["fetched"] == removed
    assert sum(line["already_on_disk"] for line in summary["cameras"]) == (
        sum(map(len, first.values())) - removed)


def test_status_chooses_cameras(emu, tmp_path, capsys):
    code = download(emu, tmp_path, "--status", "online", "--count", "1", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert code == exitcodes.OK
    assert {c["id"] for c in summary["cameras"]} == {c.esn for c in emu.account.online_cameras()}


def test_tags_choose_cameras_any_case_and_any_of_several(emulator, tmp_path, capsys):
    cameras = emulator.account.cameras()  # the demo account: its cameras carry site tags
    first, second = "austin floor 16", "dallas floor 2"
    expected = {c.esn for c in cameras if first in c.tags or second in c.tags}
    assert expected and len(expected) < len(cameras)
    download(emulator, tmp_path, "--tag", first.upper(), "--tag", second, "--count", "1",
             "--json")
    summary = json.loads(capsys.readouterr().out)
    assert {c["id"] for c in summary["cameras"]} == expected
    usable = {c.esn for c in cameras if c.esn in expected and c.makes_previews}
    assert {c["id"] for c in summary["cameras"] if c["state"] == "done"} == usable


def test_summary_has_a_line_per_camera(emu, tmp_path, capsys):
    cameras = online(emu, 2)
    code = download(emu, tmp_path, "--camera", ",".join(c.esn for c in cameras),
                    "--count", "2")
    assert code == exitcodes.OK
    err = capsys.readouterr().err
    for camera in cameras:
        assert f"camera    {camera.esn}" in err and "2/2 done" in err
    assert "cameras   2 (2 done)" in err


@pytest.mark.parametrize("extra,words", [
    (("--since", "5m"), "a time range needs --camera"),
    (("--count", "all", "--all"), "--count all needs a time range"),
    (("--all", "--since", "10"), "give a unit"),
    (("--all", "--every", "10s"), "--every needs a range"),
    (("--all", "--since", "5m", "--start", "2026-12-01T09:00"), "--since cannot be combined"),
    (("--all", "--start", "tomorrow"), "not a date and time"),
    (("--random", "--since", "5m"), "--random takes one camera"),
    (("--camera", "10000001", "--tag", "x"), "not with --camera"),
])
def test_usage_errors_exit_2_before_any_request(emu, tmp_path, capsys, extra, words):
    assert download(emu, tmp_path, *extra) == exitcodes.USAGE
    assert words in capsys.readouterr().err
    assert emu.stats()["requests"] == {}


def test_an_unknown_camera_is_refused(emu, tmp_path, capsys):
    esn = online(emu, 1)[0].esn
    code = download(emu, tmp_path, "--camera", f"{esn},deadbeef", "--count", "1")
    assert code == exitcodes.NO_USABLE_CAMERA
    assert "deadbeef" in capsys.readouterr().err


def test_one_image_per_camera_is_the_latest_without_a_listing(emu, tmp_path, capsys):
    code = download(emu, tmp_path, "--status", "online", "--count", "1", "--workers", "5",
                    "--json")
    assert code == exitcodes.OK
    good = emu.account.online_cameras()
    stats = emu.stats()
    assert stats["requests"][IMAGES] == {"200": len(good)}
    assert "GET /asset/list/image" not in stats["requests"]
    assert stats["images_in_flight_max"] == 5
    now = emu.app.world.now_ms()
    for camera in good:
        [stamp] = saved(tmp_path, camera.esn)
        timeline = emu.app.world.timelines.v1(camera)
        assert now - 5000 <= _ms(stamp) <= now  # the latest frame, named by X-Ee-Timestamp
        assert stamp == timeline.timestamp(timeline.floor_index(_ms(stamp)))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_cancels_a_many_camera_run(tmp_path, signum):
    import io
    import os
    import subprocess
    import sys

    from PIL import Image

    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "een_tui", "download", "--demo", "--status", "online",
         "--since", "1h", "--count", "all", "--out", str(out), "--json"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stderr is not None and proc.stdout is not None
    saved_lines = 0
    for line in proc.stderr:
        if line.rstrip().endswith(" bytes)"):
            saved_lines += 1
            if saved_lines == 5:
                proc.send_signal(signum)
                break
    rest = proc.stderr.read()
    summary = json.loads(proc.stdout.read())
    assert proc.wait(timeout=30) == exitcodes.for_signal(signum), rest
    assert "[cancelled]" in rest
    assert summary["outcome"] == "cancelled"
    assert "cancelled" in {c["state"] for c in summary["cameras"]}
    files = list(out.rglob("*"))
    assert not [p for p in files if ".part" in p.name]
    jpgs = [p for p in files if p.is_file() and p.name != "camera.json"]  # beside the images
    assert 5 <= len(jpgs) == summary["saved"]
    for path in jpgs:
        Image.open(io.BytesIO(path.read_bytes())).verify()


def test_an_empty_range_is_incomplete(emu, tmp_path, capsys):
    camera = online(emu, 1)[0]
    code = download(emu, tmp_path, "--camera", camera.esn, "--start", "2001-01-01T00:00Z",
                    "--length", "1h", "--count", "all", "--json")
    assert code == exitcodes.INCOMPLETE
    [line] = json.loads(capsys.readouterr().out)["cameras"]
    assert (line["state"], line["saved"]) == ("incomplete", 0)
    assert line["reason"] == "no previews in the range"
