"""Emulator login over real HTTP: authenticate, two-factor, authorize, cookies, sessions."""

from __future__ import annotations

import re
import time

import pytest
import requests

from een_tui.emulator.v1_login import cookie_domain as _cookie_domain

COOKIE_RE = re.compile(
    r"^(auth_key|videobank_sessionid)=c000~[0-9a-f]{32}; "
    r"expires=\w{3}, \d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2} GMT; httponly; Max-Age=(\d+); Path=/$"
)
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def authenticate(emu, session=None, **body):
    client = session or requests
    body = body or {"username": emu.demo_username, "password": emu.demo_password}
    return client.post(f"{emu.url}/g/aaa/authenticate", json=body, timeout=10)


def login(emu, session):
    token = authenticate(emu, session).json()["token"]
    return session.post(f"{emu.url}/g/aaa/authorize", json={"token": token}, timeout=10)


def test_authenticate_json_answers_a_token_with_the_recorded_headers(emulator):
    answer = authenticate(emulator)
    assert answer.status_code == 200
    assert list(answer.json()) == ["token"]
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.headers["Server"] == "openresty"
    assert answer.headers["Cache-Control"] == "max-age=86400"
    assert HEX32.match(answer.headers["X-Ee-Request-Id"])
    assert "two_factor_authentication_code" not in answer.json()


def test_authenticate_accepts_a_form_body(emulator):
    answer = requests.post(f"{emulator.url}/g/aaa/authenticate", timeout=10, data={
        "username": emulator.demo_username, "password": emulator.demo_password})
    assert answer.status_code == 200 and answer.json()["token"]


@pytest.mark.parametrize("body, status", [
    ({"username": "demo@een-tui.test", "password": "wrong"}, 401),
    ({"username": "nobody@een-tui.test", "password": "een-tui-demo"}, 401),
    ({"username": "demo@een-tui.test"}, 400),
    ({}, 400),
])
def test_authenticate_rejects_bad_credentials(emulator, body, status):
    answer = requests.post(f"{emulator.url}/g/aaa/authenticate", json=body, timeout=10)
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["status_code"] == status and answer.json()["data"] is None
    assert answer.headers["X-Ee-Server-Message"] == answer.json()["message"]


def test_authorize_sets_both_cookies_and_answers_the_user_object(emulator):
    with requests.Session() as session:
        answer = login(emulator, session)
        assert answer.status_code == 200
        user = answer.json()
        assert user["active_brand_subdomain"] == "c000"
        assert user["first_name"] == "Demo" and user["is_two_factor_authentication_enabled"] == 0
        cookies = answer.raw.headers.getlist("Set-Cookie")
        assert len(cookies) == 2
        for line in cookies:
            match = COOKIE_RE.match(line)
            assert match, line
            assert int(match.group(2)) == int(emulator.config.session_lifetime_s) - 1
        assert cookies[0].split(";")[0].split("=")[1] == cookies[1].split(";")[0].split("=")[1]
        # requests keeps the cookie for 127.0.0.1 and sends it back.
        assert session.cookies.get("auth_key").startswith("c000~")
        assert session.get(f"{emulator.url}/g/aaa/isauth", timeout=10).status_code == 200


def test_token_is_single_use(emulator):
    token = authenticate(emulator).json()["token"]
    first = requests.post(f"{emulator.url}/g/aaa/authorize", json={"token": token}, timeout=10)
    second = requests.post(f"{emulator.url}/g/aaa/authorize", json={"token": token}, timeout=10)
    assert first.status_code == 200
    assert second.status_code == 401


def test_token_expires(emulator):
    emulator.config.token_lifetime_s = 0
    token = authenticate(emulator).json()["token"]
    answer = requests.post(f"{emulator.url}/g/aaa/authorize", json={"token": token}, timeout=10)
    assert answer.status_code == 401


def test_token_lives_30_seconds_by_default(emulator):
    assert emulator.config.token_lifetime_s == 30
    token = authenticate(emulator).json()["token"]
    remaining = emulator.app.login.tokens[token].expires_at - time.time()
    assert 20 < remaining <= 30


def test_authorize_without_token_is_400_and_unknown_token_401(emulator):
    url = f"{emulator.url}/g/aaa/authorize"
    assert requests.post(url, json={}, timeout=10).status_code == 400
    assert requests.post(url, json={"token": "nope"}, timeout=10).status_code == 401


def test_session_accepted_as_A_parameter_and_A_wins_over_the_cookie(emulator):
    with requests.Session() as session:
        login(emulator, session)
        key = session.cookies.get("auth_key")
    url = f"{emulator.url}/g/device/list"
    assert requests.get(url, params={"A": key}, timeout=10).status_code == 200
    assert requests.get(url, params={"A": key}, cookies={"auth_key": "c000~bad"},
                        timeout=10).status_code == 200
    assert requests.get(url, params={"A": "c000~bad"}, cookies={"auth_key": key},
                        timeout=10).status_code == 401
    assert requests.get(url, cookies={"videobank_sessionid": key}, timeout=10).status_code == 200


