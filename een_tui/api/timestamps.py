"""EEN timestamps: ``YYYYMMDDhhmmss.mmm``, always UTC."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

EEN_TIMESTAMP_RE = re.compile(r"[0-9]{14}\.[0-9]{3}")  # ASCII: \d matches any script's digits
ESN_RE = re.compile(r"[0-9a-fA-F]{8}")


def is_een_timestamp(value: object) -> bool:
    """True for a well-formed ``YYYYMMDDhhmmss.mmm`` string that is a real date."""
    if not isinstance(value, str) or not EEN_TIMESTAMP_RE.fullmatch(value):
        return False
    try:
        parse_een_timestamp(value)
    except ValueError:
        return False
    return True


def is_esn(value: object) -> bool:
    """True for a valid ESN (8 hex characters)."""
    return isinstance(value, str) and bool(ESN_RE.fullmatch(value))


def format_een_timestamp(moment: datetime) -> str:
    """Format an aware or naive-UTC datetime as an EEN timestamp."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y%m%d%H%M%S.%f")[:-3]


def parse_een_timestamp(value: str) -> datetime:
    """Parse an EEN timestamp into an aware UTC datetime; ValueError when malformed."""
    if not EEN_TIMESTAMP_RE.fullmatch(value):
        raise ValueError(f"not an EEN timestamp: {value!r}")
    # The fields by position: what strptime("%Y%m%d%H%M%S") reads from 14 digits (the same
    # values, a ValueError for the same ones), without importing _strptime and its locale set-up.
    return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]),
                    int(value[10:12]), int(value[12:14]), int(value[15:18]) * 1000,
                    tzinfo=timezone.utc)


def een_timestamp_to_ms(value: str) -> int:
    """Milliseconds since the Unix epoch for an EEN timestamp."""
    moment = parse_een_timestamp(value)
    return _to_ms(moment)


def _to_ms(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def ms_to_een_timestamp(ms: int) -> str:
    """EEN timestamp for milliseconds since the Unix epoch."""
    return format_een_timestamp(datetime(1970, 1, 1) + timedelta(milliseconds=ms))
