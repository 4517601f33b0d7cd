"""The camera a folder of frames came from: ``camera.json`` beside the images, if any.

The file is written by the download (``{"name", "esn", "status", "time_zone", ...}``) but is read
as untrusted: a wrong type, a huge file or junk just means "unknown camera"."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CAMERA_FILE = "camera.json"
MAX_CAMERA_FILE_BYTES = 64 * 1024
MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class CameraInfo:
    """A camera's display name (may be empty) and the time zone its frames are shown in."""

    name: str = ""
    zone: tzinfo = timezone.utc

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the camera's time zone."""
        return moment.astimezone(self.zone)


def read_camera_info(folder: Path) -> CameraInfo:
    """The camera described by ``folder/camera.json``; an unnamed UTC camera when absent or bad."""
    path = Path(folder) / CAMERA_FILE
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CAMERA_FILE_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_CAMERA_FILE_BYTES else None
    except (OSError, ValueError):
        return CameraInfo()
    if not isinstance(data, dict):
        return CameraInfo()
    return CameraInfo(name=clean_text(data.get("name")), zone=zone_named(data.get("time_zone")))


def clean_text(value: object, limit: int = MAX_NAME_CHARS) -> str:
    """A server-provided string fit to draw: no control characters, one line, at most ``limit``
    characters; anything else becomes an empty string."""
    if not isinstance(value, str):
        return ""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def zone_named(name: object) -> tzinfo:
    """The IANA time zone ``name``; UTC for anything else (absent, unknown, not a string)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return timezone.utc
