"""Animated GIF written frame by frame with Pillow's GIF helpers (``getheader``/``getdata``).

``Image.save(save_all=True)`` would keep every frame until the end; here only the frame being
written is in memory. The first frame's palette is the global one; every later frame carries
its own (local) palette."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PIL import GifImagePlugin, Image

MIN_CENTISECONDS = 2  # browsers slow shorter GIF delays down to 10 cs


def gif_delay_ms(fps: float) -> int:
    """The delay GIF can store for ``fps`` (whole centiseconds, at least 2), in milliseconds."""
    return max(MIN_CENTISECONDS, round(100 / fps)) * 10


def write_gif(frames: Iterable[Image.Image], path: Path, fps: float) -> int:
    """Write the RGB ``frames`` (all one size) as a looping GIF; returns the frame count."""
    delay = gif_delay_ms(fps)
    count = 0
    with open(path, "wb") as out:
        for frame in frames:
            indexed = frame.quantize(colors=256)
            if count == 0:
                header, _ = GifImagePlugin.getheader(indexed, info={"loop": 0, "duration": delay})
                out.writelines(header)
                data = GifImagePlugin.getdata(indexed, duration=delay)
            else:
                data = GifImagePlugin.getdata(indexed, duration=delay, include_color_table=True)
            out.writelines(data)
            count += 1
        out.write(b";")
    return count
