"""The UI's login: open the connection (:mod:`een_tui.connect`), and when a person must log in,
drive the backend's :class:`~een_tui.api.backend.LoginFlow` from the login screen.

Network work runs in worker greenlets (``spawn``); screen changes go through ``in_loop``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import gevent
import urwid

from een_tui import exitcodes
from een_tui.api import errors
from een_tui.api.backend import LoginFlow, LoginStep, StepKind
from een_tui.api.client import EenClient
from een_tui.api.credentials import Credentials
from een_tui.api.v3 import oauth
from een_tui.ui import keymap
from een_tui.ui.login_screen import LoginActions, LoginScreen

log = logging.getLogger(__name__)

__all__ = ["LoginController", "login_error_text"]


class LoginConnection(Protocol):
    """What the controller needs of a connection (:class:`een_tui.connect.Connection`)."""

    client: EenClient | None
    backend: Any
    username: str
    server: str

    def open(self) -> bool: ...
    def login_flow(self) -> LoginFlow: ...


def login_error_text(exc: BaseException) -> str:
    """A login failure in words for the login screen."""
    if isinstance(exc, errors.InvalidCredentials):
        return "Wrong user name or password."
    if isinstance(exc, errors.EenError):
        text = exc.message
        if isinstance(exc, errors.NetworkError) and not text.lower().startswith("cannot"):
            text = f"network problem: {text}"
        return text[:1].upper() + text[1:]
    return f"Unexpected error ({exc.__class__.__name__}); details are in the log file."


class LoginController:
    """From "Connecting…" to logged in. ``on_logged_in(account)`` gets the person's name;
    ``on_unusable(code)`` the exit code when there is nothing to log in to."""

    def __init__(
        self,
        connection: LoginConnection,
        *,
        spawn: Callable[..., Any],
        in_loop: Callable[..., None],
        show: Callable[[urwid.Widget, str, str], None],
        on_logged_in: Callable[[str], None],
        on_unusable: Callable[[int], None],
    ) -> None:
        self.connection = connection
        self._spawn = spawn
        self._in_loop = in_loop
        self._show = show
        self._on_logged_in = on_logged_in
        self._on_unusable = on_unusable
        self.screen: LoginScreen | None = None
        self._flow: LoginFlow | None = None
        self._waiter: Any = None  # v3: the greenlet waiting for the browser's code

    def connect(self) -> None:
        """Open the connection (blocks: call it in a worker greenlet)."""
        try:
            logged_in = self.connection.open()
        except errors.TwoFactorRequired as exc:
            # credentials from the environment, and the account wants a code: this is a
            # terminal, so ask for it here (the form starts at the delivery methods)
            source = getattr(self.connection, "source", None)
            credentials = source.non_interactive() if source is not None else None
            if credentials is None:
                self._in_loop(self.show_login, login_error_text(exc))
                return
            self._in_loop(self.show_login, None)
            self.submit_credentials(credentials.username, credentials.password)
            return
        except Exception as exc:
            log.warning("connect failed: %s", exc, exc_info=not isinstance(exc, errors.EenError))
            self._in_loop(self.show_login, login_error_text(exc))
            return
        if logged_in:
            self._in_loop(self._logged_in)
        else:
            self._in_loop(self.show_login, None)

    def show_login(self, error: str | None) -> None:
        """The login screen (or, without even a client, the error and exit code 3)."""
        if self.connection.client is None and self.connection.backend is None:
            # not even a client (bad configuration): nothing to log in to
            self._show(
                urwid.Filler(urwid.Text(("error", error or "cannot connect"), align="center")),
                keymap.LOGIN,
                "Login",
            )
            self._on_unusable(exitcodes.AUTH_FAILED)
            return
        self.screen = LoginScreen(
            LoginActions(self.submit_credentials, self.send_code, self.submit_code,
                         paste=self.paste, cancel=self.cancel_browser,
                         start_browser=self.start_browser),
            username=self.connection.username,
            server=self.connection.server,
        )
        self._show(self.screen, keymap.LOGIN, "Login")
        if getattr(self.connection.backend, "api_version", "v1") == "v3":
            if error:
                self.screen.show_browser_start(f"{error} Press Enter to log in again.")
                self.screen.show_error(error)
            else:
                self.screen.show_busy("Starting the login…")
                self.start_browser()
            return
        if error:
            self.screen.show_error(error)

    # ---- v3: the browser login -----------------------------------------------------------------

    def start_browser(self) -> None:
        """Begin a v3 browser login: the address and hints on the screen, then wait (in a
        greenlet) for the loopback listener or a pasted address."""
        def work() -> None:
            try:
                flow = self.connection.login_flow()
                self._flow = flow
                step = flow.begin()
            except Exception as exc:
                log.warning("login failed: %s", exc)
                self._in_loop(self._browser_failed, login_error_text(exc))
                return
            self._in_loop(self._render, step)
            try:
                done = flow.finish(None)  # the listener, or a paste through send_code
                self._after_login()
            except gevent.GreenletExit:
                raise
            except Exception as exc:
                log.warning("login failed: %s", exc)
                self._in_loop(self._browser_failed, login_error_text(exc))
                return
            self._in_loop(self._render, done)

        self._waiter = self._spawn(work)

    def paste(self, text: str) -> None:
        """The address the browser ended on (or the code), pasted in the edit box."""
        login = getattr(self._flow, "login", None)
        if login is None:
            return
        try:
            login.send_code(text)  # the waiting greenlet trades it for tokens
        except oauth.LoginRefused as exc:
            self.cancel_browser(login_error_text(exc))
        except errors.AuthError as exc:  # not an address nor a code: paste again
            self.screen.pasted.set_edit_text("")
            self.screen.show_error(login_error_text(exc))

    def cancel_browser(self, why: str = "Login cancelled.") -> None:
        """Esc: stop waiting, close the login (its listener), offer to start again."""
        if self._waiter is not None:
            self._waiter.kill(block=False)
            self._waiter = None
        close = getattr(self._flow, "close", None)
        if close is not None:
            close()
        self._flow = None
        if self.screen is not None:
            self.screen.show_browser_start(f"{why} Press Enter to log in again.")

    def _browser_failed(self, text: str) -> None:
        self._waiter = None
        self.cancel_browser(text)
        if self.screen is not None:
            self.screen.show_error(f"{text} Press Enter to log in again.")

    def _after_login(self) -> None:
        after = getattr(self.connection, "after_login", None)
        if after is not None:
            after()

    def submit_credentials(self, username: str, password: str) -> None:
        """Start a login with a user name and password."""
        def work() -> None:
            try:
                self._flow = self.connection.login_flow()
                step = self._flow.begin(Credentials(username, password))
                self.connection.username = username
            except Exception as exc:
                log.warning("login failed: %s", exc)
                self._in_loop(self.screen.show_error, login_error_text(exc))
                return
            self._in_loop(self._render, step)

        self._spawn(work)

    def send_code(self, method: str) -> None:
        """Ask for the two-factor code by ``method``."""
        def work() -> None:
            try:
                step = self._started().send_code(method)
            except Exception as exc:
                self._in_loop(self.screen.show_error, login_error_text(exc))
                return
            self._in_loop(self._render, step)

        self._spawn(work)

    def submit_code(self, code: str) -> None:
        """Finish the login with the code; a lock-out or a dead token starts again."""
        def work() -> None:
            try:
                step = self._started().finish(code)
            except errors.TwoFactorFailed as exc:
                if exc.status_code == 429 or "lock" in exc.message.lower():
                    self._in_loop(self.screen.restart, login_error_text(exc))
                else:
                    self._in_loop(self.screen.show_error, login_error_text(exc))
                return
            except errors.AuthError as exc:  # token expired and the like: start again
                self._in_loop(self.screen.restart, login_error_text(exc))
                return
            except Exception as exc:
                self._in_loop(self.screen.show_error, login_error_text(exc))
                return
            self._in_loop(self._render, step)

        self._spawn(work)

    def _started(self) -> LoginFlow:
        if self._flow is None:
            raise errors.AuthError("the login has not started")
        return self._flow

    def _render(self, step: LoginStep) -> None:
        """Show what ``step`` asks for (the screen is the loop greenlet's)."""
        if step.done:
            self._logged_in()
        elif step.kind is StepKind.CHOOSE_METHOD:
            self.screen.show_methods(dict(step.choices))
        elif step.kind is StepKind.ENTER_CODE:
            method = step.method or ""
            self.screen.show_code_entry(method, step.choices.get(method, ""))
        elif step.kind is StepKind.OPEN_URL and step.url:
            prompt = getattr(self._flow, "prompt", None)
            hints = tuple(getattr(prompt, "hints", ()) or (step.message,))
            paste_help = getattr(prompt, "paste_help", "") or "Paste the address here."
            self.screen.show_open_url(step.url, hints, paste_help)
        else:  # a step this screen has no form for
            self.screen.show_error(" ".join(filter(None, (step.message, step.url))))

    def _logged_in(self) -> None:
        backend = getattr(self.connection, "backend", None)
        self.screen = None
        self._flow = None
        self._waiter = None
        self._on_logged_in(backend.display_name if backend is not None else "")
