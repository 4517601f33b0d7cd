"""Per-timestamp attempts, and every error rule of the engine in one place.

One timestamp is tried (tenacity) while its failures are transient and the policy, the run's
budget and the stop flag allow (the retries are the one policy's,
:meth:`een_tui.api.retry_policy.RetryPolicy.retrying`); a "session expired" that survived the
client's re-login is tolerated a few times per run; fatal errors get their :class:`FailureKind`.
The backend's image stream raises only :mod:`een_tui.api.errors`, and storage maps a local
``OSError`` to :class:`StorageError`, so no transport exception is ever caught here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from tenacity import RetryCallState

from een_tui.api.errors import AuthError, EenError, RateLimited, RateLimitTooLong, SessionExpired
from een_tui.api.time_range import NoFrameLeft
from een_tui.download.cancellation import Cancellation, Stop
from een_tui.download.events import (
    Event,
    FailureKind,
    ImageFailed,
    ImageSaved,
    WorkerState,
    WorkerUpdate,
)
from een_tui.download.health import NoUsableCamera
from een_tui.download.options import DownloadOptions
from een_tui.download.outcome import Outcome
from een_tui.download.retry import failure_reason
from een_tui.download.scheduler import BudgetExhausted, Duplicate, Scheduler
from een_tui.download.storage import ImageTooLarge, StorageError, UnsafeName
from een_tui.units import human_duration

log = logging.getLogger(__name__)

T = TypeVar("T")
Emit = Callable[[Event], None]
SaveImage = Callable[[int, str, str, int, float], tuple[Path, str, int]]
"""``(worker, esn, timestamp, attempt, started) -> (path, actual timestamp, size)``."""

FINAL_ERRORS = (EenError, ImageTooLarge, UnsafeName, StorageError, Duplicate, BudgetExhausted)


def fatal_error(exc: BaseException) -> tuple[FailureKind, str]:
    """The kind and message of an error that ends the run."""
    if isinstance(exc, NoUsableCamera):
        return FailureKind.NO_USABLE_CAMERA, f"no usable camera: {exc}"
    if isinstance(exc, AuthError):
        return FailureKind.AUTH, f"authentication failed: {exc}"
    if isinstance(exc, StorageError):
        return FailureKind.STORAGE, str(exc)
    if isinstance(exc, (EenError, UnsafeName)):
        return FailureKind.OTHER, str(exc)
    return internal_error(exc)


def internal_error(exc: BaseException) -> tuple[FailureKind, str]:
    """The kind and message of a bug: reported, never a silent hang."""
    return FailureKind.OTHER, f"internal error: {exc!r}"


class SessionRetries:
    """A "session expired" that survived the client's one re-login: tolerated ``limit`` times
    per run (a 401 can hit the retried request too), never in a loop."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def allow(self) -> bool:
        """True (and counted) while the run may try once more after a session expiry."""
        if self.used >= self.limit:
            return False
        self.used += 1
        log.info("session expired again: retrying (%d)", self.used)
        return True

    def call(self, function: Callable[[], T]) -> T:
        """``function()``, called again after a session expiry while :meth:`allow` says so."""
        while True:
            try:
                return function()
            except SessionExpired:
                if not self.allow():
                    raise


