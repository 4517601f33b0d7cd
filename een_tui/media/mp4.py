"""MP4 (H.264, yuv420p) through PyAV, whose wheels carry their own ffmpeg. Optional: the
``video`` extra (``pip install 'een-tui[video]'``)."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from PIL import Image

from een_tui.media.errors import MissingVideoSupport

INSTALL_HINT = "pip install 'een-tui[video]'"


def load_av() -> Any:
    """The ``av`` module, or MissingVideoSupport saying how to install it."""
    try:
        import av
    except ImportError as exc:
        raise MissingVideoSupport(
            f"writing MP4 needs PyAV, which is not installed: {INSTALL_HINT} "
            "(or write a .gif or .webp)") from exc
    return av


def even_size(size: tuple[int, int]) -> tuple[int, int]:
    """H.264 in yuv420p needs even sides: round each down (at least 2)."""
    return tuple(max(2, side - side % 2) for side in size)  # type: ignore[return-value]


def frame_rate(fps: float) -> Fraction:
    """``fps`` as the exact fraction the container stores (29.97 -> 2997/100)."""
    return Fraction(fps).limit_denominator(1001)


def write_mp4(frames: Iterable[Image.Image], path: Path, fps: float) -> int:
    """Write the RGB ``frames`` (all one even size) as H.264 MP4; returns the frame count."""
    av = load_av()
    rate = frame_rate(fps)
    count = 0
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = None
        for image in frames:
            if stream is None:
                stream = container.add_stream("h264", rate=rate)
                stream.width, stream.height = image.size
                stream.pix_fmt = "yuv420p"
            frame = av.VideoFrame.from_image(image)
            frame.pts = count
            frame.time_base = 1 / rate
            container.mux(stream.encode(frame))
            count += 1
        if stream is not None:
            container.mux(stream.encode(None))
    return count
