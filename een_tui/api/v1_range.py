"""v1: the frames of one camera in a :class:`~een_tui.api.time_range.TimeRange`, a page at a
time from ``/asset/list/image`` with ``start_timestamp`` and a positive ``count`` (the entries
at or after the start, oldest first), the cursor moving past the newest entry of each page.

Only one page is held at a time, so a day of one-a-second previews is never listed at once; the
first page comes after one request. Entries outside the range, malformed or not newer than the
cursor (a server repeating itself) are dropped; a page that brings nothing new ends the range.
"""

from __future__ import annotations

import logging
from typing import Protocol

from een_tui.api.time_range import PageCall, Thinner, TimeRange
from een_tui.api.timestamps import een_timestamp_to_ms, ms_to_een_timestamp

__all__ = ["DEFAULT_PAGE", "V1RangeCursor"]

log = logging.getLogger(__name__)

DEFAULT_PAGE = 200  # entries per listing request


class TimestampLister(Protocol):
    """The part of the v1 client the cursor uses."""

    def list_image_timestamps(self, esn: str, *, count: int, start: str = "now") -> list[str]: ...


class V1RangeCursor:
    """Pages through ``esn``'s frames in ``time_range``, oldest first (see the module)."""

    def __init__(self, lister: TimestampLister, esn: str, time_range: TimeRange,
                 page: int = DEFAULT_PAGE) -> None:
        if page < 1:
            raise ValueError("a page holds at least one entry")
        self._lister = lister
        self.esn = esn
        self.range = time_range
        self.page = page
        self._cursor = time_range.start_wire  # the next page starts here (included)
        self._end = time_range.end_wire
        self._thinner = Thinner(time_range.every)
        self.done = False
        self.requests = 0

    def next_page(self, call: PageCall | None = None) -> list[str]:
        """The next frames in the range (oldest first, thinned); ``[]`` once done."""
        while not self.done:
            def step() -> list[str]:
                return self._lister.list_image_timestamps(self.esn, count=self.page,
                                                          start=self._cursor)
            self.requests += 1
            raw = call(step) if call is not None else step()
            fresh = sorted(s for s in set(raw) if self._cursor <= s <= self._end)
            if not fresh or len(raw) < self.page or max(raw) >= self._end:
                self.done = True  # the server had no more, or the range's end is reached
            if fresh:
                self._cursor = ms_to_een_timestamp(een_timestamp_to_ms(fresh[-1]) + 1)
                kept = [s for s in fresh if self._thinner.keep(s)]
                if kept:
                    return kept
        return []
