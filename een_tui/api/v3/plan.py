"""N distinct preview frames from v3, which has no list of frames.

``recordedImage.jpeg?timestamp__lte=T`` answers the newest frame at or before ``T`` (its time in
``X-Een-Timestamp``). So the plan is a set of *asked times*, spaced a little more than the
camera's preview interval (``previewVideo.intervalMs`` from ``/settings``, 1000 ms when absent)
going back from the newest frame: each gap then holds a frame, so each asked time lands on its
own frame, and W workers can fetch them all at once (no sequential walk). Two asked times that
land on the same frame are caught by the caller on ``X-Een-Timestamp`` (a spare is taken); when
the spares run out the caller asks for more *before* the oldest asked time: one probe with
``timestamp__lt`` finds the next older frame, and then
- a dense camera gets more spaced times from that frame on;
- a sparse camera (previews only on demand or on events, or a gap far wider than the interval)
  is walked frame by frame with ``X-Een-PrevToken`` (sequential, but exact), until there are
  enough frames or none is older.
A camera with no recorded preview at all fails the plan with a message that says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from een_tui.api import errors
from een_tui.api.v3.client import V3Client
from een_tui.api.v3.responses import FrameHeaders

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 1000
MIN_INTERVAL_MS, MAX_INTERVAL_MS = 250, 16000
SPARSE_MODES = frozenset({"onDemand", "event"})
SPARSE_GAP_STEPS = 3  # a gap wider than this many steps before a frame: walk, do not guess

Call = Callable[..., Any]


@dataclass(frozen=True)
class PreviewSettings:
    """What the plan needs from ``/cameras/{id}/settings``."""

    interval_ms: int = DEFAULT_INTERVAL_MS
    transmit_mode: str | None = None

    @property
    def step_ms(self) -> int:
        """Spacing of asked times: the interval plus a quarter (jitter between frames)."""
        return self.interval_ms + self.interval_ms // 4

    @property
    def sparse(self) -> bool:
        """Previews reach the cloud only now and then (``onDemand``, ``event``)."""
        return self.transmit_mode in SPARSE_MODES


def preview_settings(body: object) -> PreviewSettings:
    """``previewVideo.intervalMs`` and ``transmitMode`` from a settings answer, wherever they
    sit (top level, ``data`` or ``settings``: the exact shape is unconfirmed). Bad or absent
    values give the defaults; the interval is clamped to 250..16000 ms."""
    for holder in _holders(body):
        preview = holder.get("previewVideo")
        if not isinstance(preview, dict):
            continue
        interval = preview.get("intervalMs")
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) \
                or interval != interval:
            interval = DEFAULT_INTERVAL_MS
        interval = int(min(max(interval, MIN_INTERVAL_MS), MAX_INTERVAL_MS))
        mode = preview.get("transmitMode", holder.get("transmitMode"))
        mode = mode if isinstance(mode, str) and len(mode) <= 40 else None
        return PreviewSettings(interval_ms=interval, transmit_mode=mode)
    return PreviewSettings()


def _holders(body: object) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    found = [body]
    for key in ("data", "settings"):
        if isinstance(body.get(key), dict):
            found.append(body[key])
    return found


def spaced_times(newest: datetime, count: int, step_ms: int) -> list[datetime]:
    """``count`` times from ``newest`` back, ``step_ms`` apart, newest first."""
    return [newest - timedelta(milliseconds=k * step_ms) for k in range(max(0, count))]


class V3Planner:
    """Plans asked times (aware UTC datetimes, newest first) for one :class:`V3Client`."""

    def __init__(self, client: V3Client, *,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.client = client
        self._now = now
        self._settings: dict[str, PreviewSettings] = {}
        self.shortfall: dict[str, str] = {}  # camera -> why it has no more frames, in words

    def settings_of(self, esn: str, call: Call | None = None) -> PreviewSettings:
        """The camera's preview settings (asked once per camera; defaults when refused)."""
        if esn not in self._settings:
            call = call or _direct
            try:
                body = call(self.client.camera_settings, esn)
            except (errors.RequestRejected, errors.ProtocolError) as exc:
                log.info("settings of %s unavailable (%s): previews every %d ms assumed",
                         esn, exc, DEFAULT_INTERVAL_MS)
                body = None
            self._settings[esn] = preview_settings(body)
        return self._settings[esn]

    def newest(self, esn: str, count: int, *, newest: datetime | None = None,
               call: Call | None = None) -> tuple[list[datetime], str]:
        """The first plan: spaced times back from ``newest`` (the live frame's time; else
        now), or, for a sparse camera, the frames walked back from the newest recorded one."""
        call = call or _direct
        settings = self.settings_of(esn, call)
        start = newest or self._now()
        if not settings.sparse:
            return spaced_times(start, count, settings.step_ms), "spaced"
        first = call(self._frame, esn, start, "timestamp__lte")
        if first is None or first.time is None:
            raise errors.PlanFailed(_no_previews(settings))
        return self._walk(esn, first, count, call), "walk"

    def before(self, esn: str, count: int, oldest: datetime, *,
               call: Call | None = None) -> tuple[list[datetime], str]:
        """More times, all older than ``oldest`` (an asked time): one probe for the next
        older frame, then spaced times from it, or a walk when previews are sparse. Empty
        when there is no older frame."""
        call = call or _direct
        settings = self.settings_of(esn, call)
        first = call(self._frame, esn, oldest, "timestamp__lt")
        if first is None or first.time is None or first.time >= oldest:
            self.shortfall[esn] = _no_previews(settings, older=True)
            return [], "none older"
        gap_ms = (oldest - first.time) / timedelta(milliseconds=1)
        if settings.sparse or gap_ms > SPARSE_GAP_STEPS * settings.step_ms:
            return self._walk(esn, first, count, call), "walk"
        return spaced_times(first.time, count, settings.step_ms), "spaced"

    def _frame(self, esn: str, at: datetime, side: str) -> FrameHeaders | None:
        """The headers of the frame on ``side`` of ``at`` (body not read); None: none."""
        try:
            with self.client.open_recorded_image(esn, at=at, side=side) as (headers, _body):
                return headers
        except errors.NoMatchingAsset:
            return None

    def _step(self, token: str) -> FrameHeaders | None:
        try:
            with self.client.open_recorded_image("", page_token=token) as (headers, _body):
                return headers
        except errors.NoMatchingAsset:
            return None

    def _walk(self, esn: str, first: FrameHeaders, count: int, call: Call) -> list[datetime]:
        """Exact frame times from ``first`` back along ``X-Een-PrevToken`` (sequential)."""
        assert first.time is not None
        times = [first.time]
        token, seen = first.prev_token, set()
        while len(times) < count and token and token not in seen:
            seen.add(token)
            headers = call(self._step, token)
            if headers is None or headers.time is None or headers.time >= times[-1]:
                break  # no older frame, or a server that does not move back
            times.append(headers.time)
            token = headers.prev_token
        if len(times) < count:
            log.info("camera %s: only %d recorded previews found walking back", esn, len(times))
        return times


def _direct(step: Callable[..., Any], *args: Any) -> Any:
    return step(*args)


def _no_previews(settings: PreviewSettings, *, older: bool = False) -> str:
    why = ""
    if settings.transmit_mode == "onDemand":
        why = " (it sends previews only while someone watches it in EEN)"
    elif settings.transmit_mode == "event":
        why = " (it sends previews only on events)"
    what = "no older recorded preview images" if older else "no recorded preview images"
    return f"the camera has {what}{why}"
