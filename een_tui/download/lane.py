"""One camera of a many-camera (or time range) run: its folder, its timestamps a page at a time,
its own :class:`~een_tui.download.scheduler.Scheduler` and attempts; the workers are shared.

A lane is *unproven* until its first image is saved: meanwhile at most one of its timestamps is
in flight (that request is the camera's health check), and after ``PROBE_CANDIDATES``
timestamps given up the camera is skipped. Files already on disk count as saved and are not
fetched again, so a re-run resumes.
"""

from __future__ import annotations

import enum
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from een_tui.api.backend import Backend
from een_tui.api.errors import AuthError, EenError
from een_tui.api.model import Camera
from een_tui.api.time_range import PageCall, RangeCursor, TimeRange
from een_tui.download.attempts import Attempts, SessionRetries, fatal_error
from een_tui.download.cancellation import Cancellation
from een_tui.download.events import Event
from een_tui.download.options import MAX_COUNT, DownloadOptions
from een_tui.download.outcome import Outcome
from een_tui.download.scheduler import REFILL, Scheduler
from een_tui.download.storage import image_path
from een_tui.download.streaming import Streamer

log = logging.getLogger(__name__)

PROBE_CANDIDATES = 3  # timestamps given up before a camera that never saved one is skipped
UNLIMITED = sys.maxsize  # ``--count all``
PLAN = "plan"  # Lane.take: the caller should plan the next page (Lane.plan_page)


class LaneState(enum.Enum):
    """How a camera's part of the run ended (or that it is still going)."""

    RUNNING = "running"
    DONE = "done"  # every wanted image (or every frame of the range) is saved
    INCOMPLETE = "incomplete"  # fewer than wanted: no more previews, budget, failures
    SKIPPED = "skipped"  # failed its health check (or is not usable)
    CANCELLED = "cancelled"
    FAILED = "failed"  # a fatal error (auth, storage) stopped the run here


@dataclass(frozen=True)
class CameraResult:
    """One camera's line in the summary: ``wanted`` None = every frame of the range."""

    id: str
    name: str
    state: LaneState
    saved: int
    wanted: int | None
    already: int = 0  # of ``saved``: files that were on disk before this run
    folder: str | None = None
    reason: str | None = None
    failures: int = 0

    def as_dict(self) -> dict:
        """The ``--json`` form."""
        return {"id": self.id, "name": self.name, "state": self.state.value,
                "saved": self.saved, "wanted": self.wanted, "already_on_disk": self.already,
                "out_dir": self.folder, "reason": self.reason, "failures": self.failures}


class NewestPages:
    """The newest ``total`` frames first (listing, else the ``X-Ee-Prev`` walk), then older
    ones by listing when spares run out; ``[]`` once there are none.

    With ``latest_first`` (one image wanted, v1) the first page is ``now``: the latest frame,
    saved under the timestamp the server says it is (``X-Ee-Timestamp``), without a listing
    request; the listing comes only if that fails."""

    def __init__(self, backend: Backend, esn: str, total: int, *,
                 latest_first: bool = False) -> None:
        self._backend, self._esn, self._total = backend, esn, total
        self._oldest: str | None = None
        self._seen: set[str] = set()
        self._latest_first = latest_first
        self.done = False

    def next_page(self, call: PageCall | None = None) -> list[str]:
        """The next timestamps, newest first."""
        if self.done:
            return []
        if self._latest_first:
            self._latest_first = False
            return ["now"]
        if self._oldest is None:
            plan = self._backend.plan_previews(self._esn, self._total, call=call)
            stamps = list(plan.timestamps)
        else:
            plan = self._backend.plan_previews(self._esn, self._total, before=self._oldest,
                                               exclude=self._seen)
            stamps = [s for s in plan.timestamps if s < self._oldest]
        if not stamps:
            self.done = True
            return []
        self._seen.update(stamps)
        self._oldest = min(stamps)
        return stamps


def range_pages(backend: Backend, esn: str, time_range: TimeRange) -> RangeCursor | None:
    """The backend's range cursor for ``esn``; None when its API cannot list a range."""
    plan_range = getattr(backend, "plan_range", None)
    return None if plan_range is None else plan_range(esn, time_range)


