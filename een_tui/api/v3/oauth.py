"""The pieces of the OAuth2 authorization-code login: the authorize URL with its ``state``, what
a person pastes (the address the browser ended on, or just the code), the one-shot loopback
listener on the redirect URI, and whether to open a browser here.

Unconfirmed by EEN (see docs/een-api-v3.md): whether ``state`` is echoed. An answer with a
*wrong* state is refused; one with *no* state is accepted, so the login works either way.
"""

from __future__ import annotations

import html
import logging
import re
import secrets
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import gevent.event
from gevent.pywsgi import WSGIServer

from een_tui.api import errors
from een_tui.api.settings import is_loopback_host
from een_tui.api.v3.tokens import SCOPE, OAuthClient

log = logging.getLogger(__name__)

_CODE_RE = re.compile(r"[A-Za-z0-9._~+/=-]{4,2048}")
CLOSE_TAB_PAGE = (b"<!doctype html><html><head><meta charset='utf-8'><title>een-tui</title>"
                  b"</head><body><h1>Logged in</h1><p>een-tui has the login code. You can close "
                  b"this tab.</p></body></html>")


class PasteRejected(errors.AuthError):
    """What was pasted is not the answer een-tui waits for; ``str()`` says why."""


class LoginRefused(errors.AuthError):
    """EEN sent the browser back with an ``error`` (the person declined, or a bad client)."""


def new_state() -> str:
    """A fresh, unguessable ``state`` value."""
    return secrets.token_urlsafe(24)


def authorize_url(client: OAuthClient, state: str) -> str:
    """The address the person opens: scope, client id, ``response_type=code``, redirect URI and
    ``state``. ``:`` and ``/`` stay literal in the redirect URI (legal in a query), so a server
    that compares it raw and one that decodes it both see the registered string."""
    query = urlencode({"scope": SCOPE, "client_id": client.client_id, "response_type": "code",
                       "redirect_uri": client.redirect_uri, "state": state},
                      quote_via=lambda value, *_: quote(value, safe=":/"))
    return f"{client.auth_url}/oauth2/authorize?{query}"


def code_from_query(query: Mapping[str, list[str]], state: str) -> str:
    """The code from a redirect's query; raises :class:`PasteRejected` (wrong state, no code,
    malformed) or :class:`LoginRefused` (``error=``)."""
    said = query.get("state", [None])[0]
    if said is not None and not secrets.compare_digest(said.encode(), state.encode()):
        raise PasteRejected("that address belongs to another login attempt (state differs); "
                            "use the newest login link")
    error = query.get("error", [None])[0]
    if error is not None:
        description = query.get("error_description", [""])[0]
        words = " ".join(f"{error} {description}".split())[:200]
        raise LoginRefused(f"EEN did not grant the login: {words}")
    code = query.get("code", [None])[0]
    if code is None:
        raise PasteRejected("that address has no code in it")
    if not _CODE_RE.fullmatch(code):
        raise PasteRejected("the code in that address is malformed")
    return code


def code_from_paste(text: str, state: str) -> str | None:
    """The code in a pasted line: the full address, its query part, or the bare code. None for
    a blank line; :class:`PasteRejected` for anything else that is not a code."""
    text = text.strip().strip("'\"<>")
    if not text:
        return None
    if "://" in text or text.startswith(("/", "?")) or "code=" in text:
        query = urlsplit(text).query if "?" in text else text.lstrip("?")
        return code_from_query(parse_qs(query, keep_blank_values=True), state)
    if not _CODE_RE.fullmatch(text):
        raise PasteRejected("that is neither the address the browser ended on nor a code")
    return text


def should_open_browser(env: Mapping[str, str]) -> bool:
    """Open a local browser only with a display and no SSH session."""
    has_display = bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    return has_display and not env.get("SSH_CONNECTION")


BROWSER_OPENERS = ("xdg-open", "open")  # a desktop's "open this address" command


def quiet_open_browser(url: str) -> bool:
    """Open ``url`` with the desktop's opener, its input and output on ``/dev/null`` and in its
    own session (nothing it prints can reach a full-screen UI; a console browser cannot take
    the terminal). False when there is no opener."""
    for name in BROWSER_OPENERS:
        path = shutil.which(name)
        if path:
            subprocess.Popen([path, url], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
            return True
    return False


@dataclass(frozen=True)
class RedirectTarget:
    """Where the browser is sent back: host, port, path; ``loopback`` True when we can listen."""

    host: str
    port: int
    path: str
    loopback: bool


def redirect_target(redirect_uri: str) -> RedirectTarget:
    """Split a redirect URI; :class:`ConfigurationError` when it is not an http(s) URL."""
    parts = urlsplit(redirect_uri)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise errors.ConfigurationError(f"bad port in the redirect URI {redirect_uri!r}") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise errors.ConfigurationError(f"the redirect URI is not an http(s) URL: {redirect_uri!r}")
    # Only plain http can be answered by a listener without a certificate.
    loopback = parts.scheme == "http" and is_loopback_host(parts.hostname)
    return RedirectTarget(parts.hostname, port, parts.path or "/", loopback)


def ssh_hint(target: RedirectTarget, env: Mapping[str, str]) -> str | None:
    """The port-forwarding command to print when we run inside an SSH session."""
    if not env.get("SSH_CONNECTION") or not target.loopback:
        return None
    host = socket.gethostname() or "this-server"
    return (f"ssh -L {target.port}:127.0.0.1:{target.port} {host}  "
            "(run on your own computer first, to let its browser reach this login)")


class LoopbackListener:
    """A one-shot HTTP listener on the redirect URI's loopback port and path. The first request
    with the right path and state settles ``result`` (a code, or an error); others are answered
    and ignored. ``port`` overrides the redirect URI's port (0 = any free port, for tests)."""

    def __init__(self, target: RedirectTarget, state: str, result: gevent.event.AsyncResult,
                 *, port: int | None = None) -> None:
        self.target = target
        self._state = state
        self._result = result
        host = "127.0.0.1" if target.host.lower().startswith("localhost") else target.host
        self._server = WSGIServer((host.strip("[]"), target.port if port is None else port),
                                  self._app, log=None, error_log=None)
        self.requests = 0

    @property
    def port(self) -> int:
        """The port actually listened on."""
        return int(self._server.server_port)

    def start(self) -> None:
        """Bind and serve; OSError when the port is taken."""
        self._server.start()

    def stop(self) -> None:
        """Stop listening (idempotent)."""
        self._server.stop(timeout=1)

    def _app(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        self.requests += 1
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != self.target.path:
            return _page(start_response, "404 Not Found", b"Not the een-tui login address.")
        query = parse_qs(environ.get("QUERY_STRING", "")[:8192], keep_blank_values=True)
        try:
            code = code_from_query(query, self._state)
        except PasteRejected as exc:
            log.info("login listener ignored a request: %s", exc)
            return _page(start_response, "400 Bad Request", html.escape(str(exc)).encode())
        except LoginRefused as exc:
            if not self._result.ready():
                self._result.set_exception(exc)
            return _page(start_response, "200 OK", html.escape(str(exc)).encode())
        if not self._result.ready():
            self._result.set(code)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                  ("Content-Length", str(len(CLOSE_TAB_PAGE))),
                                  ("Cache-Control", "no-store"), ("Connection", "close")])
        return [CLOSE_TAB_PAGE]


def _page(start_response: Callable, status: str, text: bytes) -> list[bytes]:
    body = b"<!doctype html><html><body><p>" + text + b"</p></body></html>"
    start_response(status, [("Content-Type", "text/html; charset=utf-8"),
                            ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
    return [body]
