"""A thumbnail of a JPEG drawn with half blocks: one ``▀`` per cell, its foreground the top pixel
and its background the bottom pixel. Pillow only (``term-image`` pins old Pillow/urwid).
With the ASCII glyph set (no ``▀`` in the terminal's encoding) each cell is a space on the
average colour of its two pixels: half the vertical detail, never a character the terminal lacks.

True colour when the terminal has it, the 256-colour cube otherwise, nothing below 256 colours
or with ``NO_COLOR`` (a one-line note instead). AttrSpecs and the rendered rows are cached: the
rows, never the canvas itself, since urwid's canvas cache keeps a widget alive for as long as one
of its canvases lives (a thumbnail holding its own canvas would never be freed)."""

from __future__ import annotations

import logging
from pathlib import Path

import urwid
from PIL import Image

from een_tui.ui import glyphs

log = logging.getLogger(__name__)

TRUECOLOR = 2**24
ATTR_CACHE_LIMIT = 4096  # colour pairs kept (urwid bounds its own escape cache alike)

# The rows of a drawn thumbnail: text, attribute runs and charset runs, as urwid.TextCanvas takes.
_Rows = tuple[list[bytes], list[list[tuple[object, int]]], list[list[tuple[object, int]]]]


def _quantize(value: int, colors: int) -> str:
    """One channel as hex for AttrSpec: 2 digits in true colour, 1 digit for the 256 cube."""
    if colors >= TRUECOLOR:
        return f"{value:02x}"
    return f"{(value * 15 + 127) // 255:x}"


