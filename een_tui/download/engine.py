"""The download engine: W long-lived worker greenlets fetch N distinct previews to disk.

Flow: a helper greenlet chooses a healthy camera and plans its timestamps
(:mod:`~een_tui.download.preparation`; a cancel is prompt there too, and the health check's
probe image is saved and counted, never fetched twice; a named camera's probe is worker 1's
first job, beside the other workers' first images). Then W workers ask the
:class:`~een_tui.download.scheduler.Scheduler` for the next timestamp; it hands one out only
while ``saved + in progress < N``, so the run stops by itself once N images are saved and never
holds more than W image requests in flight, and it plans older timestamps when the spares run
out. Each timestamp is tried by :mod:`~een_tui.download.attempts` (retries, error rules) and
saved by :mod:`~een_tui.download.streaming` (write, check, rename); a timestamp without an
image, or whose answer duplicates one already held (``X-Ee-Timestamp``), is dropped and a spare
taken instead. :meth:`DownloadEngine.cancel` stops the workers while they wait on the network
(:mod:`~een_tui.download.cancellation`), and :meth:`DownloadEngine.join` waits until they are
gone; :mod:`~een_tui.download.outcome` builds the final :class:`RunFinished`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import gevent

from een_tui.api.backend import Backend, PreviewPlan
from een_tui.api.model import Camera
from een_tui.download.attempts import Attempts, SaveImage, SessionRetries, internal_error
from een_tui.download.cancellation import Cancellation, Stop
from een_tui.download.events import (
    CameraRejected,
    Event,
    ImageSaved,
    RunFinished,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
    deliver,
)
from een_tui.download.options import DownloadOptions
from een_tui.download.outcome import Outcome
from een_tui.download.plan_ahead import PlanAhead
from een_tui.download.preparation import (
    FirstImageCheck,
    Preparation,
    Replanner,
    camera_folder,
)
from een_tui.download.scheduler import Scheduler
from een_tui.download.storage import fsync_dir, image_path
from een_tui.download.streaming import Streamer

__all__ = ["DownloadEngine", "DownloadOptions"]

log = logging.getLogger(__name__)

EventCallback = Callable[[Event], None]


class DownloadEngine:
    """Downloads ``options.count`` distinct previews of one camera with ``options.workers``
    greenlets; reports progress through ``on_event`` (called from greenlets; keep it cheap).
    One engine runs once; after :meth:`run` it holds only the run's small bookkeeping."""

    def __init__(
        self,
        backend: Backend,
        options: DownloadOptions | None = None,
        on_event: EventCallback | None = None,
    ) -> None:
        self.backend = backend
        self.options = options or DownloadOptions()
        self.on_event = on_event
        self.download_elapsed_s: float | None = None  # wall time of the worker phase
        self._started = False
        self._made_folder: Path | None = None  # the camera's folder, when this run made it
        self._stop = Cancellation()
        opts = self.options
        self._scheduler = Scheduler(opts.count, opts.spare_count, opts.budget)

    @property
    def saved(self) -> int:
        """Images saved so far (files already on disk for planned timestamps included)."""
        return self._scheduler.saved

    def cancel(self, *, drain: bool = False) -> None:
        """Stop promptly from any greenlet (or a signal handler): saved files stay, ``.part``
        files go. Safe to call more than once, before, during or after :meth:`run`.

        ``drain``: requests already on the wire are answered (and the answers dropped) rather
        than cut, so that once :meth:`join` returns the server has seen every one of them end:
        a next run then never has more than W requests in flight with the old ones."""
        if self._stop.cancel(drain=drain):
            log.info("download cancelled")

    def join(self, timeout: float | None = None) -> bool:
        """Wait until :meth:`run` has stopped its workers (their HTTP responses closed, no
        ``.part`` file left); True unless ``timeout`` passed first (True if not running)."""
        return self._stop.wait_stopped(timeout)

    def run(self, camera: Camera | None = None, candidates: Iterable[Camera] = (), *,
            plan_ahead: PlanAhead | None = None) -> RunFinished:
        """Choose the camera (``None`` = a random healthy one of ``candidates``), download,
        and return the :class:`RunFinished` event (also emitted). ``plan_ahead``: the named
        camera's plan, already asked for (used if it came, cancelled if not needed)."""
        if self._started:
            raise RuntimeError("a DownloadEngine runs once")
        self._started = True
        stop, opts = self._stop, self.options
        outcome = Outcome(stop)
        stop.begin()
        try:
            try:
                if not stop.stopping:
                    session = SessionRetries(opts.max_session_retries)
                    save = Streamer(self.backend, opts, self._scheduler, stop, self._emit).save
                    prep = Preparation(
                        self.backend, opts, save, session=session, sleep=stop.sleep,
                        on_reject=self._emit, outcome=outcome,
                    )
                    prep.plan_ahead = plan_ahead
                    prepared = stop.spawn(prep.choose, camera, list(candidates)).get()
                    if isinstance(prepared, tuple) and not stop.stopping:
                        self._download(*prepared, prep.probe, save, session, outcome,
                                       check_first=camera is not None)
            finally:
                if plan_ahead is not None:
                    plan_ahead.cancel()  # a run stopped before it was used
                stop.shutdown()
                self._scheduler.close()
                self._remove_unused_folder(outcome)
            result = outcome.finish(self._scheduler, self._shortfall(outcome))
            self._emit(result)
            return result
        finally:
            stop.end()

    def _remove_unused_folder(self, outcome: Outcome) -> None:
        """A run that saved nothing (a refused camera, a cancel or a fatal error in the first
        round) leaves no folder it made: removed once its ``.part`` files are gone, and not
        named in the result."""
        folder = self._made_folder
        if folder is None or self._scheduler.saved:
            return
        with contextlib.suppress(OSError):  # not empty after all: it stays, and is named
            folder.rmdir()
            outcome.folder = None

    def _shortfall(self, outcome: Outcome) -> str | None:
        """Why the backend found no more frames of the run's camera (v3), or None."""
        reason = getattr(self.backend, "shortfall_reason", None)
        camera = outcome.camera
        if reason is None or camera is None or camera.id is None:
            return None
        return reason(str(camera.id))

    def _download(
        self,
        camera: Camera,
        plan: PreviewPlan,
        probe: tuple[Path, str, int] | None,
        save: SaveImage,
        session: SessionRetries,
        outcome: Outcome,
        *,
        check_first: bool,
    ) -> None:
        opts, scheduler = self.options, self._scheduler
        outcome.camera = camera
        target = camera_folder(opts, camera, outcome)
        if target is None:
            return
        esn, folder, on_disk, made_here = target
        self._made_folder = folder if made_here else None
        path_of = lambda stamp: str(image_path(opts.out_dir, esn, stamp))  # noqa: E731
        already = scheduler.plan(plan.timestamps, on_disk, path_of)
        self._emit(
            RunPlanned(
                camera=camera, requested=opts.count, workers=opts.workers,
                timestamps=plan.timestamps, out_dir=str(folder), already_saved=tuple(already),
                source=plan.source,
            )
        )
        if probe is not None:
            path, actual, size = probe
            self._emit(
                ImageSaved(
                    worker=0, timestamp=actual, path=str(path), size=size,
                    saved=scheduler.saved, requested=opts.count,
                )
            )
        attempts = Attempts(
            opts, esn, save, scheduler=scheduler, stop=self._stop, outcome=outcome,
            session=session, emit=self._emit,
        )
        replanner = Replanner(self.backend, esn, session, outcome, scheduler, self._stop)
        check = None
        if check_first:  # a named camera: worker 1 checks its image while the others fetch
            check = FirstImageCheck(camera, opts, attempts, scheduler, session=session,
                                    outcome=outcome, stop=self._stop)
        started = time.monotonic()
        workers = [
            self._stop.spawn(self._worker, n, replanner.next_stamp, attempts, outcome,
                             check if n == 1 else None)
            for n in range(1, opts.workers + 1)
        ]
        try:
            gevent.joinall(workers)
        finally:
            fsync_dir(folder)  # the renames of this run, made durable once
        self.download_elapsed_s = time.monotonic() - started

    def _worker(
        self,
        n: int,
        next_stamp: Callable[[], str | None],
        attempts: Attempts,
        outcome: Outcome,
        check: FirstImageCheck | None,
    ) -> None:
        self._emit(WorkerUpdate(worker=n, state=WorkerState.IDLE))
        try:
            if check is not None and not check.run(n, next_stamp):
                return
            while (stamp := next_stamp()) is not None:
                attempts.fetch(n, stamp)
        except Stop:
            pass
        except Exception as exc:  # a bug: stop the run with a message rather than hang
            log.exception("worker %d failed", n)
            outcome.fatal(*internal_error(exc))
        finally:
            self._emit(WorkerUpdate(worker=n, state=WorkerState.STOPPED))

    def _emit(self, event: Event | CameraRejected) -> None:
        deliver(self.on_event, event)
