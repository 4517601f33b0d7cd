"""kitty graphics protocol: transmit a PNG and display it at the cursor over ``cols`` x ``rows``
cells (``a=T``), in chunks of at most 4096 base64 bytes (``m=1`` until the last); delete by id."""

from __future__ import annotations

import base64
import io

from PIL import Image

CHUNK = 4096  # the protocol's limit per escape code; a multiple of 4 so chunks split cleanly
MAX_ID = 2**32 - 1


def _apc(control: str, payload: bytes = b"") -> bytes:
    head = b"\x1b_G" + control.encode("ascii")
    return head + (b";" + payload if payload else b"") + b"\x1b\\"


def png_bytes(image: Image.Image) -> bytes:
    """The image as PNG (RGBA kept: a transparent margin stays transparent)."""
    buffer = io.BytesIO()
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    image.convert(mode).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _check_id(image_id: int) -> None:
    if not 1 <= image_id <= MAX_ID:
        raise ValueError(f"kitty image id must be 1..{MAX_ID}, not {image_id}")


def encode_kitty(image: Image.Image, cols: int, rows: int, image_id: int) -> list[bytes]:
    """The escape codes (one per chunk) that show ``image`` at the cursor over cols x rows cells.

    ``q=2`` keeps the terminal silent (no answer lands in the UI's input) and ``C=1`` keeps the
    cursor where it is, so an image on the last row never scrolls the screen."""
    _check_id(image_id)
    if cols < 1 or rows < 1:
        raise ValueError(f"an image needs at least one cell, not {cols}x{rows}")
    data = base64.standard_b64encode(png_bytes(image))
    chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    # p=1: one placement per image, so showing it again replaces the old one instead of adding.
    first = f"a=T,f=100,t=d,i={image_id},p=1,c={cols},r={rows},C=1,q=2"
    codes = []
    for index, chunk in enumerate(chunks):
        more = "m=1" if index < len(chunks) - 1 else "m=0"
        control = f"{first},{more}" if index == 0 else more
        codes.append(_apc(control, chunk))
    return codes


def delete_kitty(image_id: int) -> bytes:
    """Delete the image with this id, its placements and its data (``a=d,d=I``)."""
    _check_id(image_id)
    return _apc(f"a=d,d=I,i={image_id},q=2")
