"""v3 browser login: authorize URL and state, the loopback listener (real HTTP GETs), pasting
on a pipe, expired codes, when a browser opens, and the token cache it leaves."""

import os
import stat
from urllib.parse import parse_qs, urlsplit

import gevent
import pytest
import requests
from v3_server import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, RunningFake

from een_tui.api import errors
from een_tui.api.v3 import oauth
from een_tui.api.v3.login_flow import BrowserLogin, LoginTimedOut
from een_tui.api.v3.token_cache import TokenCache
from een_tui.api.v3.tokens import CodeRejected, OAuthClient

NO_DISPLAY = {"PATH": "/usr/bin"}


@pytest.fixture
def fake():
    with RunningFake() as running:
        yield running


def make_login(fake, tmp_path, **options):
    client = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, auth_url=fake.url)
    options.setdefault("env", NO_DISPLAY)
    options.setdefault("listen_port", 0)
    return BrowserLogin(client, cache=TokenCache(tmp_path / "state"), **options)


def test_authorize_url_has_every_parameter_and_a_fresh_state(fake, tmp_path):
    login = make_login(fake, tmp_path, listen=False)
    first = login.begin()
    state_one = login.state
    second = login.begin()
    for prompt, state in ((first, state_one), (second, login.state)):
        parts = urlsplit(prompt.authorize_url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{fake.url}/oauth2/authorize"
        query = parse_qs(parts.query)
        assert query == {"scope": ["vms.all"], "client_id": [CLIENT_ID],
                         "response_type": ["code"], "redirect_uri": [REDIRECT_URI],
                         "state": [state]}
        assert "redirect_uri=http://127.0.0.1:3333/callback&" in parts.query  # literal
        assert CLIENT_SECRET not in prompt.authorize_url
    assert state_one != login.state and len(login.state) >= 20
    assert any("5 minutes" in hint for hint in first.hints)


@pytest.mark.parametrize("text", [
    "http://127.0.0.1:3333/callback?code=CODE123&state={state}",
    "  http://127.0.0.1:3333/callback?state={state}&code=CODE123\n",
    "?code=CODE123&state={state}",
    "code=CODE123&state={state}",
    "http://127.0.0.1:3333/callback?code=CODE123",  # EEN may not echo state
    "CODE123",
])
def test_pasted_address_or_bare_code(text):
    assert oauth.code_from_paste(text.format(state="S1"), "S1") == "CODE123"


def test_paste_with_a_wrong_state_or_an_error_or_junk_is_refused():
    with pytest.raises(oauth.PasteRejected, match="another login attempt"):
        oauth.code_from_paste("http://127.0.0.1:3333/callback?code=C0DE&state=OTHER", "S1")
    with pytest.raises(oauth.LoginRefused, match="access_denied"):
        oauth.code_from_paste("http://h/cb?error=access_denied&state=S1", "S1")
    with pytest.raises(oauth.PasteRejected):
        oauth.code_from_paste("not a code at all!", "S1")
    assert oauth.code_from_paste("   \n", "S1") is None


def test_listener_ignores_wrong_state_and_path_then_takes_the_code(fake, tmp_path):
    login = make_login(fake, tmp_path)
    prompt = login.begin()
    assert prompt.listening_port
    base = f"http://127.0.0.1:{prompt.listening_port}"
    wrong_state = requests.get(f"{base}/callback", params={"code": "EVIL1", "state": "x"},
                               timeout=5)
    wrong_path = requests.get(f"{base}/other", params={"code": "EVIL2", "state": login.state},
                              timeout=5)
    assert (wrong_state.status_code, wrong_path.status_code) == (400, 404)
    code = fake.app.issue_code()
    page = requests.get(f"{base}/callback", params={"code": code, "state": login.state},
                        timeout=5)
    assert page.status_code == 200 and "close this tab" in page.text
    assert login.wait(timeout=5) == code
    manager = login.finish()
    assert manager.tokens.access_token == fake.app.access
    assert fake.app.token_bodies[-1]["code"] == code


def test_listener_stops_after_finish(fake, tmp_path):
    login = make_login(fake, tmp_path)
    prompt = login.begin()
    login.finish(f"{REDIRECT_URI}?code={fake.app.issue_code()}&state={login.state}")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{prompt.listening_port}/callback", timeout=2)


def test_paste_on_a_pipe_full_address_after_a_bad_line(fake, tmp_path):
    login = make_login(fake, tmp_path, listen=False)
    login.begin()
    code = fake.app.issue_code()
    read_end, write_end = os.pipe()
    rejected = []
    with os.fdopen(read_end, "r") as stream, os.fdopen(write_end, "w") as writer:
        waiter = gevent.spawn(login.wait, stream, timeout=10, on_rejected=rejected.append)
        writer.write("http://127.0.0.1:3333/callback?code=WRONG&state=stale\n")
        writer.flush()
        gevent.sleep(0.05)
        writer.write(f"{REDIRECT_URI}?code={code}&state={login.state}\n")
        writer.flush()
        assert waiter.get(timeout=10) == code
    assert len(rejected) == 1 and "another login attempt" in rejected[0]
    assert login.finish(code).tokens.access_token == fake.app.access


def test_paste_a_bare_code_on_a_pipe_that_then_closes(fake, tmp_path):
    login = make_login(fake, tmp_path, listen=False)
    login.begin()
    code = fake.app.issue_code()
    read_end, write_end = os.pipe()
    os.write(write_end, code.encode())  # no newline: the pipe just ends
    os.close(write_end)
    with os.fdopen(read_end, "r") as stream:
        assert login.wait(stream, timeout=10) == code


def test_an_expired_code_says_so(fake, tmp_path):
    clock = [1000.0]
    login = make_login(fake, tmp_path, listen=False, clock=lambda: clock[0])
    login.begin()
    code = fake.app.issue_code(age_s=301)  # the server refuses it: older than 5 minutes
    clock[0] += 301
    with pytest.raises(CodeRejected, match=r"code expired.*een-tui login again"):
        login.finish(code)


def test_a_refused_fresh_code_is_not_called_expired(fake, tmp_path):
    login = make_login(fake, tmp_path, listen=False)
    login.begin()
    with pytest.raises(CodeRejected) as caught:
        login.finish("NEVER-ISSUED")
    assert "expired" not in str(caught.value) and "refused" in str(caught.value)
    assert isinstance(caught.value, errors.AuthError)


def test_finish_caches_tokens_in_a_private_file(fake, tmp_path):
    login = make_login(fake, tmp_path, listen=False)
    login.begin()
    manager = login.finish(fake.app.issue_code())
    files = list((tmp_path / "state").iterdir())
    assert len(files) == 1 and not files[0].name.startswith(".")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    text = files[0].read_text()
    assert manager.tokens.refresh_token in text and CLIENT_SECRET not in text


@pytest.mark.parametrize(("env", "opens"), [
    ({"DISPLAY": ":0"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),
    ({"DISPLAY": ":0", "SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"}, False),
    ({}, False),
])
def test_browser_opens_only_with_a_display_and_no_ssh(fake, tmp_path, env, opens):
    opened = []
    login = make_login(fake, tmp_path, listen=False, env=env,
                       open_browser=lambda url: opened.append(url) or True)
    prompt = login.begin()
    assert prompt.opened_browser is opens
    assert opened == ([prompt.authorize_url] if opens else [])


def test_ssh_session_gets_a_port_forwarding_hint(fake, tmp_path):
    login = make_login(fake, tmp_path, env={"SSH_CONNECTION": "10.0.0.2 5555 10.0.0.1 22"})
    prompt = login.begin()
    try:
        assert any("ssh -L 3333:127.0.0.1:3333 " in hint for hint in prompt.hints)
    finally:
        login.close()


def test_no_listener_for_a_redirect_uri_off_this_machine(fake, tmp_path):
    client = OAuthClient(CLIENT_ID, CLIENT_SECRET, "https://app.example.com/cb",
                         auth_url=fake.url)
    login = BrowserLogin(client, env=NO_DISPLAY, listen_port=0)
    prompt = login.begin()
    assert prompt.listening_port is None
    assert any("paste" in hint for hint in prompt.hints)


def test_no_code_in_time_stops_the_listener(fake, tmp_path):
    login = make_login(fake, tmp_path)
    prompt = login.begin()
    with pytest.raises(LoginTimedOut, match="een-tui login again"):
        login.wait(timeout=0.1)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{prompt.listening_port}/callback", timeout=2)


def test_the_v3_backend_is_a_backend_and_its_flow_a_login_flow(fake, tmp_path):
    from een_tui.api.backend import Backend, StepKind
    from een_tui.api.v3.backend import V3Backend

    backend = V3Backend(OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, auth_url=fake.url),
                        cache=TokenCache(tmp_path), api_url=fake.url)
    assert isinstance(backend, Backend) and backend.api_version == "v3"
    flow = backend.login_flow(listen=False, env=NO_DISPLAY)
    step = flow.begin()
    assert step.kind is StepKind.OPEN_URL and step.url.startswith(f"{fake.url}/oauth2/authorize?")
    assert "5 minutes" in step.message and "paste" in step.message
    with pytest.raises(errors.AuthError):
        flow.send_code("sms")
    assert flow.finish(fake.app.issue_code()).done and backend.resume()


def test_drive_shows_the_address_and_takes_a_pasted_line(fake, tmp_path):
    from een_tui.api.v3.backend import V3Backend

    backend = V3Backend(OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, auth_url=fake.url),
                        cache=TokenCache(tmp_path), api_url=fake.url)
    flow = backend.login_flow(listen=False, env=NO_DISPLAY)
    shown = []
    read_end, write_end = os.pipe()

    def paste_when_shown():
        while not shown:
            gevent.sleep(0.01)
        os.write(write_end, b"garbage!\n")
        state = parse_qs(urlsplit(shown[0]).query)["state"][0]
        os.write(write_end, f"?code={fake.app.issue_code()}&state={state}\n".encode())

    helper = gevent.spawn(paste_when_shown)
    with os.fdopen(read_end, "r") as stream:
        assert flow.drive(stream, shown.append).done
    helper.get(timeout=5)
    os.close(write_end)
    assert shown[0].startswith(f"{fake.url}/oauth2/authorize?")
    assert any("5 minutes" in line for line in shown)
    assert any("neither the address" in line for line in shown)  # the rejected paste, said
    assert backend.user()["id"] == "u1"
