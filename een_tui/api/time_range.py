"""A period of preview frames, whatever the API version: :class:`TimeRange`, and the
:class:`RangeCursor` a backend returns to page through the frames in it.

A range is closed at both ends: a frame taken exactly at ``start`` or exactly at ``end`` is in
it. ``every`` thins it: the first frame at or after ``start`` is kept, then each next frame at
least ``every`` after the last one kept (:func:`thin`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from een_tui.api.errors import NoMatchingAsset
from een_tui.api.timestamps import format_een_timestamp, parse_een_timestamp

__all__ = ["NoFrameLeft", "RangeCursor", "RangePlanner", "Thinner", "TimeRange", "thin"]

PageCall = Callable[..., Any]
"""``call(step)``: runs one listing request, possibly with retries."""


@dataclass(frozen=True)
class TimeRange:
    """Frames from ``start`` to ``end`` (aware datetimes, both included), thinned to one per
    ``every`` when given."""

    start: datetime
    end: datetime
    every: timedelta | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a time range needs aware datetimes")
        if self.end < self.start:
            raise ValueError("the range ends before it starts")
        if self.every is not None and self.every <= timedelta(0):
            raise ValueError("--every must be more than zero")

    @property
    def start_wire(self) -> str:
        """``start`` as an EEN v1 timestamp (UTC)."""
        return format_een_timestamp(self.start.astimezone(timezone.utc))

    @property
    def end_wire(self) -> str:
        """``end`` as an EEN v1 timestamp (UTC)."""
        return format_een_timestamp(self.end.astimezone(timezone.utc))

    def contains(self, stamp: str) -> bool:
        """True when the v1 timestamp ``stamp`` is in the range (ends included)."""
        return self.start_wire <= stamp <= self.end_wire  # the format sorts in time order

    def describe(self) -> str:
        """``2026-12-01 09:00:00 .. 2026-12-01 09:05:00 UTC, every 0:00:10`` for messages."""
        fmt = "%Y-%m-%d %H:%M:%S"
        start = self.start.astimezone(timezone.utc).strftime(fmt)
        end = self.end.astimezone(timezone.utc).strftime(fmt)
        every = f", one frame every {self.every.total_seconds():g} s" if self.every else ""
        return f"{start} .. {end} UTC{every}"


class Thinner:
    """Applies ``every`` to frames seen oldest first, across pages: keeps the first, then each
    at least ``every`` after the last one kept (all of them when ``every`` is None)."""

    def __init__(self, every: timedelta | None) -> None:
        self.every = every
        self._last: datetime | None = None

    def keep(self, stamp: str) -> bool:
        """True when ``stamp`` is kept (it then becomes the last one kept)."""
        if self.every is None:
            return True
        at = parse_een_timestamp(stamp)
        if self._last is not None and at - self._last < self.every:
            return False
        self._last = at
        return True


def thin(stamps: Iterable[str], every: timedelta | None) -> Iterator[str]:
    """``stamps`` (oldest first) thinned by :class:`Thinner`."""
    thinner = Thinner(every)
    return (stamp for stamp in stamps if thinner.keep(stamp))


class RangeCursor(Protocol):
    """Pages through the frames of one camera in a :class:`TimeRange`, oldest first, one
    listing request per page; only one page is held at a time."""

    @property
    def done(self) -> bool:
        """True once the range has no more pages."""
        ...

    def next_page(self, call: PageCall | None = None) -> list[str]:
        """The next timestamps (oldest first, thinned, distinct); ``[]`` once done. After an
        error, calling again retries the same page."""
        ...

    # Optional (v3): ``ready`` (False: no page now, wait for a job to end), ``prepare(on_disk,
    # wanted)`` (frames saved already, how many are taken) and ``open_image(esn, job)`` (the
    # cursor opens its own jobs; one may raise :class:`NoFrameLeft`).


class NoFrameLeft(NoMatchingAsset):
    """A range job found nothing left to fetch (a cursor that opens its own jobs, such as
    v3's walks, hands out one job too many at the end): not a failure of the run."""


class RangePlanner(Protocol):
    """A backend that can page through a range (v1 :class:`~een_tui.api.v1_backend.V1Backend`;
    a backend without ``plan_range`` cannot download ranges yet)."""

    def plan_range(self, esn: str, time_range: TimeRange) -> RangeCursor:
        """The frames of ``esn`` in ``time_range``, oldest first, a page at a time."""
        ...
