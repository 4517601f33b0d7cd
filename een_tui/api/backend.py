"""The one protocol the rest of the program uses to talk to EEN, whatever the API version.

A :class:`Backend` logs in (non-interactively, or through a :class:`LoginFlow` that a terminal
prompt or the UI drives step by step), lists cameras, plans the preview frames to fetch, and
opens one image as a stream whose iteration raises only :mod:`een_tui.api.errors`.

The interactive login is described, not hard-wired: each step returns a :class:`LoginStep`
saying what the person must do next, so one flow fits v1 (user name and password, then maybe a
two-factor code sent by sms or email) and v3 (open an authorize URL in a browser, then paste the
address it ended on, or let a loopback listener catch it).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from een_tui.api import errors
from een_tui.api.credentials import Credentials
from een_tui.api.model import Camera, CameraList, PreviewFrame
from een_tui.api.responses import ImageHeaders
from een_tui.api.retry_policy import RetryPolicy

__all__ = ["Backend", "LoginFlow", "LoginStep", "PreviewPlan", "StepKind", "drive_login"]

AskCode = Callable[[str, str], str]
"""``ask(method, destination)`` -> the code a person read."""

Retry = Callable[..., Any]
"""``call(step, *args)``: runs one planning request, possibly with retries."""


class StepKind(enum.Enum):
    """What a login step asks of the person."""

    CREDENTIALS = "credentials"  # a user name and password (v1), for ``begin``
    CHOOSE_METHOD = "choose method"  # where the code should go (``choices``), for ``send_code``
    ENTER_CODE = "enter code"  # the code that was sent, for ``finish``
    OPEN_URL = "open url"  # open ``url`` in a browser; paste where it ended, for ``finish``
    DONE = "done"  # logged in


@dataclass(frozen=True)
class LoginStep:
    """The next thing a login needs, for a terminal or a screen to render.

    ``choices`` maps a method to where it delivers (``{"sms": "*** *** 779"}``); ``url`` is the
    address to open (v3); ``message`` is a sentence for the person (e.g. how long a code lives)."""

    kind: StepKind
    message: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    url: str | None = None
    method: str | None = None  # ENTER_CODE: how the code was sent

    @property
    def done(self) -> bool:
        """True once logged in."""
        return self.kind is StepKind.DONE


class LoginFlow(Protocol):
    """An interactive login, one step at a time. Every method blocks on the network (run it off
    the UI loop) and raises :mod:`een_tui.api.errors` on failure."""

    def begin(self, credentials: Credentials | None = None) -> LoginStep:
        """Start: v1 sends ``credentials``; v3 (no credentials) returns the URL to open."""
        ...

    def send_code(self, method: str) -> LoginStep:
        """Ask for a code by ``method`` (one of the CHOOSE_METHOD step's ``choices``)."""
        ...

    def finish(self, answer: str | None = None) -> LoginStep:
        """Complete with the code (v1 two-factor) or the pasted redirect address / code (v3;
        there ``None`` may mean: wait for the browser's redirect on the loopback listener)."""
        ...


def drive_login(flow: LoginFlow, credentials: Credentials, ask_code: AskCode | None, *,
                method: str | None = None) -> None:
    """Drive ``flow`` to the end without a screen: the first delivery method offered (or
    ``method``), the code from ``ask_code`` (a terminal prompt); without ``ask_code`` a needed
    code is :class:`TwoFactorRequired`."""
    step = flow.begin(credentials)
    if step.kind is StepKind.CHOOSE_METHOD:
        methods = [m for m in step.choices if method is None or m == method]
        if not methods:
            raise errors.TwoFactorRequired(
                "the account needs a two-factor code but EEN has no usable sms or email for it")
        if ask_code is None:
            raise errors.TwoFactorRequired(
                "the account needs a two-factor code; log in on a terminal to enter it")
        step = flow.send_code(methods[0])
    if step.kind is StepKind.ENTER_CODE and ask_code is not None:
        sent_by = step.method or ""
        step = flow.finish(ask_code(sent_by, step.choices.get(sent_by, "")))
    if not step.done:
        raise errors.AuthError(f"the login did not finish ({step.kind.value})")


@dataclass(frozen=True)
class PreviewPlan:
    """Timestamps to fetch, newest first, distinct and valid; ``source`` says how they were
    found (v1: ``list`` or ``walk``)."""

    esn: str
    timestamps: tuple[str, ...]
    source: str

    @property
    def frames(self) -> tuple[PreviewFrame, ...]:
        """The plan as parsed frames."""
        return tuple(PreviewFrame.parse(s) for s in self.timestamps)


@runtime_checkable
class Backend(Protocol):
    """One EEN account over one API version. Safe to share between greenlets."""

    api_version: str  # "v1", "v3"
    retry_policy: RetryPolicy  # the JSON calls'; image downloads use their own RetryPolicy

    @property
    def username(self) -> str | None:
        """The account's login name, when known."""
        ...

    @property
    def display_name(self) -> str:
        """The person's name for "logged in as" (empty when unknown)."""
        ...

    def resume(self) -> bool:
        """Reuse a cached session when it is still valid; False when a login is needed."""
        ...

    def login(self, credentials: Credentials | None = None) -> None:
        """Log in without asking anyone; raises TwoFactorRequired / MissingCredentials when a
        person is needed."""
        ...

    def login_flow(self) -> LoginFlow:
        """A fresh interactive login."""
        ...

    def list_cameras(self) -> CameraList:
        """Every camera of the account."""
        ...

    def find_device(self, esn: str) -> Camera | None:
        """The account's device (a camera, or another kind) with this ESN; None if it has none.
        Cheaper than :meth:`list_cameras` where the API can filter."""
        ...

    def plan_previews(self, esn: str, count: int, *, before: str | None = None,
                      exclude: Iterable[str] = (), call: Retry | None = None) -> PreviewPlan:
        """Up to ``count`` distinct frames, newest first; ``before`` a frame: only older ones
        (empty plan when there are none). ``call`` runs each request (e.g. with retries)."""
        ...

    def open_image(self, esn: str, timestamp: str
                   ) -> AbstractContextManager[tuple[ImageHeaders, Iterator[bytes]]]:
        """Stream the image of ``esn`` at ``timestamp``: its headers and a chunk iterator that
        raises only een_tui errors."""
        ...

    def close(self) -> None:
        """Close the connections (a cached session stays valid)."""
        ...
