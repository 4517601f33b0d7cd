"""Camera choice and health check before a download.

A camera is healthy when it is usable by its decoded status, its recent previews can be planned
(listed, or walked along ``X-Ee-Prev``) and one of them can be fetched as a valid JPEG. Random
mode skips cameras that fail (each rejection reported); an explicit camera that fails is refused.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence

from tenacity import Retrying, retry_if_exception, stop_after_attempt

from een_tui.api.devices import Device
from een_tui.api.errors import AuthError, EenError
from een_tui.download.events import CameraRejected
from een_tui.download.plan import PlanFailed, PreviewPlan, PreviewSource, build_plan
from een_tui.download.retry import RetryPolicy, is_retryable, wait_backoff_or_retry_after
from een_tui.download.storage import BadImage, ImageTooLarge, JpegCheck, UnsafeName, safe_esn

log = logging.getLogger(__name__)

PROBE_CANDIDATES = 3  # planned timestamps tried when the newest has no image


class CameraUnhealthy(Exception):
    """This camera cannot be downloaded from; ``str()`` says why."""


class NoUsableCamera(Exception):
    """No camera can be downloaded from (exit code 4); ``str()`` says why."""


def describe_camera(device: Device) -> str:
    """``1000c4ae "CFA1 Closet"`` for messages."""
    return f'{device.id} "{device.name}"' if device.name else str(device.id)


def status_words(device: Device) -> str:
    """The decoded status with its raw bits, e.g. ``Off (status 0x8023)``."""
    return f"{device.status.label} (status {device.status_bits:#x})"


def probe_image(
    source: PreviewSource,
    esn: str,
    timestamps: Sequence[str],
    *,
    max_bytes: int,
    attempts: int,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> None:
    """Fetch one of the first planned images and check it is a JPEG; raises the last error."""
    last: BaseException | None = None
    for stamp in timestamps[:PROBE_CANDIDATES]:
        retrying = Retrying(
            stop=stop_after_attempt(max(1, attempts)),
            wait=wait_backoff_or_retry_after(policy),
            retry=retry_if_exception(is_retryable),
            sleep=sleep,
            reraise=True,
        )
        try:
            retrying(_fetch_and_check, source, esn, stamp, max_bytes)
            return
        except AuthError:
            raise
        except (EenError, ImageTooLarge) as exc:
            last = exc
            if is_retryable(exc):
                break  # it kept failing: the camera, not the timestamp, is the problem
    raise CameraUnhealthy(f"failed the health check: a preview cannot be fetched: {last}")


def _fetch_and_check(source: PreviewSource, esn: str, stamp: str, max_bytes: int) -> None:
    with source.open_image(esn, stamp) as (headers, chunks):
        content_type = (headers.content_type or "").split(";")[0].strip().lower()
        if content_type != "image/jpeg":
            raise BadImage(f"answer is {content_type or 'untyped'}, not image/jpeg")
        check = JpegCheck(max_bytes=max_bytes, expected_length=headers.content_length)
        for chunk in chunks:
            check.feed(chunk)
        check.verify()


def check_camera(
    source: PreviewSource,
    device: Device,
    *,
    total: int,
    max_bytes: int,
    attempts: int,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
) -> PreviewPlan:
    """Health check; returns the preview plan of a healthy camera, else CameraUnhealthy."""
    if not device.usable:
        raise CameraUnhealthy(f"{device.unusable_reason} (status {device.status_bits:#x})")
    try:
        safe_esn(device.id)
    except UnsafeName as exc:
        raise CameraUnhealthy(str(exc)) from exc
    retrying = Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_backoff_or_retry_after(policy),
        retry=retry_if_exception(is_retryable),
        sleep=sleep,
        reraise=True,
    )
    try:
        plan = build_plan(source, device.id, total, call=retrying)
    except AuthError:
        raise
    except PlanFailed as exc:
        raise CameraUnhealthy(f"failed the health check: {exc}") from exc
    except EenError as exc:
        raise CameraUnhealthy(f"failed the health check: previews cannot be listed: {exc}") from exc
    probe_image(
        source,
        device.id,
        plan.timestamps,
        max_bytes=max_bytes,
        attempts=attempts,
        policy=policy,
        sleep=sleep,
    )
    return plan


def choose_camera(
    source: PreviewSource,
    camera: Device | None,
    candidates: Sequence[Device],
    *,
    tries: int,
    rng: random.Random,
    on_reject: Callable[[CameraRejected], None],
    check: Callable[[Device], PreviewPlan],
) -> tuple[Device, PreviewPlan]:
    """The explicit camera if healthy, else a random healthy one (at most ``tries`` checked)."""
    if camera is not None:
        try:
            return camera, check(camera)
        except CameraUnhealthy as exc:
            if camera.usable:
                message = f"camera {describe_camera(camera)} ({status_words(camera)}) {exc}"
            else:
                message = f"camera {describe_camera(camera)} is not usable: {exc}"
            raise NoUsableCamera(message) from exc
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
