"""The v3 browser login as an object the terminal prompt and the UI both drive.

``begin()`` gives the authorize URL and hints (and starts the loopback listener, and opens a
browser when there is a display and no SSH session); the code then arrives by whichever comes
first: the browser's redirect to the listener, or text pasted with :meth:`send_code` (the UI's
edit box) or read from a stream by :meth:`wait` (a terminal or a pipe). ``finish()`` trades the
code for tokens. Library code: nothing is printed, the caller shows the prompt.
"""

from __future__ import annotations

import logging
import os
import time
import webbrowser
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO

import gevent
import gevent.event
import gevent.select

from een_tui.api import errors
from een_tui.api.backend import LoginStep, StepKind
from een_tui.api.credentials import Credentials
from een_tui.api.v3 import oauth
from een_tui.api.v3.token_cache import TokenCache
from een_tui.api.v3.token_manager import OnSecret, TokenManager
from een_tui.api.v3.tokens import CODE_LIFETIME_S, OAuthClient, TokenEndpoint

log = logging.getLogger(__name__)

POLL_S = 0.25


class LoginTimedOut(errors.AuthError):
    """No code arrived in time (the code would have expired anyway)."""


@dataclass(frozen=True)
class LoginPrompt:
    """What to show the person: the URL to open and hints, one sentence each."""

    authorize_url: str
    hints: tuple[str, ...]
    listening_port: int | None  # the loopback listener's port, None when not listening
    opened_browser: bool
    code_lifetime_s: float = CODE_LIFETIME_S
    paste_help: str = field(default="Or paste the address the browser ended on (or just the "
                                    "code) here and press Enter.")


