"""The HTTP session under the client: keep-alive pool, no cookie jar, and redirects that carry
the EEN session only to hosts that may have it (EEN's own, over HTTPS or loopback)."""

from __future__ import annotations

import http.cookiejar
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from een_tui.api.settings import EEN_DOMAIN, is_loopback_host

SECRET_HEADERS = ("Cookie", "Authentication", "Authorization")


class EenHttpSession(requests.Session):
    """``requests.Session`` whose redirects (EEN answers 301 when an asset moved to another
    archiver) keep the session cookie and API key for trusted hosts and drop them elsewhere."""

    def __init__(self, *, pool_size: int, trusted_hosts: Callable[[], set[str]],
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
        self._trusted_hosts = trusted_hosts
        self._secret_headers = secret_headers

    def is_trusted(self, url: str) -> bool:
        """May ``url`` receive the session? EEN hosts or ours, and never over plain remote HTTP."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback_host(host)):
            return False
        return host in self._trusted_hosts() or host.endswith("." + EEN_DOMAIN)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:
        """On a redirect: re-attach the session for a trusted target, strip it otherwise."""
        super().rebuild_auth(prepared_request, response)
        headers = prepared_request.headers
        for name in SECRET_HEADERS:
            headers.pop(name, None)
        if self.is_trusted(prepared_request.url or ""):
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
