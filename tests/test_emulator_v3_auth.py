"""v3 auth host of the emulator over HTTP: authorize page, codes, token grants, rotation, revoke,
and the count of secrets seen in URLs."""

from __future__ import annotations

import base64

import pytest
import requests
from v3_emulator_helpers import (
    REDIRECT,
    assert_v3_error,
    authorize_url,
    bearer_session,
    code_for,
    exchange,
    login,
    query_of,
    refresh,
    token_request,
)

from een_tui.emulator import ApprovalFailed, v3_approve


def me(emu, token: str) -> requests.Response:
    with bearer_session(token) as session:
        return session.get(f"{emu.url}/api/v3.0/users/self", timeout=10)


def test_authorize_page_is_a_small_html_login_form(emulator):
    page = requests.get(authorize_url(emulator), timeout=10, allow_redirects=False)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    for needle in ('method="post"', 'name="username"', 'name="password"', 'value="st4te-1"'):
        assert needle in page.text


def test_approve_redirects_to_the_registered_uri_with_code_and_echoed_state(emulator):
    redirect = v3_approve(authorize_url(emulator, state="abc/+ 123"))
    assert redirect.startswith(REDIRECT + "?")
    params = query_of(redirect)
    assert set(params) == {"code", "state"}
    assert params["state"] == "abc/+ 123" and len(params["code"]) >= 20
    assert emulator.v3_approve(authorize_url(emulator)) != redirect  # a fresh code each time


def test_deny_redirects_with_access_denied(emulator):
    params = query_of(v3_approve(authorize_url(emulator), approve=False))
    assert params == {"error": "access_denied", "state": "st4te-1"}


def test_wrong_password_is_refused_on_the_page(emulator):
    with pytest.raises(ApprovalFailed, match="401"):
        v3_approve(authorize_url(emulator), password="nope")


@pytest.mark.parametrize("redirect_uri", [
    "https://127.0.0.1:3333/callback", "http://localhost:3333/callback",
    "http://127.0.0.1:3333/callback/", "http://127.0.0.1:4444/callback",
])
def test_unregistered_redirect_uri_is_refused_without_redirecting(emulator, redirect_uri):
    page = requests.get(authorize_url(emulator, redirect_uri=redirect_uri), timeout=10,
                        allow_redirects=False)
    assert page.status_code == 400 and "Location" not in page.headers


def test_a_registered_listener_uri_works(emulator):
    uri = "http://127.0.0.1:54321/callback"
    emulator.allow_redirect_uri(uri)
    code = code_for(emulator, redirect_uri=uri)
    assert exchange(emulator, code, uri).status_code == 200


def test_unknown_client_is_refused(emulator):
    page = requests.get(authorize_url(emulator, client_id="someone-else"), timeout=10,
                        allow_redirects=False)
    assert page.status_code == 400 and "Location" not in page.headers


@pytest.mark.parametrize(("override", "error"), [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"scope": "admin"}, "invalid_scope"),
])
def test_bad_authorize_parameters_come_back_as_errors(emulator, override, error):
    page = requests.get(authorize_url(emulator, **override), timeout=10, allow_redirects=False)
    assert page.status_code == 302
    assert query_of(page.headers["Location"]) == {"error": error, "state": "st4te-1"}


def test_token_answer_has_the_documented_shape(emulator):
    answer = exchange(emulator, code_for(emulator))
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.json()
    assert list(body) == ["access_token", "expires_in", "refresh_token", "httpsBaseUrl",
                          "scope", "token_type"]
    assert body["httpsBaseUrl"] == {"hostname": "127.0.0.1", "port": emulator.port}
    assert body["scope"] == "vms.all" and body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], int) and 43000 < body["expires_in"] <= 43200
    assert me(emulator, body["access_token"]).status_code == 200


def test_code_works_once_and_a_replay_revokes_what_it_gave(emulator):
    code = code_for(emulator)
    first = exchange(emulator, code)
    assert first.status_code == 200
    again = exchange(emulator, code)
    assert again.status_code == 401 and again.json()["error"] == "invalid_grant"
    assert me(emulator, first.json()["access_token"]).status_code == 401


def test_code_expires(emulator):
    emulator.config.v3_code_lifetime_s = 0
    answer = exchange(emulator, code_for(emulator))
    assert answer.status_code == 401
    assert answer.json() == {"error": "invalid_grant",
                             "error_description": "authorization code expired"}


def test_code_lives_five_minutes_by_default(emulator):
    assert emulator.config.v3_code_lifetime_s == 300


def test_redirect_uri_must_match_the_one_the_code_was_issued_for(emulator):
    emulator.allow_redirect_uri("http://127.0.0.1:3333")
    answer = exchange(emulator, code_for(emulator), "http://127.0.0.1:3333")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("auth", [("een-tui-demo-client", "wrong"),
                                  ("other", "een-tui-demo-secret"), ("", "")])
def test_client_must_authenticate_with_basic(emulator, auth):
    answer = token_request(emulator, {"grant_type": "authorization_code",
                                      "code": code_for(emulator), "redirect_uri": REDIRECT},
                           auth=auth)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert answer.headers["WWW-Authenticate"].startswith("Basic")


