"""The one connection flow: settings -> client -> resume a cached session -> log in.

Used by the headless commands (:func:`connected`) and the UI (:class:`AccountConnection`, and
:class:`~een_tui.connect_demo.DemoConnection` for ``--demo``). A login is non-interactive
(credentials from the environment or a password file, or the demo account), or a
:class:`~een_tui.api.backend.LoginFlow` that the terminal prompt (:func:`login_on_terminal`) or
the UI's login controller drives. Nothing here prints.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any, TypeGuard

from een_tui import config, v3_config
from een_tui.api import errors
from een_tui.api.backend import AskCode, Backend, LoginFlow, drive_login
from een_tui.api.client import EenClient
from een_tui.api.credentials import CredentialSource, Warn
from een_tui.api.session_cache import SessionCache
from een_tui.api.v1_backend import V1Backend
from een_tui.download.options import DEFAULT_WORKERS

if TYPE_CHECKING:  # the v3 modules are imported when v3 is used, not by every v1 run
    from een_tui.api.v3.backend import V3Backend

log = logging.getLogger(__name__)

Show = Callable[[str], None]
"""Shows one line of the v3 browser login to the person (the URL, a hint)."""

FLAG_NAMES = ("login_url", "api_url", "username", "timeout", "api", "auth_url", "client_id",
              "redirect_uri", "client_secret_file")


def connection_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The connection flags given on the command line (None = not given)."""
    return {name: getattr(args, name, None) for name in FLAG_NAMES}


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


def is_v3(backend: Backend | None) -> TypeGuard[V3Backend]:
    """True for a v3 backend (told by its ``api_version``, so v1 runs never import v3)."""
    return backend is not None and getattr(backend, "api_version", "v1") == "v3"


class Connection:
    """One account: its backend (v1: with its ``client``), and who is (or will be) logged
    in."""

    def __init__(self) -> None:
        self.client: EenClient | None = None  # v1 only
        self.backend: Backend | None = None
        self.username: str = ""
        self.server: str = ""

    @property
    def api_version(self) -> str:
        """``v1`` or ``v3`` (``v1`` before the backend is made)."""
        return getattr(self.backend, "api_version", "v1")

    def _attach(self, client: EenClient) -> None:
        self.client = client
        self.backend = V1Backend(client)

    def after_login(self) -> None:
        """Once logged in: v3 asks ``/users/self`` for "logged in as"."""
        if is_v3(self.backend):
            self.backend.user()
            self.username = self.backend.username or self.username

    def open(self) -> bool:
        """Log in if it can be done without asking; True when logged in."""
        raise NotImplementedError

    def login_flow(self) -> LoginFlow:
        """A fresh interactive login on this connection's client (the UI's: a v3 browser is
        opened quietly, away from the terminal)."""
        if self.backend is None:
            raise errors.ConfigurationError("no EEN client to log in with")
        if is_v3(self.backend):
            from een_tui.api.v3.oauth import quiet_open_browser

            return self.backend.login_flow(open_browser=quiet_open_browser)
        return self.backend.login_flow()

    def close(self) -> None:
        """Close the client (a cached session stays valid)."""
        if self.client is not None:
            self.client.close()
        elif self.backend is not None:
            self.backend.close()


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
        if v3_config.api_version(values) == "v3":
            use_cache = session_cache_for(self.args, values) is not None
            self.backend = v3_config.v3_backend(values, pool_size=self.pool_size,
                                                use_cache=use_cache, warn=self.warn)
            oauth = self.backend.oauth
            self.server = f"EEN API v3 ({oauth.auth_url if oauth else 'EEN_ACCESS_TOKEN'})"
            return
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
        if is_v3(self.backend):
            if not self.backend.resume():
                return False
            self.username = self.backend.username or ""
            return True
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

    def open_on_terminal(self, ask_code: AskCode | None, *, login_input: IO[str] | None = None,
                         show: Show | None = None) -> None:
        """The headless commands' login: resume, else credentials (prompting on a terminal when
        allowed), then :func:`login_on_terminal`. v3: resume, else the browser login on
        ``login_input`` (lines pasted there; ``show`` gets the URL and hints) when given, else
        :class:`MissingCredentials` (exit code 3). Raises when it cannot log in."""
        self._make_client()
        if is_v3(self.backend):
            if not self.backend.resume():
                if show is None or self.backend.oauth is None:
                    from een_tui.api.v3.backend import NEEDS_BROWSER

                    raise errors.MissingCredentials(NEEDS_BROWSER)
                self.backend.login_flow().drive(login_input, show)
                self.after_login()
            self.username = self.backend.username or ""
            return
        assert self.client is not None and self.source is not None
        self.client.username = self.username = self.source.resolve_username()
        if self.client.resume():
            return
        credentials = self.source.resolve()
        login_on_terminal(self.login_flow(), credentials, ask_code)

    def login_on_terminal(self, ask_code: AskCode | None, *, login_input: IO[str] | None,
                          show: Show) -> None:
        """``een-tui login``: a fresh login whatever is cached (v1: user name and password,
        then the session is cached; v3: the browser login, tokens cached)."""
        self._make_client()
        if is_v3(self.backend):
            if self.backend.oauth is None:
                raise errors.ConfigurationError(
                    "EEN_ACCESS_TOKEN needs no login; a v3 login needs a client id "
                    "(EEN_CLIENT_ID or --client-id)")
            self.backend.login_flow().drive(login_input, show)
            self.after_login()
            return
        assert self.client is not None and self.source is not None
        credentials = self.source.resolve()
        self.client.username = self.username = credentials.username
        login_on_terminal(self.login_flow(), credentials, ask_code)


@contextlib.contextmanager
def opened(args: argparse.Namespace, *, pool_size: int = DEFAULT_WORKERS,
           prompt: bool = True, ask_code: AskCode | None = None,
           warn: Warn | None = None, login_input: IO[str] | None = None,
           show: Show | None = None) -> Iterator[Connection]:
    """A logged-in :class:`Connection` (its ``backend`` set; v1: its ``client``) for the
    command line in ``args``; closed (and the demo emulator stopped) when the block ends.
    ``--demo`` uses the embedded emulator. v3 without cached tokens runs the browser login
    when ``show`` is given (lines pasted on ``login_input``), else it is exit code 3."""
    connection: Connection
    if getattr(args, "demo", False):
        from een_tui.connect_demo import DemoConnection, demo_api  # it builds on this module

        connection = DemoConnection(pool_size=pool_size, timeout=getattr(args, "timeout", None),
                                    api=demo_api(args))
        try:
            connection.open()
            yield connection
        finally:
            connection.close()
        return
    account = AccountConnection(args, pool_size=pool_size, prompt=prompt, warn=warn)
    try:
        account.open_on_terminal(ask_code, login_input=login_input, show=show)
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