def test_no_session_is_401_session_expired(emulator):
    answer = requests.get(f"{emulator.url}/g/device/list", timeout=10)
    assert answer.status_code == 401
    assert answer.json() == {"status_code": 401, "message": "session expired", "data": None}
    assert answer.headers["X-Ee-Server-Message"] == "session expired"


def test_session_expires_after_its_lifetime(emulator):
    emulator.config.session_lifetime_s = 0
    with requests.Session() as session:
        answer = login(emulator, session)
        assert "Max-Age=0" in answer.headers["Set-Cookie"]
        # The jar drops a Max-Age=0 cookie; send the key explicitly to see the server's view.
        key = answer.raw.headers.getlist("Set-Cookie")[0].split(";")[0].split("=", 1)[1]
        result = requests.get(f"{emulator.url}/g/aaa/isauth", params={"A": key}, timeout=10)
        assert result.status_code == 401
        assert result.json()["message"] == "session expired"


def test_isauth_and_logout(emulator, emulator_session):
    url = emulator.url
    assert emulator_session.get(f"{url}/g/aaa/isauth", timeout=10).status_code == 200
    key = emulator_session.cookies.get("auth_key")
    answer = emulator_session.post(f"{url}/g/aaa/logout", timeout=10)
    assert answer.status_code == 204 and answer.content == b""
    assert requests.get(f"{url}/g/aaa/isauth", params={"A": key}, timeout=10).status_code == 401


def tfa_token(emu):
    answer = authenticate(emu, username=emu.tfa_username, password=emu.tfa_password)
    assert answer.status_code == 200
    return answer.json()


def test_two_factor_flow(emulator):
    url = emulator.url
    first = tfa_token(emulator)
    hints = first["two_factor_authentication_code"]
    assert set(hints) == {"sms", "email"} and hints["sms"].startswith("*** *** ")
    token = first["token"]
    # No code, then code not sent yet: 401.
    assert requests.post(f"{url}/g/aaa/authorize", json={"token": token},
                         timeout=10).status_code == 401
    assert requests.post(f"{url}/g/aaa/authorize", timeout=10, json={
        "token": token, "two_factor_authentication_code": emulator.tfa_code}).status_code == 401
    sent = requests.post(f"{url}/g/aaa/two_factor_authenticate", timeout=10, json={
        "token": token, "two_factor_authentication_type": "sms"})
    assert sent.status_code == 200
    wrong = requests.post(f"{url}/g/aaa/authorize", timeout=10, json={
        "token": token, "two_factor_authentication_code": "0000"})
    assert wrong.status_code == 406
    right = requests.post(f"{url}/g/aaa/authorize", timeout=10, json={
        "token": token, "two_factor_authentication_code": emulator.tfa_code})
    assert right.status_code == 200
    assert right.json()["is_two_factor_authentication_enabled"] == 1
    assert "auth_key=c000~" in right.headers["Set-Cookie"]


def test_two_factor_code_is_fixed_in_test_mode(emulator):
    assert emulator.tfa_code == "1234"


def test_two_factor_type_must_be_sms_or_email(emulator):
    token = tfa_token(emulator)["token"]
    answer = requests.post(f"{emulator.url}/g/aaa/two_factor_authenticate", timeout=10, json={
        "token": token, "two_factor_authentication_type": "pigeon"})
    assert answer.status_code == 415


def test_two_factor_locks_after_more_than_three_wrong_codes(emulator):
    url = emulator.url
    token = tfa_token(emulator)["token"]
    requests.post(f"{url}/g/aaa/two_factor_authenticate", timeout=10, json={
        "token": token, "two_factor_authentication_type": "email"})
    codes = []
    for _ in range(4):
        codes.append(requests.post(f"{url}/g/aaa/authorize", timeout=10, json={
            "token": token, "two_factor_authentication_code": "9999"}).status_code)
    assert codes == [406, 406, 406, 429]
    locked = requests.post(f"{url}/g/aaa/authorize", timeout=10, json={
        "token": token, "two_factor_authentication_code": emulator.tfa_code})
    assert locked.status_code == 429
    again = authenticate(emulator, username=emulator.tfa_username,
                         password=emulator.tfa_password)
    assert again.status_code == 412


@pytest.mark.parametrize("host, domain", [
    ("127.0.0.1:8080", None),
    ("[::1]:8080", None),
    ("localhost:5000", None),
    ("login.eagleeyenetworks.com", ".eagleeyenetworks.com"),
    ("emulator.test:8080", ".emulator.test"),
])
def test_cookie_domain_is_omitted_on_loopback(host, domain):
    assert _cookie_domain(host) == domain
