"""v1 answers shaped like the real service: header names, order and formats of the 2019
recording, as werkzeug responses."""

from __future__ import annotations

import json
import secrets
import time
from email.utils import formatdate

from werkzeug.wrappers import Response

SERVER = "openresty"
VARY = "Authorization, Cookie, Accept-Encoding"
P3P = ('policyref="/w3c/p3p.xml", CP="IDC DSP COR ADM DEVi TAIi PSA PSD IVAi IVDi CONi HIS OUR '
       'IND CNT"')
JSON_TYPE = "application/json; charset=utf-8"
ERROR_TYPE = "application/json"
CACHE_SECONDS = 86400

REASONS = {
    200: "OK", 204: "No Content", 302: "Found", 400: "Bad Request", 401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    412: "Precondition Failed", 415: "Unsupported Media Type", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Reply(Response):
    """A complete answer with headers exactly as given (order kept, nothing added by werkzeug).

    ``truncate``: send half the body, then close the connection (the truncation fault).
    """

    default_mimetype = None
    automatically_set_content_length = False
    autocorrect_location_header = False

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes = b"") -> None:
        super().__init__(body, status=f"{status} {REASONS.get(status, 'Unknown')}",
                         headers=headers)
        self.truncate = False

    @property
    def body(self) -> bytes:
        """The whole body."""
        return self.get_data()

    def replace_body(self, body: bytes) -> None:
        """New body bytes, with Content-Length updated in place (header order kept)."""
        self.set_data(body)
        self.headers["Content-Length"] = str(len(body))


def http_date(moment: float) -> str:
    """``Tue, 09 Apr 2019 02:37:27 GMT``."""
    return formatdate(moment, usegmt=True)


def cookie_date(moment: float) -> str:
    """``Tue, 09-Apr-2019 06:37:27 GMT``, the cookie ``expires`` form of the recording."""
    return time.strftime("%a, %d-%b-%Y %H:%M:%S GMT", time.gmtime(moment))


def request_id() -> str:
    """A 32-hex request id like ``X-Ee-Request-Id``."""
    return secrets.token_hex(16)


def _base(content_type: str, length: int, keep_alive: bool) -> list[tuple[str, str]]:
    now = time.time()
    headers = [("Server", SERVER), ("Date", http_date(now)), ("Content-Type", content_type),
               ("Content-Length", str(length))]
    headers.append(("Connection", "keep-alive" if keep_alive else "close"))
    return headers


def json_reply(payload: object, *, keep_alive: bool = True,
               cookies: list[str] | None = None) -> Reply:
    """A 200 JSON answer of the ``/g/`` API (login host), with its caching headers."""
    body = json.dumps(payload).encode()
    now = time.time()
    headers = _base(JSON_TYPE, len(body), keep_alive)
    headers.append(("Vary", VARY))
    headers.extend(("Set-Cookie", c) for c in cookies or [])
    headers += [("Expires", http_date(now + CACHE_SECONDS)),
                ("Cache-Control", f"max-age={CACHE_SECONDS}"),
                ("X-Ee-Request-Id", request_id()), ("P3p", P3P)]
    return Reply(200, headers, body)


def empty_reply(status: int = 204, *, keep_alive: bool = True,
                cookies: list[str] | None = None) -> Reply:
    """An answer with no body (logout)."""
    headers = [("Server", SERVER), ("Date", http_date(time.time()))]
    headers.append(("Connection", "keep-alive" if keep_alive else "close"))
    headers.extend(("Set-Cookie", c) for c in cookies or [])
    headers.append(("X-Ee-Request-Id", request_id()))
    return Reply(status, headers, b"")


def lb_headers(started: float) -> list[tuple[str, str]]:
    """The load-balancer headers of the branded host (``/asset/...``)."""
    return [("X-Een-Lb-Tried-Proxies", "127.0.0.1:80"), ("X-Een-Lb-Request-Id", request_id()),
            ("X-Een-Lb-Request-Time", f"{max(0.0, time.monotonic() - started):.3f}")]


def error_reply(status: int, message: str, *, path: str = "", started: float | None = None,
                keep_alive: bool = True, retry_after: str | None = None) -> Reply:
    """``{"status_code", "message", "data": null}`` plus ``X-Ee-Server-Message``."""
    # The real error bodies end with a newline (their Content-Length counts it).
    body = json.dumps({"status_code": status, "message": message, "data": None}).encode() + b"\n"
    headers = _base(ERROR_TYPE, len(body), keep_alive)
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    headers.append(("X-Ee-Server-Message", message))
    if path.startswith("/asset/"):
        headers += lb_headers(started if started is not None else time.monotonic())
    else:
        headers += [("Vary", VARY), ("X-Ee-Request-Id", request_id())]
    return Reply(status, headers, body)


def image_reply(body: bytes, *, content_location: str, timestamp: str, next_: str, prev: str,
                started: float, keep_alive: bool = True) -> Reply:
    """A 200 ``image/jpeg`` answer with the X-Ee-* headers in the recorded order."""
    now = time.time()
    headers = _base("image/jpeg", len(body), keep_alive)
    headers += [("Cache-Control", f"max-age={CACHE_SECONDS}"),
                ("Content-Location", content_location),
                ("X-Ee-Timestamp", timestamp), ("X-Ee-Next", next_), ("X-Ee-Prev", prev),
                ("Expires", http_date(now + CACHE_SECONDS))]
    headers += lb_headers(started)
    return Reply(200, headers, body)
