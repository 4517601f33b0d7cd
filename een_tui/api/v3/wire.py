"""One HTTP exchange for the v3 modules: a timeout always, transport failures mapped by the one
mapper (:mod:`een_tui.api.transport_errors`: host only, never a URL or a query string, where a
code or token could be), bounded bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
import requests.auth
from requests.adapters import HTTPAdapter

from een_tui import __version__
from een_tui.api import errors
from een_tui.api.transport_errors import guarded_chunks, transport_errors

CHUNK_SIZE = 16 * 1024


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>``, given as requests ``auth`` so that no ``.netrc``
    entry can replace it (proxies from the environment still apply, as for v1)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def new_session(pool_size: int) -> requests.Session:
    """A keep-alive session with at most ``pool_size`` connections per host, no retries of its
    own, and an een-tui User-Agent."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(1, pool_size), max_retries=0,
                          pool_block=True)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"User-Agent": f"een-tui/{__version__}"})
    return session


def send(session: requests.Session, method: str, url: str, *, timeout: float,
         redirects: bool = False, **kwargs: Any) -> requests.Response:
    """``session.request`` (no redirects unless asked: requests drops the Authorization
    header on a redirect to another host or scheme); failures become een_tui errors."""
    with transport_errors(url, timeout=timeout):
        return session.request(method, url, timeout=(timeout, timeout),
                               allow_redirects=redirects, **kwargs)


def read_body(response: requests.Response, limit: int = 4 * 1024 * 1024) -> bytes:
    """The whole body (at most ``limit`` bytes, else :class:`ProtocolError`), then the
    connection back to the pool."""
    try:
        data = bytearray()
        with transport_errors(response.url or "", body="answer"):
            for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                data += chunk
                if len(data) > limit:
                    raise errors.ProtocolError(f"the answer is larger than {limit} bytes")
        return bytes(data)
    finally:
        response.close()


def body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body in chunks; a cut-off or stalled transfer becomes :class:`NetworkError`."""
    return guarded_chunks(response.iter_content(chunk_size=CHUNK_SIZE), response.url or "",
                          body="image download")
