"""The one place where ``requests`` / ``urllib3`` errors become een_tui errors, around a request
and around the iteration of a streamed body. Messages carry the host, never a URL or a query."""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from een_tui.api import errors

__all__ = ["guarded_chunks", "host_of_url", "reason", "transport_errors"]

_BODY_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError,
                http.client.HTTPException, OSError)


@contextmanager
def transport_errors(url: str, *, timeout: float | None = None,
                     body: str | None = None) -> Iterator[None]:
    """Map transport failures inside the block to :class:`NetworkError` / :class:`ProtocolError`.

    Without ``body``: the block sends a request to ``url``. With ``body`` (e.g. ``"image
    download"``): the block reads an answer's body, and a failure says it was cut off."""
    try:
        yield
    except errors.EenError:
        raise
    except (requests.Timeout, urllib3.exceptions.TimeoutError) as exc:
        if body is not None:
            raise errors.NetworkError(f"the {body} stalled (read timeout)") from exc
        within = f" within {timeout:g} s" if timeout is not None else ""
        raise errors.NetworkError(f"no answer from {host_of_url(url)}{within}") from exc
    except requests.TooManyRedirects as exc:
        raise errors.ProtocolError(f"{host_of_url(url)} redirects in a loop") from exc
    except _BODY_ERRORS as exc:
        if body is not None:
            raise errors.NetworkError(f"the {body} was cut off: {reason(exc)}") from exc
        if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
            host = host_of_url(url)
            said = in_words(exc, host) or f"cannot reach {host}: {reason(exc)}"
            raise errors.NetworkError(said) from exc
        raise errors.NetworkError(
            f"request to {host_of_url(url)} failed: {reason(exc)}") from exc


def guarded_chunks(chunks: Iterable[bytes], url: str, *, body: str) -> Iterator[bytes]:
    """``chunks`` whose iteration raises only een_tui errors (see :func:`transport_errors`)."""
    with transport_errors(url, body=body):
        yield from chunks


def host_of_url(url: str) -> str:
    """``host[:port]`` of ``url`` (the URL itself when it has none)."""
    return urlsplit(url).netloc or url


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: causes, contexts, urllib3's ``reason``, exceptions in args."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        item = todo.pop(0)
        if id(item) in seen or len(seen) > 20:
            continue
        seen.add(id(item))
        yield item
        nested = [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
        todo.extend(e for e in nested if isinstance(e, BaseException))


def in_words(exc: BaseException, host: str) -> str | None:
    """What a failed connection means, said for a person (None: no better words than the
    exception's own)."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror | urllib3.exceptions.NameResolutionError):
            return (f"cannot resolve {name}: check the network, or the host name "
                    "(--login-url, --api-url)")
        if isinstance(cause, ConnectionRefusedError):
            return f"cannot reach {host}: the connection was refused (check the port)"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"cannot reach {host}: its certificate is not trusted ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"cannot reach {host}: the TLS handshake failed ({cause.reason or 'error'})"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"cannot reach {host}: no route to it (check the network)"
    return None


def reason(exc: BaseException) -> str:
    """A short cause without URLs or query strings."""
    text = str(exc.__context__ or exc) if isinstance(exc, requests.RequestException) else str(exc)
    for marker in ("Caused by ", "Connection aborted.", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip(" ()'\",")
    return " ".join(text.split())[:160] or exc.__class__.__name__
