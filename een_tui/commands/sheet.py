"""`een-tui sheet FOLDER -o sheet.jpg`: the frames of a download in one JPEG grid."""

from __future__ import annotations

import argparse

from een_tui.commands.arguments import bounded_int, describe
from een_tui.commands.media_run import EPILOG, add_folder_output, run_media

DESCRIPTION = """\
Put the frames a download wrote (FOLDER is out/<ESN>) in one JPEG: a grid
in time order, left to right then top to bottom, each cell labelled with
its time (in the camera's time zone when camera.json gives one, else UTC)."""


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui sheet``: its help, options and ``run``."""
    describe(parser, DESCRIPTION, epilog=EPILOG, allow_abbrev=False)
    add_arguments(parser)
    parser.set_defaults(run=run)


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
