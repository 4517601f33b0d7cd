"""v3: the frames of one camera in a :class:`~een_tui.api.time_range.TimeRange`, with W requests
in flight, although v3 lists no frames (docs/een-api-v3.md §5, §7).

``recordedImage.jpeg?timestamp__gte=T`` answers the first frame at or after ``T``: a walk from
``start`` asking ``__gte`` = (last frame + 1 ms) meets every frame once, in order, and each step
*is* the download of the frame it finds. One walk is sequential, so the range is cut into
*slices* (about two per worker, each a few preview intervals long at least, the interval from
``/cameras/{id}/settings``) and each slice is walked on its own; slices do not overlap, so every
frame is met by exactly one walk. When the caller takes only the first N frames, the range is
cut a window of about N frames at a time. An answer with frame F for ``__gte=T`` also says no
frame lies in ``[T, F)``: every slice waiting there skips to F (or ends) without a request.

The download layer sees a job per walk step: :meth:`V3RangeCursor.next_page` names a job for
each idle slice (``>=`` + the asked time; never a file name), and the lane opens it with
:meth:`V3RangeCursor.open_image` instead of the backend's. That call asks, checks the frame's
``X-Een-Timestamp`` and streams it, after skipping (headers only, body not read) frames
already on disk (reported back as found, so a re-run fetches only the missing ones) or past
the slice's end (the slice is done). A step whose slice is done takes over the back half of
the walking slice with the most left (so W walks stay busy till the end), and a step that
finds no work at all raises :class:`RangeStepEmpty` (not a failure). A download that fails
after its frame was handed out rewinds the slice, so the job's retry fetches that frame.

``every``: one frame at or after each tick ``start + k*every`` (the first frame at or after
``start`` always); after a frame the walk asks ``__gte`` = the next tick after it, so a tick
that would find the same frame again is not asked.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from een_tui.api import errors
from een_tui.api.responses import ImageHeaders
from een_tui.api.time_range import NoFrameLeft, PageCall, TimeRange
from een_tui.api.timestamps import een_timestamp_to_ms, format_een_timestamp
from een_tui.api.v3.client import V3Client
from een_tui.api.v3.plan import PreviewSettings
from een_tui.api.v3.responses import FrameHeaders

__all__ = ["JOB_PREFIX", "RangeStepEmpty", "V3RangeCursor"]

log = logging.getLogger(__name__)

JOB_PREFIX = ">="  # a job names its asked time, never a frame: no file is ever called that
SLICES_PER_WORKER = 2
MIN_STEPS_PER_SLICE = 4  # a slice (and each half of a split) holds at least this many steps
MAX_SLICE_FAILURES = 12  # failed steps in a row before a slice is given up
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

SettingsOf = Callable[[PageCall | None], PreviewSettings]


class RangeStepEmpty(NoFrameLeft):
    """A walk step found nothing left to fetch (its slice is done, no slice can be split):
    not a failure of the run."""


@dataclass
class _Slice:
    """One walk: the next asked time and the last millisecond of its part of the range."""

    ask: int
    end: int
    busy: bool = False  # a job for it is queued or running
    walking: bool = False  # it found a frame of its own: frames are dense here, worth a split
    failures: int = 0

    @property
    def done(self) -> bool:
        return self.ask > self.end


class V3RangeCursor:
    """Pages through ``esn``'s frames in ``time_range`` as walk jobs (see the module); a
    :class:`~een_tui.api.time_range.RangeCursor` whose jobs open with :meth:`open_image`."""

    def __init__(self, client: V3Client, esn: str, time_range: TimeRange, *,
                 settings: SettingsOf, workers: int) -> None:
        self._client = client
        self.esn = esn
        self.range = time_range
        self._settings = settings
        self.workers = max(1, workers)
        self.start_ms = een_timestamp_to_ms(time_range.start_wire)
        self.end_ms = een_timestamp_to_ms(time_range.end_wire)
        self.every_ms = (max(1, int(time_range.every / timedelta(milliseconds=1)))
                         if time_range.every is not None else None)
        self._slices: list[_Slice] = []
        self._step_ms: int | None = None  # from the settings, at the first page
        self._rest = self.start_ms  # the part of the range not cut into slices yet starts here
        self.wanted: int | None = None  # frames the caller takes (None: all of them)
        self._jobs: dict[str, _Slice] = {}
        self._taken: set[str] = set()  # frames handed out (or found on disk) by this cursor
        self._on_disk: frozenset[str] = frozenset()
        self._found_on_disk: list[str] = []
        self.min_span_ms = 1
        self.requests = 0  # recordedImage requests made (all of them image answers)

    # ------------------------------------------------------------------ cursor

    def prepare(self, on_disk: set[str] | frozenset[str], wanted: int | None) -> None:
        """Before the first page: the frames already saved (v1 timestamps; walked past
        without reading them, and returned by :meth:`next_page` so the caller counts them as
        saved), and how many frames the caller takes (None: all; else the first ``wanted``,
        walked a window of about that many frames at a time)."""
        self._on_disk = frozenset(on_disk)
        self.wanted = wanted

    @property
    def _walking(self) -> bool:
        return any(s.busy or not s.done for s in self._slices)

    @property
    def _more_to_cut(self) -> bool:
        return self._rest <= self.end_ms and (self.wanted is None
                                              or len(self._taken) < self.wanted)

    @property
    def ready(self) -> bool:
        """True when :meth:`next_page` has something to give now (else wait for a job)."""
        return (self._step_ms is None or bool(self._found_on_disk)
                or any(not s.busy and not s.done for s in self._slices)
                or (not self._walking and self._more_to_cut))

    @property
    def done(self) -> bool:
        """Every slice walked to its end, nothing left to cut or to report."""
        return (self._step_ms is not None and not self._found_on_disk and not self._walking
                and not self._more_to_cut)

    def next_page(self, call: PageCall | None = None) -> list[str]:
        """Frames found on disk since the last page, and a job for each idle slice; ``[]``
        when nothing is ready (see :attr:`ready`) or once done."""
        if self._step_ms is None:
            settings = self._settings(call)
            self._step_ms = max(settings.interval_ms, self.every_ms or 1)
            self.min_span_ms = MIN_STEPS_PER_SLICE * self._step_ms
        self._slices = [s for s in self._slices if s.busy or not s.done]  # forget finished
        if not self._slices and self._more_to_cut:
            self._slices = self._cut()
        page, self._found_on_disk = self._found_on_disk, []
        for piece in self._slices:
            if not piece.busy and not piece.done:
                page.append(self._job(piece))
        return page

    def _cut(self) -> list[_Slice]:
        """The next window of the range cut into slices: about two per worker, each
        ``MIN_STEPS_PER_SLICE`` steps long at least (a step: the preview interval, or
        ``every`` when longer). The window is the rest of the range, or, when the caller
        wants only so many frames, one that holds about that many more (so the first
        frames of the range are the ones fetched)."""
        assert self._step_ms is not None
        first, last = self._rest, self.end_ms
        if self.wanted is not None:
            more = max(1, self.wanted - len(self._taken) - 1)
            last = min(last, first + more * self._step_ms)
        self._rest = last + 1
        span = last - first + 1
        count = max(1, min(SLICES_PER_WORKER * self.workers, span // self.min_span_ms))
        bounds = [self._align(first + span * k // count) for k in range(count)]
        bounds = [*sorted({b for b in bounds if b <= last}), last + 1]
        log.info("camera %s: %d ms of the range cut into %d slices (step %d ms)", self.esn,
                 span, len(bounds) - 1, self._step_ms)
        return [_Slice(ask=a, end=b - 1) for a, b in itertools.pairwise(bounds)]

    def _align(self, ms: int) -> int:
        """``ms`` moved up to the next tick of ``every`` (unchanged without ``every``)."""
        if self.every_ms is None or ms <= self.start_ms:
            return max(ms, self.start_ms)
        ticks = math.ceil((ms - self.start_ms) / self.every_ms)
        return self.start_ms + ticks * self.every_ms

    def _after(self, frame_ms: int) -> int:
        """The next asked time after a frame: 1 ms later, or the next tick of ``every``."""
        return self._align(frame_ms + 1)

    def _job(self, piece: _Slice) -> str:
        piece.busy = True
        key = f"{JOB_PREFIX}{format_een_timestamp(_moment(piece.ask))}"
        while key in self._jobs:  # an asked time is never reused; stay unique regardless
            key += "+"
        self._jobs[key] = piece
        return key

    def _split(self) -> _Slice | None:
        """The back half of the walking slice with the most left, as a new slice; None when
        none has room for two halves (a slice that found no frame yet is not split: it may
        be a gap, which its own next answer skips at once)."""
        widest = max((s for s in self._slices if not s.done and s.walking),
                     key=lambda s: s.end - s.ask, default=None)
        if widest is None or widest.end - widest.ask + 1 < 2 * self.min_span_ms:
            return None
        middle = self._align(widest.ask + (widest.end - widest.ask + 1) // 2)
        if middle <= widest.ask or middle > widest.end:
            return None
        piece = _Slice(ask=middle, end=widest.end, busy=True)
        widest.end = middle - 1
        self._slices.append(piece)
        return piece

    def _no_frame_between(self, asked: int, frame_ms: int | None) -> None:
        """An answer says no frame lies in ``[asked, frame_ms)`` (None: none at or after
        ``asked``): every slice whose next ask falls there moves on to the frame, or ends,
        without a request of its own."""
        if asked <= self._rest and (frame_ms is None or self._rest < frame_ms):
            self._rest = self.end_ms + 1 if frame_ms is None else frame_ms
        for piece in self._slices:
            if asked <= piece.ask and (frame_ms is None or piece.ask < frame_ms):
                piece.ask = piece.end + 1 if frame_ms is None or frame_ms > piece.end \
                    else frame_ms

    # ------------------------------------------------------------------ images

    @contextmanager
    def open_image(self, esn: str, job: str) -> Iterator[tuple[ImageHeaders, Iterator[bytes]]]:
        """The next new frame of ``job``'s walk, streamed (see the module). Raises
        :class:`RangeStepEmpty` when there is nothing left to walk."""
        piece = self._jobs.get(job)
        if piece is None and job in self._taken and job in self._on_disk:
            raise RangeStepEmpty("that frame is saved already")  # reported past the count
        if piece is None or esn != self.esn:
            raise errors.RequestRejected(f"{job!r} is not a step of this range")
        piece.busy = True  # again, on a retry of the job
        try:
            while True:
                if piece.done:
                    fresh = self._split()
                    if fresh is None:
                        del self._jobs[job]
                        raise RangeStepEmpty("no frame left to walk in the range")
                    piece.busy = False
                    piece = self._jobs[job] = fresh  # a retry of the job goes on from here
                asked = piece.ask
                with ExitStack() as answer:
                    found = self._step(piece, answer)
                    if found is None:
                        continue  # the answer is closed unread
                    headers, chunks = found
                    try:
                        yield headers, chunks
                    except BaseException:
                        self._taken.discard(headers.timestamp or "")  # a retry asks again
                        piece.ask = min(piece.ask, asked)
                        raise
                    piece.failures = 0
                    del self._jobs[job]
                    return
        except Exception as exc:  # een_tui errors, or the caller's (a duplicate, storage)
            if not isinstance(exc, RangeStepEmpty):
                piece.failures += 1
                if piece.failures >= MAX_SLICE_FAILURES:
                    log.warning("camera %s: a part of the range is given up: %s", esn, exc)
                    piece.ask = piece.end + 1
            raise
        finally:
            piece.busy = False

    def _step(self, piece: _Slice, answer: ExitStack
              ) -> tuple[ImageHeaders, Iterator[bytes]] | None:
        """One request (closed by ``answer``); None when its frame is not to be downloaded
        (the walk moved on)."""
        asked = piece.ask
        self.requests += 1
        try:
            headers, chunks = answer.enter_context(self._client.open_recorded_image(
                self.esn, at=_moment(asked), side="timestamp__gte"))
        except errors.NoMatchingAsset:
            self._no_frame_between(asked, None)  # nothing at or after it: those slices end
            return None
        frame_ms, stamp = _frame_time(headers, asked)
        self._no_frame_between(asked, frame_ms)
        # Another walk of this slice (a job and its retry can both walk it) may have rewound
        # it below ``asked`` meanwhile (its frame failed): this answer says nothing there, so
        # the slice keeps that ask, or the rewound frame would be skipped.
        rewound = piece.ask < asked
        if frame_ms > min(piece.end, self.end_ms):
            if not rewound:
                piece.ask = piece.end + 1  # past this slice: another walk has it, or none does
            return None
        if not rewound:
            piece.ask = max(piece.ask, self._after(frame_ms))
        piece.walking = True
        if stamp in self._taken:
            return None
        self._taken.add(stamp)
        if stamp in self._on_disk:
            self._found_on_disk.append(stamp)
            return None
        return _v1_headers(headers, stamp), chunks


def _frame_time(headers: FrameHeaders, asked_ms: int) -> tuple[int, str]:
    """The frame's time (ms, v1 text) from ``X-Een-Timestamp``, checked against the ask."""
    if headers.time is None:
        raise errors.ProtocolError("the image answer has no valid X-Een-Timestamp")
    stamp = format_een_timestamp(headers.time.astimezone(timezone.utc))
    frame_ms = een_timestamp_to_ms(stamp)
    if frame_ms < asked_ms:
        raise errors.ProtocolError("the image answer is older than the time asked for")
    return frame_ms, stamp


def _moment(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def _v1_headers(headers: FrameHeaders, stamp: str) -> ImageHeaders:
    return ImageHeaders(timestamp=stamp, prev=None, next=None,
                        content_type=headers.content_type,
                        content_length=headers.content_length)
