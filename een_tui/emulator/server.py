"""Serving the emulator: gevent.pywsgi on loopback, started and stopped without blocking."""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
from types import TracebackType
from typing import Any

from gevent.event import Event
from gevent.pywsgi import WSGIHandler, WSGIServer

from een_tui.emulator.account import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    TFA_PASSWORD,
    TFA_USERNAME,
    Account,
)
from een_tui.emulator.app import EmulatorApp
from een_tui.emulator.browser import v3_approve
from een_tui.emulator.calls import ConnectionResetRequested
from een_tui.emulator.config import EmulatorConfig
from een_tui.emulator.stats import Stats

log = logging.getLogger(__name__)


class EmulatorHandler(WSGIHandler):
    """pywsgi handler that counts connections, resets them on demand, closes after truncation."""

    def handle(self) -> None:
        """One accepted TCP connection (keep-alive loop)."""
        app = self.server.application
        if isinstance(app, EmulatorApp):
            app.stats.connection_opened()
        # pywsgi sends the headers and the body in two writes: without TCP_NODELAY, Nagle plus
        # the client's delayed ACK add ~40 ms to every answer (nginx/openresty set it too).
        with contextlib.suppress(OSError):
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()

    def get_environ(self) -> dict[str, Any]:
        """The WSGI environ, plus a hook the app uses to close the connection after a reply."""
        environ = super().get_environ()
        environ["een.close_connection"] = self._close_after_reply
        return environ

    def _close_after_reply(self) -> None:
        self.close_connection = True

    def run_application(self) -> None:
        """Run the app; a reset request aborts the connection with a TCP RST."""
        try:
            super().run_application()
        except ConnectionResetRequested:
            self._reset_connection()

    def _reset_connection(self) -> None:
        self.close_connection = True
        sock = self.socket
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            self.rfile.close()  # drops the last reference: the kernel sends RST now
        except OSError:
            pass


class EmulatorServer:
    """The EEN emulator (v1 and v3) on ``host:port`` (port 0 = ephemeral); a context manager."""

    def __init__(self, config: EmulatorConfig | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.config = config or EmulatorConfig()
        self.host = host
        self._requested_port = port
        self._stats = Stats()
        self.app = EmulatorApp(self.config, self._stats)
        self._server: WSGIServer | None = None
        self._stopped = Event()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        """Bind and start serving in the background (gevent); returns at once."""
        if self._server is not None:
            return self
        server = WSGIServer(
            (self.host, self._requested_port), self.app, handler_class=EmulatorHandler,
            log=None, error_log=logging.getLogger("een_tui.emulator.pywsgi"),
        )
        server.start()
        self._server = server
        self._stopped.clear()
        log.info("emulator listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Start if needed and block until :meth:`stop` (or the greenlet is killed)."""
        self.start()
        self._stopped.wait()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop accepting, close open connections (waiting up to ``timeout`` s)."""
        server, self._server = self._server, None
        if server is not None:
            server.stop(timeout=timeout)
        self._stopped.set()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- information -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        if self._server is None:
            return self._requested_port
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: serves the login and the API endpoints."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def account(self) -> Account:
        """The emulated account (devices and users)."""
        return self.app.account

    def stats(self) -> dict[str, object]:
        """Same JSON as ``GET /_emulator/stats``."""
        return self._stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the request counters, the in-flight maximum and the connection count."""
        self._stats.reset()

    demo_username = DEMO_USERNAME
    demo_password = DEMO_PASSWORD
    tfa_username = TFA_USERNAME
    tfa_password = TFA_PASSWORD

    def v3_approve(self, authorize_url: str, **kwargs: object) -> str:
        """The browser step of the v3 login done over HTTP: sign in as the demo user and
        approve; returns the redirect URL (``redirect_uri?code=…&state=…``). See browser.py."""
        return v3_approve(authorize_url, **kwargs)  # type: ignore[arg-type]

    def allow_redirect_uri(self, uri: str) -> None:
        """Register one more redirect URI for the demo v3 client (e.g. a test's listener)."""
        if uri not in self.config.v3_redirect_uris:
            self.config.v3_redirect_uris = (*self.config.v3_redirect_uris, uri)

    @property
    def v3_client_id(self) -> str:
        """The demo v3 client's id."""
        return self.config.v3_client_id

    @property
    def v3_client_secret(self) -> str:
        """The demo v3 client's secret (a demo value, like the demo password)."""
        return self.config.v3_client_secret

    @property
    def tfa_code(self) -> str:
        """The two-factor code (``1234`` in test mode, random otherwise)."""
        return self.app.tfa_code
