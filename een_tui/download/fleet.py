"""One run over many cameras (or one camera's time range) with ONE pool of W workers.

The server sees at most W requests from the run at any moment, whatever the number of cameras:
every request (a listing page or an image) is made by one of the W worker greenlets. Workers
ask the :class:`~een_tui.download.dispatcher.Dispatcher` for work; it finishes the cameras it
has open first (their :class:`~een_tui.download.lane.Lane`), opens the next camera only when
none of them has work, and keeps at most W open, so memory stays flat with 10,000 cameras.
A camera whose first listing or first images fail is reported and skipped; a camera's line is
emitted (:class:`CameraFinished`) as soon as it is done, and its bookkeeping dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import gevent
import gevent.event

from een_tui.api.backend import Backend
from een_tui.api.model import Camera
from een_tui.download.attempts import SessionRetries, internal_error
from een_tui.download.cancellation import Cancellation, Stop
from een_tui.download.dispatcher import Dispatcher
from een_tui.download.events import (
    CameraRejected,
    Event,
    FailureKind,
    RunOutcome,
    WorkerState,
    WorkerUpdate,
    deliver,
)
from een_tui.download.health import describe_camera
from een_tui.download.lane import CameraResult, Lane, LaneState, NewestPages, range_pages
from een_tui.download.options import DownloadOptions
from een_tui.download.range_spec import RangeError, RangeSpec, camera_zone
from een_tui.download.storage import (
    StorageError,
    UnsafeName,
    camera_dir,
    ensure_dir,
    fsync_dir,
    safe_esn,
    saved_timestamps,
)

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class CameraOpened:
    """A camera's turn has come: it is being planned and downloaded (``wanted`` None: every
    frame of its range)."""

    id: str
    name: str
    wanted: int | None
    out_dir: str


@dataclass(frozen=True)
class CameraFinished:
    """One camera is done (or skipped): its line in the summary."""

    result: CameraResult


@dataclass(frozen=True)
class FleetFinished:
    """The run is over: one :class:`CameraResult` per camera, in the order they finished."""

    outcome: RunOutcome
    cameras: tuple[CameraResult, ...]
    workers: int
    elapsed_s: float
    error: str | None = None
    error_kind: FailureKind | None = None
    out_dir: str | None = None
    images_fetched: int = 0  # saved by this run (files already on disk not counted)
    fields: dict = field(default_factory=dict)

    @property
    def saved(self) -> int:
        return sum(c.saved for c in self.cameras)


FleetEvent = Event | CameraOpened | CameraFinished | FleetFinished


class FleetRun:
    """Downloads from many cameras with ``options.workers`` greenlets in all; each camera gets
    ``count`` images (None: every frame of the range) in ``out_dir/<ESN>/``."""

    def __init__(self, backend: Backend, options: DownloadOptions, *,
                 count: int | None, spec: RangeSpec | None = None,
                 on_event: Callable[[FleetEvent], None] | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        if count is None and spec is None:
            raise ValueError("every frame (count None) needs a time range")
        self.backend = backend
        self.options = options
        self.count = count
        self.spec = spec
        self.on_event = on_event
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._stop = Cancellation()
        self._session = SessionRetries(options.max_session_retries)
        self._results: list[CameraResult] = []
        self._error: tuple[FailureKind, str] | None = None

    def cancel(self, *, drain: bool = False) -> None:
        """Stop promptly (saved files stay, ``.part`` files go); safe from a signal handler.
        ``drain``: requests on the wire are answered, not cut (see ``DownloadEngine.cancel``)."""
        if self._stop.cancel(drain=drain):
            log.info("download cancelled")

    def join(self, timeout: float | None = None) -> bool:
        """Wait until :meth:`run` has stopped its workers."""
        return self._stop.wait_stopped(timeout)

    def run(self, cameras: Iterable[Camera]) -> FleetFinished:
        """Download from ``cameras`` (in order) and return the final event (also emitted)."""
        stop, opts = self._stop, self.options
        started = time.monotonic()
        stop.begin()
        try:
            dispatcher = Dispatcher(cameras, self._open_lane, opts.workers, stop,
                                    self._finish_lane)
            try:
                workers = [stop.spawn(self._worker, n, dispatcher)
                           for n in range(1, opts.workers + 1)]
                gevent.joinall(workers)
            finally:
                stop.shutdown()
                for lane in dispatcher.open_lanes:  # cut short: report them too
                    self._finish_lane(lane)
            result = self._finished(time.monotonic() - started)
            self._emit(result)
            return result
        finally:
            stop.end()

    def _worker(self, n: int, dispatcher: Dispatcher) -> None:
        self._emit(WorkerUpdate(worker=n, state=WorkerState.IDLE))
        try:
            while (job := dispatcher.next_job()) is not None:
                lane, stamp = job
                try:
                    lane.fetch(n, stamp)
                finally:
                    dispatcher.changed()
        except Stop:
            pass
        except Exception as exc:  # a bug: stop the run with a message rather than hang
            log.exception("worker %d failed", n)
            self._fatal(*internal_error(exc))
        finally:
            self._emit(WorkerUpdate(worker=n, state=WorkerState.STOPPED))

    def _open_lane(self, camera: Camera) -> Lane | None:
        """The camera's lane, or None after reporting why it is skipped (no request made)."""
        reason = camera.unusable_reason
        esn = None
        if reason is None:
            try:
                esn = safe_esn(camera.id)
            except UnsafeName as exc:
                reason = str(exc)
        time_range = None
        if reason is None and self.spec is not None:
            zone = camera_zone(camera.timezone)
            try:
                time_range = self.spec.resolve(zone, self._now())
            except RangeError as exc:
                reason = str(exc)
        if reason is not None or esn is None:
            self._skip(camera, esn, reason or "not usable")
            return None
        if time_range is not None:
            pages = range_pages(self.backend, esn, time_range)
            if pages is None:
                self._skip(camera, esn, f"the {self.backend.api_version} API "
                                        "cannot list a time range here yet")
                return None
        else:
            assert self.count is not None
            latest_first = self.count == 1 and self.backend.api_version == "v1"  # "now"
            pages = NewestPages(self.backend, esn, self.count + self.options.spare_count,
                                latest_first=latest_first)
        try:
            folder = camera_dir(self.options.out_dir, esn)
            ensure_dir(folder)
            on_disk = saved_timestamps(self.options.out_dir, esn)
        except (StorageError, OSError) as exc:
            self._fatal(FailureKind.STORAGE, str(exc))
            return None
        self._emit(CameraOpened(id=esn, name=camera.name or "",
                                wanted=self.count, out_dir=str(folder)))
        return Lane(camera, esn, folder, on_disk, self.count, pages, backend=self.backend,
                    options=self.options, stop=self._stop, session=self._session,
                    emit=self._emit)

    def _skip(self, camera: Camera, esn: str | None, reason: str) -> None:
        self._emit(CameraRejected(camera=camera, reason=reason))
        result = CameraResult(id=esn or str(camera.id or ""), name=camera.name or "",
                              state=LaneState.SKIPPED, saved=0, wanted=self.count,
                              reason=reason)
        self._results.append(result)
        self._emit(CameraFinished(result))

    def _finish_lane(self, lane: Lane) -> None:
        result = lane.result()
        if lane.outcome.error is not None and self._error is None:
            self._error = lane.outcome.error
        if result.state is LaneState.SKIPPED:
            log.info("camera %s skipped: %s", describe_camera(lane.camera), result.reason)
            self._emit(CameraRejected(camera=lane.camera, reason=result.reason or ""))
        if result.saved:
            fsync_dir(lane.folder)
        self._results.append(result)
        self._emit(CameraFinished(result))

    def _fatal(self, kind: FailureKind, message: str) -> None:
        if self._error is None:
            log.error("download failed: %s", message)
            self._error = (kind, message)
        self._stop.stop_all()

    def _finished(self, elapsed: float) -> FleetFinished:
        results = tuple(self._results)
        kind = message = None
        if self._error is not None:
            outcome = RunOutcome.FAILED
            kind, message = self._error
        elif self._stop.cancelled:
            outcome, message = RunOutcome.CANCELLED, "cancelled"
        elif results and all(r.state is LaneState.SKIPPED for r in results):
            outcome, kind = RunOutcome.FAILED, FailureKind.NO_USABLE_CAMERA
            message = f"no usable camera: all {len(results)} camera(s) were skipped"
        elif not results:
            outcome, kind = RunOutcome.FAILED, FailureKind.NO_USABLE_CAMERA
            message = "no camera matched"
        elif all(r.state is LaneState.DONE for r in results):
            outcome = RunOutcome.DONE
        else:
            outcome = RunOutcome.INCOMPLETE
            short = sum(1 for r in results if r.state is not LaneState.DONE)
            message = f"{short} of {len(results)} camera(s) skipped or short"
        return FleetFinished(outcome=outcome, cameras=results, workers=self.options.workers,
                             elapsed_s=elapsed, error=message, error_kind=kind,
                             out_dir=str(self.options.out_dir),
                             images_fetched=sum(r.saved - r.already for r in results))

    def _emit(self, event: FleetEvent) -> None:
        deliver(self.on_event, event)
