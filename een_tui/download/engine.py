"""The download engine: W long-lived worker greenlets fetch N distinct previews to disk.

Flow: choose a healthy camera and plan its timestamps (in a helper greenlet, so a cancel is
prompt; the health check's probe image is saved and counted, never fetched twice), then W
workers pull timestamps from a gevent queue. A worker takes a new timestamp only while
``saved + in progress < N``, so the run stops by itself as soon as N images are saved and never
holds more than W image requests in flight. Each timestamp is retried (tenacity) on
transient failures; a timestamp without an image, or whose answer duplicates an image already
held (``X-Ee-Timestamp``), is dropped and a spare taken instead. ``cancel()`` kills the workers
while they wait on the network; the write-check-rename step never yields, so no worker is ever
stopped in the middle of it, and every ``.part`` file is removed.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

import gevent
import gevent.event
import gevent.lock
import gevent.queue
import requests
import urllib3.exceptions
from tenacity import RetryCallState, Retrying, retry_if_exception

from een_tui.api.client import ImageHeaders
from een_tui.api.devices import Device
from een_tui.api.errors import AuthError, EenError, NetworkError, SessionExpired
from een_tui.download.events import (
    CameraRejected,
    Event,
    FailureKind,
    ImageFailed,
    ImageSaved,
    RunFinished,
    RunOutcome,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
)
from een_tui.download.health import NoUsableCamera, check_camera, choose_camera
from een_tui.download.options import DownloadOptions
from een_tui.download.plan import PreviewPlan, PreviewSource, plan_by_listing
from een_tui.download.retry import failure_reason, is_retryable, wait_backoff_or_retry_after
from een_tui.download.storage import (
    BadImage,
    ImageTooLarge,
    PartFile,
    StorageError,
    UnsafeName,
    camera_dir,
    ensure_dir,
    fsync_dir,
    image_path,
    safe_esn,
    safe_timestamp,
    saved_timestamps,
)

__all__ = ["DownloadEngine", "DownloadOptions"]

log = logging.getLogger(__name__)

EventCallback = Callable[[Event], None]
_NETWORK_ERRORS = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)


class _Stop(gevent.GreenletExit):
    """Thrown into a worker to stop it (cancel, fatal error). Not an error."""


class _Duplicate(Exception):
    """The server answered with an image this run already holds or is fetching."""


class _BudgetExhausted(Exception):
    """The run's total attempt budget is used up."""


_FINAL_ERRORS = (EenError, ImageTooLarge, UnsafeName, StorageError, _Duplicate, _BudgetExhausted)


