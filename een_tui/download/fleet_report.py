"""The headless renderer of a many-camera (or time range) run: one line per saved file, skipped
camera and finished camera in a pipe, a status line on a terminal; then a summary with one line
per camera. :func:`fleet_summary_dict` is its ``--json`` form."""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from een_tui.api.text import clean_text
from een_tui.download.events import (
    CameraRejected,
    ImageFailed,
    ImageSaved,
    RunOutcome,
    WorkerState,
    WorkerUpdate,
)
from een_tui.download.fleet import CameraFinished, FleetEvent, FleetFinished
from een_tui.download.lane import CameraResult

LIVE_INTERVAL_S = 0.1
CLEAR_LINE = "\r\x1b[K"


def wanted_text(wanted: int | None) -> str:
    """``20``, or ``all`` for every frame of the range."""
    return "all" if wanted is None else str(wanted)


def camera_line(result: CameraResult) -> str:
    """``1000c4ae "Lobby"  20/20 done`` (with what was on disk and why it ended short)."""
    name = f' "{result.name}"' if result.name else ""
    line = f"{result.id}{name}  {result.saved}/{wanted_text(result.wanted)} {result.state.value}"
    if result.already:
        line += f" ({result.already} already on disk)"
    if result.reason and result.state.value != "done":
        line += f": {result.reason}"
    return line


def fleet_summary_dict(result: FleetFinished) -> dict:
    """The ``--json`` summary: the run's totals and one object per camera."""
    elapsed = round(result.elapsed_s, 3)
    return {
        "outcome": result.outcome.value,
        "cameras": [c.as_dict() for c in result.cameras],
        "saved": result.saved,
        "fetched": result.images_fetched,
        "workers": result.workers,
        "elapsed_s": elapsed,
        "images_per_s": round(result.images_fetched / result.elapsed_s, 2)
        if result.elapsed_s else None,
        "out_dir": result.out_dir,
        "error": result.error,
    }


def fleet_summary_lines(result: FleetFinished) -> list[str]:
    """One line per camera, then the totals."""
    lines = [f"camera    {camera_line(c)}" for c in result.cameras]
    states: dict[str, int] = {}
    for camera in result.cameras:
        states[camera.state.value] = states.get(camera.state.value, 0) + 1
    counts = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
    rate = result.images_fetched / result.elapsed_s if result.elapsed_s else 0.0
    lines.append(f"cameras   {len(result.cameras)} ({counts})" if counts else "cameras   0")
    lines.append(f"saved     {result.saved} ({result.images_fetched} fetched now) in "
                 f"{result.elapsed_s:.2f} s ({rate:.1f} images/s, {result.workers} workers) "
                 f"[{result.outcome.value}]")
    if result.out_dir:
        lines.append(f"folder    {result.out_dir}")
    if result.error and result.outcome is not RunOutcome.CANCELLED:
        lines.append(f"error     {result.error}")
    return lines


class FleetPrinter:
    """Renders fleet events on ``stream`` (stderr); ``live`` defaults to ``stream.isatty()``."""

    def __init__(self, stream: TextIO, *, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.saved = 0
        self.cameras_done = 0
        self.busy: set[int] = set()
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._line_shown = False
        self._running = True

    def handle(self, event: FleetEvent) -> None:
        """The run's ``on_event`` callback."""
        if isinstance(event, WorkerUpdate):
            if event.state in (WorkerState.FETCHING, WorkerState.RETRYING):
                self.busy.add(event.worker)
            else:
                self.busy.discard(event.worker)
            self._draw()
        elif isinstance(event, ImageSaved):
            self.saved += 1
            if self.live:
                self._draw()
            else:
                self._line(f"saved {event.path} ({event.size} bytes)")
        elif isinstance(event, ImageFailed):
            if event.final:
                self._line(f"gave up on {event.timestamp}: {event.reason}")
        elif isinstance(event, CameraRejected):
            pass  # its CameraFinished line says it
        elif isinstance(event, CameraFinished):
            self.cameras_done += 1
            self._line(f"camera {camera_line(event.result)}")
        elif isinstance(event, FleetFinished):
            self._running = False
            self._clear()
            for line in fleet_summary_lines(event):
                self._line(line)

    def _line(self, text: str) -> None:
        self._clear()
        self.stream.write(clean_text(text) + "\n")
        self.stream.flush()
        if self.live:
            self._draw(force=True)

    def _clear(self) -> None:
        if self._line_shown:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self._line_shown = False

    def _draw(self, *, force: bool = False) -> None:
        if not self.live or not self._running:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < LIVE_INTERVAL_S:
            return
        self._last_draw = now
        rate = self.saved / max(now - self.started, 1e-6)
        text = (f"{self.cameras_done} cameras done | {self.saved} saved | "
                f"{len(self.busy)} fetching | {rate:.1f} images/s")
        width = shutil.get_terminal_size((80, 24)).columns
        self.stream.write(CLEAR_LINE + text[: max(10, width - 1)])
        self.stream.flush()
        self._line_shown = True
