"""Redirects from a hostile server: the password never follows one, the session and the API key
stay on the origin (scheme, host and port) they were meant for, HTTPS never falls to HTTP."""

from __future__ import annotations

import pytest
import requests
from hostile import HostileServer, Reply

from een_tui import cli, exitcodes
from een_tui.api import errors
from een_tui.api.client import EenClient
from een_tui.api.settings import ConnectionSettings
from een_tui.api.transport import EenHttpSession

API_KEY = "k3y-for-the-hostile-tests"


@pytest.fixture
def elsewhere():
    """A second server on another loopback port: it must receive nothing secret."""
    server = HostileServer().start()
    server.on("POST", "/g/aaa/authenticate", Reply(200, body={"token": "t"}))
    try:
        yield server
    finally:
        server.stop()


def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text("the-secret-password\n")
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_login_never_follows_a_redirect(hostile, elsewhere, tmp_path, capsys, status):
    hostile.on("POST", "/g/aaa/authenticate",
               Reply(status, [("Location", elsewhere.url + "/g/aaa/authenticate")]))
    code = cli.main(["cameras", "--login-url", hostile.url, "--username", "ann",
                     "--password-file", str(password_file(tmp_path)), "--no-session-cache"])
    err = capsys.readouterr().err
    assert code == exitcodes.AUTH_FAILED
    assert elsewhere.requests == []  # the password went nowhere else
    assert "redirect" in err and elsewhere.url.split("//")[1] in err
    assert "the-secret-password" not in err
    assert len(hostile.requests) == 1


def test_two_factor_and_authorize_steps_do_not_follow_redirects(hostile, elsewhere):
    hostile.on("POST", "/g/aaa/authenticate", Reply(200, body={"token": "tok"}))
    hostile.on("POST", "/g/aaa/authorize",
               Reply(307, [("Location", elsewhere.url + "/g/aaa/authorize")]))
    client = EenClient(ConnectionSettings(login_url=hostile.url), session_cache=None)
    with pytest.raises(errors.AuthError, match="never redirected"):
        client.login("ann", "pw")
    assert elsewhere.requests == []


@pytest.fixture
def logged_in(hostile, emulator, monkeypatch):
    """A client logged in through the hostile server (proxying the emulator), with an API key."""
    hostile.upstream = emulator.url
    client = EenClient(ConnectionSettings(login_url=hostile.url, api_url=hostile.url,
                                          api_key=API_KEY, retry_attempts=1), session_cache=None)
    client.login(emulator.demo_username, emulator.demo_password)
    yield client
    client.close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_api_redirect_to_another_port_carries_no_session_nor_key(hostile, elsewhere, logged_in,
                                                                   status):
    hostile.on("GET", "/g/device/list",
               Reply(status, [("Location", elsewhere.url + "/g/device/list")]))
    elsewhere.on("GET", "/g/device/list", Reply(200, body=[]))
    logged_in.list_devices()
    assert [r.path for r in elsewhere.requests] == ["/g/device/list"]
    seen = {name.lower() for name in elsewhere.requests[0].headers}
    assert not seen & {"cookie", "authentication", "authorization"}
    assert API_KEY not in str(elsewhere.requests[0].headers)


def test_api_redirect_on_the_same_origin_keeps_the_session(hostile, logged_in, emulator):
    hostile.on("GET", "/g/device/list", Reply(302, [("Location", hostile.url + "/moved/list")]))
    hostile.on("GET", "/moved/list", lambda request: Reply(200, body=[]))
    logged_in.list_devices()
    moved = hostile.requests[-1]
    assert moved.path == "/moved/list"
    assert "auth_key=" in moved.headers.get("Cookie", "")
    assert moved.headers.get("Authentication") == API_KEY


def test_a_redirect_from_https_to_http_is_not_followed():
    session = EenHttpSession(pool_size=1, trusted_origins=lambda: set(),
                             secret_headers=lambda: {"Cookie": "auth_key=x"})
    answer = requests.Response()
    answer.url = "https://api.example.invalid/g/device/list"
    answer.status_code = 301
    answer.headers["Location"] = "http://127.0.0.1:9/g/device/list"
    answer.request = requests.Request("GET", answer.url).prepare()
    target = requests.Request("GET", "http://127.0.0.1:9/g/device/list").prepare()
    with pytest.raises(errors.ProtocolError, match="plain http"):
        session.rebuild_auth(target, answer)
    same = requests.Request("GET", "https://api.example.invalid/other").prepare()
    session.rebuild_auth(same, answer)  # https to https: followed (without the session here)
    assert "Cookie" not in same.headers
