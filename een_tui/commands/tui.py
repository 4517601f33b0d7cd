"""The terminal UI (``een-tui`` with no sub-command): its options and ``run``. Every command
line is parsed with these options (they are the top level's), so this module imports only what
they need; ``run`` imports the rest.

A hidden option for the tests (not in ``--help``): ``--demo-image-latency-ms MS`` (the embedded
emulator answers image requests exactly this much later, so a run lasts long enough to watch)."""

from __future__ import annotations

import argparse
import os
import sys

from een_tui import exitcodes
from een_tui.commands.arguments import add_connection_options, add_download_options

# The embedded demo answers images about as slowly as a real camera behind EEN's cloud does
# (the 2019 recording: 1-330 ms), so that the five workers can be watched at work.
DEMO_LATENCY = {"image_latency_ms": 250.0, "jitter_ms": 100.0}
# een_tui.ui.graphics.CHOICES, without importing Pillow for every command line
GRAPHICS_CHOICES = ("auto", "kitty", "iterm", "sixel", "blocks", "none")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the terminal UI (the top level of ``een-tui``)."""
    group = parser.add_argument_group("download (terminal UI)")
    add_download_options(group)
    group.add_argument(
        "--camera",
        default=None,
        metavar="ESN_OR_NAME",
        help="download from this camera as soon as the list is loaded",
    )
    group.add_argument(
        "--ascii",
        action="store_true",
        help="ASCII symbols only (automatic when the terminal's encoding lacks the others)",
    )
    group.add_argument(
        "--graphics",
        default=None,
        type=str.lower,
        choices=GRAPHICS_CHOICES,
        help="how images are drawn: auto (ask the terminal), kitty, iterm, sixel, blocks (half "
        "blocks) or none; also EEN_GRAPHICS or `graphics` in the config file (default: auto)",
    )
    group.add_argument("--demo-image-latency-ms", type=float, default=None, help=argparse.SUPPRESS)
    add_connection_options(parser)


def run(args: argparse.Namespace) -> int:
    """Open the terminal UI; returns the exit code."""
    from een_tui.termenv import dumb_terminal

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "een-tui: the terminal UI needs a terminal; for scripts use "
            "'een-tui cameras' or 'een-tui download'",
            file=sys.stderr,
        )
        return exitcodes.USAGE
    if dumb_terminal():
        print(
            "een-tui: this terminal (TERM=dumb or unset) cannot show the full-screen UI; use "
            "'een-tui cameras' to list the cameras and 'een-tui download' to download previews",
            file=sys.stderr,
        )
        return exitcodes.USAGE
    from een_tui.commands.common import report_error
    from een_tui.connect import AccountConnection
    from een_tui.connect_demo import DemoConnection, demo_api
    from een_tui.ui.app import App, AppOptions

    try:
        graphics = detect_terminal_graphics(args.graphics)
    except Exception as exc:
        return report_error(exc)

    if args.demo:
        emulator_options: dict = dict(DEMO_LATENCY)
        if args.demo_image_latency_ms is not None:
            emulator_options["image_latency_ms"] = args.demo_image_latency_ms
            emulator_options["jitter_ms"] = 0
        connection = DemoConnection(
            pool_size=args.workers, timeout=args.timeout, emulator_options=emulator_options,
            api=demo_api(args),
        )
    else:
        connection = AccountConnection(args, pool_size=args.workers)
    options = AppOptions(
        count=args.count,
        workers=args.workers,
        out_dir=args.out,
        camera=args.camera,
        ascii=args.ascii,
        graphics=graphics,
    )
    try:
        return App(connection, options).run()
    except Exception as exc:
        return report_error(exc)


def detect_terminal_graphics(option: str | None):  # -> een_tui.ui.graphics.Graphics
    """The graphics protocol for ``--graphics`` (or its setting), asked of the controlling
    terminal before urwid starts. A bad choice is a ConfigurationError (exit 2)."""
    from een_tui import config
    from een_tui.api.errors import ConfigurationError
    from een_tui.ui.graphics import check_choice, detect_graphics

    choice = config.graphics_setting(option)
    try:
        check_choice(choice)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        fd = None
    try:
        return detect_graphics(choice, os.environ, fd)
    finally:
        if fd is not None:
            os.close(fd)
