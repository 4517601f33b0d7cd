"""The client against a tiny scripted WSGI server on 127.0.0.1: shapes the emulator does not
make (malformed JSON, odd headers) and exact request counting."""

import json
import threading
from collections import Counter

import gevent
import pytest
from gevent.pywsgi import WSGIServer

from een_tui.api import errors
from een_tui.api.client import EenClient
from een_tui.api.settings import ConnectionSettings

AUTH_KEY = "c000~0123456789abcdef0123456789abcdef"
COOKIE = (f"auth_key={AUTH_KEY}; Domain=.eagleeyenetworks.com; "
          "expires=Tue, 09-Apr-2019 06:37:27 GMT; httponly; Max-Age=14399; Path=/")


class ScriptedEen:
    """Login that works, then per-path queues of scripted answers (status, headers, body)."""

    def __init__(self):
        self.script: dict[str, list] = {}
        self.calls = Counter()
        self.seen_headers: list[dict] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        with self.lock:
            self.calls[path] += 1
            self.seen_headers.append({k: v for k, v in environ.items() if k.startswith("HTTP_")})
        if path == "/g/aaa/authenticate":
            return self._reply(start_response, 200, {}, {"token": "tok"})
        if path == "/g/aaa/authorize":
            user = {"id": "u1", "active_brand_subdomain": "c000"}
            return self._reply(start_response, 200, {"Set-Cookie": COOKIE}, user)
        queue = self.script.get(path)
        if queue:
            status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
            return self._reply(start_response, status, headers, body)
        return self._reply(start_response, 404, {}, {"status_code": 404, "message": "nope"})

    @staticmethod
    def _reply(start_response, status, headers, body):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        reasons = {200: "OK", 401: "Unauthorized", 429: "Too Many Requests", 502: "Bad Gateway"}
        headers = dict(headers)
        head = [("Content-Type", headers.pop("Content-Type", "application/json"))]
        head += [*headers.items(), ("Content-Length", str(len(raw)))]
        start_response(f"{status} {reasons.get(status, 'X')}", head)
        return [raw]


@pytest.fixture
def scripted():
    app = ScriptedEen()
    server = WSGIServer(("127.0.0.1", 0), app, log=None, error_log=None)
    server.start()
    app.url = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.stop(timeout=1)


def client_for(app, **settings):
    settings.setdefault("retry_wait_max", 0.05)
    return EenClient(ConnectionSettings(login_url=app.url, **settings), session_cache=None)


EXPIRED = (401, {"X-Ee-Server-Message": "session expired"},
           {"status_code": 401, "message": "session expired", "data": None})


def test_login_takes_the_cookie_and_stays_on_a_non_een_host(scripted):
    client = client_for(scripted)
    user = client.login("ann", "pw")
    assert user["active_brand_subdomain"] == "c000"
    assert client.api_url == scripted.url
    scripted.script["/g/device/list"] = [(200, {}, [])]
    assert client.list_devices().devices == []
    assert f"auth_key={AUTH_KEY}" in scripted.seen_headers[-1]["HTTP_COOKIE"]


def test_the_api_key_goes_in_both_headers(scripted):
    client = client_for(scripted, api_key="key-123")
    client.login("ann", "pw")
    for headers in scripted.seen_headers:
        assert headers["HTTP_AUTHENTICATION"] == "key-123"
        assert headers["HTTP_AUTHORIZATION"] == "key-123"


