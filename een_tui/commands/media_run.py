"""What the ``timelapse`` and ``sheet`` commands share: the exit codes they document, a
progress line on a terminal, and turning errors into one line on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable

from een_tui import exitcodes

EPILOG = """exit codes:
  0    success (the output was written; skipped files are listed on stderr)
  1    the output cannot be written (missing folder, a file in the way, disk full)
  2    usage error: unknown output extension, no frames in FOLDER, option out of range,
       MP4 without PyAV (pip install 'een-tui[video]')
  130  interrupted (Ctrl+C): the output is not created or changed
"""


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

    try:
        setup_logging()
        result = make()
    except MediaError as exc:
        print(f"een-tui: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (Exception, KeyboardInterrupt) as exc:
        return report_error(exc)
    print(f"een-tui: {result.summary()}", file=sys.stderr)  # type: ignore[attr-defined]
    return exitcodes.OK
