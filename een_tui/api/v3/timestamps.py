"""v3 wire timestamps: ISO 8601 with milliseconds, sent with ``+00:00``, read with it or ``Z``."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})"
)


def format_v3_timestamp(moment: datetime) -> str:
    """``2024-03-15T07:59:22.946+00:00`` (UTC, milliseconds); a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_v3_timestamp(text: object) -> datetime:
    """An aware UTC datetime from a v3 timestamp (``Z`` or ``±hh:mm``); ValueError otherwise."""
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError("not a v3 timestamp")
    match = _ISO_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a v3 timestamp: {text[:40]!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or "0")[:6].ljust(6, "0")
    zone = match.group(8)
    offset = timedelta(0)
    if zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise ValueError(f"bad UTC offset in {text[:40]!r}")
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    moment = datetime(year, month, day, hour, minute, second, int(fraction),
                      tzinfo=timezone(offset))
    return moment.astimezone(timezone.utc)


def to_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch (floor)."""
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def from_ms(ms: int) -> datetime:
    """The aware UTC datetime of ``ms`` milliseconds since the Unix epoch."""
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)
