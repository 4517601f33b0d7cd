"""v3 query checking (unknown arguments refused), paging with clamped sizes, ISO timestamps."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TypeVar

from een_tui.emulator.calls import Abort, Call
from een_tui.emulator.v3_replies import bad_argument

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
                  r"(Z|[+-]\d{2}:\d{2})")


def query(call: Call, allowed: set[str], required: Sequence[str] = ()) -> dict[str, str]:
    """The query arguments; 400 for an unknown, repeated or missing required one."""
    args = call.request.args
    for key in args:
        if key not in allowed:
            raise Abort(bad_argument(call.path, f"Unexpected argument: {key}",
                                     "unexpectedArgument"))
        if len(args.getlist(key)) > 1:
            raise Abort(bad_argument(call.path, f"Argument given more than once: {key}"))
    for key in required:
        if not args.get(key):
            raise Abort(bad_argument(call.path, f"Missing required argument: {key}",
                                     "missingRequiredArgument"))
    return {key: args[key] for key in args}


def csv(value: str | None) -> list[str]:
    """A comma-separated list argument (empty items dropped)."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def page(call: Call, items: list[T], args: dict[str, str], max_size: int) -> tuple[list[T], str]:
    """One page of ``items`` and the next page token (``""`` at the end).

    ``pageSize`` is clamped to ``1..max_size`` (a bad value gets the default, clamped), never
    refused; a page token that is not one of ours is a 400.
    """
    try:
        size = int(args.get("pageSize", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = max(1, min(size, max(1, max_size)))
    offset = _offset(call, args.get("pageToken", ""))
    chunk = items[offset:offset + size]
    after = offset + size
    return chunk, (_token(after) if after < len(items) else "")


def prev_token(args: dict[str, str], max_size: int) -> str:
    """The token of the page before the current one (``""`` on the first page)."""
    token = args.get("pageToken", "")
    if not token:
        return ""
    offset = _decode_offset(token) or 0
    try:
        size = int(args.get("pageSize", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    size = max(1, min(size, max(1, max_size)))
    return _token(max(0, offset - size)) if offset > 0 else ""


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"page:{offset}".encode()).decode().rstrip("=")


def _decode_offset(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, _, number = text.partition(":")
    return int(number) if kind == "page" and number.isdigit() else None


def _offset(call: Call, token: str) -> int:
    if not token:
        return 0
    offset = _decode_offset(token)
    if offset is None:
        raise Abort(bad_argument(call.path, "Invalid pageToken"))
    return offset


def parse_iso_ms(value: str) -> int | None:
    """Milliseconds for ``YYYY-MM-DDTHH:MM:SS[.sss](Z|±hh:mm)``; None when malformed."""
    match = _ISO.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          int((fraction or "0").ljust(6, "0")), tzinfo=timezone.utc)
    except ValueError:
        return None
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    delta = moment - _EPOCH
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def format_iso_ms(ms: int) -> str:
    """``2024-03-15T07:59:22.946+00:00`` for milliseconds since the epoch."""
    moment = _EPOCH + timedelta(milliseconds=ms)
    return moment.isoformat(timespec="milliseconds")
