"""v3 media of the emulator over HTTP: liveImage waits for the next frame (503 unless online),
recordedImage's sides and page tokens, per-camera intervals, sparse onDemand recordings."""

from __future__ import annotations

import io
import itertools
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from PIL import Image
from v3_emulator_helpers import assert_v3_error, bearer_session, login

LIVE = "/api/v3.0/media/liveImage.jpeg"
RECORDED = "/api/v3.0/media/recordedImage.jpeg"


@pytest.fixture
def v3(emulator):
    with bearer_session(login(emulator)["access_token"]) as session:
        yield session


def cameras(emu, session, **params):
    answer = session.get(f"{emu.url}/api/v3.0/cameras", timeout=10,
                         params={"include": "status", "pageSize": "500", **params})
    found = answer.json()["results"]
    while answer.json()["nextPageToken"]:
        answer = session.get(f"{emu.url}/api/v3.0/cameras", timeout=10, params={
            "include": "status", "pageToken": answer.json()["nextPageToken"]})
        found += answer.json()["results"]
    return found


def camera_id(emu, session, name):
    return next(c["id"] for c in cameras(emu, session) if c["name"] == name)


@pytest.fixture
def online(emulator, v3):
    return next(c["id"] for c in cameras(emulator, v3, status__in="online")
                if c["name"].startswith("CFA1"))


def live(emu, session, device, **params):
    return session.get(f"{emu.url}{LIVE}", timeout=30,
                       params={"deviceId": device, "type": "preview", **params})


def recorded(emu, session, **params):
    params.setdefault("type", "preview")
    return session.get(f"{emu.url}{RECORDED}", params=params, timeout=10)


def stamp_ms(answer) -> int:
    """X-Een-Timestamp parsed by the standard library (either +00:00 or Z)."""
    text = answer.headers["X-Een-Timestamp"].replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() == timedelta(0)
    return round(moment.timestamp() * 1000)


def iso(ms: int, z: bool = False) -> str:
    text = datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if z else text


def test_live_image_waits_for_a_new_frame(emulator, v3, online):
    asked_ms = int(time.time() * 1000)
    first = live(emulator, v3, online)
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(first.content)).format == "JPEG"
    assert first.headers["X-Een-Timestamp"].endswith("+00:00")
    assert "X-Een-PrevToken" in first.headers and "X-Een-NextToken" not in first.headers
    assert stamp_ms(first) >= asked_ms  # made after the request, not an old frame
    second = live(emulator, v3, online)
    assert 900 <= stamp_ms(second) - stamp_ms(first) <= 1100
    assert second.content != first.content


@pytest.mark.parametrize("status", ["off", "bridgeOffline", "deviceOffline", "error",
                                    "invalidCredentials", "unknown"])
def test_live_image_of_a_camera_that_is_not_online_is_503(emulator, v3, status):
    device = next(c["id"] for c in cameras(emulator, v3, status__in=status))
    assert_v3_error(live(emulator, v3, device), 503, "unavailable", "deviceUnavailable")


def test_live_image_arguments(emulator, v3, online):
    missing = v3.get(f"{emulator.url}{LIVE}", params={"deviceId": online}, timeout=10)
    assert_v3_error(missing, 400, "invalidArgument", "missingRequiredArgument")
    assert_v3_error(live(emulator, v3, online, type="main"), 400, "invalidArgument")
    assert_v3_error(live(emulator, v3, online, timestamp="x"), 400, "invalidArgument",
                    "unexpectedArgument")
    assert_v3_error(live(emulator, v3, "ffffffff"), 404, "notFound")


