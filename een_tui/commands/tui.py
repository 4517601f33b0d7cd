"""`een-tui tui`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
import sys

from een_tui import exitcodes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this command."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tui", help="(not yet available)")
    add_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print("een-tui: 'tui' is not available yet", file=sys.stderr)
    return exitcodes.ERROR
