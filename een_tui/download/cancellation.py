"""Stopping a run: the stop flag, the run's greenlets, steps a stop must not interrupt, and the
``.part`` files to remove.

A stop kills every greenlet of the run with :class:`Stop` while it waits on the network (its
HTTP response is closed on the way out), except one that is *shielded*: creating or committing
a file waits on a thread, and is never cut in half; such a greenlet checks :attr:`stopping`
right after. :meth:`Cancellation.wait_stopped` returns once the run's greenlets are gone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gevent
import gevent.event

SHIELDED_GRACE_S = 10.0  # a committing worker gets this long to finish when run() is interrupted


class Stop(gevent.GreenletExit):
    """Thrown into a greenlet of the run to stop it (cancel, fatal error). Not an error."""


class Cancellation:
    """The stop state of one run (one engine)."""

    def __init__(self) -> None:
        self.stopping = False  # no new work: set by a cancel, a fatal error or the run's end
        self.cancelled = False  # the user asked to stop
        self._wakeup = gevent.event.Event()  # cuts backoff sleeps short
        self._idle = gevent.event.Event()  # no greenlet of the run is alive
        self._idle.set()
        self._greenlets: list[gevent.Greenlet] = []
        self._shielded: set[object] = set()
        self._open_parts: set[Path] = set()

    # -- the run's lifetime ---------------------------------------------------------------------

    def begin(self) -> None:
        """The run starts: :meth:`wait_stopped` now waits for :meth:`end`."""
        self._idle.clear()

    def spawn(self, function: Callable[..., Any], *args: Any) -> gevent.Greenlet:
        """A greenlet of the run: killed by a stop, waited for by :meth:`wait_stopped`."""
        greenlet = gevent.spawn(function, *args)
        self._greenlets.append(greenlet)
        return greenlet

    def shutdown(self) -> None:
        """The run is over: stop what is still alive (only when the run itself was interrupted;
        committing greenlets finish first), remove ``.part`` files, forget the greenlets (a dead
        one keeps its exit's traceback, and with it the frames of its last download)."""
        self.stopping = True
        self._wakeup.set()
        alive = [g for g in self._greenlets if not g.dead]
        if alive:
            shielded = [g for g in alive if g in self._shielded]
            gevent.joinall(shielded, timeout=SHIELDED_GRACE_S)
            gevent.killall(alive, Stop, block=True)
        self._greenlets = []
        self._shielded.clear()
        for path in list(self._open_parts):
            with contextlib.suppress(OSError):
                path.unlink()
        self._open_parts.clear()

    def end(self) -> None:
        """The run has returned: wake :meth:`wait_stopped`."""
        self._idle.set()

    def wait_stopped(self, timeout: float | None = None) -> bool:
        """Wait until the run's greenlets have stopped (their HTTP responses closed, ``.part``
        files removed); True unless ``timeout`` passed first. True at once if no run is going."""
        return bool(self._idle.wait(timeout))

    # -- stopping -------------------------------------------------------------------------------

    def cancel(self, *, drain: bool = False) -> bool:
        """Stop at the user's request; True the first time. ``drain``: kill no greenlet, so a
        request already on the wire gets its answer (then dropped) and the server sees it end
        before :meth:`wait_stopped` returns; the greenlets stop at their next check and
        sleeps are cut short. A later cancel without ``drain`` still stops them at once."""
        first = not self.cancelled
        self.cancelled = True
        if drain:
            self.stopping = True
            self._wakeup.set()
        else:
            self.stop_all()
        return first

    def stop_all(self) -> None:
        """Stop every greenlet of the run but the caller and the shielded ones (from any
        greenlet, or a signal handler). Safe to call more than once."""
        self.stopping = True
        self._wakeup.set()
        current = gevent.getcurrent()
        for greenlet in self._greenlets:
            if greenlet is current or greenlet.dead or greenlet in self._shielded:
                continue
            greenlet.kill(Stop, block=False)

    def check(self) -> None:
        """Raise :class:`Stop` in a greenlet that should stop."""
        if self.stopping:
            raise Stop()

    def sleep(self, seconds: float) -> None:
        """A backoff sleep that a stop cuts short."""
        self._wakeup.wait(max(0.0, seconds))

    # -- steps a stop must not interrupt --------------------------------------------------------

    @contextlib.contextmanager
    def shielded(self) -> Iterator[None]:
        """A step a stop must not interrupt (it waits on a thread doing file I/O)."""
        me = gevent.getcurrent()
        self._shielded.add(me)
        try:
            yield
        finally:
            self._shielded.discard(me)

    def run_blocking(self, function: Callable[..., object], args: tuple) -> object:
        """Run blocking file I/O in gevent's threadpool and always wait for it to finish: a
        stop that arrives meanwhile is dropped here (:attr:`stopping` is already set, and the
        caller checks it right after), so no file is created or renamed behind our back."""
        pending = gevent.get_hub().threadpool.spawn(function, *args)
        while True:
            try:
                return pending.get()
            except Stop:
                continue

    @contextlib.contextmanager
    def part_file(self, path: Path) -> Iterator[None]:
        """``path`` (a ``.part`` file) exists meanwhile: removed by :meth:`shutdown` if left."""
        self._open_parts.add(path)
        try:
            yield
        finally:
            self._open_parts.discard(path)
