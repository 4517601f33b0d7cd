"""The download screen of a run over several cameras (or a time range): one row per camera
(saved / wanted, state) above the worker rows, the recent events, the last image, a summary.
It renders the events of :class:`~een_tui.download.fleet.FleetRun`; it counts nothing the run
does not report."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import urwid

from een_tui.api.model import Camera
from een_tui.download.events import ImageFailed, ImageSaved, RunOutcome, WorkerUpdate
from een_tui.download.fleet import CameraFinished, CameraOpened, FleetEvent, FleetFinished
from een_tui.download.lane import LaneState
from een_tui.download.progress import DownloadProgress
from een_tui.ui import glyphs, keymap
from een_tui.ui.camera_rows import fit_cell
from een_tui.ui.download_screen import THUMBNAIL_COLUMNS, WorkerRow
from een_tui.ui.run_events import HEADLINES, RecentEvents, state_markup
from een_tui.ui.thumbnail import Thumbnail
from een_tui.units import human_bytes

MAX_CAMERA_ROWS = 8  # the camera rows scroll beyond this
STATE_WIDTH = 12  # the state column without a reason ("incomplete", "cancelled") keeps its place
STATE_ATTRS = {"waiting": "dim", "running": "notice", LaneState.DONE.value: "ok",
               LaneState.INCOMPLETE.value: "error", LaneState.SKIPPED.value: "error",
               LaneState.CANCELLED.value: "notice", LaneState.FAILED.value: "error"}


class CameraProgressRow(urwid.Widget):
    """One camera: name, ESN, saved / wanted and its state, laid out at the row's width."""

    _sizing = frozenset([urwid.Sizing.FLOW])

    def __init__(self, camera: Camera, wanted: int | None) -> None:
        super().__init__()
        self.esn = camera.id or ""
        self.name = camera.name or "(no name)"
        self.wanted = wanted
        self.saved = 0
        self.state = "waiting"
        self.reason = ""

    def set(self, *, saved: int | None = None, state: str | None = None,
            reason: str | None = None) -> None:
        """Change what the row shows."""
        if saved is not None:
            self.saved = saved
        if state is not None:
            self.state = state
        if reason is not None:
            self.reason = reason
        self._invalidate()

    def selectable(self) -> bool:
        return True

    def keypress(self, size: tuple[int], key: str) -> str:
        return key

    def rows(self, size: tuple[int], focus: bool = False) -> int:
        return 1

    def render(self, size: tuple[int], focus: bool = False) -> urwid.Canvas:
        (width,) = size
        wanted = "all" if self.wanted is None else str(self.wanted)
        counts = f"{self.saved}/{wanted}"
        state = self.state + (f": {self.reason}" if self.reason else "")
        state_width = min(30, max(STATE_WIDTH, len(state) + 1))
        name_width = max(1, width - 9 - 12 - 1 - state_width)
        markup = [("body", fit_cell(self.name, name_width) + " "),
                  ("dim", fit_cell(self.esn, 9)), ("body", fit_cell(counts, 12)),
                  (STATE_ATTRS.get(self.state, "body"), state)]
        return urwid.Text(markup, wrap="clip").render((width,), focus)


