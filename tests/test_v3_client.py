"""The v3 client against a scripted server over loopback HTTP: every page under clamping, the
page-token loop guard, v3 error bodies as typed errors, the status table, wire timestamps."""

from datetime import datetime, timedelta, timezone

import pytest
from v3_server import RunningFake

from een_tui.api import errors
from een_tui.api.status import CameraStatus
from een_tui.api.v3.cameras import camera_from_row, camera_list
from een_tui.api.v3.client import V3Client
from een_tui.api.v3.responses import DeviceUnavailable
from een_tui.api.v3.timestamps import format_v3_timestamp, parse_v3_timestamp
from een_tui.api.v3.token_manager import TokenManager
from een_tui.api.v3.tokens import api_url_from


@pytest.fixture
def fake():
    with RunningFake() as running:
        running.app.access = "static-access-token"
        yield running


@pytest.fixture
def client(fake):
    with V3Client(TokenManager.static("static-access-token"), api_url=fake.url) as v3:
        yield v3


def ids(n):
    return [f"{0x10000000 + i:08x}" for i in range(n)]


@pytest.mark.parametrize(("short_first", "null_end"), [(False, False), (True, False),
                                                        (True, True)])
def test_every_page_is_followed_under_clamping(fake, client, short_first, null_end):
    for cam in ids(9):
        fake.app.add_camera(cam)
    fake.app.short_first_page, fake.app.null_end_token = short_first, null_end
    rows = client.camera_rows()
    assert [r["id"] for r in rows] == ids(9)
    pages = [line for line in fake.app.request_lines if line.startswith("GET /api/v3.0/cameras?")]
    assert len(pages) == (4 if short_first else 3)  # clamped to 3 a page: 2+3+3+1 or 3+3+3
    assert all("include=status%2CtimeZone%2Ctags" in line for line in pages)


def test_a_server_that_repeats_a_page_token_is_stopped(fake, client):
    for cam in ids(8):
        fake.app.add_camera(cam)
    fake.app.repeat_token = True
    with pytest.raises(errors.ProtocolError, match="repeats a page token"):
        client.camera_rows()


STATUS_TABLE = [
    ("online", CameraStatus.ONLINE), ("off", CameraStatus.OFF),
    ("bridgeOffline", CameraStatus.INTERNET_OFFLINE), ("deviceOffline", CameraStatus.OFFLINE),
    ("error", CameraStatus.OFFLINE), ("invalidCredentials", CameraStatus.PASSWORD_NEEDED),
    ("unknown", CameraStatus.UNKNOWN), ("offline", CameraStatus.UNKNOWN),  # not in the enum
]


def test_every_connection_status_over_http(fake, client):
    for cam, (raw, _) in zip(ids(len(STATUS_TABLE)), STATUS_TABLE, strict=True):
        fake.app.add_camera(cam, raw, timeZone={"zone": "America/Chicago"}, tags=["a", 3])
    fake.app.add_camera("1000ffff", None)  # no status at all
    cameras = camera_list(client.camera_rows()).cameras
    got = [(c.raw_status, c.status) for c in cameras]
    assert got == [*STATUS_TABLE, (None, CameraStatus.UNKNOWN)]
    assert all(c.recording is None for c in cameras)
    assert cameras[0].timezone == "America/Chicago" and cameras[0].tags == ("a",)
    assert cameras[0].bridges == ("100062b4",)


def test_rows_without_a_usable_id_or_repeated_are_skipped():
    rows = [{"id": "1000c4ae", "name": "A"}, {"id": "1000c4ae", "name": "again"},
            {"id": "../etc", "name": "bad"}, "junk", {"name": "no id"}]
    listed = camera_list(rows)
    assert [c.name for c in listed.cameras] == ["A"] and listed.skipped == 4
    with pytest.raises(ValueError):
        camera_from_row({"id": None})


@pytest.mark.parametrize(("status", "body_status", "kind", "words"), [
    (403, "permissionDenied", errors.RequestRejected, "403 permission denied"),
    (404, "notFound", errors.RequestRejected, "404 not found"),
    (400, "invalidArgument", errors.RequestRejected, "400 bad request"),
])
def test_v3_error_bodies_become_typed_errors(fake, client, status, body_status, kind, words):
    fake.app.forced["/api/v3.0/users/self"] = (status, {}, {
        "code": status, "status": body_status, "message": "Unexpected argument: name",
        "details": [{"type": "errorInfo", "reason": "unexpectedArgument"}]})
    with pytest.raises(kind) as caught:
        client.user_self()
    assert words in str(caught.value) and "Unexpected argument: name" in str(caught.value)
    assert caught.value.status_code == status


