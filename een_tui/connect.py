"""The one connection flow: settings -> client -> resume a cached session -> log in.

Used by the headless commands (:func:`connected`) and the UI (:class:`AccountConnection`,
:class:`DemoConnection`). A login is non-interactive (credentials from the environment or a
password file, or the demo account), or a :class:`~een_tui.api.backend.LoginFlow` that the
terminal prompt (:func:`login_on_terminal`) or the UI's login controller drives. The demo
start-up (the embedded emulator and its demo user) lives here, once. Nothing here prints.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from een_tui import config
from een_tui.api import errors
from een_tui.api.backend import AskCode, LoginFlow, drive_login
from een_tui.api.client import EenClient
from een_tui.api.credentials import Credentials, CredentialSource, Warn
from een_tui.api.session_cache import SessionCache
from een_tui.api.settings import ConnectionSettings
from een_tui.api.v1_backend import V1Backend
from een_tui.download.options import DEFAULT_WORKERS

log = logging.getLogger(__name__)


def connection_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The connection flags given on the command line (None = not given)."""
    return {name: getattr(args, name, None)
            for name in ("login_url", "api_url", "username", "timeout")}


def credential_source(args: argparse.Namespace, values: dict[str, Any], *,
                      prompt: bool, warn: Warn | None = None) -> CredentialSource:
    """Where this command's user name and password come from (``warn``: where a person sees
    warnings about them; None = the log file only)."""
    return CredentialSource(username=values.get("username"),
                            password_file=getattr(args, "password_file", None),
                            can_prompt=prompt, warn=warn)


def session_cache_for(args: argparse.Namespace, values: dict[str, Any], *,
                      warn: Warn | None = None) -> SessionCache | None:
    """The session cache, or None with ``--no-session-cache`` (or ``session_cache = false``)."""
    if getattr(args, "no_session_cache", False) or values.get("session_cache") is False:
        return None
    return SessionCache(config.session_cache_dir(), api_url=values.get("api_url") or None,
                        warn=warn)


login_on_terminal = drive_login
"""Drive a :class:`LoginFlow` for a terminal (:func:`een_tui.api.backend.drive_login`)."""


class Connection:
    """One account: a client, its backend, and who is (or will be) logged in."""

    def __init__(self) -> None:
        self.client: EenClient | None = None
        self.backend: V1Backend | None = None
        self.username: str = ""
        self.server: str = ""

    def _attach(self, client: EenClient) -> None:
        self.client = client
        self.backend = V1Backend(client)

    def open(self) -> bool:
        """Log in if it can be done without asking; True when logged in."""
        raise NotImplementedError

    def login_flow(self) -> LoginFlow:
        """A fresh interactive login on this connection's client."""
        if self.backend is None:
            raise errors.ConfigurationError("no EEN client to log in with")
        return self.backend.login_flow()

    def close(self) -> None:
        """Close the client (a cached session stays valid)."""
        if self.client is not None:
            self.client.close()


class AccountConnection(Connection):
    """A real account, configured from the command line, environment and config file
    (flags > environment > config)."""

    def __init__(self, args: argparse.Namespace, *, pool_size: int = DEFAULT_WORKERS,
                 prompt: bool = False, warn: Warn | None = None) -> None:
        super().__init__()
        self.args = args
        self.pool_size = pool_size
        self.prompt = prompt
        self.warn = warn
        self.source: CredentialSource | None = None

    def _make_client(self) -> None:
        values = config.resolve(connection_flags(self.args))
        settings = config.connection_settings(values)
        self.server = settings.login_url
        self.source = credential_source(self.args, values, prompt=self.prompt, warn=self.warn)
        cache = session_cache_for(self.args, values, warn=self.warn)
        self._attach(EenClient(settings, session_cache=cache,
                               pool_size=self.pool_size,
                               relogin_credentials=self.source.non_interactive))

    def open(self) -> bool:
        """True when logged in without asking (a valid cached session, or credentials from the
        environment / password file); False when a person must log in (the UI's screen)."""
        self._make_client()
        assert self.client is not None and self.source is not None
        self.username = self.source.username or ""
        if self.username:
            self.client.username = self.username
            if self.client.resume():
                return True
        credentials = self.source.non_interactive()
        if credentials is not None:
            self.client.login(credentials.username, credentials.password)
            return True
        return False

    def open_on_terminal(self, ask_code: AskCode | None) -> None:
        """The headless commands' login: resume, else credentials (prompting on a terminal when
        allowed), then :func:`login_on_terminal`. Raises when it cannot log in."""
        self._make_client()
        assert self.client is not None and self.source is not None
        self.client.username = self.username = self.source.resolve_username()
        if self.client.resume():
            return
        credentials = self.source.resolve()
        login_on_terminal(self.login_flow(), credentials, ask_code)


class DemoConnection(Connection):
    """The embedded emulator (this process, 127.0.0.1, an ephemeral port) and its demo user.

    ``emulator_options`` are :class:`~een_tui.emulator.EmulatorConfig` fields, e.g.
    ``image_latency_ms`` or ``cameras`` (hidden ``--demo-*`` options, for tests and the bench)."""

    def __init__(self, *, pool_size: int = DEFAULT_WORKERS, timeout: float | None = None,
                 emulator_options: dict[str, Any] | None = None) -> None:
        super().__init__()
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

    def close(self) -> None:
        """Close the client and stop the embedded emulator."""
        super().close()
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None


@contextlib.contextmanager
def opened(args: argparse.Namespace, *, pool_size: int = DEFAULT_WORKERS,
           prompt: bool = True, ask_code: AskCode | None = None,
           warn: Warn | None = None) -> Iterator[Connection]:
    """A logged-in :class:`Connection` (its ``backend`` and ``client`` set) for the command
    line in ``args``; closed (and the demo emulator stopped) when the block ends. ``--demo``
    uses the embedded emulator."""
    connection: Connection
    if getattr(args, "demo", False):
        connection = DemoConnection(pool_size=pool_size, timeout=getattr(args, "timeout", None))
        try:
            connection.open()
            yield connection
        finally:
            connection.close()
        return
    account = AccountConnection(args, pool_size=pool_size, prompt=prompt, warn=warn)
    try:
        account.open_on_terminal(ask_code)
        yield account
    finally:
        account.close()


@contextlib.contextmanager
def connected(args: argparse.Namespace, *, pool_size: int = DEFAULT_WORKERS,
              prompt: bool = True, ask_code: AskCode | None = None,
              warn: Warn | None = None) -> Iterator[EenClient]:
    """The logged-in v1 :class:`EenClient` of :func:`opened` (what ``logout`` and the tests
    use; the commands take the backend)."""
    with opened(args, pool_size=pool_size, prompt=prompt, ask_code=ask_code,
                warn=warn) as connection:
        assert connection.client is not None
        yield connection.client
