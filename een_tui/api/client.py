"""The EEN v1 client: session, re-login, JSON calls with retries; its login calls are in
:mod:`een_tui.api.v1_auth`, its data calls (devices, images) in :mod:`een_tui.api.v1_data`.
No UI, no printing (logging only).

One :class:`EenClient` is one EEN session over one keep-alive ``requests.Session`` whose
connection pool is sized to the number of concurrent workers. Safe to share between greenlets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import gevent.lock
import requests

from een_tui.api import errors
from een_tui.api.auth_challenge import TWO_FACTOR_METHODS, AuthChallenge
from een_tui.api.backend import AskCode, drive_login
from een_tui.api.bounds import MAX_IMAGE_BYTES, MAX_JSON_BYTES, bounded_request
from een_tui.api.credentials import Credentials
from een_tui.api.devices import DeviceList
from een_tui.api.relogin_guard import RELOGINS_PER_RUN, ReloginGuard
from een_tui.api.responses import (
    ImageHeaders,
    api_error,
)
from een_tui.api.retry_policy import RetryPolicy, Verdict, classify
from een_tui.api.secrets import register_secret
from een_tui.api.session_cache import CachedSession, SessionCache
from een_tui.api.settings import ConnectionSettings, branded_api_url
from een_tui.api.transport import (  # noqa: F401 (session_cookie: the bench imports it here)
    Origin,
    origin_of,
    redirect_target,
    session_cookie,
)
from een_tui.api.v1_auth import V1LoginCalls
from een_tui.api.v1_data import V1DataCalls
from een_tui.api.v1_http import error_details, new_http_session, read_json
from een_tui.api.v1_login import V1LoginFlow

__all__ = [
    "RELOGINS_PER_RUN",
    "TWO_FACTOR_METHODS",
    "AuthChallenge",
    "ConnectionSettings",
    "DeviceList",
    "EenClient",
    "ImageHeaders",
]

log = logging.getLogger(__name__)

DEFAULT_SESSION_LIFETIME_S = 4 * 3600.0  # observed Max-Age 14399

CredentialsProvider = Callable[[], "Credentials | None"]


class EenClient(V1LoginCalls, V1DataCalls):
    """One EEN session over one keep-alive ``requests.Session``.

    ``relogin_credentials`` is asked for a user name and password when a 401 ``session
    expired`` arrives on a session that was resumed from the cache (a fresh login keeps the
    credentials it used, in memory only)."""

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        session_cache: SessionCache | None = None,
        pool_size: int = 5,
        relogin_credentials: CredentialsProvider | None = None,
    ) -> None:
        self.settings = settings
        self.session_cache = session_cache
        self.pool_size = max(1, int(pool_size))
        self.user: dict[str, Any] | None = None
        self.username: str | None = None
        self.expires_at: float | None = None
        self.relogins = 0  # how many times a 401 made us log in again
        self._relogin_credentials = relogin_credentials
        self._credentials: Credentials | None = None
        self._auth_key: str | None = None
        self._api_url: str | None = settings.api_url
        self._generation = 0  # bumped by each successful authorize
        self._login_lock = gevent.lock.RLock()
        self._relogins = ReloginGuard()
        self.retry_policy = RetryPolicy.for_json(
            settings.retry_attempts, settings.retry_wait_max, settings.retry_after_max)
        register_secret(settings.api_key)
        self._http = new_http_session(pool_size=self.pool_size, api_key=settings.api_key,
                                      trusted_origins=self._trusted_origins,
                                      secret_headers=self._secret_headers)

    # ------------------------------------------------------------------ plumbing

    def _trusted_origins(self) -> set[Origin]:
        return {origin_of(self.settings.login_url), origin_of(self.api_url)}

    def _secret_headers(self) -> dict[str, str]:
        """What authenticates a request: the session cookie and the API key (both headers)."""
        headers = {}
        if self._auth_key:
            headers["Cookie"] = f"auth_key={self._auth_key}"
        if self.settings.api_key:
            headers["Authentication"] = self.settings.api_key
            headers["Authorization"] = self.settings.api_key
        return headers

    @property
    def api_url(self) -> str:
        """The API base URL (the branded host after login)."""
        return self._api_url or self.settings.login_url

    @property
    def is_logged_in(self) -> bool:
        """True while the client holds a session key (valid or not)."""
        return self._auth_key is not None

    def close(self) -> None:
        """Close the pooled connections (the EEN session itself stays valid)."""
        self._http.close()

    def __enter__(self) -> EenClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        stream: bool = False,
        with_session: bool = True,
        accept: str | None = None,
    ) -> requests.Response:
        """One HTTP exchange within its deadline and size cap (:mod:`een_tui.api.bounds`),
        body unread; network failures become :class:`NetworkError`. Calls without the session
        (the login steps) never follow a redirect: a 3xx is an :class:`AuthError` naming where
        it pointed, and the body (the password) is not sent again."""
        headers = {}
        if with_session and self._auth_key:
            headers["Cookie"] = f"auth_key={self._auth_key}"
        if accept:
            headers["Accept"] = accept
        response = bounded_request(
            self._http, method, url, timeout=self.settings.timeout,
            max_bytes=MAX_IMAGE_BYTES if stream else MAX_JSON_BYTES,
            params=params, json=body, headers=headers, allow_redirects=with_session)
        if not with_session and 300 <= response.status_code < 400:
            response.close()
            raise errors.AuthError(
                f"the EEN login host answered with a redirect ({response.status_code}) to "
                f"{redirect_target(response)}; login requests are never redirected",
                status_code=response.status_code)
        return response

    _error_details = staticmethod(error_details)
    _json = staticmethod(read_json)

    def _api(self, path: str) -> str:
        return f"{self.api_url}{path}"

    def _login(self, path: str) -> str:
        return f"{self.settings.login_url}{path}"

    # ------------------------------------------------------------------ login

    def _start_session(self, auth_key: str, max_age: float | None, user: dict[str, Any],
                       username: str | None) -> None:
        """Keep the session :meth:`authorize` opened, pick the API host and cache it."""
        register_secret(auth_key)
        with self._login_lock:
            self._auth_key = auth_key
            self._api_url = self.settings.api_url or branded_api_url(
                self.settings.login_url, user.get("active_brand_subdomain"))
            self.user = user
            self.username = username or self.username
            self.expires_at = time.time() + (max_age if max_age else DEFAULT_SESSION_LIFETIME_S)
            self._generation += 1
            self._relogins.clear()
        log.info("logged in; API host %s", self.api_url)
        self._save_session()

    def login(self, username: str, password: str, ask_code: AskCode | None = None,
              *, two_factor_method: str | None = None) -> dict:
        """authenticate -> (two-factor: send the code, ``ask_code(method, destination)``) ->
        authorize, through :class:`~een_tui.api.v1_login.V1LoginFlow`. Returns the user."""
        drive_login(V1LoginFlow(self), Credentials(username, password), ask_code,
                    method=two_factor_method)
        return self.user or {}

    def resume(self) -> bool:
        """Reuse the cached session of (login URL, ``self.username``) when it is still valid."""
        if self.session_cache is None or not self.username:
            return False
        cached = self.session_cache.load(self.settings.login_url, self.username)
        if cached is None:
            return False
        self.adopt_session(cached)
        try:
            valid = self.isauth()
        except errors.EenError:
            self._forget_session()
            raise
        if not valid:
            log.info("cached session no longer valid")
            self.session_cache.delete(self.settings.login_url, self.username)
            self._forget_session()
            return False
        log.info("resumed the cached session of %s", self.username)
        return True

    def adopt_session(self, cached: CachedSession) -> None:
        """Use a cached session as is (no request; :meth:`resume` also checks it)."""
        register_secret(cached.auth_key)
        with self._login_lock:
            self._auth_key = cached.auth_key
            self._api_url = self.settings.api_url or cached.api_url
            self.expires_at = cached.expires_at
            self.username = cached.username
            self._generation += 1

    def isauth(self) -> bool:
        """True when the server accepts the current session (``/g/aaa/isauth``)."""
        if not self._auth_key:
            return False
        response = self._send("GET", self._api("/g/aaa/isauth"))
        status = response.status_code
        if status == 401:
            response.close()
            return False
        if status >= 400:
            raise api_error(status, self._error_details(response), response.headers)
        response.close()
        return True

    def logout(self) -> None:
        """End the session on the server and forget it here (cache file included)."""
        try:
            if self._auth_key:
                response = self._send("POST", self._api("/g/aaa/logout"))
                status = response.status_code
                if status >= 400 and status != 401:
                    raise api_error(status, self._error_details(response), response.headers)
                response.close()
                log.info("logged out")
        finally:
            if self.session_cache is not None and self.username:
                self.session_cache.delete(self.settings.login_url, self.username)
            self._forget_session()

    def _forget_session(self) -> None:
        with self._login_lock:
            self._auth_key = None
            self._api_url = self.settings.api_url
            self.expires_at = None

    def _save_session(self) -> None:
        if self.session_cache is None or not self.username or not self._auth_key:
            return
        try:
            self.session_cache.save(CachedSession(
                login_url=self.settings.login_url, username=self.username,
                auth_key=self._auth_key, api_url=self.api_url,
                expires_at=self.expires_at or time.time() + DEFAULT_SESSION_LIFETIME_S))
        except OSError as exc:
            log.warning("cannot write the session cache: %s", exc)

    # ------------------------------------------------------------------ re-login on 401

    def _relogin(self, seen_generation: int) -> None:
        """Log in again after a 401, once for every caller that saw the same session."""
        with self._login_lock:
            if self._generation != seen_generation and self._auth_key:
                return  # someone else already logged in again while we waited
            if not self._relogins.should_login(self._session_may_be_valid):
                return
            credentials = self._credentials
            if credentials is None and self._relogin_credentials is not None:
                credentials = self._relogin_credentials()
            if credentials is None:
                raise self._relogins.fail(errors.SessionExpired(
                    "the EEN session expired and there is no password at hand to log in again; "
                    "run the command again", status_code=401))
            log.info("session expired: logging in again (once)")
            self.relogins += 1
            if self.session_cache is not None and self.username:
                self.session_cache.delete(self.settings.login_url, self.username)
            try:
                self.login(credentials.username, credentials.password)
                self._relogins.succeeded()
            except errors.EenError as exc:
                log.warning("logging in again failed: %s", exc)
                raise self._relogins.fail(errors.SessionExpired(
                    f"the EEN session expired and logging in again failed: {exc}",
                    status_code=exc.status_code)) from exc

    def _session_may_be_valid(self) -> bool:
        """``isauth`` after a suspicious 401: False only when the server says the session is
        over (any other answer or error: assume a transient 401)."""
        try:
            return self.isauth()
        except errors.EenError:
            return True

    def _with_relogin(self, send: Callable[[], requests.Response]) -> requests.Response:
        """Run ``send``; on 401 log in again once (shared) and run it once more."""
        generation = self._generation
        try:
            return send()
        except errors.EenError as exc:
            if classify(exc) is not Verdict.RELOGIN:
                raise
            self._relogin(generation)
        return send()

    def _checked(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 stream: bool = False, accept: str | None = None) -> requests.Response:
        """An API call whose non-2xx answers become typed errors."""
        if not self._auth_key:
            raise errors.AuthError("not logged in to EEN")
        response = self._send(method, self._api(path), params=params, stream=stream,
                              accept=accept)
        if response.status_code >= 400 or response.status_code < 200:
            raise api_error(response.status_code, self._error_details(response), response.headers)
        return response

    def _json_call(self, path: str, params: dict[str, Any] | None, what: str) -> Any:
        """A JSON API call: one re-login on 401, bounded retries on 429/5xx/network errors."""
        def attempt() -> Any:
            response = self._with_relogin(lambda: self._checked("GET", path, params=params))
            return self._json(response, what)

        return self.retry_policy.retrying(what=what)(attempt)
