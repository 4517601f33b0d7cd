"""The cameras screen: a summary line with counts per status, the lazy camera list, a modal
filter line and a message line. Keys come from :mod:`een_tui.ui.keymap`; what the screen cannot
do itself (download, details, refresh) goes to the app through callbacks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import urwid

from een_tui.api.model import Camera
from een_tui.api.status import CameraStatus
from een_tui.ui import glyphs, keymap
from een_tui.ui.camera_list import CameraList
from een_tui.ui.palette import status_attr

MOVES = ("cursor_up", "cursor_down", "page_up", "page_down", "top", "bottom")


@dataclass
class CameraActions:
    """What the app does for the cameras screen."""

    download: Callable[[Camera], None]
    random: Callable[[], None]
    refresh: Callable[[], None]
    details: Callable[[Camera], None]
    view: Callable[[Camera], None] | None = None  # the camera's images on disk
    download_many: Callable[[list[Camera]], None] | None = None  # the marked cameras
    time_range: Callable[[list[Camera]], None] | None = None  # the range form for these


class CamerasScreen(urwid.WidgetWrap):
    """Header, list, filter line and message line."""

    def __init__(self, actions: CameraActions) -> None:
        self.actions = actions
        self.camera_list = CameraList()
        self.summary = urwid.Text("", wrap="clip")
        self.filter_edit = urwid.Edit(("title", "/"))
        self.message = urwid.Text("")
        self.filtering = False
        self._bottom = urwid.Pile([self.message])
        self._frame = urwid.Frame(
            self.camera_list, header=self.summary, footer=self._bottom, focus_part="body"
        )
        urwid.connect_signal(self.filter_edit, "postchange", self._filter_changed)
        super().__init__(self._frame)
        self._list_size = (80, 20)  # the list's size at the key being handled
        self.keys = keymap.Dispatcher(
            keymap.CAMERAS,
            {
                **{move: self._mover(move) for move in MOVES},
                "filter": self.start_filter,
                "clear_filter": self._clear_filter,
                "sort": self._cycle_sort,
                "online_only": self._toggle_online_only,
                "details": self._details,
                "download": self._download,
                "mark": self._mark,
                "mark_all": self._mark_all,
                "time_range": self._time_range,
                "random": lambda: self.actions.random(),
                "refresh": lambda: self.actions.refresh(),
                "view_saved": self._view_saved,
            },
        )
        self.filter_keys = keymap.Dispatcher(
            keymap.FILTER,
            {
                "filter_done": lambda: self.end_filter(clear=False),
                "filter_clear": lambda: self.end_filter(clear=True),
            },
        )
        self._update_summary()

    # ---- data ---------------------------------------------------------------------------------

    def set_devices(self, devices: Sequence[Camera], skipped: int = 0) -> None:
        """Show a new device list (keeps filter, sort and the camera under the cursor)."""
        self.camera_list.walker.set_devices(devices)
        if skipped:
            self.say("notice", f"{skipped} device rows could not be read (see the log file)")
        self._update_summary()

    @property
    def devices(self) -> list[Camera]:
        """Every camera of the account (unfiltered; bridges are left out)."""
        return self.camera_list.walker.devices

    def say(self, attr: str, text: str) -> None:
        """One line of feedback under the list (empty text clears it)."""
        self.message.set_text((attr, text))

    @property
    def footer_hints(self) -> list[tuple[str, str]]:
        """Key hints for the footer (see :func:`~een_tui.ui.hint_bar.fit_hints`)."""
        if self.filtering:
            return keymap.hint(keymap.FILTER, ("filter_done", "filter_clear", "interrupt"))
        return keymap.hint(
            keymap.CAMERAS,
            (
                "download",
                "random",
                "view_saved",
                "filter",
                "sort",
                "online_only",
                "details",
                "help",
                "quit",
            ),
        )

    def _update_summary(self) -> None:
        """Counts per status (with their symbols), then how the list is filtered and sorted."""
        walker = self.camera_list.walker
        counts = walker.status_counts()
        markup: list[tuple[str, str]] = [("body", f"{len(walker.devices)} cameras ")]
        if walker.marked:
            markup.append(("marked", f"{len(walker.marked)} marked "))
        marks = glyphs.current()
        for status in CameraStatus:
            if counts.get(status):
                markup.append((status_attr(status), f" {marks.status(status)} {counts[status]}"))
        view = [f"sort: {walker.sort_mode}"]
        if walker.online_only:
            view.insert(0, "online only")
        if walker.filter_text or walker.online_only:
            view.insert(0, f"showing {walker.visible_count}")
        dot = f" {marks.separator} "
        markup.append(("dim", " " + dot + dot.join(view)))
        self.summary.set_text(markup)

    # ---- filter -------------------------------------------------------------------------------

    def _filter_changed(self, *_args: object) -> None:
        """The filter line changed: filter as you type."""
        self.camera_list.walker.set_filter(self.filter_edit.edit_text)
        self._update_summary()

    def start_filter(self) -> None:
        """``/``: the filter line takes the keyboard."""
        self.filtering = True
        self._bottom.contents = [
            (self.message, self._bottom.options()),
            (self.filter_edit, self._bottom.options()),
        ]
        self._bottom.focus_position = 1
        self._frame.focus_position = "footer"

    def end_filter(self, *, clear: bool) -> None:
        """Back to the list, keeping the filter (shown under the list) or clearing it."""
        if clear:
            self.filter_edit.set_edit_text("")
        self.filtering = False
        if not self.filter_edit.edit_text:
            self._bottom.contents = [(self.message, self._bottom.options())]
        self._frame.focus_position = "body"

    # ---- keys ---------------------------------------------------------------------------------

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        """Camera-list keys (and the filter line's while filtering); others go up to the app."""
        if self.filtering:
            if self.filter_keys.dispatch(key):
                return None
            if key == "ctrl c":
                return key
            return self._frame.keypress(size, key)
        if self.keys.command(key) is None:
            return key
        self.say("body", "")
        maxcol, maxrow = size
        self._list_size = (maxcol, max(1, maxrow - 1 - self._bottom.rows((maxcol,))))
        self.keys.dispatch(key)
        self._update_summary()
        return None

    # ---- commands -----------------------------------------------------------------------------

    def _mover(self, command: str) -> keymap.Handler:
        return lambda: self.camera_list.move(self._list_size, command)

    def _clear_filter(self) -> None:
        if self.filter_edit.edit_text:
            self.end_filter(clear=True)

    def _cycle_sort(self) -> None:
        mode = self.camera_list.walker.cycle_sort()
        self.say("dim", f"sorted by {mode}")

    def _toggle_online_only(self) -> None:
        on = self.camera_list.walker.toggle_online_only()
        self.say("dim", "online cameras only" if on else "all cameras")

    def _details(self) -> None:
        device = self.camera_list.selected
        if device is not None:
            self.actions.details(device)

    def _view_saved(self) -> None:
        device = self.camera_list.selected
        if device is not None and self.actions.view is not None:
            self.actions.view(device)

    def _mark(self) -> None:
        walker = self.camera_list.walker
        state = walker.toggle_mark()
        if state is not None:
            self.camera_list.move(self._list_size, "cursor_down")
            self.say("dim", f"{len(walker.marked)} marked {glyphs.current().separator} Enter "
                            "downloads from the marked cameras")

    def _mark_all(self) -> None:
        count = self.camera_list.walker.mark_shown()
        self.say("dim", f"{count} marked" if count else "no camera marked")

    @property
    def marked(self) -> list[Camera]:
        """The marked cameras (account order)."""
        return self.camera_list.walker.marked_devices

    def _time_range(self) -> None:
        if self.actions.time_range is None:
            return
        marked = self.marked
        if marked:
            self.actions.time_range(marked)
            return
        device = self.camera_list.selected
        if device is None:
            self.say("notice", "no camera selected")
        elif not device.usable:
            self.say("error", f"Cannot download from {device.name}: {device.unusable_reason}")
        else:
            self.actions.time_range([device])  # type: ignore[misc]

    def _download(self) -> None:
        marked = self.marked
        if marked and self.actions.download_many is not None:
            self.actions.download_many(marked)
            return
        device = self.camera_list.selected
        if device is None:
            self.say("notice", "no camera selected")
        elif not device.usable:
            self.say("error", f"Cannot download from {device.name}: {device.unusable_reason}")
        else:
            self.actions.download(device)
