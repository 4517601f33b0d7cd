"""Which preview timestamps to fetch. The planning itself is the API's job
(:meth:`een_tui.api.backend.Backend.plan_previews`; v1: :mod:`een_tui.api.v1_plan`); these
names stay here for the download layer, plus :func:`plan_for`, which asks a backend, or plans
with the v1 rules over a bare client that has no ``plan_previews``."""

from __future__ import annotations

from een_tui.api.backend import PreviewPlan
from een_tui.api.errors import PlanFailed
from een_tui.api.v1_plan import (
    PreviewSource,
    Retry,
    build_plan,
    clean_timestamps,
    plan_by_listing,
    plan_by_walking,
)

__all__ = ["PlanFailed", "PreviewPlan", "PreviewSource", "build_plan", "clean_timestamps",
           "plan_by_listing", "plan_by_walking", "plan_for"]


def plan_for(source: object, esn: str, total: int, *, call: Retry | None = None) -> PreviewPlan:
    """``total`` timestamps of ``esn`` from ``source``: a backend's ``plan_previews``, else
    the v1 plan over a client (list first, then the ``X-Ee-Prev`` walk)."""
    plan_previews = getattr(source, "plan_previews", None)
    if plan_previews is not None:
        return plan_previews(esn, total, call=call)
    return build_plan(source, esn, total, call=call)  # type: ignore[arg-type]
