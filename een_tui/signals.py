"""Signals turned into calls on gevent's hub, with Python's own handlers put back afterwards."""

from __future__ import annotations

import contextlib
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
