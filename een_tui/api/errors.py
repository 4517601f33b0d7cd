"""Typed errors of the EEN client. Each carries a human message; none carries a secret.

Messages often quote the server (or an exception text that quotes it): they are cleaned
(:func:`een_tui.api.text.clean_text`) when the error is made, so none can drive a terminal."""

from __future__ import annotations

from een_tui.api.text import clean_text

MAX_MESSAGE_CHARS = 1000


class EenError(Exception):
    """Base of every error the client raises. ``str(err)`` is a sentence for a person."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        message = clean_text(message, MAX_MESSAGE_CHARS, squeeze=True)
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class ConfigurationError(EenError):
    """Bad settings: e.g. plain http:// to a non-loopback host, missing credentials."""


class MissingCredentials(ConfigurationError):
    """No user name or password at hand, or an unreadable password file (exit code 3)."""


class MissingUsername(MissingCredentials):
    """No user name configured and no terminal to ask for one: a usage error (exit code 2)."""


class AuthError(EenError):
    """Login or session failure (exit code 3)."""


class InvalidCredentials(AuthError):
    """401 on authenticate: wrong username or password."""


class AccountProblem(AuthError):
    """402/460/461/412/462/465: suspended, inactive, pending, user disabled/pending, IP refused."""


class TwoFactorRequired(AuthError):
    """The account needs a two-factor code and none could be asked for."""


class TwoFactorFailed(AuthError):
    """Wrong or expired two-factor code (401/406), or locked after too many tries (429)."""


class SessionExpired(AuthError):
    """401 on an API call: the session is not (or no longer) valid. Raised for every such 401;
    the client then logs in again once, shared by every caller (the retry policy classifies
    it as re-login), and raises it again, with a message saying so, when that cannot cure it."""


class RateLimited(EenError):
    """429: too many requests. ``retry_after`` in seconds when the server said."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status_code=429)
        self.retry_after = retry_after


class RateLimitTooLong(RateLimited):
    """429 whose ``Retry-After`` is longer than the retry policy waits: not retried."""


class ServerError(EenError):
    """5xx (500, 502, 503, 504): worth retrying."""


class RequestRejected(EenError):
    """Other 4xx: bad request, forbidden, not found. Not worth retrying as is."""


class NoMatchingAsset(RequestRejected):
    """400 ``no matching asset`` / 404 ``Image not found``: no image at that timestamp."""


class ProtocolError(EenError):
    """The answer was not what the EEN API sends: malformed JSON, unexpected shape, bad image."""


class NetworkError(EenError):
    """Timeout, connection refused or reset, truncated transfer."""


class PlanFailed(EenError):
    """No usable preview timestamp could be planned for a camera (v1: neither listing nor
    walking ``X-Ee-Prev`` gave one)."""
