"""A hostile HTTP server on 127.0.0.1 that tests configure per case.

It speaks raw HTTP/1.1 over a gevent ``StreamServer``, so a handler can send what no
well-behaved framework would let through: control characters and escape sequences in the
status line, in headers and in bodies. Requests with no handler go to ``upstream`` (usually the
emulator) unchanged, so a test replaces only the answers it wants to make hostile::

    hostile.upstream = emulator.url
    hostile.on("GET", "/asset/prev/image.jpeg",
               lambda req: Reply(200, [("Content-Type", "\\x1b]0;pwned\\x07")], jpeg))
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

import requests
from gevent.server import StreamServer


@dataclass
class Request:
    """What the client sent."""

    method: str
    path: str  # without the query
    target: str  # path and query, as sent
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body or b"null")


@dataclass
class Reply:
    """What to send back: ``headers`` as (name, value) pairs, sent byte for byte."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | str | dict | list = b""
    reason: str = "X"
    # When set: the body is sent piece by piece as this yields (it may sleep), after the head;
    # no Content-Length is added (the answer ends when the connection closes).
    stream: Iterable[bytes] | None = None

    def raw(self) -> bytes:
        body = self.body
        headers = list(self.headers)
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            if not any(name.lower() == "content-type" for name, _ in headers):
                headers.append(("Content-Type", "application/json"))
        elif isinstance(body, str):
            body = body.encode("utf-8", "surrogateescape")
        if self.stream is None and not any(name.lower() == "content-length"
                                           for name, _ in headers):
            headers.append(("Content-Length", str(len(body))))
        head = f"HTTP/1.1 {self.status} {self.reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers)
        head += "Connection: close\r\n\r\n"
        return head.encode("latin-1", "replace") + body


Handler = Callable[[Request], Reply]


class HostileServer:
    """Scripted answers by (method, path); the rest proxied to ``upstream`` (or 404)."""

    def __init__(self) -> None:
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.requests: list[Request] = []
        self.upstream: str | None = None
        self.sent = 0  # body bytes of streamed replies sent so far
        self._server = StreamServer(("127.0.0.1", 0), self._serve)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def on(self, method: str, path: str, handler: Handler | Reply) -> None:
        """Answer ``method path`` with ``handler(request)`` (or always the same ``Reply``)."""
        self.handlers[(method.upper(), path)] = (
            handler if callable(handler) else (lambda _request: handler))

    def forward(self, request: Request) -> requests.Response:
        """Send ``request`` to the upstream server as is; its answer (body read)."""
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in {"host", "content-length", "connection"}}
        return requests.request(request.method, self.upstream + request.target, headers=headers,
                                data=request.body or None, timeout=30, allow_redirects=False)

    def proxied(self, request: Request) -> Reply:
        """The upstream's answer as a :class:`Reply` (a handler may edit it first)."""
        answer = self.forward(request)
        skip = {"content-length", "connection", "transfer-encoding", "content-encoding"}
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in skip]
        return Reply(answer.status_code, headers, answer.content, answer.reason or "X")

    def start(self) -> HostileServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop(timeout=1)

    def _serve(self, sock: socket.socket, _address: object) -> None:
        reader = sock.makefile("rb")
        try:
            request = _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            handler = self.handlers.get((request.method, request.path))
            if handler is not None:
                reply = handler(request)
            elif self.upstream:
                reply = self.proxied(request)
            else:
                reply = Reply(404, body={"status_code": 404, "message": "nothing here"})
            sock.sendall(reply.raw())
            for piece in reply.stream or ():
                sock.sendall(piece)
                self.sent += len(piece)
        except OSError:
            pass  # the client hung up (a deadline or a cap): what such tests want
        finally:
            reader.close()
            sock.close()


def _read_request(reader: BinaryIO) -> Request | None:
    line = reader.readline(65536).decode("latin-1").strip()
    if not line:
        return None
    method, target, _version = line.split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = reader.readline(65536).decode("latin-1").rstrip("\r\n")
        if not raw:
            break
        name, _, value = raw.partition(":")
        headers[name.strip()] = value.strip()
    length = int(headers.get("Content-Length", headers.get("content-length", "0")) or 0)
    body = reader.read(length) if length else b""
    return Request(method.upper(), target.split("?", 1)[0], target, headers, body)
