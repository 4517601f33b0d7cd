"""One image from the wire to disk: stream into a ``.part`` file, check, commit.

The write-check-rename protocol is :class:`PartFile`'s; this module adds the run around it: the
timestamp the server says it sent is claimed (a duplicate is refused before a byte is written),
progress is reported while bytes arrive, and the file's creation and commit are shielded from a
stop (they wait on a thread), which is checked right before and after.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from een_tui.api.backend import Backend
from een_tui.api.responses import ImageHeaders
from een_tui.download.cancellation import Cancellation
from een_tui.download.events import Event, WorkerState, WorkerUpdate
from een_tui.download.options import DownloadOptions
from een_tui.download.scheduler import Scheduler
from een_tui.download.storage import BadImage, PartFile, image_path, safe_timestamp


class Streamer:
    """Saves images of one run; every commit is recorded in the scheduler."""

    def __init__(
        self,
        backend: Backend,
        options: DownloadOptions,
        scheduler: Scheduler,
        stop: Cancellation,
        emit: Callable[[Event], None],
    ) -> None:
        self._backend = backend
        self._options = options
        self._scheduler = scheduler
        self._stop = stop
        self._emit = emit

    def save(
        self, n: int, esn: str, stamp: str, attempt: int, started: float
    ) -> tuple[Path, str, int]:
        """Worker ``n`` (0: the health check) fetches ``stamp``; returns (path, actual
        timestamp, size). Raises on any failure; nothing is left on disk then."""
        opts = self._options
        with self._backend.open_image(esn, stamp) as (headers, chunks):
            reported = safe_timestamp(headers.timestamp) if headers.timestamp is not None else None
            actual = self._scheduler.claim(stamp, reported)
            try:
                check_content_type(headers)
                path = image_path(opts.out_dir, esn, actual)
                total = headers.content_length
                part = PartFile(
                    path,
                    max_bytes=opts.max_image_bytes,
                    expected_length=total,
                    run_blocking=self._stop.run_blocking,
                )
                with self._stop.shielded():  # creating the file runs in a thread: not killed there
                    part.open()
                with part, self._stop.part_file(part.part_path):
                    self._stop.check()
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
                    # Commit: check, fsync (in a thread), rename and bookkeeping as one step.
                    # A stop does not kill a committing worker; it stops after.
                    self._stop.check()
                    with self._stop.shielded():
                        part.commit()
                        self._scheduler.commit(actual, str(path))
                return path, actual, part.size
            finally:
                self._scheduler.unclaim(stamp, actual)


def check_content_type(headers: ImageHeaders) -> None:
    """Only ``image/jpeg`` is saved."""
    content_type = (headers.content_type or "").split(";")[0].strip().lower()
    if content_type != "image/jpeg":
        raise BadImage(f"answer is {content_type or 'untyped'}, not image/jpeg")
