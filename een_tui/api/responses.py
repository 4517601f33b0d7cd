"""Reading EEN answers: the JSON error body, status codes to typed errors, image headers."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

from een_tui.api import errors
from een_tui.api.bounds import MAX_ERROR_BODY
from een_tui.api.text import clean_text

MAX_HEADER_CHARS = 200  # a header quoted in a message or shown

# Login calls (docs/een-api-v1.md §1): status -> (error class, message).
ACCOUNT_PROBLEMS = {
    402: "the EEN account is suspended",
    460: "the EEN account is inactive",
    461: "the EEN account is pending (not activated yet)",
    462: "the EEN user is pending (not activated yet)",
    465: "EEN refuses logins from this IP address",
}


@dataclass(frozen=True)
class ImageHeaders:
    """What an image answer's headers say (``X-Ee-*`` with the ``preview-`` prefix removed)."""

    timestamp: str | None  # X-Ee-Timestamp, e.g. "20190409024212.149"; None when absent/unknown
    prev: str | None  # X-Ee-Prev, None for "unknown"
    next: str | None  # X-Ee-Next, None for "unknown"
    content_type: str | None
    content_length: int | None


def asset_timestamp(value: str | None) -> str | None:
    """``preview-20190409024212.149`` -> ``20190409024212.149``; ``unknown``/empty -> None."""
    if value is None:
        return None
    value = value.strip()
    if "-" in value:
        value = value.rsplit("-", 1)[1]
    if not value or value.lower() == "unknown":
        return None
    return value


def image_headers(headers: Mapping[str, str]) -> ImageHeaders:
    """Parse the ``X-Ee-*`` and content headers of an image answer."""
    return ImageHeaders(
        timestamp=asset_timestamp(headers.get("X-Ee-Timestamp")),
        prev=asset_timestamp(headers.get("X-Ee-Prev")),
        next=asset_timestamp(headers.get("X-Ee-Next")),
        content_type=header_text(headers.get("Content-Type")),
        content_length=content_length(headers),
    )


def content_length(headers: Mapping[str, str]) -> int | None:
    """``Content-Length`` as a count of bytes; None when absent, malformed or negative."""
    try:
        length = int(headers["Content-Length"])
    except (KeyError, ValueError):
        return None
    return length if length >= 0 else None


def server_message(headers: Mapping[str, str], body: bytes) -> str | None:
    """The server's words: ``X-Ee-Server-Message``, else the JSON body's ``message``."""
    message = headers.get("X-Ee-Server-Message")
    if message:
        return _one_line(message)
    data = error_json(body)
    if isinstance(data.get("message"), str) and data["message"]:
        return _one_line(data["message"])
    return None


def error_json(body: bytes) -> dict:
    """The JSON object of an error body (its first ``MAX_ERROR_BODY`` bytes); empty when the
    body is empty, not JSON or not an object."""
    try:
        data = json.loads(body[:MAX_ERROR_BODY].decode("utf-8", "replace")) if body else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None:
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds == float("inf"):  # NaN / inf
        return None
    return max(0.0, seconds)


def api_error(status: int, message: str | None, headers: Mapping[str, str]) -> errors.EenError:
    """The typed error for a failed API (non-login) call."""
    said = f": {message}" if message else ""
    if status == 401:
        return errors.SessionExpired(f"the EEN session is not valid (401{said})", status_code=401)
    if status == 429:
        wait = retry_after_seconds(headers.get("Retry-After"))
        hint = f"; retry after {wait:g} s" if wait is not None else ""
        return errors.RateLimited(f"EEN says too many requests (429{said}){hint}", retry_after=wait)
    if status >= 500:
        return errors.ServerError(f"EEN server error ({status}{said})", status_code=status)
    if status in ACCOUNT_PROBLEMS:
        return errors.AccountProblem(f"{ACCOUNT_PROBLEMS[status]} ({status})", status_code=status)
    lowered = (message or "").lower()
    if (status == 400 and "no matching asset" in lowered) or status == 404:
        return errors.NoMatchingAsset(f"no such image ({status}{said})", status_code=status)
    names = {400: "bad request", 403: "missing privileges", 405: "method not allowed",
             412: "precondition failed", 423: "locked"}
    what = names.get(status, "request refused")
    return errors.RequestRejected(f"EEN refused the request ({status} {what}{said})",
                                  status_code=status)


def login_error(step: str, status: int, message: str | None,
                headers: Mapping[str, str]) -> errors.EenError:
    """The typed error of a failed login step (``authenticate``, ``two_factor``, ``authorize``)."""
    said = f": {message}" if message else ""
    if status == 429 and step == "authorize":
        return errors.TwoFactorFailed(
            "the EEN account is locked after too many wrong two-factor codes "
            "(only EEN support can unlock it) (429)", status_code=429)
    if status == 429:
        return api_error(status, message, headers)
    if status >= 500:
        return errors.ServerError(f"EEN login server error ({status}{said})", status_code=status)
    if status in ACCOUNT_PROBLEMS:
        return errors.AccountProblem(f"{ACCOUNT_PROBLEMS[status]} ({status})", status_code=status)
    if status == 412:
        if step == "two_factor":
            return errors.TwoFactorFailed(f"EEN cannot send the two-factor code (412{said})",
                                          status_code=412)
        return errors.AccountProblem(
            "the EEN user is disabled or locked after too many two-factor tries (412)",
            status_code=412)
    if step == "authenticate" and status == 401:
        return errors.InvalidCredentials("wrong EEN user name or password (401)", status_code=401)
    if step == "two_factor" and status == 415:
        return errors.TwoFactorFailed("EEN does not support that two-factor delivery (415)",
                                      status_code=415)
    if step == "authorize" and status == 406:
        return errors.TwoFactorFailed("wrong two-factor code (406)", status_code=406)
    if step == "authorize" and status == 401:
        return errors.TwoFactorFailed(
            f"the login token or two-factor code is missing, invalid or expired (401{said})",
            status_code=401)
    return errors.AuthError(f"EEN login failed at {step} ({status}{said})", status_code=status)


def _one_line(text: str) -> str:
    return clean_text(text, 300, squeeze=True)


def header_text(value: str | None) -> str | None:
    """A header's value cleaned for display (one line, at most ``MAX_HEADER_CHARS``)."""
    return None if value is None else clean_text(value, MAX_HEADER_CHARS, squeeze=True)


def two_factor_destinations(value: object) -> dict[str, str] | None:
    """The ``two_factor_authentication_code`` of an authenticate answer as ``{method: where}``,
    every text cleaned (it is shown at a prompt); None when there is none."""
    if value is None:
        return None
    if not isinstance(value, dict):
        value = {"sms": value}
    cleaned = {clean_text(k, 20, squeeze=True): clean_text(v, 100, squeeze=True)
               for k, v in value.items() if isinstance(v, str | int | float)}
    return cleaned or None
