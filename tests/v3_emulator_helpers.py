"""Helpers of the v3 emulator tests: the authorize URL, a full login, bearer sessions."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import requests

REDIRECT = "http://127.0.0.1:3333/callback"  # registered by default, like EEN's samples


def authorize_url(emu, *, redirect_uri: str = REDIRECT, state: str = "st4te-1",
                  **overrides: str) -> str:
    params = {"client_id": emu.v3_client_id, "response_type": "code", "scope": "vms.all",
              "redirect_uri": redirect_uri, "state": state}
    params.update(overrides)
    return f"{emu.url}/oauth2/authorize?{urlencode(params)}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def code_for(emu, **kwargs: str) -> str:
    return query_of(emu.v3_approve(authorize_url(emu, **kwargs)))["code"]


def token_request(emu, data: dict[str, str], *, auth=None, **kwargs) -> requests.Response:
    auth = auth if auth is not None else (emu.v3_client_id, emu.v3_client_secret)
    return requests.post(f"{emu.url}/oauth2/token", data=data, auth=auth, timeout=10, **kwargs)


def exchange(emu, code: str, redirect_uri: str = REDIRECT) -> requests.Response:
    return token_request(emu, {"grant_type": "authorization_code", "scope": "vms.all",
                               "code": code, "redirect_uri": redirect_uri})


def refresh(emu, refresh_token: str) -> requests.Response:
    return token_request(emu, {"grant_type": "refresh_token", "scope": "vms.all",
                               "refresh_token": refresh_token})


def login(emu) -> dict:
    answer = exchange(emu, code_for(emu))
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer_session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
    return session


def assert_v3_error(answer: requests.Response, code: int, status: str,
                    reason: str | None = None) -> dict:
    """The v3 error body: ``{"code", "status", "message", "details"}`` (een-api-v3.md §6)."""
    assert answer.status_code == code, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert list(body) == ["code", "status", "message", "details"]
    assert body["code"] == code and body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    info = body["details"][0]
    assert info["type"] == "errorInfo" and info["domain"] == "apiv3"
    assert info["metadata"]["path"] == urlsplit(answer.url).path
    if reason is not None:
        assert info["reason"] == reason
    return body
