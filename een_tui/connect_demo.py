"""The ``--demo`` connection: the embedded emulator (this process, 127.0.0.1, an ephemeral
port) and its demo user, over v1 or v3 (:mod:`een_tui.connect` is the flow around it).
Nothing here prints."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from een_tui import config, v3_config
from een_tui.api.client import EenClient
from een_tui.api.credentials import Credentials
from een_tui.api.settings import ConnectionSettings
from een_tui.api.v3.backend import V3Backend
from een_tui.api.v3.tokens import OAuthClient
from een_tui.connect import Connection, connection_flags, login_on_terminal
from een_tui.download.options import DEFAULT_WORKERS

log = logging.getLogger("een_tui.connect")


class DemoConnection(Connection):
    """The embedded emulator (this process, 127.0.0.1, an ephemeral port) and its demo user.

    ``emulator_options`` are :class:`~een_tui.emulator.EmulatorConfig` fields, e.g.
    ``image_latency_ms`` or ``cameras`` (hidden ``--demo-*`` options, for tests and the bench)."""

    def __init__(self, *, pool_size: int = DEFAULT_WORKERS, timeout: float | None = None,
                 emulator_options: dict[str, Any] | None = None, api: str = "v1") -> None:
        super().__init__()
        self.api = api
        self.pool_size = pool_size
        self.timeout = timeout
        self.emulator_options = emulator_options or {}
        self.emulator: Any = None
        self.server = "embedded demo emulator"

    def open(self) -> bool:
        """Start the emulator and log in as its demo user; always True (logged in)."""
        from een_tui.emulator import EmulatorConfig, EmulatorServer  # only --demo needs it

        self.emulator = EmulatorServer(EmulatorConfig(**self.emulator_options),
                                       host="127.0.0.1", port=0)
        self.emulator.start()
        log.info("demo: embedded emulator at %s", self.emulator.url)
        if self.api == "v3":
            try:
                self._open_v3()
            except BaseException:
                self.close()
                raise
            return True
        settings = ConnectionSettings(login_url=self.emulator.url, api_url=self.emulator.url,
                                      timeout=self.timeout or 15.0)
        demo = Credentials(self.emulator.demo_username, self.emulator.demo_password)
        self._attach(EenClient(settings, session_cache=None, pool_size=self.pool_size,
                               relogin_credentials=lambda: demo))
        self.username = demo.username
        try:
            login_on_terminal(self.login_flow(), demo, ask_code=None)
        except BaseException:
            self.close()
            raise
        return True

    def _open_v3(self) -> None:
        """The v3 demo: the browser login of every v3 account, the browser step played by
        the emulator's ``v3_approve`` (no listener, no browser, no token cache)."""
        from een_tui.emulator import v3_approve

        emulator = self.emulator
        oauth = OAuthClient(client_id=emulator.v3_client_id,
                            client_secret=emulator.v3_client_secret,
                            redirect_uri=v3_config.DEFAULT_REDIRECT_URI, auth_url=emulator.url,
                            timeout=self.timeout or 15.0)
        backend = V3Backend(oauth, cache=None, pool_size=self.pool_size,
                            timeout=self.timeout or 15.0)
        self.backend = backend
        flow = backend.login_flow(listen=False, open_browser=lambda url: False)
        step = flow.begin()
        assert step.url is not None
        flow.finish(v3_approve(step.url, timeout=self.timeout or 15.0))
        self.after_login()

    def close(self) -> None:
        """Close the client and stop the embedded emulator."""
        super().close()
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None


def demo_api(args: argparse.Namespace) -> str:
    """The API of ``--demo``: as chosen (``--api``, ``EEN_API``, config), else v1."""
    values = config.resolve(connection_flags(args))
    chosen = values.get("api") or "v1"
    return v3_config.api_version({"api": chosen})
