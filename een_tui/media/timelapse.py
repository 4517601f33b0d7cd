"""A timelapse of downloaded frames: animated GIF or WebP (Pillow), or MP4 (PyAV, optional).

Frames are ordered by the time in their names and decoded one at a time; each is scaled to the
size of the first readable frame (for MP4 rounded down to even sides) and, when asked, stamped
with the camera name and the frame time. The output appears atomically, or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from een_tui.media import gif, mp4, webp
from een_tui.media.atomic import atomic_output, check_output_path
from een_tui.media.camera import CameraInfo, read_camera_info
from een_tui.media.errors import BadOption, NoFrames, UnsupportedOutput
from een_tui.media.frames import (
    SKIP_UNREADABLE,
    Frame,
    UnreadableFrame,
    describe_skipped,
    load_frame,
    order_frames,
)
from een_tui.media.text import draw_band, stamp_size, stamp_texts

MIN_FPS = 0.1
MAX_FPS = 60.0
FORMATS = (".gif", ".webp", ".mp4")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TimelapseResult:
    """What was written: the file, its frame count and rate, and the files skipped by reason."""

    output: Path
    frames: int
    fps: float
    skipped: Counter[str]

    def summary(self) -> str:
        """``wrote out.gif: 20 frames at 10 fps (skipped 1 unreadable)``."""
        noun = "frame" if self.frames == 1 else "frames"
        text = f"wrote {self.output}: {self.frames} {noun} at {self.fps:.3g} fps"
        skipped = describe_skipped(self.skipped)
        return f"{text} (skipped {skipped})" if skipped else text


def output_format(output: Path) -> str:
    """The output's format suffix (``.gif``, ``.webp`` or ``.mp4``); UnsupportedOutput else.
    For MP4, MissingVideoSupport when PyAV is not installed."""
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedOutput(
            f"cannot tell the format of {output}: name it .gif, .webp or .mp4")
    if suffix == ".mp4":
        mp4.load_av()
    return suffix


def stored_fps(suffix: str, fps: float) -> float:
    """The rate the format really stores for ``fps`` (GIF counts in centiseconds)."""
    if suffix == ".gif":
        return 1000 / gif.gif_delay_ms(fps)
    if suffix == ".webp":
        return 1000 / webp.webp_delay_ms(fps)
    return float(mp4.frame_rate(fps))


def make_timelapse(
    frames: list[Path],
    output: Path,
    fps: float = 10.0,
    stamp: bool = False,
    *,
    camera: CameraInfo | None = None,
    progress: Progress | None = None,
) -> TimelapseResult:
    """Assemble ``frames`` (JPEG files named ``<EEN timestamp>.jpg``) in time order into
    ``output``, whose extension picks the format.

    ``stamp`` draws the camera name and the frame time on each frame; the camera is ``camera``,
    else the ``camera.json`` beside the first frame. ``progress(done, total)`` is called after
    each frame (it may raise to cancel). Raises a :class:`MediaError` subclass: NoFrames,
    UnsupportedOutput, MissingVideoSupport, OutputError, BadOption, TooLarge. On any error or
    interruption ``output`` is left untouched."""
    output = Path(output)
    suffix = output_format(output)
    if not MIN_FPS <= fps <= MAX_FPS:
        raise BadOption(f"fps must be between {MIN_FPS:g} and {MAX_FPS:g}, not {fps:g}")
    check_output_path(output)
    ordered = order_frames(list(frames))
    if not ordered.frames:
        detail = describe_skipped(ordered.skipped)
        raise NoFrames("no JPEG frames to assemble" + (f" (skipped {detail})" if detail else ""))
    if camera is None:
        camera = read_camera_info(ordered.frames[0].path.parent)
    skipped = Counter(ordered.skipped)
    rendered = _render(ordered.frames, suffix, camera if stamp else None, skipped, progress)
    writer = {".gif": gif.write_gif, ".webp": webp.write_webp, ".mp4": mp4.write_mp4}[suffix]
    with atomic_output(output) as temp:
        written = writer(rendered, temp, fps)
        if written == 0:
            raise NoFrames(f"none of the {len(ordered.frames)} frames could be decoded")
    return TimelapseResult(output, written, stored_fps(suffix, fps), skipped)


def _render(frames: list[Frame], suffix: str, camera: CameraInfo | None,
            skipped: Counter[str], progress: Progress | None) -> Iterator[Image.Image]:
    """Decode, scale and stamp the frames one at a time; unreadable ones are counted."""
    size: tuple[int, int] | None = None
    for done, frame in enumerate(frames, start=1):
        try:
            image = load_frame(frame.path, size)
        except UnreadableFrame:
            skipped[SKIP_UNREADABLE] += 1
            image = None
        if image is not None:
            if size is None:
                size = mp4.even_size(image.size) if suffix == ".mp4" else image.size
                if image.size != size:
                    image = image.resize(size, Image.Resampling.BILINEAR)
            if camera is not None:
                draw_band(image, stamp_texts(frame.time, camera), size=stamp_size(size[1]))
            yield image
        if progress is not None:
            progress(done, len(frames))
