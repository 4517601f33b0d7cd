"""What the environment says about the terminal: ``NO_COLOR``, a dumb terminal, its text
encoding. One place for each check, used by the UI and the headless commands (no urwid here)."""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping

DUMB_TERMS = frozenset({"", "dumb", "unknown"})


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def no_color_requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``NO_COLOR`` is set to anything non-empty (https://no-color.org)."""
    return bool(_env(environ).get("NO_COLOR"))


def dumb_terminal(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``TERM`` is unset, empty, ``dumb`` or ``unknown``: no cursor addressing, so no
    full-screen UI."""
    return _env(environ).get("TERM", "").strip().lower() in DUMB_TERMS


def terminal_encoding() -> str:
    """The text encoding the locale gives the terminal (e.g. ``UTF-8``, ``ISO-8859-1``)."""
    return locale.getpreferredencoding(False) or "ascii"


def can_encode(text: str, encoding: str) -> bool:
    """Whether every character of ``text`` exists in ``encoding`` (an unknown encoding: no)."""
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