def test_malformed_json_is_a_protocol_error(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/g/device/list"] = [(200, {}, b'[["00001106", "1009')]
    with pytest.raises(errors.ProtocolError, match="not valid JSON"):
        client.list_devices()
    scripted.script["/g/device/list"] = [(200, {}, {"devices": []})]
    with pytest.raises(errors.ProtocolError, match="not an array"):
        client.list_devices()


def test_an_authorize_without_cookie_is_a_protocol_error(scripted):
    client = client_for(scripted)
    challenge = client.authenticate("ann", "pw")
    original = scripted.__class__.__call__

    def no_cookie(self, environ, start_response):
        if environ["PATH_INFO"] == "/g/aaa/authorize":
            return self._reply(start_response, 200, {}, {"id": "u1"})
        return original(self, environ, start_response)

    scripted.__class__ = type("NoCookie", (ScriptedEen,), {"__call__": no_cookie})
    with pytest.raises(errors.ProtocolError, match="cookie"):
        client.authorize(challenge)


def test_429_waits_retry_after_then_succeeds(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/g/device/list"] = [
        (429, {"Retry-After": "0.05"}, {"status_code": 429, "message": "slow down"}),
        (200, {}, [])]
    assert client.list_devices().skipped == 0
    assert scripted.calls["/g/device/list"] == 2


def test_5xx_is_retried_a_bounded_number_of_times(scripted):
    client = client_for(scripted, retry_attempts=3)
    client.login("ann", "pw")
    scripted.script["/g/device/list"] = [(502, {}, {"status_code": 502, "message": "bad gw"})]
    with pytest.raises(errors.ServerError, match="502"):
        client.list_devices()
    assert scripted.calls["/g/device/list"] == 3


def test_a_401_relogs_in_once_then_retries(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/g/device/list"] = [EXPIRED, (200, {}, [])]
    client.list_devices()
    assert scripted.calls["/g/aaa/authenticate"] == 2
    assert client.relogins == 1


def test_a_401_that_persists_is_reported_not_looped(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/g/device/list"] = [EXPIRED]
    with pytest.raises(errors.SessionExpired):
        client.list_devices()
    assert scripted.calls["/g/aaa/authenticate"] == 2  # the first login and one re-login
    assert scripted.calls["/g/device/list"] == 2


def test_concurrent_401s_share_one_relogin(scripted):
    client = EenClient(ConnectionSettings(login_url=scripted.url), session_cache=None,
                       pool_size=10)
    client.login("ann", "pw")
    jpeg = b"\xff\xd8\xff\xe0" + b"0" * 100 + b"\xff\xd9"
    image = (200, {"Content-Type": "image/jpeg", "X-Ee-Timestamp": "preview-20190409024212.149",
                   "X-Ee-Prev": "preview-20190409024211.148", "X-Ee-Next": "unknown"}, jpeg)
    scripted.script["/asset/asset/image.jpeg"] = [EXPIRED] * 10 + [image]

    def fetch():
        with client.open_image("1000c4ae", "20190409024212.149") as (headers, chunks):
            return headers, b"".join(chunks)

    jobs = [gevent.spawn(fetch) for _ in range(10)]
    gevent.joinall(jobs, raise_error=True)
    for job in jobs:
        headers, body = job.value
        assert body == jpeg and headers.timestamp == "20190409024212.149"
        assert headers.prev == "20190409024211.148" and headers.next is None
    assert scripted.calls["/g/aaa/authenticate"] == 2
    assert client.relogins == 1


def test_open_image_does_not_retry_429_or_5xx(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/asset/asset/image.jpeg"] = [
        (429, {"Retry-After": "1.5"}, {"status_code": 429, "message": "slow down"})]
    with pytest.raises(errors.RateLimited) as raised, client.open_image("1000c4ae", "now"):
        pass
    assert raised.value.retry_after == 1.5
    scripted.script["/asset/asset/image.jpeg"] = [(503, {}, {"status_code": 503})]
    with pytest.raises(errors.ServerError), client.open_image("1000c4ae", "now"):
        pass
    assert scripted.calls["/asset/asset/image.jpeg"] == 2


def test_open_image_typed_errors(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/asset/asset/image.jpeg"] = [
        (400, {"X-Ee-Server-Message": "no matching asset"},
         {"status_code": 400, "message": "no matching asset", "data": None})]
    with pytest.raises(errors.NoMatchingAsset), client.open_image("1000c4ae", "now"):
        pass
    scripted.script["/asset/asset/image.jpeg"] = [(200, {"Content-Type": "text/html"}, b"<html>")]
    with pytest.raises(errors.ProtocolError), client.open_image("1000c4ae", "now"):
        pass
    with pytest.raises(errors.RequestRejected), client.open_image("not-esn", "now"):
        pass


def test_image_list_newest_first_distinct_and_tolerant(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/asset/list/image"] = [(200, {}, [
        {"t": "PRFR", "s": "20181001000000.045"}, {"t": "PRFR", "s": "20181001000002.045"},
        {"t": "PRFR", "s": "20181001000002.045"}, {"t": "PRFR", "s": "garbage"}, None, 5])]
    assert client.list_image_timestamps("1000c4ae", count=-5) == [
        "20181001000002.045", "20181001000000.045"]
    scripted.script["/asset/list/image"] = [
        (400, {"X-Ee-Server-Message": "no matching asset"}, {"message": "no matching asset"})]
    assert client.list_image_timestamps("1000c4ae") == []


def test_network_errors_are_typed(scripted):
    client = EenClient(ConnectionSettings(login_url="http://127.0.0.1:9", retry_wait_max=0.01),
                       session_cache=None)
    with pytest.raises(errors.NetworkError, match="cannot reach"):
        client.login("ann", "pw")


def test_a_moved_asset_redirect_keeps_the_session_on_trusted_hosts_only(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    jpeg = b"\xff\xd8\xff\xd9"
    image = (200, {"Content-Type": "image/jpeg"}, jpeg)
    moved = scripted.url + "/archiver2/asset/asset/image.jpeg"
    scripted.script["/asset/asset/image.jpeg"] = [(301, {"Location": moved}, b"")]
    scripted.script["/archiver2/asset/asset/image.jpeg"] = [image]
    with client.open_image("1000c4ae", "now") as (_headers, chunks):
        assert b"".join(chunks) == jpeg
    assert f"auth_key={AUTH_KEY}" in scripted.seen_headers[-1]["HTTP_COOKIE"]
    # "localhost" is loopback but not the host we logged in to: no session for it
    foreign = scripted.url.replace("127.0.0.1", "localhost") + "/elsewhere/image.jpeg"
    scripted.script["/asset/asset/image.jpeg"] = [(302, {"Location": foreign}, b"")]
    scripted.script["/elsewhere/image.jpeg"] = [image]
    with client.open_image("1000c4ae", "now") as (_headers, chunks):
        b"".join(chunks)
    assert "HTTP_COOKIE" not in scripted.seen_headers[-1]
    assert "HTTP_AUTHORIZATION" not in scripted.seen_headers[-1]


def test_a_second_401_soon_after_a_relogin_does_not_log_in_again(scripted):
    client = client_for(scripted)
    client.login("ann", "pw")
    scripted.script["/g/device/list"] = [EXPIRED, (200, {}, []), EXPIRED, (200, {}, [])]
    scripted.script["/g/aaa/isauth"] = [(200, {}, {})]
    client.list_devices()
    client.list_devices()  # a transient 401 again: isauth says the fresh session is fine
    assert scripted.calls["/g/aaa/isauth"] == 1
    assert scripted.calls["/g/aaa/authenticate"] == 2
    assert client.relogins == 1
    assert scripted.calls["/g/device/list"] == 4
