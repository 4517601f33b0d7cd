"""`een-tui sheet FOLDER -o sheet.jpg`: the frames of a download in one JPEG grid."""

from __future__ import annotations

import argparse

from een_tui.commands.arguments import bounded_int
from een_tui.commands.media_run import add_folder_output, add_media_parser, run_media


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``een-tui sheet``."""
    add_media_parser(
        sub, "sheet",
        help="put downloaded frames in one JPEG grid, labelled with their times",
        description="Put the frames a download wrote (FOLDER is out/<ESN>) in one JPEG: a grid\n"
                    "in time order, left to right then top to bottom, each cell labelled with\n"
                    "its time (in the camera's time zone when camera.json gives one, else UTC).",
        add_arguments=add_arguments, run=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of this command."""
    from een_tui.media.sheet import DEFAULT_COLUMNS, DEFAULT_WIDTH

    add_folder_output(p, "the sheet, a .jpg file")
    p.add_argument("--columns", metavar="N", type=bounded_int(1, 100), default=DEFAULT_COLUMNS,
                   help=f"cells per row (default {DEFAULT_COLUMNS}; fewer if fewer frames)")
    p.add_argument("--width", metavar="PX", type=bounded_int(64, 16000), default=DEFAULT_WIDTH,
                   help=f"sheet width in pixels (default {DEFAULT_WIDTH})")


def run(args: argparse.Namespace) -> int:
    """Make the sheet; one line on stderr either way."""
    from een_tui.media.frames import folder_files
    from een_tui.media.sheet import make_sheet

    return run_media(lambda: make_sheet(folder_files(args.folder), args.output, args.columns,
                                        args.width))
