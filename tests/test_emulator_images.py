"""Emulator preview images: list/asset/prev/next/after semantics, headers, JPEGs, errors."""

from __future__ import annotations

import io
import itertools
import re
import time

import pytest
import requests
from PIL import Image

from een_tui.api.status import CameraStatus
from een_tui.api.timestamps import een_timestamp_to_ms
from een_tui.emulator import EmulatorConfig, EmulatorServer

TS = r"\d{14}\.\d{3}"
HEADER_FORMATS = {
    "Content-Type": re.compile(r"^image/jpeg$"),
    "Content-Length": re.compile(r"^\d+$"),
    "Content-Location": re.compile(
        rf"^/asset/asset/image\.jpeg\?a=preview;t={TS};c=[0-9a-f]{{8}}&tm=1$"),
    "X-Ee-Timestamp": re.compile(rf"^preview-{TS}$"),
    "X-Ee-Prev": re.compile(rf"^(preview-{TS}|unknown)$"),
    "X-Ee-Next": re.compile(rf"^(preview-{TS}|unknown)$"),
    "Cache-Control": re.compile(r"^max-age=86400$"),
}


def camera_with(emulator, status: CameraStatus):
    return next(d for d in emulator.account.cameras() if d.overall_status.value == status.value)


@pytest.fixture
def esn(emulator):
    return emulator.account.online_cameras()[0].esn


def get_image(emulator, session, which="asset", **params):
    params.setdefault("asset_class", "pre")
    return session.get(f"{emulator.url}/asset/{which}/image.jpeg", params=params, timeout=10)