def test_recorded_sides_of_a_known_frame(emulator, v3, online):
    frame = live(emulator, v3, online)
    t = stamp_ms(frame)
    exact = recorded(emulator, v3, deviceId=online, timestamp=iso(t))
    assert exact.status_code == 200 and stamp_ms(exact) == t
    assert exact.content == frame.content
    assert stamp_ms(recorded(emulator, v3, deviceId=online, timestamp__lte=iso(t))) == t
    assert stamp_ms(recorded(emulator, v3, deviceId=online, timestamp__gte=iso(t))) == t
    before = recorded(emulator, v3, deviceId=online, timestamp__lt=iso(t))
    assert 900 <= t - stamp_ms(before) <= 1100
    assert stamp_ms(recorded(emulator, v3, deviceId=online,
                             timestamp__gt=iso(stamp_ms(before)))) == t
    between = recorded(emulator, v3, deviceId=online, timestamp__gt=iso(stamp_ms(before) + 1))
    assert stamp_ms(between) == t  # asked times between two frames land on the same frame
    assert stamp_ms(recorded(emulator, v3, deviceId=online, timestamp__lte=iso(t, z=True))) == t
    off_by_one = recorded(emulator, v3, deviceId=online, timestamp=iso(t + 1))
    assert_v3_error(off_by_one, 404, "notFound")


def test_recorded_page_tokens_step_one_frame(emulator, v3, online):
    start = recorded(emulator, v3, deviceId=online, timestamp__lte=iso(int(time.time() * 1000)))
    assert start.status_code == 200
    stamps, answer = [stamp_ms(start)], start
    for _ in range(5):
        answer = recorded(emulator, v3, pageToken=answer.headers["X-Een-PrevToken"])
        stamps.append(stamp_ms(answer))
    gaps = [a - b for a, b in itertools.pairwise(stamps)]
    assert all(990 <= gap <= 1010 for gap in gaps), gaps
    forward = recorded(emulator, v3, pageToken=answer.headers["X-Een-NextToken"],
                       deviceId="ignored", timestamp="ignored")
    assert stamp_ms(forward) == stamps[-2]
    assert_v3_error(recorded(emulator, v3, pageToken="not-a-token"), 400, "invalidArgument")


def test_recorded_arguments(emulator, v3, online):
    now = iso(int(time.time() * 1000))
    both = recorded(emulator, v3, deviceId=online, timestamp__lt=now, timestamp__gt=now)
    assert_v3_error(both, 400, "invalidArgument")
    assert_v3_error(recorded(emulator, v3, deviceId=online), 400, "invalidArgument",
                    "missingRequiredArgument")
    assert_v3_error(recorded(emulator, v3, deviceId=online, timestamp__lt="yesterday"), 400,
                    "invalidArgument")
    assert_v3_error(recorded(emulator, v3, deviceId=online, timestamp__lt=now, limit="3"), 400,
                    "invalidArgument", "unexpectedArgument")
    bare_plus = v3.get(f"{emulator.url}{RECORDED}?deviceId={online}&type=preview"
                       f"&timestamp__lt={now}", timeout=10)  # '+' unencoded: a space
    assert_v3_error(bare_plus, 400, "invalidArgument")
    future = recorded(emulator, v3, deviceId=online, timestamp__gt=iso(int(time.time() * 1000)
                                                                        + 60_000))
    assert_v3_error(future, 404, "notFound")
    main = recorded(emulator, v3, deviceId=online, type="main", timestamp__lt=now)
    assert_v3_error(main, 404, "notFound")
    ancient = recorded(emulator, v3, deviceId=online, timestamp__lt="2000-01-01T00:00:00.000Z")
    assert_v3_error(ancient, 404, "notFound")


def test_each_camera_has_its_own_interval(emulator, v3):
    for name, interval in (("Dough Machine", 250), ("Oven", 2000)):
        device = camera_id(emulator, v3, name)
        newest = recorded(emulator, v3, deviceId=device,
                          timestamp__lte=iso(int(time.time() * 1000)))
        older = recorded(emulator, v3, pageToken=newest.headers["X-Een-PrevToken"])
        assert interval - 10 <= stamp_ms(newest) - stamp_ms(older) <= interval + 10


def test_on_demand_camera_recorded_only_a_few_previews(emulator, v3):
    device = camera_id(emulator, v3, "SAM Service Bay")
    first = recorded(emulator, v3, deviceId=device, timestamp__gt="2000-01-01T00:00:00.000Z")
    count, answer = 1, first
    while "X-Een-NextToken" in answer.headers:
        answer = recorded(emulator, v3, pageToken=answer.headers["X-Een-NextToken"])
        count += 1
        assert count < 50
    assert count == 6
    assert "X-Een-PrevToken" not in first.headers
    assert_v3_error(recorded(emulator, v3, deviceId=device,
                             timestamp__gt=iso(stamp_ms(answer))), 404, "notFound")


