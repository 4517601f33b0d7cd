"""The session cache: ``auth_key`` + API host + expiry in a mode-0600 file per (login URL, user).

The file leads to a secret: one that another user owns or may write, or whose API host is not
one this login could give, is ignored with a warning (an edited cache must not send the
session key elsewhere). It is read with a size bound and without following a symlink."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from een_tui.api.credentials import check_secret
from een_tui.api.errors import ConfigurationError
from een_tui.api.private_files import Distrusted, read_private, remove_file, write_private
from een_tui.api.settings import EEN_DOMAIN, checked_base_url

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

    def __init__(self, directory: Path, *, api_url: str | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.directory = Path(directory)
        self.api_url = checked_base_url(api_url) if api_url else None  # the configured override
        self._warn = warn or log.warning

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
            remove_file(path)
            return None
        return session

    def save(self, session: CachedSession) -> None:
        """Write atomically with mode 0600 (never readable by other users, even briefly)."""
        write_private(self.path_for(session.login_url, session.username),
                      json.dumps(asdict(session)))
        log.info("session cached for %s at %s", session.username, session.login_url)

    def delete(self, login_url: str, username: str) -> bool:
        """Remove one cached session; True when there was one."""
        return remove_file(self.path_for(login_url, username))

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
            data = json.loads(read_private(path))
            session = CachedSession(
                login_url=str(data["login_url"]),
                username=str(data["username"]),
                auth_key=str(data["auth_key"]),
                api_url=str(data["api_url"]),
                expires_at=float(data["expires_at"]),
            )
            check_secret(session.auth_key, "its session key")  # never echoed by a header error
            checked_base_url(session.login_url)
            checked_base_url(session.api_url)  # never send the key over plain remote http
        except FileNotFoundError:
            return None
        except Distrusted as exc:
            self._warn(f"ignoring the session cache {path}: {exc}")
            return None
        except (OSError, ValueError, KeyError, TypeError, ConfigurationError) as exc:
            log.warning("ignoring unreadable session cache %s: %s", path.name, type(exc).__name__)
            return None
        if not self._plausible_api_url(session):
            self._warn(f"ignoring the session cache {path}: its API host "
                       f"{urlsplit(session.api_url).netloc!r} is not one this login gives")
            return None
        return session

    def _plausible_api_url(self, session: CachedSession) -> bool:
        """The API base a login at ``session.login_url`` could give: the configured override,
        else ``https://<name>.eagleeyenetworks.com`` for an EEN login and the login URL
        itself for any other (the emulator, a proxy): see ``settings.branded_api_url``."""
        api = urlsplit(session.api_url)
        if self.api_url is not None:
            return session.api_url == self.api_url
        if session.api_url == session.login_url:
            return True
        login_host = urlsplit(session.login_url).hostname or ""
        host = api.hostname or ""
        if login_host == EEN_DOMAIN or login_host.endswith("." + EEN_DOMAIN):
            return (api.scheme == "https" and api.port is None and not api.path
                    and host.endswith("." + EEN_DOMAIN))
        return False