def test_429_with_retry_after_and_5xx_are_retried_then_raised(fake):
    fake.app.forced["/api/v3.0/users/self"] = (429, {"Retry-After": "0"}, {
        "code": 429, "status": "tooManyRequests", "message": "Too many requests"})
    from een_tui.api.retry_policy import RetryPolicy

    policy = RetryPolicy(max_attempts=3, backoff_base_s=0.01, backoff_max_s=0.02)
    with V3Client(TokenManager.static("static-access-token"), api_url=fake.url,
                  retry_policy=policy) as v3, pytest.raises(errors.RateLimited) as caught:
        v3.user_self()
    assert caught.value.retry_after == 0 and fake.app.calls["/api/v3.0/users/self"] == 3


def test_media_errors_mean_no_image_or_unusable_camera(fake, client):
    fake.app.add_camera("1000c4ae", "deviceOffline")
    with pytest.raises(DeviceUnavailable, match="503"), client.open_live_image("1000c4ae"):
        pass
    with pytest.raises(errors.NoMatchingAsset), client.open_recorded_image(
            "1000c4ae", at=datetime(2001, 1, 1, tzinfo=timezone.utc)):
        pass


def test_recorded_image_sends_plus_encoded_milliseconds_and_reads_z(fake, client):
    fake.app.add_camera("1000c4ae")
    fake.app.zulu = True
    newest = fake.app.frames["1000c4ae"][-1]
    asked = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=newest + 400)
    with client.open_recorded_image("1000c4ae", at=asked) as (headers, chunks):
        body = b"".join(chunks)
    assert body.startswith(b"\xff\xd8") and headers.wire_time.endswith("Z")
    assert headers.time == asked - timedelta(milliseconds=400)
    assert headers.prev_token and headers.next_token is None
    line = fake.app.request_lines[-1]
    assert "&timestamp__lte=" in line and line.endswith(".400%2B00%3A00") and "+" not in line


def test_timestamps_both_ways():
    moment = datetime(2024, 3, 15, 7, 59, 22, 946000, tzinfo=timezone.utc)
    assert format_v3_timestamp(moment) == "2024-03-15T07:59:22.946+00:00"
    for text in ("2024-03-15T07:59:22.946+00:00", "2024-03-15T07:59:22.946Z",
                 "2024-03-15T09:59:22.946+02:00", "2024-03-15T07:59:22.946000Z"):
        assert parse_v3_timestamp(text) == moment
    for bad in ("2024-03-15 07:59:22", "20240315075922.946", "2024-03-15T07:59:22.946+25:00",
                None, "x" * 100):
        with pytest.raises(ValueError):
            parse_v3_timestamp(bad)


def test_plain_http_only_to_loopback():
    tokens = TokenManager.static("t0ken")
    with pytest.raises(errors.ConfigurationError, match="plain http"):
        V3Client(tokens, api_url="http://api.example.com")
    assert api_url_from({"hostname": "api.c001.eagleeyenetworks.com", "port": 443},
                        "https://auth.eagleeyenetworks.com") == \
        "https://api.c001.eagleeyenetworks.com"
    assert api_url_from({"hostname": "api.c001.eagleeyenetworks.com", "port": 8443},
                        "https://auth.eagleeyenetworks.com") == \
        "https://api.c001.eagleeyenetworks.com:8443"
    for hostile in ({"hostname": "evil.com/x?", "port": 443}, {"hostname": "a", "port": 0},
                    {"hostname": "a.b", "port": True}, "api.c001", None):
        assert api_url_from(hostile, "https://auth.eagleeyenetworks.com") is None


def test_a_static_token_without_an_api_host_asks_client_settings(fake):
    with V3Client(TokenManager.static("static-access-token"), api_root=fake.url) as v3:
        assert v3.user_self()["id"] == "u1"
        assert v3.api_url == fake.url
    assert [line.split("?")[0] for line in fake.app.request_lines] == [
        "GET /api/v3.0/clientSettings", "GET /api/v3.0/users/self"]