def test_images_in_flight_are_counted_for_v3(emulator, v3, online):
    import gevent
    from requests.adapters import HTTPAdapter

    emulator.config.image_latency_ms = 300
    v3.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=5, pool_block=True))
    emulator.reset_stats()
    now = iso(int(time.time() * 1000))
    jobs = [gevent.spawn(recorded, emulator, v3, deviceId=online, timestamp__lte=now)
            for _ in range(10)]
    gevent.joinall(jobs, raise_error=True)
    assert all(job.value.status_code == 200 for job in jobs)
    stats = emulator.stats()
    assert stats["v3_images_in_flight_max"] == 5 and stats["images_in_flight_max"] == 5
    assert stats["v3_images_in_flight"] == 0
    assert stats["requests"][f"GET {RECORDED}"] == {"200": 10}
    assert stats["secrets_in_urls"] == 0


def test_faults_apply_to_v3_images(emulator, v3, online):
    now = iso(int(time.time() * 1000))
    emulator.config.retry_after_s = 0.2
    emulator.config.fault_429 = 1.0
    limited = recorded(emulator, v3, deviceId=online, timestamp__lte=now)
    assert_v3_error(limited, 429, "tooManyRequests")
    assert 0 < float(limited.headers["Retry-After"]) <= 0.2
    emulator.config.fault_429 = 0.0
    deadline = time.monotonic() + 10
    while recorded(emulator, v3, deviceId=online, timestamp__lte=now).status_code == 429:
        assert time.monotonic() < deadline  # the burst ends after Retry-After
    emulator.config.fault_5xx = 1.0
    failed = recorded(emulator, v3, deviceId=online, timestamp__lte=now)
    assert failed.status_code in (500, 502, 503, 504)
    assert failed.json()["code"] == failed.status_code
    emulator.config.fault_5xx = 0.0
    emulator.config.fault_non_jpeg = 1.0
    spoiled = recorded(emulator, v3, deviceId=online, timestamp__lte=now)
    assert spoiled.status_code == 200 and not spoiled.content.startswith(b"\xff\xd8")
    emulator.config.fault_non_jpeg = 0.0
    emulator.config.fault_reset = 1.0
    with pytest.raises(requests.ConnectionError):
        recorded(emulator, v3, deviceId=online, timestamp__lte=now)
    emulator.config.fault_reset = 0.0
    emulator.config.fault_truncate = 1.0
    cut = v3.get(f"{emulator.url}{RECORDED}", stream=True, timeout=10, params={
        "deviceId": online, "type": "preview", "timestamp__lte": now})
    with pytest.raises(requests.RequestException):
        cut.content  # noqa: B018
    emulator.config.fault_truncate = 0.0
    assert recorded(emulator, v3, deviceId=online, timestamp__lte=now).status_code == 200


def test_fault_401_on_v3_and_invalidation(emulator, v3, online):
    emulator.config.fault_401 = 1.0
    assert_v3_error(live(emulator, v3, online), 401, "unauthenticated")
    emulator.config.fault_401 = 0.0
    assert live(emulator, v3, online).status_code == 200  # the token still works
    emulator.config.fault_401 = 1.0
    emulator.config.fault_401_invalidates = True
    assert live(emulator, v3, online).status_code == 401
    emulator.config.fault_401 = 0.0
    assert live(emulator, v3, online).status_code == 401  # that token is dead now


def test_timestamps_can_come_back_with_z(emulator, v3, online):
    emulator.config.v3_timestamps_z = True
    answer = recorded(emulator, v3, deviceId=online, timestamp__lte=iso(int(time.time() * 1000)))
    assert answer.headers["X-Een-Timestamp"].endswith("Z")
    again = recorded(emulator, v3, deviceId=online, timestamp=answer.headers["X-Een-Timestamp"])
    assert stamp_ms(again) == stamp_ms(answer)
