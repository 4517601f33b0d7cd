"""When a 401 may lead to another login (v1 sessions).

After a re-login, a 401 within :data:`RELOGIN_MIN_INTERVAL_S` is usually spurious (the 2019
recording shows 401s right after authorize on a valid session): ``isauth`` decides. A valid
session is simply used again; a dead one allows another login, but at most
:data:`QUICK_RELOGINS_MAX` in a row (repeated logins get accounts locked). A failure is
remembered: every later caller gets the same error instead of another login.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from een_tui.api import errors

log = logging.getLogger(__name__)

RELOGIN_MIN_INTERVAL_S = 30.0
QUICK_RELOGINS_MAX = 2


class ReloginGuard:
    """The state of re-logins: the last one, how many came quickly in a row, a failure."""

    def __init__(self) -> None:
        self.failure: errors.EenError | None = None
        self._last: float | None = None  # time.monotonic() of the last re-login
        self._quick = 0  # re-logins in a row, each soon after the previous one

    def should_login(self, session_may_be_valid: Callable[[], bool]) -> bool:
        """True: log in again now. False: the session is still valid, just retry. Raises the
        remembered failure, or :class:`SessionExpired` when logins come too fast."""
        if self.failure is not None:
            raise self.failure
        soon = time.monotonic() - (self._last or float("-inf")) < RELOGIN_MIN_INTERVAL_S
        if soon:
            if session_may_be_valid():
                log.info("401 right after a re-login, session still valid: retrying")
                return False
            if self._quick >= QUICK_RELOGINS_MAX:
                raise self.fail(errors.SessionExpired(
                    "EEN keeps ending the session right after each login; not logging in "
                    "again (repeated logins get accounts locked)", status_code=401))
        self._quick = self._quick + 1 if soon else 0
        return True

    def fail(self, failure: errors.EenError) -> errors.EenError:
        """Remember ``failure`` for every later caller; returns it (to raise)."""
        self.failure = failure
        return failure

    def succeeded(self) -> None:
        """A re-login worked."""
        self._last = time.monotonic()

    def clear(self) -> None:
        """A fresh login: forget an earlier failure."""
        self.failure = None