class Lane:
    """One camera's share of the run (see the module)."""

    def __init__(self, camera: Camera, esn: str, folder: Path, on_disk: set[str],
                 wanted: int | None, pages: RangeCursor, *, backend: Backend,
                 options: DownloadOptions, stop: Cancellation, session: SessionRetries,
                 emit: Callable[[Event], None]) -> None:
        self.camera, self.esn, self.folder = camera, esn, folder
        self.wanted = wanted
        self.pages = pages  # a range cursor, or NewestPages (the same two members)
        self._listing_failed = False
        self._on_disk = on_disk
        self._options = options
        self._stop = stop
        self._session = session
        count = UNLIMITED if wanted is None else wanted
        budget = options.attempt_budget or (UNLIMITED if wanted is None else 3 * wanted + 10)
        self.scheduler = Scheduler(count, options.spare_count, budget)
        self.outcome = Outcome(stop)
        self.outcome.camera = camera
        self.outcome.folder = folder
        lane_options = replace(options, count=min(count, MAX_COUNT))
        prepare = getattr(pages, "prepare", None)
        if prepare is not None:  # a cursor that walks past saved frames itself (v3)
            prepare(on_disk, wanted)
        # A cursor with its own open_image (v3) opens its jobs; else they are timestamps.
        source = pages if callable(getattr(pages, "open_image", None)) else backend
        streamer = Streamer(source, lane_options, self.scheduler, stop, emit)  # type: ignore[arg-type]
        self._attempts = Attempts(lane_options, esn, streamer.save,
                                  scheduler=self.scheduler, stop=stop, outcome=self.outcome,
                                  session=session, emit=emit)
        self.planning = False
        self.proven = False
        self.already = 0
        self.rejected: str | None = None
        self.short: str | None = None  # why it ended short, when it did
        self._given_up = 0

    @property
    def pages_done(self) -> bool:
        """No more pages: the planner said so, or its listing failed after the first image."""
        return self._listing_failed or bool(self.pages.done)

    def take(self) -> str | None:
        """A timestamp to fetch (now in flight), :data:`PLAN`, or None (nothing here now).
        Once the camera is proven, the next page is asked for while fewer than W timestamps
        are queued, so the workers do not wait for the listing at each page's end."""
        if self.rejected is not None:
            return None
        scheduler = self.scheduler
        if not self.proven and (scheduler.in_progress > 0 or self.planning):
            return None  # the health check's image (or first page) is on its way
        ready = bool(getattr(self.pages, "ready", True))  # False: wait for a job to end
        if self.proven and not self.planning and not self.pages_done and ready and (
                scheduler.queued < self._options.workers
                and scheduler.saved + scheduler.in_progress + scheduler.queued
                < scheduler.count):
            return PLAN
        stamp = scheduler.take()
        if stamp is REFILL:
            return None if self.pages_done or self.planning or not ready else PLAN
        return stamp

    @property
    def finished(self) -> bool:
        """Nothing in flight and nothing more to take."""
        if self.planning or self.scheduler.in_progress:
            return False
        if self.rejected is not None or self._stop.stopping:
            return True
        scheduler = self.scheduler
        if scheduler.saved >= scheduler.count or scheduler.budget_left <= 0:
            return True
        return scheduler.queued == 0 and self.pages_done

    def plan_page(self) -> None:
        """Plan the next page (network; one planner per lane): a camera whose first listing
        fails is skipped; later, a failing listing ends it short."""
        self.planning = True
        try:
            opts = self._options
            retrying = opts.retry.retrying(attempts=opts.health_attempts, sleep=self._stop.sleep)
            page = self._session.call(lambda: self.pages.next_page(call=retrying))
            before = self.scheduler.saved
            self.scheduler.plan(page, self._on_disk,
                                lambda s: str(image_path(opts.out_dir, self.esn, s)))
            self.already += self.scheduler.saved - before
        except AuthError as exc:
            self.outcome.fatal(*fatal_error(exc))
        except EenError as exc:
            if self.proven or self.already:
                self.short = f"previews cannot be listed: {exc}"
                self._listing_failed = True
            else:
                self.rejected = f"failed the health check: previews cannot be listed: {exc}"
        finally:
            self.planning = False

    def fetch(self, worker: int, stamp: str) -> None:
        """Worker ``worker`` fetches ``stamp`` (retries included); the first image saved proves
        the camera, too many given up before that skips it."""
        before, empty = self.scheduler.saved, self._attempts.empty
        self._attempts.fetch(worker, stamp)
        if self.scheduler.saved > before:
            self.proven = True
        elif self._attempts.empty > empty:
            pass  # the job had nothing left to fetch (see NoFrameLeft): not a failure
        elif not self._stop.stopping and self.scheduler.budget_left > 0:
            self._given_up += 1
            if not self.proven and self._given_up >= PROBE_CANDIDATES:
                self.rejected = "failed the health check: a preview cannot be fetched"

    def result(self) -> CameraResult:
        """The camera's line in the summary."""
        scheduler = self.scheduler
        error = self.outcome.error
        if error is not None:
            state, reason = LaneState.FAILED, error[1]
        elif self.rejected is not None:
            state, reason = LaneState.SKIPPED, self.rejected
        elif scheduler.saved >= scheduler.count or (
                self.wanted is None and scheduler.queued == 0 and self.pages_done
                and not self._stop.cancelled and self.short is None and not self._given_up
                and scheduler.saved):
            state, reason = LaneState.DONE, None
        elif self._stop.cancelled:
            state, reason = LaneState.CANCELLED, "cancelled"
        else:
            state = LaneState.INCOMPLETE
            reason = self.short or scheduler.stop_reason or (
                f"{self._given_up} frame(s) could not be fetched" if self._given_up
                else "no previews in the range" if self.wanted is None and not scheduler.saved
                else "no more previews")
        return CameraResult(
            id=self.esn, name=self.camera.name or "", state=state,
            saved=scheduler.saved, wanted=self.wanted, already=self.already,
            folder=str(self.folder), reason=reason,
            failures=sum(self.outcome.failures.values()))
