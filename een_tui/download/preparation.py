"""Before and between downloads: choose a healthy camera and plan its timestamps, make its
folder, check a named camera's first image, and plan older timestamps when the spares run out.

The health check's probe image is saved and counted like any other, so the check costs no extra
request. A random camera is probed before it is chosen (worker 0, reported once the run is
planned). A camera the user named is probed by worker 1 while the other workers already fetch
(:class:`FirstImageCheck`), so the check costs no extra round trip either.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence, Set
from functools import partial
from pathlib import Path

import gevent.lock

from een_tui.api.backend import Backend, PreviewPlan
from een_tui.api.errors import AuthError, EenError, RateLimitTooLong
from een_tui.api.model import Camera
from een_tui.download.attempts import (
    Attempts,
    SaveImage,
    SessionRetries,
    fatal_error,
    internal_error,
)
from een_tui.download.cancellation import Cancellation
from een_tui.download.events import CameraRejected
from een_tui.download.health import (
    CameraUnhealthy,
    NoUsableCamera,
    ProbeHooks,
    check_camera,
    choose_camera,
    plan_camera,
    probe_image,
    refused,
)
from een_tui.download.options import DownloadOptions
from een_tui.download.outcome import Outcome
from een_tui.download.plan_ahead import PlanAhead
from een_tui.download.scheduler import REFILL, BudgetExhausted, Scheduler
from een_tui.download.storage import (
    StorageError,
    UnsafeName,
    camera_dir,
    ensure_dir,
    safe_esn,
    saved_timestamps,
)

log = logging.getLogger(__name__)


class Preparation:
    """Chooses the camera of one run (:meth:`choose`); keeps the probe image it saved."""

    def __init__(
        self,
        backend: Backend,
        options: DownloadOptions,
        save: SaveImage,
        *,
        session: SessionRetries,
        sleep: Callable[[float], None],
        on_reject: Callable[[CameraRejected], None],
        outcome: Outcome,
    ) -> None:
        self._backend = backend
        self._options = options
        self._save = save
        self._session = session
        self._sleep = sleep
        self._on_reject = on_reject
        self._outcome = outcome
        self.probe: tuple[Path, str, int] | None = None  # (path, actual timestamp, size)
        self.plan_ahead: PlanAhead | None = None  # a named camera's plan, asked for already

    def choose(self, camera: Camera | None, candidates: list[Camera]) -> object:
        """``(camera, plan)``: ``camera`` (planned only: its image check is the run's first
        round), or a random healthy one of ``candidates`` when None (checked whole). On failure
        the run's outcome gets the fatal error, and None is returned."""
        opts = self._options
        try:
            return choose_camera(
                camera,
                candidates,
                tries=opts.camera_tries,
                rng=random.Random(opts.seed),
                on_reject=self._on_reject,
                check=self._check if camera is None else self._plan,
            )
        except (NoUsableCamera, EenError, StorageError) as exc:
            self._outcome.fatal(*fatal_error(exc))
        except Exception as exc:  # a bug: report it, never a silent hang
            log.exception("camera choice failed")
            self._outcome.fatal(*internal_error(exc))
        return None

    def _plan(self, device: Camera) -> PreviewPlan:
        opts = self._options
        ahead, self.plan_ahead = self.plan_ahead, None  # used once (the engine cancels it)
        same = ahead is not None and ahead.esn.lower() == str(device.id).lower()
        planned = ahead.result if same else None
        return self._session.call(
            lambda: plan_camera(
                self._backend,
                device,
                total=opts.count + opts.spare_count,
                attempts=opts.health_attempts,
                policy=opts.retry,
                sleep=self._sleep,
                planned=planned,
            )
        )

    def _check(self, device: Camera) -> PreviewPlan:
        opts = self._options
        try:
            on_disk = saved_timestamps(opts.out_dir, device.id)
        except UnsafeName:
            on_disk = set()  # check_camera refuses the camera
        return self._session.call(
            lambda: check_camera(
                self._backend,
                device,
                total=opts.count + opts.spare_count,
                fetch=partial(self._save_probe, device),
                on_disk=on_disk,
                attempts=opts.health_attempts,
                policy=opts.retry,
                sleep=self._sleep,
            )
        )

    def _save_probe(self, camera: Camera, esn: str, stamp: str) -> None:
        folder = camera_dir(self._options.out_dir, esn)
        made_here = not folder.exists()
        try:
            self.probe = self._save(0, safe_esn(esn), stamp, 1, time.monotonic())
        except BaseException:
            if made_here:  # a rejected camera leaves no empty folder behind
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        self._outcome.camera = camera
        self._outcome.folder = self.probe[0].parent


