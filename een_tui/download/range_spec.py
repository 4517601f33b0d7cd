"""The time range a person asks for (``--since``, ``--start``, ``--end``, ``--length``,
``--every``, ``--utc``), parsed and checked before anything touches the network, and resolved
into a :class:`~een_tui.api.time_range.TimeRange` once the camera (its time zone) is known.

Times without an offset are in the camera's time zone (UTC with ``--utc``, or when the camera
has no known zone); ``2026-12-01T09:00+01:00`` or ``...Z`` carry their own. A range that ends
in the future ends now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from een_tui.api.time_range import TimeRange

__all__ = ["RangeError", "RangeSpec", "camera_zone", "parse_duration", "parse_moment"]

_UNITS = {"ms": timedelta(milliseconds=1), "s": timedelta(seconds=1),
          "m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
MAX_SPAN = timedelta(days=3660)  # a sanity bound, not an API limit


class RangeError(ValueError):
    """A range option that does not parse or does not fit with the others (a usage error)."""


def parse_duration(text: str) -> timedelta:
    """``10s``, ``5m``, ``2h``, ``1d``, ``1h30m``, ``500ms``; RangeError otherwise."""
    cleaned = text.strip().lower()
    if not cleaned:
        raise RangeError("an empty duration")
    pos, total = 0, timedelta(0)
    for match in _PART.finditer(cleaned):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(cleaned):
        hint = " (give a unit: 10s, 5m, 2h, 1d)" if cleaned.replace(".", "").isdigit() else ""
        raise RangeError(f"{text!r} is not a duration like 10s, 5m, 1h30m{hint}")
    if total <= timedelta(0):
        raise RangeError(f"the duration {text!r} is zero")
    if total > MAX_SPAN:
        raise RangeError(f"the duration {text!r} is more than ten years")
    return total


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date and time (``2026-12-01T09:00``, ``2026-12-01 09:00:30``,
    ``2026-12-01``, with ``Z`` or ``+01:00`` optional); naive when it carries no offset."""
    cleaned = text.strip()
    if cleaned[-1:] in ("Z", "z"):
        cleaned = cleaned[:-1] + "+00:00"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                        r"([+-]\d{2}:?\d{2})?)?", cleaned):
        raise RangeError(f"{text!r} is not a date and time like 2026-12-01T09:00 "
                         "(optionally with seconds and an offset such as +01:00 or Z)")
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise RangeError(f"{text!r} is not a valid date and time: {exc}") from None


def camera_zone(name: str | None) -> tzinfo | None:
    """The IANA zone a camera reports (``US/Central``); None when missing or unknown."""
    if not name or not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class RangeSpec:
    """The range options as given; :meth:`resolve` makes a :class:`TimeRange` of them."""

    since: timedelta | None = None
    start: datetime | None = None  # naive: in the camera's zone
    end: datetime | None = None
    length: timedelta | None = None
    every: timedelta | None = None
    utc: bool = False

    @classmethod
    def parse(cls, *, since: str | None = None, start: str | None = None,
              end: str | None = None, length: str | None = None, every: str | None = None,
              utc: bool = False) -> RangeSpec | None:
        """The spec of these options (None when no range option was given); RangeError when
        one does not parse or they do not fit together."""
        if since is None and start is None and end is None and length is None:
            if every is not None:
                raise RangeError("--every needs a range: --since, or --start with --end or "
                                 "--length")
            if utc:
                raise RangeError("--utc needs a range: --start, --end")
            return None
        if since is not None and (start is not None or end is not None or length is not None):
            raise RangeError("--since cannot be combined with --start, --end or --length")
        if start is not None and end is not None and length is not None:
            raise RangeError("give two of --start, --end and --length, not all three")
        if start is None and end is not None and length is None:
            raise RangeError("--end needs --start or --length")
        spec = cls(
            since=parse_duration(since) if since is not None else None,
            start=parse_moment(start) if start is not None else None,
            end=parse_moment(end) if end is not None else None,
            length=parse_duration(length) if length is not None else None,
            every=parse_duration(every) if every is not None else None,
            utc=utc,
        )
        if spec.start is not None and spec.end is not None:
            zone = timezone.utc  # only the order matters here: same zone for naive ones
            if _aware(spec.end, zone) < _aware(spec.start, zone):
                raise RangeError("--end is before --start")
        return spec

    def resolve(self, zone: tzinfo | None, now: datetime) -> TimeRange:
        """The range for a camera in ``zone`` (None: UTC) at ``now`` (aware); RangeError when
        it starts in the future."""
        zone = timezone.utc if self.utc or zone is None else zone
        if self.since is not None:
            start, end = now - self.since, now
        elif self.start is not None:
            start = _aware(self.start, zone)
            if self.end is not None:
                end = _aware(self.end, zone)
            elif self.length is not None:
                end = start + self.length
            else:
                end = now
        else:  # --length alone, or --end with --length
            assert self.length is not None
            end = _aware(self.end, zone) if self.end is not None else now
            start = end - self.length
        if start > now:
            raise RangeError(f"the range starts in the future ({start.isoformat()})")
        try:
            return TimeRange(start=start, end=min(end, now), every=self.every)
        except ValueError as exc:
            raise RangeError(str(exc)) from None


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` in ``zone`` when naive (a wall-clock time there), as given otherwise."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
