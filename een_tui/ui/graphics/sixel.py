"""Sixel encoding over Pillow: palette quantisation to at most 256 colours, bands of six pixel
rows, run-length compression (``!n``) and raster attributes (``"1;1;W;H``)."""

from __future__ import annotations

import functools
import re

from PIL import Image

ESC = b"\x1b"
MAX_COLORS = 256
PALETTE_SAMPLE_SIDE = 320  # larger images choose their palette from a copy this size
PALETTE_SAMPLE_PIXELS = PALETTE_SAMPLE_SIDE * PALETTE_SAMPLE_SIDE
_RUN = re.compile(rb"(.)\1{3,}", re.DOTALL)  # four or more of the same sixel: ``!n`` is shorter
_OFFSET = 63  # a sixel character is chr(63 + six bits, top pixel in bit 0)


def _compress(row: bytes) -> bytes:
    """Run-length encode one colour's sixel row; trailing empty sixels (``?``) are dropped."""
    row = row.rstrip(b"?")
    return _RUN.sub(lambda m: b"!%d%s" % (len(m.group()), m.group(1)), row)


def _palette(image: Image.Image, colors: int) -> list[tuple[int, int, int]]:
    flat = image.getpalette() or []
    return [tuple(flat[i * 3 : i * 3 + 3]) for i in range(colors)]  # type: ignore[misc]


def quantize(image: Image.Image, colors: int = MAX_COLORS, dither: bool = False) -> Image.Image:
    """The image as palette mode ("P") with at most ``colors`` (<= 256) colours, no transparency."""
    if not 1 <= colors <= MAX_COLORS:
        raise ValueError(f"sixel colours must be 1..{MAX_COLORS}, not {colors}")
    rgb = image.convert("RGB")
    if rgb.width * rgb.height <= PALETTE_SAMPLE_PIXELS:
        palette = rgb.quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
        if not dither:
            return palette
    else:  # a full-screen image: the palette from a smaller copy (7x faster, same colours)
        sample = rgb.copy()
        sample.thumbnail((PALETTE_SAMPLE_SIDE, PALETTE_SAMPLE_SIDE), Image.Resampling.NEAREST)
        palette = sample.quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    # Pillow dithers only when mapping onto a given palette
    return rgb.quantize(palette=palette,
                        dither=Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE)


@functools.cache
def _tables() -> tuple[tuple[bytes, ...], ...]:
    """Per row of a band (bit 0..5) and per palette index: a table mapping that index to the bit."""
    tables = []
    for bit in range(6):
        per_colour = []
        for colour in range(MAX_COLORS):
            table = bytearray(256)
            table[colour] = 1 << bit
            per_colour.append(bytes(table))
        tables.append(tuple(per_colour))
    return tuple(tables)


def _band(rows: list[bytes], width: int, offset: int) -> bytes:
    """One band (up to six rows of palette indices) as sixel data, colour by colour."""
    tables = _tables()
    out = []
    for colour in sorted(set().union(*rows)):
        # Each row contributes its own bit; bits never overlap, so integer addition never carries.
        total = offset
        for bit, row in enumerate(rows):
            total += int.from_bytes(row.translate(tables[bit][colour]), "big")
        out.append(b"#%d%s" % (colour, _compress(total.to_bytes(width, "big"))))
    return b"$".join(out)


def encode_sixel(image: Image.Image, colors: int = MAX_COLORS, dither: bool = False) -> bytes:
    """The whole image as one Sixel DCS string at its pixel size (scale it first)."""
    width, height = image.size
    if width < 1 or height < 1:
        raise ValueError("cannot encode an empty image as sixel")
    indexed = quantize(image, colors, dither)
    data = indexed.tobytes()
    used = max(data) + 1
    head = [ESC + b'P0;1;0q"1;1;%d;%d' % (width, height)]
    for index, (red, green, blue) in enumerate(_palette(indexed, used)):
        percent = [(channel * 100 + 127) // 255 for channel in (red, green, blue)]
        head.append(b"#%d;2;%d;%d;%d" % (index, *percent))
    offset = int.from_bytes(bytes([_OFFSET]) * width, "big")
    bands = []
    for top in range(0, height, 6):
        rows = [data[y * width : (y + 1) * width] for y in range(top, min(top + 6, height))]
        bands.append(_band(rows, width, offset))
    return b"".join(head) + b"-".join(bands) + ESC + b"\\"
