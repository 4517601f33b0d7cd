"""The ``een-tui`` entry point: the terminal UI by default, sub-commands for scripts.

A command's module, its arguments and whatever they need (the emulator's defaults, for one)
are loaded only when that command is chosen or its help is asked for, so ``--version`` and a
headless ``download`` import only what they use."""

from __future__ import annotations

# gevent must patch the standard library before requests, urllib3, ssl or socket are imported.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402

from een_tui import __version__, exitcodes  # noqa: E402
from een_tui.commands import tui  # noqa: E402
from een_tui.commands.early_options import apply_early_options  # noqa: E402

# The sub-commands, in the order ``een-tui --help`` lists them, with their line there. Each is
# the module een_tui.commands.<name>, imported when the command is chosen: its ``configure``
# gives the parser its description, options and ``run``.
COMMANDS = {
    "cameras": "list the account's cameras and their status",
    "download": "download distinct preview images of one camera",
    "emulator": "run the local EEN emulator, v1 and v3 (demo account, faults, latency)",
    "login": "log in to EEN and cache the login",
    "logout": "end the cached EEN session and delete it",
    "timelapse": "assemble downloaded frames into a GIF, WebP or MP4",
    "sheet": "put downloaded frames in one JPEG grid, labelled with their times",
}


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
    for name, line in COMMANDS.items():
        sub.add_parser(name, help=line, populate=_configured_by_module(name))
    return parser


def _configured_by_module(name: str) -> Callable[[argparse.ArgumentParser], None]:
    """What fills in the parser of command ``name``: its module's ``configure``, imported
    then."""
    def populate(parser: argparse.ArgumentParser) -> None:
        importlib.import_module(f"een_tui.commands.{name}").configure(parser)

    return populate


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
