"""The HTTP session under the client: keep-alive pool, no cookie jar, and a redirect policy
that keeps the EEN session on the origin it was meant for.

Redirects of API calls are followed with the session cookie and API key only when they stay on
the same scheme, host *and* port as one of the client's own origins (login and API host); any
other target gets the request without them, and a redirect from ``https`` to ``http`` is not
followed at all. Login calls never follow a redirect (see the client)."""

from __future__ import annotations

import http.cookiejar
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from een_tui.api import errors

SECRET_HEADERS = ("Cookie", "Authentication", "Authorization")
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]
"""(scheme, lower-case host, port)."""


def origin_of(url: str) -> Origin:
    """``url``'s (scheme, host, port), the port filled in from the scheme when absent."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme, 0)


def redirect_target(response: requests.Response) -> str:
    """``host[:port]`` a redirect answer points to (cleaned by the error that quotes it)."""
    location = response.headers.get("Location") or ""
    target = urlsplit(location).netloc if "//" in location else ""
    return target or urlsplit(response.url or "").netloc or "the same host"


class EenHttpSession(requests.Session):
    """``requests.Session`` whose redirects (EEN answers 301 when an asset moved) carry the
    session cookie and API key only to the client's own origins (same scheme, host and port),
    strip them elsewhere, and never go from HTTPS to plain HTTP."""

    def __init__(self, *, pool_size: int, trusted_origins: Callable[[], set[Origin]],
                 secret_headers: Callable[[], dict[str, str]]) -> None:
        super().__init__()
        # pool_block: never more than pool_size connections; extra callers wait for one.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0,
                              pool_block=True)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        # The session cookie is sent explicitly (it must follow us from the login host to the
        # branded API host); the jar keeps nothing.
        self.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self.max_redirects = 5
        self._trusted_origins = trusted_origins
        self._secret_headers = secret_headers
        self._environment: dict[tuple, dict] = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[override]
        """requests' proxy and CA settings from the environment, read once per origin and call
        options rather than on every request (two scans of ``os.environ``, ~0.6 ms each time);
        the environment of a running een-tui does not change."""
        parts = urlsplit(url or "")
        key = (parts.scheme, parts.netloc, tuple(sorted((proxies or {}).items())), stream,
               verify if isinstance(verify, (bool, str)) else repr(verify), repr(cert))
        merged = self._environment.get(key)
        if merged is None:
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._environment[key] = merged
        return {**merged, "proxies": dict(merged["proxies"])}  # the caller may change its copy

    def is_trusted(self, url: str) -> bool:
        """May ``url`` receive the session? Only one of the client's own origins."""
        return origin_of(url) in self._trusted_origins()

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:
        """On a redirect: refuse HTTPS -> HTTP; re-attach the session for one of our origins,
        strip it otherwise."""
        target = prepared_request.url or ""
        if origin_of(response.url or "")[0] == "https" and origin_of(target)[0] != "https":
            raise errors.ProtocolError(
                f"{urlsplit(response.url or '').netloc} redirects to plain http "
                f"({redirect_target(response)}); not followed")
        super().rebuild_auth(prepared_request, response)
        headers = prepared_request.headers
        for name in SECRET_HEADERS:
            headers.pop(name, None)
        if self.is_trusted(target):
            headers.update(self._secret_headers())


def host_of(url: str) -> str:
    """The lower-case host name of ``url``."""
    return (urlsplit(url).hostname or "").lower()


def session_cookie(response: requests.Response) -> tuple[str | None, float | None]:
    """The ``auth_key`` value and its Max-Age (seconds) from the Set-Cookie headers."""
    raw = response.raw.headers.getlist("Set-Cookie") if response.raw is not None else []
    if not raw and response.headers.get("Set-Cookie"):
        raw = [response.headers["Set-Cookie"]]
    for line in raw:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(line)
        except CookieError:
            continue
        if "auth_key" in jar and jar["auth_key"].value:
            morsel = jar["auth_key"]
            try:
                max_age = float(morsel["max-age"]) if morsel["max-age"] else None
            except ValueError:
                max_age = None
            return morsel.value, max_age
    return None, None
