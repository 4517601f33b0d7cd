"""Status codes of een-api.md §1 and §2 to typed errors; image headers; Retry-After."""

import email.utils

import pytest

from een_tui.api import errors
from een_tui.api.responses import (
    api_error,
    asset_timestamp,
    image_headers,
    login_error,
    retry_after_seconds,
    server_message,
)
from een_tui.commands.common import error_message, exit_code_for

LOGIN_CASES = [
    ("authenticate", 401, errors.InvalidCredentials),
    ("authenticate", 402, errors.AccountProblem),
    ("authenticate", 460, errors.AccountProblem),
    ("authenticate", 461, errors.AccountProblem),
    ("authenticate", 412, errors.AccountProblem),
    ("authenticate", 462, errors.AccountProblem),
    ("authenticate", 465, errors.AccountProblem),
    ("authenticate", 400, errors.AuthError),
    ("authenticate", 500, errors.ServerError),
    ("two_factor", 400, errors.AuthError),
    ("two_factor", 412, errors.TwoFactorFailed),
    ("two_factor", 415, errors.TwoFactorFailed),
    ("authorize", 400, errors.AuthError),
    ("authorize", 401, errors.TwoFactorFailed),
    ("authorize", 406, errors.TwoFactorFailed),
    ("authorize", 429, errors.TwoFactorFailed),
]


@pytest.mark.parametrize(("step", "status", "kind"), LOGIN_CASES)
def test_login_status_codes(step, status, kind):
    error = login_error(step, status, None, {})
    assert type(error) is kind
    assert error.status_code == status
    assert error.message and "\n" not in error.message


def test_every_login_refusal_is_exit_code_3():
    for step, status, _kind in LOGIN_CASES:
        if status < 500:
            assert exit_code_for(login_error(step, status, None, {})) == 3


def test_login_messages_say_what_happened():
    assert "suspended" in login_error("authenticate", 402, None, {}).message
    assert "inactive" in login_error("authenticate", 460, None, {}).message
    assert "IP address" in login_error("authenticate", 465, None, {}).message
    assert "locked" in login_error("authorize", 429, None, {}).message
    assert "wrong" in login_error("authenticate", 401, None, {}).message


API_CASES = [
    (401, "session expired", errors.SessionExpired),
    (400, "no matching asset", errors.NoMatchingAsset),
    (404, "Image not found", errors.NoMatchingAsset),
    (400, "esn not a camera", errors.RequestRejected),
    (403, None, errors.RequestRejected),
    (405, None, errors.RequestRejected),
    (412, None, errors.RequestRejected),
    (423, None, errors.RequestRejected),
    (402, None, errors.AccountProblem),
    (460, None, errors.AccountProblem),
    (429, None, errors.RateLimited),
    (500, None, errors.ServerError),
    (502, "please try again", errors.ServerError),
    (503, None, errors.ServerError),
    (504, "proxy destination node connect timeout", errors.ServerError),
]


@pytest.mark.parametrize(("status", "message", "kind"), API_CASES)
def test_api_status_codes(status, message, kind):
    error = api_error(status, message, {})
    assert type(error) is kind
    assert error.status_code == status
    if message:
        assert message in error.message


def test_429_carries_retry_after():
    error = api_error(429, "slow down", {"Retry-After": "2.5"})
    assert error.retry_after == 2.5 and "2.5" in error.message
    assert api_error(429, None, {}).retry_after is None


def test_retry_after_forms():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("-4") == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("nan") is None
    date = email.utils.formatdate(1_000_010, usegmt=True)
    assert retry_after_seconds(date, now=1_000_000) == pytest.approx(10)


def test_server_message_from_header_or_body():
    assert server_message({"X-Ee-Server-Message": "session expired"}, b"") == "session expired"
    body = b'{"status_code": 400, "message": "no matching asset", "data": null}'
    assert server_message({}, body) == "no matching asset"
    assert server_message({}, b"<html>oops</html>") is None
    assert server_message({}, b'{"message": "a\\nb\\u001b[2J"}') == "a b [2J"


def test_image_headers_of_the_2019_recording():
    headers = image_headers({
        "Content-Type": "image/jpeg", "Content-Length": "3361",
        "X-Ee-Timestamp": "preview-20190409024212.149",
        "X-Ee-Prev": "preview-20190409024211.148", "X-Ee-Next": "unknown"})
    assert headers.timestamp == "20190409024212.149"
    assert headers.prev == "20190409024211.148"
    assert headers.next is None
    assert headers.content_type == "image/jpeg" and headers.content_length == 3361


def test_odd_image_headers():
    headers = image_headers({"Content-Length": "lots"})
    assert headers.timestamp is None and headers.content_length is None
    assert asset_timestamp("20190409024212.149") == "20190409024212.149"
    assert asset_timestamp("thumb-20190409024212.149") == "20190409024212.149"
    assert asset_timestamp("preview-") is None and asset_timestamp("  unknown ") is None


def test_exit_codes_and_one_line_messages():
    assert exit_code_for(errors.InvalidCredentials("wrong")) == 3
    assert exit_code_for(errors.SessionExpired("gone")) == 3
    assert exit_code_for(errors.NetworkError("down")) == 1
    assert exit_code_for(errors.ConfigurationError("refusing plain http:// to x")) == 2
    assert exit_code_for(errors.MissingCredentials("no EEN password: set it")) == 3
    assert exit_code_for(errors.ConfigurationError("no EEN password: set it")) == 2
    assert exit_code_for(KeyboardInterrupt()) == 130
    assert error_message(errors.ServerError("a\nb")) == "a b"
    assert "\n" not in error_message(ValueError("x\ny"))
