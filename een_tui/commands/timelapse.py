"""`een-tui timelapse FOLDER -o out.gif|out.webp|out.mp4`: the frames of a download as a movie."""

from __future__ import annotations

import argparse

from een_tui.commands.arguments import bounded_float, describe
from een_tui.commands.media_run import EPILOG, add_folder_output, progress_line, run_media

DESCRIPTION = """\
Assemble the frames a download wrote (FOLDER is out/<ESN>, the files
<timestamp>.jpg) in time order into an animated GIF or WebP, or an MP4
(needs PyAV: pip install 'een-tui[video]'). Frames are scaled to the first
frame's size; .part files and files that are not JPEGs are skipped and
counted. GIF stores delays in hundredths of a second (at most 50 fps)."""


def configure(parser: argparse.ArgumentParser) -> None:
    """``een-tui timelapse``: its help, options and ``run``."""
    describe(parser, DESCRIPTION, epilog=EPILOG, allow_abbrev=False)
    add_arguments(parser)
    parser.set_defaults(run=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of this command."""
    from een_tui.media.timelapse import MAX_FPS, MIN_FPS

    add_folder_output(p, "the result; its extension (.gif, .webp, .mp4) picks the format")
    p.add_argument("--fps", metavar="N", type=bounded_float(MIN_FPS, MAX_FPS), default=10.0,
                   help=f"frames per second, {MIN_FPS:g} to {MAX_FPS:g} (default 10)")
    p.add_argument("--stamp", action="store_true",
                   help="draw the camera name (from camera.json, if present) and the frame time "
                        "on each frame")


def run(args: argparse.Namespace) -> int:
    """Make the timelapse; one line on stderr either way."""
    from een_tui.media.frames import folder_files
    from een_tui.media.timelapse import make_timelapse

    return run_media(lambda: make_timelapse(folder_files(args.folder), args.output, args.fps,
                                            args.stamp, progress=progress_line()))
