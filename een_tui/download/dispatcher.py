"""Which camera and timestamp a worker of a many-camera run takes next.

The cameras open now (their :class:`~een_tui.download.lane.Lane`) are asked in the order they
were opened, so the oldest finish first; a lane that needs its next page is planned by the
worker that found it; the next camera is opened only when no open one has work and fewer than
``max_open`` are open. A worker with nothing to do waits for a fetch or a plan to end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import gevent.event

from een_tui.api.model import Camera
from een_tui.download.cancellation import Cancellation
from een_tui.download.lane import PLAN, Lane

WAIT_S = 0.5  # a worker with nothing to do re-checks at least this often


class Dispatcher:
    """Hands each worker its next (lane, timestamp); opens cameras lazily (see the module)."""

    def __init__(self, cameras: Iterable[Camera], open_lane: Callable[[Camera], Lane | None],
                 max_open: int, stop: Cancellation,
                 on_finished: Callable[[Lane], None]) -> None:
        self._cameras: Iterator[Camera] = iter(cameras)
        self._open_lane = open_lane
        self._max_open = max_open
        self._stop = stop
        self._on_finished = on_finished
        self._lanes: list[Lane] = []
        self._exhausted = False
        self._changed = gevent.event.Event()

    @property
    def open_lanes(self) -> list[Lane]:
        """The cameras open now (for the end of the run)."""
        return list(self._lanes)

    def changed(self) -> None:
        """Something a waiting worker may want happened (a fetch or a plan ended)."""
        self._changed.set()

    def next_job(self) -> tuple[Lane, str] | None:
        """The next timestamp to fetch and its lane; None when the run has no more work."""
        while not self._stop.stopping:
            self._reap()
            for lane in list(self._lanes):
                job = lane.take()
                if job == PLAN:
                    lane.plan_page()
                    self.changed()
                    break  # rescan: the page may be this worker's work
                if job is not None:
                    return lane, job
            else:
                if len(self._lanes) < self._max_open and not self._exhausted:
                    camera = next(self._cameras, None)
                    if camera is None:
                        self._exhausted = True
                    else:
                        lane = self._open_lane(camera)
                        if lane is not None:
                            self._lanes.append(lane)
                    continue
                if not self._lanes and self._exhausted:
                    return None
                self._changed.clear()  # no yield since the scan: no wake-up is lost
                self._changed.wait(WAIT_S)
        return None

    def _reap(self) -> None:
        for lane in [lane for lane in self._lanes if lane.finished]:
            self._lanes.remove(lane)
            self._on_finished(lane)
            self.changed()
