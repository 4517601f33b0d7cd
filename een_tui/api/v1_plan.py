"""v1: which preview timestamps to fetch: the N most recent, distinct, newest first.

First choice is ``/asset/list/image`` with a negative ``count``; when listing fails, walk back
from ``now`` along ``X-Ee-Prev`` (docs/een-api-v1.md). Everything the server says is validated:
a malformed or hostile timestamp is dropped here and never reaches a path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from een_tui.api.backend import PreviewPlan
from een_tui.api.errors import AuthError, EenError, PlanFailed, RateLimitTooLong
from een_tui.api.responses import ImageHeaders
from een_tui.api.timestamps import is_een_timestamp

log = logging.getLogger(__name__)

__all__ = ["PlanFailed", "PreviewPlan", "PreviewSource", "build_plan", "clean_timestamps",
           "plan_by_listing", "plan_by_walking"]


class PreviewSource(Protocol):
    """The part of :class:`een_tui.api.client.EenClient` the v1 planner uses."""

    def list_image_timestamps(self, esn: str, *, count: int, start: str = "now") -> list[str]: ...

    def open_image(
        self, esn: str, timestamp: str
    ) -> AbstractContextManager[tuple[ImageHeaders, Iterator[bytes]]]: ...


Retry = Callable[..., tuple[str | None, str | None]]
"""``call(step, cursor)``: runs one walk step, possibly with retries."""


def _valid(value: object) -> str | None:
    return value if isinstance(value, str) and is_een_timestamp(value) else None


def clean_timestamps(raw: Iterable[object], *, exclude: Iterable[str] = ()) -> list[str]:
    """Valid EEN timestamps from ``raw``: deduplicated, newest first, ``exclude`` removed."""
    seen = set(exclude)
    kept = []
    dropped = 0
    for value in raw:
        stamp = _valid(value)
        if stamp is None:
            dropped += 1
            continue
        if stamp not in seen:
            seen.add(stamp)
            kept.append(stamp)
    if dropped:
        log.warning("dropped %d malformed timestamps from the server", dropped)
    kept.sort(reverse=True)  # the format sorts lexically in time order
    return kept


def plan_by_listing(
    source: PreviewSource, esn: str, total: int, *, start: str = "now", exclude: Iterable[str] = ()
) -> list[str]:
    """The ``total`` timestamps before ``start`` from ``/asset/list/image`` (count = -total)."""
    raw = source.list_image_timestamps(esn, count=-total, start=start)
    return clean_timestamps(raw, exclude=exclude)[:total]


def plan_by_walking(
    source: PreviewSource, esn: str, total: int, *, call: Retry | None = None
) -> list[str]:
    """Walk back from ``now`` along ``X-Ee-Prev`` (one request per step, body not read).
    ``call(step, cursor)`` runs each step, e.g. with retries; default: directly."""
    call = call or (lambda step, cursor: step(cursor))

    def step(cursor: str) -> tuple[str | None, str | None]:
        with source.open_image(esn, cursor) as (headers, _chunks):
            return headers.timestamp, headers.prev

    found: list[str] = []
    cursor = "now"
    for _ in range(total + 1):
        current, previous = call(step, cursor)
        for value in ((current,) if cursor == "now" else ()) + (previous,):
            stamp = _valid(value)
            if stamp is not None and stamp not in found:
                found.append(stamp)
        if len(found) >= total or previous is None:
            break
        cursor = _valid(previous)
        if cursor is None:
            break
    return clean_timestamps(found)[:total]


def build_plan(
    source: PreviewSource, esn: str, total: int, *, call: Retry | None = None
) -> PreviewPlan:
    """Plan ``total`` timestamps: listing first, ``X-Ee-Prev`` walk when listing fails
    (each walk step through ``call``, which may retry it)."""
    try:
        stamps = plan_by_listing(source, esn, total)
        if stamps:
            return PreviewPlan(esn=esn, timestamps=tuple(stamps), source="list")
        list_error = "the list was empty"
    except (AuthError, RateLimitTooLong):
        raise
    except EenError as exc:
        list_error = str(exc)
    log.info("listing previews of %s failed (%s); walking X-Ee-Prev", esn, list_error)
    try:
        stamps = plan_by_walking(source, esn, total, call=call)
    except (AuthError, RateLimitTooLong):
        raise
    except EenError as exc:
        raise PlanFailed(f"previews cannot be listed ({list_error}) nor walked ({exc})") from exc
    if not stamps:
        raise PlanFailed(f"previews cannot be listed ({list_error}) nor walked (no timestamps)")
    return PreviewPlan(esn=esn, timestamps=tuple(stamps), source="walk")
