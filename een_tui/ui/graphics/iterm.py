"""iTerm2 inline images (OSC 1337 ``File=``), sized in cells; iTerm2 and WezTerm read them."""

from __future__ import annotations

import base64

from PIL import Image

from .kitty import png_bytes


def encode_iterm(image: Image.Image, cols: int, rows: int) -> bytes:
    """One OSC 1337 sequence showing ``image`` at the cursor, fitted into cols x rows cells."""
    if cols < 1 or rows < 1:
        raise ValueError(f"an image needs at least one cell, not {cols}x{rows}")
    data = png_bytes(image)
    args = f"inline=1;size={len(data)};width={cols}c;height={rows}c;preserveAspectRatio=1"
    # ``doNotMoveCursor`` is a WezTerm/iTerm2 extension; the placer also saves/restores the cursor.
    return b"\x1b]1337;File=" + args.encode("ascii") + b":" + base64.b64encode(data) + b"\x07"
