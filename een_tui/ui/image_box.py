"""A box that shows one image file however this terminal can: real pixels (kitty, iTerm2,
Sixel: the box renders blank cells and marks where it is in the canvas, and
:class:`~een_tui.ui.pixel_painter.PixelPainter` writes the image there after urwid's redraw),
half blocks (:class:`~een_tui.ui.thumbnail.Thumbnail`), or a text note (``--graphics none``)."""

from __future__ import annotations

from pathlib import Path

import urwid

from een_tui.ui.thumbnail import Thumbnail

# The canvas coordinate name under which an image box records (path, cols, rows); urwid carries
# coordinates through every composition (Pile, Columns, Frame, padding), so the top canvas says
# where the box ended up on screen.
IMAGE_COORD = "een-tui image"

PIXELS, BLOCKS, NONE = "pixels", "blocks", "none"


def draw_mode(protocol: str) -> str:
    """How a box draws for a graphics protocol: ``pixels``, ``blocks`` or ``none``."""
    if protocol in ("kitty", "iterm", "sixel"):
        return PIXELS
    return NONE if protocol == NONE else BLOCKS


class ImageBox(urwid.Widget):
    """Box widget for one image file (or none yet), drawn in ``mode``."""

    _sizing = frozenset([urwid.Sizing.BOX])
    ignore_focus = True

    def __init__(self, mode: str = BLOCKS, *, colors: int = 256, no_color: bool = False) -> None:
        super().__init__()
        self.mode = mode
        self.thumbnail = Thumbnail(colors, no_color=no_color)
        self.path: str | None = None

    def set_image(self, path: str | Path | None) -> None:
        """Show the image at ``path`` (None: nothing)."""
        self.path = None if path is None else str(path)
        if self.mode == BLOCKS:
            self.thumbnail.set_image(self.path)
        self._invalidate()

    @property
    def shows_picture(self) -> bool:
        """Whether a picture is drawn at all (pixels, or half blocks with enough colours)."""
        return self.mode == PIXELS or (self.mode == BLOCKS and self.thumbnail.can_draw)

    def render(self, size: tuple[int, int], focus: bool = False) -> urwid.Canvas:
        maxcol, maxrow = size
        if self.mode == PIXELS:
            canvas = urwid.CompositeCanvas(urwid.SolidCanvas(" ", maxcol, maxrow))
            if self.path is not None:
                canvas.coords[IMAGE_COORD] = (0, 0, (self.path, maxcol, maxrow))
            return canvas
        if self.mode == NONE:
            note = "pictures are off (--graphics none)" if self.path else ""
            return urwid.Filler(urwid.Text(("dim", note), align="center")).render(size)
        return self.thumbnail.render(size, focus)
