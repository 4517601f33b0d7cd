"""Login state: single-use authenticate tokens, two-factor codes, sessions that expire."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from een_tui.emulator.devices import User

BRAND = "c000"
MAX_TFA_FAILURES = 3


@dataclass
class Token:
    """An authenticate token: single use, short-lived."""

    user: User
    expires_at: float
    code_sent: bool = False
    used: bool = False


@dataclass
class Session:
    """A logged-in session (the ``auth_key`` cookie value)."""

    key: str
    user: User
    expires_at: float


@dataclass
class LoginState:
    """Tokens, sessions, failed two-factor tries and locked users, all in memory."""

    tokens: dict[str, Token] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    tfa_failures: dict[str, int] = field(default_factory=dict)
    locked: set[str] = field(default_factory=set)

    def new_token(self, user: User, lifetime_s: float) -> str:
        """Issue a token for ``user``."""
        self._expire(time.time())
        token = secrets.token_urlsafe(48)
        self.tokens[token] = Token(user, time.time() + lifetime_s)
        return token

    def token(self, value: object) -> Token | None:
        """The live, unused token for ``value``; None when unknown, used or expired."""
        if not isinstance(value, str):
            return None
        token = self.tokens.get(value)
        if token is None or token.used or token.expires_at <= time.time():
            return None
        return token

    def new_session(self, user: User, lifetime_s: float) -> Session:
        """Open a session for ``user``."""
        key = f"{BRAND}~{secrets.token_hex(16)}"
        session = Session(key, user, time.time() + lifetime_s)
        self.sessions[key] = session
        return session

    def session(self, key: str | None) -> Session | None:
        """The live session for ``key``; None when unknown or expired."""
        if not key:
            return None
        session = self.sessions.get(key)
        if session is None:
            return None
        if session.expires_at <= time.time():
            self.sessions.pop(key, None)
            return None
        return session

    def end(self, key: str) -> None:
        """Forget a session (logout, or a faulted 401 that invalidates)."""
        self.sessions.pop(key, None)

    def _expire(self, now: float) -> None:
        for value in [v for v, t in self.tokens.items() if t.used or t.expires_at <= now]:
            del self.tokens[value]
