"""`een-tui sheet FOLDER -o sheet.jpg`: the frames of a download in one JPEG grid."""

from __future__ import annotations

import argparse
from pathlib import Path

from een_tui.commands.media_run import EPILOG, run_media


def _bounded_int(low: int, high: int) -> type:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value
    return parse  # type: ignore[return-value]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``een-tui sheet``."""
    p = sub.add_parser(
        "sheet", allow_abbrev=False,
        help="put downloaded frames in one JPEG grid, labelled with their times",
        description="Put the frames a download wrote (FOLDER is out/<ESN>) in one JPEG: a grid\n"
                    "in time order, left to right then top to bottom, each cell labelled with\n"
                    "its time (in the camera's time zone when camera.json gives one, else UTC).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        populate=add_arguments)  # arguments (and Pillow) only when this command is chosen
    p.set_defaults(run=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of this command."""
    from een_tui.media.sheet import DEFAULT_COLUMNS, DEFAULT_WIDTH

    p.add_argument("folder", metavar="FOLDER", type=Path, help="a camera folder, e.g. out/100a2b3c")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, required=True,
                   help="the sheet, a .jpg file")
    p.add_argument("--columns", metavar="N", type=_bounded_int(1, 100), default=DEFAULT_COLUMNS,
                   help=f"cells per row (default {DEFAULT_COLUMNS}; fewer if fewer frames)")
    p.add_argument("--width", metavar="PX", type=_bounded_int(64, 16000), default=DEFAULT_WIDTH,
                   help=f"sheet width in pixels (default {DEFAULT_WIDTH})")


def run(args: argparse.Namespace) -> int:
    """Make the sheet; one line on stderr either way."""
    from een_tui.media.frames import folder_files
    from een_tui.media.sheet import make_sheet

    return run_media(lambda: make_sheet(folder_files(args.folder), args.output, args.columns,
                                        args.width))
