"""Reading v3 answers: the ``{"code","status","message","details"}`` error body mapped to the
typed errors v1 uses, and the ``X-Een-*`` image headers. All of it is hostile until checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from een_tui.api import errors
from een_tui.api.responses import content_length, error_json, header_text, retry_after_seconds
from een_tui.api.text import clean_text
from een_tui.api.v3.timestamps import parse_v3_timestamp

MAX_TOKEN_LENGTH = 4096


class DeviceUnavailable(errors.ServerError):
    """503 on a media call (``deviceUnavailable``): the camera cannot give an image now."""


@dataclass(frozen=True)
class V3Problem:
    """The useful part of a v3 error body; every field None when absent or malformed."""

    status: str | None  # e.g. "unauthenticated", "tooManyRequests"
    message: str | None
    reason: str | None  # details[0].reason, e.g. "deviceUnavailable", "resourceNotFound"


def read_problem(body: bytes) -> V3Problem:
    """Parse a v3 (or OAuth ``{"error","error_description"}``) error body, tolerantly."""
    data = error_json(body)
    reason = None
    details = data.get("details")
    if isinstance(details, list):
        for detail in details:
            if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
                reason = _one_line(detail["reason"], 80)
                break
    status = data.get("status") if isinstance(data.get("status"), str) else data.get("error")
    message = data.get("message")
    if not isinstance(message, str):
        message = data.get("error_description")
    return V3Problem(
        status=_one_line(status, 80) if isinstance(status, str) else None,
        message=_one_line(message, 300) if isinstance(message, str) else None,
        reason=reason,
    )


def v3_error(status: int, body: bytes, headers: Mapping[str, str], *,
             media: bool = False) -> errors.EenError:
    """The typed error for a failed v3 API call (``media``: an image endpoint)."""
    problem = read_problem(body)
    said = f": {problem.message}" if problem.message else ""
    if status == 401:
        return errors.SessionExpired(f"the EEN access token is not valid (401{said})",
                                     status_code=401)
    if status == 429:
        wait = retry_after_seconds(headers.get("Retry-After"))
        hint = f"; retry after {wait:g} s" if wait is not None else ""
        return errors.RateLimited(f"EEN says too many requests (429{said}){hint}",
                                  retry_after=wait)
    if status == 503 and media:
        return DeviceUnavailable(f"the camera cannot give an image now (503{said})",
                                 status_code=503)
    if status >= 500:
        return errors.ServerError(f"EEN server error ({status}{said})", status_code=status)
    if status == 404 and media:
        return errors.NoMatchingAsset(f"no such image (404{said})", status_code=404)
    names = {400: "bad request", 403: "permission denied", 404: "not found",
             405: "method not allowed"}
    what = names.get(status, "request refused")
    return errors.RequestRejected(f"EEN refused the request ({status} {what}{said})",
                                  status_code=status)


@dataclass(frozen=True)
class FrameHeaders:
    """What a v3 image answer's headers say. ``time`` None when ``X-Een-Timestamp`` is absent
    or malformed; tokens None when absent or unusable."""

    time: datetime | None
    wire_time: str | None
    prev_token: str | None
    next_token: str | None
    content_type: str | None
    content_length: int | None


def frame_headers(headers: Mapping[str, str]) -> FrameHeaders:
    """Parse ``X-Een-Timestamp``/``X-Een-PrevToken``/``X-Een-NextToken`` and content headers."""
    wire = headers.get("X-Een-Timestamp")
    moment = None
    if wire is not None:
        wire = wire.strip()
        try:
            moment = parse_v3_timestamp(wire)
        except ValueError:
            moment, wire = None, None
    return FrameHeaders(
        time=moment, wire_time=wire,
        prev_token=_token(headers.get("X-Een-PrevToken")),
        next_token=_token(headers.get("X-Een-NextToken")),
        content_type=header_text(headers.get("Content-Type")),
        content_length=content_length(headers),
    )


def _token(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_TOKEN_LENGTH or not value.isprintable():
        return None
    return value


def _one_line(text: str, limit: int) -> str:
    return clean_text(text, limit, squeeze=True)
