"""The headless renderer of download events (``een-tui download``).

On a terminal: one compact status line, redrawn at most ten times a second. Otherwise (a pipe, a
log file): one line per saved file, rejected camera and abandoned timestamp, no animation. Both
end with a summary; :func:`summary_dict` is the ``--json`` form of it.
"""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from een_tui.api.text import clean_text
from een_tui.download.events import (
    CameraRejected,
    Event,
    ImageFailed,
    ImageSaved,
    RunFinished,
    RunOutcome,
    RunPlanned,
    WorkerState,
    WorkerUpdate,
)
from een_tui.download.health import describe_camera
from een_tui.download.progress import DownloadProgress
from een_tui.units import human_bytes, human_duration

LIVE_INTERVAL_S = 0.1
CLEAR_LINE = "\r\x1b[K"


def summary_dict(result: RunFinished) -> dict:
    """The run's summary for ``--json``: camera, requested, saved (and files: every image the
    run asked for and has, on disk before included), new (fetched now, with ``new_files``)
    and already_on_disk apart, failures, elapsed, and the rate of the new ones."""
    camera = result.camera
    elapsed = round(result.elapsed_s, 3)
    return {
        "outcome": result.outcome.value,
        "camera": None
        if camera is None
        else {"id": camera.id, "name": camera.name, "status": camera.status.value},
        "requested": result.requested,
        "saved": result.saved,
        "new": len(result.new_files),
        "already_on_disk": len(result.existing),
        "files": list(result.files),
        "new_files": list(result.new_files),
        "failures": dict(result.failures),
        "elapsed_s": elapsed,
        "images_per_s": round(result.rate, 2) if result.elapsed_s else None,  # new ones
        "out_dir": result.out_dir,
        "error": result.error,
    }


class HeadlessPrinter:
    """Renders engine events on ``stream`` (stderr); ``live`` defaults to ``stream.isatty()``."""

    def __init__(self, stream: TextIO, *, live: bool | None = None, summary: bool = True) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.summary = summary
        self.progress = DownloadProgress()  # the run's state; this class only renders it
        self._last_draw = 0.0
        self._line_shown = False
        self._dead = False  # the stream failed: nothing more is written
        self._rate_note_until = 0.0  # a rate-limit wait is being shown until then

    def handle(self, event: Event) -> None:
        """The engine's ``on_event`` callback."""
        self.progress.apply(event)
        if isinstance(event, WorkerUpdate):
            if event.rate_limited and event.retry_in_s is not None:
                self._rate_limited(event.retry_in_s)
            self._draw()
        elif isinstance(event, ImageSaved):
            if self.live:
                self._draw(force=event.saved >= event.requested)
            else:
                width = len(str(event.requested))
                self._line(
                    f"saved {event.saved:>{width}}/{event.requested} {event.path} "
                    f"({event.size} bytes)"
                )
        elif isinstance(event, ImageFailed):
            if event.final:
                self._line(f"gave up on {event.timestamp}: {event.reason}")
        elif isinstance(event, CameraRejected):
            self._line(f"skipped camera {describe_camera(event.camera)}: {event.reason}")
        elif isinstance(event, RunPlanned):
            already = (
                f" ({len(event.already_saved)} already on disk)" if event.already_saved else ""
            )
            self._line(
                f"camera {describe_camera(event.camera)} ({event.camera.status.label}): "
                f"{event.requested} previews with {event.workers} workers to {event.out_dir}"
                f"{already}"
            )
        elif isinstance(event, RunFinished):
            self._clear()
            if self.summary:
                for line in summary_lines(event):
                    self._line(line)

    def _rate_limited(self, wait_s: float) -> None:
        """One status line per wait the server imposes (not one per worker)."""
        now = time.monotonic()
        if now < self._rate_note_until:
            return
        self._rate_note_until = now + wait_s
        self._line(f"rate limited by EEN (429): retry in {human_duration(wait_s)}…")

    def _line(self, text: str) -> None:
        self._clear()
        self._write(clean_text(text) + "\n")  # last line of defence: no raw controls
        if self.live:
            self._draw(force=True)

    def _clear(self) -> None:
        if self._line_shown:
            self._write(CLEAR_LINE)
            self._line_shown = False

    def _draw(self, *, force: bool = False) -> None:
        progress = self.progress
        if not self.live or not progress.requested or not progress.running:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < LIVE_INTERVAL_S:
            return
        self._last_draw = now
        busy = progress.count(WorkerState.FETCHING)
        retrying = progress.count(WorkerState.RETRYING)
        text = (
            f"{progress.saved}/{progress.requested} saved | {busy} fetching, {retrying} retrying | "
            f"{human_bytes(progress.bytes_saved)} | {progress.download_rate(now):.1f} images/s"
        )
        width = shutil.get_terminal_size((80, 24)).columns
        self._write(CLEAR_LINE + text[: max(10, width - 1)])
        self._line_shown = True

    def _write(self, text: str) -> None:
        """Write and flush; a stream that fails (a terminal that hung up) is given up on, so
        the run still ends cleanly."""
        if self._dead:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # EIO on a hung-up terminal, EPIPE, a closed stream
            self._dead = True


def summary_lines(result: RunFinished) -> list[str]:
    """The human summary: camera, saved/requested, speed, folder, failures by reason, error."""
    lines = []
    if result.camera is not None:
        lines.append(f"camera    {describe_camera(result.camera)} ({result.camera.status.label})")
    fetched = len(result.new_files)
    if result.existing:
        lines.append(
            f"saved     {result.saved}/{result.requested} [{result.outcome.value}]: {fetched} new "
            f"in {result.elapsed_s:.2f} s ({result.rate:.1f} images/s), "
            f"{len(result.existing)} already on disk"
        )
    else:
        lines.append(
            f"saved     {result.saved}/{result.requested} in {result.elapsed_s:.2f} s "
            f"({result.rate:.1f} images/s) [{result.outcome.value}]"
        )
    if result.out_dir:
        lines.append(f"folder    {result.out_dir}")
    if result.failures:
        parts = ", ".join(f"{reason}: {n}" for reason, n in sorted(result.failures.items()))
        lines.append(f"failures  {parts}")
    if result.error and result.outcome is not RunOutcome.CANCELLED:  # [cancelled] says it
        lines.append(f"error     {result.error}")
    return lines
