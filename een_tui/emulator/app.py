"""The emulator's WSGI plumbing: werkzeug routing, latency, faults, stats, error shapes.

The handlers live in their own modules (v1 login/devices/assets, v3 auth/devices/media, the
control endpoints); this module only dispatches to them and applies what every request gets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import gevent
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect
from werkzeug.wrappers import Request
from werkzeug.wsgi import ClosingIterator

from een_tui.emulator.account import Account
from een_tui.emulator.calls import Abort, Call, ConnectionResetRequested, Handler
from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.control import Control
from een_tui.emulator.faults import RATE_LIMIT_MESSAGE, SERVER_ERRORS, FaultKind
from een_tui.emulator.replies import Reply, error_reply
from een_tui.emulator.sessions import LoginState
from een_tui.emulator.stats import Stats
from een_tui.emulator.v1_assets import IMAGE_PATHS, V1Assets
from een_tui.emulator.v1_devices import V1Devices
from een_tui.emulator.v1_login import V1Login, session_key
from een_tui.emulator.v3_auth import V3Auth
from een_tui.emulator.v3_devices import V3Devices
from een_tui.emulator.v3_media import IMAGE_PATHS as V3_IMAGE_PATHS
from een_tui.emulator.v3_media import V3Media
from een_tui.emulator.v3_replies import OAUTH_PREFIX, V3_PREFIX, oauth_error, v3_error
from een_tui.emulator.world import World

__all__ = ["ConnectionResetRequested", "EmulatorApp"]

log = logging.getLogger(__name__)

CONTROL_PREFIX = "/_emulator/"  # the emulator's own endpoints: not counted in the stats
NON_JPEG_BODY = b"<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>"


class EmulatorApp:
    """A WSGI application faithful to the EEN v1 and v3 APIs (one port, both hosts' paths)."""

    def __init__(self, config: EmulatorConfig, stats: Stats | None = None) -> None:
        self.world = World(config, stats)
        login = V1Login(self.world)
        self.v3_auth = V3Auth(self.world)
        modules = [login, V1Devices(self.world, login), V1Assets(self.world, login),
                   self.v3_auth, V3Devices(self.world, self.v3_auth),
                   V3Media(self.world, self.v3_auth), Control(self.world)]
        self.url_map = Map([rule for module in modules for rule in module.rules()],
                           merge_slashes=False)

    # -- what tests and the server reach ----------------------------------------------------

    @property
    def config(self) -> EmulatorConfig:
        """The live knobs."""
        return self.world.config

    @property
    def stats(self) -> Stats:
        """The counters."""
        return self.world.stats

    @property
    def account(self) -> Account:
        """The emulated account."""
        return self.world.account

    @property
    def login(self) -> LoginState:
        """v1 login state (tokens, sessions)."""
        return self.world.login

    @property
    def tfa_code(self) -> str:
        """The two-factor code."""
        return self.world.tfa_code

    # -- WSGI ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.monotonic()
        request = Request(environ)
        path = request.path
        endpoint = f"{request.method} {path}"
        v3_image = path in V3_IMAGE_PATHS
        is_image = path in IMAGE_PATHS or v3_image
        stats = self.world.stats
        self._count_secrets(request)
        callbacks: list[Callable[[], None]] = []
        if is_image:
            stats.image_started(v3_image)
            callbacks.append(lambda: stats.image_finished(v3_image))
        try:
            self._sleep_latency(is_image)
            try:
                reply = self._handle(request, started)
            except Abort as abort:
                reply = abort.reply
        except ConnectionResetRequested:
            stats.record(endpoint, "reset")
            _run(callbacks)
            raise
        except Exception:
            log.exception("emulator: unexpected error on %s", endpoint)
            reply = self._error(request, 500, "internal server error", started)
        except BaseException:
            _run(callbacks)
            raise
        if not path.startswith(CONTROL_PREFIX):
            stats.record(endpoint, str(reply.status_code))
        if not _keeps_alive(environ) and "Connection" in reply.headers:
            reply.headers["Connection"] = "close"
        if reply.truncate:
            whole = reply.get_data()
            reply.set_data(whole[: max(1, len(whole) // 2)])  # Content-Length still says all
            closer = environ.get("een.close_connection")
            if closer is not None:
                callbacks.append(closer)
        return ClosingIterator(reply(environ, start_response), callbacks)

    # -- plumbing --------------------------------------------------------------------------

    def _count_secrets(self, request: Request) -> None:
        kinds = self.world.oauth.secret_kinds_in(request.full_path)
        if kinds:
            self.world.stats.secret_in_url(kinds)

    def _sleep_latency(self, is_image: bool) -> None:
        cfg = self.world.config
        delay = cfg.latency_ms
        if cfg.jitter_ms > 0:
            delay += self.world.rng.uniform(0, cfg.jitter_ms)
        if is_image:
            delay += cfg.image_latency_ms
        if delay > 0:
            gevent.sleep(delay / 1000.0)

    def _handle(self, request: Request, started: float) -> Reply:
        path = request.path
        fault = self.world.faults.before(path)
        if fault is not None:
            if fault.kind is FaultKind.RESET:
                raise ConnectionResetRequested()
            if fault.kind is FaultKind.RATE_LIMITED:
                return self._error(request, 429, RATE_LIMIT_MESSAGE, started, fault.retry_after)
            if fault.kind is FaultKind.SERVER_ERROR:
                return self._error(request, fault.status, SERVER_ERRORS[fault.status], started)
            if fault.kind is FaultKind.SESSION_EXPIRED:
                if self.world.config.fault_401_invalidates:
                    self._invalidate(request)
                return self._error(request, 401, "session expired", started)
        handler, args = self._match(request, started)
        reply = handler(Call(request, started, args))
        if reply.status_code == 200 and reply.mimetype == "image/jpeg":
            spoil = self.world.faults.after(path)
            if spoil is not None and spoil.kind is FaultKind.TRUNCATE:
                reply.truncate = True
            elif spoil is not None and spoil.kind is FaultKind.NON_JPEG:
                reply.replace_body(NON_JPEG_BODY)
        return reply

    def _match(self, request: Request, started: float) -> tuple[Handler, dict[str, Any]]:
        adapter = self.url_map.bind_to_environ(request.environ)
        path = request.path
        try:
            handler, args = adapter.match(path, method=request.method)
        except MethodNotAllowed:
            raise Abort(self._error(request, 405, "method not allowed", started)) from None
        except (NotFound, RequestRedirect):
            if path.startswith("/g/") and path.endswith("/"):
                # A trailing slash: a third-party client saw 500s from the real service.
                raise Abort(self._error(request, 500, "internal server error", started)) from None
            raise Abort(self._error(request, 404, "not found", started)) from None
        return handler, args

    def _invalidate(self, request: Request) -> None:
        """A faulted 401 that also ends the caller's v1 session or v3 access token."""
        if request.path.startswith(V3_PREFIX):
            token = self.v3_auth.bearer(request)
            if token:
                self.world.oauth.revoke(token)
            return
        key = session_key(Call(request, 0.0))
        if key:
            self.world.login.end(key)

    def _error(self, request: Request, status: int, message: str, started: float,
               retry_after: str | None = None) -> Reply:
        """An error in the shape of the API the path belongs to."""
        path = request.path
        if path.startswith(V3_PREFIX):
            v3_message = None if status in (401, 429) else message
            return v3_error(status, v3_message, path=path, method=request.method,
                            retry_after=retry_after)
        if path.startswith(OAUTH_PREFIX):
            error = {429: "slow_down", 401: "invalid_client"}.get(status, "server_error")
            if status in (404, 405):
                error = "invalid_request"
            return oauth_error(status, error, message, retry_after)
        return error_reply(status, message, path=path, started=started, retry_after=retry_after)


def _run(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        callback()


def _keeps_alive(environ: dict[str, Any]) -> bool:
    connection = environ.get("HTTP_CONNECTION", "").lower()
    if environ.get("SERVER_PROTOCOL") == "HTTP/1.0":
        return connection == "keep-alive"
    return connection != "close"
