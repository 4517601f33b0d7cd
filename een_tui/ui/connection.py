"""Where the UI's EEN session comes from: the embedded demo emulator, or a real account
(cached session, credentials from the environment or ``--password-file``, else the login screen).

``open()`` blocks on the network: the app calls it in a worker greenlet."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from een_tui import config
from een_tui.api.client import EenClient
from een_tui.commands import common

log = logging.getLogger(__name__)


class DemoConnection:
    """The embedded emulator (this process, 127.0.0.1, an ephemeral port) and its demo user.

    ``emulator_options`` are :class:`~een_tui.emulator.EmulatorConfig` fields, e.g.
    ``image_latency_ms`` or ``cameras`` (hidden ``--demo-*`` options, for tests and the bench)."""

    def __init__(
        self,
        *,
        pool_size: int = 5,
        timeout: float | None = None,
        emulator_options: dict[str, Any] | None = None,
    ) -> None:
        self.pool_size = pool_size
        self.timeout = timeout
        self.emulator_options = emulator_options or {}
        self.emulator: Any = None
        self.client: EenClient | None = None
        self.username: str = ""
        self.server = "embedded demo emulator"

    def open(self) -> bool:
        """Start the emulator and log in as its demo user; always True (logged in)."""
        self.emulator, self.client = common.start_demo(
            self.emulator_options, pool_size=self.pool_size, timeout=self.timeout
        )
        self.username = self.emulator.demo_username
        return True

    def close(self) -> None:
        """Close the client and stop the embedded emulator."""
        if self.client is not None:
            self.client.close()
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None


class AccountConnection:
    """A real account, configured like the headless commands (flags > environment > config)."""

    def __init__(self, args: argparse.Namespace, *, pool_size: int = 5) -> None:
        self.args = args
        self.pool_size = pool_size
        self.client: EenClient | None = None
        self.username: str = ""
        self.server = ""

    def open(self) -> bool:
        """True when logged in without asking (a valid cached session, or credentials from the
        environment / password file); False when the login screen must ask."""
        flags = {
            name: getattr(self.args, name, None)
            for name in ("login_url", "api_url", "username", "timeout")
        }
        values = config.resolve(flags)
        settings = config.connection_settings(values)
        self.server = settings.login_url
        source = common.credential_source(self.args, values, prompt=False)
        self.client = EenClient(
            settings,
            session_cache=common.session_cache_for(self.args, values),
            pool_size=self.pool_size,
            relogin_credentials=source.non_interactive,
        )
        self.username = source.username or ""
        if self.username:
            self.client.username = self.username
            if self.client.resume():
                return True
        credentials = source.non_interactive()
        if credentials is not None:
            self.client.login(credentials.username, credentials.password)
            return True
        return False

    def close(self) -> None:
        """Close the client (its session stays cached for the next start)."""
        if self.client is not None:
            self.client.close()
