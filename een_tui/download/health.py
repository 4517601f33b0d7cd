"""Camera choice and health check before a download.

A camera is healthy when it is usable by its decoded status, its recent previews can be planned
(listed, or walked along ``X-Ee-Prev``) and one of them can be fetched as a valid JPEG. Random
mode checks each candidate whole before choosing it and skips those that fail (each rejection
reported). A camera the user named is only planned here: its image check is the run's first
round (:class:`een_tui.download.preparation.FirstImageCheck`), and if it fails the camera is
refused as before.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice

from tenacity import RetryCallState, Retrying

from een_tui.api.backend import Backend, PreviewPlan
from een_tui.api.errors import AuthError, EenError, PlanFailed, RateLimitTooLong
from een_tui.api.model import Camera
from een_tui.download.events import CameraRejected
from een_tui.download.retry import RetryPolicy, is_retryable
from een_tui.download.scheduler import Duplicate
from een_tui.download.storage import ImageTooLarge, UnsafeName, safe_esn

log = logging.getLogger(__name__)

PROBE_CANDIDATES = 3  # planned timestamps tried when the newest has no image

FetchImage = Callable[[str, str], object]
"""``fetch(esn, timestamp)``: download one image and check it; raises on any failure."""


class CameraUnhealthy(Exception):
    """This camera cannot be downloaded from; ``str()`` says why."""


class NoUsableCamera(Exception):
    """No camera can be downloaded from (exit code 4); ``str()`` says why."""


def describe_camera(device: Camera) -> str:
    """``1000c4ae "CFA1 Closet"`` for messages."""
    return f'{device.id} "{device.name}"' if device.name else str(device.id)


def status_words(device: Camera) -> str:
    """The decoded status with the API's own, e.g. ``Off (status 0x8023)``."""
    return f"{device.status.label} (status {device.raw_status_text})"


def _retrying(attempts: int, policy: RetryPolicy, sleep: Callable[[float], None]) -> Retrying:
    """Up to ``attempts`` tries of a health-check step, backing off on transient failures."""
    return policy.retrying(attempts=attempts, sleep=sleep)


@dataclass(frozen=True)
class ProbeHooks:
    """How a probe that is also a worker's download reports (see ``FirstImageCheck``)."""

    relogin: Callable[[], bool]  # True (and counted) when a session expiry may be retried
    on_retry: Callable[[str, RetryCallState], None]  # the timestamp failed, will be retried
    on_give_up: Callable[[str, BaseException], None]  # the timestamp failed for good


def probe_image(
    esn: str,
    timestamps: Iterable[str],
    *,
    fetch: FetchImage,
    attempts: int,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    hooks: ProbeHooks | None = None,
) -> None:
    """Fetch one of the first planned images with ``fetch(esn, timestamp)`` (which checks it
    is a JPEG, and may keep it); raises CameraUnhealthy with the last error. ``timestamps``
    may be lazy: at most :data:`PROBE_CANDIDATES` of them are taken."""
    last: BaseException | None = None
    for stamp in islice(timestamps, PROBE_CANDIDATES):
        retrying = policy.retrying(
            attempts=attempts, sleep=sleep, relogin=hooks.relogin if hooks else None,
            before_sleep=partial(hooks.on_retry, stamp) if hooks else None)
        try:
            retrying(fetch, esn, stamp)
            return
        except (AuthError, RateLimitTooLong):  # account-wide: no other camera helps
            raise
        except (EenError, ImageTooLarge, UnsafeName, Duplicate) as exc:
            last = exc
            if hooks is not None:
                hooks.on_give_up(stamp, exc)
            if is_retryable(exc):
                break  # it kept failing: the camera, not the timestamp, is the problem
    raise CameraUnhealthy(f"failed the health check: a preview cannot be fetched: {last}")


def plan_camera(
    backend: Backend,
    device: Camera,
    *,
    total: int,
    attempts: int,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    planned: Callable[[], PreviewPlan | None] | None = None,
) -> PreviewPlan:
    """The first half of the health check: the camera is usable by its status and ``total``
    of its recent previews can be planned; else CameraUnhealthy. ``planned()``: a plan asked
    for ahead (:mod:`een_tui.download.plan_ahead`), used when it came; None: plan here."""
    if not device.usable:
        reason = device.unusable_reason or "not usable"
        bits = device.raw_status_text
        status = bits if device.status.label in reason else f"{device.status.label}, {bits}"
        raise CameraUnhealthy(f"{reason} (status {status})")
    try:
        safe_esn(device.id)
    except UnsafeName as exc:
        raise CameraUnhealthy(str(exc)) from exc
    if planned is not None and (plan := planned()) is not None:
        return plan
    try:
        return backend.plan_previews(device.id, total, call=_retrying(attempts, policy, sleep))
    except (AuthError, RateLimitTooLong):
        raise
    except PlanFailed as exc:
        raise CameraUnhealthy(f"failed the health check: {exc}") from exc
    except EenError as exc:
        raise CameraUnhealthy(f"failed the health check: previews cannot be listed: {exc}") from exc


def check_camera(
    backend: Backend,
    device: Camera,
    *,
    total: int,
    fetch: FetchImage,
    on_disk: Collection[str] = (),
    attempts: int,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> PreviewPlan:
    """The whole health check (:func:`plan_camera`, then one image): returns the preview plan
    of a healthy camera, else CameraUnhealthy. The probe image goes through ``fetch(esn,
    timestamp)``: the engine saves it, so the health check's request is one of the run's
    images, not an extra one. Timestamps ``on_disk`` already are probed last."""
    plan = plan_camera(
        backend, device, total=total, attempts=attempts, policy=policy, sleep=sleep)
    missing = [s for s in plan.timestamps if s not in on_disk]
    probe_image(
        device.id,
        missing or plan.timestamps,
        fetch=fetch,
        attempts=attempts,
        policy=policy,
        sleep=sleep,
    )
    return plan


def refused(camera: Camera, exc: CameraUnhealthy) -> NoUsableCamera:
    """The error of a camera the user named that failed the health check (exit code 4)."""
    if camera.usable:
        return NoUsableCamera(f"camera {describe_camera(camera)} ({status_words(camera)}) {exc}")
    return NoUsableCamera(f"camera {describe_camera(camera)} is not usable: {exc}")


def choose_camera(
    camera: Camera | None,
    candidates: Sequence[Camera],
    *,
    tries: int,
    rng: random.Random,
    on_reject: Callable[[CameraRejected], None],
    check: Callable[[Camera], PreviewPlan],
) -> tuple[Camera, PreviewPlan]:
    """The explicit camera if healthy, else a random healthy one (at most ``tries`` checked)."""
    if camera is not None:
        try:
            return camera, check(camera)
        except CameraUnhealthy as exc:
            raise refused(camera, exc) from exc
    usable = [d for d in candidates if d.usable]
    if not usable:
        cameras = sum(1 for d in candidates if d.is_camera)
        raise NoUsableCamera(f"none of the {cameras} cameras is online")
    rng.shuffle(usable)
    for device in usable[: max(1, tries)]:
        try:
            return device, check(device)
        except CameraUnhealthy as exc:
            log.info("camera %s rejected: %s", device.id, exc)
            on_reject(CameraRejected(camera=device, reason=str(exc)))
    tried = min(len(usable), max(1, tries))
    raise NoUsableCamera(f"{tried} online camera(s) tried, none passed the health check")
