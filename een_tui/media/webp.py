"""Animated WebP written frame by frame: each frame is encoded by Pillow (libwebp) as a still
WebP, and its bitstream is wrapped in an ``ANMF`` chunk of the animated WebP container
(https://developers.google.com/speed/webp/docs/riff_container). Only the frame being encoded
is in memory; ``Image.save(save_all=True)`` would collect all of them first."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from een_tui.media.errors import TooLarge

MAX_SIDE = 16383  # WebP's limit
FRAME_CHUNKS = (b"ALPH", b"VP8 ", b"VP8L")
QUALITY = 80


def webp_delay_ms(fps: float) -> int:
    """The per-frame delay stored for ``fps``, in whole milliseconds."""
    return max(1, round(1000 / fps))


def _chunk(fourcc: bytes, payload: bytes) -> bytes:
    pad = b"\0" if len(payload) % 2 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def _u24(value: int) -> bytes:
    return value.to_bytes(3, "little")


def _bitstream(frame: Image.Image) -> bytes:
    """The image chunks (``VP8 ``/``VP8L``, ``ALPH``) of ``frame`` encoded as a still WebP."""
    buffer = io.BytesIO()
    frame.save(buffer, "WEBP", quality=QUALITY)
    data = buffer.getvalue()
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("libwebp returned no WebP data")
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        fourcc = data[pos : pos + 4]
        size = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        end = pos + 8 + size + (size % 2)
        if fourcc in FRAME_CHUNKS:
            chunks.append(data[pos:end])
        pos = end
    return b"".join(chunks)


def write_webp(frames: Iterable[Image.Image], path: Path, fps: float) -> int:
    """Write the RGB ``frames`` (all one size) as a looping animated WebP; returns the count."""
    delay = webp_delay_ms(fps)
    count = 0
    with open(path, "wb") as out:
        out.write(b"RIFF\0\0\0\0WEBP")
        for frame in frames:
            width, height = frame.size
            if count == 0:
                if max(width, height) > MAX_SIDE:
                    raise TooLarge(f"WebP frames are at most {MAX_SIDE} pixels on a side, "
                                   f"these are {width}x{height}")
                flags = 0x02  # animation
                out.write(_chunk(b"VP8X", bytes([flags, 0, 0, 0])
                                 + _u24(width - 1) + _u24(height - 1)))
                out.write(_chunk(b"ANIM", struct.pack("<IH", 0xFF000000, 0)))  # black, loop
            header = (_u24(0) + _u24(0) + _u24(width - 1) + _u24(height - 1) + _u24(delay)
                      + bytes([0x02]))  # no blending: each frame replaces the last
            out.write(_chunk(b"ANMF", header + _bitstream(frame)))
            count += 1
        riff_size = out.tell() - 8
        out.seek(4)
        out.write(struct.pack("<I", riff_size))
    return count
