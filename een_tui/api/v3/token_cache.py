"""The v3 token cache: one mode-0600 JSON file per (auth host, client id), written atomically.

Like the v1 session cache (:mod:`een_tui.api.private_files`), a file that another user owns or
may write, a symlink, an oversized file, or one that names an API host outside the EEN domain
for an EEN auth host is ignored with a warning."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from een_tui.api.errors import ConfigurationError
from een_tui.api.private_files import Distrusted, read_private, remove_file, write_private
from een_tui.api.settings import EEN_DOMAIN, checked_base_url
from een_tui.api.v3 import TOKEN_FILE_PREFIX

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

    def __init__(self, directory: Path, *, warn: Callable[[str], None] | None = None) -> None:
        self.directory = Path(directory)
        self._warn = warn or log.warning

    def path_for(self, auth_url: str, client_id: str) -> Path:
        """The file of one (auth URL, client id) pair; the name reveals neither."""
        digest = hashlib.sha256(f"v3\n{auth_url}\n{client_id}".encode()).hexdigest()[:32]
        return self.directory / f"{TOKEN_FILE_PREFIX}{digest}.json"

    def load(self, auth_url: str, client_id: str) -> CachedTokens | None:
        """The cached tokens, or None when absent, unreadable or someone else's."""
        path = self.path_for(auth_url, client_id)
        try:
            data = json.loads(read_private(path))
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
        except Distrusted as exc:
            self._warn(f"ignoring the token cache {path}: {exc}")
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError,
                ConfigurationError) as exc:
            log.warning("ignoring unreadable token cache %s: %s", path.name, type(exc).__name__)
            return None
        if (cached.auth_url, cached.client_id) != (auth_url, client_id):
            return None
        if not _plausible_api_url(cached):
            self._warn(f"ignoring the token cache {path}: its API host "
                       f"{urlsplit(cached.tokens.api_url or '').netloc!r} is not one this "
                       "login gives")
            return None
        return cached

    def save(self, cached: CachedTokens) -> None:
        """Write atomically (temp file + ``os.replace``), mode 0600 from the first byte."""
        write_private(self.path_for(cached.auth_url, cached.client_id),
                      json.dumps({"auth_url": cached.auth_url, "client_id": cached.client_id,
                                  **asdict(cached.tokens)}))
        log.info("v3 tokens cached for %s", cached.auth_url)

    def client_ids(self, auth_url: str | None = None) -> list[str]:
        """The client ids with cached tokens (of ``auth_url``, or of any auth host), sorted."""
        found: set[str] = set()
        for path in sorted(self.directory.glob(f"{TOKEN_FILE_PREFIX}*.json")):
            try:
                data = json.loads(read_private(path))
                owner, client = str(data["auth_url"]), str(data["client_id"])
            except (Distrusted, OSError, ValueError, KeyError, TypeError):
                continue
            if auth_url is None or owner == auth_url:
                found.add(client)
        return sorted(found)

    def delete(self, auth_url: str, client_id: str) -> bool:
        """Remove the cached tokens; True when there were some."""
        return remove_file(self.path_for(auth_url, client_id))


def _plausible_api_url(cached: CachedTokens) -> bool:
    """An EEN auth host gives API hosts in the EEN domain, over https on the default port (an
    edited cache must not send the access token elsewhere); other auth hosts (the emulator, a
    test server) are taken at their word, as ``httpsBaseUrl`` is."""
    api_url = cached.tokens.api_url
    auth_host = urlsplit(cached.auth_url).hostname or ""
    if api_url is None or not (auth_host == EEN_DOMAIN or auth_host.endswith("." + EEN_DOMAIN)):
        return True
    api = urlsplit(api_url)
    return (api.scheme == "https" and api.port is None and not api.path.strip("/")
            and (api.hostname or "").endswith("." + EEN_DOMAIN))
