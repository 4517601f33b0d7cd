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


MIN_TEXT = 8


def time_label(moment: datetime, camera: CameraInfo, *, with_date: bool = True) -> str:
    """``2026-12-01 09:00:05 CET`` (or ``09:00:05 CET``): the frame time in the camera's zone."""
    local = camera.local(moment)
    shown = f"{local:%Y-%m-%d %H:%M:%S}" if with_date else f"{local:%H:%M:%S}"
    return f"{shown} {local.tzname() or ''}".rstrip()


def time_labels(moment: datetime, camera: CameraInfo) -> list[str]:
    """A sheet cell's label, longest first: with the date, then without."""
    return [time_label(moment, camera), time_label(moment, camera, with_date=False)]


def stamp_texts(moment: datetime, camera: CameraInfo) -> list[str]:
    """The timelapse stamp, longest first: camera name (when known) and frame time, then
    shorter forms for narrow frames."""
    labels = time_labels(moment, camera)
    if not camera.name:
        return labels
    return [f"{camera.name}  {label}" for label in labels] + labels[-1:]


def draw_band(image: Image.Image, texts: list[str], *, size: int) -> None:
    """Draw the first of ``texts`` that fits (shrinking the text down to 8 px, then trying the
    next, shorter one) in white on a black band across the bottom of ``image``, in place."""
    draw = ImageDraw.Draw(image)
    pad = max(2, size // 4)
    text, face = _fitting(draw, texts, size, image.width - 2 * pad)
    band_top = image.height - size - 2 * pad
    draw.rectangle((0, band_top, image.width, image.height), fill=BAND)
    draw.text((pad, band_top + pad), text, fill=TEXT, font=face)


def _fitting(draw: ImageDraw.ImageDraw, texts: list[str], size: int,
             room: int) -> tuple[str, ImageFont.ImageFont | ImageFont.FreeTypeFont]:
    for text in texts:
        for px in range(size, MIN_TEXT - 1, -1):
            face = font(px)
            if draw.textlength(text, font=face) <= room:
                return text, face
    return texts[-1], font(MIN_TEXT)  # clipped at the right edge


def stamp_size(height: int) -> int:
    """Text size for a frame ``height`` pixels high: a twentieth of it, at least 10 px."""
    return max(10, height // 20)