def list_images(emulator, session, **params):
    params.setdefault("asset_class", "pre")
    answer = session.get(f"{emulator.url}/asset/list/image", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return [entry["s"] for entry in answer.json()]


def stamp(answer) -> str:
    return answer.headers["X-Ee-Timestamp"].removeprefix("preview-")


def test_now_answers_a_real_jpeg_with_the_recorded_headers(emulator, emulator_session, esn):
    answer = get_image(emulator, emulator_session, id=esn, timestamp="now")
    assert answer.status_code == 200
    for name, pattern in HEADER_FORMATS.items():
        assert pattern.match(answer.headers[name]), (name, answer.headers[name])
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert answer.headers["X-Ee-Next"] == "unknown"  # now = the latest frame
    assert answer.headers["Content-Location"].endswith(f";t={stamp(answer)};c={esn}&tm=1")
    image = Image.open(io.BytesIO(answer.content))
    assert image.format == "JPEG"
    assert (320, 240) <= image.size <= (640, 360)
    assert 2000 < len(answer.content) < 40000


def test_list_negative_count_is_newest_first_and_frames_are_about_a_second_apart(
        emulator, emulator_session, esn):
    stamps = list_images(emulator, emulator_session, id=esn, start_timestamp="now", count=-25)
    assert len(stamps) == 25
    assert all(re.fullmatch(TS, s) for s in stamps)
    times = [een_timestamp_to_ms(s) for s in stamps]
    assert times == sorted(times, reverse=True)
    gaps = [a - b for a, b in itertools.pairwise(times)]
    assert all(990 <= gap <= 1010 for gap in gaps)
    assert len({s[-3:] for s in stamps}) > 1  # a few ms of jitter, like the real service


def test_list_positive_count_and_range(emulator, emulator_session, esn):
    newest_first = list_images(emulator, emulator_session, id=esn, start_timestamp="now",
                               count=-10)
    oldest = newest_first[-1]
    forward = list_images(emulator, emulator_session, id=esn, start_timestamp=oldest, count=5)
    assert forward == list(reversed(newest_first))[:5]
    ranged = list_images(emulator, emulator_session, id=esn, start_timestamp=oldest,
                         end_timestamp=newest_first[1])
    assert ranged == list(reversed(newest_first))[:9]


def test_history_is_at_least_an_hour(emulator, emulator_session, esn):
    stamps = list_images(emulator, emulator_session, id=esn, start_timestamp="-3600000",
                         count=-3)
    assert len(stamps) == 3
    frame = get_image(emulator, emulator_session, id=esn, timestamp=stamps[0])
    assert frame.status_code == 200 and stamp(frame) == stamps[0]


def test_list_answer_shape(emulator, emulator_session, esn):
    answer = emulator_session.get(f"{emulator.url}/asset/list/image.jpeg", timeout=10, params={
        "id": esn, "start_timestamp": "now", "count": -2, "asset_class": "all"})
    body = answer.json()
    assert [set(entry) for entry in body] == [{"t", "s"}] * 2
    assert all(entry["t"] == "PRFR" for entry in body)


def test_list_needs_start_and_end_or_count(emulator, emulator_session, esn):
    url = f"{emulator.url}/asset/list/image"
    assert emulator_session.get(url, params={"id": esn}, timeout=10).status_code == 400
    assert emulator_session.get(url, params={"id": esn, "start_timestamp": "now"},
                                timeout=10).status_code == 400


def test_asset_prev_next_walk_the_timeline(emulator, emulator_session, esn):
    stamps = list_images(emulator, emulator_session, id=esn, start_timestamp="now", count=-5)
    middle = stamps[2]
    at = get_image(emulator, emulator_session, id=esn, timestamp=middle)
    assert stamp(at) == middle
    assert at.headers["X-Ee-Prev"] == f"preview-{stamps[3]}"
    assert at.headers["X-Ee-Next"] == f"preview-{stamps[1]}"
    prev = get_image(emulator, emulator_session, "prev", id=esn, timestamp=middle)
    assert stamp(prev) == stamps[3]
    nxt = get_image(emulator, emulator_session, "next", id=esn, timestamp=middle)
    assert stamp(nxt) == stamps[1]
    after = get_image(emulator, emulator_session, "after", id=esn, timestamp=middle)
    assert stamp(after) == stamps[1]


def test_frames_at_different_timestamps_differ(emulator, emulator_session, esn):
    stamps = list_images(emulator, emulator_session, id=esn, start_timestamp="now", count=-6)
    bodies = [get_image(emulator, emulator_session, id=esn, timestamp=s).content for s in stamps]
    assert len(set(bodies)) == len(bodies)
    pixels = [Image.open(io.BytesIO(b)).convert("L").tobytes() for b in bodies[:2]]
    assert pixels[0] != pixels[1]
    again = get_image(emulator, emulator_session, id=esn, timestamp=stamps[0]).content
    assert again == bodies[0]  # the same frame is the same image


def test_next_with_now_waits_for_the_next_frame(emulator, emulator_session, esn):
    emulator.config.preview_interval_ms = 100
    latest = stamp(get_image(emulator, emulator_session, id=esn, timestamp="now"))
    nxt = get_image(emulator, emulator_session, "next", id=esn, timestamp="now")
    assert nxt.status_code == 200
    assert een_timestamp_to_ms(stamp(nxt)) > een_timestamp_to_ms(latest)


def test_after_with_now_is_404_image_not_found(emulator, emulator_session, esn):
    answer = get_image(emulator, emulator_session, "after", id=esn, timestamp="now")
    assert answer.status_code == 404
    assert answer.json() == {"status_code": 404, "message": "Image not found", "data": None}
    assert answer.headers["X-Ee-Server-Message"] == "Image not found"


def test_legacy_parameters_with_semicolons(emulator, emulator_session, esn):
    url = f"{emulator.url}/asset/asset/image.jpeg?t=now;c={esn};a=pre"
    answer = emulator_session.get(url, timeout=10)
    assert answer.status_code == 200
    location = answer.headers["Content-Location"]
    again = emulator_session.get(f"{emulator.url}{location}", timeout=10)
    assert again.status_code == 200 and again.content == answer.content


def test_relative_timestamp(emulator, emulator_session, esn):
    answer = get_image(emulator, emulator_session, id=esn, timestamp="-5000")
    latest = get_image(emulator, emulator_session, id=esn, timestamp="now")
    gap = een_timestamp_to_ms(stamp(latest)) - een_timestamp_to_ms(stamp(answer))
    assert 4000 <= gap <= 7000


def test_thumb_class_is_smaller(emulator, emulator_session, esn):
    stamps = list_images(emulator, emulator_session, id=esn, start_timestamp="now", count=-1)
    full = get_image(emulator, emulator_session, id=esn, timestamp=stamps[0])
    thumb = get_image(emulator, emulator_session, id=esn, timestamp=stamps[0],
                      asset_class="thumb")
    assert thumb.headers["X-Ee-Timestamp"] == f"thumb-{stamps[0]}"
    small = Image.open(io.BytesIO(thumb.content)).size
    assert small[0] < Image.open(io.BytesIO(full.content)).size[0]


def error_of(answer):
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert body["data"] is None and body["status_code"] == answer.status_code
    assert answer.headers["X-Ee-Server-Message"] == body["message"]
    return answer.status_code, body["message"]


@pytest.mark.parametrize("status", [CameraStatus.OFF, CameraStatus.OFFLINE,
                                    CameraStatus.PASSWORD_NEEDED, CameraStatus.UNKNOWN])
def test_cameras_that_are_not_online_have_no_matching_asset(emulator, emulator_session,
                                                            status):
    camera = camera_with(emulator, status)
    answer = get_image(emulator, emulator_session, id=camera.esn, timestamp="now")
    assert error_of(answer) == (400, "no matching asset")


def test_internet_offline_camera_is_a_proxy_timeout(emulator, emulator_session):
    camera = camera_with(emulator, CameraStatus.INTERNET_OFFLINE)
    answer = get_image(emulator, emulator_session, id=camera.esn, timestamp="now")
    assert error_of(answer) == (504, "proxy destination node connect timeout")


def test_bridge_is_not_a_camera(emulator, emulator_session):
    bridge = next(d for d in emulator.account.devices if d.is_bridge)
    answer = get_image(emulator, emulator_session, id=bridge.esn, timestamp="now")
    assert error_of(answer) == (400, "esn not a camera")


@pytest.mark.parametrize("params", [{"id": ""}, {}, {"id": "null"}])
def test_empty_id_is_invalid_camera_id(emulator, emulator_session, params):
    answer = get_image(emulator, emulator_session, timestamp="now", **params)
    assert error_of(answer) == (400, "Invalid Camera ID (c= or id=)")


def test_images_need_a_session(emulator, esn):
    answer = requests.get(f"{emulator.url}/asset/asset/image.jpeg", timeout=10,
                          params={"id": esn, "timestamp": "now", "asset_class": "pre"})
    assert error_of(answer) == (401, "session expired")


def test_bad_timestamp_is_400(emulator, emulator_session, esn):
    answer = get_image(emulator, emulator_session, id=esn, timestamp="yesterday")
    assert answer.status_code == 400


def test_before_history_is_no_matching_asset(emulator, emulator_session, esn):
    answer = get_image(emulator, emulator_session, id=esn, timestamp="20000101000000.000")
    assert error_of(answer) == (400, "no matching asset")


def test_proxy_timeout_comes_after_the_configured_delay(emulator, emulator_session):
    emulator.config.proxy_timeout_s = 0.2
    camera = camera_with(emulator, CameraStatus.INTERNET_OFFLINE)
    started = time.monotonic()
    answer = get_image(emulator, emulator_session, id=camera.esn, timestamp="now")
    assert answer.status_code == 504
    assert time.monotonic() - started >= 0.2  # a lower bound: cannot flake on a slow machine


def test_first_frame_of_history_has_no_prev():
    config = EmulatorConfig(test_mode=True, history_s=3, preview_interval_ms=1000)
    with EmulatorServer(config) as emu, requests.Session() as session:
        token = session.post(f"{emu.url}/g/aaa/authenticate", timeout=10, json={
            "username": emu.demo_username, "password": emu.demo_password}).json()["token"]
        session.post(f"{emu.url}/g/aaa/authorize", json={"token": token}, timeout=10)
        esn = emu.account.online_cameras()[0].esn
        oldest_first = list_images(emu, session, id=esn, start_timestamp="20000101000000.000",
                                   count=2)
        first = get_image(emu, session, id=esn, timestamp=oldest_first[0])
        assert first.status_code == 200
        assert first.headers["X-Ee-Prev"] == "unknown"
        assert first.headers["X-Ee-Next"] == f"preview-{oldest_first[1]}"
        before = get_image(emu, session, "prev", id=esn, timestamp=oldest_first[0])
        assert error_of(before) == (400, "no matching asset")
