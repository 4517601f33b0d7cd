"""Emulator knobs: every fault, latency, stats (in-flight maximum, connections), live changes."""

from __future__ import annotations

import contextlib
import http.client
import time
from types import SimpleNamespace

import gevent
import pytest
import requests
from requests.adapters import HTTPAdapter

from een_tui.emulator import faults
from een_tui.emulator.faults import RATE_LIMIT_MESSAGE, SERVER_ERRORS


@pytest.fixture
def esn(emulator):
    return emulator.account.online_cameras()[0].esn


def image(emulator, session, esn, **kw):
    return session.get(f"{emulator.url}/asset/asset/image.jpeg", timeout=10,
                       params={"id": esn, "timestamp": "now", "asset_class": "pre"}, **kw)


def test_fault_5xx(emulator, emulator_session, esn):
    emulator.config.fault_5xx = 1.0
    seen = set()
    for _ in range(12):
        answer = image(emulator, emulator_session, esn)
        assert answer.status_code in SERVER_ERRORS
        assert answer.json() == {"status_code": answer.status_code,
                                 "message": SERVER_ERRORS[answer.status_code], "data": None}
        assert answer.headers["X-Ee-Server-Message"] == SERVER_ERRORS[answer.status_code]
        seen.add(answer.status_code)
    assert len(seen) > 1


def test_faults_apply_to_image_endpoints_only_by_default(emulator, emulator_session, esn):
    emulator.config.fault_5xx = 1.0
    assert emulator_session.get(f"{emulator.url}/g/device/list", timeout=10).status_code == 200
    emulator.config.fault_paths = ("/g/device/",)
    assert emulator_session.get(f"{emulator.url}/g/device/list", timeout=10).status_code >= 500
    assert image(emulator, emulator_session, esn).status_code == 200


def test_fault_401_session_expired_keeps_the_session_like_the_recording(
        emulator, emulator_session, esn):
    emulator.config.fault_401 = 1.0
    answer = image(emulator, emulator_session, esn)
    assert answer.status_code == 401
    assert answer.json() == {"status_code": 401, "message": "session expired", "data": None}
    assert answer.headers["Content-Type"] == "application/json"
    emulator.config.fault_401 = 0.0
    assert image(emulator, emulator_session, esn).status_code == 200


def test_fault_401_can_invalidate_the_session(emulator, emulator_session, esn):
    emulator.config.fault_401 = 1.0
    emulator.config.fault_401_invalidates = True
    assert image(emulator, emulator_session, esn).status_code == 401
    emulator.config.fault_401 = 0.0
    assert image(emulator, emulator_session, esn).status_code == 401
    assert emulator_session.get(f"{emulator.url}/g/aaa/isauth", timeout=10).status_code == 401


