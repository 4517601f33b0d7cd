"""Text on frames: the timelapse stamp and the sheet's cell labels, in Pillow's default font."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from een_tui.media.camera import CameraInfo

TEXT = (255, 255, 255)
BAND = (0, 0, 0)


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's default font at ``size`` pixels (the fixed bitmap font without FreeType)."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow < 10.1 or no FreeType
        return ImageFont.load_default()


def time_label(moment: datetime, camera: CameraInfo) -> str:
    """``2026-12-01 09:00:05 CET``: the frame time in the camera's zone."""
    local = camera.local(moment)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".rstrip()


def stamp_text(moment: datetime, camera: CameraInfo) -> str:
    """The timelapse stamp: camera name (when known) and frame time."""
    label = time_label(moment, camera)
    return f"{camera.name}  {label}" if camera.name else label


def draw_band(image: Image.Image, text: str, *, size: int) -> None:
    """Draw ``text`` in white on a black band across the bottom of ``image`` (in place)."""
    draw = ImageDraw.Draw(image)
    face = font(size)
    pad = max(2, size // 4)
    band_top = image.height - size - 2 * pad
    draw.rectangle((0, band_top, image.width, image.height), fill=BAND)
    draw.text((pad, band_top + pad), text, fill=TEXT, font=face)


def stamp_size(height: int) -> int:
    """Text size for a frame ``height`` pixels high: a twentieth of it, at least 10 px."""
    return max(10, height // 20)
