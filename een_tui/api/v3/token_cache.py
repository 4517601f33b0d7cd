"""The v3 token cache: one mode-0600 JSON file per (auth host, client id), written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from een_tui.api.errors import ConfigurationError
from een_tui.api.settings import checked_base_url

log = logging.getLogger(__name__)

EXPIRY_MARGIN_S = 60.0  # refresh at most this long before the access token would expire


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint gave. ``expires_at`` is a Unix time; ``api_url`` the API base
    from ``httpsBaseUrl`` (None when the answer had none). ``refresh_token`` None: no refresh."""

    access_token: str
    refresh_token: str | None
    expires_at: float
    api_url: str | None = None
    issued_at: float = 0.0  # Unix time it was obtained (0: unknown)

    @property
    def refresh_margin_s(self) -> float:
        """Refresh this long before expiry: a minute, or a tenth of a short lifetime."""
        lifetime = self.expires_at - self.issued_at
        if not self.issued_at or lifetime <= 0:
            return EXPIRY_MARGIN_S
        return min(EXPIRY_MARGIN_S, lifetime / 10)

    def __repr__(self) -> str:  # never show a token
        refresh = "set" if self.refresh_token else "none"
        return (f"TokenSet(access_token=***, refresh_token={refresh}, "
                f"expires_at={self.expires_at}, api_url={self.api_url!r})")


@dataclass(frozen=True)
class CachedTokens:
    """A :class:`TokenSet` and whose it is."""

    auth_url: str
    client_id: str
    tokens: TokenSet

    def __repr__(self) -> str:
        return f"CachedTokens(auth_url={self.auth_url!r}, client_id=..., tokens={self.tokens!r})"


class TokenCache:
    """Token files in ``directory`` (created 0700; files 0600, replaced atomically)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, auth_url: str, client_id: str) -> Path:
        """The file of one (auth URL, client id) pair; the name reveals neither."""
        digest = hashlib.sha256(f"v3\n{auth_url}\n{client_id}".encode()).hexdigest()[:32]
        return self.directory / f"v3-tokens-{digest}.json"

    def load(self, auth_url: str, client_id: str) -> CachedTokens | None:
        """The cached tokens, or None when absent, unreadable or someone else's."""
        path = self.path_for(auth_url, client_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            refresh = data["refresh_token"]
            api_url = data.get("api_url")
            cached = CachedTokens(
                auth_url=str(data["auth_url"]), client_id=str(data["client_id"]),
                tokens=TokenSet(
                    access_token=str(data["access_token"]),
                    refresh_token=str(refresh) if refresh else None,
                    expires_at=float(data["expires_at"]),
                    api_url=checked_base_url(api_url) if api_url else None,
                    issued_at=float(data.get("issued_at") or 0.0),
                ))
            checked_base_url(cached.auth_url)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError,
                ConfigurationError) as exc:
            log.warning("ignoring unreadable token cache %s: %s", path.name, type(exc).__name__)
            return None
        if (cached.auth_url, cached.client_id) != (auth_url, client_id):
            return None
        return cached

    def save(self, cached: CachedTokens) -> None:
        """Write atomically (temp file + ``os.replace``), mode 0600 from the first byte."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(self.directory, 0o700)
        target = self.path_for(cached.auth_url, cached.client_id)
        fd, tmp = tempfile.mkstemp(prefix=".v3-tokens-", dir=self.directory)  # mkstemp: 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"auth_url": cached.auth_url, "client_id": cached.client_id,
                           **asdict(cached.tokens)}, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        log.info("v3 tokens cached for %s", cached.auth_url)

    def client_ids(self, auth_url: str | None = None) -> list[str]:
        """The client ids with cached tokens (of ``auth_url``, or of any auth host), sorted."""
        found: set[str] = set()
        for path in sorted(self.directory.glob("v3-tokens-*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                owner, client = str(data["auth_url"]), str(data["client_id"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if auth_url is None or owner == auth_url:
                found.add(client)
        return sorted(found)

    def delete(self, auth_url: str, client_id: str) -> bool:
        """Remove the cached tokens; True when there were some."""
        try:
            self.path_for(auth_url, client_id).unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.warning("cannot remove the token cache: %s", exc)
            return False
        return True
