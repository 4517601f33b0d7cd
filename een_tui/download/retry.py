"""Retry policy of image downloads: :mod:`een_tui.api.retry_policy` (the one policy of the
program), under the names the download layer has always used, plus the failure categories of
the run's summary."""

from __future__ import annotations

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
from een_tui.api.retry_policy import RETRYABLE, RetryPolicy, is_retryable
from een_tui.api.retry_policy import WaitBackoffOrRetryAfter as wait_backoff_or_retry_after
from een_tui.download.storage import ImageTooLarge, StorageError, UnsafeName

__all__ = [
    "RETRYABLE",
    "RetryPolicy",
    "failure_reason",
    "is_retryable",
    "wait_backoff_or_retry_after",
]


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
