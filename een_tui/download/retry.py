"""Retry policy of image downloads: which errors are worth another try, and how long to wait.

Exponential backoff with full jitter (tenacity), raised to the server's ``Retry-After`` when a
429 carries one (capped, so a hostile header cannot park a worker for hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from tenacity import RetryCallState
from tenacity.wait import wait_base, wait_random_exponential

from een_tui.api.errors import (
    EenError,
    NetworkError,
    NoMatchingAsset,
    ProtocolError,
    RateLimited,
    RequestRejected,
    ServerError,
    SessionExpired,
)
from een_tui.download.storage import ImageTooLarge, StorageError, UnsafeName

RETRYABLE = (NetworkError, ServerError, RateLimited, ProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one image is tried: attempts per timestamp and the backoff curve."""

    max_attempts: int = 6
    backoff_base_s: float = 0.25
    backoff_max_s: float = 8.0
    retry_after_cap_s: float = 60.0


def is_retryable(exc: BaseException) -> bool:
    """True for transient failures: network, 5xx, 429, truncated or malformed answers."""
    return isinstance(exc, RETRYABLE)


class wait_backoff_or_retry_after(wait_base):
    """Full-jitter exponential backoff, but never less than a 429's ``Retry-After``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.backoff = wait_random_exponential(
            multiplier=policy.backoff_base_s, max=policy.backoff_max_s
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        wait = self.backoff(retry_state)
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None and outcome.failed else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            retry_after = min(max(float(exc.retry_after), 0.0), self.policy.retry_after_cap_s)
            wait = max(wait, retry_after)
        return wait


def failure_reason(exc: BaseException) -> str:
    """A short, stable category for the failures summary (``reason -> count``)."""
    if isinstance(exc, SessionExpired):
        return "session expired"
    if isinstance(exc, RateLimited):
        return "rate limited (429)"
    if isinstance(exc, ServerError):
        return f"server error ({exc.status_code})" if exc.status_code else "server error"
    if isinstance(exc, NetworkError):
        return "network error"
    if isinstance(exc, NoMatchingAsset):
        return "no matching asset"
    if isinstance(exc, ImageTooLarge):
        return "image too large"
    if isinstance(exc, UnsafeName):
        return "unsafe name from server"
    if isinstance(exc, ProtocolError):
        return "bad image"
    if isinstance(exc, RequestRejected):
        return f"rejected ({exc.status_code})" if exc.status_code else "rejected"
    if isinstance(exc, StorageError):
        return "storage error"
    if isinstance(exc, EenError):
        return exc.__class__.__name__
    return "error"
