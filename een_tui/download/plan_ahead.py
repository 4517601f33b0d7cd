"""A named camera's preview plan, asked for while the camera itself is looked up.

``een-tui download --camera ESN`` needs two answers before its first image: the camera (its
status, for the health check) and the plan of its newest frames. Neither needs the other, so
the plan is asked for at once, beside the lookup: one round trip less before the first image
(on a real network, 50-150 ms). The health check still decides: a camera that is not usable is
refused without its plan, and a plan asked ahead that failed is asked again with the run's
retries.
"""

from __future__ import annotations

import logging

import gevent

from een_tui.api.backend import Backend, PreviewPlan
from een_tui.api.errors import EenError

log = logging.getLogger(__name__)


class PlanAhead:
    """The plan of camera ``esn`` (``total`` frames), requested in a greenlet from now on."""

    def __init__(self, backend: Backend, esn: str, total: int) -> None:
        self.esn = esn
        self._greenlet = gevent.spawn(self._plan, backend, esn, total)

    @staticmethod
    def _plan(backend: Backend, esn: str, total: int) -> PreviewPlan | None:
        try:
            return backend.plan_previews(esn, total)
        except EenError as exc:  # the run plans again, with retries, and reports what fails
            log.info("planning %s ahead failed: %s", esn, exc)
        except Exception:  # a bug: the run's own planning will meet it and report it
            log.exception("planning %s ahead failed", esn)
        return None

    def result(self) -> PreviewPlan | None:
        """The plan, waiting for it; None when asking ahead failed."""
        return self._greenlet.get()

    def cancel(self) -> None:
        """Not needed after all (or the run stops): its request, if still out, is cut."""
        self._greenlet.kill(block=False)
