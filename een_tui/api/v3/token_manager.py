"""The current v3 access token, and ONE shared refresh for every worker that saw it fail.

Each request notes the generation of the token it sent. A 401 calls :meth:`after_401` with that
generation: when the token was already replaced meanwhile, the caller just retries with the new
one; only the first 401 on the current token refreshes. The rotated tokens are written to the
cache before they are published (before anyone could need the new refresh token).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable

import gevent.lock

from een_tui.api import errors
from een_tui.api.v3.token_cache import CachedTokens, TokenCache, TokenSet
from een_tui.api.v3.tokens import (
    QUICK_REFRESH_WINDOW_S,
    QUICK_REFRESHES_MAX,
    LoginNeeded,
    TokenEndpoint,
)

log = logging.getLogger(__name__)

OnSecret = Callable[[str], None]


class TokenManager:
    """Holds the tokens of one login; safe to share between greenlets.

    ``endpoint`` None = a static token (``EEN_ACCESS_TOKEN``): never refreshed, a 401 is final."""

    def __init__(self, tokens: TokenSet, *, endpoint: TokenEndpoint | None = None,
                 cache: TokenCache | None = None, on_secret: OnSecret | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._tokens = tokens
        self._endpoint = endpoint
        self._cache = cache
        self._on_secret = on_secret or (lambda _secret: None)
        self._clock = clock
        self._lock = gevent.lock.RLock()
        self._failure: errors.AuthError | None = None
        self._recent: list[float] = []  # monotonic times of recent refreshes
        self.generation = 0
        self.refreshes = 0
        self._remember(tokens)

    @classmethod
    def static(cls, access_token: str, *, api_url: str | None = None) -> TokenManager:
        """A manager for a token handed out by EEN's developer portal: no refresh."""
        return cls(TokenSet(access_token=access_token, refresh_token=None,
                            expires_at=float("inf"), api_url=api_url))

    @property
    def tokens(self) -> TokenSet:
        """The current tokens."""
        return self._tokens

    @property
    def is_static(self) -> bool:
        """True for a token that cannot be refreshed."""
        return self._endpoint is None or not self._tokens.refresh_token

    def access(self) -> tuple[str, int]:
        """The access token to send and its generation; refreshes first (shared) when it is
        about to expire."""
        tokens, generation = self._tokens, self.generation
        if not self.is_static and self._clock() >= tokens.expires_at - tokens.refresh_margin_s:
            self._refresh(generation, why="the access token is about to expire")
        return self._tokens.access_token, self.generation

    def after_401(self, generation: int) -> None:
        """A request sent with token ``generation`` got 401: make sure a newer token exists
        (refreshing once for everyone), or raise :class:`LoginNeeded`."""
        if self._endpoint is None or not self._tokens.refresh_token:
            if generation != self.generation:
                return
            raise LoginNeeded("EEN refused the access token (401) and it cannot be refreshed: "
                              "get a new EEN_ACCESS_TOKEN or run een-tui login", status_code=401)
        # A 401 on a token our clock still calls valid is odd; odd ones in a row mean EEN
        # refuses fresh tokens, and refreshing again would loop.
        odd = self._clock() < self._tokens.expires_at - 1
        self._refresh(generation, why="401 on the current access token", odd=odd)

    def _refresh(self, generation: int, *, why: str, odd: bool = False) -> None:
        with self._lock:
            if generation != self.generation:
                return  # someone refreshed while we waited: retry with the new token
            if self._failure is not None:
                raise self._failure
            if self._adopt_newer_cache():
                return
            now = time.monotonic()
            self._recent = [t for t in self._recent if now - t < QUICK_REFRESH_WINDOW_S]
            if odd and len(self._recent) >= QUICK_REFRESHES_MAX:
                self._failure = LoginNeeded(
                    "EEN keeps refusing freshly refreshed tokens; run een-tui login again",
                    status_code=401)
                raise self._failure
            assert self._endpoint is not None and self._tokens.refresh_token
            log.info("refreshing the v3 access token (%s)", why)
            try:
                fresh = self._endpoint.refresh(self._tokens.refresh_token)
            except LoginNeeded as exc:
                self._failure = exc
                self._forget_cache()
                raise
            if fresh.api_url is None:
                fresh = dataclasses.replace(fresh, api_url=self._tokens.api_url)
            if odd:
                self._recent.append(now)
            self._remember(fresh)
            self._save(fresh)  # on disk before it is published
            self._tokens = fresh
            self.refreshes += 1
            self.generation += 1

    def _adopt_newer_cache(self) -> bool:
        """Another een-tui process may have rotated the tokens: use its, not our dead ones."""
        if self._cache is None or self._endpoint is None:
            return False
        client = self._endpoint.client
        cached = self._cache.load(client.auth_url, client.client_id)
        if cached is None or cached.tokens.refresh_token in (None, self._tokens.refresh_token):
            return False
        if cached.tokens.expires_at - cached.tokens.refresh_margin_s <= self._clock():
            return False
        log.info("the token cache holds newer tokens (another een-tui refreshed): using them")
        self._remember(cached.tokens)
        self._tokens = cached.tokens
        self.generation += 1
        return True

    def save(self) -> None:
        """Write the current tokens to the cache (after a login)."""
        self._save(self._tokens)

    def _save(self, tokens: TokenSet) -> None:
        if self._cache is None or self._endpoint is None:
            return
        client = self._endpoint.client
        try:
            self._cache.save(CachedTokens(client.auth_url, client.client_id, tokens))
        except OSError as exc:
            log.warning("cannot write the v3 token cache (the next run will need a new "
                        "login): %s", type(exc).__name__)

    def _forget_cache(self) -> None:
        if self._cache is not None and self._endpoint is not None:
            self._cache.delete(self._endpoint.client.auth_url, self._endpoint.client.client_id)

    def revoke(self) -> None:
        """Log out: revoke the refresh token (else the access token) at EEN, then delete the
        cached tokens whatever the answer (a revoke failure is raised after)."""
        with self._lock:
            token = self._tokens.refresh_token or self._tokens.access_token
            self._failure = LoginNeeded("logged out; run een-tui login", status_code=401)
            try:
                if self._endpoint is not None:
                    self._endpoint.revoke(token)
                    log.info("v3 login revoked")
            finally:
                self._forget_cache()

    def _remember(self, tokens: TokenSet) -> None:
        self._on_secret(tokens.access_token)
        if tokens.refresh_token:
            self._on_secret(tokens.refresh_token)
