"""What every command that talks to EEN shares: connection options, ``connect()``, the
``--demo`` emulator, and turning errors into one line on stderr plus an exit code."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator

import gevent

from een_tui import config, exitcodes
from een_tui.api import errors
from een_tui.api.backend import Backend
from een_tui.api.credentials import ask_hidden, stdin_is_terminal
from een_tui.api.secrets import redact
from een_tui.api.text import clean_text
from een_tui.commands.arguments import (  # noqa: F401 (re-exported: the option helpers)
    CONNECTION_OPTIONS,
    TIMEOUT_SECONDS,
    RefusePasswordFlag,
    add_connection_options,
    add_download_options,
    bounded_float,
    bounded_int,
)
from een_tui.connect import (  # noqa: F401 (re-exported: the commands' names)
    connected,
    connection_flags,
    credential_source,
    opened,
    session_cache_for,
)
from een_tui.download.options import DEFAULT_WORKERS
from een_tui.logsetup import setup_logging

log = logging.getLogger(__name__)


def print_warning(message: str) -> None:
    """One warning line on stderr (and in the log), cleaned."""
    log.warning("%s", message)
    print(f"een-tui: warning: {clean_text(message, squeeze=True)}", file=sys.stderr)


def ask_two_factor_code(method: str, destination: str) -> str:
    """Prompt for the 4-digit code EEN just sent (on stderr, never echoed into logs)."""
    print(f"EEN sent a login code by {clean_text(method, 20)} to {clean_text(destination, 100)}.",
          file=sys.stderr)
    try:
        return ask_hidden("4-digit code: ")
    except EOFError:  # Ctrl+D
        print(file=sys.stderr)
        raise errors.TwoFactorFailed("no two-factor code entered (end of input)") from None


def show_login_line(text: str) -> None:
    """One line of the v3 browser login (the address, a hint) on stderr; the address is kept
    whole (a terminal wraps it, and it must be copied exactly)."""
    print(clean_text(text, squeeze=True), file=sys.stderr, flush=True)


def quiet_ctrl_c() -> None:
    """Ctrl+C while a greenlet waits on the network still ends the command (KeyboardInterrupt
    reaches it: one line, exit 130), without gevent's hub printing it on stderr first."""
    hub = gevent.get_hub()
    if not issubclass(KeyboardInterrupt, hub.NOT_ERROR):
        hub.NOT_ERROR = (*hub.NOT_ERROR, KeyboardInterrupt)


@contextlib.contextmanager
def connect(args: argparse.Namespace, *, pool_size: int = DEFAULT_WORKERS,
            prompt: bool = True) -> Iterator[Backend]:
    """A logged-in :class:`Backend` for the command line in ``args`` (a context manager):
    :func:`een_tui.connect.opened`, with the terminal's two-factor prompt when ``prompt``
    is true and stdin is a terminal. ``--demo`` uses the embedded emulator."""
    setup_logging()
    quiet_ctrl_c()
    terminal = prompt and stdin_is_terminal()
    ask = ask_two_factor_code if terminal else None
    show = show_login_line if terminal else None  # v3: a browser login only on a terminal
    with opened(args, pool_size=pool_size, prompt=prompt, ask_code=ask, warn=print_warning,
                login_input=sys.stdin if terminal else None, show=show) as connection:
        assert connection.backend is not None
        yield connection.backend


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an error (``AuthError`` -> 3, Ctrl+C -> 130, else 1)."""
    if isinstance(exc, KeyboardInterrupt):
        return exitcodes.INTERRUPTED
    if isinstance(exc, errors.MissingUsername):  # nothing to log in as: how it was called
        return exitcodes.USAGE
    if isinstance(exc, errors.AuthError | errors.MissingCredentials):
        return exitcodes.AUTH_FAILED
    if isinstance(exc, errors.ConfigurationError):  # bad URL, config file, option
        return exitcodes.USAGE
    return exitcodes.ERROR


def error_message(exc: BaseException) -> str:
    """One line for a person, without traceback or secrets."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, errors.EenError):
        text = exc.message
    elif isinstance(exc, EOFError):
        text = "end of input (Ctrl+D)"
    elif isinstance(exc, UnicodeEncodeError):
        text = (f"the terminal's character set ({exc.encoding}) cannot show this output; "
                "use a UTF-8 locale or set PYTHONIOENCODING=utf-8")
    elif isinstance(exc, OSError):
        text = f"{exc.strerror or exc.__class__.__name__}" + (
            f": {exc.filename}" if exc.filename else "")
    else:
        text = f"unexpected error ({exc.__class__.__name__}); details are in {config.log_file()}"
    return " ".join(str(text).split())


def report_error(exc: BaseException, *, prog: str = "een-tui") -> int:
    """Log ``exc`` (with its traceback, to the log file), print one line on stderr, and return
    its exit code."""
    if isinstance(exc, errors.EenError | KeyboardInterrupt):
        log.warning("%s: %s", exc.__class__.__name__, error_message(exc))
    else:
        log.error("unexpected error", exc_info=exc)
    print(f"{prog}: error: {clean_text(redact(error_message(exc)), squeeze=True)}",
          file=sys.stderr)
    return exit_code_for(exc)
