"""What the ``timelapse`` and ``sheet`` commands share: their parser (the exit codes they
document in ``EPILOG``, ``FOLDER -o FILE``), a progress line on a terminal, and turning errors
into one line on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from een_tui import exitcodes

EPILOG = """exit codes:
  0    success (the output was written; skipped files are listed on stderr)
  1    the output cannot be written (missing folder, a file in the way, disk full)
  2    usage error: unknown output extension, no frames in FOLDER, option out of range,
       MP4 without PyAV (pip install 'een-tui[video]')
  129  hung up (SIGHUP), 130 interrupted (Ctrl+C), 143 terminated (SIGTERM): the output is
       not created or changed, and no temporary file is left
"""


def add_folder_output(p: argparse.ArgumentParser, output_help: str) -> None:
    """``FOLDER`` (a camera folder of a download) and ``-o FILE``."""
    p.add_argument("folder", metavar="FOLDER", type=Path, help="a camera folder, e.g. out/100a2b3c")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, required=True, help=output_help)


def progress_line() -> Callable[[int, int], None] | None:
    """A ``frame 12/300`` line rewritten in place on a terminal's stderr; None otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\rframe {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def run_media(make: Callable[[], object]) -> int:
    """Run ``make`` (which returns a result with ``summary()``), print the outcome on stderr and
    return the exit code."""
    from een_tui.commands.common import report_error  # what running needs, not the parser
    from een_tui.logsetup import setup_logging
    from een_tui.media.errors import MediaError
    from een_tui.signals import EndedBySignal, raising_signals

    try:
        with raising_signals():  # SIGTERM and SIGHUP clean up like Ctrl+C
            setup_logging()
            result = make()
    except MediaError as exc:
        print(f"een-tui: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except EndedBySignal as exc:
        print(f"een-tui: error: {exc}", file=sys.stderr)
        return exitcodes.for_signal(exc.signum)
    except (Exception, KeyboardInterrupt) as exc:
        return report_error(exc)
    print(f"een-tui: {result.summary()}", file=sys.stderr)  # type: ignore[attr-defined]
    return exitcodes.OK
