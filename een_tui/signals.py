"""Signals turned into calls on gevent's hub, with Python's own handlers put back afterwards."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from collections.abc import Callable, Iterator

import gevent


@contextlib.contextmanager
def handle_signals(callback: Callable[[], None], *signums: int) -> Iterator[None]:
    """While inside, each of ``signums`` calls ``callback()`` (from the hub) instead of raising
    (e.g. ``KeyboardInterrupt``) wherever a greenlet happens to be. On exit the previous Python
    handlers are reinstalled: libev leaves ``SIG_DFL`` behind when its watcher stops, which would
    make a later Ctrl+C kill the process outright."""
    previous = {signum: signal.getsignal(signum) for signum in signums}
    watchers = [gevent.signal_handler(signum, callback) for signum in signums]
    try:
        yield
    finally:
        for watcher in watchers:
            watcher.cancel()
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


ENDING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl+C, ``kill`` / ``timeout`` / a service manager, and a dropped SSH session."""


@contextlib.contextmanager
def ending_signals(callback: Callable[[int], None]) -> Iterator[None]:
    """While inside, SIGINT, SIGTERM and SIGHUP each call ``callback(signum)`` (from the hub),
    so a run ends the same clean way whatever ended it. A SIGHUP means the terminal is gone:
    standard output and error that are that terminal are pointed at ``/dev/null`` first, so
    no later write (a summary, the UI's goodbye) fails on it."""

    def on(signum: int) -> Callable[[], None]:
        def handler() -> None:
            if signum == signal.SIGHUP:
                detach_terminal()
            callback(signum)
        return handler

    with contextlib.ExitStack() as stack:
        for signum in ENDING_SIGNALS:
            stack.enter_context(handle_signals(on(signum), signum))
        yield


def detach_terminal() -> None:
    """Point fds 1 and 2 at ``/dev/null`` when they are a terminal, or one that hung up (after
    a real hang-up ``isatty`` is False: every terminal call on it fails with ``EIO``)."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                if _is_terminal(fd):
                    os.dup2(null, fd)
    finally:
        os.close(null)


def _is_terminal(fd: int) -> bool:
    """True for a terminal, including one that hung up."""
    import termios  # only after a hang-up, not in every run

    try:
        termios.tcgetattr(fd)
    except termios.error as exc:
        return bool(exc.args) and exc.args[0] == errno.EIO
    return True


class EndedBySignal(BaseException):
    """SIGTERM or SIGHUP, raised like ``KeyboardInterrupt`` is for Ctrl+C."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"ended by {signal.Signals(signum).name}")
        self.signum = signum


@contextlib.contextmanager
def raising_signals() -> Iterator[None]:
    """While inside, Ctrl+C raises ``KeyboardInterrupt`` and SIGTERM and SIGHUP raise
    :class:`EndedBySignal` wherever the main thread is, so the ``with`` and ``finally`` blocks
    of work that never yields to gevent's hub (encoding a file) clean up. After the first, the
    three are ignored until the block ends (no second exception in the middle of a clean-up:
    a service manager may send SIGHUP right after SIGTERM). A SIGHUP detaches the terminal."""

    def handler(signum: int, frame: object) -> None:
        for other in ENDING_SIGNALS:
            signal.signal(other, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        if signum == signal.SIGHUP:
            detach_terminal()
        raise EndedBySignal(signum)

    previous = {signum: signal.signal(signum, handler) for signum in ENDING_SIGNALS}
    try:
        yield
    finally:
        for signum, handler_before in previous.items():
            signal.signal(signum, handler_before if handler_before is not None else signal.SIG_DFL)
