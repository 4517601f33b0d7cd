"""How a run ended: its first fatal error, failures by reason, and the :class:`RunFinished`."""

from __future__ import annotations

import logging
import time
from collections import Counter
from pathlib import Path

from een_tui.api.model import Camera
from een_tui.download.cancellation import Cancellation
from een_tui.download.events import FailureKind, RunFinished, RunOutcome
from een_tui.download.scheduler import NO_MORE_PREVIEWS, Scheduler

log = logging.getLogger(__name__)


class Outcome:
    """What the final event reports, gathered while the run goes."""

    def __init__(self, stop: Cancellation) -> None:
        self._stop = stop
        self.started = time.monotonic()
        self.error: tuple[FailureKind, str] | None = None
        self.failures: Counter[str] = Counter()  # reason -> failed attempts
        self.camera: Camera | None = None
        self.folder: Path | None = None

    def fatal(self, kind: FailureKind, message: str) -> None:
        """A fatal error: the first one is reported, and the run stops."""
        if self.error is None:
            log.error("download failed: %s", message)
            self.error = (kind, message)
        self._stop.stop_all()

    def failed(self, reason: str) -> None:
        """One failed attempt (retried or given up), counted by reason."""
        self.failures[reason] += 1

    def finish(self, scheduler: Scheduler, shortfall: str | None = None) -> RunFinished:
        """The run's final event: FAILED on a fatal error, DONE with every image, CANCELLED on
        the user's request, INCOMPLETE otherwise (with the backend's ``shortfall`` reason when
        it gave one, else the scheduler's)."""
        count = scheduler.count
        kind = message = None
        if self.error is not None:
            outcome = RunOutcome.FAILED
            kind, message = self.error
        elif scheduler.saved >= count:
            outcome = RunOutcome.DONE
        elif self._stop.cancelled:
            outcome = RunOutcome.CANCELLED
            message = "cancelled"
        else:
            outcome = RunOutcome.INCOMPLETE
            message = shortfall or scheduler.stop_reason or NO_MORE_PREVIEWS
        return RunFinished(
            outcome=outcome,
            camera=self.camera,
            requested=count,
            files=tuple(scheduler.files),
            failures=dict(self.failures),
            elapsed_s=time.monotonic() - self.started,
            error=message,
            error_kind=kind,
            out_dir=str(self.folder) if self.folder is not None else None,
            existing=tuple(scheduler.existing),
        )
