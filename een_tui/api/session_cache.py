"""The session cache: ``auth_key`` + API host + expiry in a mode-0600 file per (login URL, user)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from een_tui.api.errors import ConfigurationError
from een_tui.api.settings import checked_base_url

log = logging.getLogger(__name__)

SAFETY_MARGIN_S = 60.0  # treat a session as expired this long before the server would


@dataclass(frozen=True)
class CachedSession:
    """A session worth reusing. ``expires_at`` is a Unix time."""

    login_url: str
    username: str
    auth_key: str
    api_url: str
    expires_at: float

    def __repr__(self) -> str:  # never show the key
        return (
            f"CachedSession(login_url={self.login_url!r}, username={self.username!r}, "
            f"api_url={self.api_url!r}, expires_at={self.expires_at})"
        )

    def is_expired(self, now: float | None = None) -> bool:
        """True once the session is (nearly) over."""
        return (time.time() if now is None else now) >= self.expires_at - SAFETY_MARGIN_S


class SessionCache:
    """Cached sessions as JSON files in ``directory`` (created 0700; files 0600)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, login_url: str, username: str) -> Path:
        """The file of one (login URL, username) pair; the name reveals neither."""
        digest = hashlib.sha256(f"{login_url}\n{username}".encode()).hexdigest()[:32]
        return self.directory / f"session-{digest}.json"

    def load(self, login_url: str, username: str) -> CachedSession | None:
        """The cached session, or None when absent, unreadable, for someone else, or expired."""
        path = self.path_for(login_url, username)
        session = self._read(path)
        if session is None:
            return None
        if (session.login_url, session.username) != (login_url, username):
            return None
        if session.is_expired():
            log.info("cached session expired; removing it")
            self._remove(path)
            return None
        return session

    def save(self, session: CachedSession) -> None:
        """Write atomically with mode 0600 (never readable by other users, even briefly)."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(self.directory, 0o700)
        target = self.path_for(session.login_url, session.username)
        fd, tmp = tempfile.mkstemp(prefix=".session-", dir=self.directory)  # mkstemp: 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(session), handle)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            self._remove(Path(tmp))
            raise
        log.info("session cached for %s at %s", session.username, session.login_url)

    def delete(self, login_url: str, username: str) -> bool:
        """Remove one cached session; True when there was one."""
        return self._remove(self.path_for(login_url, username))

    def sessions_for(self, login_url: str) -> list[CachedSession]:
        """Every readable cached session of ``login_url`` (expired ones included)."""
        found = []
        for path in sorted(self.directory.glob("session-*.json")):
            session = self._read(path)
            if session is not None and session.login_url == login_url:
                found.append(session)
        return found

    def _read(self, path: Path) -> CachedSession | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            session = CachedSession(
                login_url=str(data["login_url"]),
                username=str(data["username"]),
                auth_key=str(data["auth_key"]),
                api_url=str(data["api_url"]),
                expires_at=float(data["expires_at"]),
            )
            checked_base_url(session.login_url)
            checked_base_url(session.api_url)  # never send the key over plain remote http
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, ConfigurationError) as exc:
            log.warning("ignoring unreadable session cache %s: %s", path.name, type(exc).__name__)
            return None
        return session

    @staticmethod
    def _remove(path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.warning("cannot remove %s: %s", path.name, exc)
            return False
        return True