class FleetScreen(urwid.WidgetWrap):
    """The whole download screen of one many-camera run."""

    def __init__(self, cameras: Sequence[Camera], wanted: int | None, workers: int, *,
                 title: str, colors: int, no_color: bool) -> None:
        self.progress = DownloadProgress(0, workers)  # the worker rows and the counts
        self.finished: FleetFinished | None = None
        self.saved = 0
        self.cameras = [c for c in cameras if c.id]
        # by the ESN in lower case: the run's events name the camera by its folder
        self.camera_rows = {c.id.lower(): CameraProgressRow(c, wanted) for c in self.cameras}
        self.title = urwid.Text([("title", title)], wrap="clip")
        self.stats_text = urwid.Text("", wrap="clip")
        self.worker_rows = [WorkerRow(n + 1) for n in range(workers)]
        self.thumbnail = Thumbnail(colors, no_color=no_color)
        listbox = urwid.ListBox(urwid.SimpleFocusListWalker(list(self.camera_rows.values())))
        height = max(1, min(MAX_CAMERA_ROWS, len(self.camera_rows)))
        self.events = RecentEvents()
        lower = urwid.Columns([self.events, (THUMBNAIL_COLUMNS, self.thumbnail)],
                              dividechars=1)
        pile = urwid.Pile([
            ("pack", self.title),
            ("pack", self.stats_text),
            ("pack", urwid.Text(("title", f"Cameras ({len(self.camera_rows)})"))),
            (height, listbox),
            ("pack", urwid.Text(("title", "Workers"))),
            *[("pack", row) for row in self.worker_rows],
            ("pack", urwid.Divider()),
            lower,
        ])
        self._refresh_stats()
        super().__init__(pile)

    @property
    def running(self) -> bool:
        """True until the run's :class:`FleetFinished` arrived."""
        return self.finished is None

    @property
    def viewable(self) -> bool:
        """Whether ``v`` opens the viewer: one camera (a time range), whose folder it shows."""
        return len(self.cameras) == 1

    @property
    def footer_hints(self) -> list[tuple[str, str]]:
        """While running: cancel, back...; after the run: what can be done next."""
        view = ("view",) if self.viewable else ()
        commands = ("cancel", *view, "back") if self.running else (*view, "another", "back")
        return keymap.hint(keymap.DOWNLOAD, (*commands, "help", "quit"))

    def tick(self) -> None:
        """Refresh the elapsed time."""
        self._refresh_stats()

    def apply(self, event: FleetEvent) -> None:
        """Show one event of the run (in the loop greenlet)."""
        if isinstance(event, WorkerUpdate):
            self.progress.apply(event)
            if 1 <= event.worker <= len(self.worker_rows):
                self.worker_rows[event.worker - 1].set_update(self.progress.rows[event.worker])
        elif isinstance(event, ImageSaved):
            self.saved += 1
            row = self.camera_rows.get(Path(event.path).parent.name.lower())
            if row is not None:
                row.set(saved=event.saved, state="running")
            self.thumbnail.set_image(event.path)
            self.note("ok", f"saved {Path(event.path).parent.name}/{event.timestamp} "
                            f"({human_bytes(event.size)})")
        elif isinstance(event, ImageFailed):
            self.progress.apply(event)
            if event.final:
                self.note("error", f"gave up {event.timestamp}: {event.reason}")
        elif isinstance(event, CameraOpened):
            row = self.camera_rows.get(event.id.lower())
            if row is not None:
                row.set(state="running")
        elif isinstance(event, CameraFinished):
            result = event.result
            row = self.camera_rows.get(result.id.lower())
            if row is not None:
                reason = result.reason if result.state is not LaneState.DONE else ""
                row.set(saved=result.saved, state=result.state.value, reason=reason or "")
            if result.state is LaneState.SKIPPED:
                self.note("notice", f"skipped {result.name or result.id}: {result.reason}")
        elif isinstance(event, FleetFinished):
            self._finish(event)
        self._refresh_stats()

    def note(self, attr: str, text: str) -> None:
        """Add a line to the recent events."""
        self.events.note(attr, text)

    def _refresh_stats(self) -> None:
        states: dict[str, int] = {}
        for row in self.camera_rows.values():
            states[row.state] = states.get(row.state, 0) + 1
        state = state_markup(self.finished.outcome if self.finished else None)
        elapsed = self.finished.elapsed_s if self.finished else self.progress.elapsed
        rate = self.saved / elapsed if elapsed > 0 else 0.0
        dot = f" {glyphs.current().separator} "
        counts = dot.join(f"{n} {name}" for name, n in sorted(states.items()))
        self.stats_text.set_text([state, ("body", f"  {self.saved} saved  elapsed {elapsed:.1f} s"
                                                  f"  {rate:.1f} images/s  {dot}{counts}")])

    def _finish(self, result: FleetFinished) -> None:
        self.finished = result
        attr, word = HEADLINES[result.outcome]
        lines: list[tuple[str, str]] = [
            (attr, f"{word}: {result.saved} saved ({result.images_fetched} fetched now) from "
                   f"{_cameras(len(result.cameras), len(self.camera_rows))} in "
                   f"{result.elapsed_s:.1f} s\n")]
        if result.error and result.outcome is not RunOutcome.CANCELLED:
            lines.append(("error", f"{result.error}\n"))
        folder = os.path.abspath(result.out_dir) if result.out_dir else "-"
        lines += [("title", "folder: "), ("body", folder)]
        self.events.show_summary(lines)
        if result.outcome is RunOutcome.CANCELLED:
            for row in self.camera_rows.values():
                if row.state in ("waiting", "running"):
                    row.set(state=LaneState.CANCELLED.value)


def _cameras(reached: int, chosen: int) -> str:
    """``3 cameras``, ``1 camera``; ``10 of 72 cameras`` when a run stopped before the rest."""
    noun = "camera" if chosen == 1 else "cameras"
    return f"{reached} {noun}" if reached >= chosen else f"{reached} of {chosen} {noun}"
