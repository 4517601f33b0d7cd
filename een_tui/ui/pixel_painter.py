"""Real pixels over urwid's text cells: after every redraw, the image whose
:class:`~een_tui.ui.image_box.ImageBox` is on screen is written at the box's cell position (from
the rendered canvas), and taken away when the box moves, changes, or leaves the screen (resize,
overlay, another screen), so no stale pixels stay behind.

kitty images are deleted by id, also when the screen stops (the app ends, whatever ended it,
or Ctrl+Z suspends it): they are not cells, so neither leaving the alternate screen nor tmux's
repaint takes them away.
Sixel and iTerm2 pixels go when the cells under them are drawn again: the painter makes urwid
redraw those rows (it forgets what it drew there; without that urwid internal, it clears the
whole screen), and places the image again whenever urwid repainted a row of it; the terminal's
own restore (or tmux's repaint) takes them away at the end."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import urwid

from een_tui.ui.graphics import Graphics, GraphicsError, ImagePlacer
from een_tui.ui.image_box import IMAGE_COORD

log = logging.getLogger(__name__)

Placement = tuple[str, tuple[int, int, int, int]]  # path, (col, row, cols, rows)
# A new image in the same place at most this often (a download saves up to 20 a second, and
# encoding one costs tens of milliseconds of the loop); the latest one follows on a redraw.
MIN_CHANGE_S = 0.3


def placement_in(canvas: urwid.Canvas, size: tuple[int, int]) -> Placement | None:
    """Where the canvas has an image box (path and cell rectangle), if it has one on screen."""
    found = canvas.coords.get(IMAGE_COORD)
    if not found:
        return None
    col, row, (path, cols, rows) = found
    maxcol, maxrow = size
    cols, rows = min(cols, maxcol - col), min(rows, maxrow - row)
    if col < 0 or row < 0 or cols < 1 or rows < 1:
        return None
    return path, (col, row, cols, rows)


class PixelPainter:
    """Wraps a urwid screen's ``draw_screen``: urwid draws its cells, then the painter its image.

    ``visible()`` says whether the screen that owns an image box is the one shown (False while
    an overlay covers it: the box's coordinates survive in the canvas under an overlay).
    ``later(delay)`` asks for a redraw after ``delay`` seconds (for a change held back)."""

    def __init__(self, placer: ImagePlacer, visible: Callable[[], bool],
                 later: Callable[[float], object] | None = None) -> None:
        self.placer = placer
        self.visible = visible
        self.later = later
        self.shown: Placement | None = None
        self._placed_at = 0.0
        self._held = False
        self._size: tuple[int, int] | None = None
        self._screen: Any = None
        self._draw: Callable[[tuple[int, int], urwid.Canvas], None] | None = None
        self._stop: Callable[[], None] | None = None

    @classmethod
    def attached(cls, graphics: Graphics | None, screen: Any, visible: Callable[[], bool],
                 later: Callable[[float], object] | None = None) -> PixelPainter | None:
        """A painter drawing with ``graphics`` on ``screen``; None when urwid draws the images
        itself (half blocks, a note)."""
        if graphics is None or not graphics.pixels:
            return None
        painter = cls(ImagePlacer(graphics), visible, later)
        painter.attach(screen)
        return painter

    def attach(self, screen: Any) -> None:
        """Take over ``screen.draw_screen`` and ``screen.stop`` (once)."""
        self._screen = screen
        self._draw = screen.draw_screen
        self._stop = screen.stop
        screen.draw_screen = self.draw_screen
        screen.stop = self.stop

    def stop(self) -> None:
        """Delete the images placed (kitty), then urwid's own stop (which restores the terminal:
        the deletion must reach the screen the images are on, before it switches back)."""
        assert self._stop is not None
        if getattr(self._screen, "started", True):
            with contextlib.suppress(OSError, ValueError):  # a terminal that hung up
                self._write(self.placer.erase())
        self.shown = None
        self._stop()

    def _write(self, data: bytes) -> None:
        if data:
            self._screen.write(data.decode("latin-1"))
            self._screen.flush()

    def _forget_rows(self, rect: tuple[int, int, int, int]) -> bool:
        """Make urwid redraw the rows of ``rect`` next time; False when it cannot."""
        rows = getattr(self._screen, "_drawn_rows", None)
        if not isinstance(rows, list):
            return False
        for y in range(rect[1], min(len(rows), rect[1] + rect[3])):
            rows[y] = []
        if hasattr(self._screen, "_screen_buf_canvas"):
            self._screen._screen_buf_canvas = None  # no "same canvas, nothing to do" shortcut
        return True

    def _drawn(self) -> list | None:
        rows = getattr(self._screen, "_drawn_rows", None)
        return list(rows) if isinstance(rows, list) and getattr(self._screen, "screen_buf", None) \
            else None

    def draw_screen(self, size: tuple[int, int], canvas: urwid.Canvas) -> None:
        """urwid's redraw, then the image (placed, moved, or taken away)."""
        assert self._draw is not None
        want = placement_in(canvas, size) if self.visible() else None
        now = time.monotonic()
        shown = self.shown
        if (want is not None and shown is not None and want[1] == shown[1]
                and want[0] != shown[0] and now - self._placed_at < MIN_CHANGE_S
                and self.later is not None):
            if not self._held:  # keep the image shown for now, the new one after a while
                self._held = True
                self.later(MIN_CHANGE_S - (now - self._placed_at))
            want = shown
        if size != self._size and self._size is not None:
            self._screen.clear()  # the terminal may have reflowed: paint everything again
        self._size = size
        if self.shown is not None and want != self.shown:
            self._write(self.placer.erase())
            if self.placer.erase_needs_redraw and not self._forget_rows(self.shown[1]):
                self._screen.clear()
        before = self._drawn()
        self._draw(size, canvas)
        if want is None:
            self.shown = None
            return
        after = self._drawn()
        repainted = before is None or after is None or any(
            y >= len(before) or before[y] != after[y]
            for y in range(want[1][1], want[1][1] + want[1][3])
        )
        if want == self.shown and not (repainted and self.placer.erase_needs_redraw):
            return
        if shown is None or want[0] != shown[0]:  # a new image (not the same one again)
            self._held = False
            self._placed_at = now
        try:
            self._write(self.placer.place(want[0], want[1]))
        except GraphicsError as error:
            log.warning("cannot show %s: %s", want[0], error)
            self.shown = None
            return
        self.shown = want
