"""How ``een-tui download`` ends, for one camera or many: the clean stop on Ctrl+C / SIGTERM /
SIGHUP, the exit code of the outcome, and the ``--json`` summary on stdout (also for a run that
never started). Imported when a download runs, not when the parser is built."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from een_tui import exitcodes
from een_tui.commands.common import error_message, report_error
from een_tui.download.events import FailureKind, RunOutcome
from een_tui.signals import ending_signals

R = TypeVar("R")


class Ended(Protocol):
    """What the exit code is read from (a one-camera or a many-camera result)."""

    outcome: RunOutcome
    error_kind: FailureKind | None


def exit_code(result: Ended) -> int:
    """0 all done, 130 cancelled, 5 fewer than asked (or a camera short or skipped),
    4 no usable camera, 3 auth, else 1."""
    if result.outcome is RunOutcome.DONE:
        return exitcodes.OK
    if result.outcome is RunOutcome.CANCELLED:
        return exitcodes.INTERRUPTED
    if result.outcome is RunOutcome.INCOMPLETE:
        return exitcodes.INCOMPLETE
    return {FailureKind.NO_USABLE_CAMERA: exitcodes.NO_USABLE_CAMERA,
            FailureKind.AUTH: exitcodes.AUTH_FAILED}.get(result.error_kind, exitcodes.ERROR)


class RunEnd:
    """The end of one download command; ``failure(message)`` is its ``--json`` summary of a run
    that never started (same keys as a finished run's)."""

    def __init__(self, args: argparse.Namespace, failure: Callable[[str], dict[str, Any]]) -> None:
        self.args = args
        self._failure = failure
        self.ended_by: list[int] = []  # the signal that cancelled the run, if one did

    def run(self, go: Callable[[], R], cancel: Callable[[], None]) -> R:
        """``go()`` with Ctrl+C, SIGTERM and SIGHUP calling ``cancel()`` (the same clean end)."""
        def stop(signum: int) -> None:
            self.ended_by.append(signum)
            cancel()

        with ending_signals(stop):
            return go()

    def fail(self, code: int, message: str) -> int:
        """A run that cannot start: one line on stderr, the failure summary; returns ``code``."""
        print(f"een-tui: error: {message}", file=sys.stderr)
        if self.args.json:
            print(json.dumps(self._failure(message), indent=2))
        return code

    def failed(self, exc: BaseException) -> int:
        """A run ended by an error: one line on stderr (never a traceback), the failure
        summary; returns the exit code of the error."""
        code = report_error(exc)
        if self.args.json:
            print(json.dumps(self._failure(error_message(exc)), indent=2))
        return code

    def finished(self, result: Ended, summary: Callable[[Any], dict[str, Any]]) -> int:
        """A run that ran: its ``--json`` summary; returns the exit code (128 + the signal
        number when a signal cancelled it)."""
        if self.args.json:
            with contextlib.suppress(OSError):  # stdout may be a terminal that hung up
                print(json.dumps(summary(result), indent=2))
        if self.ended_by and result.outcome is RunOutcome.CANCELLED:
            return exitcodes.for_signal(self.ended_by[0])
        return exit_code(result)
