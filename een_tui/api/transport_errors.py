"""The one place where ``requests`` / ``urllib3`` errors become een_tui errors, around a request
and around the iteration of a streamed body. Messages carry the host, never a URL or a query."""

from __future__ import annotations

import http.client
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
    except requests.Timeout as exc:
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
            raise errors.NetworkError(f"cannot reach {host_of_url(url)}: {reason(exc)}") from exc
        raise errors.NetworkError(
            f"request to {host_of_url(url)} failed: {reason(exc)}") from exc


def guarded_chunks(chunks: Iterable[bytes], url: str, *, body: str) -> Iterator[bytes]:
    """``chunks`` whose iteration raises only een_tui errors (see :func:`transport_errors`)."""
    with transport_errors(url, body=body):
        yield from chunks


def host_of_url(url: str) -> str:
    """``host[:port]`` of ``url`` (the URL itself when it has none)."""
    return urlsplit(url).netloc or url


def reason(exc: BaseException) -> str:
    """A short cause without URLs or query strings."""
    text = str(exc.__context__ or exc) if isinstance(exc, requests.RequestException) else str(exc)
    for marker in ("Caused by ", "Connection aborted.", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip(" ()'\",")
    return " ".join(text.split())[:160] or exc.__class__.__name__
