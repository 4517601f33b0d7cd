"""When a 401 may lead to another login (v1 sessions): once per run, as the README promises.

The first 401 ``session expired`` of a run logs in again (shared by every caller). After that,
a 401 is checked with ``isauth`` (the 2019 recording shows spurious 401s right after authorize
on a valid session): a valid session is simply used again; a dead one ends the run with
:class:`SessionExpired` instead of another login (repeated logins get accounts locked). A
failure is remembered: every later caller gets the same error instead of another login.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from een_tui.api import errors

log = logging.getLogger(__name__)

RELOGINS_PER_RUN = 1


class ReloginGuard:
    """The state of re-logins: how many this run, a failure."""

    def __init__(self) -> None:
        self.failure: errors.EenError | None = None
        self.count = 0  # re-logins that worked this run

    def should_login(self, session_may_be_valid: Callable[[], bool]) -> bool:
        """True: log in again now. False: the session is still valid, just retry. Raises the
        remembered failure, or :class:`SessionExpired` when this run already logged in again."""
        if self.failure is not None:
            raise self.failure
        if self.count < RELOGINS_PER_RUN:
            return True
        if session_may_be_valid():
            log.info("401 after the re-login, session still valid: retrying")
            return False
        raise self.fail(errors.SessionExpired(
            "EEN keeps ending the session: it ended again after een-tui logged in again once "
            "this run; not logging in again (repeated logins get accounts locked); run the "
            "command again", status_code=401))

    def fail(self, failure: errors.EenError) -> errors.EenError:
        """Remember ``failure`` for every later caller; returns it (to raise)."""
        self.failure = failure
        return failure

    def succeeded(self) -> None:
        """A re-login worked."""
        self.count += 1

    def clear(self) -> None:
        """A fresh login: forget an earlier failure."""
        self.failure = None
