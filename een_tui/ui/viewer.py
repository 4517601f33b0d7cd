"""The image viewer: one saved image at a time, as large as the free area of the screen, with
its time (in the camera's time zone) and its absolute path above it; ←/→ (h/l) step through
the images in time order, Home/End jump to the oldest/newest, T writes a timelapse of them,
Esc goes back.

During a run the download controller hands new images to :meth:`ViewerScreen.add`: they join
the list in time order and the viewer stays on the image it shows."""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable
from datetime import timezone, tzinfo
from pathlib import Path

import urwid

from een_tui.media.frames import Frame, order_frames
from een_tui.ui import glyphs, keymap
from een_tui.ui.image_box import ImageBox


def frames_of(paths: Iterable[str | Path]) -> list[Frame]:
    """The images among ``paths`` (``<timestamp>.jpg`` JPEG files) in time order."""
    return order_frames([Path(p) for p in paths]).frames


def folder_frames(folder: Path) -> list[Frame]:
    """The images in a camera folder, in time order (an unreadable folder: none)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return frames_of(Path(folder) / name for name in names)


def time_label(frame: Frame, zone: tzinfo) -> str:
    """``2026-12-01 09:03:05.250 PST`` (the zone's abbreviation, or its UTC offset)."""
    local = frame.time.astimezone(zone)
    name = local.tzname() or local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d} {name}"


class ViewerScreen(urwid.WidgetWrap):
    """The images of one camera (one run, or what is on disk); ``on_close`` runs on Esc."""

    def __init__(
        self,
        frames: Iterable[Frame],
        *,
        title: str,
        image: ImageBox,
        on_close: Callable[[], None],
        zone: tzinfo = timezone.utc,
        empty_note: str = "no images yet",
        note: str = "",
        on_timelapse: Callable[[list[Frame]], None] | None = None,
    ) -> None:
        self.frames: list[Frame] = sorted(frames)
        self.title = title
        self.zone = zone
        self.image = image
        self.empty_note = empty_note
        self.note = note
        self.index = len(self.frames) - 1  # the newest first
        self.info = urwid.Text("", wrap="clip")
        self.path_text = urwid.Text("", wrap="any")
        self.message = ""  # what a key did (e.g. T), shown under the path while set
        self._body = urwid.WidgetPlaceholder(image)
        self.keys = keymap.Dispatcher(
            keymap.VIEWER,
            {
                "previous_frame": lambda: self.go(self.index - 1),
                "next_frame": lambda: self.go(self.index + 1),
                "first_frame": lambda: self.go(0),
                "last_frame": lambda: self.go(len(self.frames) - 1),
                "timelapse": lambda: self._timelapse(on_timelapse),
                "close_viewer": on_close,
            },
        )
        self.footer_hints = keymap.hint(
            keymap.VIEWER,
            ("previous_frame", "next_frame", "timelapse", "close_viewer", "help", "quit"),
        )
        pile = urwid.Pile([("pack", self.info), ("pack", self.path_text), self._body])
        pile.focus_position = 2
        super().__init__(pile)
        self._show()

    @property
    def current(self) -> Frame | None:
        """The image on screen (None when there is none)."""
        return self.frames[self.index] if 0 <= self.index < len(self.frames) else None

    def go(self, index: int) -> None:
        """Show the image at ``index`` (clamped to the list)."""
        if self.frames:
            self.index = max(0, min(len(self.frames) - 1, index))
            self._show()

    def add(self, path: str | Path) -> None:
        """A newly saved image joins the list in time order; the shown image stays."""
        new = frames_of([path])
        if not new or any(f.path == new[0].path for f in self.frames):
            return
        shown = self.current
        bisect.insort(self.frames, new[0])
        self.index = self.frames.index(shown) if shown is not None else len(self.frames) - 1
        self._show()

    def _show(self) -> None:
        frame = self.current
        marks = glyphs.current()
        if frame is None:
            self.info.set_text([("title", self.title), ("dim", f"  {self.empty_note}")])
            self.path_text.set_text(("notice", self.message) if self.message else "")
            self.image.set_image(None)
            return
        dot = f" {marks.separator} "
        self.info.set_text(
            [
                ("title", self.title),
                ("body", f"  {self.index + 1}/{len(self.frames)}{dot}"),
                ("notice", time_label(frame, self.zone)),
                ("dim", f"{dot}{self.note}" if self.note else ""),
            ]
        )
        message = [("notice", f"\n{self.message}")] if self.message else []
        self.path_text.set_text([("dim", os.path.abspath(frame.path)), *message])
        self.image.set_image(frame.path)

    def say(self, text: str) -> None:
        """A message under the path (e.g. what the timelapse key did); "" removes it."""
        self.message = text
        self._show()

    def _timelapse(self, make: Callable[[list[Frame]], None] | None) -> None:
        if make is None or not self.frames:
            self.say("no images to make a timelapse of" if make else "no timelapse here")
            return
        make(list(self.frames))

    def selectable(self) -> bool:
        return True

    def keypress(self, size: tuple[int, int], key: str) -> str | None:
        """The viewer's keys; the others go up to the app (quit, help)."""
        return None if self.keys.dispatch(key) else key
