"""Bytes that put an image into a rectangle of cells after urwid's redraw, and bytes that take
it away again. Encoded images are cached per (source, rectangle size)."""

from __future__ import annotations

import itertools
import os
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .choose import PIXEL_PROTOCOLS, Graphics
from .iterm import encode_iterm
from .kitty import delete_kitty, encode_kitty
from .probe import DEFAULT_CELL, CellSize
from .sixel import encode_sixel
from .tmux import wrap_tmux

SAVE_CURSOR = b"\x1b7"  # DECSC: position and attributes, put back by DECRC
RESET_ATTRIBUTES = b"\x1b[m"
RESTORE_CURSOR = b"\x1b8"
MAX_CELLS = 1000  # a rectangle wider or taller than this is a caller's bug, not a screen


class GraphicsError(ValueError):
    """An image that cannot be read or placed."""


@dataclass(frozen=True)
class Fit:
    """An image fitted into a rectangle: its pixel size and the cells it covers (centred)."""

    width: int
    height: int
    col: int
    row: int
    cols: int
    rows: int


def fit(size: tuple[int, int], rect: tuple[int, int, int, int], cell: CellSize) -> Fit:
    """Scale ``size`` (pixels) into ``rect`` (col, row, cols, rows), keeping its aspect; centred."""
    col, row, cols, rows = rect
    if min(col, row) < 0 or not (0 < cols <= MAX_CELLS and 0 < rows <= MAX_CELLS):
        raise GraphicsError(f"bad cell rectangle {rect}")
    if min(size) < 1:
        raise GraphicsError(f"bad image size {size}")
    box_w, box_h = cols * cell.width, rows * cell.height
    scale = min(box_w / size[0], box_h / size[1])
    width = max(1, min(box_w, round(size[0] * scale)))
    height = max(1, min(box_h, round(size[1] * scale)))
    used_cols = min(cols, -(-width // cell.width))
    used_rows = min(rows, -(-height // cell.height))
    return Fit(width, height, col + (cols - used_cols) // 2, row + (rows - used_rows) // 2,
               used_cols, used_rows)


def _open(source: Image.Image | str | os.PathLike[str]) -> Image.Image:
    if isinstance(source, Image.Image):
        return source
    try:
        with Image.open(source) as image:
            image.load()
            return image
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise GraphicsError(f"cannot read image {os.fspath(source)}: {error}") from None


def _source_key(source: Image.Image | str | os.PathLike[str], key: Hashable | None) -> Hashable:
    if key is not None or isinstance(source, Image.Image):
        return key  # an Image without a key is not cached
    path = Path(source)
    try:
        stat = path.stat()
    except OSError as error:
        raise GraphicsError(f"cannot read image {path}: {error.strerror}") from None
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


class ImagePlacer:
    """Writes images with one protocol; the UI writes ``place(...)`` after each redraw and
    ``erase()`` before the screen changes (resize, overlay, another screen).

    kitty images are deleted by id; Sixel and iTerm2 pixels go only when the cells under them
    are drawn again, so after ``erase()`` the UI must redraw those cells
    (``erase_needs_redraw``)."""

    def __init__(self, graphics: Graphics, cache_size: int = 32) -> None:
        self.protocol = graphics.protocol
        self.cell = graphics.cell or DEFAULT_CELL
        self.passthrough = graphics.passthrough
        self._cache: OrderedDict[Hashable, tuple[bytes, Fit, int]] = OrderedDict()
        self._cache_size = cache_size
        self._ids = itertools.count(((os.getpid() % 4000) << 20) + 1)
        self._shown: set[int] = set()

    @property
    def pixels(self) -> bool:
        """Whether this placer writes anything (False for blocks/none: urwid draws)."""
        return self.protocol in PIXEL_PROTOCOLS

    @property
    def erase_needs_redraw(self) -> bool:
        """True when erasing means the UI redrawing the cells (Sixel, iTerm2)."""
        return self.protocol in ("sixel", "iterm")

    def _wrap(self, sequence: bytes) -> bytes:
        return wrap_tmux(sequence) if self.passthrough else sequence

    def _encode(self, image: Image.Image, spot: Fit) -> tuple[bytes, int]:
        scaled = image.convert("RGB").resize((spot.width, spot.height), Image.Resampling.LANCZOS)
        if self.protocol == "sixel":
            return self._wrap(encode_sixel(scaled)), 0
        if self.protocol == "iterm":
            return self._wrap(encode_iterm(scaled, spot.cols, spot.rows)), 0
        # kitty stretches the image over whole cells: pad it to them, transparently.
        padded = Image.new("RGBA", (spot.cols * self.cell.width, spot.rows * self.cell.height))
        padded.paste(scaled, ((padded.width - spot.width) // 2, (padded.height - spot.height) // 2))
        image_id = next(self._ids)
        codes = encode_kitty(padded, spot.cols, spot.rows, image_id)
        return b"".join(self._wrap(code) for code in codes), image_id

    def place(
        self,
        source: Image.Image | str | os.PathLike[str],
        rect: tuple[int, int, int, int],
        key: Hashable | None = None,
    ) -> bytes:
        """Bytes that draw ``source`` (an Image or a file) fitted and centred in ``rect`` =
        (col, row, cols, rows), 0-based cells: save cursor, move, image, restore cursor.

        Cached per (path + mtime, or ``key`` for an Image) and rectangle size. Empty for
        blocks/none. Raises GraphicsError for an unreadable image or a bad rectangle."""
        if not self.pixels:
            return b""
        fit((1, 1), rect, self.cell)  # a bad rectangle is refused even when the image is cached
        cache_key = _source_key(source, key)
        entry_key = (cache_key, rect[2], rect[3])
        entry = self._cache.get(entry_key) if cache_key is not None else None
        if entry is None:
            image = _open(source)
            spot = fit(image.size, rect, self.cell)
            body, image_id = self._encode(image, spot)
            entry = (body, spot, image_id)
            if cache_key is not None:
                self._cache[entry_key] = entry
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(entry_key)
        body, spot, image_id = entry
        if image_id:
            self._shown.add(image_id)
        col, row = rect[0] + (rect[2] - spot.cols) // 2, rect[1] + (rect[3] - spot.rows) // 2
        move = b"\x1b[%d;%dH" % (row + 1, col + 1)
        # default colours under the image: a terminal (mlterm) paints the cells an image does
        # not cover in the current background, which is whatever urwid drew last
        return SAVE_CURSOR + move + RESET_ATTRIBUTES + body + RESTORE_CURSOR

    def erase(self) -> bytes:
        """Bytes that remove what ``place`` drew: kitty deletes by id; for Sixel and iTerm2 it is
        empty and the UI redraws the cells (``erase_needs_redraw``)."""
        if self.protocol != "kitty":
            return b""
        codes = b"".join(self._wrap(delete_kitty(image_id)) for image_id in sorted(self._shown))
        self._shown.clear()
        return codes
