"""The EEN v1 client: login, session, devices, images. No UI, no printing (logging only).

One :class:`EenClient` is one EEN session over one keep-alive ``requests.Session`` whose
connection pool is sized to the number of concurrent workers. Safe to share between greenlets.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import gevent.lock
import requests
import tenacity

from een_tui import __version__
from een_tui.api import errors
from een_tui.api.credentials import Credentials
from een_tui.api.devices import DeviceList, parse_device_list
from een_tui.api.responses import (
    ImageHeaders,
    api_error,
    image_headers,
    login_error,
    server_message,
    two_factor_destinations,
)
from een_tui.api.session_cache import CachedSession, SessionCache
from een_tui.api.settings import ConnectionSettings, branded_api_url
from een_tui.api.timestamps import is_een_timestamp, is_esn
from een_tui.api.transport import EenHttpSession, host_of, session_cookie
from een_tui.logsetup import register_secret

__all__ = [
    "AuthChallenge",
    "ConnectionSettings",
    "DeviceList",
    "EenClient",
    "ImageHeaders",
]

log = logging.getLogger(__name__)

DEFAULT_SESSION_LIFETIME_S = 4 * 3600.0  # observed Max-Age 14399
CHUNK_SIZE = 16 * 1024
RETRY_AFTER_MARGIN_S = 0.05
# After a re-login, a 401 within this many seconds is usually spurious (the 2019 recording shows
# 401s right after authorize on a valid session): ``isauth`` decides. A valid session is simply
# used again; a dead one allows another login, but at most QUICK_RELOGINS_MAX in a row (repeated
# logins get accounts locked).
RELOGIN_MIN_INTERVAL_S = 30.0
QUICK_RELOGINS_MAX = 2
TWO_FACTOR_METHODS = ("sms", "email")

AskCode = Callable[[str, str], str]  # (method, masked destination) -> the 4-digit code
CredentialsProvider = Callable[[], "Credentials | None"]


@dataclass(frozen=True)
class AuthChallenge:
    """The answer of ``authenticate``: a single-use token, and where two-factor codes can go."""

    token: str
    two_factor: dict[str, str] | None  # {"sms": "*** *** 779", "email": "***@gmail.com"} or None
    username: str | None = None

    def __repr__(self) -> str:  # the token is a secret for its 30 s of life
        return f"AuthChallenge(token=***, two_factor={self.two_factor!r})"

    @property
    def two_factor_methods(self) -> list[str]:
        """Delivery methods EEN can use (``sms``/``email``), best first."""
        if not self.two_factor:
            return []
        usable = []
        for method in TWO_FACTOR_METHODS:
            where = self.two_factor.get(method)
            if isinstance(where, str) and where and not where.lower().startswith("no "):
                usable.append(method)
        return usable


class EenClient:
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
        self._relogin_failure: errors.EenError | None = None
        self._last_relogin: float | None = None  # time.monotonic() of the last re-login
        self._quick_relogins = 0  # re-logins in a row, each soon after the previous one
        register_secret(settings.api_key)
        self._http = self._new_http_session()

    # ------------------------------------------------------------------ plumbing

    def _new_http_session(self) -> EenHttpSession:
        http = EenHttpSession(pool_size=self.pool_size + 2, trusted_hosts=self._trusted_hosts,
                              secret_headers=self._secret_headers)
        http.headers.update({"User-Agent": f"een-tui/{__version__}", "Accept": "application/json"})
        if self.settings.api_key:
            http.headers["Authentication"] = self.settings.api_key
            http.headers["Authorization"] = self.settings.api_key
        return http

    def _trusted_hosts(self) -> set[str]:
        return {host_of(self.settings.login_url), host_of(self.api_url)}

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
        """One HTTP exchange with a timeout; network failures become :class:`NetworkError`."""
        headers = {}
        if with_session and self._auth_key:
            headers["Cookie"] = f"auth_key={self._auth_key}"
        if accept:
            headers["Accept"] = accept
        try:
            return self._http.request(
                method, url, params=params, json=body, headers=headers, stream=stream,
                timeout=(self.settings.timeout, self.settings.timeout), allow_redirects=True,
            )
        except requests.Timeout as exc:
            raise errors.NetworkError(
                f"no answer from {_host(url)} within {self.settings.timeout:g} s") from exc
        except requests.TooManyRedirects as exc:
            raise errors.ProtocolError(f"{_host(url)} redirects in a loop") from exc
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise errors.NetworkError(f"cannot reach {_host(url)}: {_reason(exc)}") from exc
        except requests.RequestException as exc:
            raise errors.NetworkError(f"request to {_host(url)} failed: {_reason(exc)}") from exc

    @staticmethod
    def _error_details(response: requests.Response) -> str | None:
        try:
            body = response.content[:65536]
        except requests.RequestException:
            body = b""
        finally:
            response.close()
        return server_message(response.headers, body)

    @staticmethod
    def _json(response: requests.Response, what: str) -> Any:
        try:
            return json.loads(response.content.decode("utf-8"))
        except requests.RequestException as exc:
            raise errors.NetworkError(f"the {what} answer was cut off: {_reason(exc)}") from exc
        except (UnicodeDecodeError, ValueError) as exc:
            raise errors.ProtocolError(
                f"the {what} answer is not valid JSON (HTTP {response.status_code})") from exc
        finally:
            response.close()

    def _api(self, path: str) -> str:
        return f"{self.api_url}{path}"

    def _login(self, path: str) -> str:
        return f"{self.settings.login_url}{path}"

    # ------------------------------------------------------------------ login

    def authenticate(self, username: str, password: str) -> AuthChallenge:
        """Step 1: user name + password -> a single-use token (and two-factor destinations)."""
        register_secret(password)
        log.info("authenticating %s at %s", username, self.settings.login_url)
        response = self._send("POST", self._login("/g/aaa/authenticate"),
                              body={"username": username, "password": password},
                              with_session=False)
        if response.status_code != 200:
            message = self._error_details(response)
            raise login_error("authenticate", response.status_code, message, response.headers)
        data = self._json(response, "authenticate")
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise errors.ProtocolError("the authenticate answer has no token")
        two_factor = two_factor_destinations(data.get("two_factor_authentication_code"))
        self._credentials = Credentials(username, password)
        self.username = username
        return AuthChallenge(token=token, two_factor=two_factor or None, username=username)

    def send_two_factor_code(self, challenge: AuthChallenge, method: str) -> None:
        """Step 1b (two-factor accounts): ask EEN to send the code by ``sms`` or ``email``."""
        if method not in TWO_FACTOR_METHODS:
            raise errors.ConfigurationError(
                f"two-factor delivery must be sms or email, not {method!r}")
        log.info("asking EEN to send the two-factor code by %s", method)
        response = self._send("POST", self._login("/g/aaa/two_factor_authenticate"),
                              body={"token": challenge.token,
                                    "two_factor_authentication_type": method},
                              with_session=False)
        if response.status_code not in (200, 201, 204):
            message = self._error_details(response)
            raise login_error("two_factor", response.status_code, message, response.headers)
        response.close()

    def authorize(self, challenge: AuthChallenge, code: str | None = None) -> dict:
        """Step 2: token (+ code) -> the user object; keeps the session and picks the API host."""
        body: dict[str, Any] = {"token": challenge.token}
        if code is not None:
            code = code.strip()
            if not (len(code) == 4 and code.isdigit()):
                raise errors.TwoFactorFailed("the two-factor code must be 4 digits")
            body["two_factor_authentication_code"] = code
        response = self._send("POST", self._login("/g/aaa/authorize"), body=body,
                              with_session=False)
        if response.status_code != 200:
            message = self._error_details(response)
            raise login_error("authorize", response.status_code, message, response.headers)
        auth_key, max_age = session_cookie(response)
        user = self._json(response, "authorize")
        if not isinstance(user, dict):
            raise errors.ProtocolError("the authorize answer is not a user object")
        if not auth_key:
            raise errors.ProtocolError("the authorize answer set no auth_key session cookie")
        register_secret(auth_key)
        with self._login_lock:
            self._auth_key = auth_key
            self._api_url = self.settings.api_url or branded_api_url(
                self.settings.login_url, user.get("active_brand_subdomain"))
            self.user = user
            self.username = challenge.username or self.username
            self.expires_at = time.time() + (max_age if max_age else DEFAULT_SESSION_LIFETIME_S)
            self._generation += 1
            self._relogin_failure = None
        log.info("logged in; API host %s", self.api_url)
        self._save_session()
        return user

    def login(self, username: str, password: str, ask_code: AskCode | None = None,
              *, two_factor_method: str | None = None) -> dict:
        """authenticate -> (two-factor: send the code, ``ask_code(method, destination)``) ->
        authorize. Returns the user object."""
        challenge = self.authenticate(username, password)
        code = None
        if challenge.two_factor:
            methods = challenge.two_factor_methods
            if two_factor_method:
                methods = [m for m in methods if m == two_factor_method]
            if not methods:
                raise errors.TwoFactorRequired(
                    "the account needs a two-factor code but EEN has no usable sms or email for it")
            if ask_code is None:
                raise errors.TwoFactorRequired(
                    "the account needs a two-factor code; log in on a terminal to enter it")
            method = methods[0]
            self.send_two_factor_code(challenge, method)
            code = ask_code(method, challenge.two_factor[method])
        return self.authorize(challenge, code)

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
            if self._relogin_failure is not None:
                raise self._relogin_failure
            since = time.monotonic() - (self._last_relogin or float("-inf"))
            soon = since < RELOGIN_MIN_INTERVAL_S
            if soon:
                if self._session_may_be_valid():
                    log.info("401 right after a re-login, session still valid: retrying")
                    return
                if self._quick_relogins >= QUICK_RELOGINS_MAX:
                    self._relogin_failure = errors.SessionExpired(
                        "EEN keeps ending the session right after each login; not logging in "
                        "again (repeated logins get accounts locked)", status_code=401)
                    raise self._relogin_failure
            self._quick_relogins = self._quick_relogins + 1 if soon else 0
            credentials = self._credentials
            if credentials is None and self._relogin_credentials is not None:
                credentials = self._relogin_credentials()
            if credentials is None:
                self._relogin_failure = errors.SessionExpired(
                    "the EEN session expired and there is no password at hand to log in again; "
                    "run the command again", status_code=401)
                raise self._relogin_failure
            log.info("session expired: logging in again (once)")
            self.relogins += 1
            if self.session_cache is not None and self.username:
                self.session_cache.delete(self.settings.login_url, self.username)
            try:
                self.login(credentials.username, credentials.password)
                self._last_relogin = time.monotonic()
            except errors.EenError as exc:
                log.warning("logging in again failed: %s", exc)
                failure = errors.SessionExpired(
                    f"the EEN session expired and logging in again failed: {exc}",
                    status_code=exc.status_code)
                self._relogin_failure = failure
                raise failure from exc

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
        except errors.SessionExpired:
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

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, self.settings.retry_attempts)),
            wait=self._retry_wait,
            retry=tenacity.retry_if_exception_type(
                (errors.RateLimited, errors.ServerError, errors.NetworkError)),
            before_sleep=lambda state: log.warning(
                "%s: %s; retry %d", what, state.outcome.exception(), state.attempt_number),
            reraise=True,
        )
        return retrying(attempt)

    def _retry_wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, errors.RateLimited) and exc.retry_after is not None:
            # a hair more than asked: our clock and the server's are not the same clock
            return min(exc.retry_after + RETRY_AFTER_MARGIN_S, self.settings.retry_after_max)
        backoff = 0.1 * 2 ** (state.attempt_number - 1) + random.uniform(0, 0.1)
        return min(backoff, self.settings.retry_wait_max)

    # ------------------------------------------------------------------ data

    def list_devices(self) -> DeviceList:
        """Every device of the account (``/g/device/list``), bad rows skipped and counted."""
        body = self._json_call("/g/device/list", None, "device list")
        devices = parse_device_list(body)
        log.info("device list: %d devices, %d rows skipped", len(devices.devices), devices.skipped)
        return devices

    def list_image_timestamps(self, esn: str, count: int = -25, start: str = "now") -> list[str]:
        """Preview timestamps from ``/asset/list/image``, newest first, distinct.
        ``count`` negative = the entries before ``start``. No images: an empty list."""
        _check_esn(esn)
        params = {"id": esn, "start_timestamp": start, "count": int(count), "asset_class": "pre"}
        try:
            body = self._json_call("/asset/list/image", params, "image list")
        except errors.NoMatchingAsset:
            return []
        if not isinstance(body, list):
            raise errors.ProtocolError("the image list is not an array")
        stamps = {entry.get("s") for entry in body if isinstance(entry, dict)}
        valid = sorted((s for s in stamps if is_een_timestamp(s)), reverse=True)
        if len(valid) < len(body):
            log.info("image list of %s: %d entries, %d distinct valid", esn, len(body), len(valid))
        return valid

    @contextmanager
    def open_image(self, esn: str, timestamp: str, *, asset_class: str = "pre",
                   which: str = "asset") -> Iterator[tuple[ImageHeaders, Iterator[bytes]]]:
        """Stream ``/asset/{which}/image.jpeg`` at ``timestamp``: yields the headers and a chunk
        iterator. Typed errors; one shared re-login on 401; 429/5xx/network errors are raised
        (:class:`RateLimited` with ``retry_after``, :class:`ServerError`, :class:`NetworkError`)
        for the caller to retry."""
        _check_esn(esn)
        if which not in {"asset", "prev", "next", "after"}:
            raise errors.ConfigurationError(f"unknown image endpoint {which!r}")
        params = {"id": esn, "timestamp": timestamp, "asset_class": asset_class}
        response = self._with_relogin(
            lambda: self._checked("GET", f"/asset/{which}/image.jpeg", params=params, stream=True,
                                  accept="image/jpeg, */*"))
        try:
            headers = image_headers(response.headers)
            if not (headers.content_type or "").lower().startswith("image/"):
                raise errors.ProtocolError(
                    f"the image answer is {headers.content_type or 'untyped'}, not an image")
            yield headers, _chunks(response)
        finally:
            response.close()


def _chunks(response: requests.Response) -> Iterator[bytes]:
    """The body in chunks; a cut-off transfer becomes :class:`NetworkError`."""
    try:
        yield from response.iter_content(chunk_size=CHUNK_SIZE)
    except requests.Timeout as exc:
        raise errors.NetworkError("the image download stalled (read timeout)") from exc
    except (requests.RequestException, OSError) as exc:
        raise errors.NetworkError(f"the image download was cut off: {_reason(exc)}") from exc


def _check_esn(esn: object) -> None:
    if not is_esn(esn):
        raise errors.RequestRejected(f"{esn!r} is not a camera ESN (8 hex characters)")


def _host(url: str) -> str:
    return requests.utils.urlparse(url).netloc or url


def _reason(exc: BaseException) -> str:
    """A short cause without URLs or query strings."""
    text = str(exc.__context__ or exc) if isinstance(exc, requests.RequestException) else str(exc)
    for marker in ("Caused by ", "Connection aborted.", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip(" ()'\",")
    return " ".join(text.split())[:160] or exc.__class__.__name__
