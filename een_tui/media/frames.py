"""Finding the frames a download wrote (``<out>/<ESN>/<timestamp>.jpg``), in time order, and
decoding them one at a time.

A frame's time is its file name, an EEN timestamp (``YYYYMMDDhhmmss.mmm``, UTC). Files that are
not frames are counted by reason, so a command can say what it skipped: ``.part`` files of an
unfinished download, ``.jpg`` files not named by time, files that are not JPEGs, and JPEGs that do
not decode (found while decoding, counted by the caller)."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PIL import Image

from een_tui.api.timestamps import is_een_timestamp, parse_een_timestamp
from een_tui.download.storage import PART_SUFFIX
from een_tui.media.errors import NoFrames

JPEG_MAGIC = b"\xff\xd8\xff"
FRAME_SUFFIXES = (".jpg", ".jpeg")

SKIP_PART = "unfinished (.part)"
SKIP_NAME = "not named by time"
SKIP_NOT_JPEG = "not a JPEG"
SKIP_UNREADABLE = "unreadable"


class UnreadableFrame(Exception):
    """A frame file that does not decode as a JPEG."""


@dataclass(frozen=True, order=True)
class Frame:
    """One image file and the moment it shows (UTC)."""

    time: datetime
    path: Path = field(compare=False)


@dataclass
class FrameSet:
    """Frames in time order, and how many files were skipped for which reason."""

    frames: list[Frame]
    skipped: Counter[str] = field(default_factory=Counter)


def order_frames(paths: list[Path]) -> FrameSet:
    """The JPEG frames among ``paths`` in time order; the rest counted in ``skipped``.

    Only the first bytes of each file are read (the JPEG signature); decoding comes later."""
    skipped: Counter[str] = Counter()
    frames = []
    for path in paths:
        path = Path(path)
        name = path.name
        if name.endswith(PART_SUFFIX):
            skipped[SKIP_PART] += 1
            continue
        stem, suffix = path.stem, path.suffix.lower()
        if suffix not in FRAME_SUFFIXES:
            continue  # camera.json, an earlier timelapse: not ours to count
        if not is_een_timestamp(stem):
            skipped[SKIP_NAME] += 1
            continue
        if not _has_jpeg_magic(path):
            skipped[SKIP_NOT_JPEG] += 1
            continue
        frames.append(Frame(parse_een_timestamp(stem), path))
    frames.sort()
    return FrameSet(frames, skipped)


def folder_files(folder: Path) -> list[Path]:
    """The files in ``folder`` (not its sub-folders), for :func:`order_frames`.

    NoFrames when the folder is missing or holds no frame; when it holds camera folders
    (``out/`` rather than ``out/<ESN>``) the message names them."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NoFrames(f"{folder} is not a folder")
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise NoFrames(f"cannot read {folder}: {exc.strerror or exc}") from exc
    files = [entry for entry in entries if entry.is_file()]
    found = order_frames(files)
    if found.frames:
        return files
    message = f"no JPEG frames in {folder}"
    if found.skipped:
        message += f" (skipped {describe_skipped(found.skipped)})"
    subfolders = [entry for entry in entries if entry.is_dir()]
    if subfolders:
        names = ", ".join(str(sub) for sub in subfolders[:5])
        more = "" if len(subfolders) <= 5 else f" and {len(subfolders) - 5} more"
        message += f"; choose a camera folder: {names}{more}"
    raise NoFrames(message)


def describe_skipped(skipped: Counter[str]) -> str:
    """``3 unfinished (.part), 1 unreadable`` (empty string when nothing was skipped)."""
    return ", ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()) if count)


def load_frame(path: Path, size: tuple[int, int] | None = None) -> Image.Image:
    """Decode one JPEG as RGB, scaled to exactly ``size`` when given; UnreadableFrame if it
    does not decode. JPEGs are decoded at a reduced scale when that is enough (``draft``)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != "JPEG":
                    raise UnreadableFrame(f"{path.name} is not a JPEG")
                if size is not None:
                    image.draft("RGB", size)
                rgb = image.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise UnreadableFrame(f"{path.name}: {exc}") from exc
    if size is not None and rgb.size != size:
        rgb = rgb.resize(size, Image.Resampling.BILINEAR)
    return rgb


def _has_jpeg_magic(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(JPEG_MAGIC)) == JPEG_MAGIC
    except OSError:
        return False
