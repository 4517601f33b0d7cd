"""The ``een-tui`` entry point: the terminal UI by default, sub-commands for scripts."""

from __future__ import annotations

# gevent must patch the standard library before requests, urllib3, ssl or socket are imported.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import sys  # noqa: E402

from een_tui import __version__, exitcodes  # noqa: E402
from een_tui.commands import (  # noqa: E402
    cameras,
    download,
    emulator,
    login,
    logout,
    sheet,
    timelapse,
    tui,
)
from een_tui.commands.early_options import apply_early_options  # noqa: E402

COMMANDS = (cameras, download, emulator, login, logout, timelapse, sheet)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser: TUI options at the top level, one sub-parser per command."""
    parser = argparse.ArgumentParser(
        prog="een-tui",
        description="Browse Eagle Eye Networks cloud cameras and download preview images.",
        epilog=exitcodes.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"een-tui {__version__}")
    tui.add_arguments(parser)
    parser.set_defaults(run=tui.run)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def tolerant_output() -> None:
    """A character the terminal's encoding lacks (``LC_ALL=C``, ``PYTHONIOENCODING=ascii``)
    is shown as ``?`` instead of ending the command with an error."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; returns the exit code."""
    tolerant_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    apply_early_options(parser, sys.argv[1:] if argv is None else argv, args)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED
