"""`een-tui timelapse FOLDER -o out.gif|out.webp|out.mp4`: the frames of a download as a movie."""

from __future__ import annotations

import argparse
from pathlib import Path

from een_tui.commands.media_run import EPILOG, progress_line, run_media


def _fps(text: str) -> float:
    from een_tui.media.timelapse import MAX_FPS, MIN_FPS

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not MIN_FPS <= value <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"must be between {MIN_FPS:g} and {MAX_FPS:g}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``een-tui timelapse``."""
    p = sub.add_parser(
        "timelapse", allow_abbrev=False,
        help="assemble downloaded frames into a GIF, WebP or MP4",
        description="Assemble the frames a download wrote (FOLDER is out/<ESN>, the files\n"
                    "<timestamp>.jpg) in time order into an animated GIF or WebP, or an MP4\n"
                    "(needs PyAV: pip install 'een-tui[video]'). Frames are scaled to the first\n"
                    "frame's size; .part files and files that are not JPEGs are skipped and\n"
                    "counted. GIF stores delays in hundredths of a second (at most 50 fps).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        populate=add_arguments)  # arguments (and Pillow) only when this command is chosen
    p.set_defaults(run=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of this command."""
    from een_tui.media.timelapse import MAX_FPS, MIN_FPS

    p.add_argument("folder", metavar="FOLDER", type=Path, help="a camera folder, e.g. out/100a2b3c")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, required=True,
                   help="the result; its extension (.gif, .webp, .mp4) picks the format")
    p.add_argument("--fps", metavar="N", type=_fps, default=10.0,
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
