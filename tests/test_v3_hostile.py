"""v3 requests are hardened as v1's, against hostile servers on loopback: a body trickling in
ends at its deadline, the token endpoint never follows a redirect, and an API redirect carries
the Bearer token only to the same origin."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import gevent
import pytest
from hostile import HostileServer, Reply

from een_tui.api import errors
from een_tui.api.retry_policy import RetryPolicy, is_retryable
from een_tui.api.v3.client import V3Client
from een_tui.api.v3.token_manager import TokenManager
from een_tui.api.v3.tokens import OAuthClient, TokenEndpoint

CAM = "1000c4ae"
TIMEOUT = 0.5
TOKEN = "the-access-token-1234"


def trickle(data: bytes, every_s: float):
    for byte in data:
        gevent.sleep(every_s)
        yield bytes([byte])


@pytest.fixture
def elsewhere():
    """A second server on another loopback port: it must receive nothing secret."""
    server = HostileServer().start()
    server.on("POST", "/oauth2/token", Reply(200, body={"access_token": "stolen",
                                                        "token_type": "Bearer"}))
    server.on("GET", "/api/v3.0/users/self", Reply(200, body={"email": "x@elsewhere"}))
    try:
        yield server
    finally:
        server.stop()


def client_for(url: str) -> V3Client:
    return V3Client(TokenManager.static(TOKEN, api_url=url), api_url=url, timeout=TIMEOUT,
                    retry_policy=RetryPolicy.for_json(1, 0.1, 1.0))


def test_an_image_trickling_in_fails_retryably_at_its_deadline(hostile):
    size = 2000  # deadline: 2 x 0.5 s + 2000 / 16 KiB = 1.12 s; the whole body would take 200 s
    jpeg = b"\xff\xd8" + b"\0" * (size - 4) + b"\xff\xd9"
    hostile.on("GET", "/api/v3.0/media/recordedImage.jpeg", Reply(
        200, [("Content-Type", "image/jpeg"), ("Content-Length", str(size)),
              ("X-Een-Timestamp", "2026-01-02T03:04:05.000+00:00")],
        stream=trickle(jpeg, TIMEOUT / 5)))
    client = client_for(hostile.url)
    received = 0
    started = time.monotonic()
    at = datetime(2026, 1, 2, 3, 4, 6, tzinfo=timezone.utc)
    with (pytest.raises(errors.NetworkError, match="deadline") as caught,
          client.open_recorded_image(CAM, at=at) as (_headers, chunks)):
        for chunk in chunks:
            received += len(chunk)
    assert is_retryable(caught.value)
    assert 0 < received < size
    assert time.monotonic() - started < 60  # long before the body would end (200 s)


def test_a_json_answer_trickling_in_fails_at_its_deadline(hostile):
    body = b'{"results": [], "nextPageToken": ""}' + b" " * 400
    hostile.on("GET", "/api/v3.0/users/self", Reply(
        200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        stream=trickle(body, TIMEOUT / 5)))
    with pytest.raises(errors.NetworkError, match="deadline"):
        client_for(hostile.url).user_self()


def test_an_image_larger_than_the_cap_is_refused_before_reading(hostile):
    hostile.on("GET", "/api/v3.0/media/liveImage.jpeg", Reply(
        200, [("Content-Type", "image/jpeg"), ("Content-Length", str(9 * 1024 * 1024))],
        stream=iter([b"\xff\xd8"])))
    with pytest.raises(errors.ProtocolError, match="cap"), \
            client_for(hostile.url).open_live_image(CAM):
        pass


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_the_token_endpoint_never_follows_a_redirect(hostile, elsewhere, status):
    hostile.on("POST", "/oauth2/token",
               Reply(status, [("Location", f"{elsewhere.url}/oauth2/token")]))
    endpoint = TokenEndpoint(OAuthClient("client-id", "client-secret-value",
                                         "http://127.0.0.1:3333/callback", auth_url=hostile.url,
                                         timeout=TIMEOUT))
    with pytest.raises(errors.EenError):
        endpoint.exchange_code("the-code", code_age_s=1.0)
    with pytest.raises(errors.EenError):
        endpoint.refresh("the-refresh-token")
    assert elsewhere.requests == []  # neither the code, the refresh token nor the secret
    assert len(hostile.requests) == 2


def test_an_api_redirect_to_another_origin_carries_no_token(hostile, elsewhere):
    hostile.on("GET", "/api/v3.0/users/self",
               Reply(302, [("Location", f"{elsewhere.url}/api/v3.0/users/self")]))
    assert client_for(hostile.url).user_self() == {"email": "x@elsewhere"}
    [request] = elsewhere.requests
    assert "authorization" not in {k.lower() for k in request.headers}
    assert TOKEN not in request.target


def test_an_api_redirect_on_the_same_origin_keeps_the_token(hostile):
    hostile.on("GET", "/api/v3.0/users/self", Reply(302, [("Location", "/api/v3.0/users/me")]))

    def me(request):
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Reply(401, body={"code": 401, "status": "unauthenticated", "message": "no",
                                    "details": []})
        return Reply(200, body={"email": "demo@een-tui.test"})

    hostile.on("GET", "/api/v3.0/users/me", me)
    assert client_for(hostile.url).user_self() == {"email": "demo@een-tui.test"}


def test_a_redirect_from_https_to_http_is_not_followed():
    import requests

    from een_tui.api.v3.wire import new_session

    session = new_session(1)
    original = requests.Request("GET", "https://api.example.test/api/v3.0/cameras",
                                headers={"Authorization": "Bearer x"}).prepare()
    answer = requests.Response()
    answer.url = original.url
    answer.request = original
    answer.status_code = 302
    target = original.copy()
    target.url = "http://api.example.test/api/v3.0/cameras"
    with pytest.raises(errors.ProtocolError, match="plain http"):
        session.rebuild_auth(target, answer)



def test_an_escape_in_an_image_content_type_is_cleaned_where_it_enters(hostile):
    hostile.on("GET", "/api/v3.0/media/liveImage.jpeg", Reply(
        200, [("Content-Type", "image/jpeg\x1b]0;pwned\x07\x9b2J"), ("Content-Length", "4"),
              ("X-Een-Timestamp", "2026-01-02T03:04:05.000+00:00")],
        body=b"\xff\xd8\xff\xd9"))
    with client_for(hostile.url).open_live_image(CAM) as (headers, chunks):
        assert b"".join(chunks) == b"\xff\xd8\xff\xd9"
    assert headers.content_type == "image/jpeg ]0;pwned 2J"
