"""A contact sheet: every frame in a grid, in time order, each cell labelled with its time.

Layout (the tests rely on it): ``cols = min(columns, frames)``; cells are ``width // cols``
pixels wide and as high as the first readable frame's aspect ratio gives (rounded); cell ``i``
sits at column ``i % cols``, row ``i // cols``, with no gaps; the sheet is ``cols × cell width``
by ``rows × cell height``. Each cell's time is written on a black band along its bottom edge
(text a tenth of the cell height, at least 10 px). Cells after the last frame are dark grey."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from een_tui.media.atomic import atomic_output, check_output_path
from een_tui.media.camera import CameraInfo, read_camera_info
from een_tui.media.errors import BadOption, NoFrames, TooLarge, UnsupportedOutput
from een_tui.media.frames import (
    SKIP_UNREADABLE,
    Frame,
    UnreadableFrame,
    describe_skipped,
    load_frame,
    order_frames,
)
from een_tui.media.text import draw_band, time_labels

BACKGROUND = (32, 32, 32)
DEFAULT_COLUMNS = 5
DEFAULT_WIDTH = 1600
MIN_CELL_WIDTH = 32
MAX_SIDE = 65500  # JPEG holds at most 65535 pixels on a side
MAX_PIXELS = 100_000_000  # 300 MB of RGB while the sheet is built
SUFFIXES = (".jpg", ".jpeg")
QUALITY = 85


@dataclass(frozen=True)
class SheetResult:
    """What was written: the file, the cells and their grid, files skipped by reason."""

    output: Path
    cells: int
    columns: int
    rows: int
    cell_size: tuple[int, int]
    skipped: Counter[str]

    def summary(self) -> str:
        """``wrote sheet.jpg: 12 frames, 5 x 3 cells of 320x180``."""
        width, height = self.cell_size
        noun = "frame" if self.cells == 1 else "frames"
        text = (f"wrote {self.output}: {self.cells} {noun}, {self.columns} x {self.rows} cells "
                f"of {width}x{height}")
        skipped = describe_skipped(self.skipped)
        return f"{text} (skipped {skipped})" if skipped else text


def label_size(cell_height: int) -> int:
    """Text size of a cell's time label."""
    return max(10, cell_height // 10)


def make_sheet(
    frames: list[Path],
    output: Path,
    columns: int = DEFAULT_COLUMNS,
    width: int = DEFAULT_WIDTH,
    *,
    camera: CameraInfo | None = None,
) -> SheetResult:
    """Write one JPEG with ``frames`` in a grid (see the module docstring for the layout).

    Raises NoFrames, UnsupportedOutput, BadOption, TooLarge or OutputError; on any error or
    interruption ``output`` is left untouched."""
    output = Path(output)
    if output.suffix.lower() not in SUFFIXES:
        raise UnsupportedOutput(f"a sheet is a JPEG: name it .jpg, not {output.name}")
    if columns < 1:
        raise BadOption(f"columns must be at least 1, not {columns}")
    check_output_path(output)
    ordered = order_frames(list(frames))
    skipped = Counter(ordered.skipped)
    first, image, rest = _first_readable(ordered.frames, skipped)
    total = len(rest) + 1
    cols = min(columns, total)
    cell_w = width // cols
    if cell_w < MIN_CELL_WIDTH:
        raise BadOption(f"cells would be {cell_w} px wide: give a --width of at least "
                        f"{MIN_CELL_WIDTH * cols} or fewer --columns")
    cell_h = max(1, round(cell_w * image.height / image.width))
    rows = math.ceil(total / cols)
    if rows * cell_h > MAX_SIDE or rows * cell_h * cell_w * cols > MAX_PIXELS:
        raise TooLarge(f"{total} frames make a sheet of {cell_w * cols}x{rows * cell_h} px, "
                       f"too large: use more --columns or a smaller --width")
    if camera is None:
        camera = read_camera_info(first.path.parent)
    sheet = Image.new("RGB", (cell_w * cols, cell_h * rows), BACKGROUND)
    cell = (cell_w, cell_h)
    _paste(sheet, 0, cols, cell, image.resize(cell, Image.Resampling.BILINEAR), first, camera)
    placed = 1
    for frame in rest:
        try:
            thumb = load_frame(frame.path, cell)
        except UnreadableFrame:
            skipped[SKIP_UNREADABLE] += 1
            continue
        _paste(sheet, placed, cols, cell, thumb, frame, camera)
        placed += 1
    used_rows = math.ceil(placed / cols)
    if used_rows < rows:  # some frames turned out unreadable
        sheet = sheet.crop((0, 0, sheet.width, used_rows * cell_h))
    with atomic_output(output) as temp:
        sheet.save(temp, "JPEG", quality=QUALITY)
    return SheetResult(output, placed, cols, used_rows, cell, skipped)


def _first_readable(frames: list[Frame], skipped: Counter[str]
                    ) -> tuple[Frame, Image.Image, list[Frame]]:
    """The first frame that decodes, its image, and the frames after it; NoFrames if none."""
    for index, frame in enumerate(frames):
        try:
            return frame, load_frame(frame.path), frames[index + 1 :]
        except UnreadableFrame:
            skipped[SKIP_UNREADABLE] += 1
    detail = describe_skipped(skipped)
    raise NoFrames("no readable JPEG frames" + (f" (skipped {detail})" if detail else ""))


def _paste(sheet: Image.Image, index: int, cols: int, cell: tuple[int, int],
           thumb: Image.Image, frame: Frame, camera: CameraInfo) -> None:
    """Label ``thumb`` with its time and put it in cell ``index``."""
    draw_band(thumb, time_labels(frame.time, camera), size=label_size(cell[1]))
    sheet.paste(thumb, ((index % cols) * cell[0], (index // cols) * cell[1]))
