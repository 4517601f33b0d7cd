"""The download screen: camera, total progress, five live worker rows, recent events, a thumbnail
of the latest saved image, and a summary at the end.

:class:`DownloadScreen` is only changed by :meth:`DownloadScreen.apply` and :meth:`tick`, which
the app calls in the loop greenlet (events from the workers are batched there)."""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable

import urwid

from een_tui.api.model import Camera
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
from een_tui.download.progress import DownloadProgress
from een_tui.ui import glyphs, keymap
from een_tui.ui.camera_list import fit_cell
from een_tui.ui.image_box import BLOCKS, ImageBox
from een_tui.ui.palette import status_attr, worker_attr
from een_tui.units import human_bytes

LOG_LINES = 6
THUMBNAIL_COLUMNS = 28  # the least; the thumbnail grows with the terminal's width
THUMBNAIL_MAX_COLUMNS = 120


def thumbnail_columns(maxcol: int) -> int:
    """The thumbnail's width on a screen ``maxcol`` cells wide: 28 up to 80 columns, then
    growing by two of every five more."""
    return max(THUMBNAIL_COLUMNS, min(THUMBNAIL_MAX_COLUMNS, (maxcol - 10) * 2 // 5))


def worker_state_text(update: WorkerUpdate, waited_s: float | None = None) -> str:
    """``fetching``, ``fetching 5s`` (``waited_s``: seconds on this request, shown from 1 s on,
    so a slow camera's row visibly counts), ``retrying in 2s``, ``retrying in <1s``, ``saved``
    ... (15 cells at most)."""
    if update.state is WorkerState.RETRYING and update.rate_limited:
        return "rate limited"  # the row's detail says for how long
    if update.state is WorkerState.RETRYING and update.retry_in_s is not None:
        delay = update.retry_in_s
        if delay >= 99.5:
            return f"retrying in {min(delay / 60, 99):.0f}m"
        return f"retrying in {delay:.0f}s" if delay >= 0.5 else "retrying in <1s"
    if update.state is WorkerState.FETCHING and waited_s is not None and waited_s >= 1:
        return f"fetching {min(waited_s, 99999):.0f}s"
    return update.state.value


def worker_markup(update: WorkerUpdate, width: int,
                  waited_s: float | None = None) -> list[tuple[str, str]]:
    """One worker row at ``width`` cells: number, state, timestamp, then bytes and speed (or the
    error of a retry or failure), then the attempt; speed, bytes then timestamp drop when narrow."""
    attr = worker_attr(update.state)
    parts: list[tuple[str, str]] = [
        ("title", f"#{update.worker:<2}"),
        (attr, fit_cell(worker_state_text(update, waited_s), 15) + " "),  # never runs into the time
    ]
    if width >= 40:
        parts.append(("body", f"{update.timestamp or '-':<19} "))
    detail_width = 29 if width >= 68 else 18 if width >= 56 else 0
    failed = update.state in (WorkerState.RETRYING, WorkerState.FAILED)
    if detail_width and failed and update.error:
        parts.append((attr, fit_cell(update.error, detail_width - 1) + " "))
    elif detail_width:
        if update.bytes_total:
            size = f"{human_bytes(update.bytes_received)}/{human_bytes(update.bytes_total)}"
        elif update.bytes_received:
            size = human_bytes(update.bytes_received)
        else:
            size = "-"
        parts.append(("body", f"{size:<18}"))
        if detail_width > 18:
            speed = f"{human_bytes(update.speed_bps)}/s" if update.speed_bps else "-"
            parts.append(("dim", f"{speed:<11}"))
    if update.attempt:
        parts.append(("dim", f"try {update.attempt}"))
    return parts


class WorkerRow(urwid.Widget):
    """One worker greenlet's live row; while it fetches, the seconds it has waited so far."""

    _sizing = frozenset([urwid.Sizing.FLOW])

    def __init__(self, worker: int, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.update = WorkerUpdate(worker=worker, state=WorkerState.IDLE)
        self._clock = clock
        self._since = clock()  # when the current state (a request: its attempt) began

    def set_update(self, update: WorkerUpdate) -> None:
        """Show the worker's latest state (redrawn only when it changed)."""
        if update != self.update:
            old = self.update
            if (update.state, update.attempt) != (old.state, old.attempt):
                self._since = self._clock()  # bytes arriving keep the request's start
            self.update = update
            self._invalidate()

    @property
    def waited_s(self) -> float | None:
        """Seconds on the current request while fetching, else None."""
        if self.update.state is not WorkerState.FETCHING:
            return None
        return self._clock() - self._since

    def tick(self) -> None:
        """Redraw a fetching row (its seconds count on during a long wait)."""
        if self.update.state is WorkerState.FETCHING:
            self._invalidate()

    def rows(self, size: tuple[int], focus: bool = False) -> int:
        return 1

    def render(self, size: tuple[int], focus: bool = False) -> urwid.Canvas:
        (maxcol,) = size
        markup = worker_markup(self.update, maxcol, self.waited_s)
        return urwid.Text(markup, wrap="clip").render((maxcol,))


_HEADLINES = {
    RunOutcome.DONE: ("ok", "Done"),
    RunOutcome.INCOMPLETE: ("notice", "Incomplete"),
    RunOutcome.CANCELLED: ("notice", "Cancelled"),
    RunOutcome.FAILED: ("error", "Failed"),
}


class DownloadScreen(urwid.WidgetWrap):
    """The whole download screen for one run."""

    def __init__(self, requested: int, workers: int, *, colors: int, no_color: bool,
                 image_mode: str = BLOCKS) -> None:
        self.progress = DownloadProgress(requested, workers)  # what this screen shows
        self.camera_text = urwid.Text(("dim", "choosing a camera…"), wrap="clip")
        self.bar = urwid.ProgressBar("progress_normal", "progress_done", 0, max(1, requested))
        self.bar.get_text = self._bar_text  # "k/N" inside the bar
        self.stats_text = urwid.Text("", wrap="clip")
        self.worker_rows = [WorkerRow(n + 1) for n in range(workers)]
        self.log_lines: deque[tuple[str, str]] = deque(maxlen=LOG_LINES)
        self.log_text = urwid.Text("", wrap="clip")
        self.summary_text = urwid.Text("")
        self.thumbnail = ImageBox(image_mode, colors=colors, no_color=no_color)
        self.thumbnail_caption = urwid.Text(("dim", ""), align="center", wrap="clip")
        self._lower_left = urwid.WidgetPlaceholder(
            urwid.Filler(
                urwid.Pile([urwid.Text(("title", "Recent events")), self.log_text]), valign="top"
            )
        )
        self._thumbnail_pile = urwid.Pile([self.thumbnail, ("pack", self.thumbnail_caption)])
        self._thumbnail_columns = THUMBNAIL_COLUMNS
        self._lower = urwid.Columns(
            [self._lower_left, (THUMBNAIL_COLUMNS, self._thumbnail_pile)], dividechars=1
        )
        pile = urwid.Pile(
            [
                ("pack", self.camera_text),
                ("pack", self.bar),
                ("pack", self.stats_text),
                ("pack", urwid.Text(("title", "Workers"))),
                *[("pack", row) for row in self.worker_rows],
                ("pack", urwid.Divider()),
                self._lower,
            ]
        )
        self._refresh_stats()
        super().__init__(pile)

    # ---- events -------------------------------------------------------------------------------

    def _bar_text(self) -> str:
        return f"{self.progress.saved}/{self.progress.requested}"

    def apply(self, event: Event) -> None:
        """Show one engine event (call in the loop greenlet)."""
        progress = self.progress
        progress.apply(event)
        if isinstance(event, WorkerUpdate):
            if 1 <= event.worker <= len(self.worker_rows):
                self.worker_rows[event.worker - 1].set_update(progress.rows[event.worker])
        elif isinstance(event, ImageSaved):
            self.bar.set_completion(min(progress.saved, progress.requested))
            self.thumbnail.set_image(event.path)
            if self.thumbnail.shows_picture:
                self.thumbnail_caption.set_text(("dim", event.timestamp))
            by = f"#{event.worker}" if event.worker else "health check"  # worker 0: its probe
            self.note("ok", f"saved {event.timestamp} ({human_bytes(event.size)}) by {by}")
        elif isinstance(event, ImageFailed):
            if event.final:
                self.note("error", f"gave up {event.timestamp}: {event.reason}")
            else:
                self.note("notice", f"retry {event.timestamp}: {event.reason}")
        elif isinstance(event, CameraRejected):
            self.note("notice", f"skipped {event.camera.name}: {event.reason}")
        elif isinstance(event, RunPlanned):
            self._set_camera(event.camera)
            self.bar.set_completion(min(progress.saved, progress.requested))
            text = (
                f"found {len(event.timestamps)} previews, fetching {event.requested} "
                f"with {event.workers} workers"
            )
            if event.already_saved:
                text += f" ({len(event.already_saved)} already on disk)"
            self.note("body", text)
            self.note("dim", f"folder {self.folder}")
        elif isinstance(event, RunFinished):
            self._finish(event)
        self._refresh_stats()

    def tick(self) -> None:
        """Refresh the elapsed times (called about once a second while running)."""
        self._refresh_stats()
        for row in self.worker_rows:
            row.tick()

    @property
    def footer_hints(self) -> list[tuple[str, str]]:
        """While running: cancel, view, back...; after the run: what can be done next."""
        if self.running:
            commands: tuple[str, ...] = ("cancel", "view", "back", "another", "help", "quit")
        else:
            finished = self.progress.finished
            retry = ("retry",) if finished is not None and finished.camera is not None and (
                finished.outcome is not RunOutcome.DONE) else ()
            commands = ("view", *retry, "another", "back", "help", "quit")
        return keymap.hint(keymap.DOWNLOAD, commands)

    @property
    def folder(self) -> str | None:
        """The camera's output folder, absolute (None before a camera is chosen)."""
        folder = self.progress.out_dir
        return os.path.abspath(folder) if folder else None

    @property
    def running(self) -> bool:
        """True until the run's :class:`RunFinished` arrived."""
        return self.progress.running

    def _set_camera(self, camera: Camera) -> None:
        marks = glyphs.current()
        self.camera_text.set_text(
            [
                ("title", "Camera "),
                ("body", f"{camera.name} "),
                ("dim", f"{camera.id} "),
                (status_attr(camera.status),
                 f"{marks.status(camera.status)} {camera.status.label}"),
                ("recording", f"  {marks.recording} recording" if camera.recording else ""),
            ]
        )

    def note(self, attr: str, text: str) -> None:
        """Add a line to the recent events (the oldest of :data:`LOG_LINES` goes)."""
        self.log_lines.append((attr, text))
        markup = [(line_attr, line + "\n") for line_attr, line in self.log_lines]
        last_attr, last = markup[-1]
        markup[-1] = (last_attr, last.rstrip("\n"))
        self.log_text.set_text(markup)

    def _refresh_stats(self) -> None:
        p = self.progress
        # the state first: it is what a narrow terminal must still show
        if p.finished is None:
            state = ("notice", "running")
        elif p.finished.outcome is RunOutcome.DONE:
            state = ("ok", "done")
        else:
            state = ("error", p.finished.outcome.value)
        text = f"  {p.saved}/{p.requested} images  elapsed {p.elapsed:.1f} s  "
        text += f"{p.fetch_rate:.1f} images/s"
        if p.already:
            text += f"  ({p.already} on disk before)"
        if p.retries:
            text += f"  retries {p.retries}"
        if p.failures:
            text += f"  given up {p.failures}"
        self.stats_text.set_text([state, ("body", text)])
        self.bar._invalidate()

    def _finish(self, result: RunFinished) -> None:
        progress = self.progress
        if progress.camera is not None:
            self._set_camera(progress.camera)
        self.bar.set_completion(min(progress.saved, progress.requested))
        folder = self.folder or "-"
        attr, word = _HEADLINES[result.outcome]
        lines: list[tuple[str, str]] = [
            (attr, f"{word}: {result.saved}/{result.requested} saved in {result.elapsed_s:.1f} s")
        ]
        fetched = len(result.new_files)
        if result.existing:
            lines.append(("body", f" ({fetched} new, {result.rate:.1f} images/s; "
                                  f"{len(result.existing)} already on disk)"))
        elif result.elapsed_s > 0 and result.saved:
            lines.append(("body", f" ({result.rate:.1f} images/s)"))
        lines.append(("body", "\n"))
        if result.error and result.outcome in (RunOutcome.FAILED, RunOutcome.INCOMPLETE):
            lines.append(("error", f"{result.error}\n"))
        if result.failures:  # every failed attempt, the retried ones too
            reasons = ", ".join(f"{r} ×{n}" for r, n in sorted(result.failures.items()))
            lines.append(("notice", f"failed attempts: {reasons}\n"))
        else:
            lines.append(("dim", "no failed attempts\n"))
        lines.append(("title", "folder: "))
        lines.append(("body", folder))
        self.summary_text.set_text(lines)
        self._lower_left.original_widget = urwid.Filler(
            urwid.Pile(
                [
                    urwid.Text(("title", "Summary")),
                    self.summary_text,
                    urwid.Divider(),
                    urwid.Text(("title", "Recent events")),
                    self.log_text,
                ]
            ),
            valign="top",
        )
        for row in self.worker_rows:  # no worker left "fetching"
            row.set_update(progress.rows[row.update.worker])

    def render(self, size: tuple[int, int], focus: bool = False) -> urwid.Canvas:
        maxcol, _ = size
        # Narrow terminals: the thumbnail column goes first; wider ones get a wider thumbnail.
        wide = maxcol >= 70
        columns = thumbnail_columns(maxcol)
        resized = wide and columns != self._thumbnail_columns
        if wide != (len(self._lower.contents) == 2) or resized:
            left = (self._lower_left, self._lower.options("weight", 1))
            if wide:
                right = (self._thumbnail_pile, self._lower.options("given", columns))
                self._lower.contents = [left, right]
                self._thumbnail_columns = columns
            else:
                self._lower.contents = [left]
            self._lower.focus_position = 0
        return super().render(size, focus)