class FirstImageCheck:
    """The image half of a named camera's health check, as worker ``n``'s first job while the
    other workers fetch: one of the first ``PROBE_CANDIDATES`` timestamps it takes must be
    saved, with the health check's retries (any image another worker saves meanwhile proves the
    camera too). Otherwise the run fails with the error a refused camera always had."""

    def __init__(
        self,
        camera: Camera,
        options: DownloadOptions,
        attempts: Attempts,
        scheduler: Scheduler,
        *,
        session: SessionRetries,
        outcome: Outcome,
        stop: Cancellation,
    ) -> None:
        self._camera = camera
        self._options = options
        self._attempts = attempts
        self._scheduler = scheduler
        self._session = session
        self._outcome = outcome
        self._stop = stop
        self._taken = 0

    def run(self, n: int, next_stamp: Callable[[], str | None]) -> bool:
        """Worker ``n`` checks the camera; True when the run goes on (the camera is fine, or
        there was nothing left to fetch), False once the run is stopping."""
        opts, attempts = self._options, self._attempts
        tries: dict[str, int] = {}

        def fetch(esn: str, stamp: str) -> None:
            tries[stamp] = tries.get(stamp, 0) + 1
            if tries[stamp] == 1:
                attempts.forget_error(n)
            attempts.attempt(n, stamp, tries[stamp])

        hooks = ProbeHooks(
            relogin=self._session.allow,
            on_retry=partial(attempts.on_retry, n),
            on_give_up=lambda stamp, exc: attempts.on_final_failure(n, stamp, exc, tries[stamp]),
        )
        candidates = self._candidates(next_stamp)
        try:
            probe_image(
                attempts.esn, candidates, fetch=fetch, attempts=opts.health_attempts,
                policy=opts.retry, sleep=self._stop.sleep, hooks=hooks,
            )
            return True
        except CameraUnhealthy as exc:
            if self._taken == 0 or self._saved_this_run():
                return True
            self._outcome.fatal(*fatal_error(refused(self._camera, exc)))
        except (AuthError, RateLimitTooLong, StorageError) as exc:
            self._outcome.fatal(*fatal_error(exc))
        except BudgetExhausted:
            pass  # the scheduler holds the reason
        finally:
            candidates.close()
        return False

    def _candidates(self, next_stamp: Callable[[], str | None]) -> Iterator[str]:
        """Timestamps taken from the run's queue as the probe asks for them (it takes at most
        :data:`~een_tui.download.health.PROBE_CANDIDATES`), each given back once tried."""
        while (stamp := next_stamp()) is not None:
            self._taken += 1
            try:
                yield stamp
            finally:
                self._scheduler.release(stamp)

    def _saved_this_run(self) -> bool:
        return self._scheduler.saved > len(self._scheduler.existing)


def camera_folder(
    options: DownloadOptions, camera: Camera, outcome: Outcome
) -> tuple[str, Path, set[str], bool] | None:
    """The chosen camera's ESN, its output folder (made), the timestamps saved there and
    whether this call made the folder; None after reporting a fatal error to ``outcome``."""
    try:
        esn = safe_esn(camera.id)
        outcome.folder = folder = camera_dir(options.out_dir, esn)
        made = not folder.exists()
        ensure_dir(folder)
        return esn, folder, saved_timestamps(options.out_dir, esn), made
    except (StorageError, UnsafeName) as exc:
        outcome.fatal(*fatal_error(exc))
        return None


class Replanner:
    """Hands workers their next timestamp, planning older ones of camera ``esn`` when the
    scheduler's queue runs dry (one planner at a time; the others then find its timestamps)."""

    def __init__(
        self,
        backend: Backend,
        esn: str,
        session: SessionRetries,
        outcome: Outcome,
        scheduler: Scheduler,
        stop: Cancellation,
    ) -> None:
        self._backend = backend
        self._esn = esn
        self._session = session
        self._outcome = outcome
        self._scheduler = scheduler
        self._stop = stop
        self._lock = gevent.lock.BoundedSemaphore(1)

    def next_stamp(self) -> str | None:
        """The worker's next timestamp, now in flight; None when it should stop."""
        while not self._stop.stopping:
            stamp = self._scheduler.take()
            if stamp is not REFILL:
                return stamp
            with self._lock:
                if self._stop.stopping or not self._scheduler.refill(self.plan_more):
                    return None
        return None

    def plan_more(self, want: int, start: str, exclude: Set[str]) -> Sequence[str] | None:
        """Up to ``want`` timestamps from ``start`` back, none of ``exclude``; ``[]`` when the
        listing fails (the run ends short), None after a fatal error (the run stops)."""
        try:
            return self._session.call(
                lambda: self._backend.plan_previews(
                    self._esn, want, before=start, exclude=exclude).timestamps
            )
        except AuthError as exc:  # a session expiry past its allowance too
            self._outcome.fatal(*fatal_error(exc))
            return None
        except EenError as exc:
            log.info("could not plan more previews: %s", exc)
            return []
