"""Every request bounded in time and size, for v1 and v3 alike.

``--timeout`` bounds each network read; this module bounds the whole exchange. A request gets a
total deadline of::

    deadline = 2 x timeout + expected_bytes / MIN_RATE_BPS

where ``expected_bytes`` is the answer's ``Content-Length`` when it gives one (no more than the
cap) and the cap otherwise, and ``MIN_RATE_BPS`` is 16 KiB/s (a slow mobile link). The sending
of the request and the arrival of the headers must fit in ``2 x timeout`` (a connect and a
first answer), the whole body in the deadline, read a piece at a time: an answer trickling in
at one byte per second fails with a retryable :class:`NetworkError` when the deadline passes
(at most one read, i.e. one ``timeout``, late). Every body has a size cap
(:data:`MAX_JSON_BYTES` for JSON answers, :data:`MAX_IMAGE_BYTES` for images,
:data:`MAX_ERROR_BODY` for error answers, which are cut there): a bigger one is a
:class:`ProtocolError`, and no more than the cap is ever held in memory.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import gevent
import requests

from een_tui.api import errors
from een_tui.api.transport_errors import host_of_url, transport_errors

__all__ = ["MAX_ERROR_BODY", "MAX_IMAGE_BYTES", "MAX_JSON_BYTES", "MIN_RATE_BPS", "Deadline",
           "bounded_request", "deadline_s", "iter_body", "read_body"]

MIN_RATE_BPS = 16 * 1024
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_ERROR_BODY = 64 * 1024
READ_PIECE = 16 * 1024


class _Expired(Exception):
    """Raised by the gevent timer inside this module only."""


def deadline_s(timeout: float, expected_bytes: int) -> float:
    """The total deadline of one exchange (see the module docstring)."""
    return 2.0 * timeout + max(0, expected_bytes) / MIN_RATE_BPS


class Deadline:
    """The time left for one exchange, from its start (``time.monotonic``)."""

    def __init__(self, timeout: float, max_bytes: int) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.started = time.monotonic()
        self.seconds = deadline_s(timeout, max_bytes)

    def expect(self, content_length: int | None) -> None:
        """Narrow the deadline to the announced body size (within the cap)."""
        if content_length is not None and 0 <= content_length <= self.max_bytes:
            self.seconds = deadline_s(self.timeout, content_length)

    def left(self) -> float:
        """Seconds left (0 when passed)."""
        return max(0.0, self.started + self.seconds - time.monotonic())


def _expired(what: str, deadline: Deadline) -> errors.NetworkError:
    return errors.NetworkError(
        f"the {what} took longer than its deadline of {deadline.seconds:.0f} s "
        f"(--timeout {deadline.timeout:g} s and the size; too slow)")


def bounded_request(session: requests.Session, method: str, url: str, *, timeout: float,
                    max_bytes: int, **kwargs: Any) -> requests.Response:
    """``session.request`` with the body left unread (``stream=True``) and the exchange up to
    the headers within the deadline. The response carries its :class:`Deadline` (read the body
    with :func:`read_body` / :func:`iter_body`); a ``Content-Length`` above ``max_bytes`` is a
    :class:`ProtocolError`. Network failures are een_tui errors."""
    deadline = Deadline(timeout, max_bytes)
    timer = gevent.Timeout(deadline_s(timeout, 0), _Expired)
    try:
        with timer, transport_errors(url, timeout=timeout):
            response = session.request(method, url, stream=True, timeout=(timeout, timeout),
                                       **kwargs)
    except _Expired:
        raise errors.NetworkError(
            f"no complete answer from {host_of_url(url)} within {deadline_s(timeout, 0):g} s "
            "(2 x --timeout; deadline)") from None
    length = _content_length(response)
    if length is not None and length > max_bytes:
        response.close()
        raise errors.ProtocolError(
            f"the answer from {host_of_url(url)} is {length} bytes, more than the "
            f"{max_bytes}-byte cap")
    deadline.expect(length)
    response.een_deadline = deadline  # type: ignore[attr-defined]
    return response


def iter_body(response: requests.Response, *, what: str, max_bytes: int | None = None,
              truncate: bool = False) -> Iterator[bytes]:
    """The body in pieces as they arrive, within the response's deadline and size cap (with
    ``truncate``, the first ``max_bytes`` and no error); only een_tui errors escape. Does not
    close the response."""
    deadline: Deadline = getattr(response, "een_deadline", None) or Deadline(60.0, MAX_JSON_BYTES)
    cap = deadline.max_bytes if max_bytes is None else min(max_bytes, deadline.max_bytes)
    received = 0
    raw = response.raw
    while True:
        left = deadline.left()
        if left <= 0:
            raise _expired(what, deadline)
        try:
            with gevent.Timeout(left, _Expired), transport_errors(response.url or "", body=what):
                piece = raw.read1(READ_PIECE, decode_content=True)
        except _Expired:
            raise _expired(what, deadline) from None
        if not piece:
            return
        received += len(piece)
        if received > cap and truncate:
            yield piece[:len(piece) - (received - cap)]
            return
        if received > cap:
            raise errors.ProtocolError(f"the {what} is larger than the {cap}-byte cap")
        yield piece


def read_body(response: requests.Response, *, what: str, max_bytes: int | None = None,
              truncate: bool = False) -> bytes:
    """The whole body (see :func:`iter_body`); closes the response."""
    try:
        return b"".join(iter_body(response, what=what, max_bytes=max_bytes, truncate=truncate))
    finally:
        response.close()


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or "Content-Encoding" in response.headers:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None