def test_fault_429_burst_with_retry_after(emulator, emulator_session, esn, monkeypatch):
    clock = [1000.0]  # the injector's clock, moved by hand: no race with a slow machine
    monkeypatch.setattr(faults, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    emulator.config.retry_after_s = 0.3
    emulator.config.fault_429 = 1.0
    first = image(emulator, emulator_session, esn)
    assert first.status_code == 429
    assert first.json()["message"] == RATE_LIMIT_MESSAGE
    assert float(first.headers["Retry-After"]) == pytest.approx(0.3)
    emulator.config.fault_429 = 0.0
    clock[0] += 0.1
    burst = image(emulator, emulator_session, esn)  # still inside the burst
    assert burst.status_code == 429
    assert float(burst.headers["Retry-After"]) == pytest.approx(0.2)
    clock[0] += 0.2
    assert image(emulator, emulator_session, esn).status_code == 200


def test_retry_after_is_whole_seconds_when_configured_in_seconds(emulator, emulator_session,
                                                                 esn):
    emulator.config.retry_after_s = 2.0
    emulator.config.fault_429 = 1.0
    assert image(emulator, emulator_session, esn).headers["Retry-After"] == "2"


def test_fault_reset_resets_the_tcp_connection(emulator, emulator_session, esn):
    emulator.config.fault_reset = 1.0
    with pytest.raises(requests.ConnectionError) as info:
        image(emulator, emulator_session, esn)
    assert isinstance(info.value.__context__ or info.value.args[0], Exception)
    assert "reset" in repr(info.value).lower()
    emulator.config.fault_reset = 0.0
    assert image(emulator, emulator_session, esn).status_code == 200
    assert emulator.stats()["requests"]["GET /asset/asset/image.jpeg"]["reset"] == 1


def test_fault_truncate_sends_part_of_the_body_then_closes(emulator, emulator_session, esn):
    emulator.config.fault_truncate = 1.0
    answer = image(emulator, emulator_session, esn, stream=True)
    assert answer.status_code == 200
    expected = int(answer.headers["Content-Length"])
    received = bytearray()
    with pytest.raises((requests.exceptions.ChunkedEncodingError, http.client.IncompleteRead)):
        for chunk in answer.iter_content(4096):
            received += chunk
    assert 0 < len(received) < expected


def test_fault_non_jpeg(emulator, emulator_session, esn):
    emulator.config.fault_non_jpeg = 1.0
    answer = image(emulator, emulator_session, esn)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert not answer.content.startswith(b"\xff\xd8")


def test_latency_delays_each_request(emulator, emulator_session, esn):
    emulator.config.latency_ms = 60
    emulator.config.image_latency_ms = 40
    started = time.monotonic()
    image(emulator, emulator_session, esn)
    assert time.monotonic() - started >= 0.1  # a lower bound: cannot flake on a slow machine


def test_images_in_flight_max_counts_concurrent_image_requests(emulator, esn):
    emulator.config.image_latency_ms = 300
    with requests.Session() as session:
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=5, pool_block=True)
        session.mount("http://", adapter)
        token = session.post(f"{emulator.url}/g/aaa/authenticate", timeout=10, json={
            "username": emulator.demo_username, "password": emulator.demo_password})
        session.post(f"{emulator.url}/g/aaa/authorize", timeout=10,
                     json={"token": token.json()["token"]})
        emulator.reset_stats()
        jobs = [gevent.spawn(image, emulator, session, esn) for _ in range(10)]
        gevent.joinall(jobs, raise_error=True)
    assert all(job.value.status_code == 200 for job in jobs)
    stats = emulator.stats()
    assert stats["images_in_flight_max"] == 5
    assert stats["images_in_flight"] == 0
    assert stats["requests"]["GET /asset/asset/image.jpeg"] == {"200": 10}
    assert stats["connections_opened"] == 4  # plus the login's connection, reused: 5 in all


def test_keep_alive_reuses_one_connection(emulator, emulator_session, esn):
    emulator.reset_stats()
    for _ in range(5):
        assert image(emulator, emulator_session, esn).status_code == 200
    assert emulator.stats()["connections_opened"] == 0  # the login connection is reused


def test_connections_are_counted(emulator, esn):
    emulator.reset_stats()
    for _ in range(3):
        requests.get(f"{emulator.url}/_emulator/stats", timeout=10)
    assert emulator.stats()["connections_opened"] == 3


def test_in_flight_returns_to_zero_after_faults(emulator, emulator_session, esn):
    for knob in ("fault_reset", "fault_truncate", "fault_5xx"):
        setattr(emulator.config, knob, 1.0)
        with contextlib.suppress(requests.RequestException):
            image(emulator, emulator_session, esn).content  # noqa: B018
        setattr(emulator.config, knob, 0.0)
    deadline = time.monotonic() + 5
    while emulator.stats()["images_in_flight"] and time.monotonic() < deadline:
        gevent.sleep(0.01)
    assert emulator.stats()["images_in_flight"] == 0


def test_stats_endpoint_matches_python_api_and_resets(emulator, emulator_session, esn):
    image(emulator, emulator_session, esn)
    over_http = requests.get(f"{emulator.url}/_emulator/stats", timeout=10).json()
    assert over_http["requests"]["GET /asset/asset/image.jpeg"] == {"200": 1}
    # v3 (issue 10) added its image counters and the secrets-in-URL counter to the same JSON.
    assert set(over_http) == {"requests", "images_in_flight", "images_in_flight_max",
                              "connections_opened", "v3_images_in_flight",
                              "v3_images_in_flight_max", "secrets_in_urls",
                              "secrets_in_urls_by_kind"}
    assert requests.delete(f"{emulator.url}/_emulator/stats", timeout=10).status_code == 204
    assert emulator.stats()["requests"] == {}
