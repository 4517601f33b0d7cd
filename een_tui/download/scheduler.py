"""Which timestamp a worker fetches next: the pure bookkeeping of one run (no gevent, no I/O).

Timestamps are *planned* (newest first, spares included), *queued* until a worker takes one,
*in flight* while a worker fetches it, and *saved* once committed. A worker takes a timestamp
only while ``saved + in progress < count``, so a run never asks for more than it needs; every
attempt spends one unit of the run's budget. When the queue runs dry, :meth:`Scheduler.refill`
asks a planner for older timestamps. The caller serialises :meth:`refill` (it does I/O) and runs
everything else from one thread of control (greenlets: no preemption between calls).
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence, Set

BUDGET_EXHAUSTED = "attempt budget exhausted"
NO_MORE_PREVIEWS = "no more previews to try"

PlanMore = Callable[[int, str, Set[str]], Sequence[str] | None]
"""``(how many, older than this timestamp, except these) -> timestamps``; None = stop trying
(the planner has reported why, e.g. a fatal error), ``[]`` = there are no more."""


class Duplicate(Exception):
    """The server answered with an image this run already holds or is fetching."""


class BudgetExhausted(Exception):
    """The run's total attempt budget is used up."""


class Refill(enum.Enum):
    """What :meth:`Scheduler.take` answers when the queue is empty but the run needs more."""

    NEEDED = "refill"


REFILL = Refill.NEEDED


class Scheduler:
    """Planned / queued / in flight / saved timestamps of one run, and its attempt budget."""

    def __init__(self, count: int, spare_count: int, budget: int) -> None:
        self.count = count
        self.spare_count = spare_count
        self.budget_left = budget
        self.files: list[str] = []  # saved paths, in the order they were saved
        self.existing: list[str] = []  # those of ``files`` that were on disk before the run
        self.in_progress = 0
        self.exhausted = False  # the planner has nothing older to offer
        self.stop_reason: str | None = None  # why the run ended short (budget, no previews)
        self._saved: set[str] = set()
        self._inflight: set[str] = set()
        self._planned: set[str] = set()
        self._queue: deque[str] = deque()
        self._oldest: str | None = None

    @property
    def saved(self) -> int:
        """Images saved so far (files already on disk for planned timestamps included)."""
        return len(self.files)

    @property
    def queued(self) -> int:
        """Timestamps waiting for a worker."""
        return len(self._queue)

    def plan(
        self,
        timestamps: Iterable[str],
        on_disk: Collection[str],
        path_of: Callable[[str], str],
    ) -> list[str]:
        """Queue the planned ``timestamps``; those already on disk count as saved (up to
        ``count``) and are not fetched. Returns the paths of those files."""
        stamps = list(timestamps)
        already: list[str] = []
        for stamp in stamps:
            self._planned.add(stamp)
            if stamp in self._saved:
                continue  # the health check's image, saved already
            if stamp in on_disk and len(self.files) < self.count:
                already.append(path_of(stamp))
                self.existing.append(already[-1])
                self._saved.add(stamp)
                self.files.append(already[-1])
            else:
                self._queue.append(stamp)
        self._oldest = min(stamps) if stamps else None
        return already

    def take(self) -> str | Refill | None:
        """The next timestamp for a worker (now in flight); :data:`REFILL` when the queue is
        empty (call :meth:`refill`, then again); None when the worker should stop."""
        if len(self.files) + self.in_progress >= self.count:
            return None
        if self.budget_left <= 0:
            self.stop_reason = BUDGET_EXHAUSTED
            return None
        while self._queue:
            stamp = self._queue.popleft()
            if stamp in self._saved or stamp in self._inflight:
                continue
            self.in_progress += 1
            self._inflight.add(stamp)
            return stamp
        return REFILL

    def refill(self, plan_more: PlanMore) -> bool:
        """Queue older timestamps from ``plan_more`` when the queue is empty; False when there
        is nothing more to take (no plan yet, nothing missing, or no older previews)."""
        if self._queue:
            return True
        if self.exhausted or self._oldest is None:
            return False
        missing = self.count - len(self.files) - self.in_progress
        if missing <= 0:
            return False
        more = plan_more(missing + self.spare_count, self._oldest, self._planned)
        if more is None:
            return False
        oldest = self._oldest
        fresh = [stamp for stamp in more if stamp < oldest]
        if not fresh:
            self.exhausted = True
            self.stop_reason = NO_MORE_PREVIEWS
            return False
        for stamp in fresh:
            self._planned.add(stamp)
            self._queue.append(stamp)
        self._oldest = min(fresh)
        return True

    def spend(self) -> None:
        """One attempt (one image request) of the budget; raises :class:`BudgetExhausted`."""
        if self.budget_left <= 0:
            self.stop_reason = BUDGET_EXHAUSTED
            raise BudgetExhausted(BUDGET_EXHAUSTED)
        self.budget_left -= 1

    def claim(self, stamp: str, actual: str | None) -> str:
        """The timestamp the server says it sent for ``stamp`` (None: it did not say), now in
        flight too; raises :class:`Duplicate` when this run already has or fetches it."""
        if actual is None or actual == stamp:
            return stamp
        if actual in self._saved or actual in self._inflight:
            raise Duplicate(f"asked for {stamp}, got {actual} which this run already has")
        self._inflight.add(actual)
        return actual

    def unclaim(self, stamp: str, actual: str) -> None:
        """The answer for ``stamp`` is over (saved or not): ``actual`` is no longer in flight."""
        if actual != stamp:
            self._inflight.discard(actual)

    def commit(self, actual: str, path: str) -> None:
        """``actual`` is saved at ``path``."""
        self._saved.add(actual)
        self.files.append(path)

    def close(self) -> None:
        """The run is over: forget the timestamps (the saved files and the counts stay)."""
        self._queue.clear()
        self._saved, self._inflight, self._planned = set(), set(), set()

    def release(self, stamp: str) -> None:
        """The worker is done with ``stamp`` (saved, given up or stopped)."""
        self.in_progress -= 1
        self._inflight.discard(stamp)
