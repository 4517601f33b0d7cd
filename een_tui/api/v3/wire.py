"""One HTTP exchange for the v3 modules: a timeout always, requests' errors as een_tui errors,
and no URL or query string in any message (a code or token could be in one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from een_tui import __version__
from een_tui.api import errors

CHUNK_SIZE = 16 * 1024


def new_session(pool_size: int) -> requests.Session:
    """A keep-alive session with at most ``pool_size`` connections per host, no retries of its
    own, no cookie jar use, and an een-tui User-Agent."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(1, pool_size), max_retries=0,
                          pool_block=True)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.trust_env = False  # no .netrc credentials, no proxy surprises for the token
    session.headers.update({"User-Agent": f"een-tui/{__version__}"})
    return session


def send(session: requests.Session, method: str, url: str, *, timeout: float,
         redirects: bool = False, **kwargs: Any) -> requests.Response:
    """``session.request`` (no redirects unless asked: requests drops the Authorization
    header on a redirect to another host or scheme); failures become :class:`NetworkError`."""
    host = urlsplit(url).netloc or "the server"
    try:
        return session.request(method, url, timeout=(timeout, timeout),
                               allow_redirects=redirects, **kwargs)
    except requests.TooManyRedirects as exc:
        raise errors.ProtocolError(f"{host} redirects in a loop") from exc
    except requests.Timeout as exc:
        raise errors.NetworkError(f"no answer from {host} within {timeout:g} s") from exc
    except requests.RequestException as exc:
        raise errors.NetworkError(f"cannot reach {host}: {reason(exc)}") from exc


def read_body(response: requests.Response, limit: int = 4 * 1024 * 1024) -> bytes:
    """The whole (bounded) body, then the connection back to the pool; a cut-off transfer or an
    oversized body becomes an een_tui error."""
    try:
        data = bytearray()
        for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
            data += chunk
            if len(data) > limit:
                raise errors.ProtocolError(f"the answer is larger than {limit} bytes")
        return bytes(data)
    except requests.Timeout as exc:
        raise errors.NetworkError("the answer stalled (read timeout)") from exc
    except (requests.RequestException, OSError) as exc:
        raise errors.NetworkError(f"the answer was cut off: {reason(exc)}") from exc
    finally:
        response.close()


def body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body in chunks; a cut-off or stalled transfer becomes :class:`NetworkError`."""
    try:
        yield from response.iter_content(chunk_size=CHUNK_SIZE)
    except requests.Timeout as exc:
        raise errors.NetworkError("the image download stalled (read timeout)") from exc
    except (requests.RequestException, OSError) as exc:
        raise errors.NetworkError(f"the image download was cut off: {reason(exc)}") from exc


def reason(exc: BaseException) -> str:
    """A short cause with no URL or query string in it."""
    text = str(exc.__context__ or exc) if isinstance(exc, requests.RequestException) else str(exc)
    for marker in ("Caused by ", "Connection aborted.", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    words = [w for w in text.strip(" ()'\",").split() if "?" not in w and "://" not in w]
    return " ".join(words)[:160] or exc.__class__.__name__
