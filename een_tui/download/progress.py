"""One run's progress, folded from the engine's events: the one copy that the headless printer
and the UI's download screen both render from.

:meth:`DownloadProgress.apply` takes every event in order (in one greenlet); the renderers read
the fields and never count anything themselves.
"""

from __future__ import annotations

import time

from een_tui.api.model import Camera
from een_tui.download.events import (
    Event,
    ImageFailed,
    ImageSaved,
    RunFinished,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
)

BUSY = (WorkerState.FETCHING, WorkerState.RETRYING)
ENDED = (WorkerState.SAVED, WorkerState.FAILED)


class DownloadProgress:
    """Counts, worker rows, saved and given-up lists, and rates of one run."""

    def __init__(self, requested: int = 0, workers: int = 0) -> None:
        self.requested = requested
        self.saved = 0  # images saved, files already on disk included
        self.already = 0  # of which already on disk before the run (not fetched)
        self.bytes_saved = 0  # bytes of the images this run fetched
        self.retries = 0  # attempts that failed and were retried
        self.failures = 0  # timestamps given up
        self.rows: dict[int, WorkerUpdate] = {
            n: WorkerUpdate(worker=n, state=WorkerState.IDLE) for n in range(1, workers + 1)
        }
        self.saved_paths: list[str] = []  # in the order saved (files already on disk first)
        self.given_up: list[tuple[str, str]] = []  # (timestamp, reason)
        self.last_saved: ImageSaved | None = None
        self.camera: Camera | None = None
        self.out_dir: str | None = None
        self.started = time.monotonic()  # when this object was made (the run's start)
        self.planned_at: float | None = None  # when the camera was chosen and planned
        self.finished: RunFinished | None = None

    def apply(self, event: Event) -> None:
        """Fold one engine event into the state."""
        if isinstance(event, WorkerUpdate):
            # A worker that ends after a save or a failure keeps that row: the last thing it
            # did (timestamp, size, speed, attempt) stays readable after the run.
            previous = self.rows.get(event.worker)
            ended = previous is not None and previous.state in ENDED
            if not (event.state is WorkerState.STOPPED and ended):
                self.rows[event.worker] = event
        elif isinstance(event, ImageSaved):
            self.saved, self.requested = event.saved, event.requested
            self.bytes_saved += event.size
            self.saved_paths.append(event.path)
            self.last_saved = event
        elif isinstance(event, ImageFailed):
            if event.final:
                self.failures += 1
                self.given_up.append((event.timestamp, event.reason))
            else:
                self.retries += 1
        elif isinstance(event, RunPlanned):
            self.camera = event.camera
            self.out_dir = event.out_dir
            self.requested = event.requested
            self.saved = self.already = len(event.already_saved)
            self.saved_paths[:0] = event.already_saved
            self.planned_at = time.monotonic()
        elif isinstance(event, RunFinished):
            self.finished = event
            self.saved = event.saved
            if self.camera is None:
                self.camera = event.camera
            self.out_dir = event.out_dir or self.out_dir
            for n, row in self.rows.items():  # no worker left "fetching"
                if row.state in BUSY:
                    self.rows[n] = WorkerUpdate(worker=n, state=WorkerState.STOPPED)

    def count(self, state: WorkerState) -> int:
        """Workers whose row is in ``state``."""
        return sum(1 for row in self.rows.values() if row.state is state)

    @property
    def running(self) -> bool:
        """True until the run's :class:`RunFinished` arrived."""
        return self.finished is None

    @property
    def elapsed(self) -> float:
        """Seconds since the run started (its final figure once finished)."""
        if self.finished is not None:
            return self.finished.elapsed_s
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Images saved per second of :attr:`elapsed`."""
        elapsed = self.elapsed
        return self.saved / elapsed if elapsed > 0 else 0.0

    @property
    def fetch_rate(self) -> float:
        """Images fetched per second of :attr:`elapsed` (files already on disk left out)."""
        elapsed = self.elapsed
        return (self.saved - self.already) / elapsed if elapsed > 0 else 0.0

    def download_rate(self, now: float) -> float:
        """Images saved per second since the run was planned (the download phase)."""
        start = self.planned_at if self.planned_at is not None else self.started
        return self.saved / max(now - start, 1e-6)
