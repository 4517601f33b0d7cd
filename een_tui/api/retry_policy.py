"""The one retry policy: which failures are worth another try, which need a new login, and how
long to wait. Used by the client's JSON calls and by image downloads (``docs/architecture.md``,
"Retries", says why the numbers are what they are).

Classification: 401 (:class:`SessionExpired`) -> log in again (once, shared); network errors,
5xx, 429 and malformed or truncated answers -> retry; anything else -> give up.
Backoff: exponential with full jitter, ``uniform(0, min(backoff_max_s, backoff_base_s * 2**n))``;
a 429's ``Retry-After`` (plus a small margin: two clocks) is a floor; a 429 asking for longer
than ``retry_after_cap_s`` is not retried at all (:class:`RateLimitTooLong`, a message that
names the rate limit and the wait), so a hostile header cannot park a worker for hours.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tenacity
from tenacity.wait import wait_base, wait_random_exponential

from een_tui.api.errors import (
    NetworkError,
    ProtocolError,
    RateLimited,
    RateLimitTooLong,
    ServerError,
    SessionExpired,
)
from een_tui.units import human_duration

log = logging.getLogger(__name__)

RETRYABLE = (NetworkError, ServerError, RateLimited, ProtocolError)
RETRY_AFTER_MARGIN_S = 0.05


class Verdict(enum.Enum):
    """What to do after a failure."""

    RETRY = "retry"
    GIVE_UP = "give up"
    RELOGIN = "re-login"


def classify(exc: BaseException) -> Verdict:
    """The one classification of a failure (see the module docstring)."""
    if isinstance(exc, RateLimitTooLong):
        return Verdict.GIVE_UP
    if isinstance(exc, SessionExpired):
        return Verdict.RELOGIN
    if isinstance(exc, RETRYABLE):
        return Verdict.RETRY
    return Verdict.GIVE_UP


def is_retryable(exc: BaseException) -> bool:
    """True for transient failures: network, 5xx, 429, truncated or malformed answers."""
    return classify(exc) is Verdict.RETRY


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one request is tried: attempts in all (1 = no retry) and the backoff curve.

    The defaults are the image downloads' (a run has time for them); the client's JSON calls
    use :meth:`for_json` with the limits of its :class:`ConnectionSettings` (a person waits)."""

    max_attempts: int = 6
    backoff_base_s: float = 0.25
    backoff_max_s: float = 8.0
    retry_after_cap_s: float = 60.0

    @classmethod
    def for_json(cls, attempts: int, wait_max_s: float, retry_after_max_s: float) -> RetryPolicy:
        """The JSON calls' policy: ``attempts`` tries, waits from 0.1 s doubling to
        ``wait_max_s``, Retry-After capped at ``retry_after_max_s``."""
        return cls(max_attempts=attempts, backoff_base_s=0.1, backoff_max_s=wait_max_s,
                   retry_after_cap_s=retry_after_max_s)

    def waits_too_long(self, exc: RateLimited) -> bool:
        """True when a 429 asks for a longer wait than this policy's Retry-After cap."""
        return exc.retry_after is not None and exc.retry_after > self.retry_after_cap_s

    def rate_limit_too_long(self, exc: RateLimited) -> RateLimitTooLong:
        """The error that ends the retries of a 429 asking for more than the cap."""
        return RateLimitTooLong(
            f"EEN's rate limit: the server asks to wait {human_duration(exc.retry_after or 0)} "
            f"before the next request, longer than the {human_duration(self.retry_after_cap_s)} "
            "een-tui waits; try again later", retry_after=exc.retry_after)

    def classify(self, exc: BaseException) -> Verdict:
        """See :func:`classify`."""
        return classify(exc)

    def wait_s(self, attempt: int, exc: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based) with ``exc``."""
        state = tenacity.RetryCallState(None, None, (), {})
        state.attempt_number = attempt
        if exc is not None:
            state.set_exception((type(exc), exc, exc.__traceback__))
        return self.wait(state)

    @property
    def wait(self) -> wait_base:
        """The backoff as a tenacity ``wait`` (Retry-After honoured)."""
        return WaitBackoffOrRetryAfter(self)

    def retrying(
        self,
        *,
        what: str | None = None,
        attempts: int | None = None,
        sleep: Callable[[float], None] | None = None,
        give_up: Callable[[], bool] | None = None,
        relogin: Callable[[], bool] | None = None,
        before_sleep: Callable[[tenacity.RetryCallState], None] | None = None,
    ) -> tenacity.Retrying:
        """A tenacity ``Retrying`` that retries what :func:`is_retryable` accepts and re-raises
        the last error. ``attempts`` overrides :attr:`max_attempts`; ``what`` names the call
        in the log line of each retry (``before_sleep`` replaces that line). ``give_up()``
        True stops early (a cancel, a spent budget); on a RELOGIN verdict the call is retried
        when ``relogin()`` says so (the caller's own re-login allowance)."""
        options: dict[str, Any] = {}
        if sleep is not None:
            options["sleep"] = sleep
        if before_sleep is not None:
            options["before_sleep"] = before_sleep
        elif what is not None:
            options["before_sleep"] = lambda state: log.warning(
                "%s: %s; retry %d", what, state.outcome.exception(), state.attempt_number)
        stop: Any = tenacity.stop_after_attempt(max(1, attempts or self.max_attempts))
        if give_up is not None:
            stop = tenacity.stop_any(stop, lambda _state: give_up())

        def worth_retrying(exc: BaseException) -> bool:
            if isinstance(exc, RateLimited) and self.waits_too_long(exc):
                raise self.rate_limit_too_long(exc) from exc
            verdict = classify(exc)
            if verdict is Verdict.RELOGIN:
                return relogin is not None and relogin()
            return verdict is Verdict.RETRY

        return tenacity.Retrying(
            stop=stop,
            wait=self.wait,
            retry=tenacity.retry_if_exception(worth_retrying),
            reraise=True,
            **options,
        )


class WaitBackoffOrRetryAfter(wait_base):
    """Full-jitter exponential backoff, but never less than a 429's (capped) ``Retry-After``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.backoff = wait_random_exponential(multiplier=policy.backoff_base_s,
                                               max=policy.backoff_max_s)

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        wait = self.backoff(retry_state)
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None and outcome.failed else None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            asked = max(float(exc.retry_after), 0.0) + RETRY_AFTER_MARGIN_S
            wait = max(wait, min(asked, self.policy.retry_after_cap_s))
        return wait
