"""Every request bounded in time and size: an answer trickling in, headers that never end, a
JSON list that never ends, against a hostile server on loopback."""

from __future__ import annotations

import itertools
import time

import gevent
import pytest
from hostile import HostileServer, Reply

from een_tui.api import errors
from een_tui.api.bounds import MAX_JSON_BYTES, deadline_s
from een_tui.api.client import EenClient
from een_tui.api.retry_policy import is_retryable
from een_tui.api.settings import ConnectionSettings

ESN = "1000c4ae"
TIMEOUT = 0.5


def trickle(data: bytes, every_s: float):
    for byte in data:
        gevent.sleep(every_s)
        yield bytes([byte])


@pytest.fixture
def client(hostile, emulator):
    hostile.upstream = emulator.url
    client = EenClient(ConnectionSettings(login_url=hostile.url, api_url=hostile.url,
                                          timeout=TIMEOUT, retry_attempts=1), session_cache=None)
    client.login(emulator.demo_username, emulator.demo_password)
    yield client
    client.close()


def test_the_deadline_formula():
    assert deadline_s(15, 0) == 30
    assert deadline_s(15, 16 * 1024 * 10) == 40
    assert deadline_s(1, 5 * 1024 * 1024) == 2 + 320


def test_an_image_at_one_byte_a_read_fails_retryably_within_its_deadline(hostile, client):
    size = 2000  # deadline: 2 x 0.5 s + 2000 / 16 KiB = 1.12 s; the whole body would take 200 s
    jpeg = b"\xff\xd8" + b"\0" * (size - 4) + b"\xff\xd9"
    hostile.on("GET", "/asset/asset/image.jpeg", Reply(
        200, [("Content-Type", "image/jpeg"), ("Content-Length", str(size))],
        stream=trickle(jpeg, TIMEOUT / 5)))
    received = 0
    started = time.monotonic()
    with (pytest.raises(errors.NetworkError, match="deadline") as caught,
          client.open_image(ESN, "now") as (_headers, chunks)):
        for chunk in chunks:
            received += len(chunk)
    elapsed = time.monotonic() - started
    assert is_retryable(caught.value)
    assert 0 < received < size
    assert elapsed < 60 < size * TIMEOUT / 5  # bounded: long before the body would end (200 s)


class EndlessHead(Reply):
    """A status line, then header bytes that never end."""

    def raw(self) -> bytes:
        return b"HTTP/1.1 200 OK\r\nX-Slow: "


def test_headers_that_never_end_fail_within_the_deadline(hostile, client):
    hostile.on("GET", "/g/device/list",
               EndlessHead(stream=(b"a" for _ in iter(lambda: gevent.sleep(TIMEOUT / 5), 1))))
    with pytest.raises(errors.NetworkError, match="deadline"):
        client.list_devices()


def test_a_device_list_that_never_ends_fails_cleanly_with_memory_bounded(hostile, client):
    row = b'["100abcde", "x", null, null, null, null, null, null, null, null],'
    hostile.on("GET", "/g/device/list", Reply(
        200, [("Content-Type", "application/json")],
        stream=itertools.chain([b"["], itertools.repeat(row * 1000))))
    with pytest.raises(errors.ProtocolError, match="cap"):
        client.list_devices()
    # the client stopped reading at the cap (plus what the socket buffers held)
    assert MAX_JSON_BYTES < hostile.sent < MAX_JSON_BYTES + 16 * 1024 * 1024


def test_an_announced_size_above_the_cap_is_refused_before_reading(hostile, client):
    hostile.on("GET", "/g/device/list", Reply(
        200, [("Content-Type", "application/json"), ("Content-Length", str(MAX_JSON_BYTES + 1))],
        stream=iter([b"[]"])))
    with pytest.raises(errors.ProtocolError, match="cap"):
        client.list_devices()


def test_error_answers_are_read_only_up_to_their_cap(client, hostile):
    hostile.on("GET", "/g/device/list", Reply(
        503, [("Content-Type", "application/json")],
        stream=itertools.chain([b'{"message": "busy"'], itertools.repeat(b" " * 65536))))
    with pytest.raises(errors.ServerError, match="503"):
        client.list_devices()


def test_bounded_request_serves_any_requests_session_v3_too():
    server = HostileServer().start()
    try:
        server.on("GET", "/x", EndlessHead(stream=(b"a" for _ in iter(
            lambda: gevent.sleep(0.05), 1))))
        import requests

        from een_tui.api.bounds import bounded_request
        with pytest.raises(errors.NetworkError, match="deadline"):
            bounded_request(requests.Session(), "GET", server.url + "/x", timeout=0.2,
                            max_bytes=1000)
    finally:
        server.stop()