class Attempts:
    """Tries the timestamps of one camera (``esn``), one worker at a time per timestamp."""

    def __init__(
        self,
        options: DownloadOptions,
        esn: str,
        save: SaveImage,
        *,
        scheduler: Scheduler,
        stop: Cancellation,
        outcome: Outcome,
        session: SessionRetries,
        emit: Emit,
    ) -> None:
        self.options = options
        self.esn = esn
        self._save = save
        self._scheduler = scheduler
        self._stop = stop
        self._outcome = outcome
        self._session = session
        self._emit = emit
        self._last_error: dict[int, str | None] = {}  # per worker, while retrying a timestamp
        self.empty = 0  # range jobs that found nothing left to fetch (NoFrameLeft)

    def fetch(self, n: int, stamp: str) -> None:
        """Worker ``n`` tries ``stamp`` until saved or given up (events tell which, a fatal
        error goes to the outcome); raises :class:`Stop`, and nothing else but a bug."""
        attempts = [0]
        self.forget_error(n)

        def attempt() -> None:
            attempts[0] += 1
            self.attempt(n, stamp, attempts[0])

        retrying = self.options.retry.retrying(
            sleep=self._stop.sleep,
            give_up=self._give_up,
            relogin=self._session.allow,
            before_sleep=partial(self.on_retry, n, stamp),
        )
        try:
            retrying(attempt)
        except Stop:
            raise
        except FINAL_ERRORS as exc:
            self.on_final_failure(n, stamp, exc, attempts[0])
        finally:
            self._scheduler.release(stamp)

    def forget_error(self, n: int) -> None:
        """Worker ``n`` starts on a new timestamp: its row shows no earlier error."""
        self._last_error[n] = None

    def attempt(self, n: int, stamp: str, attempt: int) -> None:
        """One request for ``stamp``: stream, check, commit. Raises on any failure."""
        self._stop.check()
        self._scheduler.spend()
        self._emit(
            WorkerUpdate(
                worker=n,
                state=WorkerState.FETCHING,
                timestamp=stamp,
                attempt=attempt,
                error=self._last_error.get(n),
            )
        )
        started = time.monotonic()
        path, actual, size = self._save(n, self.esn, stamp, attempt, started)
        speed = size / max(time.monotonic() - started, 1e-6)
        self._emit(
            ImageSaved(
                worker=n,
                timestamp=actual,
                path=str(path),
                size=size,
                saved=self._scheduler.saved,
                requested=self.options.count,
            )
        )
        self._emit(
            WorkerUpdate(
                worker=n,
                state=WorkerState.SAVED,
                timestamp=actual,
                bytes_received=size,
                bytes_total=size,
                speed_bps=speed,
                attempt=attempt,
            )
        )

    def _give_up(self) -> bool:
        return self._stop.stopping or self._scheduler.budget_left <= 0

    def on_retry(self, n: int, stamp: str, state: RetryCallState) -> None:
        """Worker ``n`` will try ``stamp`` again: count the failure, report the wait."""
        exc = state.outcome.exception() if state.outcome is not None else None
        reason = failure_reason(exc) if exc is not None else "error"
        wait = state.upcoming_sleep
        self._outcome.failed(reason)
        limited = isinstance(exc, RateLimited)
        error = f"retry in {human_duration(wait)}…" if limited else str(exc)
        self._last_error[n] = error
        log.info("worker %d: %s failed (%s), retry in %.2fs", n, stamp, exc, wait)
        self._emit(ImageFailed(worker=n, timestamp=stamp, reason=reason, final=False))
        self._emit(
            WorkerUpdate(
                worker=n,
                state=WorkerState.RETRYING,
                timestamp=stamp,
                attempt=state.attempt_number,
                error=error,
                retry_in_s=wait,
                rate_limited=limited,
            )
        )

    def on_final_failure(self, n: int, stamp: str, exc: BaseException, attempt: int) -> None:
        """Worker ``n`` gives ``stamp`` up: count and report it (a fatal error stops the run)."""
        if isinstance(exc, (AuthError, StorageError, RateLimitTooLong)):
            self._outcome.fatal(*fatal_error(exc))  # a rate limit that long is account-wide
            return
        if isinstance(exc, BudgetExhausted) or self._stop.stopping:
            return  # the scheduler holds the reason; a stop is not a failure
        if isinstance(exc, NoFrameLeft):
            self.empty += 1
            self._emit(WorkerUpdate(worker=n, state=WorkerState.IDLE))
            return
        reason = "duplicate image" if isinstance(exc, Duplicate) else failure_reason(exc)
        self._outcome.failed(reason)
        log.info("worker %d: giving up on %s: %s", n, stamp, exc)
        self._emit(ImageFailed(worker=n, timestamp=stamp, reason=reason, final=True))
        self._emit(
            WorkerUpdate(
                worker=n,
                state=WorkerState.FAILED,
                timestamp=stamp,
                attempt=attempt,
                error=str(exc),
            )
        )