class BrowserLogin:
    """One v3 login attempt: ``begin`` → (listener | ``send_code`` | ``wait``) → ``finish``."""

    def __init__(self, client: OAuthClient, *, endpoint: TokenEndpoint | None = None,
                 cache: TokenCache | None = None, env: Mapping[str, str] | None = None,
                 open_browser: Callable[[str], object] = webbrowser.open,
                 listen: bool = True, listen_port: int | None = None,
                 on_secret: OnSecret | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.endpoint = endpoint or TokenEndpoint(client)
        self._cache = cache
        self._env = os.environ if env is None else env
        self._open_browser = open_browser
        self._listen = listen
        self._listen_port = listen_port
        self._on_secret = on_secret
        self._clock = clock
        self._state = ""
        self._began: float | None = None
        self._result = gevent.event.AsyncResult()
        self._listener: oauth.LoopbackListener | None = None

    @property
    def state(self) -> str:
        """The ``state`` of the current attempt (empty before ``begin``)."""
        return self._state

    def begin(self) -> LoginPrompt:
        """Start an attempt: a fresh ``state``, the listener (loopback redirect URIs only), a
        browser when appropriate. Calling it again starts over."""
        self.close()
        self._state = oauth.new_state()
        self._result = gevent.event.AsyncResult()
        self._began = self._clock()
        url = oauth.authorize_url(self.client, self._state)
        target = oauth.redirect_target(self.client.redirect_uri)
        hints = [f"Open this address in a browser and log in to EEN; the code it gives lives "
                 f"{CODE_LIFETIME_S / 60:g} minutes."]
        port = None
        if self._listen and target.loopback:
            listener = oauth.LoopbackListener(target, self._state, self._result,
                                              port=self._listen_port)
            try:
                listener.start()
                self._listener, port = listener, listener.port
            except OSError as exc:
                log.warning("cannot listen on port %d: %s", target.port, exc)
                hints.append(f"Port {target.port} is busy here: paste the address instead.")
        elif not target.loopback:
            hints.append("The redirect address is not on this machine: paste the address "
                         "the browser ended on.")
        opened = False
        if oauth.should_open_browser(self._env):
            try:
                opened = bool(self._open_browser(url))
            except Exception as exc:  # any browser failure just means "paste"
                log.info("no browser opened: %s", type(exc).__name__)
        if port is not None:
            ssh = oauth.ssh_hint(target, self._env)
            if ssh:
                hints.append(f"Over SSH, forward the port so the browser's redirect reaches "
                             f"een-tui: {ssh}")
        return LoginPrompt(authorize_url=url, hints=tuple(hints), listening_port=port,
                           opened_browser=opened)

    def send_code(self, text: str) -> bool:
        """Feed pasted text. True when it held the code (the wait ends); False for a blank
        line; :class:`oauth.PasteRejected` / :class:`oauth.LoginRefused` otherwise."""
        self._require_begun()
        code = oauth.code_from_paste(text, self._state)
        if code is None:
            return False
        if not self._result.ready():
            self._result.set(code)
        return True

    def wait(self, stream: IO[str] | None = None, *, timeout: float | None = None,
             on_rejected: Callable[[str], None] | None = None) -> str:
        """The code from the listener, :meth:`send_code`, or lines of ``stream`` (each
        rejected line reported to ``on_rejected``), whichever comes first."""
        self._require_begun()
        reader = gevent.spawn(self._read_lines, stream, on_rejected) if stream else None
        try:
            code = self._result.get(timeout=timeout)
        except gevent.Timeout:
            self.close()
            raise LoginTimedOut("no login code arrived in time; run een-tui login again") from None
        finally:
            if reader is not None:
                reader.kill(block=False)
        return code

    def finish(self, code_or_url: str | None = None) -> TokenManager:
        """Trade the code (given, or the one that arrived) for tokens, cache them, and return
        the manager that holds them. The listener stops."""
        self._require_begun()
        try:
            code = self._result.get(block=False) if code_or_url is None else None
        except gevent.Timeout:
            raise errors.AuthError("no login code yet") from None
        if code is None:
            code = oauth.code_from_paste(code_or_url or "", self._state)
            if code is None:
                raise oauth.PasteRejected("no code given")
        self.close()
        age = self._clock() - (self._began or self._clock())
        tokens = self.endpoint.exchange_code(code, code_age_s=age)
        manager = TokenManager(tokens, endpoint=self.endpoint, cache=self._cache,
                               on_secret=self._on_secret)
        manager.save()
        return manager

    def close(self) -> None:
        """Stop the listener, if any."""
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _require_begun(self) -> None:
        if not self._state:
            raise errors.AuthError("the login has not begun")

    def _read_lines(self, stream: IO[str], on_rejected: Callable[[str], None] | None) -> None:
        for line in _lines(stream):
            try:
                if self.send_code(line):
                    return
            except (oauth.PasteRejected, oauth.LoginRefused) as exc:
                if isinstance(exc, oauth.LoginRefused):
                    self._result.set_exception(exc)
                    return
                if on_rejected is not None:
                    on_rejected(str(exc))
        # End of input without a code: only the listener could still bring one.
        if self._listener is None and not self._result.ready():
            self._result.set_exception(errors.AuthError(
                "the input ended without the address the browser ended on (or its code)"))


class V3LoginFlow:
    """The browser login as a :class:`~een_tui.api.backend.LoginFlow`: ``begin`` gives the
    URL (OPEN_URL); ``finish(None)`` waits for the loopback listener, ``finish(text)`` takes the
    pasted address or code. :meth:`wait` also reads pasted lines from a terminal or pipe."""

    def __init__(self, login: BrowserLogin, on_done: Callable[[TokenManager], None]) -> None:
        self.login = login
        self._on_done = on_done
        self.prompt: LoginPrompt | None = None

    def begin(self, credentials: Credentials | None = None) -> LoginStep:
        """Start (``credentials`` are not used by v3): OPEN_URL with the hints."""
        self.prompt = self.login.begin()
        message = " ".join((*self.prompt.hints, self.prompt.paste_help))
        return LoginStep(StepKind.OPEN_URL, message, url=self.prompt.authorize_url)

    def send_code(self, method: str) -> LoginStep:
        """v3 sends no code anywhere: the browser shows the EEN login."""
        raise errors.AuthError("EEN API v3 logins have no code to send; open the login address")

    def wait(self, stream: IO[str] | None = None, *,
             on_rejected: Callable[[str], None] | None = None) -> LoginStep:
        """Wait for the listener or a pasted line of ``stream``, then finish: DONE."""
        code = self.login.wait(stream, timeout=CODE_LIFETIME_S + 60, on_rejected=on_rejected)
        return self.finish(code)

    def finish(self, answer: str | None = None) -> LoginStep:
        """Trade the code for tokens (waiting for the listener when ``answer`` is None)."""
        if answer is None:
            answer = self.login.wait(timeout=CODE_LIFETIME_S + 60)
        self._on_done(self.login.finish(answer))
        return LoginStep(StepKind.DONE)

    def drive(self, stream: IO[str] | None, show: Callable[[str], None]) -> LoginStep:
        """The whole login for a terminal: ``show`` the address and hints (and each rejected
        paste), then wait for the listener or a pasted line of ``stream``: DONE."""
        step = self.begin()
        assert step.url is not None
        show(step.url)
        for hint in (*(self.prompt.hints if self.prompt else ()),):
            show(hint)
        if stream is not None and self.prompt is not None:
            show(self.prompt.paste_help)
        try:
            return self.wait(stream, on_rejected=show)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the listener."""
        self.login.close()



def _lines(stream: IO[str]) -> Iterator[str]:
    """Lines of ``stream`` without blocking the gevent hub: a real file descriptor (terminal,
    pipe) is polled with gevent's select; anything else is read directly."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        yield from iter(stream.readline, "")
        return
    pending = b""
    while True:
        # A timeout on each poll: a select without one was seen to miss a pipe's EOF.
        readable, _, _ = gevent.select.select([fd], [], [], POLL_S)
        if not readable:
            continue
        data = os.read(fd, 4096)
        if not data:
            if pending:
                yield pending.decode("utf-8", "replace")
            return
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line.decode("utf-8", "replace")
        if len(pending) > 65536:
            pending = b""