def test_no_client_authentication_at_all(emulator):
    answer = requests.post(f"{emulator.url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "code": "x", "redirect_uri": REDIRECT})
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_bad_grant_type_json_body_and_query_parameters_are_400(emulator):
    bad = token_request(emulator, {"grant_type": "password", "username": "u"})
    assert bad.status_code == 400 and bad.json()["error"] == "unsupported_grant_type"
    basic = base64.b64encode(
        f"{emulator.v3_client_id}:{emulator.v3_client_secret}".encode()).decode()
    as_json = requests.post(f"{emulator.url}/oauth2/token", timeout=10,
                            headers={"Authorization": f"Basic {basic}"},
                            json={"grant_type": "authorization_code"})
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    in_url = token_request(emulator, {}, params={"grant_type": "authorization_code"})
    assert in_url.status_code == 400
    scope = token_request(emulator, {"grant_type": "refresh_token", "scope": "admin",
                                     "refresh_token": "x"})
    assert scope.status_code == 403 and scope.json()["error"] == "invalid_scope"


def test_refresh_rotates_and_kills_the_old_access_token(emulator):
    first = login(emulator)
    second = refresh(emulator, first["refresh_token"])
    assert second.status_code == 200
    new = second.json()
    assert new["refresh_token"] != first["refresh_token"]
    assert new["access_token"] != first["access_token"]
    assert_v3_error(me(emulator, first["access_token"]), 401, "unauthenticated")
    assert me(emulator, new["access_token"]).status_code == 200
    reused = refresh(emulator, first["refresh_token"])
    assert reused.status_code == 401 and reused.json()["error"] == "invalid_grant"
    assert refresh(emulator, new["refresh_token"]).status_code == 200


def test_revoke_a_refresh_token_also_kills_its_access_token(emulator):
    tokens = login(emulator)
    answer = requests.post(f"{emulator.url}/oauth2/revoke", timeout=10,
                           data={"token": tokens["refresh_token"]},
                           auth=(emulator.v3_client_id, emulator.v3_client_secret))
    assert answer.status_code == 200
    assert me(emulator, tokens["access_token"]).status_code == 401
    assert refresh(emulator, tokens["refresh_token"]).status_code == 401


def test_revoke_an_access_token_keeps_the_refresh_token(emulator):
    tokens = login(emulator)
    auth = (emulator.v3_client_id, emulator.v3_client_secret)
    assert requests.post(f"{emulator.url}/oauth2/revoke", timeout=10, auth=auth,
                         data={"token": tokens["access_token"]}).status_code == 200
    assert me(emulator, tokens["access_token"]).status_code == 401
    assert refresh(emulator, tokens["refresh_token"]).status_code == 200
    unknown = requests.post(f"{emulator.url}/oauth2/revoke", timeout=10, auth=auth,
                            data={"token": "never-issued"})
    assert unknown.status_code == 200
    no_client = requests.post(f"{emulator.url}/oauth2/revoke", timeout=10,
                              data={"token": tokens["refresh_token"]})
    assert no_client.status_code == 401


def test_access_token_lifetime_knob(emulator):
    emulator.config.v3_access_token_lifetime_s = 0
    tokens = login(emulator)
    assert tokens["expires_in"] == 0
    assert_v3_error(me(emulator, tokens["access_token"]), 401, "unauthenticated")


def test_missing_or_unknown_bearer_is_the_documented_401(emulator):
    answer = requests.get(f"{emulator.url}/api/v3.0/cameras", timeout=10)
    body = assert_v3_error(answer, 401, "unauthenticated", "unauthenticated")
    assert body["message"] == ("The client caller does not have a valid authentication "
                               "credential")
    assert me(emulator, "eyJnot-a-token").status_code == 401


def test_a_clean_flow_puts_no_secret_in_any_url(emulator):
    tokens = login(emulator)
    new = refresh(emulator, tokens["refresh_token"]).json()
    with bearer_session(new["access_token"]) as session:
        assert session.get(f"{emulator.url}/api/v3.0/cameras", timeout=10).ok
    requests.post(f"{emulator.url}/oauth2/revoke", data={"token": new["refresh_token"]},
                  auth=(emulator.v3_client_id, emulator.v3_client_secret), timeout=10)
    stats = requests.get(f"{emulator.url}/_emulator/stats", timeout=10).json()
    assert stats["secrets_in_urls"] == 0 and stats["secrets_in_urls_by_kind"] == {}


def test_secrets_in_urls_are_counted_by_kind(emulator):
    tokens = login(emulator)
    auth = (emulator.v3_client_id, emulator.v3_client_secret)
    requests.post(f"{emulator.url}/oauth2/revoke", params={"token": tokens["refresh_token"]},
                  auth=auth, timeout=10)
    requests.get(f"{emulator.url}/api/v3.0/cameras",
                 params={"access_token": tokens["access_token"]}, timeout=10)
    requests.get(f"{emulator.url}/oauth2/authorize", timeout=10,
                 params={"client_secret": emulator.v3_client_secret, "code": code_for(emulator)})
    stats = emulator.stats()
    assert stats["secrets_in_urls_by_kind"] == {"refresh token": 1, "access token": 1,
                                                "client secret": 1, "code": 1}
    assert stats["secrets_in_urls"] == 4


def test_fault_knobs_reach_the_auth_host_and_the_camera_list_when_asked(emulator):
    tokens = login(emulator)
    emulator.config.fault_paths = ("/oauth2/token", "/api/v3.0/cameras")
    emulator.config.fault_5xx = 1.0
    listing = bearer_session(tokens["access_token"]).get(f"{emulator.url}/api/v3.0/cameras",
                                                         timeout=10)
    assert listing.status_code in (500, 502, 503, 504)
    assert listing.json()["code"] == listing.status_code
    emulator.config.fault_5xx = 0.0
    emulator.config.retry_after_s = 0.3
    emulator.config.fault_429 = 1.0
    limited = refresh(emulator, tokens["refresh_token"])
    assert limited.status_code == 429 and limited.json()["error"] == "slow_down"
    assert 0 < float(limited.headers["Retry-After"]) <= 0.3
    emulator.config.fault_429 = 0.0
    emulator.config.fault_paths = ()
    assert refresh(emulator, tokens["refresh_token"]).status_code == 200  # not used up