# A channel (0..255) rounded to the 16 levels of the 256-colour cube, as 0x00, 0x11 .. 0xff.
_CUBE_LEVELS = [(v * 15 + 127) // 255 * 17 for v in range(256)]


class Thumbnail(urwid.Widget):
    """Box widget showing one image, scaled to fit and centred; a note when it cannot draw."""

    _sizing = frozenset([urwid.Sizing.BOX])
    ignore_focus = True

    def __init__(self, colors: int = 256, *, no_color: bool = False) -> None:
        super().__init__()
        self.colors = colors
        self.no_color = no_color
        self._image: Image.Image | None = None
        self._source: str | None = None
        self._note = ""
        self._pending_path: str | None = None
        self._attr_cache: dict[tuple[str, str], urwid.AttrSpec] = {}
        self._rows_cache: tuple[tuple, _Rows] | None = None

    @property
    def can_draw(self) -> bool:
        """Whether this terminal gets a picture at all (256+ colours and no ``NO_COLOR``)."""
        return not self.no_color and self.colors >= 256

    @property
    def unavailable_reason(self) -> str | None:
        """Why no picture is drawn, in words; None when it is."""
        if self.no_color:
            return "no thumbnail: NO_COLOR is set"
        if self.colors < 256:
            return f"no thumbnail: the terminal has {self.colors} colours (256 needed)"
        return None

    def set_image(self, source: str | Path | Image.Image | None) -> None:
        """Show the image at ``source`` (a path or an already open image); None clears it.

        A path is only read when the widget is next drawn, so a burst of saved images costs
        one decode per frame, not one per image."""
        self._image, self._note, self._pending_path = None, "", None
        if source is None:
            self._source = None
        elif isinstance(source, Image.Image):
            self._source = f"image-{id(source)}"
            if self.can_draw:
                self._image = source.convert("RGB")
        else:
            self._source = str(source)
            self._pending_path = str(source)
        self._rows_cache = None
        self._invalidate()

    def _load_pending(self) -> None:
        path, self._pending_path = self._pending_path, None
        if path is None or not self.can_draw:
            return
        try:
            with Image.open(path) as im:
                im.draft("RGB", (320, 240))  # let the JPEG decoder scale down: much faster
                self._image = im.convert("RGB")
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
            # a file from a server: a broken JPEG, or one whose header claims a giant picture
            log.warning("thumbnail: cannot read %s: %s", path, exc)
            self._image, self._note = None, "cannot read the image"

    def _attr(self, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> urwid.AttrSpec:
        fg = "#" + "".join(_quantize(c, self.colors) for c in top)
        bg = "#" + "".join(_quantize(c, self.colors) for c in bottom)
        key = (fg, bg)
        spec = self._attr_cache.get(key)
        if spec is None:
            if len(self._attr_cache) >= ATTR_CACHE_LIMIT:  # true colour: bounded, not per image
                self._attr_cache.clear()
            spec = urwid.AttrSpec(fg, bg, TRUECOLOR if self.colors >= TRUECOLOR else 256)
            self._attr_cache[key] = spec
        return spec

    def render(self, size: tuple[int, int], focus: bool = False) -> urwid.Canvas:
        maxcol, maxrow = size
        block = glyphs.current().half_block
        key = (maxcol, maxrow, self._source, self.colors, self.no_color, block)
        if self._rows_cache is None or self._rows_cache[0] != key:
            self._load_pending()
            rows = self._render(maxcol, maxrow, block)
            if isinstance(rows, urwid.Canvas):
                return rows  # a note or a blank: cheap, not cached
            self._rows_cache = (key, rows)
        text, attrs, charsets = self._rows_cache[1]
        return urwid.TextCanvas(list(text), attr=[list(runs) for runs in attrs],
                                cs=[list(runs) for runs in charsets], maxcol=maxcol)

    def _render(self, maxcol: int, maxrow: int, block_glyph: str) -> urwid.Canvas | _Rows:
        reason = self.unavailable_reason
        if reason is not None or self._image is None or maxcol < 2 or maxrow < 1:
            text = reason if reason and self._source else self._note
            return urwid.Filler(urwid.Text(("dim", text), align="center")).render((maxcol, maxrow))
        im = self._image.copy()
        im.thumbnail((maxcol, maxrow * 2), Image.Resampling.BILINEAR)
        width, height = im.size
        height -= height % 2
        if height == 0:
            return urwid.SolidCanvas(" ", maxcol, maxrow)
        if self.colors < TRUECOLOR and block_glyph:  # the 16 levels the cube keeps (same hex)
            im = im.point(_CUBE_LEVELS * 3)
        raw = iter(im.tobytes())
        data = list(zip(raw, raw, raw, strict=True))  # (r, g, b) per pixel, row after row
        left = (maxcol - width) // 2
        top_pad = (maxrow - height // 2) // 2
        text: list[bytes] = []
        attrs: list[list[tuple[object, int]]] = []
        blank = b" " * maxcol
        for _ in range(top_pad):
            text.append(blank)
            attrs.append([(None, maxcol)])
        block = block_glyph.encode() if block_glyph else b" "
        right = maxcol - left - width
        row_bytes = b" " * left + block * width + b" " * right
        specs: dict[tuple, urwid.AttrSpec] = {}  # this drawing's pixel pairs, looked up once
        for y in range(0, height, 2):
            runs: list[tuple[object, int]] = [(None, left)] if left else []
            previous, count = None, 0
            upper, lower = y * width, (y + 1) * width
            for pair in zip(data[upper:upper + width], data[lower:lower + width], strict=True):
                spec = specs.get(pair)
                if spec is None:
                    top, bottom = pair
                    if not block_glyph:  # one colour per cell: the mean of its two pixels
                        top = bottom = tuple((a + b) // 2 for a, b in zip(top, bottom, strict=True))
                    spec = specs[pair] = self._attr(top, bottom)
                if spec is previous:
                    count += 1
                    continue
                if count:
                    runs.append((previous, count * len(block)))  # run lengths are in bytes
                previous, count = spec, 1
            if count:
                runs.append((previous, count * len(block)))
            if right:
                runs.append((None, right))
            text.append(row_bytes)
            attrs.append(runs)
        while len(text) < maxrow:
            text.append(blank)
            attrs.append([(None, maxcol)])
        charsets = [[(None, len(t))] for t in text]
        return text, attrs, charsets
