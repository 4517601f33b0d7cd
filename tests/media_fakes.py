"""Real JPEG frames on disk for the timelapse and sheet tests, and a way to run the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

# Far apart in RGB, so the nearest of them identifies a frame even after GIF, WebP or H.264.
COLOURS = [
    (230, 20, 20), (20, 200, 20), (20, 20, 230), (240, 240, 30), (230, 30, 230),
    (30, 230, 230), (250, 250, 250), (10, 10, 10), (250, 140, 0), (120, 60, 200),
    (128, 128, 128), (0, 110, 60),
]
START = datetime(2026, 12, 1, 9, 0, 0, tzinfo=timezone.utc)


def een_name(moment: datetime) -> str:
    """``YYYYMMDDhhmmss.mmm.jpg`` written out independently of the code under test."""
    return f"{moment:%Y%m%d%H%M%S}.{moment.microsecond // 1000:03d}.jpg"


def write_frames(folder: Path, count: int, size: tuple[int, int] = (160, 120),
                 step: timedelta = timedelta(seconds=7)) -> list[Path]:
    """``count`` solid-colour JPEGs named by time (COLOURS[i] at START + i*step), written in
    reverse time order with modification times that also run backwards, so neither the
    directory order nor mtimes give the time order. Returns the paths in time order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / een_name(START + i * step) for i in range(count)]
    for i in reversed(range(count)):
        Image.new("RGB", size, COLOURS[i]).save(paths[i], "JPEG", quality=95)
        os.utime(paths[i], (1_000_000 + (count - i), 1_000_000 + (count - i)))
    return paths


def noise_frames(folder: Path, count: int, size: tuple[int, int] = (640, 480)) -> list[Path]:
    """``count`` frames, one second apart, of one noise JPEG (hard links): encoding them into
    a GIF takes seconds, so a signal sent once the output's temporary file exists lands in
    the middle of the work. Returns the paths in time order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / een_name(START + timedelta(seconds=n)) for n in range(count)]
    Image.effect_noise(size, 90).convert("RGB").save(paths[0], "JPEG")
    for path in paths[1:]:
        os.link(paths[0], path)
    return paths


def nearest_colour(pixel: tuple[int, ...]) -> int:
    """Index in COLOURS of the colour closest to ``pixel``."""
    return min(range(len(COLOURS)),
               key=lambda i: sum((a - b) ** 2 for a, b in zip(COLOURS[i], pixel[:3], strict=True)))


def run_een(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m een_tui ARGS`` in a child process, text output captured."""
    return subprocess.run([sys.executable, "-m", "een_tui", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def leftovers(folder: Path) -> list[str]:
    """Temporary files a command may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))
