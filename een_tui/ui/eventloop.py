"""An urwid event loop on gevent's hub.

urwid has no gevent loop of its own. This one keeps every urwid callback in the greenlet that
called :meth:`GeventEventLoop.run` (the main greenlet), while the download workers run as greenlets
beside it:

- libev watchers (``io`` for input, ``timer`` for alarms) only *queue* their callback in the hub
  and wake the loop greenlet; the callbacks then run in the loop greenlet, where blocking calls are
  legal and exceptions reach :meth:`run`'s caller;
- after each batch of callbacks the idle callbacks (urwid's redraw) run once;
- an ``io`` watcher is stopped while its callback is pending (otherwise the hub spins on a
  readable descriptor) and restarted after the callback ran;
- timers start with ``update=True`` (gevent caches the clock; a long redraw would fire them early);
- :meth:`remove_alarm` also cancels an alarm that fired but has not run yet;
- idle costs nothing: the loop greenlet blocks on an :class:`gevent.event.Event`, the hub in
  ``epoll_wait``, with no polling timer.

Other greenlets talk to the loop with :meth:`call_soon` (run a callable in the loop greenlet) and
:meth:`request_exit` (stop :meth:`run` cleanly, like raising ``ExitMainLoop`` in a callback) and
:meth:`raise_in_loop` (hand an exception, ``ExitMainLoop`` included, to the loop greenlet).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import gevent
import gevent.event
import urwid

log = logging.getLogger(__name__)

Callback = Callable[[], Any]


class _Alarm:
    """Handle of one alarm: its libev timer and whether it was cancelled."""

    __slots__ = ("callback", "cancelled", "timer")

    def __init__(self, timer: Any, callback: Callback) -> None:
        self.timer = timer
        self.callback = callback
        self.cancelled = False  # removed, or ran already


class _Watch:
    """Handle of one watched descriptor: its libev io watcher and whether it is still wanted."""

    __slots__ = ("callback", "fd", "removed", "watcher")

    def __init__(self, fd: int, watcher: Any, callback: Callback) -> None:
        self.fd = fd
        self.watcher = watcher
        self.callback = callback
        self.removed = False


class _Exit:
    """Queued marker: make :meth:`GeventEventLoop.run` return."""


class GeventEventLoop(urwid.EventLoop):
    """urwid event loop whose callbacks run in the loop greenlet, woken by gevent's hub."""

    def __init__(self) -> None:
        super().__init__()
        self._loop = gevent.get_hub().loop
        self._pending: deque[Any] = deque()
        self._wakeup = gevent.event.Event()
        self._idle_callbacks: dict[int, Callback] = {}
        self._idle_handle = 0
        self._alarms: set[_Alarm] = set()
        self._watches: set[_Watch] = set()
        self._running = False
        self.batches = 0  # how many batches of callbacks ran (a wake-up counter for tests/bench)

    # ---- alarms -------------------------------------------------------------------------------

    def alarm(self, seconds: float, callback: Callback) -> _Alarm:
        """Call ``callback()`` in the loop greenlet ``seconds`` from now; returns a handle."""
        timer = self._loop.timer(max(0.0, float(seconds)))
        handle = _Alarm(timer, callback)
        self._alarms.add(handle)
        timer.start(self._alarm_fired, handle, update=True)
        return handle

    def _alarm_fired(self, handle: _Alarm) -> None:
        """Hub side: queue the alarm for the loop greenlet."""
        self._alarms.discard(handle)
        self._queue(handle)

    def remove_alarm(self, handle: _Alarm) -> bool:
        """Cancel an alarm, also one that fired but did not run yet. True if it was pending."""
        if not isinstance(handle, _Alarm) or handle.cancelled:
            return False  # unknown, removed already, or already ran
        handle.cancelled = True
        handle.timer.stop()
        handle.timer.close()
        self._alarms.discard(handle)
        return True

    # ---- watched files ------------------------------------------------------------------------

    def watch_file(self, fd: int, callback: Callback) -> _Watch:
        """Call ``callback()`` in the loop greenlet whenever ``fd`` is readable."""
        if not isinstance(fd, int):
            fd = fd.fileno()
        watcher = self._loop.io(fd, 1)  # 1 = EV_READ
        handle = _Watch(fd, watcher, callback)
        self._watches.add(handle)
        watcher.start(self._watch_ready, handle)
        return handle

    def _watch_ready(self, handle: _Watch) -> None:
        """Hub side: pause the watcher (no busy loop on a readable fd) and queue its callback."""
        handle.watcher.stop()
        self._queue(handle)

    def remove_watch_file(self, handle: _Watch) -> bool:
        """Stop watching a descriptor. True if it was watched."""
        if not isinstance(handle, _Watch) or handle.removed:
            return False
        handle.removed = True
        handle.watcher.stop()
        handle.watcher.close()
        self._watches.discard(handle)
        return True

    # ---- idle ---------------------------------------------------------------------------------

    def enter_idle(self, callback: Callback) -> int:
        """Call ``callback()`` once after every batch of callbacks (urwid redraws here)."""
        self._idle_handle += 1
        self._idle_callbacks[self._idle_handle] = callback
        return self._idle_handle

    def remove_enter_idle(self, handle: int) -> bool:
        """Remove an idle callback. True if it existed."""
        return self._idle_callbacks.pop(handle, None) is not None

    # ---- other greenlets ----------------------------------------------------------------------

    def call_soon(self, callback: Callback) -> None:
        """Run ``callback()`` in the loop greenlet soon; safe from any greenlet and from the hub."""
        self._queue(callback)

    def request_exit(self) -> None:
        """Make :meth:`run` return cleanly after the current batch; safe from any greenlet."""
        self._queue(_Exit())

    def raise_in_loop(self, exc: BaseException) -> None:
        """Raise ``exc`` in the loop greenlet: ``ExitMainLoop`` stops :meth:`run` cleanly, any
        other exception propagates out of it. For worker greenlets that must stop the UI."""

        def raiser() -> None:
            raise exc

        self._queue(raiser)

    def _queue(self, item: Any) -> None:
        self._pending.append(item)
        self._wakeup.set()

    # ---- the loop -----------------------------------------------------------------------------

    def run(self) -> None:
        """Run callbacks in this greenlet until ``ExitMainLoop`` or :meth:`request_exit`.

        Any other exception raised by a callback propagates to the caller.
        """
        if self._running:
            raise RuntimeError("GeventEventLoop.run() is already running")
        self._running = True
        try:
            while True:
                count = len(self._pending)
                if count:
                    if self._run_batch(count):
                        return
                    self._run_idle()
                if not self._pending:
                    self._wakeup.clear()
                    self._wakeup.wait()
        except urwid.ExitMainLoop:
            return
        finally:
            self._running = False

    def _run_batch(self, count: int) -> bool:
        """Run the ``count`` queued items (not what they queue). True when asked to exit."""
        self.batches += 1
        for _ in range(count):
            item = self._pending.popleft()
            if isinstance(item, _Exit):
                return True
            if isinstance(item, _Alarm):
                if not item.cancelled:
                    item.cancelled = True  # ran: a later remove_alarm returns False
                    item.timer.close()
                    item.callback()
            elif isinstance(item, _Watch):
                if item.removed:
                    continue
                try:
                    item.callback()
                finally:
                    if not item.removed:
                        item.watcher.start(self._watch_ready, item)
            else:
                item()
        return False

    def _run_idle(self) -> None:
        for callback in list(self._idle_callbacks.values()):
            callback()

    def close(self) -> None:
        """Stop every watcher and timer this loop started (after :meth:`run` returned)."""
        for handle in list(self._alarms):
            self.remove_alarm(handle)
        for handle in list(self._watches):
            self.remove_watch_file(handle)
        self._pending.clear()
