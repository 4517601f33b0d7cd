"""The ``een-tui`` entry point: the terminal UI by default, sub-commands for scripts.

A command's own arguments, and whatever they need (the emulator's defaults, for one), are
added only when that command is chosen or its help is asked for, so ``--version`` and a
headless ``download`` import only what they use."""

from __future__ import annotations

# gevent must patch the standard library before requests, urllib3, ssl or socket are imported.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402

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


class CommandParser(argparse.ArgumentParser):
    """A sub-command's parser that adds its arguments on first use: ``populate`` is called
    with the parser before it parses or formats its help."""

    def __init__(self, *args, populate: Callable[[argparse.ArgumentParser], None] | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._populate = populate

    def _ensure_populated(self) -> None:
        populate, self._populate = self._populate, None
        if populate is not None:
            populate(self)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        self._ensure_populated()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._ensure_populated()
        return super().format_usage()

    def format_help(self) -> str:
        self._ensure_populated()
        return super().format_help()


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
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=CommandParser)
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


def entry() -> None:
    """The console script (and ``python -m een_tui``): :func:`main`, then an exit that skips
    the interpreter's teardown (freeing every object and module one by one: 50-70 ms after a
    download) once the output is flushed and the log closed. Every file a command writes is
    closed by then; an exception still ends the program the normal way, with its traceback."""
    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)
