"""One HTTP exchange for the v3 modules, hardened as v1's: a deadline and a size cap on every
exchange (:mod:`een_tui.api.bounds`), transport failures mapped by the one mapper (host only,
never a URL or a query string, where a code or token could be), and the same-origin redirect
rule of :mod:`een_tui.api.transport`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
import requests.auth

from een_tui import __version__
from een_tui.api import bounds
from een_tui.api.bounds import MAX_ERROR_BODY, MAX_IMAGE_BYTES, MAX_JSON_BYTES, bounded_request
from een_tui.api.transport import EenHttpSession, origin_of

__all__ = ["MAX_IMAGE_BYTES", "BearerAuth", "V3HttpSession", "body_chunks", "new_session",
           "read_body", "read_error_body", "send"]


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


class V3HttpSession(EenHttpSession):
    """The v1 session's redirect rule for v3: never from HTTPS to plain HTTP, and the
    ``Authorization`` header (the Bearer token) only to the origin (scheme, host and port) that
    sent the redirect; anywhere else the request goes without it."""

    def __init__(self, pool_size: int) -> None:
        super().__init__(pool_size=pool_size, trusted_origins=set, secret_headers=dict)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest,
                     response: requests.Response) -> None:
        """Drop the token on a redirect, and put it back only on the same origin."""
        sent = response.request.headers.get("Authorization") if response.request else None
        super().rebuild_auth(prepared_request, response)  # refuses https -> http, strips
        if sent and origin_of(prepared_request.url or "") == origin_of(response.url or ""):
            prepared_request.headers["Authorization"] = sent


def new_session(pool_size: int) -> requests.Session:
    """A keep-alive session with at most ``pool_size`` connections per host, no retries of its
    own, an een-tui User-Agent, and the same-origin redirect rule (:class:`V3HttpSession`)."""
    session = V3HttpSession(max(1, pool_size))
    session.headers.update({"User-Agent": f"een-tui/{__version__}"})
    return session


def send(session: requests.Session, method: str, url: str, *, timeout: float,
         redirects: bool = False, max_bytes: int = MAX_JSON_BYTES,
         **kwargs: Any) -> requests.Response:
    """One request through :func:`een_tui.api.bounds.bounded_request`: the headers within the
    deadline, the body left to read (with :func:`read_body` / :func:`body_chunks`) within it
    and ``max_bytes``. No redirects unless asked (then: the same-origin rule). Failures
    become een_tui errors."""
    kwargs.pop("stream", None)  # always streamed: the body is read within its bounds
    return bounded_request(session, method, url, timeout=timeout, max_bytes=max_bytes,
                           allow_redirects=redirects, **kwargs)


def read_body(response: requests.Response, limit: int = MAX_JSON_BYTES) -> bytes:
    """The whole body (at most ``limit`` bytes, else :class:`ProtocolError`) within the
    deadline, then the connection back to the pool."""
    return bounds.read_body(response, what="answer", max_bytes=limit)


def read_error_body(response: requests.Response) -> bytes:
    """An error answer's body, cut at :data:`MAX_ERROR_BODY` (no error for a longer one)."""
    return bounds.read_body(response, what="error answer", max_bytes=MAX_ERROR_BODY,
                            truncate=True)


def body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The image body in pieces within the deadline and the image cap; a cut-off, stalled
    or too slow transfer becomes :class:`NetworkError`, a too large one
    :class:`ProtocolError`."""
    return bounds.iter_body(response, what="image download")
