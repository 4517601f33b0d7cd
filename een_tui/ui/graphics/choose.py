"""Choose how images are drawn: an override (``--graphics``) or, for ``auto``, what the terminal
answers, helped by the environment (iTerm2/WezTerm, tmux)."""

from __future__ import annotations

import os
import termios
from collections.abc import Mapping
from dataclasses import dataclass

from .probe import DEFAULT_CELL, TIMEOUT, Answers, CellSize, query_terminal
from .tmux import HOW_TO_ALLOW, in_tmux, passthrough_allowed

PIXEL_PROTOCOLS = ("kitty", "iterm", "sixel")
URWID_PROTOCOLS = ("blocks", "none")  # drawn by urwid: half-block cells, or a text note
CHOICES = ("auto", *PIXEL_PROTOCOLS, *URWID_PROTOCOLS)


@dataclass(frozen=True)
class Graphics:
    """The decision: ``protocol`` (kitty|iterm|sixel|blocks|none), the cell size in pixels,
    whether sequences go through tmux passthrough, and a note for the user (why, what to set)."""

    protocol: str
    cell: CellSize = DEFAULT_CELL
    passthrough: bool = False
    note: str = ""

    @property
    def pixels(self) -> bool:
        """True when images are written as terminal graphics, False when urwid draws them."""
        return self.protocol in PIXEL_PROTOCOLS


def check_choice(option: str) -> str:
    """The option lower-cased, or ValueError naming the valid choices."""
    value = option.strip().lower()
    if value not in CHOICES:
        raise ValueError(f"graphics must be one of {', '.join(CHOICES)}, not {option!r}")
    return value


def iterm_by_env(env: Mapping[str, str]) -> bool:
    """iTerm2 or WezTerm named by the environment (they both read OSC 1337 images)."""
    return (
        env.get("TERM_PROGRAM") in ("iTerm.app", "WezTerm")
        or env.get("LC_TERMINAL") == "iTerm2"
        or bool(env.get("WEZTERM_PANE"))
    )


def _is_tty(fd: int | None) -> bool:
    if fd is None:
        return False
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _auto(answers: Answers, env: Mapping[str, str], tmux: bool) -> str:
    version = answers.version.lower()
    if tmux:
        if answers.sixel:  # tmux itself draws Sixel (3.4+ built with it): no passthrough
            return "sixel"
        if env.get("KITTY_WINDOW_ID") or env.get("TERM") == "xterm-kitty":
            return "kitty"
        return "iterm" if iterm_by_env(env) else "blocks"
    if answers.kitty:
        return "kitty"
    if iterm_by_env(env) or "iterm2" in version or "wezterm" in version:
        return "iterm"
    return "sixel" if answers.sixel else "blocks"


def detect_graphics(
    option: str, env: Mapping[str, str], fd: int | None, timeout: float = TIMEOUT
) -> Graphics:
    """The protocol for ``--graphics option`` on the terminal at tty ``fd`` (None: no terminal).

    ``blocks`` and ``none`` never touch the terminal. Otherwise the terminal is queried once
    (at most ``timeout`` seconds): for ``auto`` to choose, for a forced protocol to learn the cell
    size. Call it before urwid starts. Raises ValueError for an unknown option."""
    choice = check_choice(option)
    if choice in URWID_PROTOCOLS:
        return Graphics(choice)
    if not _is_tty(fd):
        if choice == "auto":
            return Graphics("blocks", note="no terminal to ask: drawing with half blocks")
        return Graphics(choice, note="no terminal to ask: assuming a 10x20 pixel cell")
    assert fd is not None
    tmux = in_tmux(env)
    try:
        answers = query_terminal(fd, timeout)
    except (OSError, termios.error):  # a tty that went away, or one that refuses raw mode
        answers = Answers()
    protocol = choice if choice != "auto" else _auto(answers, env, tmux)
    cell = answers.cell or DEFAULT_CELL
    note = "" if answers.cell else "cell size unknown: assuming 10x20 pixels"
    if protocol not in PIXEL_PROTOCOLS:
        return Graphics(protocol, cell, note=note)
    wrap = tmux and not (protocol == "sixel" and answers.sixel)
    if wrap:
        allowed = passthrough_allowed(env)
        if not allowed:
            why = "tmux does not pass images through" if allowed is False else "cannot ask tmux"
            if choice == "auto":
                return Graphics("blocks", cell, note=f"{why}: run `{HOW_TO_ALLOW}`")
            note = f"{why}: run `{HOW_TO_ALLOW}`"
    return Graphics(protocol, cell, passthrough=wrap, note=note)