class DownloadEngine:
    """Downloads ``options.count`` distinct previews of one camera with ``options.workers``
    greenlets; reports progress through ``on_event`` (called from greenlets; keep it cheap)."""

    def __init__(
        self,
        client: PreviewSource,
        options: DownloadOptions | None = None,
        on_event: EventCallback | None = None,
    ) -> None:
        self.client = client
        self.options = options or DownloadOptions()
        self.on_event = on_event
        self.download_elapsed_s: float | None = None  # wall time of the worker phase
        self._started = False
        self._stopping = False
        self._cancelled = False
        self._error: tuple[FailureKind, str] | None = None
        self._incomplete_reason: str | None = None
        self._stop_event = gevent.event.Event()
        self._prep: gevent.Greenlet | None = None
        self._workers: list[gevent.Greenlet] = []
        self._queue: gevent.queue.Queue = gevent.queue.Queue()
        self._refill_lock = gevent.lock.BoundedSemaphore(1)
        self._camera: Device | None = None
        self._esn = ""
        self._folder: Path | None = None
        self._budget_left = self.options.budget
        self._session_retries = 0
        self._saved_ts: set[str] = set()
        self._inflight: set[str] = set()
        self._planned: set[str] = set()
        self._oldest: str | None = None
        self._exhausted = False
        self._in_progress = 0
        self._files: list[str] = []
        self._probe: tuple[Path, str, int] | None = None  # the health check's saved image
        self._open_parts: set[Path] = set()
        self._shielded_workers: set[object] = set()  # in file create/commit: never killed there
        self._failures: Counter[str] = Counter()
        self._last_error: dict[int, str | None] = {}  # per worker, while retrying a timestamp
        self._t0 = time.monotonic()

    # -- public -------------------------------------------------------------------------------

    @property
    def saved(self) -> int:
        """Images saved so far (files already on disk for planned timestamps included)."""
        return len(self._files)

    def cancel(self) -> None:
        """Stop promptly from any greenlet (or a signal handler): saved files stay, ``.part``
        files go. Safe to call more than once, before, during or after :meth:`run`."""
        if not self._cancelled:
            log.info("download cancelled")
        self._cancelled = True
        self._stop_all()

    def run(self, camera: Device | None = None, candidates: Iterable[Device] = ()) -> RunFinished:
        """Choose the camera (``None`` = a random healthy one of ``candidates``), download,
        and return the :class:`RunFinished` event (also emitted)."""
        if self._started:
            raise RuntimeError("a DownloadEngine runs once")
        self._started = True
        self._t0 = time.monotonic()
        try:
            if not self._stopping:
                self._prep = gevent.spawn(self._prepare, camera, list(candidates))
                prepared = self._prep.get()
                if isinstance(prepared, tuple) and not self._stopping:
                    self._download(*prepared)
        finally:
            self._stopping = True
            self._stop_event.set()
            alive = [g for g in [self._prep, *self._workers] if g is not None and not g.dead]
            if alive:  # only when run() itself was interrupted: let commits finish first
                gevent.joinall([g for g in alive if g in self._shielded_workers], timeout=10)
                gevent.killall(alive, _Stop, block=True)
            self._remove_parts()
        return self._finish()

    # -- preparation --------------------------------------------------------------------------

    def _prepare(self, camera: Device | None, candidates: list[Device]) -> object:
        opts = self.options
        rng = random.Random(opts.seed)
        total = opts.count + opts.spare_count

        def check(device: Device) -> PreviewPlan:
            try:
                on_disk = saved_timestamps(opts.out_dir, device.id)
            except UnsafeName:
                on_disk = set()  # check_camera refuses the camera
            while True:
                try:
                    return check_camera(
                        self.client,
                        device,
                        total=total,
                        fetch=partial(self._save_probe, device),
                        on_disk=on_disk,
                        attempts=opts.health_attempts,
                        policy=opts.retry,
                        sleep=self._sleep,
                    )
                except SessionExpired:
                    if not self._may_retry_session():
                        raise

        try:
            return choose_camera(
                camera,
                candidates,
                tries=opts.camera_tries,
                rng=rng,
                on_reject=self._emit,
                check=check,
            )
        except NoUsableCamera as exc:
            self._fatal(FailureKind.NO_USABLE_CAMERA, f"no usable camera: {exc}")
        except AuthError as exc:
            self._fatal(FailureKind.AUTH, f"authentication failed: {exc}")
        except StorageError as exc:
            self._fatal(FailureKind.STORAGE, str(exc))
        except EenError as exc:
            self._fatal(FailureKind.OTHER, str(exc))
        except Exception as exc:  # a bug: report it, never a silent hang
            log.exception("camera choice failed")
            self._fatal(FailureKind.OTHER, f"internal error: {exc!r}")
        return None

    def _download(self, camera: Device, plan: PreviewPlan) -> None:
        opts = self.options
        self._camera = camera
        try:
            self._esn = safe_esn(camera.id)
            self._folder = camera_dir(opts.out_dir, self._esn)
            ensure_dir(self._folder)
            on_disk = saved_timestamps(opts.out_dir, self._esn)
        except (StorageError, UnsafeName) as exc:
            kind = FailureKind.STORAGE if isinstance(exc, StorageError) else FailureKind.OTHER
            self._fatal(kind, str(exc))
            return
        already: list[str] = []
        for stamp in plan.timestamps:
            self._planned.add(stamp)
            if stamp in self._saved_ts:
                continue  # the health check's image, saved already
            if stamp in on_disk and len(self._files) < opts.count:
                already.append(str(image_path(opts.out_dir, self._esn, stamp)))
                self._saved_ts.add(stamp)
                self._files.append(already[-1])
            else:
                self._queue.put(stamp)
        self._oldest = min(plan.timestamps) if plan.timestamps else None
        self._emit(
            RunPlanned(
                camera=camera,
                requested=opts.count,
                workers=opts.workers,
                timestamps=plan.timestamps,
                out_dir=str(self._folder),
                already_saved=tuple(already),
                source=plan.source,
            )
        )
        if self._probe is not None:
            path, actual, size = self._probe
            self._emit(
                ImageSaved(
                    worker=0,
                    timestamp=actual,
                    path=str(path),
                    size=size,
                    saved=len(self._files),
                    requested=opts.count,
                )
            )
        started = time.monotonic()
        self._workers = [gevent.spawn(self._worker, n) for n in range(1, opts.workers + 1)]
        try:
            gevent.joinall(self._workers)
        finally:
            fsync_dir(self._folder)  # the renames of this run, made durable once
        self.download_elapsed_s = time.monotonic() - started

    # -- workers ------------------------------------------------------------------------------

    def _worker(self, n: int) -> None:
        self._emit(WorkerUpdate(worker=n, state=WorkerState.IDLE))
        try:
            while True:
                stamp = self._take()
                if stamp is None:
                    break
                self._fetch_with_retries(n, stamp)
        except _Stop:
            pass
        except Exception as exc:  # a bug: stop the run with a message rather than hang
            log.exception("worker %d failed", n)
            self._fatal(FailureKind.OTHER, f"internal error: {exc!r}")
        finally:
            self._emit(WorkerUpdate(worker=n, state=WorkerState.STOPPED))

    def _take(self) -> str | None:
        """The next timestamp for a worker, or None when it should stop."""
        count = self.options.count
        while not self._stopping:
            if len(self._files) + self._in_progress >= count:
                return None
            if self._budget_left <= 0:
                self._incomplete_reason = "attempt budget exhausted"
                return None
            try:
                stamp = self._queue.get_nowait()
            except gevent.queue.Empty:
                if not self._refill():
                    return None
                continue
            if stamp in self._saved_ts or stamp in self._inflight:
                continue
            self._in_progress += 1
            self._inflight.add(stamp)
            return stamp
        return None

    def _refill(self) -> bool:
        """Plan more (older) timestamps when the spares run out; False when there are none."""
        with self._refill_lock:
            if not self._queue.empty():
                return True
            if self._exhausted or self._stopping or self._oldest is None:
                return False
            missing = self.options.count - len(self._files) - self._in_progress
            if missing <= 0:
                return False
            want = missing + self.options.spare_count
            while True:
                try:
                    more = plan_by_listing(
                        self.client, self._esn, want, start=self._oldest, exclude=self._planned
                    )
                    break
                except SessionExpired as exc:
                    if not self._may_retry_session():
                        self._fatal(FailureKind.AUTH, f"authentication failed: {exc}")
                        return False
                except AuthError as exc:
                    self._fatal(FailureKind.AUTH, f"authentication failed: {exc}")
                    return False
                except EenError as exc:
                    log.info("could not plan more previews: %s", exc)
                    more = []
                    break
            more = [s for s in more if s < self._oldest]
            if not more:
                self._exhausted = True
                self._incomplete_reason = "no more previews to try"
                return False
            for stamp in more:
                self._planned.add(stamp)
                self._queue.put(stamp)
            self._oldest = min(more)
            return True

    def _fetch_with_retries(self, n: int, stamp: str) -> None:
        attempts = [0]
        self._last_error[n] = None

        def attempt() -> None:
            attempts[0] += 1
            self._attempt(n, stamp, attempts[0])

        retrying = Retrying(
            stop=self._should_stop_retrying,
            wait=wait_backoff_or_retry_after(self.options.retry),
            retry=retry_if_exception(self._should_retry),
            sleep=self._sleep,
            before_sleep=partial(self._on_retry, n, stamp),
            reraise=True,
        )
        try:
            retrying(attempt)
        except _Stop:
            raise
        except _FINAL_ERRORS as exc:
            self._on_final_failure(n, stamp, exc, attempts[0])
        finally:
            self._in_progress -= 1
            self._inflight.discard(stamp)

    def _attempt(self, n: int, stamp: str, attempt: int) -> None:
        """One request for ``stamp``: stream, check, commit. Raises on any failure."""
        if self._stopping:
            raise _Stop()
        if self._budget_left <= 0:
            raise _BudgetExhausted("attempt budget exhausted")
        self._budget_left -= 1
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
        path, actual, size = self._save_image(n, self._esn, stamp, attempt, started)
        speed = size / max(time.monotonic() - started, 1e-6)
        self._emit(
            ImageSaved(
                worker=n,
                timestamp=actual,
                path=str(path),
                size=size,
                saved=len(self._files),
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

    def _save_probe(self, camera: Device, esn: str, stamp: str) -> None:
        """The health check's image: saved and counted like any other, so the check costs no
        extra request. Reported (as worker 0) once the run is planned."""
        folder = camera_dir(self.options.out_dir, esn)
        made_here = not folder.exists()
        try:
            self._probe = self._save_image(0, safe_esn(esn), stamp, 1, time.monotonic())
        except BaseException:
            if made_here:  # a rejected camera leaves no empty folder behind
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        self._camera = camera
        self._folder = self._probe[0].parent

    def _save_image(
        self, n: int, esn: str, stamp: str, attempt: int, started: float
    ) -> tuple[Path, str, int]:
        """Stream, check and commit one image; returns (path, actual timestamp, size)."""
        try:
            return self._stream(n, esn, stamp, attempt, started)
        except _NETWORK_ERRORS as exc:
            raise NetworkError(f"connection broken: {exc}") from exc

    def _stream(
        self, n: int, esn: str, stamp: str, attempt: int, started: float
    ) -> tuple[Path, str, int]:
        opts = self.options
        with self.client.open_image(esn, stamp) as (headers, chunks):
            actual = self._claim(stamp, headers)
            try:
                _check_content_type(headers)
                path = image_path(opts.out_dir, esn, actual)
                total = headers.content_length
                part = PartFile(
                    path,
                    max_bytes=opts.max_image_bytes,
                    expected_length=total,
                    run_blocking=self._run_blocking,
                )
                with self._shielded():  # creating the file runs in a thread: not killed there
                    part.open()
                with part:
                    self._open_parts.add(part.part_path)
                    try:
                        if self._stopping:
                            raise _Stop()
                        last_report = started
                        for chunk in chunks:
                            part.write(chunk)
                            now = time.monotonic()
                            if n and now - last_report >= opts.progress_interval_s:
                                last_report = now
                                self._emit(
                                    WorkerUpdate(
                                        worker=n,
                                        state=WorkerState.FETCHING,
                                        timestamp=actual,
                                        bytes_received=part.size,
                                        bytes_total=total,
                                        speed_bps=part.size / max(now - started, 1e-6),
                                        attempt=attempt,
                                    )
                                )
                        # Commit: check, fsync (in a thread), rename and bookkeeping as one
                        # step. A cancel does not kill a committing worker; it stops after.
                        if self._stopping:
                            raise _Stop()
                        with self._shielded():
                            part.commit()
                            self._saved_ts.add(actual)
                            self._files.append(str(path))
                    finally:
                        self._open_parts.discard(part.part_path)
                return path, actual, part.size
            finally:
                if actual != stamp:
                    self._inflight.discard(actual)

    def _claim(self, stamp: str, headers: ImageHeaders) -> str:
        """The timestamp the server says it sent (``X-Ee-Timestamp``), deduplicated."""
        if headers.timestamp is None:
            return stamp
        actual = safe_timestamp(headers.timestamp)
        if actual == stamp:
            return stamp
        if actual in self._saved_ts or actual in self._inflight:
            raise _Duplicate(f"asked for {stamp}, got {actual} which this run already has")
        self._inflight.add(actual)
        return actual

    # -- retries and failures -----------------------------------------------------------------

    def _should_retry(self, exc: BaseException) -> bool:
        if is_retryable(exc):
            return True
        return isinstance(exc, SessionExpired) and self._may_retry_session()

    def _may_retry_session(self) -> bool:
        """A "session expired" that survived the client's one re-login: tolerated a few times
        per run (a 401 can hit the retried request too), never in a loop."""
        if self._session_retries >= self.options.max_session_retries:
            return False
        self._session_retries += 1
        log.info("session expired again: retrying (%d)", self._session_retries)
        return True

    def _should_stop_retrying(self, state: RetryCallState) -> bool:
        return (
            state.attempt_number >= self.options.retry.max_attempts
            or self._stopping
            or self._budget_left <= 0
        )

    def _on_retry(self, n: int, stamp: str, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        reason = failure_reason(exc) if exc is not None else "error"
        wait = state.upcoming_sleep
        self._failures[reason] += 1
        self._last_error[n] = str(exc)
        log.info("worker %d: %s failed (%s), retry in %.2fs", n, stamp, exc, wait)
        self._emit(ImageFailed(worker=n, timestamp=stamp, reason=reason, final=False))
        self._emit(
            WorkerUpdate(
                worker=n,
                state=WorkerState.RETRYING,
                timestamp=stamp,
                attempt=state.attempt_number,
                error=str(exc),
                retry_in_s=wait,
            )
        )

    def _on_final_failure(self, n: int, stamp: str, exc: BaseException, attempt: int) -> None:
        if isinstance(exc, AuthError):
            self._fatal(FailureKind.AUTH, f"authentication failed: {exc}")
            return
        if isinstance(exc, StorageError):
            self._fatal(FailureKind.STORAGE, str(exc))
            return
        if isinstance(exc, _BudgetExhausted):
            self._incomplete_reason = "attempt budget exhausted"
            return
        if self._stopping:
            return
        reason = "duplicate image" if isinstance(exc, _Duplicate) else failure_reason(exc)
        self._failures[reason] += 1
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

    # -- stopping -----------------------------------------------------------------------------

    def _run_blocking(self, function: Callable[..., object], args: tuple) -> object:
        """Run blocking file I/O in gevent's threadpool and always wait for it to finish: a
        stop that arrives meanwhile is dropped here (``_stopping`` is already set, and the
        worker checks it right after), so no file is created or renamed behind our back."""
        pending = gevent.get_hub().threadpool.spawn(function, *args)
        while True:
            try:
                return pending.get()
            except _Stop:
                continue

    @contextlib.contextmanager
    def _shielded(self) -> Iterator[None]:
        """A step a cancel must not interrupt (it waits on a thread doing file I/O)."""
        me = gevent.getcurrent()
        self._shielded_workers.add(me)
        try:
            yield
        finally:
            self._shielded_workers.discard(me)

    def _sleep(self, seconds: float) -> None:
        """Backoff sleep that a cancel cuts short."""
        self._stop_event.wait(max(0.0, seconds))

    def _fatal(self, kind: FailureKind, message: str) -> None:
        if self._error is None:
            log.error("download failed: %s", message)
            self._error = (kind, message)
        self._stop_all()

    def _stop_all(self) -> None:
        self._stopping = True
        self._stop_event.set()
        current = gevent.getcurrent()
        for greenlet in [self._prep, *self._workers]:
            if greenlet is None or greenlet is current or greenlet.dead:
                continue
            if greenlet not in self._shielded_workers:
                greenlet.kill(_Stop, block=False)

    def _remove_parts(self) -> None:
        for path in list(self._open_parts):
            with contextlib.suppress(OSError):
                path.unlink()
        self._open_parts.clear()

    def _finish(self) -> RunFinished:
        count = self.options.count
        kind = message = None
        if self._error is not None:
            outcome = RunOutcome.FAILED
            kind, message = self._error
        elif len(self._files) >= count:
            outcome = RunOutcome.DONE
        elif self._cancelled:
            outcome = RunOutcome.CANCELLED
            message = "cancelled"
        else:
            outcome = RunOutcome.INCOMPLETE
            message = self._incomplete_reason or "no more previews to try"
        result = RunFinished(
            outcome=outcome,
            camera=self._camera,
            requested=count,
            files=tuple(self._files),
            failures=dict(self._failures),
            elapsed_s=time.monotonic() - self._t0,
            error=message,
            error_kind=kind,
            out_dir=str(self._folder) if self._folder is not None else None,
        )
        self._emit(result)
        return result

    def _emit(self, event: Event | CameraRejected) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except _Stop:
            raise
        except Exception:  # a broken renderer must not break a download
            log.exception("event handler failed on %s", type(event).__name__)


def _check_content_type(headers: ImageHeaders) -> None:
    content_type = (headers.content_type or "").split(";")[0].strip().lower()
    if content_type != "image/jpeg":
        raise BadImage(f"answer is {content_type or 'untyped'}, not image/jpeg")
